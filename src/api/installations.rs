//! `POST /v1/installations` (a project: new devices at a site and their installation phases),
//! `GET /v1/installations`, `GET /v1/installations/{id}` (each step's status). The rules live
//! in [`crate::domain::installation`]; an engineer's `done` on a step's task (the progress
//! endpoint) completes it (`progress.rs`).

use super::auth::Caller;
use super::body::{Fields, JsonBody};
use super::error::{ApiError, ApiResult};
use super::{AppState, blocking};
use crate::domain::device::Device;
use crate::domain::family::DeviceFamily;
use crate::domain::ids::{EngineerId, SiteId, TaskId};
use crate::domain::installation::{
    InstallationConfig, InstallationDraft, InstallationRecord, NewDevice, StepStatus, TrialRun,
};
use crate::domain::instant::Instant;
use crate::domain::task::InstallationPhase;
use crate::store::StoreError;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// Most new devices in one project.
pub const MAX_DEVICES: usize = 50;

/// One new device of `POST /v1/installations`.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
pub struct NewDeviceRequest {
    /// `dr` or `biochemistryAnalyser`.
    #[schema(example = "dr")]
    pub family: String,
    #[schema(example = "GX-DR 560")]
    pub model: String,
    /// Recorded at the unboxing check when not known yet.
    pub serial: Option<String>,
}

/// Body of `POST /v1/installations`.
// Documents the body; the handler reads it field by field (`Fields`) to report every problem.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstallationRequest {
    #[schema(example = "S-0001")]
    pub site_id: String,
    /// 1 to 50 new devices.
    pub devices: Vec<NewDeviceRequest>,
    /// No step is planned before this day (today or later).
    #[schema(format = Date, example = "2026-12-08")]
    pub start: String,
}

/// A device of a project, with its dates and trial run.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstallationDeviceView {
    pub id: String,
    #[schema(value_type = String)]
    pub family: DeviceFamily,
    pub model: String,
    pub serial: String,
    #[schema(value_type = String, format = Date)]
    pub installed: NaiveDate,
    /// The acceptance date; `null` until the acceptance test is done.
    #[schema(value_type = Option<String>, format = Date)]
    pub accepted: Option<NaiveDate>,
    /// From acceptance: `{accepted, ends, report: {first, last}}` (the report due on `last`).
    #[schema(value_type = Option<Object>)]
    pub trial_run: Option<TrialRun>,
}

/// One step (a phase, or a day part of one, of one device) and where it stands.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    /// The task id progress reports name.
    pub task_id: String,
    pub device_id: String,
    #[schema(value_type = String, example = "hardwareInstallation")]
    pub phase: InstallationPhase,
    pub part: u32,
    pub parts: u32,
    pub duration_minutes: u32,
    /// The step that must be done first.
    pub after: Option<String>,
    /// `waiting` (its predecessor is not done), `ready` (plannable from `readyFrom`), `done`.
    #[schema(value_type = String, example = "ready")]
    pub status: StepStatus,
    #[schema(value_type = Option<String>, format = Date)]
    pub ready_from: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub done_at: Option<Instant>,
    #[schema(value_type = Option<String>)]
    pub done_by: Option<EngineerId>,
}

/// An installation project.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstallationView {
    pub id: String,
    pub site_id: String,
    #[schema(value_type = String, format = Date)]
    pub start: NaiveDate,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Instant,
    /// `open` until every step is done, then `done`.
    pub status: String,
    pub devices: Vec<InstallationDeviceView>,
    pub steps: Vec<StepView>,
}

/// Installation projects.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InstallationList {
    pub items: Vec<InstallationView>,
}

fn view(r: &InstallationRecord, devices: &[&Device], cfg: &InstallationConfig) -> InstallationView {
    let steps: Vec<StepView> = r
        .project
        .steps
        .iter()
        .map(|s| {
            let done = r.done.iter().find(|d| d.task == s.task);
            StepView {
                task_id: s.task.to_string(),
                device_id: s.device.to_string(),
                phase: s.phase,
                part: s.part,
                parts: s.parts,
                duration_minutes: s.duration.get(),
                after: s.after.as_ref().map(TaskId::to_string),
                status: r.status(s, cfg),
                ready_from: done.is_none().then(|| r.ready_from(s, cfg)).flatten(),
                done_at: done.map(|d| d.at),
                done_by: done.map(|d| d.engineer.clone()),
            }
        })
        .collect();
    let all_done = steps.iter().all(|s| s.status == StepStatus::Done);
    InstallationView {
        id: r.id().to_owned(),
        site_id: r.project.site.to_string(),
        start: r.project.start,
        created_at: r.project.created_at,
        status: if all_done { "done" } else { "open" }.to_owned(),
        devices: devices
            .iter()
            .map(|d| InstallationDeviceView {
                id: d.id().to_string(),
                family: d.family(),
                model: d.model().to_owned(),
                serial: d.serial().to_owned(),
                installed: d.installed(),
                accepted: d.accepted(),
                trial_run: d.accepted().map(|a| cfg.trial_run(a)),
            })
            .collect(),
        steps,
    }
}

/// The view of a project from the world the planner sees.
fn view_in(state: &AppState, r: &InstallationRecord) -> InstallationView {
    let world = state.world();
    let devices: Vec<&Device> = r
        .project
        .devices
        .iter()
        .filter_map(|d| world.scenario().device(d))
        .collect();
    view(r, &devices, &world.config().installation)
}

/// Reads and checks the body: every problem at once.
fn read_draft(state: &AppState, body: &Value) -> ApiResult<InstallationDraft> {
    let world = state.world();
    let now = state.now();
    let mut f = Fields::new(body);
    let site: Option<SiteId> = f.required("siteId");
    let devices: Option<Vec<NewDevice>> = f.required("devices");
    let start = f.coming_date("start", now.date(), state.settings().max_days_ahead);
    if let Some(s) = &site
        && world.scenario().site(s).is_none()
    {
        f.issue("siteId", "not_found", format!("no site {s}"));
    }
    if let Some(ds) = &devices {
        if ds.is_empty() || ds.len() > MAX_DEVICES {
            f.issue(
                "devices",
                "out_of_range",
                format!("{} devices; a project has 1 to {MAX_DEVICES}", ds.len()),
            );
        }
        for (i, d) in ds.iter().enumerate() {
            if d.model.trim().is_empty() {
                f.issue(
                    &format!("devices[{i}].model"),
                    "invalid",
                    "the model must not be empty",
                );
            }
        }
    }
    f.finish()?;
    Ok(InstallationDraft {
        site: site.expect("checked"),
        start: start.expect("checked"),
        devices: devices.expect("checked"),
        created_at: now,
        config: world.config().installation.clone(),
    })
}

/// Create an installation project.
#[utoipa::path(post, path = "/v1/installations", request_body = InstallationRequest,
    tag = "installations", security(("bearer" = [])),
    responses(
        (status = 201, description = "Created: the project, its new devices (installed, not accepted) and its steps", body = InstallationView),
        (status = 422, description = "Invalid fields: an unknown site, no devices, an unknown family, a start that has passed", body = super::error::ProblemDoc),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    caller.require(super::auth::may::INSTALL)?;
    let draft = read_draft(&state, &body)?;
    let store = state.store();
    let made = blocking(move || {
        store.create_installation(&draft).map_err(|e| match e {
            StoreError::Rejected(m) => ApiError::Invalid(vec![super::error::FieldIssue::new(
                "siteId",
                "not_found",
                m,
            )]),
            e => e.into(),
        })
    })
    .await?;
    let (record, devices) = (made.record.clone(), made.devices.clone());
    state.change_world(move |s| s.put_installation(record, devices))?;
    let out = view(
        &made.record,
        &made.devices.iter().collect::<Vec<_>>(),
        &state.world().config().installation,
    );
    let mut res = (StatusCode::CREATED, Json(&out)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/v1/installations/{}", out.id)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Installation projects, oldest first.
#[utoipa::path(get, path = "/v1/installations", tag = "installations",
    security(("bearer" = [])),
    responses((status = 200, description = "Every project with its steps", body = InstallationList)))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<InstallationList>> {
    let world = state.world();
    let items = world
        .scenario()
        .installations()
        .iter()
        .map(|r| view_in(&state, r))
        .collect();
    Ok(Json(InstallationList { items }))
}

/// One installation project with each step's status.
#[utoipa::path(get, path = "/v1/installations/{id}", tag = "installations",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = InstallationView),
        (status = 404, body = super::error::ProblemDoc)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<InstallationView>> {
    let world = state.world();
    let r = world
        .scenario()
        .installation(&id)
        .ok_or_else(|| ApiError::NotFound(format!("no installation {id}")))?;
    Ok(Json(view_in(&state, r)))
}
