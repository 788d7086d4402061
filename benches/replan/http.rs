//! `POST /v1/faults` end to end, through `api::app` as the tests build it (in-memory store,
//! manual clock at a weekday morning, the real `DayPlanner`): the day plan is published
//! first (`POST /v1/plans`, 2 s), then faults are reported one after another, each on a
//! different device, levels 1 to 4 in turn, and each request is timed from the call to the
//! last byte of its answer (JSON parsing of the body, the durable append, the re-plan, the
//! publish of the new version). Every answer must be 201.
//!
//! Not run through criterion: each request records a fault and publishes a new version, so
//! a repeated request measures a growing day, not one state.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::TimeDelta;
use fieldplan::api::planning::DayPlanner;
use fieldplan::api::{AppState, Settings, app};
use fieldplan::domain::clock::ManualClock;
use fieldplan::domain::instant::Instant;
use fieldplan::scenario::Scenario;
use fieldplan::scenario::generate::{GenerateOptions, generate};
use fieldplan::store::{Role, SqliteStore, Store};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant as Clock;
use tower::ServiceExt;

/// The service's fixed now: a Monday morning, engineers on shift.
const NOW: &str = "2026-11-30T09:20:00+08:00";

/// A service on an in-memory store seeded from `data_dir`, with a planner's and a
/// dispatcher's token.
struct Service {
    router: Router,
    planner: String,
    dispatcher: String,
    now: Instant,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

impl Service {
    fn load(data_dir: &Path) -> Self {
        let now = Instant::parse(NOW).unwrap();
        let clock = Arc::new(ManualClock::new(now));
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::in_memory_with_clock(clock.clone()).unwrap());
        let token = |role| fieldplan::api::auth::create_token(store.as_ref(), role, "bench");
        let (planner, dispatcher) = (
            token(Role::Planner).unwrap(),
            token(Role::Dispatcher).unwrap(),
        );
        let state = AppState::load(
            clock,
            store,
            data_dir,
            &root().join("config"),
            Arc::new(DayPlanner),
            Settings::default(),
        )
        .unwrap();
        Self {
            router: app(state),
            planner,
            dispatcher,
            now,
        }
    }

    /// One request through the router: status and body (JSON, or `Null`).
    async fn call(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

/// Engineers on shift, stops, desk calls, unassigned tasks and faults with an engineer of a
/// plan (the planner's JSON).
fn size(plan: &Value) -> String {
    let k = &plan["kpis"];
    let faults = plan["faults"].as_array().map_or(&[][..], Vec::as_slice);
    let placed = faults.iter().filter(|f| f["engineer"].is_string()).count();
    let by_level: Vec<String> = (1..=4)
        .map(|level| {
            let of: Vec<&Value> = faults.iter().filter(|f| f["level"] == level).collect();
            let placed = of.iter().filter(|f| f["engineer"].is_string()).count();
            format!("L{level} {placed}/{}", of.len())
        })
        .collect();
    format!(
        "{} engineers on shift, {} stops, {} desk calls, {} unassigned, faults placed {placed} \
         of {} ({})",
        k["engineersOnShift"],
        k["stops"],
        k["deskCalls"],
        k["unassigned"],
        faults.len(),
        by_level.join(", ")
    )
}

/// Publishes the day plan, reports `n` faults and prints the latencies.
async fn measure(name: &str, service: &Service, devices: &[(String, String)], n: usize) {
    let date = service.now.date().to_string();
    let started = Clock::now();
    let (status, published) = service
        .call(
            Method::POST,
            "/v1/plans",
            &service.planner,
            Some(json!({"date": date, "timeLimitMs": 2000, "seed": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "POST /v1/plans: {published}");
    eprintln!(
        "{name}: day plan published in {:.1} s (solver {:.1} s): {}",
        started.elapsed().as_secs_f64(),
        published["plan"]["stats"]["solverSeconds"]
            .as_f64()
            .unwrap_or(f64::NAN),
        size(&published["plan"])
    );

    let step = (devices.len() / n).max(1);
    let (mut times, mut planned, mut assigned) = (Vec::with_capacity(n), 0, 0);
    for (i, (site, device)) in devices.iter().step_by(step).take(n).enumerate() {
        let reported = service.now.plus(TimeDelta::minutes(-(2 + (i % 10) as i64)));
        let body = json!({
            "siteId": site,
            "deviceId": device,
            "level": 1 + i % 4,
            "reportedAt": reported.to_string(),
        });
        let t = Clock::now();
        let (status, answer) = service
            .call(Method::POST, "/v1/faults", &service.dispatcher, Some(body))
            .await;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(status, StatusCode::CREATED, "POST /v1/faults: {answer}");
        if answer["plan"].is_object() {
            planned += 1;
        }
        if answer["engineerId"].is_string() {
            assigned += 1;
        }
    }
    assert_eq!(times.len(), n, "{name}: too few devices");
    let (status, last) = service
        .call(
            Method::GET,
            &format!("/v1/plans/{date}"),
            &service.planner,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "GET /v1/plans: {last}");
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    eprintln!(
        "{name}: POST /v1/faults over {n} faults: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
         201 with a plan {planned}, 201 notPlanned {}; an engineer sent {assigned}; \
         after them (version {}): {}",
        pct(0.5),
        pct(0.99),
        times.last().unwrap(),
        n - planned,
        last["version"],
        size(&last["plan"])
    );
}

/// `(site, device)` of every device of a scenario, in its order.
fn devices(scenario: &Scenario) -> Vec<(String, String)> {
    scenario
        .devices()
        .iter()
        .map(|d| (d.site().to_string(), d.id().to_string()))
        .collect()
}

/// The scaled scenario (5,000 sites, 200 engineers) written to a fresh temporary directory.
fn scaled_dir() -> (PathBuf, Scenario) {
    let started = Clock::now();
    let scenario = generate(&GenerateOptions {
        sites: 5000,
        engineers: 200,
        ..GenerateOptions::default()
    })
    .unwrap();
    let dir = std::env::temp_dir().join(format!("fieldplan-bench-{}", std::process::id()));
    scenario.save(&dir).unwrap();
    eprintln!(
        "scaled-5000: generated and written in {:.1} s: {} sites, {} devices, {} engineers",
        started.elapsed().as_secs_f64(),
        scenario.sites().len(),
        scenario.devices().len(),
        scenario.engineers().len()
    );
    (dir, scenario)
}

/// Both scenarios: Nanchang (200 faults), then the scaled one (100 faults).
pub fn run() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let nanchang_dir = root().join("data/nanchang");
    let nanchang = Scenario::load(&nanchang_dir).unwrap();
    let started = Clock::now();
    let service = Service::load(&nanchang_dir);
    eprintln!(
        "http/nanchang: state loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    rt.block_on(measure("http/nanchang", &service, &devices(&nanchang), 200));

    let (dir, scaled) = scaled_dir();
    let started = Clock::now();
    let service = Service::load(&dir);
    eprintln!(
        "http/scaled-5000: state loaded in {:.1} s (store seeded, travel matrix)",
        started.elapsed().as_secs_f64()
    );
    rt.block_on(measure(
        "http/scaled-5000",
        &service,
        &devices(&scaled),
        100,
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
