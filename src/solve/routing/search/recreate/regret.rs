//! Regret-k insertion (Potvin & Rousseau 1993; Ropke & Pisinger 2006): repeatedly insert the
//! job whose best place beats its k-th best (in another route) by the most, so that jobs with
//! few good options go first.

use super::super::context::Context;
use super::super::cost::LowerCost;
use super::super::env::Env;
use super::super::insertion::{InsertCost, InsertOptions, Insertion, apply, best_insertion};
use super::super::state::State;
use crate::solve::routing::problem::JobId;

/// A large regret for jobs that fit in fewer than `k` routes.
const NO_ALTERNATIVE: LowerCost = LowerCost {
    overtime: i64::MAX / 64,
    travel: 0,
};

pub fn regret_insertion(
    ctx: &Context,
    state: &mut State,
    env: &mut Env,
    jobs: &[JobId],
    k: usize,
    opts: &InsertOptions,
) {
    let mut pending: Vec<JobId> = jobs
        .iter()
        .copied()
        .filter(|&j| !state.is_assigned(j))
        .collect();
    while !pending.is_empty() {
        let mut chosen: Option<(LowerCost, InsertCost, usize, Insertion)> = None;
        for (idx, &j) in pending.iter().enumerate() {
            let Some((best, regret)) = best_and_regret(ctx, state, env, j, k, opts) else {
                continue;
            };
            let better = match &chosen {
                None => true,
                Some((r, c, _, _)) => regret > *r || (regret == *r && best.cost < *c),
            };
            if better {
                chosen = Some((regret, best.cost, idx, best));
            }
        }
        let Some((_, _, idx, ins)) = chosen else {
            break;
        };
        let j = pending.swap_remove(idx);
        apply(ctx, state, j, &ins);
    }
}

/// The best insertion of `j` and its regret: the sum over the 2nd..k-th best routes of their
/// best cost minus the best.
fn best_and_regret(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    j: JobId,
    k: usize,
    opts: &InsertOptions,
) -> Option<(Insertion, LowerCost)> {
    let best = best_insertion(ctx, state, env, j, opts)?;
    // Per-route best costs, through the same insertion routine restricted to one route.
    let mut per_route: Vec<LowerCost> = Vec::new();
    for r in 0..state.routes.len() {
        if r == best.route || state.routes[r].is_empty() {
            continue;
        }
        if let Some(c) = super::super::insertion::best_in_route(ctx, state, env, j, r) {
            per_route.push(c);
        }
    }
    per_route.sort_unstable();
    let mut regret = LowerCost::ZERO;
    for i in 0..k.saturating_sub(1) {
        regret += match per_route.get(i) {
            Some(&c) => c - best.cost.cost,
            None => NO_ALTERNATIVE,
        };
    }
    Some((best, regret))
}
