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
    let (a, pu) = (state.route_of[u], state.pos_of[u]);
    let (b, pv) = (state.route_of[v], state.pos_of[v]);
    if a != b {
        let na = state.routes[a].len();
        let nb = state.routes[b].len();
        let ra = [
            Piece::Forward {
                route: a,
                from: 1,
                to: pu - 1,
            },
            Piece::Job(v),
            Piece::Forward {
                route: a,
                from: pu + 1,
                to: na,
            },
        ];
        let rb = [
            Piece::Forward {
                route: b,
                from: 1,
                to: pv - 1,
            },
            Piece::Job(u),
            Piece::Forward {
                route: b,
                from: pv + 1,
                to: nb,
            },
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
        Piece::Forward {
            route: a,
            from: 1,
            to: p - 1,
        },
        Piece::Job(jobs[q - 1]),
        Piece::Forward {
            route: a,
            from: p + 1,
            to: q - 1,
        },
        Piece::Job(jobs[p - 1]),
        Piece::Forward {
            route: a,
            from: q + 1,
            to: n,
        },
    ];
    try_routes(ctx, state, env, &[(a, &pieces)])
}
