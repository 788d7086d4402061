//! The search on Solomon instances: determinism, the cancel flag, and answers that pass the
//! independent checker.

use fieldplan::io::solomon::{Instance, SolomonObjective};
use fieldplan::solve::routing::check::check;
use fieldplan::solve::routing::{self, SolverConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

fn instance(name: &str) -> Instance {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/solomon")
        .join(name);
    Instance::read(&path).expect("bundled instance")
}

fn config(seed: u64, threads: usize, work: u64) -> SolverConfig {
    SolverConfig {
        max_work: Some(work),
        ..SolverConfig::default()
            .with_seed(seed)
            .with_threads(threads)
            .with_time_limit(Duration::from_secs(60))
    }
}

fn routes(s: &routing::Solution) -> Vec<(usize, Vec<usize>)> {
    s.routes
        .iter()
        .map(|r| (r.vehicle, r.jobs.clone()))
        .collect()
}

#[test]
fn same_seed_and_threads_give_the_same_routes() {
    let problem = instance("RC101.txt").to_problem(SolomonObjective::Hierarchical);
    for threads in [1, 2] {
        let a = routing::solve(&problem, &config(7, threads, 3_000_000));
        let b = routing::solve(&problem, &config(7, threads, 3_000_000));
        assert!(a.stats.deterministic && b.stats.deterministic);
        assert_eq!(routes(&a), routes(&b), "threads {threads}");
        check(&problem, &a).expect("feasible");
    }
}

#[test]
fn different_seeds_explore_differently() {
    let problem = instance("R101.txt").to_problem(SolomonObjective::Distance);
    let a = routing::solve(&problem, &config(1, 1, 2_000_000));
    let b = routing::solve(&problem, &config(2, 1, 2_000_000));
    check(&problem, &a).expect("feasible");
    check(&problem, &b).expect("feasible");
    assert_ne!(routes(&a), routes(&b));
}

#[test]
fn a_raised_cancel_flag_stops_the_search_at_once() {
    let problem = instance("R201.txt").to_problem(SolomonObjective::Hierarchical);
    let cancel = Arc::new(AtomicBool::new(true));
    let mut cfg = config(1, 2, u64::MAX / 4);
    cfg.cancel = Some(cancel);
    let started = Instant::now();
    let solution = routing::solve(&problem, &cfg);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the flag was ignored"
    );
    assert!(!solution.stats.deterministic);
    check(&problem, &solution).expect("the construction is returned, feasible");
    assert!(solution.unassigned.is_empty());
}

#[test]
fn every_bundled_instance_is_solved_feasibly_under_both_objectives() {
    for name in [
        "C101.txt",
        "C201.txt",
        "R101.txt",
        "R201.txt",
        "RC101.txt",
        "RC201.txt",
    ] {
        let inst = instance(name);
        for objective in [SolomonObjective::Hierarchical, SolomonObjective::Distance] {
            let problem = inst.to_problem(objective);
            let solution = routing::solve(&problem, &config(1, 1, 1_000_000));
            check(&problem, &solution).unwrap_or_else(|v| panic!("{name}: {v:?}"));
            assert!(solution.unassigned.is_empty(), "{name}");
            assert!(solution.routes.len() <= inst.fleet, "{name}");
        }
    }
}
