//! Solver answer to plan: stops with instants, travel from the previous stop, the lunch, and
//! the flags. Frozen stops of a re-plan are copied as they were and the planned part follows.

use super::build::{BuiltProblem, Crew, JobSpec};
use super::clock::DayClock;
use super::context::PlanningContext;
use super::model::{
    EngineerKpis, EngineerRoute, Flag, Lunch, Restart, Stop, StopKind, StopStatus, TaskRef,
};
use crate::domain::instant::Instant;
use crate::solve::routing::{JobId, schedule};

/// What a route keeps from before a re-plan.
#[derive(Clone, Debug, Default)]
pub struct Kept {
    pub stops: Vec<Stop>,
    pub lunch: Option<Lunch>,
    pub departure: Option<Instant>,
}

/// The restart of a route whose crew starts from a reported position.
fn restart(clock: &DayClock, crew: &Crew, after_stops: usize) -> Option<Restart> {
    crew.origin.as_ref().map(|o| Restart {
        location: o.position,
        at: clock.instant(crew.shift.start),
        after_stops,
    })
}

/// The flags a planned visit earns.
pub fn stop_flags(task: &TaskRef, arrival: Instant) -> Vec<Flag> {
    let mut flags = Vec::new();
    if task.deadline.is_some_and(|d| arrival > d) {
        flags.push(Flag::DeadlineMissed);
    }
    if task.cadence.is_some_and(|c| c.overdue) {
        flags.push(Flag::Overdue);
    }
    if task.part_pickup.as_ref().is_some_and(|p| p.ordered) {
        flags.push(Flag::ManufacturerPart);
    }
    flags
}

/// One engineer's route: `kept` then `jobs` (feasible for vehicle `v` of `built`).
#[allow(clippy::too_many_arguments)]
pub fn route(
    ctx: &PlanningContext,
    clock: &DayClock,
    built: &BuiltProblem,
    crew: &Crew,
    v: usize,
    specs: &[JobSpec],
    jobs: &[JobId],
    kept: Kept,
) -> EngineerRoute {
    let engineer = ctx
        .scenario()
        .engineer(&crew.engineer)
        .expect("crews are scenario engineers");
    let mut stops = kept.stops;
    let frozen = stops.len();
    let mut prev = None;
    let (departure, return_at, lunch);
    if jobs.is_empty() {
        if frozen == 0 {
            departure = clock.instant(crew.shift.start);
            return_at = departure;
        } else {
            departure = kept
                .departure
                .unwrap_or(clock.instant(crew.day_shift.start));
            let back = crew.travel_from_start(ctx, crew.end_point).1;
            return_at =
                clock.instant(crew.shift.start + crate::solve::routing::Time(i64::from(back)));
        }
        lunch = kept.lunch;
    } else {
        let s = schedule(&built.problem, v, jobs).expect("routes are feasible");
        for (&j, visit) in jobs.iter().zip(&s.visits) {
            let spec = &specs[j];
            let (metres, seconds) = match prev {
                Some(p) => ctx.travel(p, spec.point),
                None => crew.travel_from_start(ctx, spec.point),
            };
            let arrival = clock.instant(visit.arrival);
            let (stop_kind, flags) = if spec.pickup {
                (StopKind::PartPickup, Vec::new())
            } else {
                (StopKind::Visit, stop_flags(&spec.task, arrival))
            };
            stops.push(Stop {
                flags,
                task: spec.task.clone(),
                stop_kind,
                member: spec.member,
                location: ctx.coords(spec.point),
                arrival,
                start: clock.instant(visit.start),
                end: clock.instant(visit.end),
                travel_seconds: seconds,
                travel_metres: metres,
                frozen: false,
                status: StopStatus::Planned,
            });
            prev = Some(spec.point);
        }
        departure = match kept.departure {
            Some(d) if frozen > 0 || crew.origin.is_some() => d,
            _ => clock.instant(s.departure),
        };
        return_at = clock.instant(s.arrival);
        lunch = s
            .rest_break
            .map(|b| Lunch {
                start: clock.instant(b.start),
                end: clock.instant(b.end),
                after_stops: frozen + b.after_visits,
            })
            .or(kept.lunch);
    }
    let (return_travel_metres, return_travel_seconds) = if stops.is_empty() {
        (0, 0)
    } else if prev.is_none() && crew.origin.is_some() {
        crew.travel_from_start(ctx, crew.end_point)
    } else {
        let last = super::build::stop_point(ctx, stops.last().expect("non-empty"))
            .expect("known site or service point");
        ctx.travel(last, crew.end_point)
    };
    EngineerRoute {
        engineer: crew.engineer.clone(),
        name: engineer.name.en().to_owned(),
        role: engineer.role,
        home: engineer.home.clone(),
        home_location: ctx.coords(crew.home_point),
        shift_start: clock.instant(crew.day_shift.start),
        shift_end: clock.instant(crew.day_shift.end),
        // Her day's allowance: a crew starting past its shift end (after a rest, or planned
        // late) keeps only the rest of it, to the same latest return.
        max_overtime_minutes: ((crew.latest() - crew.day_shift.end).0 / 60) as u32,
        departure,
        return_at,
        return_travel_seconds,
        return_travel_metres,
        lunch,
        stops,
        kpis: EngineerKpis::default(),
        restart: restart(clock, crew, frozen),
        call_out: None,
    }
}
