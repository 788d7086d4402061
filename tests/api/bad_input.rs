use crate::support::{assert_problem, spawn_app};
use axum::body::Body;
use axum::http::Request;
use fieldplan::store::Role;
use serde_json::json;

#[tokio::test]
async fn a_fault_with_many_bad_fields_lists_every_one() {
    let app = spawn_app();
    let r = app
        .post(
            "/v1/faults",
            Role::Dispatcher,
            json!({"siteId": "X-1", "level": 9, "reportedAt": "yesterday", "colour": "red"}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(
        r.error_fields(),
        ["colour", "deviceId", "level", "reportedAt", "siteId"]
    );
    let errors = r.json()["errors"].clone();
    let code = |f: &str| {
        errors
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == f)
            .unwrap()["code"]
            .clone()
    };
    assert_eq!(code("deviceId"), "required");
    assert_eq!(code("colour"), "unknown_field");
}

#[tokio::test]
async fn unknown_and_mismatched_references_are_named() {
    let app = spawn_app();
    let r = app
        .post(
            "/v1/faults",
            Role::Dispatcher,
            json!({"siteId": "S-9999", "deviceId": "D-9999", "level": 1,
                   "reportedAt": "2026-11-30T09:00:00+08:00"}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["deviceId", "siteId"]);
    // D-0001 stands at S-0001, not S-0002.
    let r = app
        .post(
            "/v1/faults",
            Role::Dispatcher,
            json!({"siteId": "S-0002", "deviceId": "D-0001", "level": 1,
                   "reportedAt": "2026-11-30T09:00:00+08:00"}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["deviceId"]);
}

#[tokio::test]
async fn wrong_types_name_the_field() {
    let app = spawn_app();
    let r = app
        .post(
            "/v1/plans",
            Role::Planner,
            json!({"date": 20261130, "timeLimitMs": "fast", "seed": -1}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["date", "seed", "timeLimitMs"]);
    assert!(
        r.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["message"].is_string())
    );
}

#[tokio::test]
async fn a_time_limit_over_the_ceiling_is_out_of_range() {
    let app = spawn_app();
    let r = app
        .post(
            "/v1/plans",
            Role::Planner,
            json!({"date": "2026-11-30", "timeLimitMs": 10_000_000}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.json()["errors"][0]["code"], "out_of_range");
}

#[tokio::test]
async fn malformed_json_is_400_with_its_position() {
    let app = spawn_app();
    let req = Request::post("/v1/plans")
        .header(
            "authorization",
            format!("Bearer {}", app.tokens[&Role::Planner]),
        )
        .header("content-type", "application/json")
        .body(Body::from("{\"date\": "))
        .unwrap();
    let r = app.send(req).await;
    assert_problem(&r, 400);
    assert!(
        r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 1")
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app();
    let req = Request::post("/v1/plans")
        .header(
            "authorization",
            format!("Bearer {}", app.tokens[&Role::Planner]),
        )
        .header("content-type", "text/plain")
        .body(Body::from("date=2026-11-30"))
        .unwrap();
    assert_problem(&app.send(req).await, 415);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app();
    let big = format!(
        "{{\"date\": \"2026-11-30\", \"pad\": \"{}\"}}",
        "x".repeat(300 * 1024)
    );
    let req = Request::post("/v1/plans")
        .header(
            "authorization",
            format!("Bearer {}", app.tokens[&Role::Planner]),
        )
        .header("content-type", "application/json")
        .body(Body::from(big))
        .unwrap();
    assert_problem(&app.send(req).await, 413);
}

#[tokio::test]
async fn progress_events_list_every_bad_field() {
    let app = spawn_app();
    let r = app
        .post(
            "/v1/engineers/E-01/events",
            Role::Dispatcher,
            json!({"kind": "lunch", "at": "noon", "position": {"lat": 95.0, "lon": 115.9}}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["at", "kind", "position"]);
    // A visit report needs its task; a position report its position.
    let r = app
        .post(
            "/v1/engineers/E-01/events",
            Role::Dispatcher,
            json!({"kind": "arrived", "at": "2026-11-30T09:00:00+08:00"}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["taskId"]);
    let r = app
        .post(
            "/v1/engineers/E-01/events",
            Role::Dispatcher,
            json!({"kind": "position", "at": "2026-11-30T09:00:00+08:00"}),
        )
        .await;
    assert_eq!(r.error_fields(), ["position"]);
}

#[tokio::test]
async fn bad_paging_lists_both_parameters() {
    let app = spawn_app();
    let r = app.get("/v1/sites?limit=0&offset=-3", Role::Viewer).await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["limit", "offset"]);
}
