//! Property tests: on random small rich instances, every solver answer passes the checker, and
//! the solver's exact schedules agree with the checker's own timing.

use crate::generators::{instance, seeded};
use crate::support::evaluate_route;
use fieldplan::solve::routing::check::{check, check_route};
use fieldplan::solve::routing::{self, JobId, SolverConfig, schedule};
use proptest::prelude::*;
use std::time::Duration;

/// A fixed work budget: the answer does not depend on how busy the machine is.
fn config(threads: usize) -> SolverConfig {
    SolverConfig {
        max_work: Some(2_000_000),
        ..SolverConfig::default()
            .with_seed(1)
            .with_threads(threads)
            .with_time_limit(Duration::from_secs(30))
    }
}

proptest! {
    #![proptest_config(seeded(24, Some(64)))]

    #[test]
    fn every_solver_answer_passes_the_checker(
        spec in instance(1..=10, 1..=3),
        threads in prop_oneof![3 => Just(1usize), 1 => Just(2usize)],
    ) {
        let problem = spec.build();
        let solution = routing::solve(&problem, &config(threads));
        if let Err(violations) = check(&problem, &solution) {
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            prop_assert!(false, "violations: {list:#?}\nsolution: {solution:#?}");
        }
    }
}

proptest! {
    #![proptest_config(seeded(64, None))]

    /// `schedule` and the checker's timing agree on feasibility and on the return time (hence
    /// the overtime) of every prefix of a random job order, and every schedule passes
    /// `check_route`.
    #[test]
    fn exact_schedules_agree_with_the_checker(
        spec in instance(1..=9, 1..=2),
        keys in proptest::collection::vec(any::<u16>(), 9),
    ) {
        let problem = spec.build();
        let mut order: Vec<JobId> = (0..problem.num_jobs()).collect();
        order.sort_by_key(|&j| keys[j]);
        for v in 0..problem.num_vehicles() {
            for len in 0..=order.len() {
                let jobs = &order[..len];
                let ours = evaluate_route(&problem, v, jobs);
                let theirs = schedule(&problem, v, jobs);
                prop_assert_eq!(
                    ours.is_some(),
                    theirs.is_ok(),
                    "vehicle {} jobs {:?}: checker {:?}, schedule {:?}",
                    v, jobs, ours, theirs
                );
                if let (Some((_, ours)), Ok(theirs)) = (ours, theirs) {
                    let report = check_route(&problem, v, jobs, &theirs);
                    prop_assert!(report.is_ok(), "vehicle {} jobs {:?}: {:?}", v, jobs, report);
                    prop_assert_eq!(report.unwrap().returns, ours.returns);
                }
            }
        }
    }
}
