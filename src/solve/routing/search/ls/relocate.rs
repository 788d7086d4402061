//! String relocation: a string of 1 to 3 consecutive jobs starting at `u` moves next to `v`,
//! forwards or reversed (relocate and or-opt; Or 1976).

use super::super::context::Context;
use super::super::env::Env;
use super::super::state::State;
use super::proposal::Piece;
use super::{Improvement, try_routes};
use crate::solve::routing::problem::JobId;

const MAX_STRING: usize = 3;

pub fn relocate(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    u: JobId,
    v: JobId,
) -> Option<Improvement> {
    let (a, pu) = (state.route_of[u], state.pos_of[u]);
    let (b, pv) = (state.route_of[v], state.pos_of[v]);
    let na = state.routes[a].len();
    for len in 1..=MAX_STRING {
        let end = pu + len - 1;
        if end > na {
            break;
        }
        for reversed in [false, true] {
            if reversed && len == 1 {
                continue;
            }
            // After v, then before v.
            for after in [pv, pv - 1] {
                let found = if a == b {
                    move_inside(ctx, state, env, a, pu, end, after, reversed)
                } else {
                    move_between(ctx, state, env, a, pu, end, b, after, reversed)
                };
                if found.is_some() {
                    return found;
                }
            }
        }
    }
    None
}

fn string(route: usize, from: usize, to: usize, reversed: bool) -> Piece {
    if reversed {
        Piece::Reversed { route, from, to }
    } else {
        Piece::Forward { route, from, to }
    }
}

/// Positions `s..=e` of route `a` go after position `q` of route `b`.
#[allow(clippy::too_many_arguments)]
fn move_between(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    a: usize,
    s: usize,
    e: usize,
    b: usize,
    q: usize,
    reversed: bool,
) -> Option<Improvement> {
    let na = state.routes[a].len();
    let nb = state.routes[b].len();
    let from = [
        Piece::Forward {
            route: a,
            from: 1,
            to: s - 1,
        },
        Piece::Forward {
            route: a,
            from: e + 1,
            to: na,
        },
    ];
    let to = [
        Piece::Forward {
            route: b,
            from: 1,
            to: q,
        },
        string(a, s, e, reversed),
        Piece::Forward {
            route: b,
            from: q + 1,
            to: nb,
        },
    ];
    try_routes(ctx, state, env, &[(a, &from), (b, &to)])
}

/// Positions `s..=e` of route `a` go after its position `q`, outside the string.
#[allow(clippy::too_many_arguments)]
fn move_inside(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    a: usize,
    s: usize,
    e: usize,
    q: usize,
    reversed: bool,
) -> Option<Improvement> {
    let n = state.routes[a].len();
    let moved = string(a, s, e, reversed);
    let pieces = if q + 1 < s {
        [
            Piece::Forward {
                route: a,
                from: 1,
                to: q,
            },
            moved,
            Piece::Forward {
                route: a,
                from: q + 1,
                to: s - 1,
            },
            Piece::Forward {
                route: a,
                from: e + 1,
                to: n,
            },
        ]
    } else if q > e {
        [
            Piece::Forward {
                route: a,
                from: 1,
                to: s - 1,
            },
            Piece::Forward {
                route: a,
                from: e + 1,
                to: q,
            },
            moved,
            Piece::Forward {
                route: a,
                from: q + 1,
                to: n,
            },
        ]
    } else if q + 1 == s && reversed {
        [
            Piece::Forward {
                route: a,
                from: 1,
                to: q,
            },
            moved,
            Piece::Forward {
                route: a,
                from: e + 1,
                to: n,
            },
            Piece::Forward {
                route: a,
                from: 1,
                to: 0,
            },
        ]
    } else {
        return None;
    };
    try_routes(ctx, state, env, &[(a, &pieces)])
}
