//! `fieldplan bench solomon`.

use crate::{fieldplan, scratch, stderr, stdout, truncated};
use fieldplan::cli::bench::{Bks, parse_bks, reference};
use fieldplan::io::solomon::SolomonObjective;

const BKS: &str = "instance,customers,bks_vehicles,bks_distance,objective_convention,source\n\
    A,25,3,200.5,hierarchical_double,\"x, y\"\n\
    A,25,4,190.25,distance_double_literature,z\n\
    A,25,4,191.0,distance_double_dimacs_routes,z\n\
    R109,100,11,1101.37,distance_double_literature,z\n\
    R109,100,11,1146.9,distance_dimacs_trunc1,z\n\
    R109,100,12,1150.5,distance_double_dimacs_routes,z\n";

#[test]
fn references_follow_the_objective_conventions() {
    let table = parse_bks(BKS).expect("valid");
    let get = |i: &str, o| reference(&table, i, o);
    assert_eq!(
        get("A", SolomonObjective::Hierarchical),
        Some(Bks {
            vehicles: 3,
            distance: 200.5
        })
    );
    // The smaller of literature and re-scored routes.
    assert_eq!(
        get("A", SolomonObjective::Distance).map(|b| b.distance),
        Some(190.25)
    );
    // R109's literature value is below the DIMACS lower bound: ignored.
    assert_eq!(
        get("R109", SolomonObjective::Distance),
        Some(Bks {
            vehicles: 12,
            distance: 1150.5
        })
    );
    assert_eq!(get("R109", SolomonObjective::Hierarchical), None);
}

#[test]
fn malformed_bks_rows_name_the_line() {
    let e = parse_bks("instance,bks_vehicles,bks_distance,objective_convention\nA,3,abc,h\n")
        .expect_err("bad distance");
    assert!(e.to_string().contains("line 2"), "{e}");
    let e = parse_bks("instance,vehicles\n").expect_err("missing columns");
    assert!(e.to_string().contains("bks_vehicles"), "{e}");
}

#[test]
fn solves_every_instance_and_writes_csv() {
    let dir = scratch("bench_ok");
    std::fs::write(dir.join("B.txt"), truncated("R101.txt", 20)).unwrap();
    std::fs::write(dir.join("A.txt"), truncated("C101.txt", 25)).unwrap();
    std::fs::write(dir.join("bks.csv"), BKS).unwrap();
    std::fs::write(dir.join("notes.md"), "not an instance").unwrap();
    let csv = dir.join("results.csv");
    let out = fieldplan(&[
        "bench",
        "solomon",
        "--dir",
        dir.to_str().unwrap(),
        "--time-limit",
        "0.2",
        "--threads",
        "1",
        "--objective",
        "hierarchical",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // Instance names come from the files' first line: C101 (A.txt) before R101 (B.txt).
    let c = text.find("C101").expect("C101 row");
    let r = text.find("R101").expect("R101 row");
    assert!(c < r, "{text}");
    assert!(text.contains("feasible: 2/2"), "{text}");
    assert!(text.contains("at BKS vehicles or fewer"), "{text}");
    let csv = std::fs::read_to_string(csv).expect("CSV written");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[0].starts_with("instance,vehicles,distance,bks_vehicles,bks_distance,gap_percent")
    );
    assert!(lines[1].starts_with("C101,") && lines[1].contains(",true,0,"));
}

#[test]
fn a_missing_directory_exits_with_code_2() {
    let out = fieldplan(&["bench", "solomon", "--dir", "/nonexistent/bench"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/bench"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_directory_without_instances_exits_with_code_2() {
    let dir = scratch("bench_empty");
    let out = fieldplan(&["bench", "solomon", "--dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no instance"), "{}", stderr(&out));
}

#[test]
fn a_malformed_instance_exits_with_code_2_naming_file_and_line() {
    let dir = scratch("bench_malformed");
    std::fs::write(dir.join("A.txt"), truncated("C101.txt", 5)).unwrap();
    let bad = truncated("C101.txt", 5).replace("    2      45", "    7      45");
    std::fs::write(dir.join("B.txt"), bad).unwrap();
    let out = fieldplan(&[
        "bench",
        "solomon",
        "--dir",
        dir.to_str().unwrap(),
        "--time-limit",
        "0.1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("B.txt") && message.contains("line 12"),
        "{message}"
    );
    assert!(
        stdout(&out).is_empty(),
        "nothing is solved before every file is read"
    );
}

#[test]
fn format_vrplib_benches_the_vrp_files_of_a_directory() {
    let dir = scratch("bench_vrplib");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vrplib");
    std::fs::copy(fixture.join("R101.vrp"), dir.join("R101.vrp")).unwrap();
    std::fs::write(dir.join("C101.txt"), truncated("C101.txt", 10)).unwrap();
    let out = fieldplan(&[
        "bench",
        "solomon",
        "--dir",
        dir.to_str().unwrap(),
        "--format",
        "vrplib",
        "--time-limit",
        "0.2",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("R101"), "{text}");
    assert!(!text.contains("C101"), "only *.vrp files: {text}");
}
