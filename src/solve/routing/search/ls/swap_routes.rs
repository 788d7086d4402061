//! Route exchange (PyVRP's `SwapRoutes`): two vehicles of different classes trade their whole
//! routes, or a route moves to an idle vehicle of another class. On a heterogeneous fleet the
//! same visits can cost more or less depending on the vehicle, and no move of a few jobs gets
//! a route onto the right vehicle in one step.

use super::super::context::Context;
use super::super::env::Env;
use super::super::state::State;
use super::proposal::Piece;
use super::{Improvement, try_routes};

/// The first improving exchange between two routes (one of them possibly idle, one idle route
/// tried per vehicle class), with the two route indices.
pub fn swap_routes(
    ctx: &Context,
    state: &State,
    env: &mut Env,
) -> Option<(Improvement, [usize; 2])> {
    let mut idle_classes = Vec::new();
    let routes: Vec<usize> = (0..state.routes.len())
        .filter(|&r| {
            let route = &state.routes[r];
            let class = ctx.class[route.vehicle];
            if !route.is_empty() {
                return true;
            }
            let first_idle = !idle_classes.contains(&class);
            idle_classes.push(class);
            first_idle
        })
        .collect();
    for (i, &a) in routes.iter().enumerate() {
        for &b in &routes[i + 1..] {
            let (ra, rb) = (&state.routes[a], &state.routes[b]);
            if ctx.class[ra.vehicle] == ctx.class[rb.vehicle] || (ra.is_empty() && rb.is_empty()) {
                continue;
            }
            let onto_a = [Piece::forward(b, 1, rb.len())];
            let onto_b = [Piece::forward(a, 1, ra.len())];
            if let Some(found) = try_routes(ctx, state, env, &[(a, &onto_a), (b, &onto_b)]) {
                return Some((found, [a, b]));
            }
        }
    }
    None
}
