//! Shared helpers: random points around Nanchang, brute-force shortest paths, temp dirs.

use fieldplan::travel::road::RoadGraph;
use fieldplan::travel::{SpeedClass, TravelMatrix, TravelPoint};
use petgraph::visit::EdgeRef;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;

pub const NANCHANG: (f64, f64) = (28.68, 115.89);

/// `n` points within `radius_deg` of `centre`, area types cycling urban, suburban, county.
pub fn random_points(n: usize, seed: u64, centre: (f64, f64), radius_deg: f64) -> Vec<TravelPoint> {
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let lat = centre.0 + rng.random_range(-radius_deg..radius_deg);
            let lon = centre.1 + rng.random_range(-radius_deg..radius_deg);
            TravelPoint::new(lat, lon, SpeedClass::ALL[i % 3]).unwrap()
        })
        .collect()
}

/// A point at a node of `graph`.
pub fn point_at(graph: &RoadGraph, v: petgraph::graph::NodeIndex) -> TravelPoint {
    let n = graph[v];
    TravelPoint::new(n.lat, n.lon, SpeedClass::Urban).unwrap()
}

/// Floyd–Warshall on `(millis, decimetres)`, lexicographic: the fastest path, then the shortest.
pub fn brute_force_paths(graph: &RoadGraph) -> Vec<Vec<Option<(u64, u64)>>> {
    let n = graph.node_count();
    let mut d = vec![vec![None; n]; n];
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = Some((0, 0));
    }
    for e in graph.edge_references() {
        let w = (
            u64::from(e.weight().millis),
            u64::from(e.weight().decimetres),
        );
        let cell = &mut d[e.source().index()][e.target().index()];
        if cell.is_none_or(|c| w < c) {
            *cell = Some(w);
        }
    }
    for k in 0..n {
        let through_k = d[k].clone();
        for row in d.iter_mut() {
            let Some(ik) = row[k] else { continue };
            for (cell, kj) in row.iter_mut().zip(&through_k) {
                let Some(kj) = kj else { continue };
                let via = (ik.0 + kj.0, ik.1 + kj.1);
                if cell.is_none_or(|c| via < c) {
                    *cell = Some(via);
                }
            }
        }
    }
    d
}

/// Every `t(a, c) <= t(a, b) + t(b, c)` on durations; returns the first violation.
pub fn triangle_violation(m: &TravelMatrix) -> Option<(usize, usize, usize)> {
    let n = m.len();
    for a in 0..n {
        for b in 0..n {
            for c in 0..n {
                if u64::from(m.duration(a, c))
                    > u64::from(m.duration(a, b)) + u64::from(m.duration(b, c))
                {
                    return Some((a, b, c));
                }
            }
        }
    }
    None
}

/// A fresh empty directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fieldplan-travel-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
