//! `fieldplan solve`.

use crate::{data, fieldplan, scratch, stderr, stdout, truncated};
use fieldplan::io::solomon::Instance;
use fieldplan::io::solomon_check::check_solomon;
use serde_json::Value;

#[test]
fn prints_exactly_the_documented_fields_and_feasible_routes() {
    let file = data("R101.txt");
    let out = fieldplan(&["solve", file.to_str().unwrap(), "--time-limit", "0.2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_str(stdout(&out).trim()).expect("one JSON line");
    let mut keys: Vec<&str> = json
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["distance", "instance", "routes", "seconds", "vehicles"]
    );
    assert_eq!(json["instance"], "R101");
    let routes: Vec<Vec<usize>> = serde_json::from_value(json["routes"].clone()).expect("routes");
    let instance = Instance::read(&file).expect("R101");
    let score = check_solomon(&instance, &routes);
    assert!(score.feasible(), "{:?}", score.violations);
    assert_eq!(json["vehicles"].as_u64(), Some(score.vehicles as u64));
    let distance = json["distance"].as_f64().expect("a number");
    assert!((distance - score.distance).abs() < 1e-6);
}

#[test]
fn the_distance_objective_also_answers_feasibly() {
    let dir = scratch("solve_distance_objective");
    let file = dir.join("C101_30.txt");
    std::fs::write(&file, truncated("C101.txt", 30)).unwrap();
    let out = fieldplan(&[
        "solve",
        file.to_str().unwrap(),
        "--time-limit",
        "0.2",
        "--objective",
        "distance",
        "--seed",
        "7",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    let routes: Vec<Vec<usize>> = serde_json::from_value(json["routes"].clone()).expect("routes");
    let instance = Instance::read(&file).expect("valid");
    assert!(check_solomon(&instance, &routes).feasible());
}

#[test]
fn a_malformed_file_exits_with_code_2_naming_the_line() {
    let dir = scratch("solve_malformed");
    let file = dir.join("bad.txt");
    let text = truncated("C101.txt", 3).replace("   45         68  ", "   45         6x8  ");
    std::fs::write(&file, text).unwrap();
    let out = fieldplan(&["solve", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("line 11") && message.contains("bad.txt"),
        "{message}"
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn a_ready_time_after_the_due_date_exits_with_code_2_naming_the_line() {
    let dir = scratch("solve_ready_after_due");
    let file = dir.join("bad.txt");
    // Customer 2 (line 12): ready 825, due 870 -> ready 880.
    let text = truncated("C101.txt", 3).replace("   825        870", "   880        870");
    std::fs::write(&file, text).unwrap();
    let out = fieldplan(&["solve", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("line 12") && message.contains("ready time"),
        "{message}"
    );
}

#[test]
fn a_missing_file_or_bad_argument_exits_with_code_2() {
    let out = fieldplan(&["solve", "/nonexistent/R101.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/R101.txt"));
    let file = data("C101.txt");
    let out = fieldplan(&["solve", file.to_str().unwrap(), "--time-limit", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--time-limit"), "{}", stderr(&out));
}

fn vrplib_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vrplib")
        .join(name)
}

#[test]
fn format_vrplib_solves_the_same_instance_as_solomon() {
    let file = vrplib_fixture("R101.vrp");
    let run = |path: &str, format: &str| {
        let out = fieldplan(&[
            "solve",
            path,
            "--format",
            format,
            "--work",
            "200000",
            "--time-limit",
            "60",
            "--seed",
            "3",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str::<Value>(stdout(&out).trim()).expect("one JSON line")
    };
    let vrp = run(file.to_str().unwrap(), "vrplib");
    let txt = run(data("R101.txt").to_str().unwrap(), "solomon");
    // Same problem, same seed and work budget: the same answer, in the same customer numbers.
    assert_eq!(vrp["routes"], txt["routes"]);
    let routes: Vec<Vec<usize>> = serde_json::from_value(vrp["routes"].clone()).unwrap();
    let instance = Instance::read(&data("R101.txt")).unwrap();
    assert!(check_solomon(&instance, &routes).feasible());
}

#[test]
fn a_malformed_vrplib_file_exits_with_code_2_naming_line_and_section() {
    let dir = scratch("solve_vrplib_malformed");
    let file = dir.join("bad.vrp");
    // Line 20 is node 13 of the NODE_COORD_SECTION (its header is line 7).
    let text = std::fs::read_to_string(vrplib_fixture("R101.vrp")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert!(lines[19].starts_with("13\t"), "{}", lines[19]);
    lines[19] = "13\t5x\t3";
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = fieldplan(&["solve", file.to_str().unwrap(), "--format", "vrplib"]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("bad.vrp")
            && message.contains("line 20")
            && message.contains("NODE_COORD_SECTION"),
        "{message}"
    );
    assert!(stdout(&out).is_empty());
}
