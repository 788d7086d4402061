//! `POST /v1/engineers/{id}/events`: progress reports from the field (`arrived`, `started`,
//! `done` at a task, or a bare `position`), appended durably; `GET` lists an engineer's
//! reports. They are stored in the planner's shape (`{event, engineer, task, at, position}`)
//! so re-planning reads them back as they are.

use super::auth::{Caller, may};
use super::body::{Fields, JsonBody};
use super::error::{ApiError, ApiResult};
use super::{AppState, blocking};
use crate::domain::geo::LatLon;
use crate::domain::ids::{EngineerId, TaskId};
use crate::domain::instant::Instant;
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
    /// Required for `position`, optional otherwise.
    pub position: Option<Position>,
    /// The task the report is about: required for `arrived`, `started`, `done`.
    pub task_id: Option<String>,
}

/// Report progress.
#[utoipa::path(post, path = "/v1/engineers/{id}/events", request_body = ProgressRequest,
    tag = "engineers", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 201, description = "Recorded: {seq, engineerId, kind, at, position, taskId}"),
        (status = 404, body = super::error::Problem),
        (status = 422, body = super::error::Problem)))]
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
    let mut f = Fields::new(&body);
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
        Some(k) if k != ProgressKind::Position && task.is_none() => {
            f.issue(
                "taskId",
                "required",
                format!("'taskId' is required for kind '{}'", k.as_str()),
            );
        }
        _ => {}
    }
    // A visit report must be about a stop of this engineer in the day's latest plan.
    if let (Some(t), Some(at), Some(k)) = (&task, at, kind) {
        if k != ProgressKind::Position {
            let date = at.date();
            let on_route = state.latest_plan_json(date).await?.map(|plan| {
                plan["routes"].as_array().is_some_and(|routes| {
                    routes.iter().any(|r| {
                        r["engineer"] == engineer.as_str()
                            && r["stops"]
                                .as_array()
                                .is_some_and(|stops| stops.iter().any(|s| s["task"] == t.as_str()))
                    })
                })
            });
            match on_route {
                None => f.issue(
                    "taskId",
                    "not_found",
                    format!("no plan is published for {date}"),
                ),
                Some(false) => f.issue(
                    "taskId",
                    "not_found",
                    format!("{t} is not on the route of {engineer} in the plan of {date}"),
                ),
                Some(true) => {}
            }
        }
    }
    f.finish()?;
    let (kind, at) = (kind.expect("checked"), at.expect("checked"));
    let mut report = json!({"event": kind, "engineer": engineer, "at": at});
    if let Some(t) = &task {
        report["task"] = json!(t);
    }
    if let Some(p) = position {
        report["position"] = json!(p);
    }
    let store = state.store();
    let r = report.clone();
    let seq = blocking(move || {
        store
            .append_event(engineer.as_str(), kind.as_str(), at, &r)
            .map_err(|e| match e {
                StoreError::Rejected(m) => ApiError::NotFound(m),
                e => e.into(),
            })
    })
    .await?;
    report["seq"] = json!(seq);
    Ok((StatusCode::CREATED, Json(report)))
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
