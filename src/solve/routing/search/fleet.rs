//! Route elimination for the hierarchical objective, after SISR's fleet minimisation
//! (Christiaens & Vanden Berghe 2020, section 5): take one route out of the best solution,
//! then ruin and recreate without opening routes until every job is back in. Jobs that keep
//! failing to find a place gather *absences* and are inserted first; a candidate is accepted
//! when it leaves fewer jobs out, or jobs with fewer absences in total.
//!
//! An attempt that has not left fewer jobs out for a while is given up and another route is
//! chosen, preferring routes given up least often: with a heterogeneous fleet the route taken
//! out may be one no other vehicle can replace, and such an attempt would otherwise hold the
//! whole phase.

use super::context::Context;
use super::env::Env;
use super::insertion::{EmptyRoutes, InsertOptions};
use super::recreate::{greedy_with_blinks, placeable, shuffle};
use super::ruin::{string_removal, with_partners};
use super::state::State;

/// Steps, per job of the problem, an attempt may go without leaving fewer jobs out.
const STALL_STEPS_PER_JOB: u64 = 20;
/// ... and at least this many.
const MIN_STALL_STEPS: u64 = 200;

/// The state of an elimination attempt, kept between epochs.
pub struct FleetMinimiser {
    /// The best solution with one route fewer, jobs of the removed route left out.
    attempt: Option<State>,
    /// Per job: how often it was left out.
    absences: Vec<u64>,
    /// The fewest jobs the attempt has left out, and the steps since that fell.
    fewest_left_out: usize,
    stalled: u64,
    /// The route slot the attempt emptied, and per slot the attempts given up.
    eliminated: usize,
    given_up: Vec<u64>,
}

impl FleetMinimiser {
    pub fn new(ctx: &Context) -> Self {
        Self {
            attempt: None,
            absences: vec![0; ctx.problem.num_jobs()],
            fewest_left_out: usize::MAX,
            stalled: 0,
            eliminated: 0,
            given_up: vec![0; ctx.problem.num_vehicles()],
        }
    }

    /// Forget the attempt in progress (the solution it started from was replaced).
    pub fn restart(&mut self) {
        self.attempt = None;
        self.fewest_left_out = usize::MAX;
        self.stalled = 0;
    }

    /// Lower bound on the number of vehicles when the fleet is homogeneous: total demand over
    /// capacity.
    pub fn lower_bound(ctx: &Context) -> usize {
        let p = ctx.problem;
        let Some(v) = p.vehicles.first() else {
            return 0;
        };
        if p.vehicles.iter().any(|w| w.capacity != v.capacity) || v.capacity.0 <= 0 {
            return 1;
        }
        let demand: i64 = p.jobs.iter().map(|j| j.demand.0).sum();
        ((demand + v.capacity.0 - 1) / v.capacity.0).max(1) as usize
    }

    /// One ruin-and-recreate step. Returns a solution that leaves out no more than `best` does
    /// with one route fewer, when the attempt succeeds.
    pub fn step(
        &mut self,
        ctx: &Context,
        env: &mut Env,
        best: &State,
        mean_removed: usize,
    ) -> Option<State> {
        if self.attempt.is_none() {
            let used: Vec<usize> = (0..best.routes.len())
                .filter(|&r| !best.routes[r].is_empty())
                .collect();
            // Half the time the shortest of the routes given up least often, else one at
            // random.
            let r = if env.chance(0.5) {
                *used
                    .iter()
                    .min_by_key(|&&r| (self.given_up[r], best.routes[r].len(), r))
                    .expect("best has routes")
            } else {
                used[env.below(0, used.len())]
            };
            let mut s = best.clone();
            let jobs = s.routes[r].jobs.clone();
            s.remove(ctx, &jobs);
            self.eliminated = r;
            self.attempt = Some(s);
        }
        let attempt = self.attempt.as_mut().expect("an attempt is under way");
        let in_use: Vec<bool> = attempt.routes.iter().map(|r| !r.is_empty()).collect();
        let mut candidate = attempt.clone();
        let mut removed = string_removal(ctx, &candidate, env, mean_removed);
        with_partners(ctx, &candidate, &mut removed);
        candidate.remove(ctx, &removed);
        let mut order = placeable(ctx, &candidate.unassigned);
        shuffle(env, &mut order);
        order.sort_by_key(|&j| std::cmp::Reverse(self.absences[j]));
        let opts = InsertOptions {
            blink: 0.01,
            empty_routes: EmptyRoutes::Only(&in_use),
            route_limit: None,
        };
        greedy_with_blinks(ctx, &mut candidate, env, &order, &opts);
        for &j in &candidate.unassigned {
            self.absences[j] += 1;
        }
        env.charge(candidate.collect_work());
        let absent = |s: &State| s.unassigned.iter().map(|&j| self.absences[j]).sum::<u64>();
        if candidate.unassigned.len() < attempt.unassigned.len()
            || absent(&candidate) < absent(attempt)
        {
            *attempt = candidate;
        }
        let left_out = |s: &State| {
            let o = s.objective(ctx);
            (o.unserved_mandatory, o.dropped_penalty)
        };
        if left_out(attempt) <= left_out(best) {
            let fewer = self.attempt.take();
            self.restart();
            return fewer;
        }
        if attempt.unassigned.len() < self.fewest_left_out {
            self.fewest_left_out = attempt.unassigned.len();
            self.stalled = 0;
        } else {
            self.stalled += 1;
            let limit = (STALL_STEPS_PER_JOB * ctx.problem.num_jobs() as u64).max(MIN_STALL_STEPS);
            if self.stalled > limit {
                self.given_up[self.eliminated] += 1;
                self.restart();
            }
        }
        None
    }
}
