//! `fieldplan travel matrix` and the `--travel` flag of `plan`, `roster`, `simulate`, `serve`.

use crate::{fieldplan, scratch, stderr};
use fieldplan::travel::{Geodesic, GeodesicConfig, SpeedClass, TravelModel, TravelPoint};
use std::collections::HashMap;

const POINTS: &str = "id,lat,lon,area\n\
    SP-DH,28.684,115.899,urban\n\
    S-0001,28.701,115.910857,urban\n\
    S-0002,28.55,116.02,county\n\
    S-0003,28.75,115.80,\n";

type Cells = HashMap<(String, String), (u32, u32)>;

fn read_matrix(path: &std::path::Path) -> Cells {
    let mut r = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["from", "to", "metres", "seconds"]
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                (rec[0].to_owned(), rec[1].to_owned()),
                (rec[2].parse().unwrap(), rec[3].parse().unwrap()),
            )
        })
        .collect()
}

#[test]
fn travel_matrix_writes_every_ordered_pair_as_the_model_measures_it() {
    let dir = scratch("travel-matrix-geodesic");
    let (points, out) = (dir.join("points.csv"), dir.join("matrix.csv"));
    std::fs::write(&points, POINTS).unwrap();
    let o = fieldplan(&[
        "travel",
        "matrix",
        "--points",
        points.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cells = read_matrix(&out);
    assert_eq!(cells.len(), 4 * 3);
    let pts = [
        ("SP-DH", 28.684, 115.899, SpeedClass::Urban),
        ("S-0001", 28.701, 115.910857, SpeedClass::Urban),
        ("S-0002", 28.55, 116.02, SpeedClass::County),
        ("S-0003", 28.75, 115.80, SpeedClass::Urban),
    ];
    let list: Vec<TravelPoint> = pts
        .iter()
        .map(|&(_, lat, lon, a)| TravelPoint::new(lat, lon, a).unwrap())
        .collect();
    let m = Geodesic::new(GeodesicConfig::default())
        .unwrap()
        .matrix(&list)
        .unwrap();
    for (i, a) in pts.iter().enumerate() {
        for (j, b) in pts.iter().enumerate() {
            if i != j {
                let got = cells[&(a.0.to_owned(), b.0.to_owned())];
                assert_eq!(
                    got,
                    (m.distance(i, j), m.duration(i, j)),
                    "{} -> {}",
                    a.0,
                    b.0
                );
            }
        }
    }

    // The output read back as a matrix source gives the same matrix, for any order of ids.
    let reordered = dir.join("reordered.csv");
    let lines: Vec<&str> = POINTS.lines().collect();
    std::fs::write(
        &reordered,
        [lines[0], lines[3], lines[1], lines[4], lines[2]].join("\n"),
    )
    .unwrap();
    let again = dir.join("again.csv");
    let source = format!("matrix:{}", out.display());
    let o = fieldplan(&[
        "travel",
        "matrix",
        "--travel",
        &source,
        "--points",
        reordered.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_matrix(&again), cells);
}

#[test]
fn travel_matrix_names_the_file_line_and_column_of_a_bad_row() {
    let dir = scratch("travel-matrix-bad");
    let out = dir.join("m.csv");
    for (name, text, says) in [
        (
            "lat.csv",
            "id,lat,lon\nA,28.6,115.9\nB,north,115.9\n",
            "line 3, column lat",
        ),
        (
            "range.csv",
            "id,lat,lon\nA,95,115.9\n",
            "line 2, column lat",
        ),
        (
            "dup.csv",
            "id,lat,lon\nA,28.6,115.9\nA,28.7,115.9\n",
            "repeats line 2",
        ),
        (
            "cols.csv",
            "id,latitude,lon\nA,28.6,115.9\n",
            "no column named lat",
        ),
        (
            "area.csv",
            "id,lat,lon,area\nA,28.6,115.9,rural\n",
            "line 2, column area",
        ),
        ("empty.csv", "id,lat,lon\n", "no points"),
    ] {
        let points = dir.join(name);
        std::fs::write(&points, text).unwrap();
        let o = fieldplan(&[
            "travel",
            "matrix",
            "--points",
            points.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let e = stderr(&o);
        assert!(e.contains("--points") && e.contains(says), "{name}: {e}");
    }
}

#[test]
fn a_bad_travel_value_exits_with_code_2_naming_the_flag() {
    for cmd in [
        &["plan", "--date", "2026-11-30"][..],
        &["roster"][..],
        &["simulate", "--days", "1"][..],
        &["serve"][..],
    ] {
        let mut args = cmd.to_vec();
        args.extend(["--travel", "roads.osm"]);
        let o = fieldplan(&args);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        let e = stderr(&o);
        assert!(
            e.contains("--travel") && e.contains(".osm.pbf"),
            "{cmd:?}: {e}"
        );
    }
}

#[test]
fn a_missing_travel_file_exits_with_code_2_naming_the_flag_and_file() {
    let dir = scratch("travel-missing");
    let db = dir.join("f.db");
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data/nanchang");
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/config");
    for args in [
        vec![
            "plan",
            "--date",
            "2026-11-30",
            "--data",
            data,
            "--config",
            config,
        ],
        vec![
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--data",
            data,
            "--config",
            config,
            "--listen",
            "127.0.0.1:0",
        ],
    ] {
        let mut args = args.clone();
        args.extend(["--travel", "matrix:no/such/matrix.csv"]);
        let o = fieldplan(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.contains("--travel matrix:no/such/matrix.csv") && e.contains("no/such/matrix.csv:"),
            "{args:?}: {e}"
        );
    }
}
