//! Recreate operators: put the unassigned jobs back where they cost least.

mod greedy_blinks;
mod regret;

pub use greedy_blinks::greedy_with_blinks;
pub use regret::regret_insertion;

use super::context::Context;
use super::env::Env;
use crate::solve::routing::problem::{JobId, PairRole};

/// Jobs to place: deliveries of pairs go with their pickups, and members of a group with its
/// first member, so they are left out.
pub fn placeable(ctx: &Context, jobs: &[JobId]) -> Vec<JobId> {
    let p = ctx.problem;
    jobs.iter()
        .copied()
        .filter(|&j| !matches!(p.pair_roles[j], PairRole::Delivery { .. }))
        .filter(|&j| p.group_of[j].is_none_or(|g| p.groups[g].jobs[0] == j))
        .collect()
}

/// SISR's insertion orders: random (weight 4), largest demand first (4), farthest from the
/// first vehicle's start first (2), nearest first (1); then, half the time, mandatory jobs
/// before optional ones: one mandatory job left out weighs more than any optional ones, but an
/// optional job may have to go first for the others to fit around it.
pub fn sisr_order(ctx: &Context, env: &mut Env, jobs: &mut [JobId]) {
    let p = ctx.problem;
    let depot = p.vehicles.first().map_or(0, |v| v.start);
    let far = |j: JobId| p.distance(depot, p.jobs[j].location).0;
    match env.below(0, 11) {
        0..=3 => shuffle(env, jobs),
        4..=7 => {
            shuffle(env, jobs);
            jobs.sort_by_key(|&j| std::cmp::Reverse(p.jobs[j].demand));
        }
        8..=9 => jobs.sort_by_key(|&j| (std::cmp::Reverse(far(j)), j)),
        _ => jobs.sort_by_key(|&j| (far(j), j)),
    }
    if env.chance(0.5) {
        jobs.sort_by_key(|&j| !p.jobs[j].is_mandatory());
    }
}

pub fn shuffle(env: &mut Env, jobs: &mut [JobId]) {
    for k in (1..jobs.len()).rev() {
        let pick = env.below(0, k + 1);
        jobs.swap(k, pick);
    }
}
