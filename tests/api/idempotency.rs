//! `Idempotency-Key`: a retried POST gets the first answer again, never a second fault.

use crate::support::{assert_problem, spawn_app};
use axum::body::Body;
use axum::http::{Method, Request, header};
use fieldplan::store::Role;
use serde_json::{Value, json};

fn fault(level: u8) -> Value {
    json!({"siteId": "S-0001", "deviceId": "D-0001", "level": level,
           "reportedAt": "2026-11-30T09:15:00+08:00"})
}

async fn post_with_key(
    app: &crate::support::TestApp,
    key: &str,
    body: &Value,
) -> crate::support::Reply {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/v1/faults")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", app.tokens[&Role::Dispatcher]),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(req).await
}

#[tokio::test]
async fn a_retried_fault_is_answered_again_and_recorded_once() {
    let app = spawn_app();
    let before = app.get("/v1/faults", Role::Viewer).await.json()["total"]
        .as_u64()
        .unwrap();
    let first = post_with_key(&app, "retry-1", &fault(1)).await;
    assert_eq!(
        first.status,
        201,
        "{}",
        String::from_utf8_lossy(&first.bytes)
    );
    let again = post_with_key(&app, "retry-1", &fault(1)).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json()["faultId"], first.json()["faultId"]);
    assert_eq!(again.header("location"), first.header("location"));
    let after = app.get("/v1/faults", Role::Viewer).await.json()["total"]
        .as_u64()
        .unwrap();
    assert_eq!(after, before + 1);
    // The same key with another body is refused; another key is another fault.
    let r = post_with_key(&app, "retry-1", &fault(2)).await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["Idempotency-Key"]);
    let r = post_with_key(&app, "retry-2", &fault(1)).await;
    assert_ne!(r.json()["faultId"], first.json()["faultId"]);
    let r = post_with_key(&app, &"k".repeat(300), &fault(1)).await;
    assert_eq!(r.error_fields(), ["Idempotency-Key"]);
    // A refused request's answer is kept too: the retry is refused the same way.
    let bad = json!({"siteId": "S-0001"});
    let r1 = post_with_key(&app, "bad-1", &bad).await;
    let r2 = post_with_key(&app, "bad-1", &bad).await;
    assert_eq!((r1.status.as_u16(), r2.status.as_u16()), (422, 422));
    assert_eq!(r1.bytes, r2.bytes);
}
