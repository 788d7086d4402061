use crate::support::spawn_app;
use axum::http::Method;
use fieldplan::store::Role;

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = spawn_app();
    app.get("/v1/sites/S-0001", Role::Viewer).await;
    app.get("/v1/sites/S-9999", Role::Viewer).await;
    app.publish_plan().await;
    let m = app.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(m.status, 200);
    let text = String::from_utf8(m.bytes).unwrap();
    assert!(
        text.contains(
            r#"fieldplan_http_requests_total{route="/v1/sites/{id}",method="GET",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/v1/sites/{id}",method="GET",status="404"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("fieldplan_solve_duration_seconds_count 1"),
        "{text}"
    );
    assert!(
        text.contains("fieldplan_replan_latency_seconds_bucket{le=\"+Inf\"}"),
        "{text}"
    );
}

#[tokio::test]
async fn the_openapi_document_lists_the_endpoints() {
    let app = spawn_app();
    let doc = app
        .call(Method::GET, "/openapi.json", None, None)
        .await
        .json();
    for path in [
        "/v1/plans",
        "/v1/plans/{date}",
        "/v1/faults",
        "/v1/engineers/{id}/events",
        "/v1/jobs/{id}",
        "/healthz",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["components"]["schemas"]["FaultRequest"]["properties"]["reportedAt"].is_object());
}
