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
    let (a, pu) = (state.route_of[u], state.pos_of[u]);
    let (b, pv) = (state.route_of[v], state.pos_of[v]);
    if a == b {
        return None;
    }
    let na = state.routes[a].len();
    let nb = state.routes[b].len();
    // Cut after u and after v, or before u and before v.
    for (cu, cv) in [(pu, pv), (pu - 1, pv - 1)] {
        let ra = [
            Piece::Forward {
                route: a,
                from: 1,
                to: cu,
            },
            Piece::Forward {
                route: b,
                from: cv + 1,
                to: nb,
            },
        ];
        let rb = [
            Piece::Forward {
                route: b,
                from: 1,
                to: cv,
            },
            Piece::Forward {
                route: a,
                from: cu + 1,
                to: na,
            },
        ];
        if let Some(found) = try_routes(ctx, state, env, &[(a, &ra), (b, &rb)]) {
            return Some(found);
        }
    }
    None
}
