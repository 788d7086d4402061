//! 2-opt (Croes 1958) inside one route: the stretch between `u` and `v` is reversed so that `u`
//! is followed by `v`.

use super::super::context::Context;
use super::super::env::Env;
use super::super::state::State;
use super::proposal::Piece;
use super::{Improvement, try_routes};
use crate::solve::routing::problem::JobId;

pub fn two_opt(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    u: JobId,
    v: JobId,
) -> Option<Improvement> {
    let ((a, pu), (b, pv)) = (state.place(u), state.place(v));
    if a != b {
        return None;
    }
    let n = state.routes[a].len();
    let pieces = if pu < pv {
        // u, then v .. u+1 reversed.
        [
            Piece::forward(a, 1, pu),
            Piece::Reversed {
                route: a,
                from: pu + 1,
                to: pv,
            },
            Piece::forward(a, pv + 1, n),
        ]
    } else {
        // v .. u reversed ends with v followed by... the mirror case: u-1 ... after reversal.
        [
            Piece::forward(a, 1, pv - 1),
            Piece::Reversed {
                route: a,
                from: pv,
                to: pu - 1,
            },
            Piece::forward(a, pu, n),
        ]
    };
    if pu.abs_diff(pv) < 2 {
        return None;
    }
    try_routes(ctx, state, env, &[(a, &pieces)])
}
