//! Local search: first-improvement descent over granular neighbourhoods (Toth & Vigo 2003)
//! with the classic VRPTW moves, each in its own file: string relocation (relocate and
//! or-opt, optionally reversed), swap, 2-opt* (tail exchange between routes) and 2-opt
//! (reversal inside a route), and whole routes trading vehicles of different classes. Moves are
//! evaluated from cached segments without building the routes ([`proposal`]); routes that need
//! the exact schedule are checked before a move lands.
//!
//! The descent is driven by a queue of jobs: it starts from the jobs a ruin-and-recreate step
//! touched, and every applied move queues its two jobs again. When the queue runs dry, routes
//! are tried on other vehicles; a route that moves queues its jobs.

mod proposal;
mod relocate;
mod swap;
mod swap_routes;
mod two_opt;
mod two_opt_star;

use super::context::Context;
use super::cost::LowerCost;
use super::env::Env;
use super::state::State;
use super::sync::exact_change;
use crate::solve::routing::problem::JobId;
use proposal::{Piece, evaluate, materialise};

/// Neighbours of a job that moves look at.
const GRANULARITY: usize = 20;

/// An improving move, materialised: new job lists for one or two routes.
pub struct Improvement {
    pub routes: Vec<(usize, Vec<JobId>)>,
}

/// Evaluates new contents for the given routes (each `(route index, pieces)`); an improvement
/// if the routes used fall, or stay and the cost falls (overtime first, then travel).
pub(crate) fn try_routes(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    proposals: &[(usize, &[Piece])],
) -> Option<Improvement> {
    if !shortens_travel(ctx, state, env, proposals) {
        return None;
    }
    let mut old_cost = LowerCost::ZERO;
    let mut new_cost = LowerCost::ZERO;
    let mut used_before = 0i64;
    let mut used_after = 0i64;
    let mut needs_exact = false;
    for &(r, pieces) in proposals {
        let route = &state.routes[r];
        env.charge(4);
        let e = evaluate(ctx, state, route.vehicle, pieces)?;
        env.charge(e.merged as u64);
        old_cost += route.cost();
        new_cost += e.cost;
        used_before += i64::from(!route.is_empty());
        used_after += i64::from(!e.empty);
        needs_exact |= e.needs_exact;
    }
    let vehicles = if ctx.problem.minimize_vehicles {
        used_after - used_before
    } else {
        0
    };
    if (vehicles, new_cost - old_cost) >= (0, LowerCost::ZERO) {
        return None;
    }
    let routes: Vec<(usize, Vec<JobId>)> = proposals
        .iter()
        .map(|&(r, pieces)| (r, materialise(state, pieces)))
        .collect();
    if needs_exact {
        let changes: Vec<(usize, &[JobId])> = routes
            .iter()
            .map(|(r, jobs)| (*r, jobs.as_slice()))
            .collect();
        let delta = exact_change(ctx, state, env, &changes)?;
        if (vehicles, delta) >= (0, LowerCost::ZERO) {
            return None;
        }
    }
    Some(Improvement { routes })
}

/// False when the proposals cannot improve because their routes have no overtime to save and
/// their travel does not fall (nor, under the hierarchical objective, their count of routes).
/// Most moves a descent tries are of this kind, and their travel is cheaper to find than their
/// timing: one matrix read a junction instead of three (as PyVRP's operators compare the
/// distance delta before the time warp). Only the work changes: the decisions are those of
/// the full evaluation.
fn shortens_travel(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    proposals: &[(usize, &[Piece])],
) -> bool {
    let vehicles = &ctx.problem.vehicles;
    if proposals
        .iter()
        .any(|&(r, _)| vehicles[state.routes[r].vehicle].overtime.is_some())
    {
        return true;
    }
    let mut travel = 0i64;
    let mut routes = 0i64;
    for &(r, pieces) in proposals {
        let route = &state.routes[r];
        env.charge(3);
        let (cost, empty) = proposal::travel(ctx, state, route.vehicle, pieces);
        travel += cost - route.cost().travel;
        routes += i64::from(!empty) - i64::from(!route.is_empty());
    }
    if !ctx.problem.minimize_vehicles {
        routes = 0;
    }
    (routes, travel) < (0, 0)
}

/// Applies an improvement.
fn apply(ctx: &Context, state: &mut State, env: &mut Env, improvement: Improvement) {
    let mut synced = false;
    for (r, jobs) in improvement.routes {
        env.charge(4 * jobs.len() as u64);
        synced |= state.routes[r].synced;
        state.routes[r].jobs = jobs;
        state.refresh(ctx, r);
        synced |= state.routes[r].synced;
    }
    if synced {
        state.settle(ctx);
    }
}

/// Descends from `state` until no move improves on the queued jobs or the work target passes.
pub fn descend(ctx: &Context, state: &mut State, env: &mut Env, seeds: &[JobId], work_limit: u64) {
    let mut queue: Vec<JobId> = seeds.to_vec();
    let mut queued = vec![false; ctx.problem.num_jobs()];
    for &j in &queue {
        queued[j] = true;
    }
    loop {
        while let Some(u) = queue.pop() {
            queued[u] = false;
            if env.work >= work_limit {
                return;
            }
            if !state.is_assigned(u) {
                continue;
            }
            let mut fresh = Vec::new();
            'neighbours: for k in 0..GRANULARITY.min(ctx.timed_neighbours[u].len()) {
                let v = ctx.timed_neighbours[u][k];
                if !state.is_assigned(v) {
                    continue;
                }
                let found = relocate::relocate(ctx, state, env, u, v)
                    .or_else(|| swap::swap(ctx, state, env, u, v))
                    .or_else(|| two_opt_star::two_opt_star(ctx, state, env, u, v))
                    .or_else(|| two_opt::two_opt(ctx, state, env, u, v));
                if let Some(improvement) = found {
                    apply(ctx, state, env, improvement);
                    fresh.extend([u, v]);
                    break 'neighbours;
                }
            }
            if fresh.is_empty() {
                if let Some(improvement) = relocate::into_empty_route(ctx, state, env, u) {
                    apply(ctx, state, env, improvement);
                    fresh.push(u);
                }
            }
            for j in fresh {
                if !queued[j] {
                    queued[j] = true;
                    queue.push(j);
                }
            }
        }
        if env.work >= work_limit {
            return;
        }
        let Some((improvement, routes)) = swap_routes::swap_routes(ctx, state, env) else {
            return;
        };
        apply(ctx, state, env, improvement);
        for r in routes {
            for &j in &state.routes[r].jobs {
                if !queued[j] {
                    queued[j] = true;
                    queue.push(j);
                }
            }
        }
    }
}
