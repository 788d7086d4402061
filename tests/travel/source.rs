//! `TravelSource`: the `--travel` parser, user matrices named by place id, and lookups of
//! known places (`PlaceMatrix`).

use crate::support::{NANCHANG, random_points, temp_dir};
use fieldplan::travel::{
    Geodesic, GeodesicConfig, NamedMatrix, TravelError, TravelModel, TravelPoint, TravelSource,
};
use std::path::PathBuf;

#[test]
fn travel_source_parses_the_three_forms() {
    assert_eq!("geodesic".parse(), Ok(TravelSource::Geodesic));
    assert_eq!(
        "osm:maps/jiangxi.osm.pbf".parse(),
        Ok(TravelSource::Osm(PathBuf::from("maps/jiangxi.osm.pbf")))
    );
    assert_eq!(
        "matrix:m.csv".parse(),
        Ok(TravelSource::Matrix(PathBuf::from("m.csv")))
    );
    for s in ["geodesic", "osm:a.osm.pbf", "matrix:b.csv"] {
        assert_eq!(s.parse::<TravelSource>().unwrap().to_string(), s);
    }
}

#[test]
fn travel_source_refuses_bad_values_with_the_rule() {
    for (value, says) in [
        (
            "roads",
            "expected geodesic, osm:FILE.osm.pbf or matrix:FILE.csv",
        ),
        ("osm:", "needs a file name"),
        ("osm:city.osm", ".osm.pbf"),
        ("matrix:m.json", "CSV"),
        ("osrm:http://x", "unknown kind"),
    ] {
        let e = value.parse::<TravelSource>().unwrap_err();
        assert!(e.contains(says), "{value}: {e}");
    }
}

/// Three named places and a matrix file over them, written in a shuffled order.
fn three_places() -> (Vec<(String, TravelPoint)>, PathBuf) {
    let pts = random_points(3, 5, NANCHANG, 0.1);
    let places: Vec<(String, TravelPoint)> = ["SP-A", "S-0001", "S-0002"]
        .iter()
        .zip(pts)
        .map(|(id, p)| (id.to_string(), p))
        .collect();
    let dir = temp_dir("named");
    let file = dir.join("m.csv");
    let mut text = String::from("to,from,seconds,metres\n");
    for (i, (a, _)) in places.iter().enumerate().rev() {
        for (j, (b, _)) in places.iter().enumerate() {
            if i != j {
                // seconds 100*i + j + 1, metres 1000*i + j
                text += &format!("{b},{a},{},{}\n", 100 * i + j + 1, 1000 * i + j);
            }
        }
    }
    std::fs::write(&file, text).unwrap();
    (places, file)
}

#[test]
fn matrix_source_reads_rows_by_place_id_and_answers_subsets_by_lookup() {
    let (places, file) = three_places();
    let travel = TravelSource::Matrix(file).load(&places, None).unwrap();
    let model = travel.model();
    let points: Vec<TravelPoint> = places.iter().map(|(_, p)| *p).collect();
    let m = model.matrix(&points).unwrap();
    for i in 0..3 {
        for j in 0..3 {
            let want = if i == j {
                (0, 0)
            } else {
                ((1000 * i + j) as u32, (100 * i + j + 1) as u32)
            };
            assert_eq!((m.distance(i, j), m.duration(i, j)), want, "({i}, {j})");
        }
    }
    // A subset in another order: the same values by lookup.
    let sub = model.matrix(&[points[2], points[0]]).unwrap();
    assert_eq!((sub.distance(0, 1), sub.duration(0, 1)), (2000, 201));
    assert_eq!(
        model.row(points[1], &[points[2]]).unwrap(),
        vec![(1002, 103)]
    );
    // A position off the places is measured geodesically.
    let off = random_points(1, 9, NANCHANG, 0.1)[0];
    let geo = Geodesic::new(GeodesicConfig::default()).unwrap();
    assert_eq!(
        model.row(off, &[points[0]]).unwrap(),
        geo.row(off, &[points[0]]).unwrap()
    );
}

#[test]
fn matrix_source_names_a_place_the_file_lacks() {
    let (mut places, file) = three_places();
    places.push(("S-0999".into(), random_points(1, 3, NANCHANG, 0.1)[0]));
    let e = TravelSource::Matrix(file).load(&places, None).unwrap_err();
    assert!(e.to_string().contains("S-0999"), "{e}");
}

#[test]
fn named_matrix_errors_name_the_line_or_the_pair() {
    let cases = [
        (
            "from,to,metres,seconds\nA,B,1,x\nB,A,1,1\n",
            "line 2, column seconds",
        ),
        ("from,to,metres,seconds\nA,B,1,1\nA,B,1,1\n", "given twice"),
        ("from,to,metres,seconds\nA,B,1,1\n", "pair (B, A)"),
        ("from,to,metres\nA,B,1\n", "no column named seconds"),
        ("from,to,metres,seconds\nA,B,-1,1\nB,A,1,1\n", "negative"),
        ("from,to,metres,seconds\n,B,1,1\n", "empty id"),
    ];
    for (text, says) in cases {
        let e = NamedMatrix::from_csv(text.as_bytes(), "m.csv").unwrap_err();
        assert!(matches!(e, TravelError::Parse { .. }), "{e}");
        assert!(e.to_string().contains(says), "{text:?}: {e}");
    }
}

#[test]
fn osm_source_names_a_missing_extract() {
    let e = TravelSource::Osm("no/such.osm.pbf".into())
        .load(&[], None)
        .unwrap_err();
    assert!(e.to_string().contains("no/such.osm.pbf"), "{e}");
}
