//! The VRPLIB reader: Solomon instances written by the `vrplib` package
//! (`tests/fixtures/vrplib/convert.py`) read to exactly what the Solomon reader reads; a
//! hand-written file to the hand-built tiny instance; every malformed file is refused naming
//! its line and section.

use crate::{data, tiny};
use fieldplan::io::solomon::{Instance, SolomonObjective};
use fieldplan::io::vrplib::{VrplibError, parse, read};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vrplib")
        .join(name)
}

#[test]
fn solomon_instances_written_by_the_vrplib_package_read_the_same() {
    for name in ["R101", "RC201"] {
        let solomon = Instance::read(&data(&format!("{name}.txt"))).unwrap();
        let vrplib = read(&fixture(&format!("{name}.vrp"))).unwrap();
        assert_eq!(vrplib, solomon, "{name}");
        // ... and so build the same routing problem.
        let (a, b) = (
            vrplib.to_problem(SolomonObjective::Distance),
            solomon.to_problem(SolomonObjective::Distance),
        );
        assert_eq!((a.jobs, a.vehicles), (b.jobs, b.vehicles), "{name}");
        assert_eq!(a.durations, b.durations, "{name}");
    }
}

/// The tiny Solomon instance of `main.rs` by hand in VRPLIB, depot listed last and without
/// a depot window of its own order: node 4 is the depot.
const TINY: &str = "NAME : TINY
COMMENT : hand-written
TYPE : VRPTW
DIMENSION : 4
VEHICLES : 2
CAPACITY : 10
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
 1 3 4
 2 6 8
 3 0 10
 4 0 0
DEMAND_SECTION
1 5
2 5
3 4
4 0
TIME_WINDOW_SECTION
1 0 50
2 10 12
3 0 30
4 0 100
SERVICE_TIME_SECTION
1 1
2 1
3 0
4 0
DEPOT_SECTION
 4
 -1
EOF
";

#[test]
fn a_hand_written_file_with_the_depot_last_reads_as_the_solomon_one() {
    let solomon = Instance::parse(&tiny(100)).unwrap();
    assert_eq!(parse(TINY).unwrap(), solomon);
    // CRLF line ends read the same.
    assert_eq!(parse(&TINY.replace('\n', "\r\n")).unwrap(), solomon);
}

#[test]
fn without_windows_demands_and_fleet_the_defaults_hold() {
    let text = "NAME: CVRP\nDIMENSION: 3\nCAPACITY: 7\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 0 1\n\
                DEPOT_SECTION\n1\n-1\n";
    let i = parse(text).unwrap();
    assert_eq!((i.fleet, i.capacity, i.customers()), (2, 7.0, 2));
    // Horizon: out and back to every node (0 + 10 + 2) plus 1.
    assert!(i.nodes.iter().all(|n| n.ready == 0.0 && n.due == 13.0));
    assert!(i.nodes.iter().all(|n| n.demand == 0.0 && n.service == 0.0));
}

#[track_caller]
fn refused(text: &str) -> VrplibError {
    parse(text).expect_err("the file must be refused")
}

#[test]
fn malformed_files_are_refused_naming_line_and_section() {
    let with = |from: &str, to: &str| {
        assert!(TINY.contains(from), "{from}");
        TINY.replacen(from, to, 1)
    };
    // (text, line, section, words of the message)
    let cases: Vec<(String, usize, &str, &str)> = vec![
        (
            with(" 2 6 8\n", " 2 6 x\n"),
            10,
            "NODE_COORD_SECTION",
            "'x'",
        ),
        (
            with(" 2 6 8\n", " 2 6\n"),
            10,
            "NODE_COORD_SECTION",
            "found 2",
        ),
        (
            with(" 3 0 10\n", " 9 0 10\n"),
            11,
            "NODE_COORD_SECTION",
            "1..=4",
        ),
        (
            with("2 10 12\n", "2 12 10\n"),
            20,
            "TIME_WINDOW_SECTION",
            "after",
        ),
        (
            with("3 4\n4 0\n", "3 4\n3 0\n"),
            17,
            "DEMAND_SECTION",
            "twice",
        ),
        (
            with("3 4\n4 0\n", "3 4\n"),
            13,
            "DEMAND_SECTION",
            "node 4 has no row",
        ),
        (with("1 5\n", "1 -5\n"), 14, "DEMAND_SECTION", "negative"),
        (
            with(" 4\n -1", " 4 1\n -1"),
            29,
            "DEPOT_SECTION",
            "more than one",
        ),
        (with("EUC_2D", "ATT"), 7, "EDGE_WEIGHT_TYPE", "EUC_2D only"),
        (
            with("VEHICLES : 2", "VEHICLES : two"),
            5,
            "VEHICLES",
            "'two'",
        ),
        (
            with("CAPACITY : 10", "DISTANCE : 10"),
            6,
            "DISTANCE",
            "not supported",
        ),
        (
            with("DEPOT_SECTION", "BACKHAUL_SECTION"),
            28,
            "BACKHAUL_SECTION",
            "not supported",
        ),
        (
            with("NODE_COORD_SECTION\n", "NODE_COORD_SECTION\nhello world\n"),
            9,
            "NODE_COORD_SECTION",
            "found 2",
        ),
        (format!("5 5\n{TINY}"), 1, "file", "neither"),
    ];
    for (text, line, section, words) in cases {
        let e = refused(&text);
        assert_eq!((e.line, e.section.as_str()), (line, section), "{e}");
        assert!(e.to_string().contains(words), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("line {line}, {section}: ")),
            "{e}"
        );
    }
    let e = refused("NAME: EMPTY\n");
    assert_eq!(e.section, "NODE_COORD_SECTION");
}
