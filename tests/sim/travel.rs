//! `simulate --travel`: the sweep measures its places with the loaded source, and the planner
//! policy plans with the same model.

use crate::support::nanchang;
use fieldplan::plan::PlanningContext;
use fieldplan::sim::PolicyKind;
use fieldplan::sim::SimConfig;
use fieldplan::sim::policy::policy_for;
use fieldplan::sim::world::{Base, StaffedWorld};
use fieldplan::travel::{Geodesic, GeodesicConfig, TravelModel, TravelPoint, TravelSource};
use std::io::Write;
use std::sync::Arc;

#[test]
fn a_sweep_on_a_matrix_source_drives_its_minutes_and_metres() {
    let (scenario, cfg) = nanchang();
    let places = PlanningContext::places(&scenario);
    let points: Vec<TravelPoint> = places.iter().map(|(_, p)| *p).collect();
    let g = Geodesic::new(GeodesicConfig::default())
        .unwrap()
        .matrix(&points)
        .unwrap();
    let file =
        std::env::temp_dir().join(format!("fieldplan-sim-travel-{}.csv", std::process::id()));
    let mut w = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    writeln!(w, "from,to,metres,seconds").unwrap();
    let n = places.len();
    // Twice the geodesic time plus 90 s, the geodesic metres plus 7.
    let secs = |i: usize, j: usize| g.duration(i, j) * 2 + 90;
    for i in 0..n {
        for j in (0..n).filter(|&j| j != i) {
            let (a, b) = (&places[i].0, &places[j].0);
            writeln!(w, "{a},{b},{},{}", g.distance(i, j) + 7, secs(i, j)).unwrap();
        }
    }
    w.flush().unwrap();
    drop(w);
    let travel = TravelSource::Matrix(file.clone())
        .load(&places, None)
        .unwrap();
    let travel = fieldplan::sim::world::SimTravel::new(&scenario, travel.model()).unwrap();
    let sim = SimConfig {
        days: 1,
        ..SimConfig::default()
    };
    let base = Base::with_travel(scenario.clone(), cfg, sim, travel);
    for i in (0..n).step_by(7) {
        for j in (0..n).step_by(5).filter(|&j| j != i) {
            assert_eq!(
                base.travel(i, j),
                i64::from(secs(i, j).div_ceil(60)),
                "({i}, {j})"
            );
            assert_eq!(base.metres(i, j), u64::from(g.distance(i, j) + 7));
        }
    }
    // The planner policy builds its context on the same model.
    let world = StaffedWorld::new(Arc::new(base), 4);
    assert_eq!(
        policy_for(PolicyKind::Planner, &world, 100_000).name(),
        "planner"
    );
    let _ = std::fs::remove_file(file);
}
