//! Work over time: `GET /v1/tasks` (outstanding and done, from the cadence engine and the
//! completions), `GET /v1/devices` with repeat failures, and `GET /v1/devices/{id}/history`
//! (the seed's repair archive: inspections, callbacks, faults with their events).
//!
//! Outstanding work is what the cadence engine finds due on the world's history (every
//! completion included) and the repairs of open faults; done work is the stored completions.

use super::error::{ApiError, ApiResult};
use super::fault_handling::FaultView;
use super::query::QueryFields;
use super::{AppState, blocking};
use crate::domain::dates::DateRange;
use crate::domain::history::Completion;
use crate::domain::ids::{DeviceId, SiteId, TaskId};
use crate::domain::instant::Instant;
use crate::domain::task::{Task, TaskDetail, TaskKind};
use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::{NaiveDate, TimeDelta};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// Longest span of `from..to` a task list covers.
const MAX_SPAN_DAYS: i64 = 400;
/// Faults within this many days make a device's repeat failures.
const REPEAT_FAILURE_DAYS: i64 = 90;

/// One task, outstanding or done.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TaskView {
    /// The planned task (none for done work imported from another system).
    id: Option<TaskId>,
    kind: TaskKind,
    site: SiteId,
    device: Option<DeviceId>,
    /// `open`, `overdue` (its window closed before today) or `done`.
    status: &'static str,
    due: Option<NaiveDate>,
    window_opens: Option<NaiveDate>,
    window_closes: Option<NaiveDate>,
    /// Done: by whom and when.
    engineer: Option<String>,
    completed_at: Option<Instant>,
}

impl TaskView {
    fn outstanding(task: &Task, today: NaiveDate) -> Self {
        let (device, due) = match &task.detail {
            TaskDetail::Inspection { device, due, .. } => (Some(device.clone()), Some(due)),
            TaskDetail::PhoneCallback { due } | TaskDetail::OnSiteCallback { due } => {
                (None, Some(due))
            }
            TaskDetail::FaultRepair { device, .. } => (Some(device.clone()), None),
            _ => (None, None),
        };
        let overdue = due.is_some_and(|d| d.slot.closes() < today);
        Self {
            id: Some(task.id.clone()),
            kind: task.kind(),
            site: task.site.clone(),
            device,
            status: if overdue { "overdue" } else { "open" },
            due: due.map(|d| d.slot.due),
            window_opens: due.map(|d| d.slot.opens()),
            window_closes: due.map(|d| d.slot.closes()),
            engineer: None,
            completed_at: None,
        }
    }

    fn done(c: &Completion) -> Self {
        Self {
            id: c.task.clone(),
            kind: match c.kind {
                crate::domain::history::CompletedKind::Inspection => TaskKind::Inspection,
                crate::domain::history::CompletedKind::PhoneCallback => TaskKind::PhoneCallback,
                crate::domain::history::CompletedKind::OnSiteCallback => TaskKind::OnSiteCallback,
            },
            site: c.site.clone(),
            device: c.device.clone(),
            status: "done",
            due: None,
            window_opens: None,
            window_closes: None,
            engineer: Some(c.engineer.to_string()),
            completed_at: Some(c.at),
        }
    }
}

/// Tasks: outstanding ones whose window meets `from..to` (overdue ones included), done ones
/// completed in it. `status=open` lists every outstanding task (overdue ones too, flagged),
/// `overdue` only those, `done` the completions.
#[utoipa::path(get, path = "/v1/tasks", tag = "tasks", security(("bearer" = [])),
    params(("status" = Option<String>, Query, pattern = "^(open|overdue|done)$", description = "open, overdue or done (default: all)"),
        ("device" = Option<String>, Query, pattern = "^D-[A-Z0-9-]+$"), ("site" = Option<String>, Query, pattern = "^S-[A-Z0-9-]+$"),
        ("from" = Option<String>, Query, format = Date, description = "default: today"),
        ("to" = Option<String>, Query, format = Date, description = "default: from + 27 days"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500),
        ("offset" = Option<u64>, Query, minimum = 0)),
    responses((status = 200, description = "{items, total, limit, offset}"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let today = state.now().date();
    let mut f = QueryFields::new(&q);
    let status = f.raw("status").cloned();
    if let Some(s) = status
        .as_deref()
        .filter(|s| !["open", "overdue", "done"].contains(s))
    {
        f.issue(
            "status",
            "invalid",
            format!("'{s}' is not open, overdue or done"),
        );
    }
    let device: Option<DeviceId> = f.optional("device", "a device id");
    let site: Option<SiteId> = f.optional("site", "a site id");
    let (from, to) = f.date_range((today, today + TimeDelta::days(27)), MAX_SPAN_DAYS);
    let page = f.paging();
    f.finish()?;
    let range = DateRange::new(from, to).map_err(ApiError::internal)?;
    let world = state.world();
    let mut items: Vec<TaskView> = Vec::new();
    if status.as_deref() != Some("done") {
        let scenario = world.scenario();
        let mut due = scenario.due_tasks(world.config(), range);
        due.extend(
            scenario
                .open_fault_tasks(world.config())
                .into_iter()
                .filter(|t| t.kind() == TaskKind::FaultRepair),
        );
        items.extend(
            due.iter()
                .map(|t| TaskView::outstanding(t, today))
                .filter(|t| status.as_deref() != Some("overdue") || t.status == "overdue"),
        );
    }
    if status.is_none() || status.as_deref() == Some("done") {
        let store = state.store();
        let done = blocking(move || Ok(store.completions()?)).await?;
        items.extend(
            done.iter()
                .filter(|c| range.contains(c.at.date()))
                .map(TaskView::done),
        );
    }
    items.retain(|t| {
        device.as_ref().is_none_or(|d| t.device.as_ref() == Some(d))
            && site.as_ref().is_none_or(|s| &t.site == s)
    });
    let total = items.len();
    Ok(Json(json!({
        "items": page.apply(items),
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    })))
}

/// How many faults each device had in the [`REPEAT_FAILURE_DAYS`] before `now`.
fn recent_faults(state: &AppState, now: Instant) -> BTreeMap<DeviceId, usize> {
    let since = now.plus(-TimeDelta::days(REPEAT_FAILURE_DAYS));
    let mut by = BTreeMap::new();
    for r in state.world().scenario().faults() {
        let f = r.fault();
        if f.reported >= since && f.reported <= now {
            *by.entry(f.device.clone()).or_insert(0) += 1;
        }
    }
    by
}

/// Devices, each with `faultsLast90Days`: its repeat failures.
#[utoipa::path(get, path = "/v1/devices", tag = "master data", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, minimum = 1, maximum = 500),
        ("offset" = Option<u64>, Query, minimum = 0)),
    responses((status = 200, description = "{items, total, limit, offset}; each device with faultsLast90Days"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn list_devices(
    State(state): State<AppState>,
    q: Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let Json(mut page) = super::master::list_devices(State(state.clone()), q).await?;
    let recent = recent_faults(&state, state.now());
    if let Some(items) = page["items"].as_array_mut() {
        for d in items {
            let n = d["id"]
                .as_str()
                .and_then(|id| DeviceId::new(id).ok())
                .and_then(|id| recent.get(&id).copied())
                .unwrap_or(0);
            d["faultsLast90Days"] = json!(n);
        }
    }
    Ok(Json(page))
}

/// A device's history: inspections and callbacks of its site, and its faults with events
/// and milestones, oldest first.
#[utoipa::path(get, path = "/v1/devices/{id}/history", tag = "master data",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, description = "{device, site, inspections, callbacks, faults, faultsLast90Days}"),
        (status = 404, body = super::error::ProblemDoc)))]
pub async fn device_history(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let world = state.world();
    let scenario = world.scenario();
    let device = DeviceId::new(id.clone())
        .ok()
        .and_then(|d| scenario.device(&d))
        .ok_or_else(|| ApiError::NotFound(format!("no device {id}")))?;
    let site = device.site().clone();
    let mut inspections: Vec<_> = scenario
        .inspections()
        .iter()
        .filter(|r| &r.device == device.id())
        .collect();
    inspections.sort_by_key(|r| r.date);
    let mut callbacks: Vec<_> = scenario
        .callbacks()
        .iter()
        .filter(|c| c.site == site)
        .collect();
    callbacks.sort_by_key(|c| c.date);
    let callbacks: Vec<Value> = callbacks
        .into_iter()
        .map(|c| json!({"kind": c.kind, "date": c.date, "engineer": c.engineer}))
        .collect();
    let now = state.now();
    let today = super::fault_handling::TodayRepairs::read(&state).await?;
    let faults: Vec<FaultView> = scenario
        .faults()
        .iter()
        .filter(|r| &r.fault().device == device.id())
        .map(|r| FaultView::new(scenario, world.config(), r, now, today.as_ref()))
        .collect();
    Ok(Json(json!({
        "device": device.id(),
        "site": site,
        "inspections": inspections,
        "callbacks": callbacks,
        "faults": faults,
        "faultsLast90Days": recent_faults(&state, now).get(device.id()).copied().unwrap_or(0),
    })))
}
