//! Simulations: share done while running, the result and its chart when finished.

use crate::support::{assert_problem, spawn_app};
use fieldplan::store::Role;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_simulation_shows_its_result_and_chart() {
    let app = spawn_app();
    assert_problem(&app.get("/v1/simulations/J-none", Role::Viewer).await, 404);
    let sweep =
        json!({"staff": [3], "reps": 1, "seed": 1, "sim": {"days": 1}, "policy": "baseline"});
    let r = app.post("/v1/simulations", Role::Manager, sweep).await;
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.bytes));
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let mut v = Value::Null;
    for _ in 0..600 {
        v = app
            .get(&format!("/v1/simulations/{id}"), Role::Viewer)
            .await
            .json();
        let share = v["share"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share), "{v}");
        if v["status"] == "succeeded" || v["status"] == "failed" {
            break;
        }
        // No result, hence no chart, while it runs.
        assert!(v["result"].is_null(), "{v}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(v["status"], "succeeded", "{v}");
    assert_eq!(v["share"], 1.0);
    assert!(v["result"]["levels"].is_array(), "{v}");
    let chart = format!("/v1/simulations/{id}/chart.svg");
    assert_eq!(v["chart"], chart.as_str());
    let r = app.get(&chart, Role::Viewer).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    assert_eq!(r.header("content-type"), Some("image/svg+xml"));
    let svg = String::from_utf8(r.bytes).unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    assert_problem(
        &app.get("/v1/simulations/J-none/chart.svg", Role::Viewer)
            .await,
        404,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_simulation_shows_finished_headcounts_and_a_manager_can_cancel_it() {
    let app = spawn_app();
    // Two engineers fall ever further behind over 90 days, and their growing day plans take
    // the real planner several times longer than the 30 engineers' (measured: 0.74 s against
    // 0.22 s over 60 days), which the sweep also starts first.
    let sweep =
        json!({"staff": [2, 30], "reps": 1, "seed": 3, "sim": {"days": 90}, "policy": "planner"});
    let r = app.post("/v1/simulations", Role::Manager, sweep).await;
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.bytes));
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let uri = format!("/v1/simulations/{id}");
    let mut v = Value::Null;
    for _ in 0..1200 {
        v = app.get(&uri, Role::Viewer).await.json();
        if v["status"] != "running" && v["status"] != "queued" {
            break;
        }
        if v["partial"].as_array().is_some_and(|p| !p.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        v["status"], "running",
        "the small headcount ended first: {v}"
    );
    assert_eq!(headcounts(&v["partial"]), vec![30], "{v}");
    assert_problem(&app.delete(&uri, Role::Viewer).await, 403);
    let r = app.delete(&uri, Role::Manager).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    let v = r.json();
    assert_eq!(v["status"], "cancelled", "{v}");
    assert_eq!(v["result"]["cancelled"], true, "{v}");
    assert_eq!(headcounts(&v["result"]["levels"]), vec![30], "{v}");
    assert!(v.get("partial").is_none(), "{v}");
    assert_problem(&app.delete(&uri, Role::Manager).await, 409);
}

/// The headcounts of an array of sweep levels.
fn headcounts(levels: &Value) -> Vec<u64> {
    levels
        .as_array()
        .expect("an array of levels")
        .iter()
        .map(|l| l["headcount"].as_u64().expect("a headcount"))
        .collect()
}
