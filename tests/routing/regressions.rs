//! Small instances on which the search once broke, each solved under several seeds and thread
//! counts and checked.

use crate::support::{line_problem, window};
use fieldplan::solve::routing::check::check;
use fieldplan::solve::routing::{self, Break, Job, Problem, Solution, SolverConfig, Time, Vehicle};
use std::time::Duration;

/// Solves `problem` under seeds 1 to 8 and one or two threads; every answer passes the checker.
fn solve_checked(problem: &Problem) -> Vec<Solution> {
    let mut answers = Vec::new();
    for seed in 1..=8 {
        for threads in [1, 2] {
            let config = SolverConfig {
                max_work: Some(300_000),
                ..SolverConfig::default()
                    .with_seed(seed)
                    .with_threads(threads)
                    .with_time_limit(Duration::from_secs(30))
            };
            let solution = routing::solve(problem, &config);
            if let Err(violations) = check(problem, &solution) {
                panic!("seed {seed}, {threads} threads: {violations:?}");
            }
            answers.push(solution);
        }
    }
    answers
}

#[test]
fn a_ruin_never_takes_away_the_stop_a_break_needs() {
    // Back by 50, a break of 10 starting in [10, 12]: in [0, 1] it is taken at job 0; job 1
    // alone leaves it only the depot, and the vehicle would be back at 60.
    let vehicle = Vehicle {
        rest_break: Some(Break {
            window: window(10, 12),
            duration: Time(10),
        }),
        ..Vehicle::at(0, window(0, 50))
    };
    let jobs = vec![Job::at(1, Time::ZERO), Job::at(2, Time::ZERO)];
    let problem = line_problem(3, jobs, vec![vehicle], Vec::new(), false);
    for solution in solve_checked(&problem) {
        assert!(solution.unassigned.is_empty());
        assert_eq!(solution.routes[0].jobs, vec![0, 1]);
    }
}
