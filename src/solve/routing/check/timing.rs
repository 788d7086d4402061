//! The checker's own timing of a route (earliest starts, every break position tried), used by
//! tests to enumerate solutions without solver code.

use super::add;
use super::time::latest_end;
use crate::solve::routing::problem::{JobId, Problem, VehicleId};
use crate::solve::routing::schedule::{BreakTimes, Schedule, VisitTimes};
use crate::solve::routing::units::{Distance, Time};

/// The earliest instant at or after `t` at which the job may start, if any.
fn earliest_start_at(problem: &Problem, job: JobId, t: Time) -> Option<Time> {
    let spec = &problem.jobs[job];
    let start = if spec.windows.is_empty() {
        t
    } else {
        let w = spec.windows.iter().find(|w| t <= w.end)?;
        t.max(w.start)
    };
    spec.deadline.is_none_or(|d| start <= d).then_some(start)
}

/// One timing pass with the break, if any, in gap `slot.0`, taken on arrival if `slot.1`; a
/// group member waits for `release[its group]` (when `release` has it).
fn timing_pass(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    slot: Option<(usize, bool)>,
    release: &[Time],
) -> Option<Schedule> {
    let veh = &problem.vehicles[vehicle];
    let mut t = veh.shift.start;
    let mut prev_loc = veh.start;
    let mut visits = Vec::with_capacity(jobs.len());
    let mut rest_break = None;
    let mut take_break = |t: Time, gap: usize| -> Option<Time> {
        let rule = veh.rest_break?;
        let start = t.max(rule.window.start);
        if start > rule.window.end {
            return None;
        }
        let end = add(start, rule.duration);
        rest_break = Some(BreakTimes {
            after_visits: gap,
            start,
            end,
        });
        Some(end)
    };
    let (mut distance, mut travel_time) = (Distance::ZERO, Time::ZERO);
    for gap in 0..=jobs.len() {
        let job = jobs.get(gap).copied();
        let loc = job.map_or(veh.end, |j| problem.jobs[j].location);
        if slot == Some((gap, false)) {
            t = take_break(t, gap)?;
        }
        distance += problem.distance(prev_loc, loc);
        travel_time += problem.duration(prev_loc, loc);
        let arrival = add(t, problem.duration(prev_loc, loc));
        t = arrival;
        if slot == Some((gap, true)) {
            t = take_break(t, gap)?;
        }
        if let Some(j) = job {
            let released = problem.group_of[j]
                .and_then(|g| release.get(g).copied())
                .map_or(t, |r| t.max(r));
            let start = earliest_start_at(problem, j, released)?;
            let end = add(start, problem.jobs[j].service);
            visits.push(VisitTimes {
                arrival,
                start,
                end,
            });
            t = end;
            prev_loc = loc;
        }
    }
    if t > latest_end(problem, vehicle) {
        return None;
    }
    Some(Schedule {
        departure: veh.shift.start,
        visits,
        rest_break,
        arrival: t,
        distance,
        travel_time,
        overtime: Time((t - veh.shift.end).0.max(0)),
    })
}

/// The checker's own timing of `jobs` served in this order by `vehicle`: departure at the
/// shift start, every service at its earliest possible start, the break (when needed) in the
/// position giving the earliest return. `None` when no timing is feasible. Only time is
/// considered: skills, load and pairs are [`check_route`]'s business.
///
/// Earliest starts are optimal because waiting is always allowed, so the earliest return over
/// all break positions minimises overtime, the only time-dependent part of the objective.
pub fn earliest_schedule(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
) -> Option<Schedule> {
    released_schedule(problem, vehicle, jobs, &[])
}

/// [`earliest_schedule`] with group members waiting for their group's release.
fn released_schedule(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    release: &[Time],
) -> Option<Schedule> {
    let veh = &problem.vehicles[vehicle];
    let plain = timing_pass(problem, vehicle, jobs, None, release);
    let Some(rule) = veh.rest_break else {
        return plain;
    };
    if jobs.is_empty() {
        return plain;
    }
    if let Some(s) = &plain
        && s.arrival <= rule.window.start
    {
        return plain;
    }
    (0..=jobs.len())
        .flat_map(|gap| [(gap, false), (gap, true)])
        .filter_map(|slot| timing_pass(problem, vehicle, jobs, Some(slot), release))
        .min_by_key(|s| s.arrival)
}

/// The checker's own timing of several routes with every group's members starting together:
/// each route as [`earliest_schedule`] times it, members held back to their group's release,
/// releases raised to the latest member start until no member starts later than its release.
/// That fixed point is the earliest common timing (starts only grow with releases, waiting is
/// allowed). `None` when the routes cannot be timed so within two rounds per group and three,
/// or a group is split or doubled up on a route (see [`super::sync`]).
pub fn earliest_synchronised(
    problem: &Problem,
    routes: &[(VehicleId, Vec<JobId>)],
) -> Option<Vec<Schedule>> {
    let mut release = vec![Time::MIN; problem.groups.len()];
    for _ in 0..2 * problem.groups.len() + 3 {
        let schedules: Vec<Schedule> = routes
            .iter()
            .map(|(v, jobs)| released_schedule(problem, *v, jobs, &release))
            .collect::<Option<_>>()?;
        let mut raised = false;
        for (g, release) in release.iter_mut().enumerate() {
            let starts = super::sync::member_starts(problem, g, routes, &schedules).ok()?;
            let Some(&latest) = starts.iter().max() else {
                continue;
            };
            if starts.iter().any(|&s| s != latest) {
                *release = latest;
                raised = true;
            }
        }
        if !raised {
            return Some(schedules);
        }
    }
    None
}
