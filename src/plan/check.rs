//! An independent checker of plans (in the manner of vrp-pragmatic's `checker/`).
//!
//! [`check`] re-verifies a [`Plan`] from the scenario, the configuration and the travel
//! matrix alone: it never calls the solver, the problem builder or the assembler, so a bug
//! there cannot hide itself here. Rules checked:
//! - every task appears once across routes, desk and unassigned;
//! - a route's engineer exists, works that day (availability, leave, holidays), its shift is
//!   the engineer's, and it comes back by shift end plus the allowed overtime (which is at
//!   most the daily cap of the settings);
//! - a stop's engineer has the device family's skill, and is the pinned one if any;
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
//!   and to it is checked as for visits) and lasts its pickup minutes.
//!
//! [`check_replan`] adds what a re-plan must keep: every stop frozen before, and every stop
//! that progress reports arrived, started or done, is unchanged and frozen.

use super::context::PlanningContext;
use super::inputs::ProgressEvent;
use super::model::{EngineerRoute, Flag, PartPickup, Plan, Stop, TaskRef};
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
    check_unassigned(&mut out, plan);
    check_desk(&mut out, ctx, plan);
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
    let all_tasks = plan
        .routes
        .iter()
        .flat_map(|r| r.stops.iter().filter(|s| !s.is_pickup()).map(|s| &s.task))
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
    check_shift(out, ctx, plan.date, r, engineer);
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
    check_stops(out, ctx, plan, r, engineer, home);
    check_lunch(out, ctx, plan.date, r);
}

/// The route's engineer works that day on this shift, within the overtime allowed, and
/// neither leaves before the shift nor comes back after shift end plus overtime.
fn check_shift(
    out: &mut Out,
    ctx: &PlanningContext,
    date: NaiveDate,
    r: &EngineerRoute,
    engineer: &Engineer,
) {
    let (calendar, settings) = (&ctx.config().calendar, ctx.settings());
    let e_id = Some(&r.engineer);
    match engineer.availability(date, calendar) {
        Availability::Shift(w) => {
            let (start, end) = w.on(date);
            if start != r.shift_start || end != r.shift_end {
                out.add(
                    ViolationCode::ShiftMismatch,
                    e_id,
                    None,
                    format!("shift {w}, route says {}..{}", r.shift_start, r.shift_end),
                );
            }
        }
        other => out.add(
            ViolationCode::NotOnShift,
            e_id,
            None,
            format!("{other:?} on {date}"),
        ),
    }
    if r.max_overtime_minutes > settings.overtime_per_day_minutes
        || r.max_overtime_minutes > engineer.overtime_per_week.get()
    {
        out.add(
            ViolationCode::OvertimeExceeded,
            e_id,
            None,
            format!("{} min allowed", r.max_overtime_minutes),
        );
    }
    if r.departure < r.shift_start {
        out.add(
            ViolationCode::EarlyDeparture,
            e_id,
            None,
            format!("{}", r.departure),
        );
    }
    let latest = plus(r.shift_end, i64::from(r.max_overtime_minutes) * 60);
    if r.return_at.timestamp() > latest {
        out.add(
            ViolationCode::OvertimeExceeded,
            e_id,
            None,
            format!(
                "back at {}, later than shift end plus overtime",
                r.return_at
            ),
        );
    }
}

/// Each stop in turn from home (or a restart position): skills and pins, travel from the
/// previous place, times, opening hours and deadline flags; then the drive home.
fn check_stops(
    out: &mut Out,
    ctx: &PlanningContext,
    plan: &Plan,
    r: &EngineerRoute,
    engineer: &Engineer,
    home: usize,
) {
    let e_id = Some(&r.engineer);
    // The previous place: a context point, or the restart position.
    let mut prev_point = Ok(home);
    let mut prev_end = r.departure;
    let travel = |from: Result<usize, crate::domain::geo::LatLon>, to: usize| match from {
        Ok(p) => ctx.travel(p, to),
        Err(at) => ctx
            .travel_from(at, &[to])
            .ok()
            .and_then(|v| v.first().copied())
            .unwrap_or((u32::MAX, u32::MAX)),
    };
    let restart_at = |i: usize| r.restart.filter(|x| x.after_stops == i);
    check_pickups(out, &r.engineer, &r.stops);
    for (i, s) in r.stops.iter().enumerate() {
        let t = Some(&s.task.task);
        if let Some(x) = restart_at(i) {
            if i > 0 && x.at < r.stops[i - 1].end {
                out.add(
                    ViolationCode::RestartBeforeStopEnd,
                    e_id,
                    t,
                    format!("restart at {} before the previous stop ends", x.at),
                );
            }
            prev_point = Err(x.location);
            prev_end = x.at;
        }
        check_task_for(out, &r.engineer, engineer, &s.task);
        let pickup = s.task.part_pickup.as_ref().filter(|_| s.is_pickup());
        let point = match pickup {
            Some(p) => ctx.service_point_point(&p.service_point),
            None => ctx.site_point(&s.task.site),
        };
        let Some(point) = point else {
            out.add(ViolationCode::UnknownSite, e_id, t, s.task.site.to_string());
            continue;
        };
        let (m, sec) = travel(prev_point, point);
        if (m, sec) != (s.travel_metres, s.travel_seconds) {
            out.add(
                ViolationCode::TravelMismatch,
                e_id,
                t,
                format!(
                    "matrix {m} m {sec} s, stop says {} m {} s",
                    s.travel_metres, s.travel_seconds
                ),
            );
        }
        let lunch_here = r.lunch.filter(|l| l.after_stops == i);
        let lunch_len = lunch_here.map_or(0, |l| secs(l.start, l.end));
        if !s.frozen {
            let gap = (prev_end, i64::from(sec), lunch_len);
            check_stop_times(out, ctx, plan, &r.engineer, s, pickup, gap);
        }
        if !s.is_pickup() {
            check_deadline_flag(out, e_id, s);
        }
        prev_point = Ok(point);
        prev_end = s.end;
    }
    if let Some(last) = r.stops.last() {
        let (prev_point, last_end) = match restart_at(r.stops.len()) {
            Some(x) => (Err(x.location), x.at.max(last.end)),
            None => (prev_point, last.end),
        };
        let back = i64::from(travel(prev_point, home).1);
        let lunch_after = r
            .lunch
            .filter(|l| l.after_stops == r.stops.len())
            .map_or(0, |l| secs(l.start, l.end));
        if r.return_at.timestamp() < plus(last_end, back + lunch_after) {
            out.add(
                ViolationCode::ReturnTooEarly,
                e_id,
                None,
                format!(
                    "back at {} but the last stop ends {}",
                    r.return_at, last.end
                ),
            );
        }
    }
}

/// A stop's own times (not frozen): arrival after the previous end plus the drive (`gap`:
/// previous end, drive seconds, lunch seconds taken before it), start after arrival, its
/// duration, and inside its site's opening hours (faults at any hour).
fn check_stop_times(
    out: &mut Out,
    ctx: &PlanningContext,
    plan: &Plan,
    id: &EngineerId,
    s: &Stop,
    pickup: Option<&PartPickup>,
    (prev_end, sec, lunch_len): (Instant, i64, i64),
) {
    let (e_id, t) = (Some(id), Some(&s.task.task));
    if s.arrival.timestamp() < plus(prev_end, sec) {
        out.add(
            ViolationCode::ArrivalTooEarly,
            e_id,
            t,
            format!(
                "arrives {} but the previous stop ends {prev_end} and the drive is {sec} s",
                s.arrival
            ),
        );
    }
    if s.start.timestamp() < plus(prev_end, sec + lunch_len) {
        out.add(
            ViolationCode::ArrivalTooEarly,
            e_id,
            t,
            "no room for the drive and the lunch before the start".into(),
        );
    }
    if s.start < s.arrival {
        out.add(ViolationCode::StartBeforeArrival, e_id, t, String::new());
    }
    let minutes = pickup.map_or(s.task.duration_minutes, |p| p.minutes);
    if secs(s.start, s.end) != i64::from(minutes) * 60 {
        out.add(
            ViolationCode::WrongDuration,
            e_id,
            t,
            format!("{} s for {minutes} min", secs(s.start, s.end)),
        );
    }
    if !s.is_pickup() && s.task.kind != TaskKind::FaultRepair {
        check_opening(out, ctx, plan, id, s);
    }
}

/// The lunch starts inside its window and lasts its length, overlaps no visit, and is there
/// when a route with nothing frozen works past the window's start.
fn check_lunch(out: &mut Out, ctx: &PlanningContext, date: NaiveDate, r: &EngineerRoute) {
    let settings = ctx.settings();
    let lunch_window = settings.lunch_window.on(date);
    let e_id = Some(&r.engineer);
    match r.lunch {
        Some(l) => {
            if l.start < lunch_window.0 || l.start > lunch_window.1 {
                out.add(
                    ViolationCode::LunchOutsideWindow,
                    e_id,
                    None,
                    format!("lunch at {}", l.start),
                );
            }
            if secs(l.start, l.end) != i64::from(settings.lunch_minutes) * 60 {
                out.add(
                    ViolationCode::LunchOutsideWindow,
                    e_id,
                    None,
                    "wrong length".into(),
                );
            }
            for s in &r.stops {
                if l.start < s.end && s.start < l.end {
                    out.add(
                        ViolationCode::LunchOverlap,
                        e_id,
                        Some(&s.task.task),
                        String::new(),
                    );
                }
            }
        }
        None => {
            let frozen = r.stops.iter().any(|s| s.frozen);
            if !frozen && !r.stops.is_empty() && r.return_at > lunch_window.0 {
                out.add(ViolationCode::LunchMissing, e_id, None, String::new());
            }
        }
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

/// Desk calls inside the desk hours, one call at a time per agent.
fn check_desk(out: &mut Out, ctx: &PlanningContext, plan: &Plan) {
    let desk = ctx.settings().desk_hours.on(plan.date);
    let mut by_agent: BTreeMap<usize, Vec<(Instant, Instant, &TaskId)>> = BTreeMap::new();
    for d in &plan.desk {
        if d.start < desk.0 || d.end > desk.1 {
            out.add(
                ViolationCode::DeskOutsideHours,
                None,
                Some(&d.task.task),
                String::new(),
            );
        }
        by_agent
            .entry(d.agent)
            .or_default()
            .push((d.start, d.end, &d.task.task));
    }
    for calls in by_agent.values_mut() {
        calls.sort();
        for w in calls.windows(2) {
            if w[1].0 < w[0].1 {
                out.add(
                    ViolationCode::DeskOverlap,
                    None,
                    Some(w[1].2),
                    String::new(),
                );
            }
        }
    }
}

/// Pickup before visit, same route: each visit needing a part has its pickup earlier, each
/// pickup its visit later.
fn check_pickups(out: &mut Out, id: &EngineerId, stops: &[Stop]) {
    for (i, s) in stops.iter().enumerate() {
        let t = &s.task.task;
        if s.is_pickup() {
            let visit_later = stops[i + 1..]
                .iter()
                .any(|x| !x.is_pickup() && &x.task.task == t);
            if !visit_later || s.task.part_pickup.is_none() {
                out.add(
                    ViolationCode::PickupWithoutVisit,
                    Some(id),
                    Some(t),
                    "a part pickup with no visit of its task after it on the same route".into(),
                );
            }
        } else if s.task.part_pickup.is_some() {
            let pickup_before = stops[..i]
                .iter()
                .any(|x| x.is_pickup() && &x.task.task == t);
            if !pickup_before {
                out.add(
                    ViolationCode::PickupMissing,
                    Some(id),
                    Some(t),
                    "the visit needs a part but no pickup precedes it on the route".into(),
                );
            }
        }
    }
}

fn check_task_for(
    out: &mut Out,
    id: &EngineerId,
    engineer: &crate::domain::engineer::Engineer,
    t: &TaskRef,
) {
    if let Some(f) = t.family
        && !engineer.skills.has(f)
    {
        out.add(
            ViolationCode::SkillMissing,
            Some(id),
            Some(&t.task),
            format!("needs {f}"),
        );
    }
    if let Some(p) = &t.pinned
        && p != id
    {
        out.add(
            ViolationCode::PinBroken,
            Some(id),
            Some(&t.task),
            format!("pinned to {p}"),
        );
    }
}

fn check_opening(out: &mut Out, ctx: &PlanningContext, plan: &Plan, id: &EngineerId, s: &Stop) {
    let Some(site) = ctx.scenario().site(&s.task.site) else {
        out.add(
            ViolationCode::UnknownSite,
            Some(id),
            Some(&s.task.task),
            String::new(),
        );
        return;
    };
    let inside = site
        .open_windows(plan.date, &ctx.config().calendar)
        .iter()
        .any(|w| {
            let (open, close) = w.on(plan.date);
            open <= s.start && s.end <= close
        });
    if !inside {
        out.add(
            ViolationCode::SiteClosed,
            Some(id),
            Some(&s.task.task),
            format!(
                "{}..{} is outside the opening hours of {}",
                s.start, s.end, site.id
            ),
        );
    }
}

fn check_deadline_flag(out: &mut Out, id: Option<&EngineerId>, s: &Stop) {
    let late = s.task.deadline.is_some_and(|d| s.arrival > d);
    let flagged = s.flags.contains(&Flag::DeadlineMissed);
    if late != flagged {
        out.add(
            ViolationCode::DeadlineFlag,
            id,
            Some(&s.task.task),
            format!(
                "arrival {} deadline {:?} flagged {flagged}",
                s.arrival, s.task.deadline
            ),
        );
    }
}

/// [`check`], plus what a re-plan must keep from `before` given the progress reports: a
/// stop frozen before is unchanged (same engineer, same times); a stop that progress reports
/// is frozen, on the same engineer, and its reported instants are its times (arrival,
/// start, end).
pub fn check_replan(
    before: &Plan,
    after: &Plan,
    progress: &[ProgressEvent],
    ctx: &PlanningContext,
) -> Vec<Violation> {
    let mut out = Out(check(after, ctx));
    for r in &before.routes {
        for so in r.stops.iter().filter(|s| s.frozen) {
            let t = &so.task.task;
            let found = if so.is_pickup() {
                after.find_pickup(t)
            } else {
                after.find_stop(t)
            };
            match found {
                Some((rn, sn)) if rn.engineer == r.engineer && sn.frozen && sn == so => {}
                _ => out.add(
                    ViolationCode::FrozenChanged,
                    Some(&r.engineer),
                    Some(t),
                    "a stop frozen before changed or left the routes".into(),
                ),
            }
        }
    }
    for e in progress {
        let Some(t) = e.task() else {
            continue;
        };
        let Some((rn, sn)) = after.find_stop(t) else {
            out.add(
                ViolationCode::ProgressNotFrozen,
                Some(e.engineer()),
                Some(t),
                "a reported task is not on any route".into(),
            );
            continue;
        };
        let reported = match e {
            ProgressEvent::Arrived { at, .. } => sn.arrival == *at,
            ProgressEvent::Started { at, .. } => sn.start == *at,
            ProgressEvent::Done { at, .. } => sn.end == *at,
            ProgressEvent::Position { .. } => true,
        };
        if !sn.frozen || &rn.engineer != e.engineer() || !reported {
            out.add(
                ViolationCode::ProgressNotFrozen,
                Some(e.engineer()),
                Some(t),
                format!(
                    "frozen {}, on {}, times as reported {reported}",
                    sn.frozen, rn.engineer
                ),
            );
        }
    }
    out.0
}
