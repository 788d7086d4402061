//! An independent checker of routing solutions (in the manner of vrp-pragmatic's `checker/`).
//!
//! [`check`] re-verifies a [`Solution`] from scratch against the [`Problem`] data: the
//! assignment of jobs and vehicles, skills, load, pickup-and-delivery pairs, every reported
//! time, the totals and the [`Objective`]. It reads only the problem's data types and never
//! calls the solver or [`super::schedule`], so a bug there cannot hide itself here.
//!
//! Semantics checked (the contract of `schedule.rs`, restated):
//! - a vehicle leaves its start at or after `shift.start`; the arrival at each stop is the end
//!   of the previous service (or the departure) plus the travel duration, plus the break if the
//!   break is taken *before driving on* in that gap;
//! - a break taken *on arrival* starts at or after the arrival and the service waits for its end;
//! - service starts at or after the arrival, inside one of the job's windows (any time if it
//!   has none), not after its deadline, and lasts exactly the job's service time;
//! - the break, if the vehicle has one and the route returns after its window opens, starts
//!   inside its window, lasts its duration and overlaps neither a service nor a drive;
//! - the route returns (reaches its end, or ends the break taken there) by
//!   `min(shift.end + overtime.max, shift.start + max_work)`; time past `shift.end` is overtime;
//! - load: single jobs' demands are on board from the start and leave at their service; a
//!   pickup adds its demand, which its delivery (later, on the same route) removes; the load
//!   never exceeds capacity;
//! - every synchronised group is routed whole or not at all, its members on distinct vehicles,
//!   all starting at the same instant (each member's skills are checked like any job's);
//! - the objective is recomputed and compared field by field.
//!
//! One file per concern, as vrp-pragmatic's checker: [`load`] (skills, capacity, pairs),
//! [`time`] (the timetable and totals), [`breaks`], [`sync`] (groups), [`timing`] (the
//! checker's own timing, for tests), [`display`] (how violations read).
//!
//! [`earliest_schedule`] is the checker's own timing of a job sequence (earliest starts, every
//! break position tried), [`earliest_synchronised`] that of several routes with groups. Tests
//! use them with [`check_route`] and [`check`] to enumerate solutions exhaustively without
//! touching solver code.

mod breaks;
mod display;
mod load;
mod sync;
mod time;
mod timing;

pub use timing::{earliest_schedule, earliest_synchronised};

use super::objective::Objective;
use super::problem::{JobId, Problem, TimeWindow, VehicleId};
use super::schedule::Schedule;
use super::solution::Solution;
use super::units::{Cost, Distance, Load, Time};

/// One way a solution breaks the problem's rules or misreports itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// A route names a vehicle the problem does not have.
    UnknownVehicle { vehicle: VehicleId },
    /// A vehicle drives more than one route.
    VehicleReused { vehicle: VehicleId },
    /// A route has no job (solutions list non-empty routes only).
    EmptyRoute { vehicle: VehicleId },
    /// A route or the unassigned list names a job the problem does not have.
    UnknownJob { job: JobId },
    /// A job appears more than once across routes and the unassigned list.
    JobRepeated { job: JobId, times: usize },
    /// A job is neither on a route nor unassigned.
    JobMissing { job: JobId },
    /// The vehicle lacks a skill the job requires.
    SkillMissing { job: JobId, vehicle: VehicleId },
    /// The job is pinned to another vehicle.
    PinBroken {
        job: JobId,
        vehicle: VehicleId,
        pinned: VehicleId,
    },
    /// The load exceeds capacity after `after_visits` visits (0: at departure).
    CapacityExceeded {
        vehicle: VehicleId,
        after_visits: usize,
        load: Load,
        capacity: Load,
    },
    /// The two jobs of a pair are not on the same route (one may be unassigned).
    PairSplit {
        pickup: JobId,
        delivery: JobId,
        vehicle: VehicleId,
    },
    /// A delivery is served before its pickup.
    DeliveryBeforePickup {
        pickup: JobId,
        delivery: JobId,
        vehicle: VehicleId,
    },
    /// The schedule does not have one visit per job.
    ScheduleLength {
        vehicle: VehicleId,
        visits: usize,
        jobs: usize,
    },
    /// The vehicle leaves before its shift starts.
    EarlyDeparture {
        vehicle: VehicleId,
        departure: Time,
        shift_start: Time,
    },
    /// A reported arrival (at a job, or at the end location when `job` is `None`) is not the
    /// previous end plus the travel duration.
    WrongArrival {
        vehicle: VehicleId,
        job: Option<JobId>,
        reported: Time,
        expected: Time,
    },
    /// Service starts before the vehicle arrives.
    StartBeforeArrival {
        vehicle: VehicleId,
        job: JobId,
        start: Time,
        arrival: Time,
    },
    /// Service starts outside every window of the job.
    OutsideWindows {
        vehicle: VehicleId,
        job: JobId,
        start: Time,
    },
    /// Service starts after the job's deadline.
    AfterDeadline {
        vehicle: VehicleId,
        job: JobId,
        start: Time,
        deadline: Time,
    },
    /// A reported service end is not its start plus the service time.
    WrongServiceEnd {
        vehicle: VehicleId,
        job: JobId,
        reported: Time,
        expected: Time,
    },
    /// A break is reported for a vehicle that has none.
    UnexpectedBreak { vehicle: VehicleId },
    /// The route returns after the break window opens but no break is taken.
    MissingBreak {
        vehicle: VehicleId,
        returns: Time,
        window: TimeWindow,
    },
    /// The break is placed after a visit the route does not have.
    BreakPosition {
        vehicle: VehicleId,
        after_visits: usize,
        visits: usize,
    },
    /// The break starts outside its window.
    BreakOutsideWindow {
        vehicle: VehicleId,
        start: Time,
        window: TimeWindow,
    },
    /// The break does not last its duration.
    WrongBreakDuration {
        vehicle: VehicleId,
        start: Time,
        end: Time,
        duration: Time,
    },
    /// The break overlaps the service of `job`, or starts before departure when `job` is `None`.
    BreakOverlapsService {
        vehicle: VehicleId,
        job: Option<JobId>,
    },
    /// The break starts while the vehicle is still driving.
    BreakWhileDriving {
        vehicle: VehicleId,
        start: Time,
        arrival: Time,
    },
    /// The route returns after the latest allowed end.
    LateReturn {
        vehicle: VehicleId,
        returns: Time,
        latest: Time,
    },
    /// A reported route total (distance, travel time, overtime) is wrong.
    WrongRouteTotal {
        vehicle: VehicleId,
        what: &'static str,
        reported: i64,
        expected: i64,
    },
    /// The solution's total distance is not the sum over its routes.
    WrongTotalDistance {
        reported: Distance,
        expected: Distance,
    },
    /// Some members of a group are routed, others not.
    GroupSplit {
        group: usize,
        routed: usize,
        members: usize,
    },
    /// Two members of a group ride the same vehicle.
    GroupSharesVehicle { group: usize, vehicle: VehicleId },
    /// The members of a group do not all start at the same instant.
    GroupNotTogether { group: usize, starts: Vec<Time> },
    /// The reported objective differs from the recomputed one.
    WrongObjective {
        reported: Objective,
        expected: Objective,
    },
}

/// What one route amounts to, recomputed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouteReport {
    pub distance: Distance,
    pub travel_time: Time,
    /// When the route's work ends: the arrival at the end location, or the end of a break
    /// taken there.
    pub returns: Time,
    pub overtime: Time,
    pub overtime_cost: Cost,
    pub travel_cost: Cost,
}

/// What a valid solution amounts to, recomputed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub objective: Objective,
    /// Non-empty routes.
    pub vehicles_used: usize,
    pub served: usize,
    pub unassigned: usize,
    pub distance: Distance,
    pub travel_time: Time,
    pub overtime: Time,
}

/// Checks `solution` against `problem` from scratch. `Ok` holds the recomputed totals;
/// `Err` lists every violation found (at least one).
pub fn check(problem: &Problem, solution: &Solution) -> Result<CheckReport, Vec<Violation>> {
    let mut violations = Vec::new();
    let n = problem.num_jobs();
    let mut times_seen = vec![0usize; n];
    let mut vehicle_used = vec![false; problem.num_vehicles()];
    let mut report = CheckReport::default();
    let mut travel = Cost::ZERO;
    let mut overtime = Cost::ZERO;

    let mut note_job = |j: JobId, violations: &mut Vec<Violation>| {
        if j < n {
            times_seen[j] += 1;
            true
        } else {
            violations.push(Violation::UnknownJob { job: j });
            false
        }
    };
    for route in &solution.routes {
        let v = route.vehicle;
        // Every job is noted, even after an unknown one.
        let unknown = route
            .jobs
            .iter()
            .filter(|&&j| !note_job(j, &mut violations))
            .count();
        if v >= problem.num_vehicles() {
            violations.push(Violation::UnknownVehicle { vehicle: v });
            continue;
        }
        if std::mem::replace(&mut vehicle_used[v], true) {
            violations.push(Violation::VehicleReused { vehicle: v });
        }
        if route.jobs.is_empty() {
            violations.push(Violation::EmptyRoute { vehicle: v });
            continue;
        }
        if unknown > 0 {
            continue;
        }
        report.vehicles_used += 1;
        report.served += route.jobs.len();
        // Totals count even on a faulty route, so that they are not reported wrong as well.
        let r = route_report(problem, v, &route.jobs, &route.schedule, &mut violations);
        report.distance += r.distance;
        report.travel_time += r.travel_time;
        report.overtime += r.overtime;
        travel += r.travel_cost;
        overtime += r.overtime_cost;
    }
    let mut unserved_mandatory = 0u32;
    let mut dropped_penalty = Cost::ZERO;
    for &j in &solution.unassigned {
        if note_job(j, &mut violations) {
            report.unassigned += 1;
            match problem.jobs[j].drop_penalty {
                None => unserved_mandatory += 1,
                Some(p) => dropped_penalty = Cost(dropped_penalty.0.saturating_add(p.0)),
            }
        }
    }
    for (j, &times) in times_seen.iter().enumerate() {
        match times {
            0 => violations.push(Violation::JobMissing { job: j }),
            1 => {}
            _ => violations.push(Violation::JobRepeated { job: j, times }),
        }
    }
    // A pair with one job unassigned and the other routed is caught by its route's check.
    sync::check_groups(problem, solution, &mut violations);
    if solution.distance != report.distance {
        violations.push(Violation::WrongTotalDistance {
            reported: solution.distance,
            expected: report.distance,
        });
    }
    report.objective = Objective {
        unserved_mandatory,
        dropped_penalty,
        vehicles: if problem.minimize_vehicles {
            report.vehicles_used as u32
        } else {
            0
        },
        overtime,
        travel,
    };
    if violations.is_empty() && solution.objective != report.objective {
        violations.push(Violation::WrongObjective {
            reported: solution.objective,
            expected: report.objective,
        });
    }
    if violations.is_empty() {
        Ok(report)
    } else {
        Err(violations)
    }
}

fn add(a: Time, b: Time) -> Time {
    Time(a.0.saturating_add(b.0))
}

/// Checks one non-empty route of known jobs: skills, load, pairs and the reported `schedule`.
///
/// # Panics
/// Never for ids below `problem.num_vehicles()` / `problem.num_jobs()`; callers must ensure
/// `vehicle` and every job id are in range.
pub fn check_route(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    schedule: &Schedule,
) -> Result<RouteReport, Vec<Violation>> {
    let mut violations = Vec::new();
    let report = route_report(problem, vehicle, jobs, schedule, &mut violations);
    if violations.is_empty() {
        Ok(report)
    } else {
        Err(violations)
    }
}

/// [`check_route`], adding to `violations`.
fn route_report(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    schedule: &Schedule,
    violations: &mut Vec<Violation>,
) -> RouteReport {
    load::check_static(problem, vehicle, jobs, violations);
    time::check_times(problem, vehicle, jobs, schedule, violations)
}
