//! Exhaustive search on tiny instances: every job order on every vehicle, every split of the
//! jobs between vehicles and the unassigned list, evaluated only by the checker (its own
//! timing, verified by `check_route`). The solver must reach the optimal objective.
//!
//! The objective is a lexicographic order, which is compatible with addition, so the best
//! combination of routes is the sum of the best route per (vehicle, job subset): a dynamic
//! programme over vehicles and subsets (3^n per vehicle) after n! orders per vehicle.

use crate::generators::{instance, seeded};
use crate::support::{
    assemble, evaluate_route, line_problem, plus, route_objective, unassigned_objective, window,
};
use fieldplan::solve::routing::check::check;
use fieldplan::solve::routing::{
    self, Job, JobId, Objective, Problem, Solution, SolverConfig, Time, Vehicle, VehicleId,
};
use proptest::prelude::*;
use std::time::Duration;

/// Per job subset (bit mask), the best route of `vehicle` serving exactly that subset.
fn best_routes(problem: &Problem, vehicle: VehicleId) -> Vec<Option<(Objective, Vec<JobId>)>> {
    fn extend(
        problem: &Problem,
        vehicle: VehicleId,
        sequence: &mut Vec<JobId>,
        used: usize,
        best: &mut [Option<(Objective, Vec<JobId>)>],
    ) {
        if !sequence.is_empty()
            && let Some((_, report)) = evaluate_route(problem, vehicle, sequence)
        {
            let objective = route_objective(problem, &report);
            if best[used].as_ref().is_none_or(|(b, _)| objective < *b) {
                best[used] = Some((objective, sequence.clone()));
            }
        }
        for j in 0..problem.num_jobs() {
            if used & (1 << j) == 0 {
                sequence.push(j);
                extend(problem, vehicle, sequence, used | (1 << j), best);
                sequence.pop();
            }
        }
    }
    let mut best = vec![None; 1 << problem.num_jobs()];
    best[0] = Some((Objective::default(), Vec::new()));
    extend(problem, vehicle, &mut Vec::new(), 0, &mut best);
    best
}

/// The optimal objective and a solution reaching it.
fn optimum(problem: &Problem) -> (Objective, Solution) {
    let n = problem.num_jobs();
    assert!(n <= 10, "exhaustive search is for tiny instances");
    let full = (1usize << n) - 1;
    type Partial = Option<(Objective, Vec<(VehicleId, Vec<JobId>)>)>;
    let mut covered: Vec<Partial> = vec![None; 1 << n];
    covered[0] = Some((Objective::default(), Vec::new()));
    for v in 0..problem.num_vehicles() {
        let best = best_routes(problem, v);
        let mut next = covered.clone();
        for (mask, partial) in covered.iter().enumerate() {
            let Some((objective, routes)) = partial else {
                continue;
            };
            let rest = full & !mask;
            // Every non-empty subset of `rest`.
            let mut sub = rest;
            while sub != 0 {
                if let Some((route_objective, jobs)) = &best[sub] {
                    let total = plus(*objective, *route_objective);
                    if next[mask | sub].as_ref().is_none_or(|(b, _)| total < *b) {
                        let mut routes = routes.clone();
                        routes.push((v, jobs.clone()));
                        next[mask | sub] = Some((total, routes));
                    }
                }
                sub = (sub - 1) & rest;
            }
        }
        covered = next;
    }
    let (objective, routes, unassigned) = covered
        .iter()
        .enumerate()
        .filter_map(|(mask, partial)| {
            let (objective, routes) = partial.as_ref()?;
            let unassigned: Vec<JobId> = (0..n).filter(|j| mask & (1 << j) == 0).collect();
            let total = plus(*objective, unassigned_objective(problem, &unassigned));
            Some((total, routes, unassigned))
        })
        .min_by_key(|(total, _, _)| *total)
        .expect("leaving every job out is always possible");
    let witness = assemble(problem, routes, &unassigned).expect("routes were evaluated feasible");
    (objective, witness)
}

/// A fixed work budget, so that the answer does not depend on how busy the machine is; the
/// time limit is only a safety net.
fn config() -> SolverConfig {
    SolverConfig {
        max_work: Some(3_000_000),
        ..SolverConfig::default()
            .with_seed(1)
            .with_threads(1)
            .with_time_limit(Duration::from_secs(30))
    }
}

/// The optimum's witness passes the checker, and the solver's answer, checked, reaches it.
fn solver_reaches_optimum(problem: &Problem) -> Result<(), TestCaseError> {
    let (best, witness) = optimum(problem);
    let witness_report = check(problem, &witness);
    prop_assert!(
        witness_report.is_ok(),
        "witness rejected: {:?}",
        witness_report
    );
    prop_assert_eq!(witness_report.unwrap().objective, best);
    let solution = routing::solve(problem, &config());
    let report = check(problem, &solution);
    prop_assert!(report.is_ok(), "solver answer rejected: {:?}", report);
    let found = report.unwrap().objective;
    let routes = |s: &Solution| -> Vec<(VehicleId, Vec<JobId>)> {
        s.routes
            .iter()
            .map(|r| (r.vehicle, r.jobs.clone()))
            .collect()
    };
    prop_assert_eq!(
        found,
        best,
        "solver routes {:?} unassigned {:?}; optimal routes {:?} unassigned {:?}",
        routes(&solution),
        solution.unassigned,
        routes(&witness),
        witness.unassigned
    );
    Ok(())
}

#[test]
fn exhaustive_search_finds_the_known_optimum_on_a_line() {
    // Jobs at 10, 20 and 30 on a line; the third only from 100 on. One vehicle serves all
    // (travel 60); a second vehicle would add its own trip.
    let jobs = vec![
        Job::at(1, Time::ZERO),
        Job::at(2, Time::ZERO),
        Job {
            windows: vec![window(100, 200)],
            ..Job::at(3, Time::ZERO)
        },
    ];
    let vehicles = vec![Vehicle::at(0, window(0, 500)); 2];
    let problem = line_problem(4, jobs, vehicles, Vec::new(), true);
    let (best, witness) = optimum(&problem);
    assert_eq!(best.vehicles, 1);
    assert_eq!(best.travel, routing::Cost(60));
    assert_eq!(best.unserved_mandatory, 0);
    assert_eq!(check(&problem, &witness).expect("valid").objective, best);
}

proptest! {
    #![proptest_config(seeded(16, Some(32)))]

    #[test]
    fn solver_matches_exhaustive_search_up_to_seven_jobs(spec in instance(1..=7, 2..=2)) {
        solver_reaches_optimum(&spec.build())?;
    }
}

proptest! {
    #![proptest_config(seeded(2, Some(8)))]

    #[test]
    fn solver_matches_exhaustive_search_with_eight_jobs(spec in instance(8..=8, 2..=2)) {
        solver_reaches_optimum(&spec.build())?;
    }
}
