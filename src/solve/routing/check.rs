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
//! - the objective is recomputed and compared field by field.
//!
//! [`earliest_schedule`] is the checker's own timing of a job sequence (earliest starts, every
//! break position tried). Tests use it with [`check_route`] to enumerate solutions exhaustively
//! without touching solver code.

use super::objective::Objective;
use super::problem::{JobId, PairRole, Problem, TimeWindow, VehicleId};
use super::schedule::{BreakTimes, Schedule, VisitTimes};
use super::solution::Solution;
use super::units::{Cost, Distance, Load, Time};
use std::fmt;

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
    /// The reported objective differs from the recomputed one.
    WrongObjective {
        reported: Objective,
        expected: Objective,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation::*;
        match self {
            UnknownVehicle { vehicle } => write!(f, "route of unknown vehicle {vehicle}"),
            VehicleReused { vehicle } => write!(f, "vehicle {vehicle} drives more than one route"),
            EmptyRoute { vehicle } => write!(f, "vehicle {vehicle} has an empty route"),
            UnknownJob { job } => write!(f, "unknown job {job}"),
            JobRepeated { job, times } => {
                write!(
                    f,
                    "job {job} appears {times} times in routes and unassigned"
                )
            }
            JobMissing { job } => write!(f, "job {job} is neither routed nor unassigned"),
            SkillMissing { job, vehicle } => {
                write!(f, "vehicle {vehicle} lacks a skill job {job} requires")
            }
            CapacityExceeded {
                vehicle,
                after_visits,
                load,
                capacity,
            } => write!(
                f,
                "vehicle {vehicle}: load {load} exceeds capacity {capacity} after {after_visits} visit(s)"
            ),
            PairSplit {
                pickup,
                delivery,
                vehicle,
            } => write!(
                f,
                "pickup {pickup} and delivery {delivery} are not both on the route of vehicle {vehicle}"
            ),
            DeliveryBeforePickup {
                pickup,
                delivery,
                vehicle,
            } => write!(
                f,
                "vehicle {vehicle} serves delivery {delivery} before its pickup {pickup}"
            ),
            ScheduleLength {
                vehicle,
                visits,
                jobs,
            } => write!(
                f,
                "vehicle {vehicle}: schedule has {visits} visit(s) for {jobs} job(s)"
            ),
            EarlyDeparture {
                vehicle,
                departure,
                shift_start,
            } => write!(
                f,
                "vehicle {vehicle} departs at {departure}, before its shift starts at {shift_start}"
            ),
            WrongArrival {
                vehicle,
                job,
                reported,
                expected,
            } => match job {
                Some(j) => write!(
                    f,
                    "vehicle {vehicle}: arrival at job {j} reported {reported}, expected {expected}"
                ),
                None => write!(
                    f,
                    "vehicle {vehicle}: arrival at its end reported {reported}, expected {expected}"
                ),
            },
            StartBeforeArrival {
                vehicle,
                job,
                start,
                arrival,
            } => write!(
                f,
                "vehicle {vehicle} starts job {job} at {start}, before arriving at {arrival}"
            ),
            OutsideWindows {
                vehicle,
                job,
                start,
            } => write!(
                f,
                "vehicle {vehicle} starts job {job} at {start}, outside its windows"
            ),
            AfterDeadline {
                vehicle,
                job,
                start,
                deadline,
            } => write!(
                f,
                "vehicle {vehicle} starts job {job} at {start}, after its deadline {deadline}"
            ),
            WrongServiceEnd {
                vehicle,
                job,
                reported,
                expected,
            } => write!(
                f,
                "vehicle {vehicle}: job {job} ends at {reported}, expected {expected}"
            ),
            UnexpectedBreak { vehicle } => {
                write!(f, "vehicle {vehicle} takes a break it does not have")
            }
            MissingBreak {
                vehicle,
                returns,
                window,
            } => write!(
                f,
                "vehicle {vehicle} returns at {returns}, after its break window [{}, {}] opens, without a break",
                window.start, window.end
            ),
            BreakPosition {
                vehicle,
                after_visits,
                visits,
            } => write!(
                f,
                "vehicle {vehicle}: break after visit {after_visits} of a route of {visits}"
            ),
            BreakOutsideWindow {
                vehicle,
                start,
                window,
            } => write!(
                f,
                "vehicle {vehicle}: break starts at {start}, outside its window [{}, {}]",
                window.start, window.end
            ),
            WrongBreakDuration {
                vehicle,
                start,
                end,
                duration,
            } => write!(
                f,
                "vehicle {vehicle}: break from {start} to {end} does not last {duration}"
            ),
            BreakOverlapsService { vehicle, job } => match job {
                Some(j) => write!(
                    f,
                    "vehicle {vehicle}: break overlaps the service of job {j}"
                ),
                None => write!(f, "vehicle {vehicle}: break starts before departure"),
            },
            BreakWhileDriving {
                vehicle,
                start,
                arrival,
            } => write!(
                f,
                "vehicle {vehicle}: break starts at {start} while driving (arrival at {arrival})"
            ),
            LateReturn {
                vehicle,
                returns,
                latest,
            } => write!(
                f,
                "vehicle {vehicle} returns at {returns}, after its latest end {latest}"
            ),
            WrongRouteTotal {
                vehicle,
                what,
                reported,
                expected,
            } => write!(
                f,
                "vehicle {vehicle}: {what} reported {reported}, expected {expected}"
            ),
            WrongTotalDistance { reported, expected } => {
                write!(f, "total distance reported {reported}, expected {expected}")
            }
            WrongObjective { reported, expected } => {
                write!(f, "objective reported {reported:?}, expected {expected:?}")
            }
        }
    }
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
    check_static(problem, vehicle, jobs, violations);
    check_times(problem, vehicle, jobs, schedule, violations)
}

/// Skills, load and pairs: what does not depend on time.
fn check_static(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    violations: &mut Vec<Violation>,
) {
    let veh = &problem.vehicles[vehicle];
    let position = |job: JobId| jobs.iter().position(|&j| j == job);
    for &j in jobs {
        if !veh.skills.covers(problem.jobs[j].skills) {
            violations.push(Violation::SkillMissing { job: j, vehicle });
        }
    }
    // Load on board at departure: every single job's demand.
    let mut load: i64 = jobs
        .iter()
        .filter(|&&j| matches!(problem.pair_roles[j], PairRole::Single))
        .map(|&j| problem.jobs[j].demand.0)
        .fold(0i64, i64::saturating_add);
    let over = |load: i64, after_visits: usize, violations: &mut Vec<Violation>| {
        if load > veh.capacity.0 {
            violations.push(Violation::CapacityExceeded {
                vehicle,
                after_visits,
                load: Load(load),
                capacity: veh.capacity,
            });
        }
    };
    over(load, 0, violations);
    for (pos, &j) in jobs.iter().enumerate() {
        match problem.pair_roles[j] {
            PairRole::Single => load = load.saturating_sub(problem.jobs[j].demand.0),
            PairRole::Pickup { delivery } => {
                load = load.saturating_add(problem.jobs[j].demand.0);
                match position(delivery) {
                    None => violations.push(Violation::PairSplit {
                        pickup: j,
                        delivery,
                        vehicle,
                    }),
                    Some(d) if d < pos => violations.push(Violation::DeliveryBeforePickup {
                        pickup: j,
                        delivery,
                        vehicle,
                    }),
                    Some(_) => {}
                }
            }
            PairRole::Delivery { pickup } => {
                match position(pickup) {
                    // Only a pickup already on board can be dropped.
                    Some(p) if p < pos => load = load.saturating_sub(problem.jobs[pickup].demand.0),
                    Some(_) => {} // reported at the pickup
                    None => violations.push(Violation::PairSplit {
                        pickup,
                        delivery: j,
                        vehicle,
                    }),
                }
            }
        }
        over(load, pos + 1, violations);
    }
}

/// Does `start` lie in one of the job's windows (any time if it has none)?
fn in_windows(windows: &[TimeWindow], start: Time) -> bool {
    windows.is_empty() || windows.iter().any(|w| w.contains(start))
}

/// The reported timetable, re-verified gap by gap.
fn check_times(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    s: &Schedule,
    violations: &mut Vec<Violation>,
) -> RouteReport {
    let veh = &problem.vehicles[vehicle];
    let mut report = route_totals(problem, vehicle, jobs, s, violations);
    if s.visits.len() != jobs.len() {
        violations.push(Violation::ScheduleLength {
            vehicle,
            visits: s.visits.len(),
            jobs: jobs.len(),
        });
        return report;
    }
    if s.departure < veh.shift.start {
        violations.push(Violation::EarlyDeparture {
            vehicle,
            departure: s.departure,
            shift_start: veh.shift.start,
        });
    }
    let rest_break = check_break_rule(problem, vehicle, jobs.len(), s, violations);
    // Invariant of the loop: `prev_end` is when the vehicle may leave the previous stop (the
    // departure, then each reported service end).
    let mut prev_end = s.departure;
    let mut prev_loc = veh.start;
    let mut returns = s.arrival;
    for gap in 0..=jobs.len() {
        let job = jobs.get(gap).copied();
        let loc = job.map_or(veh.end, |j| problem.jobs[j].location);
        let drive = problem.duration(prev_loc, loc);
        let reported = match job {
            Some(_) => s.visits[gap].arrival,
            None => s.arrival,
        };
        let direct = add(prev_end, drive);
        let wrong_arrival = |expected: Time| Violation::WrongArrival {
            vehicle,
            job,
            reported,
            expected,
        };
        // `ready`: the earliest the service may start, or when the route's work ends.
        let ready = match rest_break.filter(|b| b.after_visits == gap) {
            None => {
                if reported != direct {
                    violations.push(wrong_arrival(direct));
                }
                reported
            }
            Some(b) => {
                let previous = gap.checked_sub(1).map(|p| jobs[p]);
                let timing = GapTiming {
                    prev_end,
                    direct,
                    drive,
                    reported,
                    at_end: job.is_none(),
                    previous,
                };
                ready_after_break(vehicle, job, b, timing, violations)
            }
        };
        match job {
            Some(j) => {
                let v: VisitTimes = s.visits[gap];
                check_visit(problem, vehicle, j, v, ready, violations);
                prev_end = v.end;
                prev_loc = loc;
            }
            None => returns = ready,
        }
    }
    check_return(
        problem,
        vehicle,
        s,
        rest_break.is_some(),
        returns,
        &mut report,
        violations,
    );
    report
}

/// Distance, travel time and travel cost of the route, which do not depend on the
/// timetable, compared with the reported totals.
fn route_totals(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    s: &Schedule,
    violations: &mut Vec<Violation>,
) -> RouteReport {
    let veh = &problem.vehicles[vehicle];
    let mut report = RouteReport::default();
    // Totals do not depend on the timetable.
    let mut prev_loc = veh.start;
    for loc in jobs
        .iter()
        .map(|&j| problem.jobs[j].location)
        .chain([veh.end])
    {
        report.distance = Distance(
            report
                .distance
                .0
                .saturating_add(problem.distance(prev_loc, loc).0),
        );
        report.travel_time = add(report.travel_time, problem.duration(prev_loc, loc));
        prev_loc = loc;
    }
    report.travel_cost = Cost(
        veh.cost_per_distance
            .saturating_mul(report.distance.0)
            .saturating_add(
                veh.cost_per_travel_time
                    .saturating_mul(report.travel_time.0),
            ),
    );
    let mut total = |what: &'static str, reported: i64, expected: i64| {
        if reported != expected {
            violations.push(Violation::WrongRouteTotal {
                vehicle,
                what,
                reported,
                expected,
            });
        }
    };
    total("distance", s.distance.0, report.distance.0);
    total("travel time", s.travel_time.0, report.travel_time.0);
    report
}

/// The reported break against the vehicle's rule: allowed at all, at a real position, inside
/// its window, of its duration. Returns the break to time the gaps with.
fn check_break_rule(
    problem: &Problem,
    vehicle: VehicleId,
    visits: usize,
    s: &Schedule,
    violations: &mut Vec<Violation>,
) -> Option<BreakTimes> {
    let veh = &problem.vehicles[vehicle];
    match (s.rest_break, veh.rest_break) {
        (Some(_), None) => {
            violations.push(Violation::UnexpectedBreak { vehicle });
            None
        }
        (Some(b), Some(rule)) => {
            if b.after_visits > visits {
                violations.push(Violation::BreakPosition {
                    vehicle,
                    after_visits: b.after_visits,
                    visits,
                });
            }
            if !rule.window.contains(b.start) {
                violations.push(Violation::BreakOutsideWindow {
                    vehicle,
                    start: b.start,
                    window: rule.window,
                });
            }
            if b.end != add(b.start, rule.duration) {
                violations.push(Violation::WrongBreakDuration {
                    vehicle,
                    start: b.start,
                    end: b.end,
                    duration: rule.duration,
                });
            }
            Some(b)
        }
        (None, _) => None,
    }
}

/// One gap of the route around the break taken in it: when the vehicle may leave
/// (`prev_end`), the direct arrival (`prev_end + drive`), the reported arrival, whether the
/// gap ends at the route's end, and the job before it.
#[derive(Copy, Clone)]
struct GapTiming {
    prev_end: Time,
    direct: Time,
    drive: Time,
    reported: Time,
    at_end: bool,
    previous: Option<JobId>,
}

/// The earliest the service may start (or the route's work ends) after a gap holding break
/// `b`: taken before driving on, on arrival, or (at the end location) reported as the
/// arrival; anything else overlaps a service or a drive, or misreports the arrival.
fn ready_after_break(
    vehicle: VehicleId,
    job: Option<JobId>,
    b: BreakTimes,
    g: GapTiming,
    violations: &mut Vec<Violation>,
) -> Time {
    let GapTiming {
        prev_end,
        direct,
        drive,
        reported,
        at_end,
        previous,
    } = g;
    let wrong_arrival = |expected: Time| Violation::WrongArrival {
        vehicle,
        job,
        reported,
        expected,
    };
    let before_driving = reported == add(b.end, drive) && b.start >= prev_end;
    let on_arrival = reported == direct && b.start >= direct;
    // At the end location the arrival may be reported as the end of the break.
    let at_end = at_end && reported == b.end && b.start >= direct;
    if before_driving {
        reported
    } else if on_arrival {
        reported.max(b.end)
    } else if at_end {
        b.end
    } else {
        if reported == add(b.end, drive) {
            violations.push(Violation::BreakOverlapsService {
                vehicle,
                job: previous,
            });
        } else if reported == direct {
            violations.push(Violation::BreakWhileDriving {
                vehicle,
                start: b.start,
                arrival: direct,
            });
        } else {
            violations.push(wrong_arrival(direct));
        }
        reported.max(b.end)
    }
}

/// One visit's own times: start after arrival and after `ready`, inside a window, not after
/// the deadline, lasting the service time.
fn check_visit(
    problem: &Problem,
    vehicle: VehicleId,
    j: JobId,
    v: VisitTimes,
    ready: Time,
    violations: &mut Vec<Violation>,
) {
    let spec = &problem.jobs[j];
    if v.start < v.arrival {
        violations.push(Violation::StartBeforeArrival {
            vehicle,
            job: j,
            start: v.start,
            arrival: v.arrival,
        });
    } else if v.start < ready {
        violations.push(Violation::BreakOverlapsService {
            vehicle,
            job: Some(j),
        });
    }
    if !in_windows(&spec.windows, v.start) {
        violations.push(Violation::OutsideWindows {
            vehicle,
            job: j,
            start: v.start,
        });
    }
    if let Some(deadline) = spec.deadline
        && v.start > deadline
    {
        violations.push(Violation::AfterDeadline {
            vehicle,
            job: j,
            start: v.start,
            deadline,
        });
    }
    let end = add(v.start, spec.service);
    if v.end != end {
        violations.push(Violation::WrongServiceEnd {
            vehicle,
            job: j,
            reported: v.end,
            expected: end,
        });
    }
}

/// The route's return: the break is there if the route works past its window's start, the
/// return is no later than allowed, and the reported overtime is right.
fn check_return(
    problem: &Problem,
    vehicle: VehicleId,
    s: &Schedule,
    took_break: bool,
    returns: Time,
    report: &mut RouteReport,
    violations: &mut Vec<Violation>,
) {
    let veh = &problem.vehicles[vehicle];
    if let Some(rule) = veh.rest_break
        && !took_break
        && returns > rule.window.start
    {
        violations.push(Violation::MissingBreak {
            vehicle,
            returns,
            window: rule.window,
        });
    }
    let latest = latest_end(problem, vehicle);
    if returns > latest {
        violations.push(Violation::LateReturn {
            vehicle,
            returns,
            latest,
        });
    }
    report.returns = returns;
    report.overtime = Time((returns.0.saturating_sub(veh.shift.end.0)).max(0));
    report.overtime_cost = veh.overtime.map_or(Cost::ZERO, |o| {
        Cost(o.cost_per_unit.0.saturating_mul(report.overtime.0))
    });
    if s.overtime != report.overtime {
        violations.push(Violation::WrongRouteTotal {
            vehicle,
            what: "overtime",
            reported: s.overtime.0,
            expected: report.overtime.0,
        });
    }
}

/// The latest time a route of `vehicle` may end.
fn latest_end(problem: &Problem, vehicle: VehicleId) -> Time {
    let veh = &problem.vehicles[vehicle];
    let shift_end = add(veh.shift.end, veh.overtime.map_or(Time::ZERO, |o| o.max));
    veh.max_work
        .map_or(shift_end, |m| shift_end.min(add(veh.shift.start, m)))
}

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

/// One timing pass with the break, if any, in gap `slot.0`, taken on arrival if `slot.1`.
fn timing_pass(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    slot: Option<(usize, bool)>,
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
            let start = earliest_start_at(problem, j, t)?;
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
    let veh = &problem.vehicles[vehicle];
    let plain = timing_pass(problem, vehicle, jobs, None);
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
        .filter_map(|slot| timing_pass(problem, vehicle, jobs, Some(slot)))
        .min_by_key(|s| s.arrival)
}
