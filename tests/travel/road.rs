//! The road model on graphs built in code.

use crate::support::{NANCHANG, brute_force_paths, point_at, random_points, triangle_violation};
use fieldplan::travel::road::Direction;
use fieldplan::travel::{
    RoadGraphBuilder, RoadModel, RoadModelConfig, RoadNetwork, SpeedClass, TravelError,
    TravelModel, TravelPoint,
};
use petgraph::graph::NodeIndex;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

const STEP: f64 = 0.002;

/// A `side` x `side` grid of two-way roads from `NANCHANG`, every third row a faster avenue.
fn grid(side: usize) -> RoadNetwork {
    let mut b = RoadGraphBuilder::new();
    let id = |r: usize, c: usize| NodeIndex::new(r * side + c);
    for r in 0..side {
        for c in 0..side {
            let lat = NANCHANG.0 + r as f64 * STEP;
            let lon = NANCHANG.1 + c as f64 * STEP;
            b.add_node(lat, lon, 0).unwrap();
        }
    }
    for r in 0..side {
        for c in 0..side {
            let kmh = if r % 3 == 0 { 50.0 } else { 25.0 };
            if c + 1 < side {
                b.add_straight_road(id(r, c), id(r, c + 1), kmh, Direction::Both)
                    .unwrap();
            }
            if r + 1 < side {
                b.add_straight_road(id(r, c), id(r + 1, c), 30.0, Direction::Both)
                    .unwrap();
            }
        }
    }
    b.build().unwrap()
}

/// A random directed graph: a oneway ring through every node (so it is strongly connected)
/// plus random chords, some oneway, with random speeds.
fn random_network(n: usize, seed: u64) -> RoadNetwork {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut b = RoadGraphBuilder::new();
    let nodes: Vec<NodeIndex> = (0..n)
        .map(|_| {
            let lat = NANCHANG.0 + rng.random_range(-0.05..0.05);
            let lon = NANCHANG.1 + rng.random_range(-0.05..0.05);
            b.add_node(lat, lon, 0).unwrap()
        })
        .collect();
    for i in 0..n {
        b.add_straight_road(nodes[i], nodes[(i + 1) % n], 20.0, Direction::Forward)
            .unwrap();
    }
    for _ in 0..2 * n {
        let (u, v) = (rng.random_range(0..n), rng.random_range(0..n));
        if u == v {
            continue;
        }
        let kmh = rng.random_range(10.0..80.0);
        let direction = if rng.random_bool(0.3) {
            Direction::Forward
        } else {
            Direction::Both
        };
        b.add_straight_road(nodes[u], nodes[v], kmh, direction)
            .unwrap();
    }
    b.build().unwrap()
}

fn model(net: RoadNetwork) -> RoadModel {
    RoadModel::new(Arc::new(net), RoadModelConfig::default()).unwrap()
}

#[test]
fn two_way_grid_matrix_is_symmetric() {
    let m = model(grid(12));
    let points = random_points(60, 5, (NANCHANG.0 + 0.011, NANCHANG.1 + 0.011), 0.011);
    let matrix = m.matrix(&points).unwrap();
    assert!(matrix.is_symmetric());
    for i in 0..points.len() {
        assert_eq!(matrix.duration(i, i), 0);
    }
}

#[test]
fn road_durations_match_brute_force_shortest_paths() {
    for seed in 0..4 {
        let net = random_network(40, seed);
        let expected = brute_force_paths(net.graph());
        let points: Vec<TravelPoint> = net
            .graph()
            .node_indices()
            .map(|v| point_at(net.graph(), v))
            .collect();
        let m = model(net).matrix(&points).unwrap();
        for (i, row) in expected.iter().enumerate() {
            for (j, cell) in row.iter().enumerate() {
                let (ms, dm) = cell.expect("strongly connected");
                assert_eq!(
                    u64::from(m.duration(i, j)),
                    ms.div_ceil(1000),
                    "seed {seed} ({i},{j})"
                );
                assert_eq!(
                    u64::from(m.distance(i, j)),
                    dm.div_ceil(10),
                    "seed {seed} ({i},{j})"
                );
            }
        }
    }
}

#[test]
fn network_paths_match_brute_force() {
    let net = random_network(30, 11);
    let expected = brute_force_paths(net.graph());
    for (i, row) in expected.iter().enumerate() {
        let targets: Vec<NodeIndex> = (0..row.len()).map(NodeIndex::new).collect();
        let got = net.one_to_many(NodeIndex::new(i), &targets).unwrap();
        for (j, cell) in row.iter().enumerate() {
            let (ms, dm) = cell.unwrap();
            assert_eq!((got[j].millis, got[j].decimetres), (ms, dm));
        }
    }
}

#[test]
fn oneway_roads_make_the_matrix_asymmetric() {
    let net = random_network(30, 2);
    let points: Vec<TravelPoint> = net
        .graph()
        .node_indices()
        .map(|v| point_at(net.graph(), v))
        .collect();
    assert!(!model(net).matrix(&points).unwrap().is_symmetric());
}

#[test]
fn triangle_inequality_holds_for_road_durations() {
    let m = model(random_network(50, 9));
    let points = random_points(35, 4, NANCHANG, 0.05);
    let matrix = m.matrix(&points).unwrap();
    assert_eq!(triangle_violation(&matrix), None);
}

#[test]
fn snapping_picks_the_nearest_node() {
    use geo::Distance;
    let net = random_network(200, 3);
    let mut rng = SmallRng::seed_from_u64(8);
    for _ in 0..500 {
        // Inside the network's box and up to a few kilometres outside it.
        let lat = NANCHANG.0 + rng.random_range(-0.08..0.08);
        let lon = NANCHANG.1 + rng.random_range(-0.08..0.08);
        let (v, d) = net.nearest_node(lat, lon);
        let q = geo::Point::new(lon, lat);
        let best = net
            .graph()
            .node_indices()
            .map(|u| {
                let n = net.graph()[u];
                (geo::Haversine.distance(q, geo::Point::new(n.lon, n.lat)), u)
            })
            .min_by(|a, b| a.partial_cmp(b).unwrap())
            .unwrap();
        assert_eq!((v, d), (best.1, best.0), "query ({lat}, {lon})");
    }
}

#[test]
fn points_on_one_node_pay_only_the_access_legs() {
    let m = model(grid(5));
    // Both near the south-west corner node; access legs at 15 km/h.
    let a = TravelPoint::new(NANCHANG.0 - 0.0005, NANCHANG.1, SpeedClass::Urban).unwrap();
    let b = TravelPoint::new(NANCHANG.0, NANCHANG.1 - 0.0005, SpeedClass::Urban).unwrap();
    let matrix = m.matrix(&[a, b]).unwrap();
    // 55.6 m + 48.8 m (0.0005 degree of longitude at 28.68 N) of access, no road.
    assert!(
        (104..=105).contains(&matrix.distance(0, 1)),
        "{}",
        matrix.distance(0, 1)
    );
    assert!(
        (25..=26).contains(&matrix.duration(0, 1)),
        "{}",
        matrix.duration(0, 1)
    );
    assert_eq!(matrix.duration(0, 1), matrix.duration(1, 0));
}

#[test]
fn point_far_from_the_roads_is_a_snap_error_naming_it() {
    let m = model(grid(4));
    let mut points = random_points(3, 1, NANCHANG, 0.003);
    points.push(TravelPoint::new(29.5, 116.5, SpeedClass::County).unwrap());
    match m.matrix(&points) {
        Err(TravelError::SnapTooFar { index: 3, .. }) => {}
        other => panic!("expected a snap error for point 3, got {other:?}"),
    }
}

#[test]
fn only_the_largest_strongly_connected_component_is_kept() {
    let mut b = RoadGraphBuilder::new();
    let v: Vec<NodeIndex> = (0..6)
        .map(|i| b.add_node(28.0, 115.0 + 0.001 * f64::from(i), 0).unwrap())
        .collect();
    // 0-1-2 two-way; 2 -> 3 oneway dead end; 4-5 a separate two-way pair.
    b.add_straight_road(v[0], v[1], 30.0, Direction::Both)
        .unwrap();
    b.add_straight_road(v[1], v[2], 30.0, Direction::Both)
        .unwrap();
    b.add_straight_road(v[2], v[3], 30.0, Direction::Forward)
        .unwrap();
    b.add_straight_road(v[4], v[5], 30.0, Direction::Both)
        .unwrap();
    let net = b.build().unwrap();
    assert_eq!(net.node_count(), 3);
    assert_eq!(net.dropped_nodes(), 3);
    assert_eq!(net.edge_count(), 4);
}

#[test]
fn empty_or_invalid_graphs_are_errors() {
    assert!(matches!(
        RoadGraphBuilder::new().build(),
        Err(TravelError::EmptyNetwork(_))
    ));
    let mut b = RoadGraphBuilder::new();
    let a = b.add_node(28.0, 115.0, 0).unwrap();
    let c = b.add_node(28.0, 115.001, 0).unwrap();
    assert!(b.add_edge(a, c, -1.0, 10.0).is_err());
    assert!(b.add_edge(a, c, 10.0, f64::NAN).is_err());
    assert!(b.add_road(a, c, 10.0, 0.0, Direction::Both).is_err());
    assert!(b.add_edge(a, NodeIndex::new(7), 10.0, 1.0).is_err());
    assert!(b.add_node(100.0, 0.0, 0).is_err());
}

#[test]
fn bad_model_config_is_rejected() {
    let net = Arc::new(grid(3));
    let config = RoadModelConfig {
        access_kmh: 0.0,
        ..RoadModelConfig::default()
    };
    let e = RoadModel::new(net, config).unwrap_err();
    assert!(e.to_string().contains("access_kmh"), "{e}");
}
