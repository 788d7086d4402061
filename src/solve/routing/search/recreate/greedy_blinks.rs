//! Greedy insertion with blinks (Christiaens & Vanden Berghe 2020): jobs in a given order, each
//! at its cheapest position, every position skipped with a small probability so that
//! repeated recreates explore.

use super::super::context::Context;
use super::super::env::Env;
use super::super::insertion::{InsertOptions, apply, best_insertion};
use super::super::state::State;
use crate::solve::routing::problem::JobId;

/// Inserts `order` one by one; jobs with no feasible place stay unassigned, and so do all the
/// jobs left once an insertion opens a route past `opts.route_limit`.
pub fn greedy_with_blinks(
    ctx: &Context,
    state: &mut State,
    env: &mut Env,
    order: &[JobId],
    opts: &InsertOptions,
) {
    for &j in order {
        if state.is_assigned(j) {
            continue;
        }
        if let Some(ins) = best_insertion(ctx, state, env, j, opts) {
            apply(ctx, state, j, &ins);
            if ins.cost.opens_vehicle
                && opts
                    .route_limit
                    .is_some_and(|limit| state.used_routes() > limit)
            {
                return;
            }
        }
    }
}
