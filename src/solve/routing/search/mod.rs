//! The search: ruin-and-recreate with annealing over feasible solutions, route elimination for
//! the hierarchical objective, several seeded threads that share their best solution at fixed
//! points of their work so that same seed and thread count give the same answer.

mod accept;
#[doc(hidden)]
pub mod bench;
mod context;
mod cost;
mod drives;
mod env;
mod fleet;
mod insertion;
mod ls;
mod recreate;
mod route;
mod ruin;
mod segment;
mod state;
mod sync;
mod thread;

pub use context::Context;

use env::Env;
use std::time::Instant;
use thread::SearchThread;

use crate::solve::routing::config::SolverConfig;
use crate::solve::routing::objective::Objective;
use crate::solve::routing::problem::{JobId, Problem, VehicleId};

/// Epochs per run: threads share their best solution after each.
const EPOCHS: u64 = 25;

/// What the search found.
pub struct Outcome {
    pub routes: Vec<(VehicleId, Vec<JobId>)>,
    pub unassigned: Vec<JobId>,
    pub objective: Objective,
    pub iterations: u64,
    /// The work budget alone decided the answer: the clock neither stopped the search nor
    /// set its annealing schedule, and it was not cancelled.
    pub deterministic: bool,
}

/// Runs the search on `problem`.
pub fn run(problem: &Problem, config: &SolverConfig, started: Instant) -> Outcome {
    let ctx = Context::new(problem);
    let deadline = started + config.time_limit;
    let budget = config.work_budget(problem.durations.size());
    let threads = config.threads.max(1);
    let mut searches: Vec<SearchThread> = (0..threads)
        .map(|t| {
            let seed = config
                .seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(t as u64);
            SearchThread::new(
                &ctx,
                Env::new(seed, deadline, config.cancel.clone()),
                budget,
            )
        })
        .collect();
    let pool = (threads > 1).then(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool can be built")
    });
    for epoch in 1..=EPOCHS {
        let target = budget / EPOCHS * epoch + if epoch == EPOCHS { budget % EPOCHS } else { 0 };
        match &pool {
            Some(pool) => pool.install(|| {
                use rayon::prelude::*;
                searches.par_iter_mut().for_each(|s| s.run_until(target));
            }),
            None => searches[0].run_until(target),
        }
        if searches.iter().any(|s| s.env.was_interrupted())
            || searches.iter().all(SearchThread::done)
        {
            break;
        }
        share_best(&mut searches);
    }
    let best = searches
        .iter()
        .enumerate()
        .min_by_key(|(t, s)| (s.best_objective, *t))
        .map(|(_, s)| s)
        .expect("at least one thread");
    Outcome {
        routes: best.best.sequences(),
        unassigned: best.best.unassigned.clone(),
        objective: best.best_objective,
        iterations: searches.iter().map(|s| s.iterations).sum(),
        deterministic: searches
            .iter()
            .all(|s| !s.env.was_interrupted() && !s.followed_clock),
    }
}

/// Threads whose best is worse than the overall best continue from the overall best.
fn share_best(searches: &mut [SearchThread]) {
    let Some((leader, objective)) = searches
        .iter()
        .enumerate()
        .min_by_key(|(t, s)| (s.best_objective, *t))
        .map(|(t, s)| (t, s.best_objective))
    else {
        return;
    };
    let best = searches[leader].best.clone();
    for (t, s) in searches.iter_mut().enumerate() {
        if t != leader && s.best_objective > objective {
            s.adopt(&best, objective);
        }
    }
}
