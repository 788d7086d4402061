//! Route removal aimed at a mandatory job left out: every job of a route whose vehicle could
//! serve it (route removal, Pisinger & Ropke 2007, "A general heuristic for vehicle routing
//! problems", Computers & Operations Research 34(8); here the route is chosen for the job).
//! A visit pinned to one engineer fits only that engineer's day, and once that day is full the
//! usual ruins, seeded at routed jobs, rarely clear the right part of it; emptying the route
//! lets the recreate sequence the day again with the mandatory jobs first.

use super::super::context::Context;
use super::super::env::Env;
use super::super::state::State;
use crate::solve::routing::problem::JobId;

/// The jobs of one route able to take a mandatory job left out, both drawn at random; `None`
/// when no mandatory job is left out or no used route can take the one drawn.
pub fn left_out_removal(ctx: &Context, state: &State, env: &mut Env) -> Option<Vec<JobId>> {
    let p = ctx.problem;
    let left_out: Vec<JobId> = state
        .unassigned
        .iter()
        .copied()
        .filter(|&j| p.jobs[j].is_mandatory())
        .collect();
    if left_out.is_empty() {
        return None;
    }
    let u = left_out[env.below(0, left_out.len())];
    let able: Vec<usize> = (0..state.routes.len())
        .filter(|&r| !state.routes[r].is_empty() && p.can_serve(state.routes[r].vehicle, u))
        .collect();
    if able.is_empty() {
        return None;
    }
    Some(state.routes[able[env.below(0, able.len())]].jobs.clone())
}
