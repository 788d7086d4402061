//! Related removal (Shaw 1998): a random seed job and its nearest routed neighbours, so that
//! jobs that could trade places leave together.

use super::super::context::Context;
use super::super::env::Env;
use super::super::state::State;
use super::routed_jobs;
use crate::solve::routing::problem::JobId;

pub fn related_removal(ctx: &Context, state: &State, env: &mut Env, count: usize) -> Vec<JobId> {
    let routed = routed_jobs(state);
    if routed.is_empty() {
        return Vec::new();
    }
    let seed = routed[env.below(0, routed.len())];
    let mut removed = vec![seed];
    for &c in &ctx.neighbours[seed] {
        if removed.len() >= count {
            break;
        }
        // Skip a few neighbours at random so that the same seed does not always give the
        // same set.
        if state.is_assigned(c) && !env.chance(0.2) {
            removed.push(c);
        }
    }
    removed
}
