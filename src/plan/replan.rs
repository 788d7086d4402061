//! Urgent re-planning, domain side: progress freezes what is done or under way, a new fault
//! goes where it reaches site before its on-site deadline, and the answer says exactly what
//! changed for whom. [`recommend`] ranks engineers for a fault without committing.
//!
//! Freezing: a stop is frozen when progress reports it (arrived, started, done), when its
//! planned start is at or before `now`, or when a later stop of the same route is frozen (the
//! frozen part is a prefix). Reported instants become the stop's times (an arrival, a start,
//! an end; a stop started but not done is expected to end one duration after its start). The
//! route to re-plan starts at the last frozen stop's site at `max(now, its end)` (or at home,
//! from `max(now, shift start)`), unless the engineer reported a position (a `position`
//! progress event at or before `now`, not before the end of the frozen stops if any): then it starts
//! there, at `max(now, report, shift start)`, with the travel from that position to every
//! point of the problem measured on the fly by the context's travel model
//! ([`PlanningContext::travel_from`]); the new route records it as its
//! [`Restart`](super::Restart), which a later re-plan keeps using until something newer is
//! reported. The lunch is kept if it has started by `now`; otherwise it
//! is planned again, or dropped when its window has passed.
//!
//! Then the index-level algorithm of [`crate::solve::replan`] runs on the remaining visits:
//! cheapest insertion meeting the deadline, displacement, a bounded relocate repair with a
//! stability cost (see [`PlanSettings`](super::PlanSettings)). When nobody can make the
//! deadline the fault is placed at its earliest start and flagged `DEADLINE_MISSED`; if it fits
//! nowhere at all it is listed as unassigned with its reason and the same flag.
//!
//! A route that the reported delays make infeasible is repaired first: a fault deadline it
//! can no longer meet becomes a target only (the stop gets flagged), and visits the engineer
//! can no longer reach inside opening hours are left out (`WINDOW_UNREACHABLE`).

use super::assemble::{self, Kept};
use super::build::{self, BuiltProblem, Crew, JobSpec};
use super::clock::{DayClock, minutes};
use super::context::PlanningContext;
use super::day::{prediagnose, reason_of};
use super::diff::{PlanDiff, diff};
use super::error::PlanError;
use super::inputs::{FaultInput, ProgressEvent};
use super::kpis;
use super::model::{
    CallOutTrip, EngineerRoute, Flag, Plan, ReasonCode, StopStatus, TaskRef, UnassignedTask,
};
use super::oncall;
use super::tasks;
use crate::domain::geo::LatLon;
use crate::domain::ids::{EngineerId, TaskId};
use crate::domain::instant::Instant;
use crate::solve::diagnose::diagnose;
use crate::solve::replan::{Announced, Routes, Stability, Urgent, insert_urgent, offers};
use crate::solve::routing::{Break, Cost, Infeasibility, Time, TimeWindow, schedule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What [`insert_fault`] did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplanOutcome {
    pub plan: Plan,
    /// From the plan with progress applied to the new plan.
    pub diff: PlanDiff,
    pub task: TaskId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_engineer: Option<EngineerId>,
    /// Planned arrival on site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<Instant>,
    /// The on-site deadline (SLA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Instant>,
    pub deadline_met: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
    /// Work units spent by the repair.
    pub work: u64,
}

/// A visit another engineer's offer would move later or earlier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Retimed {
    pub task: TaskId,
    pub from_start: Instant,
    pub to_start: Instant,
}

/// One engineer's offer to take a fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    pub rank: usize,
    pub engineer: EngineerId,
    pub eta: Instant,
    pub start: Instant,
    pub deadline_met: bool,
    /// Added route cost (travel seconds, overtime, stability), in cost units.
    pub cost: i64,
    /// Visits this engineer would drop to take it.
    pub displaced: Vec<TaskId>,
    /// Visits of this engineer whose start would change.
    pub retimed: Vec<Retimed>,
    /// An on-call engineer called out outside her shift (her shift that day may start
    /// later after a night call-out; `retimed` does not list that).
    #[serde(default)]
    pub call_out: bool,
}

/// The state a re-plan works on.
struct Workspace {
    clock: DayClock,
    /// The input plan with progress applied and frozen prefixes marked.
    plan: Plan,
    /// Crews of the routes that can still work, and their route index in `plan`.
    crews: Vec<Crew>,
    crew_route: Vec<usize>,
    specs: Vec<JobSpec>,
    /// The problem of the remaining work; `None` exactly when `crews` is empty.
    built: Option<BuiltProblem>,
    routes: Routes,
    stability: Stability,
    /// Visits left out while making the current routes feasible.
    dropped: Vec<UnassignedTask>,
    /// The fault's job, if it could be put in the problem, and its target.
    urgent: Option<Urgent>,
    fault: TaskRef,
    /// Why the fault cannot be planned at all.
    fault_blocked: Option<(ReasonCode, String)>,
}

impl Workspace {
    /// The problem of the remaining work. Only asked for where a crew or the urgent job
    /// exists, which implies one was built.
    fn problem(&self) -> &BuiltProblem {
        self.built
            .as_ref()
            .expect("a problem is built whenever a crew can still work")
    }
}

/// Applies progress and marks the frozen prefixes.
fn apply_progress(
    plan: &Plan,
    progress: &[ProgressEvent],
    now: Instant,
) -> Result<Plan, PlanError> {
    let mut plan = plan.clone();
    for e in progress {
        let Some(task) = e.task() else {
            continue;
        };
        // A two-person visit is a stop on each person's route: each reports her own.
        let planned = |r: &EngineerRoute| {
            r.stops
                .iter()
                .any(|s| &s.task.task == task && !s.is_pickup())
        };
        let Some(route) = plan
            .routes
            .iter_mut()
            .find(|r| planned(r) && &r.engineer == e.engineer())
        else {
            return Err(match plan.routes.iter().find(|r| planned(r)) {
                Some(r) => PlanError::invalid(
                    "progress.engineer",
                    format!("{task} is planned for {}, not {}", r.engineer, e.engineer()),
                ),
                None => PlanError::unknown("task in the plan's routes", task),
            });
        };
        let s = route
            .stops
            .iter_mut()
            .find(|s| &s.task.task == task && !s.is_pickup())
            .expect("found above");
        let duration = chrono::TimeDelta::minutes(i64::from(s.task.duration_minutes));
        let shift = |t: Instant, by: chrono::TimeDelta| {
            Instant::from_naive(t.naive_local() + by).expect("no gaps in Shanghai")
        };
        match e {
            ProgressEvent::Arrived { at, .. } => {
                s.arrival = *at;
                if s.status == StopStatus::Planned {
                    s.start = s.start.max(*at);
                    s.end = shift(s.start, duration);
                    s.status = StopStatus::Arrived;
                }
            }
            ProgressEvent::Started { at, .. } => {
                s.start = *at;
                s.arrival = s.arrival.min(*at);
                if s.status != StopStatus::Done {
                    s.end = shift(*at, duration);
                    s.status = StopStatus::Started;
                }
            }
            ProgressEvent::Done { at, .. } => {
                s.end = *at;
                s.start = s.start.min(*at);
                s.arrival = s.arrival.min(s.start);
                s.status = StopStatus::Done;
            }
            ProgressEvent::Position { .. } => {}
        }
        s.frozen = true;
    }
    for r in &mut plan.routes {
        let last = r.stops.iter().rposition(|s| s.frozen || s.start <= now);
        if let Some(last) = last {
            for s in &mut r.stops[..=last] {
                s.frozen = true;
            }
        }
    }
    Ok(plan)
}

/// Builds the workspace: crews, jobs, feasible current routes, the fault's job. With
/// `call_out` (the fault's call-out route, to be added), the fault is not inserted into the
/// shifts, and its engineer's shift starts after the rest it calls for.
fn prepare(
    ctx: &PlanningContext,
    plan: &Plan,
    progress: &[ProgressEvent],
    fault: &FaultInput,
    now: Instant,
    call_out: Option<&EngineerRoute>,
) -> Result<Workspace, PlanError> {
    let clock = DayClock::new(plan.date);
    let plan = apply_progress(plan, progress, now)?;
    let fault_task = tasks::fault_task(ctx, fault, plan.date)?;
    if plan.find_stop(&fault_task.task).is_some()
        || plan
            .unassigned
            .iter()
            .any(|u| u.task.task == fault_task.task)
    {
        return Err(PlanError::invalid(
            "fault",
            format!("{} is already in the plan", fault_task.task),
        ));
    }

    let progress_positions: Vec<&ProgressEvent> = progress
        .iter()
        .filter(|e| matches!(e, ProgressEvent::Position { .. }))
        .collect();
    let mut crews = Vec::new();
    let mut crew_route = Vec::new();
    let mut kept_jobs: Vec<Vec<JobSpec>> = Vec::new();
    let call_outs = call_out_trips(&plan, call_out);
    for (ri, r) in plan.routes.iter().enumerate() {
        // A call-out is one trip to one fault: it stays as it is.
        if r.is_call_out() {
            continue;
        }
        let rest = oncall::rest_until(ctx, &call_outs, &r.engineer, r.shift_start)
            .map_or(Time::ZERO, |t| clock.seconds(t));
        let at = RouteNow {
            clock: &clock,
            now,
            rest,
            positions: &progress_positions,
        };
        // `None`: the day is over for this engineer: the route stays as it is.
        if let Some((crew, jobs)) = remaining_crew(ctx, r, &at)? {
            crews.push(crew);
            crew_route.push(ri);
            kept_jobs.push(jobs);
        }
    }

    // Jobs: the remaining visits in route order, then the fault.
    let mut specs = Vec::new();
    let mut routes: Routes = Vec::new();
    for jobs in kept_jobs {
        let mut r = Vec::new();
        for spec in jobs {
            r.push(specs.len());
            specs.push(spec);
        }
        routes.push(r);
    }
    let fault_spec = build::job_spec(ctx, &clock, &fault_task)?;
    let fault_blocked = call_out
        .is_none()
        .then(|| prediagnose(&crews, &fault_spec))
        .flatten();
    let target = fault_task.deadline.map(|d| clock.seconds(d));
    let urgent = if fault_blocked.is_none() && call_out.is_none() {
        // A part's pickup goes in with the fault's visit (see `solve::replan`).
        specs.extend(build::pickup_spec(ctx, &fault_task)?);
        let mut spec = fault_spec;
        spec.deadline = None;
        specs.push(spec);
        Some(Urgent {
            job: specs.len() - 1,
            target,
        })
    } else {
        None
    };

    measure_origins(ctx, &mut crews, &specs)?;

    // Make the current routes feasible under the reported delays. With nobody left to work
    // there is no problem to build: the fault is blocked (`prediagnose`) and nothing moves.
    let mut dropped = Vec::new();
    let built = if crews.is_empty() {
        None
    } else {
        Some(feasible_routes(
            ctx,
            &mut crews,
            &mut specs,
            &mut routes,
            &mut dropped,
        )?)
    };

    let stability = stability(ctx, &clock, &plan, &crew_route, &specs);
    Ok(Workspace {
        clock,
        plan,
        crews,
        crew_route,
        specs,
        built,
        routes,
        stability,
        dropped,
        urgent,
        fault: fault_task,
        fault_blocked,
    })
}

/// The stability terms of a re-plan: each unfrozen stop still planned is announced to its
/// engineer at its planned start.
fn stability(
    ctx: &PlanningContext,
    clock: &DayClock,
    plan: &Plan,
    crew_route: &[usize],
    specs: &[JobSpec],
) -> Stability {
    let settings = ctx.settings();
    let mut announced = vec![None; specs.len()];
    for (v, &ri) in crew_route.iter().enumerate() {
        for s in plan.routes[ri].stops.iter().filter(|s| !s.frozen) {
            if let Some(j) = specs.iter().position(|x| {
                x.task.task == s.task.task && x.pickup == s.is_pickup() && x.member == s.member
            }) {
                announced[j] = Some(Announced {
                    vehicle: v,
                    start: clock.seconds(s.start),
                });
            }
        }
    }
    Stability {
        announced,
        move_cost: Cost(settings.move_cost),
        retime_threshold: minutes(settings.retime_threshold_minutes),
        retime_cost: Cost(settings.retime_cost),
    }
}

/// Measures each reported position to every point the problem uses: the jobs' and every
/// crew's start and end (`build` numbers all of them, origins or not).
fn measure_origins(
    ctx: &PlanningContext,
    crews: &mut [Crew],
    specs: &[JobSpec],
) -> Result<(), PlanError> {
    let targets: Vec<usize> = specs
        .iter()
        .map(|s| s.point)
        .chain(crews.iter().flat_map(|c| [c.start_point, c.end_point]))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for c in crews.iter_mut() {
        if let Some(o) = &mut c.origin {
            let row = ctx.travel_from(o.position, &targets)?;
            o.travel = targets.iter().copied().zip(row).collect();
        }
    }
    Ok(())
}

/// Where a route stands at `now`: the clock, the end of any rest a call-out calls for
/// (seconds of the day, zero if none) and the reported positions.
struct RouteNow<'a> {
    clock: &'a DayClock,
    now: Instant,
    rest: Time,
    positions: &'a [&'a ProgressEvent],
}

/// The rest of a route from `at.now` on: its engineer as a crew starting after the frozen
/// stops (or from a position reported since), and the jobs of its unfrozen stops in route
/// order; `None` when the engineer's day, overtime included, is over.
fn remaining_crew(
    ctx: &PlanningContext,
    r: &EngineerRoute,
    at: &RouteNow,
) -> Result<Option<(Crew, Vec<JobSpec>)>, PlanError> {
    let (clock, now) = (at.clock, at.now);
    let settings = ctx.settings();
    let engineer = ctx
        .scenario()
        .engineer(&r.engineer)
        .ok_or_else(|| PlanError::unknown("engineer", &r.engineer))?;
    let home = ctx
        .service_point_point(&r.home)
        .ok_or_else(|| PlanError::unknown("service point", &r.home))?;
    let day_shift = TimeWindow::new(clock.seconds(r.shift_start), clock.seconds(r.shift_end));
    let max_overtime = minutes(r.max_overtime_minutes);
    let frozen: Vec<_> = r.stops.iter().filter(|s| s.frozen).collect();
    let (start_point, mut free_from) = match frozen.last() {
        Some(s) => (build::stop_point(ctx, s)?, clock.seconds(s.end)),
        None => (home, day_shift.start),
    };
    // A position reported after the frozen part (by `now`) is where the route goes on.
    let origin = latest_position(at.positions, r, now)
        .filter(|&(t, _)| frozen.is_empty() || clock.seconds(t) >= free_from)
        .map(|(t, position)| {
            free_from = clock.seconds(t).max(day_shift.start);
            build::Origin {
                position,
                travel: BTreeMap::new(),
            }
        });
    let start = free_from
        .max(clock.seconds(now))
        .max(day_shift.start)
        .max(at.rest);
    let latest = day_shift.end + max_overtime;
    if start > latest {
        return Ok(None);
    }
    let lunch_window = clock.window(settings.lunch.window);
    let lunch_taken = r.lunch.is_some_and(|l| l.start <= now);
    let lunch = (!lunch_taken && start <= lunch_window.end).then_some(Break {
        window: lunch_window,
        duration: minutes(settings.lunch.duration.get()),
    });
    // Past the shift end, the rest of the allowed overtime is all there is.
    let (shift_end, max_overtime) = if start > day_shift.end {
        (start, latest - start)
    } else {
        (day_shift.end, max_overtime)
    };
    let crew = Crew {
        engineer: r.engineer.clone(),
        role: engineer.role,
        home_point: home,
        start_point,
        end_point: home,
        day_shift,
        shift: TimeWindow::new(start, shift_end),
        max_overtime,
        lunch,
        families: engineer.skills.iter().collect(),
        origin,
    };
    let mut jobs = Vec::new();
    for s in r.stops.iter().filter(|s| !s.frozen) {
        if s.is_pickup() {
            jobs.extend(build::pickup_spec(ctx, &s.task)?);
            continue;
        }
        let mut spec = build::job_spec(ctx, clock, &s.task)?;
        if s.flags.contains(&Flag::DeadlineMissed) {
            spec.deadline = None;
        }
        // A two-person visit keeps its announced start: the repair times one route at a
        // time and must not move one person without the other (see `build`).
        if s.task.team_size() > 1 {
            spec.member = s.member;
            let start = clock.seconds(s.start);
            spec.windows = vec![TimeWindow::new(start, start)];
        }
        jobs.push(spec);
    }
    Ok(Some((crew, jobs)))
}

/// The call-outs the rest rule reads: the plan's (carried from the evening before, and its
/// own), and the one to add, if any.
fn call_out_trips(plan: &Plan, call_out: Option<&EngineerRoute>) -> Vec<CallOutTrip> {
    let mut trips = plan.call_out_trips();
    trips.extend(call_out.and_then(EngineerRoute::call_out_trip));
    trips
}

/// Makes the current routes feasible under the reported delays: a fault deadline a route can
/// no longer meet becomes a target only, a lunch that no longer fits is dropped, and visits
/// the engineer can no longer reach are left out (`WINDOW_UNREACHABLE`). Returns the problem
/// the routes are feasible in.
fn feasible_routes(
    ctx: &PlanningContext,
    crews: &mut [Crew],
    specs: &mut [JobSpec],
    routes: &mut Routes,
    dropped: &mut Vec<UnassignedTask>,
) -> Result<BuiltProblem, PlanError> {
    loop {
        let built = build::build(ctx, crews, specs, true)?;
        let mut changed = false;
        let mut broken_teams = Vec::new();
        for (v, route) in routes.iter_mut().enumerate() {
            while !route.is_empty() {
                match schedule(&built.problem, v, route) {
                    Ok(_) => break,
                    Err(Infeasibility::Window { job }) if specs[job].deadline.is_some() => {
                        specs[job].deadline = None;
                        changed = true;
                        break;
                    }
                    Err(Infeasibility::Break) if crews[v].lunch.is_some() => {
                        crews[v].lunch = None;
                        changed = true;
                        break;
                    }
                    Err(e) => {
                        let victim = match e {
                            Infeasibility::Window { job } => job,
                            _ => *route
                                .iter()
                                .rev()
                                .find(|&&j| specs[j].task.drop_penalty.is_some())
                                .unwrap_or(route.last().expect("non-empty")),
                        };
                        // A visit leaves with its part's pickup (and a team member with
                        // her partners, below).
                        let task = specs[victim].task.task.clone();
                        route.retain(|&j| specs[j].task.task != task);
                        if specs[victim].task.team_size() > 1 {
                            broken_teams.push(task);
                        }
                        dropped.push(UnassignedTask {
                            flags: late_flags(&specs[victim].task),
                            task: specs[victim].task.clone(),
                            reason: ReasonCode::WindowUnreachable,
                            detail: "the engineer can no longer reach it in time".into(),
                        });
                    }
                }
            }
        }
        // A team visit one member can no longer make is left out for all of them; the
        // routes they leave are checked again.
        for route in routes.iter_mut() {
            let before = route.len();
            route.retain(|&j| !broken_teams.contains(&specs[j].task.task));
            changed |= route.len() != before;
        }
        if !changed {
            return Ok(built);
        }
    }
}

/// The latest position of a route's engineer reported by `now`: a progress report, or the
/// restart of the route being re-planned.
fn latest_position(
    positions: &[&ProgressEvent],
    route: &EngineerRoute,
    now: Instant,
) -> Option<(Instant, LatLon)> {
    positions
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::Position {
                engineer,
                at,
                position,
            } if engineer == &route.engineer && *at <= now => Some((*at, *position)),
            _ => None,
        })
        .chain(route.restart.map(|r| (r.at, r.location)))
        .max_by_key(|&(at, _)| at)
}

fn late_flags(t: &TaskRef) -> Vec<Flag> {
    if t.fault.is_some() && t.deadline.is_some() {
        vec![Flag::DeadlineMissed]
    } else {
        Vec::new()
    }
}

/// Inserts a new fault into `plan` at `now` (see the module doc): into the shifts, or, when
/// they miss its deadline, as a call-out of an on-call engineer who gets there earlier (see
/// [`oncall`]).
pub fn insert_fault(
    ctx: &PlanningContext,
    plan: &Plan,
    progress: &[ProgressEvent],
    fault: &FaultInput,
    now: Instant,
) -> Result<ReplanOutcome, PlanError> {
    let on_shift = insert_with(ctx, plan, progress, fault, now, None)?;
    if on_shift.deadline_met {
        return Ok(on_shift);
    }
    let task = tasks::fault_task(ctx, fault, plan.date)?;
    if !oncall::eligible(ctx, &task) {
        return Ok(on_shift);
    }
    let routes = apply_progress(plan, progress, now)?.routes;
    let called_at = now.max(fault.reported_at);
    let best = oncall::offers(
        ctx,
        &task,
        plan.date,
        called_at,
        &routes,
        &plan.carried_call_outs,
    )
    .into_iter()
    .next();
    match best {
        Some(o) if on_shift.eta.is_none_or(|eta| o.arrival < eta) => {
            let route = oncall::route(ctx, &o, &task);
            insert_with(ctx, plan, progress, fault, now, Some(&route))
        }
        _ => Ok(on_shift),
    }
}

/// [`insert_fault`] into the shifts, or as the call-out `call_out`.
fn insert_with(
    ctx: &PlanningContext,
    plan: &Plan,
    progress: &[ProgressEvent],
    fault: &FaultInput,
    now: Instant,
    call_out: Option<&EngineerRoute>,
) -> Result<ReplanOutcome, PlanError> {
    let ws = prepare(ctx, plan, progress, fault, now, call_out)?;
    let settings = ctx.settings();
    let (routes, mut left, work) = match ws.urgent {
        Some(urgent) => {
            let config = settings.repair;
            let out = insert_urgent(
                &ws.problem().problem,
                &ws.routes,
                urgent,
                &ws.stability,
                config,
            )?;
            (out.routes, out.unassigned, out.work)
        }
        None => (ws.routes.clone(), Vec::new(), 0),
    };
    let mut new_plan = ws.plan.clone();
    for (v, crew) in ws.crews.iter().enumerate() {
        let ri = ws.crew_route[v];
        let old = &ws.plan.routes[ri];
        let kept = Kept {
            stops: old.stops.iter().filter(|s| s.frozen).cloned().collect(),
            lunch: old.lunch.filter(|l| l.start <= now),
            departure: Some(old.departure),
        };
        new_plan.routes[ri] = assemble::route(
            ctx,
            &ws.clock,
            ws.problem(),
            crew,
            v,
            &ws.specs,
            &routes[v],
            kept,
        );
    }
    new_plan.unassigned.extend(ws.dropped.iter().cloned());
    left.sort_unstable();
    for j in left {
        let spec = &ws.specs[j];
        let is_fault = ws.urgent.is_some_and(|u| u.job == j);
        let (reason, detail) = if is_fault {
            let (r, d) = reason_of(diagnose(&ws.problem().problem, j));
            (r, d.to_owned())
        } else {
            (
                ReasonCode::DisplacedByFault,
                format!("made room for {}", ws.fault.task),
            )
        };
        new_plan.unassigned.push(UnassignedTask {
            flags: if is_fault {
                late_flags(&spec.task)
            } else {
                Vec::new()
            },
            task: spec.task.clone(),
            reason,
            detail,
        });
    }
    if let Some((reason, detail)) = &ws.fault_blocked {
        new_plan.unassigned.push(UnassignedTask {
            flags: late_flags(&ws.fault),
            task: ws.fault.clone(),
            reason: *reason,
            detail: detail.clone(),
        });
    }
    new_plan.routes.extend(call_out.cloned());
    new_plan
        .unassigned
        .sort_by(|a, b| a.task.task.cmp(&b.task.task));
    kpis::refresh(&mut new_plan);
    let d = diff(&ws.plan, &new_plan);
    let placed = new_plan.find_stop(&ws.fault.task);
    let eta = placed.map(|(_, s)| s.arrival);
    let deadline_met = placed.is_some()
        && ws
            .fault
            .deadline
            .is_none_or(|dl| eta.is_some_and(|e| e <= dl));
    let flags = match placed {
        Some((_, s)) => s.flags.clone(),
        None => late_flags(&ws.fault),
    };
    Ok(ReplanOutcome {
        diff: d,
        task: ws.fault.task.clone(),
        assigned_engineer: placed.map(|(r, _)| r.engineer.clone()),
        eta,
        deadline: ws.fault.deadline,
        deadline_met,
        flags,
        work,
        plan: new_plan,
    })
}

/// The `k` best engineers to take a fault at `now`, best first: those meeting the deadline
/// first, then those displacing nothing, then by arrival, then by added cost, then by id.
/// Nothing is committed.
pub fn recommend(
    ctx: &PlanningContext,
    plan: &Plan,
    progress: &[ProgressEvent],
    fault: &FaultInput,
    now: Instant,
    k: usize,
) -> Result<Vec<Recommendation>, PlanError> {
    let ws = prepare(ctx, plan, progress, fault, now, None)?;
    let mut recs = call_out_offers(ctx, &ws, plan, fault, now)?;
    let Some(urgent) = ws.urgent else {
        return Ok(ranked(recs, k));
    };
    let all = offers(
        &ws.problem().problem,
        &ws.routes,
        urgent,
        &ws.stability,
        ctx.settings().repair.max_work,
    )?;
    recs.extend(all.into_iter().map(|o| {
        let ri = ws.crew_route[o.vehicle];
        let old = &ws.plan.routes[ri];
        let mut retimed = Vec::new();
        for (&j, visit) in o.route.iter().zip(&o.schedule.visits) {
            if j == urgent.job || ws.specs[j].pickup {
                continue;
            }
            let task = &ws.specs[j].task.task;
            if let Some(s) = old
                .stops
                .iter()
                .find(|s| &s.task.task == task && !s.is_pickup())
            {
                let to = ws.clock.instant(visit.start);
                if to != s.start {
                    retimed.push(Retimed {
                        task: task.clone(),
                        from_start: s.start,
                        to_start: to,
                    });
                }
            }
        }
        Recommendation {
            rank: 0,
            engineer: old.engineer.clone(),
            eta: ws.clock.instant(o.arrival),
            start: ws.clock.instant(o.start),
            deadline_met: o.meets_target,
            cost: o.delta.0,
            call_out: false,
            displaced: o
                .displaced
                .iter()
                .map(|&j| ws.specs[j].task.task.clone())
                .collect(),
            retimed,
        }
    }));
    Ok(ranked(recs, k))
}

/// Best first: those meeting the deadline, then those displacing nothing, then by arrival,
/// then by added cost, then by id; the first `k`, ranked.
fn ranked(mut recs: Vec<Recommendation>, k: usize) -> Vec<Recommendation> {
    recs.sort_by(|a, b| {
        (
            !a.deadline_met,
            a.displaced.len(),
            a.eta,
            a.cost,
            &a.engineer,
        )
            .cmp(&(
                !b.deadline_met,
                b.displaced.len(),
                b.eta,
                b.cost,
                &b.engineer,
            ))
    });
    recs.truncate(k);
    for (i, r) in recs.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    recs
}

/// The call-outs on offer for a fault that may call an engineer out (see [`oncall`]); a
/// call-out's cost is the configured call-out cost plus its driving.
fn call_out_offers(
    ctx: &PlanningContext,
    ws: &Workspace,
    plan: &Plan,
    fault: &FaultInput,
    now: Instant,
) -> Result<Vec<Recommendation>, PlanError> {
    let task = tasks::fault_task(ctx, fault, plan.date)?;
    if !oncall::eligible(ctx, &task) {
        return Ok(Vec::new());
    }
    let called_at = now.max(fault.reported_at);
    Ok(oncall::offers(
        ctx,
        &task,
        plan.date,
        called_at,
        &ws.plan.routes,
        &plan.carried_call_outs,
    )
    .into_iter()
    .map(|o| Recommendation {
        rank: 0,
        engineer: o.engineer,
        eta: o.arrival,
        start: o.arrival,
        deadline_met: o.meets_deadline,
        cost: o.cost,
        displaced: Vec::new(),
        retimed: Vec::new(),
        call_out: true,
    })
    .collect())
}
