//! Solver answer to plan: stops with instants, travel from the previous stop, the lunch, and
//! the flags. Frozen stops of a re-plan are copied as they were and the planned part follows.

use super::build::{Built, Crew, JobSpec};
use super::clock::DayClock;
use super::context::PlanningContext;
use super::model::{EngineerKpis, EngineerRoute, Flag, Lunch, Stop, StopStatus, TaskRef};
use crate::domain::instant::Instant;
use crate::solve::routing::{JobId, schedule};

/// What a route keeps from before a re-plan.
#[derive(Clone, Debug, Default)]
pub struct Kept {
    pub stops: Vec<Stop>,
    pub lunch: Option<Lunch>,
    pub departure: Option<Instant>,
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
    flags
}

/// One engineer's route: `kept` then `jobs` (feasible for vehicle `v` of `built`).
#[allow(clippy::too_many_arguments)]
pub fn route(
    ctx: &PlanningContext,
    clock: &DayClock,
    built: &Built,
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
    let mut prev = crew.start_point;
    let (departure, return_at, lunch);
    if jobs.is_empty() {
        if frozen == 0 {
            departure = clock.instant(crew.shift.start);
            return_at = departure;
        } else {
            departure = kept
                .departure
                .unwrap_or(clock.instant(crew.day_shift.start));
            let back = ctx.travel(crew.start_point, crew.end_point).1;
            return_at =
                clock.instant(crew.shift.start + crate::solve::routing::Time(i64::from(back)));
        }
        lunch = kept.lunch;
    } else {
        let s = schedule(&built.problem, v, jobs).expect("routes are feasible");
        for (&j, visit) in jobs.iter().zip(&s.visits) {
            let spec = &specs[j];
            let (metres, seconds) = ctx.travel(prev, spec.point);
            let arrival = clock.instant(visit.arrival);
            stops.push(Stop {
                flags: stop_flags(&spec.task, arrival),
                task: spec.task.clone(),
                location: ctx.coords(spec.point),
                arrival,
                start: clock.instant(visit.start),
                end: clock.instant(visit.end),
                travel_seconds: seconds,
                travel_metres: metres,
                frozen: false,
                status: StopStatus::Planned,
            });
            prev = spec.point;
        }
        departure = match kept.departure {
            Some(d) if frozen > 0 => d,
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
    let last = stops.last().map_or(crew.start_point, |s| {
        ctx.site_point(&s.task.site).expect("known site")
    });
    let (return_travel_metres, return_travel_seconds) = if stops.is_empty() {
        (0, 0)
    } else {
        ctx.travel(last, crew.end_point)
    };
    EngineerRoute {
        engineer: crew.engineer.clone(),
        name: engineer.name.en().to_owned(),
        home: engineer.home.clone(),
        home_location: ctx.coords(crew.home_point),
        shift_start: clock.instant(crew.day_shift.start),
        shift_end: clock.instant(crew.day_shift.end),
        max_overtime_minutes: (crew.max_overtime.0 / 60) as u32,
        departure,
        return_at,
        return_travel_seconds,
        return_travel_metres,
        lunch,
        stops,
        kpis: EngineerKpis::default(),
    }
}
