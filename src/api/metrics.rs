//! Prometheus metrics in the text exposition format, hand-rolled: request counts by route,
//! method and status; histograms of solve durations and of fault re-plan latency.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use super::AppState;

/// Upper bounds of the histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (i, &b) in BUCKETS.iter().enumerate() {
            if seconds <= b {
                self.counts[i] += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }

    fn write(&self, out: &mut String, name: &str) {
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "{name}_bucket{{le=\"{b}\"}} {}", self.counts[i]);
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum {}", self.sum);
        let _ = writeln!(out, "{name}_count {}", self.count);
    }
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    solve: Histogram,
    replan: Histogram,
}

/// The service's metrics.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn request(&self, route: &str, method: &str, status: u16) {
        *self
            .lock()
            .requests
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default() += 1;
    }

    pub fn solve_duration(&self, d: Duration) {
        self.lock().solve.observe(d.as_secs_f64());
    }

    pub fn replan_latency(&self, d: Duration) {
        self.lock().replan.observe(d.as_secs_f64());
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let inner = self.lock();
        let mut out = String::new();
        out.push_str(
            "# HELP fieldplan_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE fieldplan_http_requests_total counter\n");
        for ((route, method, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "fieldplan_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str(
            "# HELP fieldplan_solve_duration_seconds Duration of day-plan optimisations.\n",
        );
        out.push_str("# TYPE fieldplan_solve_duration_seconds histogram\n");
        inner
            .solve
            .write(&mut out, "fieldplan_solve_duration_seconds");
        out.push_str(
            "# HELP fieldplan_replan_latency_seconds From a fault report to its published plan.\n",
        );
        out.push_str("# TYPE fieldplan_replan_latency_seconds histogram\n");
        inner
            .replan
            .write(&mut out, "fieldplan_replan_latency_seconds");
        out
    }
}

/// Middleware: counts each request under its route template (`/v1/plans/{date}`).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(req.method());
    let res = next.run(req).await;
    state
        .metrics()
        .request(&route, method, res.status().as_u16());
    res
}

/// The `method` label: one of the standard methods, else `OTHER`. With the route template
/// (or `unmatched`) and the status code, it keeps the label sets finite whatever clients send.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::PATCH, "PATCH"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::CONNECT, "CONNECT"),
        (Method::TRACE, "TRACE"),
    ];
    KNOWN
        .iter()
        .find(|(m, _)| m == method)
        .map_or("OTHER", |(_, name)| name)
}
