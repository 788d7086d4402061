//! `POST /v1/plans` (optimise and publish a day plan), `GET /v1/plans/{date}` (latest, with
//! ETag), `GET /v1/plans/{date}/versions/{n}`, `GET /v1/plans/{date}/engineers/{id}`.

use super::auth::Caller;
use super::body::{Fields, JsonBody};
use super::error::{ApiError, ApiResult, FieldIssue};
use super::jobs::{JobView, run_plan_job};
use super::{AppState, CachedPlan, blocking, envelope};

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::sync::Arc;
use utoipa::ToSchema;

/// Body of `POST /v1/plans`.
// Documents the body; handlers read it field by field (`Fields`) to report every problem.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = PlanRequest)]
pub struct PlanRequestBody {
    /// The local date to plan (`2026-11-30`).
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// Solver time limit in milliseconds (default 2,000; at most the server's ceiling, 120,000
    /// by default).
    #[schema(minimum = 1, maximum = 120_000)]
    pub time_limit_ms: Option<u64>,
    /// Random seed (default 1): same input, seed and budget give the same plan.
    pub seed: Option<u64>,
    /// A fixed work budget (1 to 1,000,000,000 solver steps) instead of the time limit's:
    /// the same plan on any machine and under any load (the time limit still caps it).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pub max_work: Option<u64>,
}

/// A published plan version.
#[derive(ToSchema)]
#[schema(as = PlanVersion)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct PlanVersionDoc {
    #[schema(format = Date)]
    date: String,
    version: u32,
    etag: String,
    reason: String,
    #[schema(format = DateTime)]
    created_at: String,
    /// The plan (the planner's JSON).
    plan: Object,
}

#[derive(ToSchema)]
#[allow(dead_code)]
struct Object(std::collections::BTreeMap<String, Value>);

pub fn parse_date(text: &str, field: &str) -> ApiResult<NaiveDate> {
    text.parse().map_err(|_| {
        ApiError::Invalid(vec![FieldIssue::new(
            field,
            "invalid",
            format!("'{text}' is not a date (YYYY-MM-DD)"),
        )])
    })
}

pub(super) fn plan_response(status: StatusCode, p: &CachedPlan) -> Response {
    let mut res = (status, p.body.clone()).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&p.etag) {
        h.insert(header::ETAG, v);
    }
    if status == StatusCode::CREATED {
        let loc = format!("/v1/plans/{}/versions/{}", p.date, p.version);
        if let Ok(v) = HeaderValue::from_str(&loc) {
            h.insert(header::LOCATION, v);
        }
    }
    res
}

/// Optimise and publish a day plan.
#[utoipa::path(post, path = "/v1/plans", request_body = PlanRequestBody, tag = "plans",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Solved at once and published", body = PlanVersionDoc),
        (status = 202, description = "Solving as a job", body = JobView),
        (status = 422, description = "Invalid fields", body = super::error::ProblemDoc),
        (status = 503, description = "All solver slots busy (see Retry-After)", body = super::error::ProblemDoc),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    caller.require(super::auth::may::PLAN)?;
    let settings = state.settings().clone();
    let mut f = Fields::new(&body);
    let date = f.coming_date("date", state.now().date(), settings.max_days_ahead);
    let time_limit_ms = f.time_limit_ms(settings.max_time_limit_ms);
    let seed: Option<u64> = f.optional("seed");
    let max_work: Option<u64> = f.optional("maxWork");
    if max_work.is_some_and(|w| !(1..=1_000_000_000).contains(&w)) {
        f.issue("maxWork", "out_of_range", "1 to 1,000,000,000 solver steps");
    }
    f.finish()?;
    let date = date.expect("checked");
    let time_limit_ms = time_limit_ms.unwrap_or(settings.default_time_limit_ms);
    let seed = seed.unwrap_or(1);

    let permit = state.try_solve_slot()?;
    // Stock imported from the command line and every open case count in the plan.
    super::parts::refresh(&state).await?;
    let request =
        json!({"date": date, "timeLimitMs": time_limit_ms, "seed": seed, "maxWork": max_work});
    let (job, handle) =
        run_plan_job(&state, permit, date, time_limit_ms, seed, max_work, request).await?;
    if time_limit_ms <= settings.sync_time_limit_ms {
        let outcome = handle.await.map_err(ApiError::internal)??;
        if let Some(plan) = outcome {
            return Ok(plan_response(StatusCode::CREATED, &plan));
        }
    }
    let location = format!("/v1/jobs/{}", job.id);
    let mut res = (StatusCode::ACCEPTED, axum::Json(job)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// The latest version of a day plan.
#[utoipa::path(get, path = "/v1/plans/{date}", tag = "plans", security(("bearer" = [])),
    params(("date" = String, Path, format = Date, description = "Local date, YYYY-MM-DD")),
    responses(
        (status = 200, description = "The latest version (ETag set)", body = PlanVersionDoc),
        (status = 304, description = "If-None-Match matched"),
        (status = 404, description = "No plan for the date", body = super::error::ProblemDoc),
    ))]
pub async fn latest(
    State(state): State<AppState>,
    Path(date): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let date = parse_date(&date, "date")?;
    let plan = state
        .latest_plan(date)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no plan published for {date}")))?;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == plan.etag || t.trim() == "*")
        });
    if matches {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&plan.etag) {
            res.headers_mut().insert(header::ETAG, v);
        }
        return Ok(res);
    }
    Ok(plan_response(StatusCode::OK, &plan))
}

/// One published version of a day plan.
#[utoipa::path(get, path = "/v1/plans/{date}/versions/{version}", tag = "plans",
    security(("bearer" = [])),
    params(("date" = String, Path, format = Date), ("version" = u32, Path, minimum = 1)),
    responses((status = 200, body = PlanVersionDoc), (status = 404, body = super::error::ProblemDoc)))]
pub async fn version(
    State(state): State<AppState>,
    Path((date, version)): Path<(String, String)>,
) -> ApiResult<Response> {
    let date = parse_date(&date, "date")?;
    let n: u32 = version.parse().map_err(|_| {
        ApiError::Invalid(vec![FieldIssue::new(
            "version",
            "invalid",
            format!("'{version}' is not a version number"),
        )])
    })?;
    let store = state.store();
    let v = blocking(move || Ok(store.plan_version(date, n)?))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no version {n} of the plan of {date}")))?;
    let cached = CachedPlan {
        date,
        version: n,
        etag: v.etag.clone(),
        body: envelope(&v).into(),
    };
    Ok(plan_response(StatusCode::OK, &cached))
}

/// Finds an engineer's route in a plan: an entry of `routes` with that `engineer`.
fn route_of<'a>(plan: &'a Value, engineer: &str) -> Option<&'a Value> {
    plan.get("routes")?
        .as_array()?
        .iter()
        .find(|r| r.get("engineer").and_then(Value::as_str) == Some(engineer))
}

/// One engineer's route in the latest version of a day plan.
#[utoipa::path(get, path = "/v1/plans/{date}/engineers/{engineer}", tag = "plans",
    security(("bearer" = [])),
    params(("date" = String, Path, format = Date), ("engineer" = String, Path, pattern = "^E-[A-Z0-9-]+$")),
    responses((status = 200, description = "{date, version, engineerId, route}"),
        (status = 404, body = super::error::ProblemDoc)))]
pub async fn engineer_route(
    State(state): State<AppState>,
    Path((date, engineer)): Path<(String, String)>,
) -> ApiResult<Response> {
    let date = parse_date(&date, "date")?;
    let plan: Arc<CachedPlan> = state
        .latest_plan(date)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no plan published for {date}")))?;
    let whole: Value = serde_json::from_slice(&plan.body).map_err(ApiError::internal)?;
    let route = route_of(&whole["plan"], &engineer).ok_or_else(|| {
        ApiError::NotFound(format!(
            "engineer {engineer} has no route in the plan of {date}"
        ))
    })?;
    Ok(axum::Json(json!({
        "date": date,
        "version": plan.version,
        "engineerId": engineer,
        "route": route,
    }))
    .into_response())
}
