//! The Solomon reader accepts the bundled files and names the line of every malformed one.

use crate::{data, instance_text, tiny};
use fieldplan::io::solomon::{Instance, SolomonObjective};
use fieldplan::solve::routing::{Time, TimeWindow};

#[track_caller]
fn parse_error(text: &str) -> (usize, String) {
    let e = Instance::parse(text).expect_err("the file must be rejected");
    (e.line, e.to_string())
}

#[test]
fn reads_the_bundled_c101() {
    let i = Instance::read(&data("C101.txt")).expect("C101 parses");
    assert_eq!(i.name, "C101");
    assert_eq!((i.fleet, i.capacity, i.customers()), (25, 200.0, 100));
    let c1 = &i.nodes[1];
    assert_eq!(
        (c1.id, c1.x, c1.y, c1.demand, c1.ready, c1.due, c1.service),
        (1, 45.0, 68.0, 10.0, 912.0, 967.0, 90.0)
    );
    assert_eq!(i.nodes[0].due, 1236.0);
}

#[test]
fn crlf_and_lf_files_parse_the_same() {
    let lf = tiny(100);
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(Instance::parse(&lf), Instance::parse(&crlf));
}

#[test]
fn every_bundled_instance_parses() {
    for name in [
        "C101", "C103", "C201", "R101", "R102", "R201", "RC101", "RC201",
    ] {
        let i = Instance::read(&data(&format!("{name}.txt"))).expect(name);
        assert_eq!(i.name, name);
        assert_eq!(i.customers(), 100, "{name}");
    }
}

#[test]
fn rejects_an_empty_file() {
    let (line, message) = parse_error("\n  \n");
    assert_eq!(line, 0);
    assert!(message.contains("empty"), "{message}");
}

#[test]
fn rejects_a_file_without_vehicle_section() {
    let text = "TINY\n\nCUSTOMER\nCUST NO. X Y\n0 0 0 0 0 100 0\n";
    let (line, message) = parse_error(text);
    assert_eq!(line, 0);
    assert!(message.contains("VEHICLE"), "{message}");
}

#[test]
fn rejects_a_file_without_customer_section() {
    let text = "TINY\n\nVEHICLE\nNUMBER CAPACITY\n2 10\n";
    let (line, message) = parse_error(text);
    assert_eq!(line, 0);
    assert!(message.contains("CUSTOMER"), "{message}");
}

#[test]
fn rejects_a_customer_section_without_rows() {
    let (_, message) = parse_error(&instance_text("2 10", &[]));
    assert!(message.contains("no depot row"), "{message}");
}

#[test]
fn names_the_line_of_a_bad_fleet_row() {
    let (line, message) = parse_error(&instance_text("two 10", &["0 0 0 0 0 100 0"]));
    assert_eq!(line, 5);
    assert!(
        message.starts_with("line 5:") && message.contains("'two'"),
        "{message}"
    );
    let (line, message) = parse_error(&instance_text("2 ten", &["0 0 0 0 0 100 0"]));
    assert_eq!(line, 5);
    assert!(message.contains("capacity 'ten'"), "{message}");
}

#[test]
fn names_the_line_of_a_bad_number() {
    let text = instance_text("2 10", &["0 0 0 0 0 100 0", "1 3 4x 5 0 50 1"]);
    let (line, message) = parse_error(&text);
    assert_eq!(line, 11);
    assert!(message.contains("y '4x' is not a number"), "{message}");
}

#[test]
fn names_the_line_of_a_short_row() {
    let text = instance_text("2 10", &["0 0 0 0 0 100 0", "1 3 4 5 0 50"]);
    let (line, message) = parse_error(&text);
    assert_eq!(line, 11);
    assert!(message.contains("expected 7 numbers"), "{message}");
}

#[test]
fn names_the_line_of_a_misnumbered_row() {
    let text = instance_text(
        "2 10",
        &["0 0 0 0 0 100 0", "1 3 4 5 0 50 1", "3 6 8 5 10 20 1"],
    );
    let (line, message) = parse_error(&text);
    assert_eq!(line, 12);
    assert!(
        message.contains("customer number 3 where 2 was expected"),
        "{message}"
    );
}

#[test]
fn names_the_line_of_a_ready_time_after_the_due_date() {
    let text = instance_text(
        "2 10",
        &["0 0 0 0 0 100 0", "1 3 4 5 0 50 1", "2 6 8 5 30 20 1"],
    );
    let (line, message) = parse_error(&text);
    assert_eq!(line, 12);
    assert!(
        message.contains("ready time 30 is after due date 20"),
        "{message}"
    );
}

#[test]
fn names_the_line_of_a_negative_demand() {
    let text = instance_text("2 10", &["0 0 0 0 0 100 0", "1 3 4 -5 0 50 1"]);
    assert_eq!(parse_error(&text).0, 11);
}

#[test]
fn read_errors_name_the_file() {
    let missing = data("NOPE.txt");
    let message = Instance::read(&missing).expect_err("missing").to_string();
    assert!(message.contains("NOPE.txt"), "{message}");
}

#[test]
fn the_routing_problem_rounds_travel_times_up_and_keeps_the_fleet() {
    let i = Instance::parse(&tiny(100)).expect("valid");
    let p = i.to_problem(SolomonObjective::Hierarchical);
    assert_eq!((p.num_jobs(), p.num_vehicles()), (3, 2));
    assert!(p.minimize_vehicles);
    assert!(!i.to_problem(SolomonObjective::Distance).minimize_vehicles);
    // Customer 2 (job 1): window [10, 12] scaled by a million.
    assert_eq!(
        p.jobs[1].windows,
        vec![TimeWindow::new(Time(10_000_000), Time(12_000_000))]
    );
    // Depot to customer 3 is exactly 10: no rounding needed.
    assert_eq!(p.duration(0, 3), Time(10_000_000));
    // Customer 2 to 3 is sqrt(40) = 6.3245553...: travel time rounded up.
    let exact = 40f64.sqrt() * 1e6;
    assert!(p.duration(2, 3).0 as f64 >= exact);
    assert!((p.duration(2, 3).0 as f64) < exact + 1.0);
}
