//! Staffing simulations.
//!
//! - `POST /v1/simulations` (manager) starts a staffing sweep ([`crate::sim::run_sweep`],
//!   body: its `SweepParams`) as a job (202); `DELETE /v1/simulations/{id}` (manager) cancels
//!   it (the result then holds the headcounts already finished).
//! - `GET /v1/simulations/{id}`: the job with `share` (0 to 1) of the engineer-days simulated
//!   so far, `partial`: the headcounts whose replications have all finished while it runs
//!   (largest first, as the sweep runs them), and its `result` when it has one.
//! - `GET /v1/simulations/{id}/chart.svg`: the sweep's chart ([`crate::sim::chart_svg`]),
//!   once it has a result (409 before).

use super::auth::Caller;
use super::body::JsonBody;
use super::error::{ApiError, ApiResult, FieldIssue};
use super::{AppState, blocking};
use crate::sim::{LevelResult, SweepConfig, SweepParams, SweepResult, chart_svg};
use crate::store::{JobRecord, JobStatus, Role};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, MutexGuard};
use utoipa::ToSchema;

/// How far a running sweep is, in engineer-days.
#[derive(Debug, Default)]
pub(super) struct Share {
    done: AtomicU64,
    total: AtomicU64,
    /// Headcounts finished so far.
    levels: std::sync::Mutex<Vec<LevelResult>>,
}

fn progress_map(state: &AppState) -> MutexGuard<'_, HashMap<String, Arc<Share>>> {
    state
        .0
        .simulations
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// A simulation as `GET /v1/simulations/{id}` shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SimulationView {
    pub id: String,
    #[schema(value_type = String, example = "running")]
    pub status: JobStatus,
    /// Share of the sweep's engineer-days simulated, 0 to 1.
    pub share: f64,
    #[schema(value_type = Object)]
    pub request: Value,
    /// The sweep's answer (`SweepResult`), once finished or cancelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    /// While it runs: the headcounts finished so far (`LevelResult`s, by headcount).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub partial: Option<Vec<LevelResult>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Where the chart is, once there is a result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
}

async fn load(state: &AppState, id: String) -> ApiResult<JobRecord> {
    let store = state.store();
    let what = format!("no simulation {id}");
    blocking(move || Ok(store.job(&id)?))
        .await?
        .filter(|j| j.kind == "simulate")
        .ok_or(ApiError::NotFound(what))
}

/// A simulation: its state, share done and result.
#[utoipa::path(get, path = "/v1/simulations/{id}", tag = "simulations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job id")),
    responses((status = 200, body = SimulationView), (status = 404, body = super::error::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<SimulationView>> {
    Ok(Json(view(&state, id).await?))
}

/// Cancels a running simulation; answers its final state (with the headcounts finished).
#[utoipa::path(delete, path = "/v1/simulations/{id}", tag = "simulations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The job id")),
    responses((status = 200, body = SimulationView), (status = 403, body = super::error::Problem),
        (status = 404, body = super::error::Problem),
        (status = 409, description = "Already finished", body = super::error::Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<SimulationView>> {
    caller.require(&[Role::Manager])?;
    load(&state, id.clone()).await?;
    super::jobs::cancel_running(&state, id.clone()).await?;
    Ok(Json(view(&state, id).await?))
}

async fn view(state: &AppState, id: String) -> ApiResult<SimulationView> {
    let running = progress_map(state).get(&id).cloned();
    let job = load(state, id).await?;
    let share = match (job.status, running.clone()) {
        (JobStatus::Succeeded, _) => 1.0,
        (_, Some(s)) => {
            let total = s.total.load(Ordering::Relaxed);
            if total == 0 {
                0.0
            } else {
                (s.done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0)
            }
        }
        _ => 0.0,
    };
    let partial = running.filter(|_| job.result.is_none()).map(|s| {
        let mut levels = s.levels.lock().unwrap_or_else(|e| e.into_inner()).clone();
        levels.sort_by_key(|l| l.headcount);
        levels
    });
    Ok(SimulationView {
        chart: job
            .result
            .as_ref()
            .map(|_| format!("/v1/simulations/{}/chart.svg", job.id)),
        id: job.id,
        status: job.status,
        share,
        request: job.request,
        result: job.result,
        partial,
        error: job.error,
    })
}

/// The sweep's chart (SVG).
#[utoipa::path(get, path = "/v1/simulations/{id}/chart.svg", tag = "simulations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The job id")),
    responses((status = 200, description = "The chart", content_type = "image/svg+xml"),
        (status = 404, body = super::error::Problem),
        (status = 409, description = "No result yet", body = super::error::Problem)))]
pub async fn chart(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let job = load(&state, id).await?;
    let Some(result) = job.result else {
        return Err(ApiError::Conflict(format!(
            "simulation {} is {} and has no result yet",
            job.id,
            job.status.as_str()
        )));
    };
    let svg = blocking(move || {
        let result: SweepResult = serde_json::from_value(result).map_err(ApiError::internal)?;
        Ok(chart_svg(&result))
    })
    .await?;
    let mut res = svg.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    Ok(res)
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
    let share = Arc::new(Share::default());
    progress_map(&state).insert(id.clone(), share.clone());
    let st = state.clone();
    let job = id.clone();
    tokio::spawn(async move {
        let _permit = permit;
        let _ = super::jobs::set_status(&st, &job, JobStatus::Running, None, None).await;
        let c = cancel.clone();
        let outcome = blocking(move || {
            let result = crate::sim::run_sweep_with_levels(
                &cfg,
                &|done, total| {
                    share.done.store(done, Ordering::Relaxed);
                    share.total.store(total, Ordering::Relaxed);
                },
                &|level| {
                    share
                        .levels
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(level.clone());
                },
                &c,
            );
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
        progress_map(&st).remove(&job);
    });
    let view: super::jobs::JobView = record.into();
    let mut res = (StatusCode::ACCEPTED, Json(view)).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("/v1/jobs/{id}")) {
        res.headers_mut().insert(axum::http::header::LOCATION, v);
    }
    Ok(res)
}
