//! The OpenStreetMap loader on the synthetic extract `tests/fixtures/grid.osm.pbf` (see
//! `tests/fixtures/make_osm_fixture.py` for its layout).

use crate::support::{brute_force_paths, point_at};
use fieldplan::travel::road::{PathCost, parse_maxspeed};
use fieldplan::travel::{
    OsmOptions, RoadModel, RoadModelConfig, RoadNetwork, TravelError, TravelModel, TravelPoint,
};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

const LAT0: f64 = 28.68;
const LON0: f64 = 115.89;
const DLAT: f64 = 0.0018;
const DLON: f64 = 0.0020;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grid.osm.pbf")
}

fn network() -> &'static RoadNetwork {
    static NET: OnceLock<RoadNetwork> = OnceLock::new();
    NET.get_or_init(|| RoadNetwork::from_osm_pbf(fixture(), &OsmOptions::default()).unwrap())
}

/// The graph node of junction (row, col).
fn junction(r: i64, c: i64) -> NodeIndex {
    let id = 1000 + 10 * r + c;
    network()
        .graph()
        .node_indices()
        .find(|v| network().graph()[*v].osm_id == id)
        .unwrap_or_else(|| panic!("junction {id} missing"))
}

fn path(a: NodeIndex, b: NodeIndex) -> PathCost {
    network().shortest_path(a, b).unwrap()
}

/// Speed in km/h of the edge from `a` to `b`.
fn edge_kmh(a: NodeIndex, b: NodeIndex) -> f64 {
    let e = network()
        .graph()
        .edges_connecting(a, b)
        .next()
        .expect("edge")
        .weight()
        .to_owned();
    (f64::from(e.decimetres) / 10.0) / (f64::from(e.millis) / 1000.0) * 3.6
}

#[test]
fn fixture_loads_junctions_only_and_drops_what_cannot_be_driven_both_ways() {
    let net = network();
    // 36 junctions; shape nodes contracted; the footway node never enters; the island
    // (2 nodes) and the oneway dead end (1 node) are dropped as not strongly connected.
    assert_eq!(net.node_count(), 36);
    assert_eq!(net.dropped_nodes(), 3);
    // Rows: 6 x 5 segments both ways; columns 0, 1, 2, 4 both ways, 3 and 5 one way.
    assert_eq!(net.edge_count(), 60 + 40 + 10);
    assert!(
        net.graph()
            .node_weights()
            .all(|n| (1000..1056).contains(&n.osm_id))
    );
}

#[test]
fn contracted_edge_length_is_the_sum_of_its_shape() {
    // Along a column: DLAT degrees of latitude, 200.15 m, in two halves.
    let e = network()
        .graph()
        .edges_connecting(junction(0, 0), junction(1, 0))
        .next()
        .unwrap();
    assert_eq!(e.weight().decimetres, 2002);
}

#[test]
fn oneway_is_respected() {
    // Column 3 is oneway northwards: straight up is 5 segments, down needs a detour.
    let up = path(junction(0, 3), junction(5, 3));
    let down = path(junction(5, 3), junction(0, 3));
    assert_eq!(up.decimetres, 5 * 2002);
    assert!(down.millis > up.millis && down.decimetres > up.decimetres);
    assert!(
        network()
            .graph()
            .edges_connecting(junction(1, 3), junction(0, 3))
            .next()
            .is_none()
    );
    // Column 5 is oneway=-1, drawn northwards: traffic goes south.
    assert!(
        network()
            .graph()
            .edges_connecting(junction(0, 5), junction(1, 5))
            .next()
            .is_none()
    );
    assert_eq!(path(junction(5, 5), junction(0, 5)).decimetres, 5 * 2002);
}

#[test]
fn maxspeed_is_used_when_it_parses_else_the_class_default() {
    let kmh = |r| edge_kmh(junction(r, 0), junction(r, 1));
    assert!(
        (kmh(2) - 60.0).abs() < 0.1,
        "primary maxspeed=60: {}",
        kmh(2)
    );
    assert!((kmh(5) - 48.28).abs() < 0.1, "30 mph: {}", kmh(5));
    assert!(
        (kmh(4) - 25.0).abs() < 0.1,
        "CN:urban is a residential default: {}",
        kmh(4)
    );
    assert!(
        (kmh(0) - 25.0).abs() < 0.1,
        "residential default: {}",
        kmh(0)
    );
}

#[test]
fn maxspeed_values_parse() {
    assert_eq!(parse_maxspeed("60"), Some(60.0));
    assert_eq!(parse_maxspeed("60 km/h"), Some(60.0));
    assert_eq!(parse_maxspeed("40;60"), Some(40.0));
    assert!((parse_maxspeed("30 mph").unwrap() - 48.28).abs() < 0.01);
    for bad in ["none", "signals", "CN:urban", "", "fast", "0"] {
        assert_eq!(parse_maxspeed(bad), None, "{bad}");
    }
}

#[test]
fn fixture_matrix_matches_brute_force_on_the_graph() {
    let net = network();
    let expected = brute_force_paths(net.graph());
    let points: Vec<TravelPoint> = net
        .graph()
        .node_indices()
        .map(|v| point_at(net.graph(), v))
        .collect();
    let model = RoadModel::new(Arc::new(net.clone()), RoadModelConfig::default()).unwrap();
    let m = model.matrix(&points).unwrap();
    for (i, row) in expected.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let (ms, dm) = cell.unwrap();
            assert_eq!(u64::from(m.duration(i, j)), ms.div_ceil(1000), "({i},{j})");
            assert_eq!(u64::from(m.distance(i, j)), dm.div_ceil(10), "({i},{j})");
        }
    }
    assert!(!m.is_symmetric(), "the oneway columns break symmetry");
    // Every edge of the graph is at least as long, in time, as the shortest path it is on.
    for e in net.graph().edge_references() {
        let p = path(e.source(), e.target());
        assert!(p.millis <= u64::from(e.weight().millis));
    }
}

#[test]
fn a_point_at_the_footway_end_snaps_to_the_nearest_drivable_node() {
    let (v, metres) = network().nearest_node(LAT0 - DLAT, LON0 - DLON);
    assert_eq!(v, junction(0, 0));
    // sqrt(200.15^2 + 195.1^2) metres; the dropped dead-end node 4001 is nearer but gone.
    assert!((metres - 279.5).abs() < 1.0, "{metres}");
    let (v, metres) = network().nearest_node(LAT0 + 2.0 * DLAT + 0.0001, LON0 + 3.0 * DLON);
    assert_eq!(v, junction(2, 3));
    assert!((metres - 11.1).abs() < 0.1, "{metres}");
}

#[test]
fn missing_file_is_an_io_error_naming_the_path() {
    let e = RoadNetwork::from_osm_pbf("tests/fixtures/no-such.osm.pbf", &OsmOptions::default())
        .unwrap_err();
    assert!(matches!(e, TravelError::Io { .. }), "{e}");
    assert!(e.to_string().contains("no-such.osm.pbf"), "{e}");
}

#[test]
fn a_file_that_is_not_pbf_is_an_osm_error() {
    let dir = crate::support::temp_dir("notpbf");
    let file = dir.join("bad.osm.pbf");
    std::fs::write(&file, b"\x00\x00\x00\x0ethis is not a pbf file at all").unwrap();
    let e = RoadNetwork::from_osm_pbf(&file, &OsmOptions::default()).unwrap_err();
    assert!(matches!(e, TravelError::Osm { .. }), "{e}");
}

#[test]
fn class_speeds_are_configurable() {
    use fieldplan::travel::road::RoadClass;
    let options = OsmOptions::default()
        .with_speed(RoadClass::Residential, 50.0)
        .unwrap();
    let net = RoadNetwork::from_osm_pbf(fixture(), &options).unwrap();
    let default = network()
        .shortest_path(junction(0, 0), junction(0, 1))
        .unwrap();
    let a = net
        .graph()
        .node_indices()
        .find(|v| net.graph()[*v].osm_id == 1000)
        .unwrap();
    let b = net
        .graph()
        .node_indices()
        .find(|v| net.graph()[*v].osm_id == 1001)
        .unwrap();
    let faster = net.shortest_path(a, b).unwrap();
    assert!(faster.millis * 2 <= default.millis + 2);
    assert!(
        OsmOptions::default()
            .with_speed(RoadClass::Service, -1.0)
            .is_err()
    );
}
