//! Hooks for the criterion benches (`benches/routing.rs`): a constructed solution to evaluate
//! insertions into and to run one local-search pass on. Not part of the API.

use super::context::Context;
use super::env::Env;
use super::insertion::{EmptyRoutes, InsertOptions, best_insertion};
use super::ls;
use super::recreate::{greedy_with_blinks, placeable, sisr_order};
use super::state::State;
use crate::solve::routing::objective::Objective;
use crate::solve::routing::problem::{JobId, Problem};
use std::time::{Duration, Instant};

/// A solution built by the search's own construction, with its context and environment.
pub struct Fixture<'p> {
    ctx: Context<'p>,
    env: Env,
    state: State,
}

impl<'p> Fixture<'p> {
    /// The greedy construction of a search thread seeded with `seed`.
    pub fn construct(problem: &'p Problem, seed: u64) -> Self {
        let ctx = Context::new(problem);
        let deadline = Instant::now() + Duration::from_secs(3600);
        let mut env = Env::new(seed, deadline, None);
        let mut state = State::empty(&ctx);
        let mut order = placeable(&ctx, &state.unassigned);
        sisr_order(&ctx, &mut env, &mut order);
        let opts = InsertOptions {
            blink: 0.0,
            empty_routes: EmptyRoutes::Any,
            route_limit: None,
        };
        greedy_with_blinks(&ctx, &mut state, &mut env, &order, &opts);
        Self { ctx, env, state }
    }

    pub fn objective(&self) -> Objective {
        self.state.objective(&self.ctx)
    }

    /// Takes `jobs` out of their routes.
    pub fn take_out(&mut self, jobs: &[JobId]) {
        self.state.remove(&self.ctx, jobs);
    }

    /// Evaluates every insertion position of `job` (exactly where its route needs it) and
    /// returns the cheapest one's route and position.
    pub fn best_insertion(&mut self, job: JobId) -> Option<(usize, usize)> {
        let opts = InsertOptions {
            blink: 0.0,
            empty_routes: EmptyRoutes::Any,
            route_limit: None,
        };
        best_insertion(&self.ctx, &self.state, &mut self.env, job, &opts)
            .map(|ins| (ins.route, ins.after))
    }

    /// One local-search descent from every routed job, on a copy of the solution; the
    /// objective it reaches.
    pub fn descend(&mut self) -> Objective {
        let mut state = self.state.clone();
        let seeds: Vec<JobId> = (0..self.ctx.problem.num_jobs())
            .filter(|&j| state.is_assigned(j))
            .collect();
        ls::descend(&self.ctx, &mut state, &mut self.env, &seeds, u64::MAX);
        state.objective(&self.ctx)
    }
}
