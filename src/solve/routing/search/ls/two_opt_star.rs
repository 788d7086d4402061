//! 2-opt* (Potvin & Rousseau 1995): two routes exchange their tails, so that `u` is followed by
//! `v`'s successor and `v` by `u`'s, or `u`'s predecessor is followed by `v` and `v`'s by `u`.

use super::super::context::Context;
use super::super::env::Env;
use super::super::state::State;
use super::proposal::Piece;
use super::{Improvement, try_routes};
use crate::solve::routing::problem::JobId;

pub fn two_opt_star(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    u: JobId,
    v: JobId,
) -> Option<Improvement> {
    let ((a, pu), (b, pv)) = (state.place(u), state.place(v));
    if a == b {
        return None;
    }
    let na = state.routes[a].len();
    let nb = state.routes[b].len();
    // Cut after u and after v, or before u and before v.
    for (cu, cv) in [(pu, pv), (pu - 1, pv - 1)] {
        let ra = [Piece::forward(a, 1, cu), Piece::forward(b, cv + 1, nb)];
        let rb = [Piece::forward(b, 1, cv), Piece::forward(a, cu + 1, na)];
        if let Some(found) = try_routes(ctx, state, env, &[(a, &ra), (b, &rb)]) {
            return Some(found);
        }
    }
    None
}
