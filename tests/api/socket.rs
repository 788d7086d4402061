//! The service over a real socket, and a minimal HTTP/1.1 client for these tests.

use crate::support::spawn_app;
use fieldplan::store::Role;

#[path = "../common/http.rs"]
mod client;
pub use client::{http, temp_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_answers_over_a_real_socket() {
    let app = spawn_app();
    let token = app.tokens[&Role::Planner].clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(fieldplan::api::serve(listener, app.state.clone(), async {
        let _ = stopped.await;
    }));
    let a = addr.clone();
    let (health, plan, latest) = tokio::task::spawn_blocking(move || {
        let health = http(&a, "GET", "/healthz", None, None);
        let plan = http(
            &a,
            "POST",
            "/v1/plans",
            Some(&token),
            Some(r#"{"date":"2026-11-30","timeLimitMs":100}"#),
        );
        let latest = http(&a, "GET", "/v1/plans/2026-11-30", Some(&token), None);
        (health, plan, latest)
    })
    .await
    .unwrap();
    assert_eq!(health.0, 200);
    assert_eq!(plan.0, 201, "{}", plan.1);
    assert_eq!(latest.0, 200);
    assert_eq!(latest.1, plan.1);
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_streams_announce_versions_and_end_on_shutdown() {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpStream;
    let app = spawn_app();
    let token = app.tokens[&Role::Viewer].clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(fieldplan::api::serve(listener, app.state.clone(), async {
        let _ = stopped.await;
    }));
    let a = addr.clone();
    let reader = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(&a).unwrap();
        let req = format!(
            "GET /v1/events HTTP/1.1\r\nHost: {a}\r\nAuthorization: Bearer {token}\r\n\r\n"
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut lines = BufReader::new(s).lines();
        // Read until the first planPublished event's data line, then to the end of the
        // stream. Alerts about the bundled faults may share the stream; the service announces
        // a plan before the alert check it starts, and the test does not rely on that order.
        let mut data = None;
        let mut event = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(e) = line.strip_prefix("event: ") {
                e.clone_into(&mut event);
            } else if let Some(d) = line.strip_prefix("data: ")
                && event == "planPublished"
            {
                data = Some(d.to_owned());
                break;
            } else if line.is_empty() {
                event.clear();
            }
        }
        for _ in lines {}
        data
    });
    // Give the stream time to subscribe, then publish.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.publish_plan().await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("graceful shutdown ends open event streams")
        .unwrap()
        .unwrap();
    let data = reader.await.unwrap().expect("an event");
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["date"], "2026-11-30");
}
