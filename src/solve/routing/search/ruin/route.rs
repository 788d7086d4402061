//! Route removal: every job of one route, the shortest with probability one half, else a
//! random one, so that the search can drop a route that strings alone would not empty.

use super::super::env::Env;
use super::super::state::State;
use crate::solve::routing::problem::JobId;

pub fn route_removal(state: &State, env: &mut Env) -> Vec<JobId> {
    let used: Vec<usize> = (0..state.routes.len())
        .filter(|&r| !state.routes[r].is_empty())
        .collect();
    if used.is_empty() {
        return Vec::new();
    }
    let r = if env.chance(0.5) {
        *used
            .iter()
            .min_by_key(|&&r| (state.routes[r].len(), r))
            .expect("non-empty")
    } else {
        used[env.below(0, used.len())]
    };
    state.routes[r].jobs.clone()
}
