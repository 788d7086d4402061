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
    jobs.iter()
        .copied()
        .filter(|&j| is_placeable(ctx, j))
        .collect()
}

/// Is `j` placed by itself (not a pair's delivery, not a group member after the first)?
pub fn is_placeable(ctx: &Context, j: JobId) -> bool {
    let p = ctx.problem;
    !matches!(p.pair_roles[j], PairRole::Delivery { .. })
        && p.group_of[j].is_none_or(|g| p.groups[g].jobs[0] == j)
}

/// Share of the recreates that, when some jobs are optional, insert by value: mandatory jobs
/// first, then optional ones by decreasing drop penalty per second of work
/// ([`Context::value_density`]). On a day with more optional work than hours the order
/// decides which jobs get in, and the acceptance never gives up penalty for travel, so an
/// order blind to penalties fills the day with cheap visits that the search then rejects.
const VALUE_ORDER_SHARE: f64 = 0.5;

/// SISR's insertion orders: random (weight 4), largest demand first (4), farthest from the
/// first vehicle's start first (2), nearest first (1); then, when some jobs are optional,
/// [`VALUE_ORDER_SHARE`] of the time by value (the base order breaking ties), else half the
/// time mandatory jobs before optional ones: one mandatory job left out weighs more than any
/// optional ones, but an optional job may have to go first for the others to fit around it.
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
    if ctx.has_optional && env.chance(VALUE_ORDER_SHARE) {
        jobs.sort_by(|&a, &b| ctx.value_density[b].total_cmp(&ctx.value_density[a]));
    } else if env.chance(0.5) {
        jobs.sort_by_key(|&j| !p.jobs[j].is_mandatory());
    }
}

pub fn shuffle(env: &mut Env, jobs: &mut [JobId]) {
    for k in (1..jobs.len()).rev() {
        let pick = env.below(0, k + 1);
        jobs.swap(k, pick);
    }
}

/// The construction's order: SISR's ([`sisr_order`]), then, keeping it between equals,
/// mandatory jobs before optional ones, the mandatory ones with the fewest vehicles able to
/// serve them first (the most constrained first, as regret insertion does, Potvin & Rousseau
/// 1993: a visit pinned to an engineer has one vehicle, and once optional visits fill that
/// engineer's day the search must dig it out, which on a tight pinned day it may not do in its
/// budget), then optional ones by value ([`Context::value_density`]). The acceptance never
/// gives a placed mandatory job back, so what the construction places stays placed. When all
/// jobs are mandatory and every vehicle serves every job the order is SISR's.
pub fn construction_order(ctx: &Context, env: &mut Env, jobs: &mut [JobId]) {
    sisr_order(ctx, env, jobs);
    let p = ctx.problem;
    let options = |j: JobId| {
        let unit = Context::unit_of(p, j);
        (0..p.num_vehicles())
            .filter(|&v| unit.iter().all(|&m| p.can_serve(v, m)))
            .count()
    };
    let mut keyed: Vec<(bool, usize, f64, JobId)> = jobs
        .iter()
        .map(|&j| {
            let mandatory = p.jobs[j].is_mandatory();
            let n = if mandatory { options(j) } else { 0 };
            (!mandatory, n, ctx.value_density[j], j)
        })
        .collect();
    keyed.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(b.2.total_cmp(&a.2)));
    for (slot, k) in jobs.iter_mut().zip(keyed) {
        *slot = k.3;
    }
}
