//! One search thread: construction, route elimination (hierarchical objective only), then
//! ruin-and-recreate with annealing. Its state persists between epochs so the parallel driver
//! can stop it, share the best solution and resume it.

use super::accept::Annealing;
use super::context::Context;
use super::env::Env;
use super::fleet::FleetMinimiser;
use super::insertion::{EmptyRoutes, InsertOptions};
use super::ls;
use super::recreate::{
    construction_order, greedy_with_blinks, placeable, regret_insertion, sisr_order,
};
use super::ruin::{
    left_out_removal, low_value_removal, random_removal, related_removal, route_removal,
    string_removal, with_partners,
};
use super::state::State;
use crate::solve::routing::objective::Objective;
use crate::solve::routing::problem::JobId;
use std::time::Instant;

/// SISR's average number of removed jobs (c̄).
const MEAN_REMOVED: usize = 10;
/// Annealing temperatures at the start and the end, in units of the typical cost of reaching
/// a job from its nearest neighbour. A start of 10 rather than 5 (2026-12-06, one thread,
/// distance objective, mean gap %): GH400 type 2 at 10 s 2.21 -> 1.88 (seed 1) and 2.11 ->
/// 2.07 (seed 2), GH1000 at 60 s 2.63 -> 2.40, Solomon at 1 s 0.50 -> 0.46 (seeds 1-3), GH200
/// at 10 s 0.86 -> 0.92; a start of 2.5 or 20 was worse on GH400 type 2 (2.83, 2.16).
const T_START: f64 = 10.0;
const T_END: f64 = 0.05;
// Operator shares of a ruin-and-recreate step: when some jobs are optional, low-value removal
// first takes `LOW_VALUE_SHARE` of the steps; otherwise a uniform roll picks the ruin (string
// removal below `STRING_REMOVAL_BELOW`, related removal below `RELATED_REMOVAL_BELOW`, random
// removal above). `CLOSE_ROUTE_SHARE` of the steps close a route instead. Measurements behind
// them: `benches/README.md`, "Routing: search settings".
/// Up to here string removal, SISR's own ruin (Christiaens & Vanden Berghe 2020): most steps.
const STRING_REMOVAL_BELOW: f64 = 0.85;
/// Up to here related removal (8%): jobs close in place and time, from different routes.
const RELATED_REMOVAL_BELOW: f64 = 0.93;
/// When some jobs are optional, share of the ruins that remove low-value optional jobs
/// ([`low_value_removal`]), so that better ones left out can take their time; without
/// optional jobs the search draws exactly as before.
const LOW_VALUE_SHARE: f64 = 0.1;
/// While a mandatory job is left out, share of the ruins that empty a route able to take it
/// ([`left_out_removal`]); a solution with every mandatory job placed draws as before.
const LEFT_OUT_SHARE: f64 = 0.2;
/// Share of the steps that close a route: every job of one route (the shortest half the time)
/// is taken out and put back into the other routes, opening none; if one does not fit, the
/// candidate leaves it out and is rejected. Ruins of strings never empty a route longer than
/// SISR's strings and the recreates open routes freely ([`super::insertion`] charges half the
/// depot round trip), so without this step the count of routes only rose, and on Gehring &
/// Homberger's type 2 (30 jobs a route) more routes meant a longer distance: C2_4_5 at 12
/// routes was 0.5 % from the best known, at 13 routes 2.3 %. Measured 2026-12-06, one
/// thread, 10 s of work, mean gap % without / with: GH400 type 2 2.04 / 1.79 (seed 1) and
/// 2.05 / 1.80 (seed 2), GH400 type 1 1.66 / 1.56.
const CLOSE_ROUTE_SHARE: f64 = 0.03;
/// Recreates by regret-2 insertion (5%) instead of SISR's greedy insertion with blinks.
const REGRET_SHARE: f64 = 0.05;
/// SISR's blink rate: a greedy insertion skips a position with this probability.
const BLINK_RATE: f64 = 0.01;
/// Annealing this much hotter under the hierarchical objective: on the fewest routes most
/// ruins cannot be recreated, and the search needs larger steps to leave its basin (one of
/// three fixed-fleet settings; the others are in `ruin_recreate_step`). A start of 15 in all,
/// as it was measured before [`T_START`] was raised from 5 to 10.
const FIXED_FLEET_HEAT: f64 = 1.5;

pub struct SearchThread<'c> {
    ctx: &'c Context<'c>,
    pub env: Env,
    /// Total work budget of this thread.
    budget: u64,
    annealing: Annealing,
    current: State,
    current_objective: Objective,
    pub best: State,
    pub best_objective: Objective,
    /// The candidate under construction; kept between iterations for its buffers.
    scratch: State,
    fleet: Option<FleetMinimiser>,
    /// The work at which route elimination ended (0 if it never ran): the annealing's schedule
    /// runs over the budget left from there.
    anneal_from: u64,
    /// When the annealing's schedule began (the thread's start, or the end of route
    /// elimination): its progress by the clock runs from here to the deadline.
    anneal_started: Instant,
    /// Set once the schedule followed the clock rather than the work ([`Self::progress`]): the
    /// answer may then differ between runs.
    pub followed_clock: bool,
    pub iterations: u64,
}

impl<'c> SearchThread<'c> {
    pub fn new(ctx: &'c Context<'c>, mut env: Env, budget: u64) -> Self {
        let mut state = State::empty(ctx);
        let mut order = placeable(ctx, &state.unassigned);
        construction_order(ctx, &mut env, &mut order);
        let opts = InsertOptions {
            blink: 0.0,
            empty_routes: EmptyRoutes::Any,
            route_limit: None,
        };
        greedy_with_blinks(ctx, &mut state, &mut env, &order, &opts);
        let objective = state.objective(ctx);
        let scale = ctx.cost_scale;
        let heat = if ctx.problem.minimize_vehicles {
            FIXED_FLEET_HEAT
        } else {
            1.0
        };
        let fleet = (ctx.problem.minimize_vehicles
            && state.used_routes() > FleetMinimiser::lower_bound(ctx))
        .then(|| FleetMinimiser::new(ctx));
        Self {
            ctx,
            env,
            budget: budget.max(1),
            annealing: Annealing {
                t_start: T_START * scale * heat,
                t_end: T_END * scale,
            },
            current: state.clone(),
            current_objective: objective,
            scratch: state.clone(),
            best: state,
            best_objective: objective,
            fleet,
            anneal_from: 0,
            anneal_started: Instant::now(),
            followed_clock: false,
            iterations: 0,
        }
    }

    fn mean_removed(&self) -> usize {
        MEAN_REMOVED.min((self.ctx.problem.num_jobs() / 2).max(2))
    }

    /// Replaces both current and best with `state` (from another thread).
    pub fn adopt(&mut self, state: &State, objective: Objective) {
        self.current = state.clone();
        self.current_objective = objective;
        self.best = state.clone();
        self.best_objective = objective;
        if let Some(f) = &mut self.fleet {
            f.restart();
        }
    }

    pub fn done(&self) -> bool {
        self.env.work >= self.budget
    }

    /// Runs until the thread's work reaches `target` (or its budget, or an interruption).
    pub fn run_until(&mut self, target: u64) {
        let target = target.min(self.budget);
        while self.env.work < target && !self.env.interrupted() {
            self.iterations += 1;
            if self.in_fleet_phase() {
                self.fleet_step();
            } else {
                self.end_fleet_phase();
                self.ruin_recreate_step();
            }
        }
    }

    fn in_fleet_phase(&self) -> bool {
        let share = self.env.work as f64 / self.budget as f64;
        self.fleet
            .as_ref()
            .is_some_and(|f| f.goes_on(share, self.mean_removed()))
    }

    fn end_fleet_phase(&mut self) {
        if self.fleet.take().is_some() {
            self.anneal_from = self.env.work;
            self.anneal_started = Instant::now();
        }
    }

    fn fleet_step(&mut self) {
        let mean = self.mean_removed();
        let fleet = self.fleet.as_mut().expect("in the fleet phase");
        if let Some(fewer) = fleet
            .step(self.ctx, &mut self.env, &self.best, mean)
            .filter(|s| s.verified(self.ctx))
        {
            let objective = fewer.objective(self.ctx);
            self.current = fewer.clone();
            self.current_objective = objective;
            self.best = fewer;
            self.best_objective = objective;
            if self.best.used_routes() <= FleetMinimiser::lower_bound(self.ctx) {
                self.end_fleet_phase();
            } else if let Some(f) = &mut self.fleet {
                f.succeeded(self.env.work as f64 / self.budget as f64);
            }
        }
    }

    fn ruin_recreate_step(&mut self) {
        let ctx = self.ctx;
        let mean = self.mean_removed();
        let env = &mut self.env;
        let mut candidate = std::mem::take(&mut self.scratch);
        candidate.clone_from(&self.current);
        let closing = env.chance(CLOSE_ROUTE_SHARE);
        let mut removed = if closing {
            route_removal(&candidate, env)
        } else {
            ruin(ctx, &candidate, env, mean)
        };
        with_partners(ctx, &candidate, &mut removed);
        candidate.remove(ctx, &removed);
        // When closing, the routes the recreate may use: those still in use.
        let in_use: Vec<bool> = if closing {
            candidate.routes.iter().map(|r| !r.is_empty()).collect()
        } else {
            Vec::new()
        };
        let mut order = placeable(ctx, &candidate.unassigned);
        // Under the hierarchical objective a candidate with more routes than the current one is
        // rejected, so its recreate stops there: 12% more iterations on R111.
        let fixed_fleet = ctx.problem.minimize_vehicles;
        let opts = InsertOptions {
            blink: BLINK_RATE,
            empty_routes: if closing {
                EmptyRoutes::Only(&in_use)
            } else {
                EmptyRoutes::Any
            },
            route_limit: fixed_fleet.then(|| self.current.used_routes()),
        };
        if env.chance(REGRET_SHARE) {
            regret_insertion(ctx, &mut candidate, env, &order, 2, &opts);
        } else {
            sisr_order(ctx, env, &mut order);
            greedy_with_blinks(ctx, &mut candidate, env, &order, &opts);
        }
        env.charge(candidate.collect_work());
        let mut objective = candidate.objective(ctx);
        // Local search polishes candidates that beat the current solution (or the best): applied
        // to every candidate it cost more iterations than it gained (Solomon subset, and GH400
        // type 2), while on the fewest routes, and on the long routes of Gehring & Homberger's
        // type 2 (GH400 R2 2.46 -> 1.78 %, RC2 2.05 -> 1.90 %, 10 s, seed 1), recreates alone
        // rarely improve; Solomon at 1 s is unchanged (three seeds: 0.43 and 0.41 %).
        if objective < self.best_objective || objective < self.current_objective {
            ls::descend(ctx, &mut candidate, env, &removed, self.budget);
            objective = candidate.objective(ctx);
            env.charge(candidate.collect_work());
        }
        let progress = self.progress();
        let env = &mut self.env;
        if self
            .annealing
            .accept(env, &objective, &self.current_objective, progress)
        {
            if objective < self.best_objective && candidate.verified(ctx) {
                self.best.clone_from(&candidate);
                self.best_objective = objective;
            }
            std::mem::swap(&mut self.current, &mut candidate);
            self.current_objective = objective;
        }
        self.scratch = candidate;
    }

    /// The annealing schedule's progress: by the work done, or by the clock when the clock is
    /// further on. The budget of work is the time limit at a calibrated rate, but a machine may
    /// run slower than the calibration: on 2026-12-07, 10 s runs on Gehring & Homberger's 1000
    /// customers had done 0.58-0.82 of their budget at the limit, 1 s runs on Solomon 0.61; by
    /// the work alone such a run stopped while the annealing was still hot (at 0.61, 0.04 of
    /// the start temperature instead of 0.005). Following the clock on that machine, one thread,
    /// mean gap %: Solomon at 1 s, hierarchical, 2.86 -> 2.28 (same vehicles), distance 0.61 ->
    /// 0.63; GH1000 at 60 s, distance, 2.16 -> 2.03 (seed 1) and 2.28 -> 2.27 (seed 2). A run
    /// that follows the clock is reported non-deterministic, as one stopped by the clock is.
    fn progress(&mut self) -> f64 {
        let by_work = Annealing::progress(self.env.work, self.anneal_from, self.budget);
        let by_clock = self.env.clock_share(self.anneal_started);
        if by_clock > by_work {
            self.followed_clock = true;
            by_clock
        } else {
            by_work
        }
    }
}

/// Picks the jobs a ruin-and-recreate step removes from `state`.
fn ruin(ctx: &Context, state: &State, env: &mut Env, mean: usize) -> Vec<JobId> {
    let mandatory_left_out = state
        .unassigned
        .iter()
        .any(|&j| ctx.problem.jobs[j].is_mandatory());
    if mandatory_left_out && env.chance(LEFT_OUT_SHARE) {
        if let Some(removed) = left_out_removal(ctx, state, env) {
            return removed;
        }
    }
    if ctx.has_optional && env.chance(LOW_VALUE_SHARE) {
        let count = env.below(1, 2 * mean + 1);
        return low_value_removal(ctx, state, env, count);
    }
    let roll = env.uniform();
    if roll < STRING_REMOVAL_BELOW {
        string_removal(ctx, state, env, mean)
    } else if roll < RELATED_REMOVAL_BELOW {
        related_removal(ctx, state, env, mean)
    } else {
        // Sizes up to twice the mean: on small instances this sometimes ruins everything,
        // the only way out of optima whose every route must change.
        let count = env.below(1, 2 * mean + 1);
        random_removal(state, env, count)
    }
}
