use crate::support::{DAY, assert_problem, spawn_app, spawn_app_with};
use axum::body::Body;
use axum::http::Request;
use fieldplan::api::Settings;
use fieldplan::api::planning::{
    DayPlanner, FaultReplan, Planner, PlanningError, PlanningWorld, SolveSettings,
};
use fieldplan::domain::fault::FaultRecord;
use fieldplan::domain::instant::Instant;
use fieldplan::plan::replan::Recommendation;
use fieldplan::plan::{Plan, ProgressEvent};
use fieldplan::store::Role;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[tokio::test]
async fn a_small_plan_is_published_at_once_as_version_1() {
    let app = spawn_app();
    let v = app.publish_plan().await;
    assert_eq!(v["date"], DAY);
    assert_eq!(v["version"], 1);
    assert!(v["plan"].is_object());
    let v2 = app.publish_plan().await;
    assert_eq!(v2["version"], 2);
}

#[tokio::test]
async fn the_latest_plan_has_an_etag_and_honours_if_none_match() {
    let app = spawn_app();
    assert_problem(
        &app.get(&format!("/v1/plans/{DAY}"), Role::Viewer).await,
        404,
    );
    app.publish_plan().await;
    let r = app.get(&format!("/v1/plans/{DAY}"), Role::Viewer).await;
    assert_eq!(r.status, 200);
    let etag = r.header("etag").unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let req = Request::get(format!("/v1/plans/{DAY}"))
        .header(
            "authorization",
            format!("Bearer {}", app.tokens[&Role::Viewer]),
        )
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, 304);
    assert!(r.bytes.is_empty());
    // A new version changes the tag.
    app.publish_plan().await;
    let r = app.get(&format!("/v1/plans/{DAY}"), Role::Viewer).await;
    assert_ne!(r.header("etag").unwrap(), etag);
    assert_eq!(r.json()["version"], 2);
}

#[tokio::test]
async fn old_versions_stay_readable_and_unchanged() {
    let app = spawn_app();
    let first = app.publish_plan().await;
    app.publish_plan().await;
    let r = app
        .get(&format!("/v1/plans/{DAY}/versions/1"), Role::Viewer)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), first);
    assert_problem(
        &app.get(&format!("/v1/plans/{DAY}/versions/9"), Role::Viewer)
            .await,
        404,
    );
    assert_problem(&app.get("/v1/plans/30-11-2026", Role::Viewer).await, 422);
}

#[tokio::test]
async fn an_engineers_route_comes_from_the_latest_plan() {
    let app = spawn_app();
    app.publish_plan().await;
    let r = app
        .get(&format!("/v1/plans/{DAY}/engineers/E-01"), Role::Viewer)
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    assert_eq!(r.json()["engineerId"], "E-01");
    assert_problem(
        &app.get(&format!("/v1/plans/{DAY}/engineers/E-99"), Role::Viewer)
            .await,
        404,
    );
}

/// Waits for the cancel flag or its time limit, like the solver.
struct SlowPlanner;

impl Planner for SlowPlanner {
    fn plan_day(
        &self,
        _w: &PlanningWorld,
        _p: &[ProgressEvent],
        s: &SolveSettings,
    ) -> Result<Plan, PlanningError> {
        let end = std::time::Instant::now() + s.time_limit;
        while std::time::Instant::now() < end && !s.cancel.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(5));
        }
        // Then a real plan, quickly.
        let quick = SolveSettings {
            time_limit: Duration::from_millis(20),
            ..s.clone()
        };
        DayPlanner.plan_day(_w, _p, &quick)
    }
    fn insert_fault(
        &self,
        _w: &PlanningWorld,
        _c: Option<&Plan>,
        _p: &[ProgressEvent],
        _f: &FaultRecord,
        _n: Instant,
        _s: &SolveSettings,
    ) -> Result<FaultReplan, PlanningError> {
        DayPlanner.insert_fault(_w, _c, _p, _f, _n, _s)
    }
    fn recommend(
        &self,
        _w: &PlanningWorld,
        _c: Option<&Plan>,
        _p: &[ProgressEvent],
        _f: &FaultRecord,
        _n: Instant,
    ) -> Result<Vec<Recommendation>, PlanningError> {
        Ok(vec![])
    }
}

fn slow_app(max_solves: usize) -> crate::support::TestApp {
    spawn_app_with(
        Arc::new(SlowPlanner),
        Settings {
            sync_time_limit_ms: 100,
            max_concurrent_solves: max_solves,
            ..Settings::default()
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_plan_runs_as_a_job_that_can_be_cancelled() {
    let app = slow_app(2);
    let r = app.post_long_plan().await;
    assert_eq!(r.status, 202);
    let job = r.json();
    let id = job["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.header("location"),
        Some(format!("/v1/jobs/{id}").as_str())
    );
    let r = app.get(&format!("/v1/jobs/{id}"), Role::Viewer).await;
    assert!(["queued", "running"].contains(&r.json()["status"].as_str().unwrap()));
    assert_problem(
        &app.delete(&format!("/v1/jobs/{id}"), Role::Viewer).await,
        403,
    );
    let r = app.delete(&format!("/v1/jobs/{id}"), Role::Planner).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "cancelled");
    // Nothing was published.
    assert_problem(
        &app.get(&format!("/v1/plans/{DAY}"), Role::Viewer).await,
        404,
    );
    // A finished job cannot be cancelled again.
    assert_problem(
        &app.delete(&format!("/v1/jobs/{id}"), Role::Planner).await,
        409,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_job_points_to_its_plan_version() {
    let app = slow_app(2);
    let r = app
        .post(
            "/v1/plans",
            Role::Planner,
            json!({"date": DAY, "timeLimitMs": 300}),
        )
        .await;
    assert_eq!(r.status, 202);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let mut status = String::new();
    for _ in 0..200 {
        let j = app
            .get(&format!("/v1/jobs/{id}"), Role::Viewer)
            .await
            .json();
        status = j["status"].as_str().unwrap().to_owned();
        if status == "succeeded" {
            assert_eq!(j["result"]["version"], 1);
            assert_eq!(
                j["result"]["location"],
                format!("/v1/plans/{DAY}/versions/1")
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(status, "succeeded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn solves_beyond_the_limit_are_503_with_retry_after() {
    let app = slow_app(1);
    let r = app.post_long_plan().await;
    assert_eq!(r.status, 202);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = app.post_long_plan().await;
    assert_problem(&r, 503);
    assert!(r.header("retry-after").is_some());
    app.delete(&format!("/v1/jobs/{id}"), Role::Planner).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_job_stops_the_real_solver() {
    let app = spawn_app();
    let r = app.post_long_plan().await;
    assert_eq!(r.status, 202);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let r = app.delete(&format!("/v1/jobs/{id}"), Role::Planner).await;
    assert_eq!(r.json()["status"], "cancelled");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_replanned_while_every_solver_slot_is_busy() {
    let app = slow_app(1);
    let r = app.post_long_plan().await;
    assert_eq!(r.status, 202);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let fault = json!({"siteId": "S-0001", "deviceId": "D-0001", "level": 1,
                       "reportedAt": "2026-11-30T09:15:00+08:00"});
    let r = app.post("/v1/faults", Role::Dispatcher, fault).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    app.delete(&format!("/v1/jobs/{id}"), Role::Planner).await;
}
