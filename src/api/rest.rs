//! Rest carried over midnight. A call-out of one evening or night whose rest reaches into
//! the next day ([`crate::plan::oncall::carried`]) delays the engineer's shift that day.
//! The next day's plan carries it (`carriedCallOuts`) and is planned around it:
//! - a new plan of a day reads the day before's latest version ([`carried_into`]);
//! - a version of a day published with such a call-out the next day's published plan does
//!   not carry yet re-plans that next day ([`after_publish`]): every visit stays pinned with
//!   its engineer, as a dispatcher's move keeps the others'; the rested engineer's day starts
//!   later, and what no longer fits in it is left out (`unassigned`, for the dispatcher to
//!   move), never someone else's visit; the day is published again as "rest after call-out".

use super::error::ApiResult;
use super::moves::keep_visits;
use super::planning::SolveSettings;
use super::{AppState, blocking};
use crate::plan::{CallOutTrip, Plan, oncall};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// The reason of a version published again for the rest.
pub const REASON: &str = "rest after call-out";

/// Re-plans of the next day published meanwhile by others before this one gives up.
const STALE_RETRIES: usize = 5;

/// The call-outs of the day before `date` (its latest published version) whose rest reaches
/// into `date`.
pub(super) async fn carried_into(state: &AppState, date: NaiveDate) -> ApiResult<Vec<CallOutTrip>> {
    let Some(before) = date.pred_opt() else {
        return Ok(Vec::new());
    };
    Ok(match state.current_plan(before).await? {
        Some(previous) => oncall::carried(state.world().context(), &previous, date),
        None => Vec::new(),
    })
}

/// After `plan` is published: re-plans the next day, off the publisher's path, when its
/// published plan does not carry the call-outs `plan` hands over.
pub(super) fn after_publish(state: &AppState, plan: &Plan) {
    let Some(next) = plan.date.succ_opt() else {
        return;
    };
    let carried = oncall::carried(state.world().context(), plan, next);
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = republish(&state, next, carried).await {
            tracing::warn!("re-planning {next} for the rest after a call-out: {e:?}");
        }
    });
}

/// Re-plans and publishes `date` with `carried`, unless its latest version carries them
/// already (or there is none).
async fn republish(state: &AppState, date: NaiveDate, carried: Vec<CallOutTrip>) -> ApiResult<()> {
    for _ in 0..STALE_RETRIES {
        let (base, current) = state.current_plan_version(date).await?;
        let Some(current) = current else {
            return Ok(());
        };
        if current.carried_call_outs == carried {
            return Ok(());
        }
        let plan = replan(state, date, &current, carried.clone()).await?;
        match state.publish_on(date, base, REASON.to_owned(), &plan).await {
            Ok(_) => return Ok(()),
            Err(crate::store::StoreError::Stale { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// The day planned again with `carried`: each shift visit stays pinned with its engineer,
/// as do the roster's assignments.
async fn replan(
    state: &AppState,
    date: NaiveDate,
    current: &Plan,
    carried: Vec<CallOutTrip>,
) -> ApiResult<Plan> {
    let mut seen = BTreeSet::new();
    let mut pins = keep_visits(current, |r| !r.is_call_out(), date, &mut seen);
    for pin in state.roster_pins(date).await? {
        if seen.insert(pin.task.clone()) {
            pins.push(pin);
        }
    }
    let settings = SolveSettings {
        date,
        time_limit: Duration::from_millis(state.settings().replan_time_limit_ms),
        seed: 1,
        cancel: Arc::new(AtomicBool::new(false)),
        pins,
        max_work: None,
        now: Some(state.now()),
        carried_call_outs: carried,
    };
    let world = state.world();
    let planner = state.planner();
    let progress = state.progress_of(date).await?;
    let permit = state.0.solves.clone().acquire_owned().await;
    let plan = blocking(move || {
        planner
            .plan_day(&world, &progress, &settings)
            .map_err(super::faults::planning_error)
    })
    .await?;
    drop(permit);
    Ok(plan)
}
