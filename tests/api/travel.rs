//! The service on the user's own travel times (`serve --travel matrix:FILE`): plans take their
//! legs from the matrix, and a fault at a known site re-plans on the same matrix.

use crate::support::{DAY, repo, spawn_app_with};
use fieldplan::api::Settings;
use fieldplan::api::planning::DayPlanner;
use fieldplan::plan::PlanningContext;
use fieldplan::scenario::Scenario;
use fieldplan::store::Role;
use fieldplan::travel::{
    Geodesic, GeodesicConfig, TravelMatrix, TravelModel, TravelPoint, TravelSource,
};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Arc;

/// "Road" times that are not geodesic: 1.5 times the geodesic time plus 17 s per leg, the
/// geodesic metres plus 5 %. Returns the file and the matrix in place order.
fn road_matrix_file(places: &[(String, TravelPoint)]) -> (std::path::PathBuf, TravelMatrix) {
    let points: Vec<TravelPoint> = places.iter().map(|(_, p)| *p).collect();
    let g = Geodesic::new(GeodesicConfig::default())
        .unwrap()
        .matrix(&points)
        .unwrap();
    let n = points.len();
    let (mut metres, mut seconds) = (vec![0u32; n * n], vec![0u32; n * n]);
    let dir = std::env::temp_dir().join(format!("fieldplan-api-travel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("roads.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(w, "from,to,metres,seconds").unwrap();
    for i in 0..n {
        for j in 0..n {
            if i != j {
                let m = g.distance(i, j) + g.distance(i, j) / 20;
                let s = g.duration(i, j) * 3 / 2 + 17;
                (metres[i * n + j], seconds[i * n + j]) = (m, s);
                writeln!(w, "{},{},{m},{s}", places[i].0, places[j].0).unwrap();
            }
        }
    }
    w.flush().unwrap();
    (path, TravelMatrix::from_vecs(n, metres, seconds).unwrap())
}

/// The place nearest to a JSON `{"lat", "lon"}`.
fn place_of(places: &[(String, TravelPoint)], at: &Value) -> usize {
    let (lat, lon) = (at["lat"].as_f64().unwrap(), at["lon"].as_f64().unwrap());
    (0..places.len())
        .min_by(|&a, &b| {
            let d =
                |k: usize| (places[k].1.lat() - lat).powi(2) + (places[k].1.lon() - lon).powi(2);
            d(a).total_cmp(&d(b))
        })
        .unwrap()
}

#[tokio::test]
async fn serve_with_a_matrix_source_plans_every_leg_on_its_times() {
    let scenario = Scenario::load(repo("data/nanchang")).unwrap();
    let places = PlanningContext::places(&scenario);
    let (file, m) = road_matrix_file(&places);
    let settings = Settings {
        travel: TravelSource::Matrix(file.clone()),
        ..Settings::default()
    };
    let app = spawn_app_with(Arc::new(DayPlanner), settings);
    assert_eq!(app.state.world().context().travel_model(), "user");
    let v = app.publish_plan().await;
    let plan = &v["plan"];
    let index: std::collections::HashMap<&str, usize> = places
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let mut legs = 0;
    for route in plan["routes"].as_array().unwrap() {
        let home = index[route["home"].as_str().unwrap()];
        let mut at = home;
        for stop in route["stops"].as_array().unwrap() {
            let to = place_of(&places, &stop["location"]);
            assert_eq!(
                (
                    stop["travelMetres"].as_u64(),
                    stop["travelSeconds"].as_u64()
                ),
                (
                    Some(u64::from(m.distance(at, to))),
                    Some(u64::from(m.duration(at, to)))
                ),
                "{} -> {}",
                places[at].0,
                places[to].0
            );
            legs += 1;
            at = to;
        }
        if at != home {
            assert_eq!(
                route["returnTravelSeconds"].as_u64(),
                Some(u64::from(m.duration(at, home)))
            );
            legs += 1;
        }
    }
    assert!(legs > 20, "only {legs} legs planned");

    // A fault at a known site: recorded, re-planned, published, on the same shared matrix.
    let before = app.state.world();
    let r = app
        .post(
            "/v1/faults",
            Role::Dispatcher,
            json!({"siteId": "S-0001", "deviceId": "D-0001", "level": 1,
                   "reportedAt": "2026-11-30T09:15:00+08:00", "description": "no power"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let after = app.state.world();
    assert!(!Arc::ptr_eq(&before, &after), "the fault changed the world");
    assert!(Arc::ptr_eq(
        before.context().matrix(),
        after.context().matrix()
    ));
    let latest = app
        .get(&format!("/v1/plans/{DAY}"), Role::Viewer)
        .await
        .json();
    app.check_plan(&latest["plan"]);
    let _ = std::fs::remove_file(file);
}
