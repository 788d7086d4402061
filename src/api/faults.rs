//! `POST /v1/faults` (record durably, re-plan the fault's day, publish, answer the assigned
//! engineer, ETA, SLA deadlines and diff), `GET /v1/faults/{id}`,
//! `GET /v1/faults/{id}/recommendations`.

use super::auth::Caller;
use super::body::{Fields, JsonBody};
use super::error::{ApiError, ApiResult};
use super::planning::{PlanningWorld, SolveSettings};
use super::{AppState, blocking};
use crate::domain::fault::{FaultLevel, FaultRecord};
use crate::domain::ids::{DeviceId, EngineerId, SiteId};
use crate::domain::instant::Instant;
use crate::domain::sla::Milestone;
use crate::store::{FaultDraft, Role};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::TimeDelta;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use utoipa::ToSchema;

/// Body of `POST /v1/faults`.
// Documents the body; handlers read it field by field (`Fields`) to report every problem.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FaultRequest {
    #[schema(example = "S-0001")]
    pub site_id: String,
    #[schema(example = "D-0001")]
    pub device_id: String,
    /// 1 (system down) to 4 (intermittent).
    #[schema(minimum = 1, maximum = 4)]
    pub level: u8,
    /// RFC 3339 with offset.
    #[schema(format = DateTime, example = "2026-11-30T09:15:00+08:00")]
    pub reported_at: String,
    pub description: Option<String>,
}

/// One SLA deadline of a fault.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadlineView {
    #[schema(value_type = String, example = "onSite")]
    pub milestone: Milestone,
    #[schema(value_type = String, format = DateTime)]
    pub deadline: Instant,
}

/// The published plan version a change produced.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanRef {
    #[schema(value_type = String, format = Date)]
    pub date: chrono::NaiveDate,
    pub version: u32,
    pub etag: String,
    pub location: String,
}

/// Answer to `POST /v1/faults`.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FaultOutcome {
    pub fault_id: String,
    pub site_id: String,
    pub device_id: String,
    pub level: u8,
    #[schema(value_type = String, format = DateTime)]
    pub reported_at: Instant,
    /// The engineer the re-plan sends, if any can go.
    #[schema(value_type = Option<String>)]
    pub engineer_id: Option<EngineerId>,
    /// When that engineer is expected on site.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub eta: Option<Instant>,
    pub deadlines: Vec<DeadlineView>,
    /// What changed against the previous version (`null` when not planned).
    #[schema(value_type = Option<Object>)]
    pub diff: Value,
    /// The plan version the re-plan published (`null` when not planned).
    pub plan: Option<PlanRef>,
    /// Why the fault was recorded but not planned (it stays open; the next plan of the day
    /// takes it up).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_planned: Option<String>,
}

/// A planner failure as an answer: the request's fault (409) or ours (500).
pub fn planning_error(e: super::planning::PlanningError) -> ApiError {
    match e {
        super::planning::PlanningError::Unplannable(m) => ApiError::Conflict(m),
        super::planning::PlanningError::Internal(m) => ApiError::Internal(m),
    }
}

/// The SLA deadlines of a fault, from the rules.
pub fn deadlines(world: &PlanningWorld, fault: &FaultRecord) -> Vec<DeadlineView> {
    let Some(ctx) = world.scenario().sla_context(fault.fault()) else {
        return vec![];
    };
    world
        .config()
        .sla
        .deadlines_with(fault.fault(), ctx, fault.events())
        .iter()
        .map(|(milestone, deadline)| DeadlineView {
            milestone,
            deadline,
        })
        .collect()
}

/// Report a fault.
#[utoipa::path(post, path = "/v1/faults", request_body = FaultRequest, tag = "faults",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded; re-planned and published unless `notPlanned` says why not", body = FaultOutcome),
        (status = 422, description = "Invalid fields", body = super::error::ProblemDoc),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    caller.require(&[Role::Dispatcher])?;
    let started = std::time::Instant::now();
    let now = state.now();
    let (draft, site) = read_fault(&state, &body, now)?;
    // A place in the queue of re-plans, or 503 at once (held until published or failed).
    let _queued = state.try_replan_slot()?;

    // Durable before anything else: the append returns once SQLite has synced it.
    let store = state.store();
    let record = blocking(move || {
        store.append_fault(&draft).map_err(|e| match e {
            crate::store::StoreError::Rejected(m) => ApiError::Conflict(m),
            e => e.into(),
        })
    })
    .await?;

    // One re-plan at a time: each starts from the latest version and the latest world.
    let _guard = state.publishing().await;
    let rec = record.clone();
    let world = state.change_world(move |s| s.put_fault(rec))?;
    // A device that cannot be used gets a loan unit (before the re-plan, which plans it).
    super::loans::on_fault_created(&state, &record).await;
    // The fault is served from today's plan (tomorrow's just before midnight), whenever it
    // was reported; a remote-first level only once a visit is needed (`remoteFailed` /
    // `needsVisit` re-plan it then).
    let date = serving_date(&world, now);
    let replanned = if world
        .config()
        .sla
        .visit_needed(record.fault(), record.events())
        .is_some()
    {
        replan(&state, &world, &record, date, now).await
    } else {
        Err(ApiError::Conflict(format!(
            "{} is served by phone and remote login first: a visit is planned after \
             remoteFailed or needsVisit",
            record.fault().level
        )))
    };
    state.metrics().replan_latency(started.elapsed());

    let fault = record.fault();
    let mut outcome = FaultOutcome {
        fault_id: fault.id.to_string(),
        site_id: site.to_string(),
        device_id: fault.device.to_string(),
        level: fault.level.number(),
        reported_at: fault.reported,
        engineer_id: None,
        eta: None,
        deadlines: deadlines(&world, &record),
        diff: Value::Null,
        plan: None,
        not_planned: None,
    };
    match replanned {
        Ok((replan, published)) => {
            outcome.engineer_id = replan.engineer;
            outcome.eta = replan.eta;
            outcome.diff = replan.diff;
            outcome.plan = Some(PlanRef {
                date: published.date,
                version: published.version,
                etag: published.etag.clone(),
                location: format!(
                    "/v1/plans/{}/versions/{}",
                    published.date, published.version
                ),
            });
        }
        // Recorded but not planned: the client is told, the fault stays open and the next
        // plan of the day takes it up.
        Err(e) => {
            tracing::warn!("fault {} recorded but not planned: {e}", fault.id);
            outcome.not_planned = Some(match e {
                ApiError::Internal(_) => "the re-plan failed; the next plan of the day takes \
                                          the fault up"
                    .to_owned(),
                e => e.to_string(),
            });
        }
    }
    let mut res = (StatusCode::CREATED, Json(outcome)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/v1/faults/{}", fault.id)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Reads and checks the body of `POST /v1/faults`: the draft to store and the site.
fn read_fault(state: &AppState, body: &Value, now: Instant) -> ApiResult<(FaultDraft, SiteId)> {
    let world = state.world();
    let mut f = Fields::new(body);
    let site: Option<SiteId> = f.required("siteId");
    let device: Option<DeviceId> = f.required("deviceId");
    let level: Option<FaultLevel> = f.required("level");
    let max_age = TimeDelta::days(i64::from(state.settings().max_report_age_days));
    let reported = f.past_instant("reportedAt", now, max_age);
    let description: Option<String> = f.optional("description");
    if let Some(site) = &site {
        if world.scenario().site(site).is_none() {
            f.issue("siteId", "not_found", format!("no site {site}"));
        }
    }
    if let Some(d) = &device {
        match world.scenario().device(d) {
            None => f.issue("deviceId", "not_found", format!("no device {d}")),
            Some(dev) => {
                if let Some(s) = site.as_ref().filter(|&s| s != dev.site()) {
                    f.issue(
                        "deviceId",
                        "invalid",
                        format!("device {d} is at site {}, not {s}", dev.site()),
                    );
                }
            }
        }
    }
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 2000)
    {
        f.issue("description", "out_of_range", "at most 2,000 characters");
    }
    f.finish()?;
    let draft = FaultDraft {
        device: device.expect("checked"),
        level: level.expect("checked"),
        reported: reported.expect("checked"),
        description: description.unwrap_or_default(),
    };
    Ok((draft, site.expect("checked")))
}

/// Re-plans `date` around a recorded fault and publishes the result.
pub(super) async fn replan(
    state: &AppState,
    world: &Arc<PlanningWorld>,
    record: &FaultRecord,
    date: chrono::NaiveDate,
    now: Instant,
) -> ApiResult<(super::planning::FaultReplan, Arc<super::CachedPlan>)> {
    // Made from the latest version and published only on top of it: when another instance
    // published meanwhile, planned again from its version (a bounded number of times).
    for _ in 0..STALE_RETRIES {
        let (base, current) = state.current_plan_version(date).await?;
        let replan = insert_fault(state, world, record, date, now, current).await?;
        let reason = format!("fault {}", record.fault().id);
        match state.publish_on(date, base, reason, &replan.plan).await {
            Ok(published) => return Ok((replan, published)),
            Err(crate::store::StoreError::Stale { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Busy { retry_after_s: 2 })
}

/// The day whose plan serves a fault known at `now`: today, unless nobody could leave for
/// it before midnight (an on-call engineer leaves the configured response time after the
/// call); then tomorrow, whose plan calls her out from midnight.
pub(super) fn serving_date(world: &PlanningWorld, now: Instant) -> chrono::NaiveDate {
    (now + world.config().on_call.response).date()
}

/// Re-plans published meanwhile by other instances before a fault's re-plan gives up (503).
const STALE_RETRIES: usize = 5;

async fn insert_fault(
    state: &AppState,
    world: &Arc<PlanningWorld>,
    record: &FaultRecord,
    date: chrono::NaiveDate,
    now: Instant,
    current: Option<crate::plan::Plan>,
) -> ApiResult<super::planning::FaultReplan> {
    let progress = state.progress_of(date).await?;
    // No solver slot: an urgent re-plan has a bounded repair budget and must not queue
    // behind long optimisations.
    let planner = state.planner();
    let settings = SolveSettings {
        date,
        time_limit: Duration::from_millis(state.settings().replan_time_limit_ms),
        seed: 1,
        cancel: Arc::new(AtomicBool::new(false)),
        pins: state.roster_pins(date).await?,
        max_work: None,
        now: Some(state.now()),
        carried_call_outs: super::rest::carried_into(state, date).await?,
    };
    let (w, rec) = (world.clone(), record.clone());
    blocking(move || {
        planner
            .insert_fault(&w, current.as_ref(), &progress, &rec, now, &settings)
            .map_err(planning_error)
    })
    .await
}

async fn load_fault(state: &AppState, id: String) -> ApiResult<FaultRecord> {
    let store = state.store();
    let what = format!("no fault {id}");
    blocking(move || Ok(store.fault(&id)?))
        .await?
        .ok_or(ApiError::NotFound(what))
}

/// Engineers to send to a fault, best first.
#[utoipa::path(get, path = "/v1/faults/{id}/recommendations", tag = "faults",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "{faultId, recommendations: [...]}"),
        (status = 404, body = super::error::ProblemDoc)))]
pub async fn recommendations(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let record = load_fault(&state, id).await?;
    let now = state.now();
    let world = state.world();
    let date = serving_date(&world, now);
    let current = state.current_plan(date).await?;
    let progress = state.progress_of(date).await?;
    let planner = state.planner();
    let rec = record.clone();
    let list = blocking(move || {
        planner
            .recommend(&world, current.as_ref(), &progress, &rec, now)
            .map_err(planning_error)
    })
    .await?;
    Ok(Json(serde_json::json!({
        "faultId": record.fault().id,
        "recommendations": list,
    })))
}
