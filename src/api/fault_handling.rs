//! Faults through their handling: `GET /v1/faults` (filtered, paged), `GET /v1/faults/{id}`
//! (events and every milestone judged by the SLA table at the clock's now) and
//! `POST /v1/faults/{id}/events` (the handling rules of [`FaultRecord::append`]).
//!
//! The store records each event first; the world the planner sees then takes the changed
//! fault ([`AppState::change_world`]), so a resolved fault leaves the following plans.

use super::auth::Caller;
use super::body::{Fields, JsonBody};
use super::error::{ApiError, ApiResult};
use super::query::QueryFields;
use super::{AppState, blocking};
use crate::domain::DomainConfig;
use crate::domain::fault::{Fault, FaultEvent, FaultEventKind, FaultRecord, FaultStatus};
use crate::domain::ids::{DeviceId, SiteId, TaskId};
use crate::domain::instant::Instant;
use crate::domain::sla::{Milestone, MilestoneStatus, Outcome};
use crate::scenario::Scenario;
use crate::store::{Role, StoreError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use utoipa::ToSchema;

/// How a milestone stands, as a dispatcher reads it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum MilestoneState {
    /// Reached by its deadline.
    Met,
    /// Reached after its deadline.
    Late,
    /// Its deadline passed and it was not reached.
    Missed,
    /// Not reached, deadline ahead.
    Pending,
    /// Resolved remotely before the deadline: no dispatch or visit was needed.
    NotNeeded,
}

impl MilestoneState {
    pub fn of(outcome: &Outcome) -> Self {
        match outcome {
            Outcome::Met { .. } => MilestoneState::Met,
            Outcome::Late { .. } => MilestoneState::Late,
            Outcome::Missed => MilestoneState::Missed,
            Outcome::Pending => MilestoneState::Pending,
            Outcome::NotNeeded => MilestoneState::NotNeeded,
        }
    }
}

/// One milestone of a fault: its deadline and where it stands.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MilestoneView {
    #[schema(value_type = String, example = "onSite")]
    pub milestone: Milestone,
    #[schema(value_type = String, format = DateTime)]
    pub deadline: Instant,
    pub status: MilestoneState,
    /// When it was reached (met or late).
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Instant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes_late: Option<i64>,
}

impl From<&MilestoneStatus> for MilestoneView {
    fn from(s: &MilestoneStatus) -> Self {
        let (at, minutes_late) = match s.outcome {
            Outcome::Met { at } => (Some(at), None),
            Outcome::Late { at, minutes_late } => (Some(at), Some(minutes_late)),
            _ => (None, None),
        };
        Self {
            milestone: s.milestone,
            deadline: s.deadline,
            status: MilestoneState::of(&s.outcome),
            at,
            minutes_late,
        }
    }
}

/// A fault as the API shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FaultView {
    /// `{id, device, level, reported, description}`.
    #[schema(value_type = Object)]
    pub fault: Fault,
    #[schema(value_type = Option<String>)]
    pub site: Option<SiteId>,
    #[schema(value_type = String, example = "open")]
    pub status: FaultStatus,
    /// The repair task the plans carry while the fault is open.
    #[schema(value_type = String)]
    pub repair_task: TaskId,
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<FaultEvent>,
    pub milestones: Vec<MilestoneView>,
    /// Who today's latest plan sends to the repair, and when. `null` while no plan of today
    /// assigns it: the re-plan after the report failed, no plan of today was made yet, or no
    /// engineer could go. An open fault without it needs a dispatcher (`?planned=false`).
    pub planned: Option<PlannedRepair>,
}

/// Where today's latest plan version puts a fault's repair.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlannedRepair {
    #[schema(value_type = String, format = Date)]
    pub date: chrono::NaiveDate,
    pub version: u32,
    #[schema(value_type = String)]
    pub engineer: crate::domain::ids::EngineerId,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub eta: Option<Instant>,
    /// The arrival meets the plan's deadline for it.
    pub deadline_met: bool,
}

/// The fault repairs of today's latest plan version, read once per request.
pub struct TodayRepairs {
    date: chrono::NaiveDate,
    version: u32,
    faults: HashMap<crate::domain::ids::FaultId, crate::plan::FaultStatus>,
}

impl TodayRepairs {
    /// Today's (by the service's clock) latest version; `None` before the first plan.
    pub async fn read(state: &AppState) -> ApiResult<Option<Self>> {
        /// The version's envelope, read for the plan's fault list only.
        #[derive(serde::Deserialize)]
        struct Envelope {
            plan: Faults,
        }
        #[derive(serde::Deserialize)]
        struct Faults {
            faults: Vec<crate::plan::FaultStatus>,
        }
        let Some(latest) = state.latest_plan(state.now().date()).await? else {
            return Ok(None);
        };
        let whole: Envelope = serde_json::from_slice(&latest.body).map_err(ApiError::internal)?;
        Ok(Some(Self {
            date: latest.date,
            version: latest.version,
            faults: whole
                .plan
                .faults
                .into_iter()
                .map(|f| (f.fault.clone(), f))
                .collect(),
        }))
    }

    fn of(&self, fault: &crate::domain::ids::FaultId) -> Option<PlannedRepair> {
        let f = self.faults.get(fault)?;
        Some(PlannedRepair {
            date: self.date,
            version: self.version,
            engineer: f.engineer.clone()?,
            eta: f.eta,
            deadline_met: f.deadline_met,
        })
    }
}

impl FaultView {
    pub fn new(
        scenario: &Scenario,
        cfg: &DomainConfig,
        record: &FaultRecord,
        now: Instant,
        today: Option<&TodayRepairs>,
    ) -> Self {
        let fault = record.fault();
        Self {
            planned: today.and_then(|t| t.of(&fault.id)),
            site: scenario.device(&fault.device).map(|d| d.site().clone()),
            status: record.status(),
            repair_task: crate::domain::task::Task::repair_id(&fault.id),
            events: record.events().to_vec(),
            milestones: scenario
                .milestones(cfg, record, now)
                .iter()
                .map(MilestoneView::from)
                .collect(),
            fault: fault.clone(),
        }
    }
}

/// The filters of `GET /v1/faults`.
struct FaultFilter {
    status: Option<FaultStatus>,
    level: Option<u8>,
    site: Option<SiteId>,
    device: Option<DeviceId>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    /// Whether today's plan assigns the repair (see [`FaultView::planned`]).
    planned: Option<bool>,
}

impl FaultFilter {
    fn read(f: &mut QueryFields<'_>) -> Self {
        let status = f.optional("status", "a fault status (open, resolved, closed)");
        let level: Option<u8> = f.optional("level", "a level 1 to 4");
        if level.is_some_and(|l| !(1..=4).contains(&l)) {
            f.issue("level", "out_of_range", "a level 1 to 4");
        }
        let site = f.optional("site", "a site id");
        let device = f.optional("device", "a device id");
        let (from, to) = (f.date("from"), f.date("to"));
        if let (Some(a), Some(b)) = (from, to) {
            if b < a {
                f.issue("to", "out_of_range", format!("{b} is before from ({a})"));
            }
        }
        let planned = f.optional("planned", "true or false");
        Self {
            status,
            level,
            site,
            device,
            from,
            to,
            planned,
        }
    }

    fn keeps(&self, scenario: &Scenario, r: &FaultRecord, today: Option<&TodayRepairs>) -> bool {
        let planned = || today.and_then(|t| t.of(&r.fault().id)).is_some();
        let f = r.fault();
        let day = f.reported.date();
        let site = scenario.device(&f.device).map(|d| d.site());
        self.status.is_none_or(|s| r.status() == s)
            && self.level.is_none_or(|l| f.level.number() == l)
            && self.device.as_ref().is_none_or(|d| &f.device == d)
            && self.site.as_ref().is_none_or(|s| site == Some(s))
            && self.from.is_none_or(|d| day >= d)
            && self.to.is_none_or(|d| day <= d)
            && self.planned.is_none_or(|p| p == planned())
    }
}

/// Faults, oldest report first.
#[utoipa::path(get, path = "/v1/faults", tag = "faults", security(("bearer" = [])),
    params(("status" = Option<String>, Query, pattern = "^(open|resolved|closed)$", description = "open, resolved or closed"),
        ("level" = Option<u8>, Query, minimum = 1, maximum = 4),
        ("site" = Option<String>, Query, pattern = "^S-[A-Z0-9-]+$"), ("device" = Option<String>, Query, pattern = "^D-[A-Z0-9-]+$"),
        ("from" = Option<String>, Query, format = Date, description = "reported on or after"),
        ("to" = Option<String>, Query, format = Date, description = "reported on or before"),
        ("planned" = Option<bool>, Query, description = "whether today's plan assigns the repair"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500),
        ("offset" = Option<u64>, Query, minimum = 0)),
    responses((status = 200, description = "{items: [FaultView], total, limit, offset}"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let mut f = QueryFields::new(&q);
    let filter = FaultFilter::read(&mut f);
    let page = f.paging();
    f.finish()?;
    let world = state.world();
    let today = TodayRepairs::read(&state).await?;
    let (scenario, cfg, now) = (world.scenario(), world.config(), state.now());
    let mut found: Vec<&FaultRecord> = scenario
        .faults()
        .iter()
        .filter(|r| filter.keeps(scenario, r, today.as_ref()))
        .collect();
    found.sort_by(|a, b| {
        (a.fault().reported, &a.fault().id).cmp(&(b.fault().reported, &b.fault().id))
    });
    let total = found.len();
    let items: Vec<FaultView> = page
        .apply(found)
        .into_iter()
        .map(|r| FaultView::new(scenario, cfg, r, now, today.as_ref()))
        .collect();
    Ok(Json(json!({
        "items": items,
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    })))
}

/// A fault with its events, its milestones judged at the clock's now, and its deadlines.
#[utoipa::path(get, path = "/v1/faults/{id}", tag = "faults", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "A FaultView with `deadlines`", body = FaultView),
        (status = 404, body = super::error::ProblemDoc)))]
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let world = state.world();
    let record = world
        .scenario()
        .faults()
        .iter()
        .find(|r| r.fault().id.as_str() == id)
        .ok_or_else(|| ApiError::NotFound(format!("no fault {id}")))?;
    let today = TodayRepairs::read(&state).await?;
    let view = FaultView::new(
        world.scenario(),
        world.config(),
        record,
        state.now(),
        today.as_ref(),
    );
    let mut v = serde_json::to_value(view).map_err(ApiError::internal)?;
    v["deadlines"] = serde_json::to_value(super::faults::deadlines(&world, record))
        .map_err(ApiError::internal)?;
    Ok(Json(v))
}

/// Body of `POST /v1/faults/{id}/events`.
// Documents the body; the handler reads it field by field (`Fields`) to report every problem.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FaultEventRequest {
    /// responded, remoteAttempted, remoteFailed, solutionGiven, dispatched, partRequested,
    /// onSite, resolved, escalated or closed.
    #[schema(example = "onSite")]
    pub kind: String,
    /// RFC 3339 with offset; not later than the service's clock.
    #[schema(format = DateTime)]
    pub at: String,
    /// Required for `partRequested`.
    pub part_number: Option<String>,
    /// Required for `resolved`: who confirmed the repair.
    pub confirmed_by: Option<String>,
    /// Required for `escalated`: to whom.
    pub to: Option<String>,
    /// Required for `escalated`: why.
    pub reason: Option<String>,
}

/// Reads the body of `POST /v1/faults/{id}/events`.
fn read_event(state: &AppState, body: &Value) -> ApiResult<FaultEvent> {
    let mut f = Fields::new(body);
    let kind: Option<FaultEventKind> = f.required("kind");
    let max_age = chrono::TimeDelta::days(i64::from(state.settings().max_report_age_days));
    let at = f.past_instant("at", state.now(), max_age);
    let part_number = f.optional("partNumber");
    let confirmed_by = f.optional("confirmedBy");
    let to = f.optional("to");
    let reason = f.optional("reason");
    f.finish()?;
    let mut event = FaultEvent::new(kind.expect("checked"), at.expect("checked"));
    event.part_number = part_number;
    event.confirmed_by = confirmed_by;
    event.to = to;
    event.reason = reason;
    Ok(event)
}

/// Records an event of a fault's handling and answers the fault as it now stands.
pub async fn record_event(state: &AppState, id: &str, event: FaultEvent) -> ApiResult<FaultRecord> {
    let store = state.store();
    let (key, now) = (id.to_owned(), state.now());
    let record = blocking(move || {
        store
            .append_fault_event(&key, &event, now)
            .map_err(|e| match e {
                StoreError::Rejected(m) => ApiError::NotFound(m),
                e => e.into(),
            })
    })
    .await?;
    let rec = record.clone();
    state.change_world(move |s| s.put_fault(rec))?;
    Ok(record)
}

/// A visit just became needed (`remoteFailed`, `needsVisit`): an open fault not yet in
/// today's plan is re-planned into it at once (the 30-minute promise after a remote failure
/// cannot wait for the next plan). A failure is logged; the next plan of the day takes the
/// fault up.
async fn visit_now(state: &AppState, record: &FaultRecord) {
    if record.is_resolved() {
        return;
    }
    let now = state.now();
    let date = super::faults::serving_date(&state.world(), now);
    let task = crate::domain::task::Task::repair_id(&record.fault().id);
    let planned = match state.current_plan(date).await {
        Ok(Some(plan)) => {
            plan.find_stop(&task).is_some() || plan.unassigned.iter().any(|u| u.task.task == task)
        }
        Ok(None) => false,
        Err(e) => {
            tracing::warn!("no plan of {date} to re-plan {}: {e}", record.fault().id);
            return;
        }
    };
    if planned {
        return;
    }
    let Ok(_queued) = state.try_replan_slot() else {
        tracing::warn!(
            "re-plan queue full: {} waits for the next plan",
            record.fault().id
        );
        return;
    };
    let _guard = state.publishing().await;
    let world = state.world();
    if let Err(e) = super::faults::replan(state, &world, record, date, now).await {
        tracing::warn!(
            "fault {} needs a visit but was not re-planned: {e}",
            record.fault().id
        );
    }
}

/// Record a step of a fault's handling.
#[utoipa::path(post, path = "/v1/faults/{id}/events", request_body = FaultEventRequest,
    tag = "faults", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 201, description = "Recorded: the fault as it now stands", body = FaultView),
        (status = 404, body = super::error::ProblemDoc),
        (status = 422, description = "A bad field or a broken handling rule (closing an unresolved fault, an event before the report or later than now)", body = super::error::ProblemDoc)))]
pub async fn create_event(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<FaultView>)> {
    caller.require(&[Role::Dispatcher])?;
    if !state
        .world()
        .scenario()
        .faults()
        .iter()
        .any(|r| r.fault().id.as_str() == id)
    {
        return Err(ApiError::NotFound(format!("no fault {id}")));
    }
    let event = read_event(&state, &body)?;
    let kind = event.kind;
    if let (FaultEventKind::PartRequested, Some(part)) = (kind, &event.part_number) {
        super::parts::check_part_known(&state, part).await?;
    }
    let recorded = event.clone();
    let record = record_event(&state, &id, event).await?;
    super::parts::on_fault_event(&state, &record, &recorded).await;
    if matches!(
        kind,
        FaultEventKind::RemoteFailed | FaultEventKind::NeedsVisit
    ) {
        visit_now(&state, &record).await;
    }
    let world = state.world();
    let today = TodayRepairs::read(&state).await?;
    let view = FaultView::new(
        world.scenario(),
        world.config(),
        &record,
        state.now(),
        today.as_ref(),
    );
    Ok((StatusCode::CREATED, Json(view)))
}
