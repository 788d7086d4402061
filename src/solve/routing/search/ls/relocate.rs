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
    let ((a, pu), (b, pv)) = (state.place(u), state.place(v));
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
    let from = [Piece::forward(a, 1, s - 1), Piece::forward(a, e + 1, na)];
    let to = [
        Piece::forward(b, 1, q),
        string(a, s, e, reversed),
        Piece::forward(b, q + 1, nb),
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
            Piece::forward(a, 1, q),
            moved,
            Piece::forward(a, q + 1, s - 1),
            Piece::forward(a, e + 1, n),
        ]
    } else if q > e {
        [
            Piece::forward(a, 1, s - 1),
            Piece::forward(a, e + 1, q),
            moved,
            Piece::forward(a, q + 1, n),
        ]
    } else if q + 1 == s && reversed {
        [
            Piece::forward(a, 1, q),
            moved,
            Piece::forward(a, e + 1, n),
            Piece::forward(a, 1, 0),
        ]
    } else {
        return None;
    };
    try_routes(ctx, state, env, &[(a, &pieces)])
}

/// Job `u` alone moves into an empty route, one tried per vehicle class (PyVRP's empty-route
/// moves): the only move that opens a route, since the others go next to a neighbour. Under
/// the hierarchical objective a move that opens a route never improves, so none is tried.
pub fn into_empty_route(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    u: JobId,
) -> Option<Improvement> {
    if ctx.problem.minimize_vehicles {
        return None;
    }
    let (a, pu) = state.place(u);
    let na = state.routes[a].len();
    let from = [Piece::forward(a, 1, pu - 1), Piece::forward(a, pu + 1, na)];
    let to = [Piece::Job(u)];
    let mut seen = Vec::new();
    env.charge(state.routes.len() as u64);
    for (r, route) in state.routes.iter().enumerate() {
        let class = ctx.class[route.vehicle];
        if !route.is_empty() || seen.contains(&class) {
            continue;
        }
        seen.push(class);
        if let Some(found) = try_routes(ctx, state, env, &[(a, &from), (r, &to)]) {
            return Some(found);
        }
    }
    None
}
