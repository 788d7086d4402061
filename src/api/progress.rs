//! `POST /v1/engineers/{id}/events`: progress reports from the field (`arrived`, `started`,
//! `done` at a task, or a bare `position`), appended durably; `GET` lists an engineer's
//! reports. They are stored as the planner's own type ([`ProgressEvent`]), so re-planning
//! reads them back as they were written.
//!
//! A visit report also counts beyond the day: `done` of an inspection or callback is a
//! completion (the cadence engine's history), and `arrived` and `done` at a fault's repair
//! are its `onSite` and `resolved`; `done` of an installation step completes the step
//! (`domain::installation`: its predecessor done first; an acceptance test done accepts the
//! device and starts its trial run and inspection cadence).

use super::auth::{Caller, may};
use super::body::{Fields, JsonBody};
use super::error::{ApiError, ApiResult};
use super::{AppState, blocking};
use crate::domain::fault::{FaultEvent, FaultEventKind};
use crate::domain::geo::LatLon;
use crate::domain::history::{CompletedKind, Completion};
use crate::domain::ids::{EngineerId, TaskId};
use crate::domain::installation::StepDone;
use crate::domain::instant::Instant;
use crate::domain::task::TaskKind;
use crate::plan::{ProgressEvent, TaskRef};
use crate::store::StoreError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

/// What an engineer reports.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ProgressKind {
    Arrived,
    Started,
    Done,
    /// Where the engineer is (no task).
    Position,
}

impl ProgressKind {
    fn as_str(self) -> &'static str {
        match self {
            ProgressKind::Arrived => "arrived",
            ProgressKind::Started => "started",
            ProgressKind::Done => "done",
            ProgressKind::Position => "position",
        }
    }
}

/// A position in WGS-84 degrees.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
}

/// Body of `POST /v1/engineers/{id}/events`.
// Documents the body; handlers read it field by field (`Fields`) to report every problem.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgressRequest {
    pub kind: ProgressKind,
    /// RFC 3339 with offset.
    #[schema(format = DateTime)]
    pub at: String,
    /// Required for `position`, refused otherwise (a visit report is at the task's site).
    pub position: Option<Position>,
    /// The task the report is about: required for `arrived`, `started`, `done`.
    pub task_id: Option<String>,
}

/// Report progress.
#[utoipa::path(post, path = "/v1/engineers/{id}/events", request_body = ProgressRequest,
    tag = "engineers", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 201, description = "Recorded: {seq, event, engineer, at, task?, position?}; a `done` of an inspection or callback also records its completion, `arrived` and `done` at a fault's repair record `onSite` and `resolved`"),
        (status = 404, body = super::error::ProblemDoc),
        (status = 422, description = "A bad field, a task not on the engineer's route, a task done already, an installation step before its predecessor", body = super::error::ProblemDoc)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    caller.require_for(may::PROGRESS, &id)?;
    let engineer = EngineerId::new(id.clone())
        .ok()
        .filter(|e| state.world().scenario().engineer(e).is_some())
        .ok_or_else(|| ApiError::NotFound(format!("no engineer {id}")))?;
    let (event, stop) = read_report(&state, &engineer, &body).await?;
    let effect = match &stop {
        Some(task) => effect_of(&state, &event, task)?,
        None => Effect::None,
    };
    // The effect's own rules first (a task done once, a fault's handling), so a refused
    // report stores nothing.
    apply_effect(&state, &effect).await?;
    let kind = event.kind();
    let reported = event.clone();
    let mut report = serde_json::to_value(&event).map_err(ApiError::internal)?;
    let store = state.store();
    let r = report.clone();
    let seq = blocking(move || {
        store
            .append_event(engineer.as_str(), kind, event.at(), &r)
            .map_err(|e| match e {
                StoreError::Rejected(m) => ApiError::NotFound(m),
                e => e.into(),
            })
    })
    .await?;
    report["seq"] = json!(seq);
    if let Some(task) = &stop {
        super::parts::on_visit_report(&state, &reported, task).await;
    }
    Ok((StatusCode::CREATED, Json(report)))
}

/// Reads and checks a progress report: the event, and for a visit report the planned task
/// it is about (a stop of this engineer in the day's latest plan).
async fn read_report(
    state: &AppState,
    engineer: &EngineerId,
    body: &Value,
) -> ApiResult<(ProgressEvent, Option<TaskRef>)> {
    let mut f = Fields::new(body);
    let kind: Option<ProgressKind> = f.required("kind");
    let max_age = chrono::TimeDelta::days(i64::from(state.settings().max_report_age_days));
    let at: Option<Instant> = f.past_instant("at", state.now(), max_age);
    let position: Option<LatLon> = f.optional("position");
    let task: Option<TaskId> = f.optional("taskId");
    match kind {
        Some(ProgressKind::Position) if position.is_none() => {
            f.issue(
                "position",
                "required",
                "'position' is required for kind 'position'",
            );
        }
        Some(k) if k != ProgressKind::Position => {
            if task.is_none() {
                f.issue(
                    "taskId",
                    "required",
                    format!("'taskId' is required for kind '{}'", k.as_str()),
                );
            }
            if position.is_some() {
                f.issue(
                    "position",
                    "invalid",
                    format!(
                        "'position' belongs to kind 'position' only; '{}' is at the task's site",
                        k.as_str()
                    ),
                );
            }
        }
        _ => {}
    }
    let mut stop = None;
    if let (Some(t), Some(at), Some(k)) = (&task, at, kind) {
        if k != ProgressKind::Position {
            stop = planned_stop(state, engineer, t, at.date(), &mut f).await?;
        }
    }
    f.finish()?;
    let (kind, at, engineer) = (
        kind.expect("checked"),
        at.expect("checked"),
        engineer.clone(),
    );
    let task = || task.clone().expect("checked");
    let event = match kind {
        ProgressKind::Arrived => ProgressEvent::Arrived {
            engineer,
            task: task(),
            at,
        },
        ProgressKind::Started => ProgressEvent::Started {
            engineer,
            task: task(),
            at,
        },
        ProgressKind::Done => ProgressEvent::Done {
            engineer,
            task: task(),
            at,
        },
        ProgressKind::Position => ProgressEvent::Position {
            engineer,
            at,
            position: position.expect("checked"),
        },
    };
    Ok((event, stop))
}

/// The task of `engineer`'s stop for `task` in the latest plan of `date`; an issue on
/// `taskId` when there is none. `None` without an issue for a companion of a two-person visit:
/// her report moves her own stop, and only the lead's report completes the task.
async fn planned_stop(
    state: &AppState,
    engineer: &EngineerId,
    task: &TaskId,
    date: chrono::NaiveDate,
    f: &mut Fields<'_>,
) -> ApiResult<Option<TaskRef>> {
    let Some(plan) = state.current_plan(date).await? else {
        f.issue(
            "taskId",
            "not_found",
            format!("no plan is published for {date}"),
        );
        return Ok(None);
    };
    match plan.find_stop_of(task, engineer) {
        Some((_, stop)) if stop.member == 0 => Ok(Some(stop.task.clone())),
        Some(_) => Ok(None),
        None => {
            f.issue(
                "taskId",
                "not_found",
                format!("{task} is not on the route of {engineer} in the plan of {date}"),
            );
            Ok(None)
        }
    }
}

/// What a visit report changes beyond itself.
enum Effect {
    None,
    /// Cadence work done: a completion for the history.
    Completed(Completion),
    /// A step of a fault's handling.
    Fault(String, FaultEvent),
    /// An installation step done: the project's id and the report.
    Installation(String, StepDone),
}

/// The effect of `event` about the planned `task`: `done` of an inspection or callback
/// completes it; `arrived` at a repair is the fault's `onSite` (once), `done` its
/// `resolved`, confirmed by the engineer.
fn effect_of(state: &AppState, event: &ProgressEvent, task: &TaskRef) -> ApiResult<Effect> {
    let (engineer, at) = (event.engineer().clone(), event.at());
    let completed = match task.kind {
        TaskKind::Inspection => Some(CompletedKind::Inspection),
        TaskKind::OnSiteCallback => Some(CompletedKind::OnSiteCallback),
        TaskKind::PhoneCallback => Some(CompletedKind::PhoneCallback),
        _ => None,
    };
    if let (ProgressEvent::Done { .. }, TaskKind::Installation) = (event, task.kind) {
        let world = state.world();
        let Some(project) = world.scenario().installation_of(&task.task) else {
            return Ok(Effect::None);
        };
        let done = StepDone {
            task: task.task.clone(),
            at,
            engineer,
        };
        return Ok(Effect::Installation(project.id().to_owned(), done));
    }
    if let (ProgressEvent::Done { .. }, Some(kind)) = (event, completed) {
        let c = Completion::new(
            Some(task.task.clone()),
            kind,
            task.device.clone(),
            task.site.clone(),
            engineer,
            at,
        )
        .map_err(|e| ApiError::internal(e.message))?;
        return Ok(Effect::Completed(c));
    }
    let Some(fault) = task.fault.as_ref().map(|f| f.fault.as_str().to_owned()) else {
        return Ok(Effect::None);
    };
    let world = state.world();
    let record = world
        .scenario()
        .faults()
        .iter()
        .find(|r| r.fault().id.as_str() == fault);
    let on_site =
        record.is_some_and(|r| r.events().iter().any(|e| e.kind == FaultEventKind::OnSite));
    Ok(match event {
        ProgressEvent::Arrived { .. } if !on_site => {
            Effect::Fault(fault, FaultEvent::new(FaultEventKind::OnSite, at))
        }
        ProgressEvent::Done { .. } => {
            let mut e = FaultEvent::new(FaultEventKind::Resolved, at);
            e.confirmed_by = Some(engineer.to_string());
            Effect::Fault(fault, e)
        }
        _ => Effect::None,
    })
}

/// Records the effect: the store first, then the world the planner sees.
async fn apply_effect(state: &AppState, effect: &Effect) -> ApiResult<()> {
    match effect {
        Effect::None => Ok(()),
        Effect::Completed(c) => {
            let store = state.store();
            let done = c.clone();
            blocking(move || Ok(store.append_completion(&done, "progress")?)).await?;
            let done = c.clone();
            state.change_world(move |s| s.add_completion(&done))?;
            Ok(())
        }
        Effect::Fault(id, event) => {
            super::fault_handling::record_event(state, id, event.clone()).await?;
            Ok(())
        }
        Effect::Installation(id, done) => {
            let store = state.store();
            let (id, done) = (id.clone(), done.clone());
            let made = blocking(move || Ok(store.complete_installation_step(&id, &done)?)).await?;
            state.change_world(move |s| s.put_installation(made.record, made.devices))?;
            Ok(())
        }
    }
}

/// An engineer's progress reports, oldest first.
#[utoipa::path(get, path = "/v1/engineers/{id}/events", tag = "engineers",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, description = "{items: [...]}")))]
pub async fn list(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let store = state.store();
    let events = blocking(move || Ok(store.events(Some(&id))?)).await?;
    let items: Vec<Value> = events
        .into_iter()
        .map(|e| {
            let mut v = e.json;
            v["seq"] = json!(e.seq);
            v
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}
