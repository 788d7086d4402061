//! The service over a real socket, and a minimal HTTP/1.1 client for these tests.

use crate::support::spawn_app;
use fieldplan::store::Role;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "fieldplan-api-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One request with `Connection: close`; the status and the body.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text[9..12].parse().unwrap();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    (status, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

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
    use std::io::{BufRead, BufReader};
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
        // Read until the first event's data line, then to the end of the stream.
        let mut data = None;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(d) = line.strip_prefix("data: ") {
                data = Some(d.to_owned());
                break;
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
