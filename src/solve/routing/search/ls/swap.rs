//! Swap: `u` and `v` trade places (Osman 1993's 1-1 interchange).

use super::super::context::Context;
use super::super::env::Env;
use super::super::state::State;
use super::proposal::Piece;
use super::{Improvement, try_routes};
use crate::solve::routing::problem::JobId;

pub fn swap(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    u: JobId,
    v: JobId,
) -> Option<Improvement> {
    let ((a, pu), (b, pv)) = (state.place(u), state.place(v));
    if a != b {
        let na = state.routes[a].len();
        let nb = state.routes[b].len();
        let ra = [
            Piece::forward(a, 1, pu - 1),
            Piece::Job(v),
            Piece::forward(a, pu + 1, na),
        ];
        let rb = [
            Piece::forward(b, 1, pv - 1),
            Piece::Job(u),
            Piece::forward(b, pv + 1, nb),
        ];
        return try_routes(ctx, state, env, &[(a, &ra), (b, &rb)]);
    }
    let (p, q) = (pu.min(pv), pu.max(pv));
    if q == p + 1 {
        // Adjacent: a swap is a relocation, which relocate covers.
        return None;
    }
    let n = state.routes[a].len();
    let jobs = &state.routes[a].jobs;
    let pieces = [
        Piece::forward(a, 1, p - 1),
        Piece::Job(jobs[q - 1]),
        Piece::forward(a, p + 1, q - 1),
        Piece::Job(jobs[p - 1]),
        Piece::forward(a, q + 1, n),
    ];
    try_routes(ctx, state, env, &[(a, &pieces)])
}
