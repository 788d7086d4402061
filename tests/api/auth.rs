use crate::support::{DAY, assert_problem, spawn_app};
use axum::body::Body;
use axum::http::{Method, Request};
use fieldplan::store::Role;
use serde_json::json;

#[tokio::test]
async fn reads_without_a_token_are_401() {
    let app = spawn_app();
    let r = app.call(Method::GET, "/v1/sites", None, None).await;
    assert_problem(&r, 401);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
}

#[tokio::test]
async fn an_unknown_token_is_401() {
    let app = spawn_app();
    let req = Request::get("/v1/sites")
        .header("authorization", "Bearer fp_not-a-token")
        .body(Body::empty())
        .unwrap();
    assert_problem(&app.send(req).await, 401);
}

#[tokio::test]
async fn every_role_but_engineer_can_read() {
    let app = spawn_app();
    for role in Role::ALL.into_iter().filter(|r| !r.binds_engineer()) {
        assert_eq!(
            app.get("/v1/engineers?limit=1", role).await.status,
            200,
            "{role}"
        );
    }
}

#[tokio::test]
async fn changes_need_the_right_role() {
    let app = spawn_app();
    let plan = json!({"date": DAY, "timeLimitMs": 100});
    for role in [Role::Viewer, Role::Manager] {
        assert_problem(&app.post("/v1/plans", role, plan.clone()).await, 403);
    }
    let fault = json!({"siteId": "S-0001", "deviceId": "D-0001", "level": 2,
                       "reportedAt": "2026-11-30T09:00:00+08:00"});
    for role in [Role::Viewer, Role::Manager, Role::Planner] {
        assert_problem(&app.post("/v1/faults", role, fault.clone()).await, 403);
    }
    let event = json!({"kind": "arrived", "at": "2026-11-30T09:00:00+08:00"});
    assert_problem(
        &app.post("/v1/engineers/E-01/events", Role::Planner, event)
            .await,
        403,
    );
}

#[tokio::test]
async fn health_and_openapi_are_public() {
    let app = spawn_app();
    assert_eq!(
        app.call(Method::GET, "/healthz", None, None).await.status,
        200
    );
    assert_eq!(
        app.call(Method::GET, "/openapi.json", None, None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn rosters_need_a_planner_and_simulations_a_manager() {
    let app = spawn_app();
    let roster = json!({"from": "2026-11-30", "to": "2026-11-30"});
    for role in [Role::Dispatcher, Role::Manager, Role::Viewer] {
        assert_problem(&app.post("/v1/rosters", role, roster.clone()).await, 403);
        assert_problem(
            &app.post("/v1/rosters/R-1/publish", role, json!({})).await,
            403,
        );
    }
    assert_problem(&app.get("/v1/rosters/R-none", Role::Viewer).await, 404);
    let sim = json!({});
    assert_problem(
        &app.post("/v1/simulations", Role::Planner, sim.clone())
            .await,
        403,
    );
    let r = app.post("/v1/simulations", Role::Manager, sim).await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["staff"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_runs_a_small_staffing_sweep_as_a_job() {
    let app = spawn_app();
    let sweep =
        json!({"staff": [3], "reps": 1, "seed": 1, "sim": {"days": 1}, "policy": "baseline"});
    let r = app.post("/v1/simulations", Role::Manager, sweep).await;
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.bytes));
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let mut job = serde_json::Value::Null;
    for _ in 0..600 {
        job = app
            .get(&format!("/v1/jobs/{id}"), Role::Viewer)
            .await
            .json();
        if job["status"] == "succeeded" || job["status"] == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["kind"], "simulate");
    assert!(job["result"]["levels"].is_array(), "{job}");
}
