//! Rosters (a placeholder until the roster planner is wired: `PUT /v1/rosters/{id}` keeps a
//! roster, planner only; `GET` reads it) and simulations: `POST /v1/simulations` (manager)
//! starts a staffing sweep ([`crate::sim::run_sweep`], body: its `SweepParams`) as a job
//! (202); `GET /v1/jobs/{id}` shows its result, `DELETE` cancels it.

use super::auth::Caller;
use super::body::JsonBody;
use super::error::{ApiError, ApiResult, FieldIssue};
use super::{AppState, blocking};
use crate::store::{JobStatus, Role};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::Value;

fn check_id(id: &str) -> ApiResult<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::Invalid(vec![FieldIssue::new(
            "id",
            "invalid",
            "1 to 64 of A-Z, a-z, 0-9, '-', '_'",
        )]))
    }
}

/// Store a roster (a JSON object).
#[utoipa::path(put, path = "/v1/rosters/{id}", tag = "rosters", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "Stored"), (status = 403, body = super::error::Problem)))]
pub async fn put(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Planner])?;
    check_id(&id)?;
    if !body.is_object() {
        return Err(ApiError::Invalid(vec![FieldIssue::new(
            "",
            "invalid_type",
            "the body must be a JSON object",
        )]));
    }
    let store = state.store();
    let b = body.clone();
    blocking(move || Ok(store.put_roster(&id, &b)?)).await?;
    Ok(Json(body))
}

/// A stored roster.
#[utoipa::path(get, path = "/v1/rosters/{id}", tag = "rosters", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "The roster"), (status = 404, body = super::error::Problem)))]
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let store = state.store();
    let missing = format!("no roster {id}");
    blocking(move || Ok(store.roster(&id)?))
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound(missing))
}

/// Start a staffing sweep (a job).
#[utoipa::path(post, path = "/v1/simulations", tag = "simulations", security(("bearer" = [])),
    request_body(content = Object, description = "SweepParams: staff, reps, seed, sim, target, policy, planWork"),
    responses((status = 202, body = super::jobs::JobView),
        (status = 403, body = super::error::Problem),
        (status = 422, body = super::error::Problem),
        (status = 503, body = super::error::Problem)))]
pub async fn simulate(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody,
) -> ApiResult<axum::response::Response> {
    use crate::sim::{SweepConfig, SweepParams, run_sweep};
    use axum::response::IntoResponse;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    caller.require(&[Role::Manager])?;
    let params: SweepParams = serde_path_to_error::deserialize(body.clone()).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // serde names a missing field only in its message: "missing field `staff`".
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|m| m.split('`').next())
            .map(str::to_owned);
        let (field, code) = match missing {
            Some(name) if path == "." => (name, "required"),
            Some(name) => (format!("{path}.{name}"), "required"),
            None if path == "." => (String::new(), "invalid"),
            None => (path, "invalid"),
        };
        ApiError::Invalid(vec![FieldIssue::new(field, code, message)])
    })?;
    let world = state.world();
    let cfg = SweepConfig::new(
        Arc::new(world.scenario().clone()),
        Arc::new(world.config().clone()),
        params,
    )
    .map_err(|e| ApiError::Invalid(vec![FieldIssue::new(e.field, "invalid", e.message)]))?;
    let permit = state.try_solve_slot()?;
    let id = super::jobs::job_id();
    let store = state.store();
    let (jid, request) = (id.clone(), body);
    let record = blocking(move || Ok(store.create_job(&jid, "simulate", &request)?)).await?;
    let cancel = Arc::new(AtomicBool::new(false));
    state.register_job(&id, cancel.clone());
    let st = state.clone();
    let job = id.clone();
    tokio::spawn(async move {
        let _permit = permit;
        let _ = super::jobs::set_status(&st, &job, JobStatus::Running, None, None).await;
        let c = cancel.clone();
        let outcome = blocking(move || {
            let result = run_sweep(&cfg, &|_, _| {}, &c);
            serde_json::to_value(&result).map_err(ApiError::internal)
        })
        .await;
        let cancelled = cancel.load(std::sync::atomic::Ordering::Relaxed);
        let (status, result, error) = match outcome {
            Ok(v) if cancelled => (JobStatus::Cancelled, Some(v), None),
            Ok(v) => (JobStatus::Succeeded, Some(v), None),
            Err(e) => (JobStatus::Failed, None, Some(e.to_string())),
        };
        let _ = super::jobs::set_status(&st, &job, status, result, error).await;
        st.unregister_job(&job);
    });
    let view: super::jobs::JobView = record.into();
    let mut res = (StatusCode::ACCEPTED, Json(view)).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("/v1/jobs/{id}")) {
        res.headers_mut().insert(axum::http::header::LOCATION, v);
    }
    Ok(res)
}
