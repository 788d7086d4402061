//! Helpers shared by the routing tests: hand-made problems and solutions assembled with the
//! checker's own timing (never solver code).

use fieldplan::solve::routing::check::{
    RouteReport, check_route, earliest_schedule, earliest_synchronised,
};
use fieldplan::solve::routing::{
    Distance, Job, JobId, Matrix, Objective, Pair, Problem, ProblemInput, RoutePlan, Schedule,
    Solution, SolveStats, Time, TimeWindow, Vehicle, VehicleId,
};

pub fn t(v: i64) -> Time {
    Time(v)
}

pub fn window(start: i64, end: i64) -> TimeWindow {
    TimeWindow::new(Time(start), Time(end))
}

/// A problem on a line: location `i` is at `10 * i`, distance and duration `10 * |i - j|`.
pub fn line_problem(
    locations: usize,
    jobs: Vec<Job>,
    vehicles: Vec<Vehicle>,
    pairs: Vec<Pair>,
    minimize_vehicles: bool,
) -> Problem {
    let d = |i: usize, j: usize| 10 * (i as i64 - j as i64).abs();
    Problem::new(ProblemInput {
        distances: Matrix::from_fn(locations, |i, j| Distance(d(i, j))),
        durations: Matrix::from_fn(locations, |i, j| Time(d(i, j))),
        jobs,
        vehicles,
        pairs,
        groups: Vec::new(),
        minimize_vehicles,
    })
    .expect("a valid test problem")
}

/// The checker's evaluation of one route: its earliest timing, verified by `check_route`.
pub fn evaluate_route(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
) -> Option<(Schedule, RouteReport)> {
    let schedule = earliest_schedule(problem, vehicle, jobs)?;
    let report = check_route(problem, vehicle, jobs, &schedule).ok()?;
    Some((schedule, report))
}

/// The objective share of one route.
pub fn route_objective(problem: &Problem, report: &RouteReport) -> Objective {
    Objective {
        vehicles: u32::from(problem.minimize_vehicles),
        overtime: report.overtime_cost,
        travel: report.travel_cost,
        ..Objective::default()
    }
}

/// The objective share of left-out jobs.
pub fn unassigned_objective(problem: &Problem, unassigned: &[JobId]) -> Objective {
    let mut o = Objective::default();
    for &j in unassigned {
        match problem.jobs[j].drop_penalty {
            None => o.unserved_mandatory += 1,
            Some(p) => o.dropped_penalty += p,
        }
    }
    o
}

pub fn plus(a: Objective, b: Objective) -> Objective {
    Objective {
        unserved_mandatory: a.unserved_mandatory + b.unserved_mandatory,
        dropped_penalty: a.dropped_penalty + b.dropped_penalty,
        vehicles: a.vehicles + b.vehicles,
        overtime: a.overtime + b.overtime,
        travel: a.travel + b.travel,
    }
}

/// A complete solution of the given routes (empty ones left out), timed by the checker;
/// `None` if a route is infeasible.
pub fn assemble(
    problem: &Problem,
    routes: &[(VehicleId, Vec<JobId>)],
    unassigned: &[JobId],
) -> Option<Solution> {
    let timed = routes
        .iter()
        .filter(|(_, jobs)| !jobs.is_empty())
        .map(|(v, jobs)| {
            let (schedule, report) = evaluate_route(problem, *v, jobs)?;
            Some((*v, jobs.clone(), schedule, report))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(solution_of(problem, timed, unassigned))
}

/// A complete solution of the given routes with synchronised groups, timed by the checker's
/// own synchronised timing; `None` if the routes cannot be timed or a route fails its check.
pub fn assemble_synchronised(
    problem: &Problem,
    routes: &[(VehicleId, Vec<JobId>)],
    unassigned: &[JobId],
) -> Option<Solution> {
    let routes: Vec<(VehicleId, Vec<JobId>)> = routes
        .iter()
        .filter(|(_, jobs)| !jobs.is_empty())
        .cloned()
        .collect();
    let schedules = earliest_synchronised(problem, &routes)?;
    let timed = routes
        .into_iter()
        .zip(schedules)
        .map(|((v, jobs), schedule)| {
            let report = check_route(problem, v, &jobs, &schedule).ok()?;
            Some((v, jobs, schedule, report))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(solution_of(problem, timed, unassigned))
}

/// The solution of routes timed and checked (`(vehicle, jobs, schedule, report)`), sorted by
/// vehicle, with its objective and distance summed from the routes' reports.
fn solution_of(
    problem: &Problem,
    timed: Vec<(VehicleId, Vec<JobId>, Schedule, RouteReport)>,
    unassigned: &[JobId],
) -> Solution {
    let mut objective = unassigned_objective(problem, unassigned);
    let mut plans = Vec::new();
    let mut distance = Distance::ZERO;
    for (vehicle, jobs, schedule, report) in timed {
        objective = plus(objective, route_objective(problem, &report));
        distance += report.distance;
        plans.push(RoutePlan {
            vehicle,
            jobs,
            schedule,
        });
    }
    plans.sort_by_key(|p| p.vehicle);
    let mut unassigned = unassigned.to_vec();
    unassigned.sort_unstable();
    Solution {
        routes: plans,
        unassigned,
        objective,
        distance,
        stats: SolveStats::default(),
    }
}
