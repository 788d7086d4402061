//! Matrices supplied by the user: JSON, long CSV, square CSV, and their errors.

use crate::support::{NANCHANG, random_points, temp_dir};
use fieldplan::travel::{TravelError, TravelModel, UserMatrix};

fn parse_error(e: TravelError) -> (String, String) {
    match e {
        TravelError::Parse {
            location, message, ..
        } => (location, message),
        other => panic!("expected a parse error, got {other}"),
    }
}

#[test]
fn json_matrix_is_read() {
    let json = r#"{"metres": [[0, 1200], [1300.2, 0]], "seconds": [[0, 180], [200, 0]]}"#;
    let u = UserMatrix::from_json(json.as_bytes(), "m.json").unwrap();
    let m = u.as_matrix();
    assert_eq!(m.len(), 2);
    assert_eq!((m.distance(0, 1), m.duration(0, 1)), (1200, 180));
    assert_eq!(m.distance(1, 0), 1301, "fractions round up");
}

#[test]
fn json_accepts_osrm_names() {
    let json = r#"{"distances": [[0, 5], [5, 0]], "durations": [[0, 7], [8, 0]]}"#;
    let m = UserMatrix::from_json(json.as_bytes(), "osrm.json").unwrap();
    assert_eq!(m.as_matrix().duration(1, 0), 8);
}

#[test]
fn json_errors_name_the_cell() {
    let cases = [
        (
            r#"{"metres": [[0, 1], [1, 0]], "seconds": [[0, -5], [1, 0]]}"#,
            "seconds[0][1]",
            "negative",
        ),
        (
            r#"{"metres": [[0, 1], [1, 0]], "seconds": [[0, "x"], [1, 0]]}"#,
            "seconds[0][1]",
            "not a number",
        ),
        (
            r#"{"metres": [[0, 1], [1, 0]], "seconds": [[0, null], [1, 0]]}"#,
            "seconds[0][1]",
            "null",
        ),
        (
            r#"{"metres": [[0, 1], [1]], "seconds": [[0, 1], [1, 0]]}"#,
            "metres[1]",
            "expected 2",
        ),
        (
            r#"{"metres": [[0, 1], [1, 0]], "seconds": [[0]]}"#,
            "seconds",
            "same size",
        ),
        (r#"{"metres": [[0, 1], [1, 0]]}"#, "seconds", "missing"),
        (r#"{"metres": [[0, 1], [1, 0]], "#, "line 1", "EOF"),
    ];
    for (json, location, message) in cases {
        let (loc, msg) = parse_error(UserMatrix::from_json(json.as_bytes(), "m.json").unwrap_err());
        assert!(loc.starts_with(location), "{json}: {loc}");
        assert!(msg.contains(message), "{json}: {msg}");
    }
}

#[test]
fn long_csv_is_read_with_columns_in_any_order() {
    let csv = "to,from,seconds,metres,note\n1,0,60,500,a\n0,1,65,510,b\n";
    let m = UserMatrix::from_long_csv(csv.as_bytes(), "m.csv").unwrap();
    let m = m.as_matrix();
    assert_eq!((m.distance(0, 1), m.duration(0, 1)), (500, 60));
    assert_eq!((m.distance(1, 0), m.duration(1, 0)), (510, 65));
    assert_eq!(m.distance(0, 0), 0);
}

#[test]
fn long_csv_errors_name_the_line_and_column() {
    let cases = [
        (
            "from,to,metres,seconds\n0,1,5,x\n1,0,5,5\n",
            "line 2, column seconds",
            "not a number",
        ),
        (
            "from,to,metres,seconds\n0,1,5,5\n1,0,-5,5\n",
            "line 3, column metres",
            "negative",
        ),
        (
            "from,to,metres,seconds\n0,1,5,5\nb,0,5,5\n",
            "line 3, column from",
            "not a point index",
        ),
        (
            "from,to,metres,seconds\n0,1,5,5\n0,1,6,6\n",
            "line 3",
            "twice (first on line 2)",
        ),
        (
            "from,to,metres,seconds\n0,1,5,5\n1,2,5,5\n",
            "pair (0, 2)",
            "missing",
        ),
        ("from,to,metres\n0,1,5\n", "header", "seconds"),
        ("from,to,metres,seconds\n0,1,5\n", "line 2", "field"),
    ];
    for (csv, location, message) in cases {
        let (loc, msg) =
            parse_error(UserMatrix::from_long_csv(csv.as_bytes(), "m.csv").unwrap_err());
        assert_eq!(loc, location, "{csv}");
        assert!(msg.contains(message), "{csv}: {msg}");
    }
}

#[test]
fn square_csv_pair_is_read() {
    let metres = "0, 100, 200\n100, 0, 150\n200, 150, 0\n";
    let seconds = "0,10,20\n10,0,15\n20,15,0\n";
    let m = UserMatrix::from_square_csv(metres.as_bytes(), "m.csv", seconds.as_bytes(), "s.csv")
        .unwrap();
    assert_eq!(m.as_matrix().distance(2, 1), 150);
    assert!(m.as_matrix().is_symmetric());
}

#[test]
fn square_csv_errors_name_the_row_and_column() {
    let good = "0,1\n1,0\n";
    let (loc, msg) = parse_error(
        UserMatrix::from_square_csv("0,1\n1\n".as_bytes(), "m.csv", good.as_bytes(), "s.csv")
            .unwrap_err(),
    );
    assert_eq!(loc, "line 2");
    assert!(msg.contains("square"), "{msg}");
    let (loc, msg) = parse_error(
        UserMatrix::from_square_csv(good.as_bytes(), "m.csv", "0,1\nabc,0\n".as_bytes(), "s.csv")
            .unwrap_err(),
    );
    assert_eq!(loc, "line 2, column 1");
    assert!(msg.contains("not a number"), "{msg}");
}

#[test]
fn files_are_read_by_extension() {
    let dir = temp_dir("user-files");
    let json = dir.join("m.json");
    std::fs::write(
        &json,
        r#"{"metres": [[0, 3], [3, 0]], "seconds": [[0, 4], [4, 0]]}"#,
    )
    .unwrap();
    assert_eq!(
        UserMatrix::from_path(&json)
            .unwrap()
            .as_matrix()
            .duration(0, 1),
        4
    );
    let csv = dir.join("m.CSV");
    std::fs::write(&csv, "from,to,metres,seconds\n0,1,3,4\n1,0,3,4\n").unwrap();
    assert_eq!(
        UserMatrix::from_path(&csv)
            .unwrap()
            .as_matrix()
            .distance(1, 0),
        3
    );
    let txt = dir.join("m.txt");
    std::fs::write(&txt, "").unwrap();
    assert!(
        UserMatrix::from_path(&txt)
            .unwrap_err()
            .to_string()
            .contains(".json or .csv")
    );
    let e = UserMatrix::from_path(dir.join("missing.json")).unwrap_err();
    assert!(matches!(e, TravelError::Io { .. }), "{e}");
}

#[test]
fn user_matrix_must_cover_exactly_the_points() {
    let json = r#"{"metres": [[0, 3], [3, 0]], "seconds": [[0, 4], [4, 0]]}"#;
    let u = UserMatrix::from_json(json.as_bytes(), "m.json").unwrap();
    assert_eq!(
        u.matrix(&random_points(2, 1, NANCHANG, 0.1)).unwrap().len(),
        2
    );
    match u.matrix(&random_points(3, 1, NANCHANG, 0.1)) {
        Err(TravelError::PointCount {
            expected: 2,
            got: 3,
        }) => {}
        other => panic!("{other:?}"),
    }
}
