//! An independent checker of plans (in the manner of vrp-pragmatic's `checker/`).
//!
//! [`check`] re-verifies a [`Plan`] from the scenario, the configuration and the travel
//! matrix alone: it never calls the solver, the problem builder or the assembler, so a bug
//! there cannot hide itself here. Rules checked:
//! - every task appears once across routes, desk and unassigned;
//! - a route's engineer exists, works that day (availability, leave, holidays), its shift is
//!   the engineer's, and it comes back by shift end plus the allowed overtime (which is at
//!   most the daily cap of the settings);
//! - a stop's person has the role of her team member (the lead a field engineer, a companion
//!   the configured role), a field engineer the device family's skill, and the lead is the
//!   pinned one if any;
//! - two-person visits (`teams`): a team task on routes has one stop per member, on distinct
//!   people's routes, all starting at the same instant;
//! - a planned (not frozen) stop lies inside one opening window of its site that day (a fault
//!   repair at any hour), lasts its duration, and starts at or after its arrival;
//! - travel: each stop's travel time and distance equal the matrix from the previous stop (or
//!   the service point), the arrival is not before the previous end plus the travel (plus the
//!   lunch if it is taken in that gap), and the return is not before the last end plus the
//!   drive home;
//! - a route restarted from a reported position ([`super::Restart`]) takes the travel from
//!   that position to the next stop (or home) as measured by the context's travel model, and
//!   restarts no earlier than the end of the stop before;
//! - the lunch starts inside its window, lasts its length, overlaps no visit, and is there
//!   when a route with nothing frozen works past the window's start;
//! - a fault stop is flagged `DEADLINE_MISSED` exactly when it arrives after its deadline; a
//!   fault due that day and not planned carries the flag;
//! - desk calls lie inside the desk hours and one agent makes one call at a time;
//! - spare parts: a visit whose task needs a part has its pickup stop earlier on the same
//!   route (`PICKUP_MISSING`), and every pickup stop is followed by its task's visit on the
//!   same route (`PICKUP_WITHOUT_VISIT`); a pickup stop is at its service point (travel from
//!   and to it is checked as for visits) and lasts its pickup minutes;
//! - stock (`parts`): a pickup of a named part is at a service point whose stock snapshot
//!   holds it (`PART_NOT_STOCKED`), no service point gives more units than its shelf holds
//!   (`STOCK_EXCEEDED`), a delivery due that day and left out carries `DEADLINE_MISSED`, and
//!   [`check_deliveries_present`] finds every delivery and loan task given to the plan
//!   (`DELIVERY_MISSING`);
//! - on call (`oncall`): a call-out route is made by an engineer on call that day (her rota,
//!   not absent), for one fault of a level that may call out, leaving no earlier than the
//!   response time after the call (itself not before the report) and not during her shift;
//!   her routes do not overlap, and her shift leaves no earlier than the return from a
//!   call-out before it, plus the rest after a night call-out, also a call-out the plan
//!   carries from the evening before; [`check_after`] checks a plan against the day before's
//!   (`CALL_OUT_NOT_CARRIED`).
//!
//! - installations (`installations`): a step is planned only once its predecessor is
//!   reported done and starts no earlier than that report or the predecessor's stop's end,
//!   never before its project's start; a trial-run report not before its window opens.
//!
//! [`check_replan`] adds what a re-plan must keep: every stop frozen before, and every stop
//! that progress reports arrived, started or done, is unchanged and frozen.
//!
//! One file per concern, as vrp-pragmatic's checker: `shift` (shifts and overtime), `time`
//! (travel, stop times, opening hours, deadline flags), `skills` (skills and pins), `breaks`
//! (the lunch), `pickups` (spare parts on the route), `parts` (stock and deliveries), `desk` (desk calls), `frozen` (what a re-plan keeps).

mod breaks;
mod desk;
mod frozen;
mod installations;
mod oncall;
mod parts;
mod pickups;
mod shift;
mod skills;
mod teams;
mod time;

pub use frozen::check_replan;
pub use oncall::check_after;
pub use parts::check_deliveries_present;

use super::context::PlanningContext;
use super::inputs::ProgressEvent;
use super::model::{CallOutTrip, EngineerRoute, Flag, PartPickup, Plan, Stop, StopStatus, TaskRef};
use crate::domain::engineer::Availability;
use crate::domain::engineer::Engineer;
use crate::domain::ids::{EngineerId, TaskId};
use crate::domain::instant::Instant;
use crate::domain::task::TaskKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What is wrong.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ViolationCode {
    TaskRepeated,
    UnknownEngineer,
    NotOnShift,
    ShiftMismatch,
    OvertimeExceeded,
    SkillMissing,
    PinBroken,
    UnknownSite,
    SiteClosed,
    WrongDuration,
    StartBeforeArrival,
    TravelMismatch,
    ArrivalTooEarly,
    ReturnTooEarly,
    EarlyDeparture,
    LunchOutsideWindow,
    LunchOverlap,
    LunchMissing,
    DeadlineFlag,
    DeskOutsideHours,
    DeskOverlap,
    FrozenChanged,
    ProgressNotFrozen,
    PickupMissing,
    PickupWithoutVisit,
    RestartBeforeStopEnd,
    NotOnCall,
    CallOutNotAllowed,
    CallOutTooEarly,
    CallOutDuringShift,
    CallOutOverlap,
    RestBroken,
    /// A call-out of the day before whose rest reaches into the day, missing from the plan's
    /// `carriedCallOuts`.
    CallOutNotCarried,
    PartNotStocked,
    StockExceeded,
    DeliveryMissing,
    /// An installation step planned before its predecessor is reported done, or starting
    /// before that report or before the predecessor's stop ends.
    PrecedenceBroken,
    /// An installation step before its project's start, a trial-run report before its window.
    InstallationTooEarly,
    /// A stop's person lacks the role her team member needs.
    RoleMismatch,
    /// A team task planned without one stop for each of its members.
    TeamIncomplete,
    /// Two members of a team on one person's route.
    TeamSharesRoute,
    /// Members of a team starting at different instants.
    TeamNotTogether,
}

/// One broken rule, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub code: ViolationCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engineer: Option<EngineerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskId>,
    pub detail: String,
}

struct Out(Vec<Violation>);

impl Out {
    fn add(
        &mut self,
        code: ViolationCode,
        engineer: Option<&EngineerId>,
        task: Option<&TaskId>,
        detail: String,
    ) {
        self.0.push(Violation {
            code,
            engineer: engineer.cloned(),
            task: task.cloned(),
            detail,
        });
    }
}

fn secs(a: Instant, b: Instant) -> i64 {
    b.timestamp() - a.timestamp()
}

fn plus(t: Instant, seconds: i64) -> i64 {
    t.timestamp() + seconds
}

/// Checks a plan; empty when it keeps every rule.
pub fn check(plan: &Plan, ctx: &PlanningContext) -> Vec<Violation> {
    let mut out = Out(Vec::new());
    check_repeated(&mut out, plan);
    for r in &plan.routes {
        check_route(&mut out, ctx, plan, r);
    }
    oncall::check_rest(&mut out, ctx, plan);
    check_unassigned(&mut out, plan);
    parts::check_stock(&mut out, ctx, plan);
    parts::check_unplanned_deliveries(&mut out, plan);
    desk::check_desk(&mut out, ctx, plan);
    installations::check_installations(&mut out, ctx, plan);
    teams::check_teams(&mut out, plan);
    out.0
}

/// Every task once across routes, desk and unassigned; every part picked up once.
fn check_repeated(out: &mut Out, plan: &Plan) {
    let mut seen: BTreeMap<&TaskId, usize> = BTreeMap::new();
    let mut pickups: BTreeMap<&TaskId, usize> = BTreeMap::new();
    for s in plan.routes.iter().flat_map(|r| &r.stops) {
        if s.is_pickup() {
            *pickups.entry(&s.task.task).or_default() += 1;
        }
    }
    for (t, n) in pickups {
        if n > 1 {
            out.add(
                ViolationCode::TaskRepeated,
                None,
                Some(t),
                format!("its part is picked up {n} times"),
            );
        }
    }
    // A team task counts once, by its lead's stop (`teams` checks the members).
    let all_tasks = plan
        .routes
        .iter()
        .flat_map(|r| {
            r.stops
                .iter()
                .filter(|s| !s.is_pickup() && s.member == 0)
                .map(|s| &s.task)
        })
        .chain(plan.desk.iter().map(|d| &d.task))
        .chain(plan.unassigned.iter().map(|u| &u.task));
    for t in all_tasks {
        *seen.entry(&t.task).or_default() += 1;
    }
    for (t, n) in seen {
        if n > 1 {
            out.add(
                ViolationCode::TaskRepeated,
                None,
                Some(t),
                format!("appears {n} times"),
            );
        }
    }
}

/// One route: its engineer and shift, then its stops and the way home, then the lunch.
fn check_route(out: &mut Out, ctx: &PlanningContext, plan: &Plan, r: &EngineerRoute) {
    let e_id = Some(&r.engineer);
    let Some(engineer) = ctx.scenario().engineer(&r.engineer) else {
        out.add(ViolationCode::UnknownEngineer, e_id, None, String::new());
        return;
    };
    if r.is_call_out() {
        oncall::check_call_out(out, ctx, plan.date, r, engineer);
    } else {
        shift::check_shift(out, ctx, plan.date, r, engineer);
    }
    let Some(home) = ctx.service_point_point(&r.home) else {
        out.add(
            ViolationCode::UnknownSite,
            e_id,
            None,
            format!("home {}", r.home),
        );
        return;
    };
    if r.home != engineer.home {
        out.add(
            ViolationCode::ShiftMismatch,
            e_id,
            None,
            format!("home {}", r.home),
        );
    }
    time::check_stops(out, ctx, plan, r, engineer, home);
    if !r.is_call_out() {
        breaks::check_lunch(out, ctx, plan.date, r);
    }
}

/// A fault due today and left out carries `DEADLINE_MISSED`.
fn check_unassigned(out: &mut Out, plan: &Plan) {
    for u in &plan.unassigned {
        let t = &u.task;
        let due_today = t.fault.is_some() && t.drop_penalty.is_none() && t.deadline.is_some();
        if due_today && !u.flags.contains(&Flag::DeadlineMissed) {
            out.add(
                ViolationCode::DeadlineFlag,
                None,
                Some(&t.task),
                "a fault due today is left out without DEADLINE_MISSED".into(),
            );
        }
    }
}
