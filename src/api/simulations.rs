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
use crate::store::{JobRecord, JobStatus};
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

/// Caps on the size of a sweep sent to the API (the command line has its own, looser ones):
/// together they bound the work of one job, so no request can hold a solver slot for hours.
pub mod limits {
    /// `sim.days`: simulated days per replication.
    pub const DAYS: u32 = 365;
    /// `reps`: replications per headcount.
    pub const REPS: u32 = 100;
    /// Each headcount of `staff`.
    pub const HEADCOUNT: usize = 500;
    /// Entries of `staff`.
    pub const HEADCOUNTS: usize = 50;
    /// `planWork`: work units of each simulated day plan (100 x the default, ~0.2 s): a day
    /// plan is the longest step between two looks at the cancel flag.
    pub const PLAN_WORK: u64 = 20_000_000;
    /// The whole sweep, in engineer-days: sum of `staff` x `sim.days` x `reps`.
    pub const ENGINEER_DAYS: u64 = 10_000_000;
    /// `sim.faults.rateFactor`.
    pub const RATE_FACTOR: f64 = 10.0;
    /// Faults per device-year (mid-life and wear-out) of a custom `sim.faults.model`.
    pub const DEVICE_YEAR_RATE: f64 = 100.0;
    /// `earlyFactor` of a custom fault model, and its weekday/weekend factors.
    pub const FACTOR: f64 = 100.0;
    /// `earlyWeeks` and `wearOutAfterMonths` of a custom fault model.
    pub const MODEL_PERIOD: u32 = 1200;
}

/// Every size parameter of `p` beyond [`limits`], each naming its field.
fn over_limits(p: &SweepParams) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    let mut out = |field: &str, message: String| {
        issues.push(FieldIssue::new(field, "out_of_range", message));
    };
    if p.staff.len() > limits::HEADCOUNTS {
        out(
            "staff",
            format!(
                "{} headcounts; at most {}",
                p.staff.len(),
                limits::HEADCOUNTS
            ),
        );
    }
    if let Some(i) = p.staff.iter().position(|&h| h > limits::HEADCOUNT) {
        out(
            &format!("staff[{i}]"),
            format!("{} engineers; at most {}", p.staff[i], limits::HEADCOUNT),
        );
    }
    if p.reps > limits::REPS {
        out("reps", format!("{} is not in 1..={}", p.reps, limits::REPS));
    }
    if p.sim.days > limits::DAYS {
        out(
            "sim.days",
            format!("{} is not in 1..={}", p.sim.days, limits::DAYS),
        );
    }
    if p.plan_work > limits::PLAN_WORK {
        out(
            "planWork",
            format!("{} is not in 0..={}", p.plan_work, limits::PLAN_WORK),
        );
    }
    if let Some(start) = p.sim.start {
        use crate::domain::instant::Instant;
        // Room for a year of simulation inside the years the service's clock knows.
        let years = Instant::FIRST_YEAR..=Instant::LAST_YEAR - 2;
        if !years.contains(&chrono::Datelike::year(&start)) {
            out(
                "sim.start",
                format!("{start} is not in the years {years:?}"),
            );
        }
    }
    let f = &p.sim.faults;
    if f.rate_factor > limits::RATE_FACTOR {
        out(
            "sim.faults.rateFactor",
            format!("{} is more than {}", f.rate_factor, limits::RATE_FACTOR),
        );
    }
    if let Some(m) = &f.model {
        model_over_limits(m, &mut out);
    }
    let engineer_days = p
        .staff
        .iter()
        .map(|&h| h as u64)
        .sum::<u64>()
        .saturating_mul(u64::from(p.sim.days).saturating_mul(u64::from(p.reps)));
    if engineer_days > limits::ENGINEER_DAYS {
        out(
            "reps",
            format!(
                "the sweep simulates {engineer_days} engineer-days (sum of staff x sim.days x \
                 reps); at most {}",
                limits::ENGINEER_DAYS
            ),
        );
    }
    issues
}

/// The rates and periods of a custom fault model beyond [`limits`].
fn model_over_limits(
    m: &crate::domain::fault_model::FaultModel,
    out: &mut impl FnMut(&str, String),
) {
    let root = "sim.faults.model";
    for (family, r) in m.families.iter() {
        let at = format!("{root}.families.{}", family.key());
        for (name, x, max) in [
            ("perDeviceYear", r.per_device_year, limits::DEVICE_YEAR_RATE),
            (
                "wearOutPerYear",
                r.wear_out_per_year,
                limits::DEVICE_YEAR_RATE,
            ),
            ("earlyFactor", r.early_factor, limits::FACTOR),
        ] {
            if x > max {
                out(&format!("{at}.{name}"), format!("{x} is more than {max}"));
            }
        }
        for (name, x) in [
            ("earlyWeeks", r.early_weeks),
            ("wearOutAfterMonths", r.wear_out_after_months),
        ] {
            if x > limits::MODEL_PERIOD {
                out(
                    &format!("{at}.{name}"),
                    format!("{x} is more than {}", limits::MODEL_PERIOD),
                );
            }
        }
    }
    for (name, x) in [
        ("weekdayFactor", m.weekday_factor),
        ("weekendFactor", m.weekend_factor),
    ] {
        if x > limits::FACTOR {
            out(
                &format!("{root}.{name}"),
                format!("{x} is more than {}", limits::FACTOR),
            );
        }
    }
}

/// The body of `POST /v1/simulations` (`sim::SweepParams`), for the OpenAPI document: the
/// caps are [`limits`].
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct SweepRequest {
    /// Headcounts, strictly increasing, each in 1..=500; at most 50 of them.
    #[schema(min_items = 1, max_items = 50)]
    staff: Vec<u32>,
    /// Replications per headcount.
    #[schema(minimum = 1, maximum = 100)]
    reps: u32,
    seed: u64,
    /// `SimConfig`: `days` (1..=365), `start`, `noise`, `faults` (`rateFactor` at most 10),
    /// `cost`.
    #[schema(value_type = Option<Object>)]
    sim: Option<serde_json::Value>,
    /// `{level, onSiteWithin, faultShare, inspectionShare}`.
    #[schema(value_type = Option<Object>)]
    target: Option<serde_json::Value>,
    /// `planner` (default) or `baseline`.
    policy: Option<String>,
    /// Work units of each simulated day plan (default 200000).
    #[schema(minimum = 0, maximum = 20_000_000)]
    plan_work: Option<u64>,
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
    responses((status = 200, body = SimulationView), (status = 404, body = super::error::ProblemDoc)))]
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
    responses((status = 200, body = SimulationView), (status = 403, body = super::error::ProblemDoc),
        (status = 404, body = super::error::ProblemDoc),
        (status = 409, description = "Already finished", body = super::error::ProblemDoc)))]
pub async fn cancel(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<SimulationView>> {
    caller.require(super::auth::may::SIMULATE)?;
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
        (status = 404, body = super::error::ProblemDoc),
        (status = 409, description = "No result yet", body = super::error::ProblemDoc)))]
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
    request_body(content = SweepRequest, description = "SweepParams. Caps: at most 50 headcounts of at most 500 engineers, reps <= 100, sim.days <= 365, planWork <= 20000000, sim.faults.rateFactor <= 10, sum of staff x sim.days x reps <= 10000000 engineer-days"),
    responses((status = 202, body = super::jobs::JobView),
        (status = 403, body = super::error::ProblemDoc),
        (status = 422, body = super::error::ProblemDoc),
        (status = 503, body = super::error::ProblemDoc)))]
pub async fn simulate(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody,
) -> ApiResult<axum::response::Response> {
    caller.require(super::auth::may::SIMULATE)?;
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
    let issues = over_limits(&params);
    if !issues.is_empty() {
        return Err(ApiError::Invalid(issues));
    }
    let world = state.world();
    let mut cfg = SweepConfig::new(
        Arc::new(world.scenario().clone()),
        Arc::new(world.config().clone()),
        params,
    )
    .map_err(|e| ApiError::Invalid(vec![FieldIssue::new(e.field, "invalid", e.message)]))?
    .with_travel(world.context().model())
    .map_err(ApiError::internal)?;
    cfg.plan = world.context().settings().clone();
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
            Err(e) => (
                JobStatus::Failed,
                None,
                Some(e.for_client(&format!("simulation {job}"))),
            ),
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
