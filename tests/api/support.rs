//! `spawn_app`: a service on an in-memory store seeded with `data/nanchang`, with one token
//! per role (the engineer's bound to [`ENGINEER`]); `call` sends one request through the
//! router.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use fieldplan::api::planning::{DayPlanner, Planner};
use fieldplan::api::{AppState, Settings, app};
use fieldplan::domain::clock::ManualClock;
use fieldplan::domain::instant::Instant;
use fieldplan::store::{Role, SqliteStore, Store, TokenGrant};
use http_body_util::BodyExt;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

pub const DAY: &str = "2026-11-30";

/// Where the test clock starts: `DAY`, after the faults the tests report (09:15).
pub const START: &str = "2026-11-30T09:20:00+08:00";

/// The engineer the token of role engineer (`tokens[&Role::Engineer]`) is bound to.
pub const ENGINEER: &str = "E-06";

/// `DAY` at `time` (`HH:MM`) in the service's offset, as RFC 3339.
pub fn at(time: &str) -> String {
    format!("{DAY}T{time}:00+08:00")
}

pub struct TestApp {
    /// The service's clock: tests move it, nothing reads the machine's date.
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    pub router: Router,
    pub tokens: HashMap<Role, String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `field` of each entry of a problem document's `errors`, sorted.
    pub fn error_fields(&self) -> Vec<String> {
        let mut f: Vec<String> = self.json()["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect();
        f.sort();
        f
    }
}

pub fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// `fieldplan import --kind KIND [ARGS] --db DB CSV`, the binary run as a user would.
pub fn import_file(kind: &str, args: &[&str], db: &Path, csv: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_fieldplan"))
        .args(["import", "--kind", kind])
        .args(args)
        .arg("--db")
        .arg(db)
        .arg(csv)
        .output()
        .unwrap()
}

pub fn spawn_app() -> TestApp {
    spawn_app_with(Arc::new(DayPlanner), Settings::default())
}

pub fn spawn_app_with(planner: Arc<dyn Planner>, settings: Settings) -> TestApp {
    spawn_app_in(planner, settings, &repo("config"))
}

/// [`spawn_app_with`] on the configuration directory `config`.
pub fn spawn_app_in(planner: Arc<dyn Planner>, settings: Settings, config: &Path) -> TestApp {
    let clock = Arc::new(ManualClock::new(Instant::parse(START).unwrap()));
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory_with_clock(clock.clone()).unwrap());
    let mut tokens: HashMap<Role, String> = Role::ALL
        .into_iter()
        .filter(|r| !r.binds_engineer())
        .map(|r| {
            (
                r,
                fieldplan::api::auth::create_token(store.as_ref(), r, "test").unwrap(),
            )
        })
        .collect();
    let state = AppState::load(
        clock.clone(),
        store,
        &repo("data/nanchang"),
        config,
        planner,
        settings,
    )
    .unwrap();
    // Once the engineers are stored: an engineer's token names one of them.
    tokens.insert(Role::Engineer, engineer_token(&state, ENGINEER));
    TestApp {
        clock,
        router: app(state.clone()),
        state,
        tokens,
    }
}

/// A new token of role engineer bound to engineer `id` (which must be stored).
pub fn engineer_token(state: &AppState, id: &str) -> String {
    let engineer = fieldplan::domain::ids::EngineerId::new(id).unwrap();
    let grant = TokenGrant::new(Role::Engineer, Some(engineer), None).unwrap();
    fieldplan::api::auth::create_token_granting(state.store().as_ref(), &grant, "test")
        .unwrap()
        .0
}

impl TestApp {
    /// Sets the service's clock (RFC 3339).
    pub fn set_now(&self, at: &str) {
        self.clock.set(Instant::parse(at).unwrap());
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Reply {
            status,
            headers,
            bytes,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        role: Option<Role>,
        body: Option<Value>,
    ) -> Reply {
        let token = role.map(|r| self.tokens[&r].as_str());
        self.call_with(method, uri, token, body).await
    }

    /// [`TestApp::call`] with a token of the test's own (none: no `Authorization`).
    pub async fn call_with(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.send(req).await
    }

    pub async fn get(&self, uri: &str, role: Role) -> Reply {
        self.call(Method::GET, uri, Some(role), None).await
    }

    pub async fn post(&self, uri: &str, role: Role, body: Value) -> Reply {
        self.call(Method::POST, uri, Some(role), Some(body)).await
    }

    pub async fn delete(&self, uri: &str, role: Role) -> Reply {
        self.call(Method::DELETE, uri, Some(role), None).await
    }

    /// Asks for a plan of `DAY` with a one-minute limit: a job that runs until cancelled.
    pub async fn post_long_plan(&self) -> Reply {
        self.post(
            "/v1/plans",
            Role::Planner,
            serde_json::json!({"date": DAY, "timeLimitMs": 60_000}),
        )
        .await
    }

    /// Publishes a plan of `DAY` with a short time limit; returns its envelope.
    pub async fn publish_plan(&self) -> Value {
        let r = self
            .post(
                "/v1/plans",
                Role::Planner,
                serde_json::json!({"date": DAY, "timeLimitMs": 200, "seed": 7}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&r.bytes)
        );
        let v = r.json();
        self.check_plan(&v["plan"]);
        v
    }

    /// Moves the clock to 07:00 the day after `DAY` and asks for that day's plan with a
    /// short time limit.
    pub async fn plan_next_day(&self) -> Reply {
        self.set_now("2026-12-01T07:00:00+08:00");
        self.post(
            "/v1/plans",
            Role::Planner,
            serde_json::json!({"date": "2026-12-01", "timeLimitMs": 200, "seed": 7}),
        )
        .await
    }

    /// Passes a returned plan through the independent checker of `plan`.
    pub fn check_plan(&self, plan: &Value) {
        let plan: fieldplan::plan::Plan = serde_json::from_value(plan.clone()).expect("a plan");
        let world = self.state.world();
        let violations = fieldplan::plan::check(&plan, world.context());
        assert!(violations.is_empty(), "{violations:#?}");
    }
}

/// A problem document: the content type and the RFC 9457 members.
pub fn assert_problem(r: &Reply, status: u16) {
    assert_eq!(
        r.status.as_u16(),
        status,
        "{}",
        String::from_utf8_lossy(&r.bytes)
    );
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let p = r.json();
    assert_eq!(p["status"], status);
    for k in ["type", "title", "detail"] {
        assert!(p[k].is_string(), "problem without {k}: {p}");
    }
}
