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
                let latest = veh
                    .latest_end()
                    .min(veh.max_work.map_or(Time::MAX, |m| veh.shift.start + m));
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
    match &plain {
        Ok(s) if !break_needed(problem, vehicle, s.arrival, jobs) => {
            return Ok(with_late_departure(problem, vehicle, jobs, plain.unwrap()));
        }
        Err(_) if problem.vehicles[vehicle].rest_break.is_none() || jobs.is_empty() => {
            return plain;
        }
        _ => {}
    }
    // The break is needed (or the plain pass failed and a break cannot help, but we still
    // report the most telling error): try every slot, keep the earliest return.
    let mut best: Option<Schedule> = None;
    let mut error = plain.err().unwrap_or(Infeasibility::Break);
    for gap in 0..=jobs.len() {
        for on_arrival in [false, true] {
            let slot = Some(BreakSlot { gap, on_arrival });
            match forward(problem, vehicle, jobs, slot, release) {
                Ok(s) => {
                    if best.as_ref().is_none_or(|b| s.arrival < b.arrival) {
                        best = Some(s);
                    }
                }
                Err(e) => error = e,
            }
        }
    }
    best.map(|s| with_late_departure(problem, vehicle, jobs, s))
        .ok_or(error)
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
