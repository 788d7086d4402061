//! `POST /v1/plans/{date}/moves {taskId, engineerId, timeLimitMs?}`: the dispatcher moves a
//! visit to another engineer (the board's drag and drop).
//!
//! The move re-plans the day through the planner seam with pins: the moved task goes to the
//! named engineer; every visit of the latest version on the other engineers' routes stays
//! with its engineer (so earlier moves and the rest of the day hold); the named engineer's
//! own visits are free, so the moved one may displace them (to someone else, or left out with
//! its reason in `unassigned`); the published roster's other assignments of the date stay
//! pinned. The solver then re-sequences the routes. The new plan is published only
//! if the task is on that engineer's route; otherwise the answer is 422 with the planner's
//! reason (the code of `plan.unassigned`, e.g. `SKILL_MISSING`) and nothing is published.

use super::auth::Caller;
use super::body::{Fields, JsonBody, check_coming_date};
use super::error::{ApiError, ApiResult, FieldIssue};
use super::faults::planning_error;
use super::planning::{PlanningError, SolveSettings};
use super::plans::{parse_date, plan_response};
use super::{AppState, blocking};
use crate::domain::ids::{EngineerId, TaskId};
use crate::plan::{EngineerRoute, Plan, RosterAssignment};
use crate::store::Role;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use utoipa::ToSchema;

/// Body of `POST /v1/plans/{date}/moves`.
// Documents the body; the handler reads it field by field (`Fields`) to report every problem.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MoveRequest {
    /// The task whose visit moves (a stop of the latest version, or an unassigned task).
    #[schema(example = "T-INSP-D-0239-20261205")]
    pub task_id: String,
    /// The engineer who takes it (on shift that day).
    #[schema(example = "E-02")]
    pub engineer_id: String,
    /// Solver time limit in milliseconds (default: the re-plan limit, 1,000; at most 5,000).
    pub time_limit_ms: Option<u64>,
}

/// What a move asks for, checked against the latest version.
struct Move {
    task: TaskId,
    engineer: EngineerId,
    time_limit_ms: u64,
}

fn invalid(field: &str, code: &str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(vec![FieldIssue::new(field, code, message)])
}

/// Move a visit to another engineer: pin it there, re-plan the day, publish.
#[utoipa::path(post, path = "/v1/plans/{date}/moves", request_body = MoveRequest, tag = "plans",
    security(("bearer" = [])),
    params(("date" = String, Path, format = Date, description = "Local date, YYYY-MM-DD")),
    responses(
        (status = 201, description = "Re-planned with the task on that engineer, published", body = super::plans::PlanVersionDoc),
        (status = 404, description = "No plan for the date", body = super::error::ProblemDoc),
        (status = 409, description = "The task is already that engineer's", body = super::error::ProblemDoc),
        (status = 422, description = "Invalid fields, or a move the rules forbid (the reason in `errors[0].code`)", body = super::error::ProblemDoc),
        (status = 503, description = "All solver slots busy (see Retry-After)", body = super::error::ProblemDoc),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(date): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    caller.require(&[Role::Dispatcher, Role::Planner])?;
    let date = parse_date(&date, "date")?;
    let settings = state.settings().clone();
    let mut f = Fields::new(&body);
    check_coming_date(
        &mut f,
        "date",
        date,
        state.now().date(),
        settings.max_days_ahead,
    );
    let task: Option<TaskId> = f.required("taskId");
    let engineer: Option<EngineerId> = f.required("engineerId");
    let time_limit_ms = f.time_limit_ms(settings.sync_time_limit_ms);
    f.finish()?;
    let (Some(task), Some(engineer)) = (task, engineer) else {
        return Err(ApiError::internal("checked fields missing"));
    };
    let wanted = Move {
        task,
        engineer,
        time_limit_ms: time_limit_ms.unwrap_or(settings.replan_time_limit_ms),
    };

    let permit = state.try_solve_slot()?;
    // One re-plan or publish of a day at a time: the move starts from the latest version.
    let _guard = state.publishing().await;
    let current = state
        .current_plan(date)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no plan published for {date}")))?;
    let pins = pins(&state, &current, &wanted, date).await?;
    let plan = solve(&state, date, &wanted, pins).await?;
    drop(permit);
    refused(&plan, &wanted).map_or(Ok(()), Err)?;
    let reason = format!("move {} to {}", wanted.task, wanted.engineer);
    let published = state.publish(date, reason, &plan).await?;
    Ok(plan_response(StatusCode::CREATED, &published))
}

/// The pins of the re-plan: the moved task on its new engineer, the latest version's visits
/// of the other engineers on theirs, the roster's other assignments. Checks the move first.
async fn pins(
    state: &AppState,
    current: &Plan,
    wanted: &Move,
    date: NaiveDate,
) -> ApiResult<Vec<RosterAssignment>> {
    match current.route(&wanted.engineer) {
        None => {
            return Err(invalid(
                "engineerId",
                "not_found",
                format!("{} is not on shift on {date}", wanted.engineer),
            ));
        }
        Some(r) if !r.role.is_field_engineer() => {
            return Err(invalid(
                "engineerId",
                "invalid",
                format!(
                    "{} is customer-service staff: she goes along on on-site callbacks, \
                     the planner picks her",
                    wanted.engineer
                ),
            ));
        }
        Some(_) => {}
    }
    match current.find_stop(&wanted.task) {
        Some((route, _)) if route.engineer == wanted.engineer => {
            return Err(ApiError::Conflict(format!(
                "{} is already on {}'s route",
                wanted.task, wanted.engineer
            )));
        }
        Some((route, stop)) if stop.frozen || stop.status != crate::plan::StopStatus::Planned => {
            return Err(invalid(
                "taskId",
                "invalid",
                format!(
                    "{} is already under way with {}; it cannot move",
                    wanted.task, route.engineer
                ),
            ));
        }
        Some(_) => {}
        None if current
            .unassigned
            .iter()
            .any(|u| u.task.task == wanted.task) => {}
        None => {
            return Err(invalid(
                "taskId",
                "not_found",
                format!("{} is not in the plan of {date}", wanted.task),
            ));
        }
    }
    let mut seen: BTreeSet<TaskId> = BTreeSet::from([wanted.task.clone()]);
    let mut pins = vec![RosterAssignment {
        task: wanted.task.clone(),
        engineer: wanted.engineer.clone(),
        date,
    }];
    pins.extend(keep_visits(
        current,
        |r| r.engineer != wanted.engineer,
        date,
        &mut seen,
    ));
    for pin in state.roster_pins(date).await? {
        if seen.insert(pin.task.clone()) {
            pins.push(pin);
        }
    }
    Ok(pins)
}

/// Pins that keep each lead visit of `current` with its engineer, on the routes `keep`
/// selects (tasks already in `seen` are skipped; the pinned ones are added to it). A roster
/// pin names a task's lead; companions stay the planner's choice.
pub(super) fn keep_visits(
    current: &Plan,
    keep: impl Fn(&EngineerRoute) -> bool,
    date: NaiveDate,
    seen: &mut BTreeSet<TaskId>,
) -> Vec<RosterAssignment> {
    let mut pins = Vec::new();
    for route in current.routes.iter().filter(|r| keep(r)) {
        for stop in route
            .stops
            .iter()
            .filter(|s| !s.is_pickup() && s.member == 0)
        {
            if seen.insert(stop.task.task.clone()) {
                pins.push(RosterAssignment {
                    task: stop.task.task.clone(),
                    engineer: route.engineer.clone(),
                    date,
                });
            }
        }
    }
    pins
}

/// Plans the day with `pins` on a blocking thread.
async fn solve(
    state: &AppState,
    date: NaiveDate,
    wanted: &Move,
    pins: Vec<RosterAssignment>,
) -> ApiResult<Plan> {
    let world = state.world();
    let planner = state.planner();
    let progress = state.progress_of(date).await?;
    let settings = SolveSettings {
        date,
        time_limit: Duration::from_millis(wanted.time_limit_ms),
        seed: 1,
        cancel: Arc::new(AtomicBool::new(false)),
        pins,
        max_work: None,
        now: Some(state.now()),
        carried_call_outs: super::rest::carried_into(state, date).await?,
    };
    let started = std::time::Instant::now();
    let plan = blocking(move || {
        planner
            .plan_day(&world, &progress, &settings)
            .map_err(|e| match e {
                PlanningError::Unplannable(m) => invalid("engineerId", "infeasible", m),
                e => planning_error(e),
            })
    })
    .await?;
    state.metrics().solve_duration(started.elapsed());
    Ok(plan)
}

/// Why the re-planned day does not have the task on the wanted engineer, if it does not.
fn refused(plan: &Plan, wanted: &Move) -> Option<ApiError> {
    if let Some((route, _)) = plan.find_stop(&wanted.task) {
        if route.engineer == wanted.engineer {
            return None;
        }
        return Some(invalid(
            "engineerId",
            "infeasible",
            format!(
                "the planner kept {} on {}'s route",
                wanted.task, route.engineer
            ),
        ));
    }
    let why = plan.unassigned.iter().find(|u| u.task.task == wanted.task);
    Some(match why {
        Some(u) => {
            let code = serde_json::to_value(u.reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "infeasible".to_owned());
            invalid(
                "engineerId",
                &code,
                format!(
                    "{} cannot go to {}: {}",
                    wanted.task, wanted.engineer, u.detail
                ),
            )
        }
        None => invalid(
            "engineerId",
            "infeasible",
            format!("{} is not in the re-planned day", wanted.task),
        ),
    })
}
