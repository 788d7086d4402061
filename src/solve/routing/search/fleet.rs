//! Route elimination for the hierarchical objective, after SISR's fleet minimisation
//! (Christiaens & Vanden Berghe 2020, section 5): take one route out of the best solution,
//! then ruin and recreate without opening routes until every job is back in. Jobs that keep
//! failing to find a place gather *absences* and are inserted first; a candidate is accepted
//! when it leaves fewer jobs out, or jobs with fewer absences in total.

use super::context::Context;
use super::env::Env;
use super::insertion::InsertOptions;
use super::recreate::{greedy_with_blinks, placeable, shuffle};
use super::ruin::{string_removal, with_partners};
use super::state::State;

/// The state of an elimination attempt, kept between epochs.
pub struct FleetMinimiser {
    /// The best solution with one route fewer, jobs of the removed route left out.
    attempt: Option<State>,
    /// Per job: how often it was left out.
    absences: Vec<u64>,
}

impl FleetMinimiser {
    pub fn new(ctx: &Context) -> Self {
        Self {
            attempt: None,
            absences: vec![0; ctx.problem.num_jobs()],
        }
    }

    /// Forget the attempt in progress (the solution it started from was replaced).
    pub fn restart(&mut self) {
        self.attempt = None;
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
        let attempt = self.attempt.get_or_insert_with(|| {
            let mut s = best.clone();
            let used: Vec<usize> = (0..s.routes.len())
                .filter(|&r| !s.routes[r].is_empty())
                .collect();
            // The shortest route half the time, else one at random.
            let r = if env.chance(0.5) {
                *used
                    .iter()
                    .min_by_key(|&&r| (s.routes[r].len(), r))
                    .expect("best has routes")
            } else {
                used[env.below(0, used.len())]
            };
            let jobs = s.routes[r].jobs.clone();
            s.remove(ctx, &jobs);
            s
        });
        let mut candidate = attempt.clone();
        let mut removed = string_removal(ctx, &candidate, env, mean_removed);
        with_partners(ctx, &candidate, &mut removed);
        candidate.remove(ctx, &removed);
        let mut order = placeable(ctx, &candidate.unassigned);
        shuffle(env, &mut order);
        order.sort_by_key(|&j| std::cmp::Reverse(self.absences[j]));
        let opts = InsertOptions {
            blink: 0.01,
            open_routes: false,
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
            return self.attempt.take();
        }
        None
    }
}
