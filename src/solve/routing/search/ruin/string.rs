//! SISR's adjacent string removal (Christiaens & Vanden Berghe 2020, "Slack induction by
//! string removals for vehicle routing problems", Transportation Science 54(2)).
//!
//! From a random seed job, walk its neighbours; from each not yet ruined route met, remove one
//! string of consecutive jobs containing that neighbour (or, half the time, a longer string
//! of which a consecutive part is kept: the split string). At most `k_s` routes are ruined,
//! with strings of at most `l_s_max` jobs, so that about `mean_removed` jobs go.

use super::super::context::Context;
use super::super::env::Env;
use super::super::state::State;
use crate::solve::routing::problem::JobId;

/// Longest string removed (SISR's L^max).
const MAX_STRING: usize = 10;

pub fn string_removal(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    mean_removed: usize,
) -> Vec<JobId> {
    let used: Vec<usize> = (0..state.routes.len())
        .filter(|&r| !state.routes[r].is_empty())
        .collect();
    if used.is_empty() {
        return Vec::new();
    }
    let routed: usize = used.iter().map(|&r| state.routes[r].len()).sum();
    let mean_len = routed as f64 / used.len() as f64;
    let l_s_max = (MAX_STRING as f64).min(mean_len);
    let k_s_max = (4.0 * mean_removed as f64 / (1.0 + l_s_max) - 1.0).max(1.0);
    let k_s = (1.0 + env.uniform() * k_s_max).floor() as usize;

    let seed = {
        let route = &state.routes[used[env.below(0, used.len())]];
        route.jobs[env.below(0, route.len())]
    };
    let mut removed = Vec::new();
    let mut ruined: Vec<usize> = Vec::new();
    for &c in std::iter::once(&seed).chain(ctx.neighbours[seed].iter()) {
        if ruined.len() >= k_s {
            break;
        }
        let r = state.route_of[c];
        if !state.is_assigned(c) || ruined.contains(&r) || removed.contains(&c) {
            continue;
        }
        let route = &state.routes[r];
        let l_max_t = (route.len() as f64).min(l_s_max);
        let len = ((1.0 + env.uniform() * l_max_t).floor() as usize).clamp(1, route.len());
        let pos = state.pos_of[c] - 1;
        if len < route.len() && env.chance(0.5) {
            split_string(route.jobs.as_slice(), pos, len, env, &mut removed);
        } else {
            string(route.jobs.as_slice(), pos, len, env, &mut removed);
        }
        ruined.push(r);
    }
    removed
}

/// Removes `len` consecutive jobs containing index `pos`, the window placed at random.
fn string(jobs: &[JobId], pos: usize, len: usize, env: &mut Env, out: &mut Vec<JobId>) {
    let first_lo = (pos + 1).saturating_sub(len);
    let first_hi = pos.min(jobs.len() - len);
    let first = env.below(first_lo, first_hi + 1);
    out.extend_from_slice(&jobs[first..first + len]);
}

/// Takes a string of `len + m` jobs containing `pos` and removes all but `m` consecutive
/// ones of it; `m` grows geometrically while the route is long enough.
fn split_string(jobs: &[JobId], pos: usize, len: usize, env: &mut Env, out: &mut Vec<JobId>) {
    let mut m = 1;
    while len + m < jobs.len() && env.chance(0.5) {
        m += 1;
    }
    let total = len + m;
    let first_lo = (pos + 1).saturating_sub(total);
    let first_hi = pos.min(jobs.len() - total);
    let first = env.below(first_lo, first_hi + 1);
    let kept = first + env.below(0, len + 1);
    for (k, &j) in jobs[first..first + total].iter().enumerate() {
        let i = first + k;
        if i < kept || i >= kept + m {
            out.push(j);
        }
    }
}
