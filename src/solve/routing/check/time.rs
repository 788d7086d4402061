//! The reported timetable of a route, re-verified gap by gap: arrivals, service starts in
//! their windows, the return and the route's totals.

use super::RouteReport;
use super::breaks::{GapTiming, check_break_rule, ready_after_break};
use super::{Violation, add};
use crate::solve::routing::problem::{JobId, Problem, TimeWindow, VehicleId};
use crate::solve::routing::schedule::{Schedule, VisitTimes};
use crate::solve::routing::units::{Cost, Distance, Time};

/// Does `start` lie in one of the job's windows (any time if it has none)?
fn in_windows(windows: &[TimeWindow], start: Time) -> bool {
    windows.is_empty() || windows.iter().any(|w| w.contains(start))
}

/// The reported timetable, re-verified gap by gap.
pub(super) fn check_times(
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
pub(super) fn latest_end(problem: &Problem, vehicle: VehicleId) -> Time {
    let veh = &problem.vehicles[vehicle];
    let shift_end = add(veh.shift.end, veh.overtime.map_or(Time::ZERO, |o| o.max));
    veh.max_work
        .map_or(shift_end, |m| shift_end.min(add(veh.shift.start, m)))
}
