//! Nothing a client sends breaks the service: size caps, cancellation rights, bounded metric
//! labels, no internal detail in answers, role checks before bodies, refused shapes.

use crate::support::{DAY, assert_problem, spawn_app, spawn_app_with};
use axum::body::Body;
use axum::http::{Method, Request, header};
use fieldplan::api::Settings;
use fieldplan::api::planning::{
    DayPlanner, FaultReplan, Planner, PlanningError, SolveSettings, World,
};
use fieldplan::domain::fault::FaultRecord;
use fieldplan::domain::instant::Instant;
use fieldplan::store::Role;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// The `field` of every issue of a 422 answer.
fn fields_of(r: &crate::support::Reply) -> Vec<String> {
    assert_problem(r, 422);
    r.error_fields()
}

#[tokio::test]
async fn a_simulation_beyond_the_caps_is_refused_naming_each_field() {
    let app = spawn_app();
    let huge = json!({"staff": [10000], "reps": 10000, "seed": 1, "sim": {"days": 3660}});
    let r = app.post("/v1/simulations", Role::Manager, huge).await;
    let fields = fields_of(&r);
    for f in ["reps", "sim.days", "staff[0]"] {
        assert!(fields.contains(&f.to_owned()), "{f} not in {fields:?}");
    }
    let work = json!({"staff": [3], "reps": 1, "seed": 1, "sim": {"days": 1}, "planWork": 1e15});
    let r = app.post("/v1/simulations", Role::Manager, work).await;
    assert_eq!(fields_of(&r), vec!["planWork"]);
    let many: Vec<u32> = (1..=51).collect();
    let r = app
        .post(
            "/v1/simulations",
            Role::Manager,
            json!({"staff": many, "reps": 1, "seed": 1, "sim": {"days": 1}}),
        )
        .await;
    assert_eq!(fields_of(&r), vec!["staff"]);
    let storm = json!({"staff": [3], "reps": 1, "seed": 1,
        "sim": {"days": 1, "faults": {"rateFactor": 1e9}}});
    let r = app.post("/v1/simulations", Role::Manager, storm).await;
    assert_eq!(fields_of(&r), vec!["sim.faults.rateFactor"]);
    // Within every cap but too much work as a whole: 500 x 365 x 100 engineer-days.
    let whole = json!({"staff": [500], "reps": 100, "seed": 1, "sim": {"days": 365}});
    let r = app.post("/v1/simulations", Role::Manager, whole).await;
    assert_eq!(fields_of(&r), vec!["reps"]);
    assert!(
        r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("engineer-days")
    );
    // A nested setting's own check names it under `sim`.
    let r = app
        .post(
            "/v1/simulations",
            Role::Manager,
            json!({"staff": [3], "reps": 1, "seed": 1, "sim": {"days": 0}}),
        )
        .await;
    assert_eq!(fields_of(&r), vec!["sim.days"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_role_that_may_start_a_job_may_cancel_it() {
    let app = spawn_app();
    let sweep =
        json!({"staff": [2, 30], "reps": 1, "seed": 3, "sim": {"days": 90}, "policy": "planner"});
    let r = app.post("/v1/simulations", Role::Manager, sweep).await;
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.bytes));
    let uri = format!("/v1/jobs/{}", r.json()["id"].as_str().unwrap());
    for role in [Role::Dispatcher, Role::Planner, Role::Viewer] {
        assert_problem(&app.delete(&uri, role).await, 403);
    }
    let r = app.delete(&uri, Role::Manager).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    assert_eq!(r.json()["status"], "cancelled");
    // The cancelled sweep gave its solver slot back: both slots are free again.
    let r = app.post_long_plan().await;
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.bytes));
    let uri = format!("/v1/jobs/{}", r.json()["id"].as_str().unwrap());
    assert_problem(&app.delete(&uri, Role::Manager).await, 403);
    assert_eq!(app.delete(&uri, Role::Dispatcher).await.status, 200);
}

#[tokio::test]
async fn metric_labels_stay_bounded_whatever_the_method_or_path() {
    let app = spawn_app();
    for i in 0..20 {
        let method = Method::from_bytes(format!("INVENTED{i}").as_bytes()).unwrap();
        app.call(method, &format!("/no/such/path/{i}"), None, None)
            .await;
        app.call(
            Method::GET,
            &format!("/v1/sites/S-{i}"),
            Some(Role::Viewer),
            None,
        )
        .await;
    }
    let m = app.call(Method::GET, "/metrics", None, None).await;
    let text = String::from_utf8(m.bytes).unwrap();
    assert!(!text.contains("INVENTED"), "{text}");
    assert!(!text.contains("/no/such"), "{text}");
    assert!(!text.contains("S-1"), "{text}");
    assert!(text.contains("method=\"OTHER\""), "{text}");
    assert!(text.contains("route=\"/v1/sites/{id}\""), "{text}");
}

/// Panics in every solve, with a message that must not reach clients.
struct PanickingPlanner;

const SECRET: &str = "secret detail at /srv/fieldplan/src/solve.rs:42";

impl Planner for PanickingPlanner {
    fn plan_day(&self, _: &World, _: &[Value], _: &SolveSettings) -> Result<Value, PlanningError> {
        panic!("{SECRET}");
    }
    fn insert_fault(
        &self,
        w: &World,
        c: Option<&Value>,
        p: &[Value],
        f: &FaultRecord,
        n: Instant,
        s: &SolveSettings,
    ) -> Result<FaultReplan, PlanningError> {
        DayPlanner.insert_fault(w, c, p, f, n, s)
    }
    fn recommend(
        &self,
        _: &World,
        _: Option<&Value>,
        _: &[Value],
        _: &FaultRecord,
        _: Instant,
    ) -> Result<Vec<Value>, PlanningError> {
        Ok(vec![])
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_solve_shows_clients_nothing_of_it() {
    let app = spawn_app_with(Arc::new(PanickingPlanner), Settings::default());
    let sync = app
        .post(
            "/v1/plans",
            Role::Planner,
            json!({"date": DAY, "timeLimitMs": 100}),
        )
        .await;
    assert_problem(&sync, 500);
    let text = String::from_utf8_lossy(&sync.bytes).to_string();
    assert!(
        !text.contains("secret") && !text.contains("panic"),
        "{text}"
    );
    let r = app.post_long_plan().await;
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.bytes));
    let uri = format!("/v1/jobs/{}", r.json()["id"].as_str().unwrap());
    let mut job = Value::Null;
    for _ in 0..200 {
        job = app.get(&uri, Role::Viewer).await.json();
        if job["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["error"], "internal error; see the server log", "{job}");
}

/// A request with a body of `content_type` from `role`.
async fn send_raw(
    app: &crate::support::TestApp,
    uri: &str,
    role: Role,
    content_type: &str,
    body: &str,
) -> crate::support::Reply {
    let req = Request::post(uri)
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", app.tokens[&role]),
        )
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_owned()))
        .unwrap();
    app.send(req).await
}

#[tokio::test]
async fn a_role_that_may_not_post_gets_403_whatever_its_body() {
    let app = spawn_app();
    let routes = [
        "/v1/plans",
        "/v1/faults",
        "/v1/rosters",
        "/v1/rosters/R-none/publish",
        "/v1/simulations",
        "/v1/engineers/E-01/events",
    ];
    for uri in routes {
        for (content_type, body) in [
            ("text/plain", "hello"),
            ("application/json", "{not json"),
            ("application/json", &"x".repeat(300 * 1024)),
        ] {
            let r = send_raw(&app, uri, Role::Viewer, content_type, body).await;
            assert_problem(&r, 403);
        }
    }
    // The allowed role still meets the body's own checks.
    let r = send_raw(&app, "/v1/plans", Role::Planner, "text/plain", "hello").await;
    assert_problem(&r, 415);
}

#[tokio::test]
async fn a_number_beyond_a_float_is_refused_naming_its_field() {
    let app = spawn_app();
    let body = format!(r#"{{"date": "{DAY}", "timeLimitMs": 1e400}}"#);
    let r = send_raw(&app, "/v1/plans", Role::Planner, "application/json", &body).await;
    assert_eq!(fields_of(&r), vec!["timeLimitMs"]);
    let message = r.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("out of range"), "{message}");
    let body = r#"{"kind": "position", "at": "2026-11-30T09:00:00+08:00",
        "position": {"lat": 28.6, "lon": -1e400}}"#;
    let r = send_raw(
        &app,
        "/v1/engineers/E-01/events",
        Role::Dispatcher,
        "application/json",
        body,
    )
    .await;
    assert_eq!(fields_of(&r), vec!["position.lon"]);
}

#[tokio::test]
async fn a_position_must_be_an_object_not_an_array() {
    let app = spawn_app();
    let r = app
        .post(
            "/v1/engineers/E-01/events",
            Role::Dispatcher,
            json!({"kind": "position", "at": "2026-11-30T09:00:00+08:00",
                "position": [28.6, 115.9]}),
        )
        .await;
    assert!(
        fields_of(&r).iter().all(|f| f == "position"),
        "{:?}",
        r.json()
    );
    let refused = r.json()["errors"].as_array().unwrap().iter().any(|e| {
        e["message"]
            .as_str()
            .unwrap()
            .contains("expected an object")
    });
    assert!(refused, "{:?}", r.json());
    let r = app
        .post(
            "/v1/engineers/E-01/events",
            Role::Dispatcher,
            json!({"kind": "position", "at": "2026-11-30T09:00:00+08:00",
                "position": {"lat": 28.6, "lon": 115.9}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
}
