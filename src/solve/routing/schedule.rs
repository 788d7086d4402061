//! The exact schedule of one route: visit times, the break, load and precedence, computed
//! from scratch in O(n²) at worst (O(n) without a break).
//!
//! Semantics, shared with the independent checker:
//! - the vehicle leaves its start at `shift.start` (reported later if it would only wait);
//! - service starts at the earliest instant at or after arrival that lies in one of the job's
//!   windows and not after its deadline (waiting is allowed); no such instant: infeasible;
//! - the vehicle must reach its end by `min(shift.end + overtime.max, shift.start + max_work)`;
//!   time past `shift.end` is overtime;
//! - a break is needed when the route reaches its end after the break window opens. It is taken
//!   in one gap between stops, either before driving on or on arrival before the service, and
//!   must start inside its window; the gap giving the earliest return is chosen;
//! - the load never exceeds capacity: deliveries of single jobs are on board from the start,
//!   a pickup adds its demand until its delivery drops it; a pickup precedes its delivery.
//!
//! - the members of a synchronised group (see [`Problem::groups`]) are served on distinct
//!   routes and start at the same instant: [`schedule_routes`] finds the earliest such instants.
//!
//! The search uses this for routes its constant-time checks do not cover exactly (several
//! windows, breaks, pairs, groups) and for every route it reports.

use super::problem::{JobId, PairRole, Problem, VehicleId};
use super::units::{Distance, Load, Time};
use serde::{Deserialize, Serialize};

/// The times of one visit.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitTimes {
    pub arrival: Time,
    pub start: Time,
    pub end: Time,
}

/// Where and when the break is taken: after `after_visits` visits (0: before the first).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakTimes {
    pub after_visits: usize,
    pub start: Time,
    pub end: Time,
}

/// A feasible route's timetable and totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub departure: Time,
    pub visits: Vec<VisitTimes>,
    pub rest_break: Option<BreakTimes>,
    /// Arrival at the vehicle's end location.
    pub arrival: Time,
    pub distance: Distance,
    pub travel_time: Time,
    /// Time past the end of the shift.
    pub overtime: Time,
}

/// Why a route has no feasible schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Infeasibility {
    Skill {
        job: JobId,
    },
    /// The job is pinned to another vehicle.
    Pin {
        job: JobId,
    },
    Window {
        job: JobId,
    },
    Return,
    Break,
    Capacity,
    Precedence {
        job: JobId,
    },
    /// A group is partly routed, has two members on one route, or its members cannot start
    /// together.
    Sync {
        group: usize,
    },
}

/// The earliest start at or after `t` allowed by the job's windows and deadline.
pub fn earliest_start(problem: &Problem, job: JobId, t: Time) -> Option<Time> {
    let j = &problem.jobs[job];
    let deadline = j.deadline.unwrap_or(Time::MAX);
    let start = if j.windows.is_empty() {
        t
    } else {
        j.windows
            .iter()
            .find(|w| w.end >= t)
            .map(|w| w.start.max(t))?
    };
    (start <= deadline).then_some(start)
}

/// Checks skills, load and precedence, which do not depend on time.
pub fn check_static(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
) -> Result<(), Infeasibility> {
    let veh = &problem.vehicles[vehicle];
    let mut load = Load::ZERO;
    for &j in jobs {
        if !veh.skills.covers(problem.jobs[j].skills) {
            return Err(Infeasibility::Skill { job: j });
        }
        if !problem.pin_allows(vehicle, j) {
            return Err(Infeasibility::Pin { job: j });
        }
        if problem.pair_roles[j] == PairRole::Single {
            load += problem.jobs[j].demand;
        }
    }
    if load > veh.capacity {
        return Err(Infeasibility::Capacity);
    }
    for (pos, &j) in jobs.iter().enumerate() {
        match problem.pair_roles[j] {
            PairRole::Single => load -= problem.jobs[j].demand,
            PairRole::Pickup { delivery } => {
                if !jobs[pos + 1..].contains(&delivery) {
                    return Err(Infeasibility::Precedence { job: j });
                }
                load += problem.jobs[j].demand;
            }
            PairRole::Delivery { pickup } => {
                if !jobs[..pos].contains(&pickup) {
                    return Err(Infeasibility::Precedence { job: j });
                }
                load -= problem.jobs[pickup].demand;
            }
        }
        if load > veh.capacity {
            return Err(Infeasibility::Capacity);
        }
    }
    Ok(())
}

/// Where the break goes in one timing pass.
#[derive(Copy, Clone)]
struct BreakSlot {
    gap: usize,
    on_arrival: bool,
}

/// One forward pass with the break (if any) in `slot`; a group member starts no earlier than
/// its group's `release` (none when `release` is empty).
fn forward(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    slot: Option<BreakSlot>,
    release: &[Time],
) -> Result<Schedule, Infeasibility> {
    let veh = &problem.vehicles[vehicle];
    let mut t = veh.shift.start;
    let mut prev = veh.start;
    let mut visits = Vec::with_capacity(jobs.len());
    let mut distance = Distance::ZERO;
    let mut travel_time = Time::ZERO;
    let mut rest_break = None;
    let take_break = |t: Time, gap: usize| -> Result<BreakTimes, Infeasibility> {
        let b = veh.rest_break.expect("a slot implies a break");
        let start = t.max(b.window.start);
        if start > b.window.end {
            return Err(Infeasibility::Break);
        }
        Ok(BreakTimes {
            after_visits: gap,
            start,
            end: start + b.duration,
        })
    };
    for gap in 0..=jobs.len() {
        let next_loc = jobs.get(gap).map_or(veh.end, |&j| problem.jobs[j].location);
        let here = slot.filter(|s| s.gap == gap);
        if let Some(s) = here
            && !s.on_arrival
        {
            let b = take_break(t, gap)?;
            t = b.end;
            rest_break = Some(b);
        }
        let drive = problem.duration(prev, next_loc);
        travel_time += drive;
        distance += problem.distance(prev, next_loc);
        let arrival = t + drive;
        t = arrival;
        if let Some(s) = here
            && s.on_arrival
        {
            let b = take_break(t, gap)?;
            t = b.end;
            rest_break = Some(b);
        }
        match jobs.get(gap) {
            Some(&j) => {
                let ready = match problem.group_of[j].and_then(|g| release.get(g)) {
                    Some(&r) => t.max(r),
                    None => t,
                };
                let start =
                    earliest_start(problem, j, ready).ok_or(Infeasibility::Window { job: j })?;
                let end = start + problem.jobs[j].service;
                visits.push(VisitTimes {
                    arrival,
                    start,
                    end,
                });
                t = end;
                prev = problem.jobs[j].location;
            }
            None => {
                let latest = veh.latest_return();
                if t > latest {
                    return Err(Infeasibility::Return);
                }
            }
        }
    }
    let arrival = t;
    Ok(Schedule {
        departure: veh.shift.start,
        visits,
        rest_break,
        arrival,
        distance,
        travel_time,
        overtime: (arrival - veh.shift.end).max(Time::ZERO),
    })
}

/// Is the break needed for a route returning at `arrival`?
fn break_needed(problem: &Problem, vehicle: VehicleId, arrival: Time, jobs: &[JobId]) -> bool {
    !jobs.is_empty()
        && problem.vehicles[vehicle]
            .rest_break
            .is_some_and(|b| arrival > b.window.start)
}

/// The exact schedule of `jobs` served in this order by `vehicle`, or why there is none.
/// Group members are timed as if alone: [`schedule_routes`] synchronises them.
pub fn schedule(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
) -> Result<Schedule, Infeasibility> {
    schedule_released(problem, vehicle, jobs, &[])
}

/// [`schedule`] with each group member starting no earlier than `release[its group]` (no
/// release when `release` is empty).
pub fn schedule_released(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    release: &[Time],
) -> Result<Schedule, Infeasibility> {
    check_static(problem, vehicle, jobs)?;
    let plain = forward(problem, vehicle, jobs, None, release);
    let no_break = problem.vehicles[vehicle].rest_break.is_none() || jobs.is_empty();
    let plain = match plain {
        Ok(s) if !break_needed(problem, vehicle, s.arrival, jobs) => {
            return Ok(with_late_departure(problem, vehicle, jobs, s));
        }
        Err(e) if no_break => return Err(e),
        Ok(s) => Some(s),
        Err(_) => None,
    };
    // The break is needed: the earliest return over every slot, the first slot on ties.
    let mut best: Option<(Time, BreakSlot)> = None;
    if let Some(plain) = &plain {
        'slots: for gap in 0..=jobs.len() {
            for on_arrival in [false, true] {
                let slot = BreakSlot { gap, on_arrival };
                let Some(arrival) = return_with_break(problem, vehicle, jobs, slot, release, plain)
                else {
                    continue;
                };
                if best.is_none_or(|(b, _)| arrival < b) {
                    best = Some((arrival, slot));
                    // No slot returns before the plain pass.
                    if arrival == plain.arrival {
                        break 'slots;
                    }
                }
            }
        }
    }
    // Without a feasible slot the error is the last slot's, the most telling one: the break
    // taken on arrival at the end.
    let slot = best.map_or(
        BreakSlot {
            gap: jobs.len(),
            on_arrival: true,
        },
        |(_, slot)| slot,
    );
    let s = forward(problem, vehicle, jobs, Some(slot), release)?;
    debug_assert!(
        best.is_some(),
        "forward and return_with_break disagree on the slots"
    );
    Ok(with_late_departure(problem, vehicle, jobs, s))
}

/// The return time of `jobs` with the break in `slot`, or `None` if that is infeasible; the
/// same as [`forward`]'s arrival, cheaper: timed from the state of the plain pass (`plain`,
/// feasible) at the slot's gap, without recording the visits, and ended as soon as the times
/// are back on the plain pass's (the break absorbed by waiting), from where the rest is the
/// same. A break only delays (service starts never fall as arrivals rise), so no slot returns
/// before the plain pass, and if the plain pass is infeasible so is every slot.
fn return_with_break(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    slot: BreakSlot,
    release: &[Time],
    plain: &Schedule,
) -> Option<Time> {
    let veh = &problem.vehicles[vehicle];
    let b = veh.rest_break?;
    let take_break = |t: Time| {
        let start = t.max(b.window.start);
        (start <= b.window.end).then_some(start + b.duration)
    };
    let g = slot.gap;
    let (mut t, mut prev) = match g.checked_sub(1) {
        None => (veh.shift.start, veh.start),
        Some(k) => (plain.visits[k].end, problem.jobs[jobs[k]].location),
    };
    if !slot.on_arrival {
        t = take_break(t)?;
    }
    for (gap, &j) in jobs.iter().enumerate().skip(g) {
        let here = problem.jobs[j].location;
        t += problem.duration(prev, here);
        if gap == g && slot.on_arrival {
            t = take_break(t)?;
        }
        let ready = match problem.group_of[j].and_then(|g| release.get(g)) {
            Some(&r) => t.max(r),
            None => t,
        };
        t = earliest_start(problem, j, ready)? + problem.jobs[j].service;
        if t == plain.visits[gap].end {
            return Some(plain.arrival);
        }
        prev = here;
    }
    t += problem.duration(prev, veh.end);
    if g == jobs.len() && slot.on_arrival {
        t = take_break(t)?;
    }
    let latest = veh.latest_return();
    (t <= latest).then_some(t)
}

/// The schedules of several routes, with every synchronised group's members starting
/// together, at the earliest instant the routes allow; or why there are none.
///
/// Synchronisation as in Drexl 2012 ("Synchronization in vehicle routing - a survey of VRPs
/// with multiple synchronization constraints", Transportation Science 46(3)), operation
/// synchronisation with equal start times, and Bredström & Rönnqvist 2008 (EJOR 191(1)):
/// there a MIP; here the earliest common starts are found by propagation (as Afifi, Dang and
/// Moukrim 2016 do for the VRPTW with synchronised visits). Each group gets a release time;
/// each round times every route with the releases and raises each group's release to the
/// latest start of its members. Starts never fall as releases rise (waiting is allowed), so
/// the releases climb to the least fixed point, where all members of every group start at its
/// release: the earliest synchronised timing, hence the least overtime. Members waiting on
/// each other in a cycle (A before B on one route, B before A on another) never settle; the
/// rounds are capped and such routes are infeasible.
pub fn schedule_routes<R: AsRef<[JobId]>>(
    problem: &Problem,
    routes: &[(VehicleId, R)],
) -> Result<Vec<Schedule>, Infeasibility> {
    let plain = |r: &(VehicleId, R)| schedule(problem, r.0, r.1.as_ref());
    if problem.groups.is_empty() {
        return routes.iter().map(plain).collect();
    }
    let seats = group_seats(problem, routes)?;
    let synced: Vec<bool> = routes
        .iter()
        .map(|(_, jobs)| jobs.as_ref().iter().any(|&j| problem.group_of[j].is_some()))
        .collect();
    let mut release = vec![Time::MIN; problem.groups.len()];
    let mut schedules: Vec<Schedule> = routes.iter().map(plain).collect::<Result<_, _>>()?;
    let mut unsettled = 0;
    let rounds = 2 * problem.groups.len() + 3;
    for round in 1..=rounds {
        let mut settled = true;
        for (g, seats) in seats.iter().enumerate() {
            let start = |&(r, pos): &(usize, usize)| schedules[r].visits[pos].start;
            let Some(latest) = seats.iter().map(start).max() else {
                continue;
            };
            if seats.iter().any(|s| start(s) != latest) {
                release[g] = latest;
                settled = false;
                unsettled = g;
            }
        }
        if settled {
            return Ok(schedules);
        }
        if round == rounds {
            break;
        }
        for (r, (vehicle, jobs)) in routes.iter().enumerate() {
            if synced[r] {
                schedules[r] = schedule_released(problem, *vehicle, jobs.as_ref(), &release)?;
            }
        }
    }
    Err(Infeasibility::Sync { group: unsettled })
}

/// Per group: where its members are (route, visit index), empty if it is not routed. A group
/// is routed whole or not at all, one member per route.
fn group_seats<R: AsRef<[JobId]>>(
    problem: &Problem,
    routes: &[(VehicleId, R)],
) -> Result<Vec<Vec<(usize, usize)>>, Infeasibility> {
    let mut seat = vec![None; problem.num_jobs()];
    for (r, (_, jobs)) in routes.iter().enumerate() {
        for (pos, &j) in jobs.as_ref().iter().enumerate() {
            seat[j] = Some((r, pos));
        }
    }
    let mut seats = Vec::with_capacity(problem.groups.len());
    for (g, group) in problem.groups.iter().enumerate() {
        let mut members: Vec<(usize, usize)> = group.jobs.iter().filter_map(|&j| seat[j]).collect();
        if !members.is_empty() {
            let mut routes_used: Vec<usize> = members.iter().map(|&(r, _)| r).collect();
            routes_used.sort_unstable();
            routes_used.dedup();
            if members.len() != group.jobs.len() || routes_used.len() != members.len() {
                return Err(Infeasibility::Sync { group: g });
            }
        }
        members.shrink_to_fit();
        seats.push(members);
    }
    Ok(seats)
}

/// Reports the departure as late as the first stop allows without moving any start: the
/// engineer waits at the service point rather than outside the first site.
fn with_late_departure(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    mut s: Schedule,
) -> Schedule {
    let veh = &problem.vehicles[vehicle];
    if let (Some(&first), Some(v)) = (jobs.first(), s.visits.first().copied()) {
        let break_first = s.rest_break.is_some_and(|b| b.after_visits == 0);
        if !break_first {
            let wait = v.start - v.arrival;
            if wait > Time::ZERO {
                s.departure += wait;
                s.visits[0].arrival = v.start;
            }
            debug_assert_eq!(
                s.visits[0].arrival,
                s.departure + problem.duration(veh.start, problem.jobs[first].location)
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::routing::TimeWindow;
    use crate::solve::routing::problem::{Break, Job, ProblemInput, Vehicle};
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    /// The break placed by trying every slot with a full pass, the earliest return kept (the
    /// first on ties), and the last slot's error when none is feasible.
    fn every_slot(problem: &Problem, jobs: &[JobId]) -> Result<Schedule, Infeasibility> {
        check_static(problem, 0, jobs)?;
        let plain = forward(problem, 0, jobs, None, &[]);
        if let Ok(s) = &plain
            && !break_needed(problem, 0, s.arrival, jobs)
        {
            return Ok(with_late_departure(problem, 0, jobs, plain.unwrap()));
        }
        let mut best: Option<Schedule> = None;
        let mut error = plain.err().unwrap_or(Infeasibility::Break);
        for gap in 0..=jobs.len() {
            for on_arrival in [false, true] {
                let slot = Some(BreakSlot { gap, on_arrival });
                match forward(problem, 0, jobs, slot, &[]) {
                    Ok(s) if best.as_ref().is_none_or(|b| s.arrival < b.arrival) => best = Some(s),
                    Ok(_) => {}
                    Err(e) => error = e,
                }
            }
        }
        best.map(|s| with_late_departure(problem, 0, jobs, s))
            .ok_or(error)
    }

    /// A day of `n` jobs on a line with one or two windows each and a lunch break.
    fn day(rng: &mut SmallRng, n: usize) -> Problem {
        let jobs = (1..=n)
            .map(|l| {
                let open = rng.random_range(0..300);
                let mut windows = vec![TimeWindow::new(
                    Time(open),
                    Time(open + rng.random_range(10..120)),
                )];
                if rng.random_bool(0.3) {
                    let later = open + 150 + rng.random_range(0..200);
                    windows.push(TimeWindow::new(Time(later), Time(later + 60)));
                }
                Job {
                    windows,
                    ..Job::at(l, Time(rng.random_range(5..40)))
                }
            })
            .collect();
        let vehicle = Vehicle {
            rest_break: Some(Break {
                window: TimeWindow::new(Time(120), Time(200)),
                duration: Time(30),
            }),
            ..Vehicle::at(
                0,
                TimeWindow::new(Time(0), Time(rng.random_range(350..600))),
            )
        };
        let d = |i: usize, j: usize| 3 * (i as i64 - j as i64).abs();
        Problem::new(ProblemInput::of_drives(n + 1, d, d, jobs, vec![vehicle]))
            .expect("a valid problem")
    }

    /// The cheaper search for the break's slot ([`return_with_break`]) gives the schedule, or
    /// the error, that a full pass per slot gives, feasible routes and infeasible ones alike.
    #[test]
    fn the_break_goes_where_a_full_pass_per_slot_puts_it() {
        let mut rng = SmallRng::seed_from_u64(7);
        let (mut feasible, mut with_break) = (0, 0);
        for _ in 0..400 {
            let n = rng.random_range(1..9);
            let problem = day(&mut rng, n);
            let mut jobs: Vec<JobId> = (0..n).collect();
            for _ in 0..5 {
                for k in (1..n).rev() {
                    jobs.swap(k, rng.random_range(0..=k));
                }
                let fast = schedule(&problem, 0, &jobs);
                assert_eq!(fast, every_slot(&problem, &jobs), "jobs {jobs:?}");
                feasible += usize::from(fast.is_ok());
                with_break += usize::from(fast.is_ok_and(|s| s.rest_break.is_some()));
            }
        }
        // Both kinds of routes were met, and most feasible ones took the break.
        assert!(feasible > 200 && feasible < 1900, "{feasible} feasible");
        assert!(
            with_break > feasible / 2,
            "{with_break} of {feasible} with the break"
        );
    }
}
