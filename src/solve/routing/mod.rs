//! The routing engine: a rich VRPTW solver on an index-based [`Problem`].
//!
//! Callers build a [`Problem`] (locations are matrix indices), pick a [`SolverConfig`] (seed,
//! threads, time limit, cancel flag) and call [`solve`]. Every route in the answer carries its
//! exact [`Schedule`].

pub mod check;
pub mod config;
pub mod objective;
pub mod problem;
pub mod schedule;
mod search;
pub mod solution;
pub mod units;

pub use config::SolverConfig;
pub use objective::Objective;
pub use problem::{
    Break, Group, Job, JobId, LocationId, MAX_TEAM, Matrix, Overtime, Pair, Problem, ProblemError,
    ProblemInput, Skills, TimeWindow, Vehicle, VehicleId,
};
pub use schedule::{Infeasibility, Schedule, schedule, schedule_routes};
#[doc(hidden)]
pub use search::bench;
pub use solution::{RoutePlan, Solution, SolveStats};
pub use units::{Cost, Distance, Load, Time};

use std::time::Instant;

/// The objective of a set of routes (job sequences per vehicle) and left-out jobs. Routes must
/// be feasible, groups synchronised; `None` if they are not.
pub fn objective_of(
    problem: &Problem,
    routes: &[(VehicleId, Vec<JobId>)],
    unassigned: &[JobId],
) -> Option<Objective> {
    let mut objective = Objective::default();
    let schedules = schedule_routes(problem, routes).ok()?;
    for ((v, jobs), s) in routes.iter().zip(&schedules) {
        if jobs.is_empty() {
            continue;
        }
        objective.travel += route_travel_cost(problem, *v, s);
        objective.overtime += overtime_cost(problem, *v, s.overtime);
        if problem.minimize_vehicles {
            objective.vehicles += 1;
        }
    }
    for &j in unassigned {
        match problem.jobs[j].drop_penalty {
            None => objective.unserved_mandatory += 1,
            Some(p) => objective.dropped_penalty += p,
        }
    }
    Some(objective)
}

/// Travel cost of a scheduled route.
pub fn route_travel_cost(problem: &Problem, vehicle: VehicleId, s: &Schedule) -> Cost {
    let v = &problem.vehicles[vehicle];
    Cost(v.cost_per_distance * s.distance.0 + v.cost_per_travel_time * s.travel_time.0)
}

/// Cost of `overtime` for a vehicle.
pub fn overtime_cost(problem: &Problem, vehicle: VehicleId, overtime: Time) -> Cost {
    problem.vehicles[vehicle]
        .overtime
        .map_or(Cost::ZERO, |o| Cost(o.cost_per_unit.0 * overtime.0))
}

/// Solves `problem`. Never fails: jobs that fit nowhere are returned as unassigned.
pub fn solve(problem: &Problem, config: &SolverConfig) -> Solution {
    let started = Instant::now();
    let outcome = search::run(problem, config, started);
    debug_assert_eq!(
        objective_of(problem, &outcome.routes, &outcome.unassigned),
        Some(outcome.objective)
    );
    finish(
        problem,
        outcome.routes,
        outcome.unassigned,
        outcome.iterations,
        started,
        outcome.deterministic,
    )
}

/// Builds the reported [`Solution`] from feasible routes.
fn finish(
    problem: &Problem,
    routes: Vec<(VehicleId, Vec<JobId>)>,
    unassigned: Vec<JobId>,
    iterations: u64,
    started: Instant,
    deterministic: bool,
) -> Solution {
    let objective = objective_of(problem, &routes, &unassigned).expect("routes are feasible");
    let schedules = schedule_routes(problem, &routes).expect("routes are feasible");
    let mut plans: Vec<RoutePlan> = routes
        .into_iter()
        .zip(schedules)
        .filter(|((_, jobs), _)| !jobs.is_empty())
        .map(|((vehicle, jobs), schedule)| RoutePlan {
            vehicle,
            schedule,
            jobs,
        })
        .collect();
    plans.sort_by_key(|p| p.vehicle);
    let distance = plans.iter().map(|p| p.schedule.distance).sum();
    let mut unassigned = unassigned;
    unassigned.sort_unstable();
    Solution {
        routes: plans,
        unassigned,
        objective,
        distance,
        stats: SolveStats {
            iterations,
            seconds: started.elapsed().as_secs_f64(),
            deterministic,
        },
    }
}
