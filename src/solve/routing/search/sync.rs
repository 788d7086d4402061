//! Synchronised groups in the search: jobs of several people who start together on distinct
//! routes (Drexl 2012, "Synchronization in vehicle routing - a survey of VRPs with multiple
//! synchronization constraints", operation synchronisation).
//!
//! Groups stay all-in or all-out: a group is inserted as a unit by [`best_group_insertion`]
//! (one position per member on distinct routes, every combination of the cheapest candidates
//! tried lazily, cheapest relaxed cost first) and removed as a unit (`State::remove`). Moves
//! of the local search may still move a single member or change a route holding one: every
//! change to such a route is verified with the synchronised schedules of all routes holding
//! members ([`exact_change`]), so the routes under search always admit equal starts, and the
//! costs compared include the overtime the other members' routes gain or lose.

use super::context::Context;
use super::cost::LowerCost;
use super::env::Env;
use super::insertion::{
    EmptyRoutes, InsertCost, InsertOptions, Insertion, exact_delta, insertion_delta,
    window_positions,
};
use super::route::overtime_cost;
use super::state::State;
use crate::solve::routing::problem::{JobId, MAX_TEAM, VehicleId};
use crate::solve::routing::schedule::schedule_routes;

/// Candidate positions kept per member, cheapest relaxed cost first: the combinations tried
/// grow as the product of these.
const CANDIDATES_PER_MEMBER: usize = 24;
/// Combinations verified exactly per group insertion, at most.
const EXACT_CHECKS: usize = 64;

/// Where each member of a group goes: `(route, after)` per member, in group order.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TeamPlacement {
    pub len: usize,
    pub slots: [(usize, usize); MAX_TEAM],
}

/// Exact cost change of giving the routes in `changes` new job lists, relative to their
/// current costs. With groups, when a changed route holds or held a member, every route
/// holding a member is re-timed together and their overtime changes count too.
pub fn exact_change(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    changes: &[(usize, &[JobId])],
) -> Option<LowerCost> {
    let touches_group = ctx.has_groups
        && changes.iter().any(|&(r, jobs)| {
            state.routes[r].synced || jobs.iter().any(|&j| ctx.problem.group_of[j].is_some())
        });
    if !touches_group {
        let mut delta = LowerCost::ZERO;
        for &(r, jobs) in changes {
            env.charge(2 * jobs.len() as u64);
            delta += exact_delta(ctx, &state.routes[r], jobs)?;
        }
        return Some(delta);
    }
    let mut indices = Vec::new();
    let mut routes: Vec<(VehicleId, &[JobId])> = Vec::new();
    for (r, route) in state.routes.iter().enumerate() {
        let changed = changes.iter().find(|c| c.0 == r).map(|c| c.1);
        if changed.is_some() || route.synced {
            indices.push(r);
            routes.push((route.vehicle, changed.unwrap_or(&route.jobs)));
        }
    }
    let work: u64 = routes
        .iter()
        .map(|(_, jobs)| 4 * jobs.len() as u64 + 8)
        .sum();
    env.charge(work);
    let schedules = schedule_routes(ctx.problem, &routes).ok()?;
    let mut delta = LowerCost::ZERO;
    for ((&r, (_, jobs)), s) in indices.iter().zip(&routes).zip(&schedules) {
        let route = &state.routes[r];
        if !jobs.is_empty() {
            delta += LowerCost {
                overtime: overtime_cost(ctx, route.vehicle, s.arrival.0).0,
                travel: route.travel_cost(ctx, s.distance.0, s.travel_time.0),
            };
        }
        delta = delta - route.cost();
    }
    Some(delta)
}

/// One candidate place of one member: route, position, relaxed cost, opens an empty route.
#[derive(Copy, Clone, Debug)]
struct Candidate {
    route: usize,
    after: usize,
    lower: LowerCost,
    opens: bool,
}

/// The relaxed candidate places of `member`, cheapest first, at most
/// [`CANDIDATES_PER_MEMBER`]. Empty routes count up to the group's size per vehicle class,
/// since each member needs a route of its own.
fn member_candidates(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    member: JobId,
    size: usize,
    opts: &InsertOptions,
) -> Vec<Candidate> {
    let pr = ctx.problem;
    let mut empty_seen: Vec<usize> = Vec::new();
    let mut found = Vec::new();
    for (r, route) in state.routes.iter().enumerate() {
        if !pr.can_serve(route.vehicle, member)
            || route.load + pr.jobs[member].demand.0 > pr.vehicles[route.vehicle].capacity.0
        {
            continue;
        }
        if route.is_empty() {
            if matches!(opts.empty_routes, EmptyRoutes::Only(allowed) if !allowed[r]) {
                continue;
            }
            let class = ctx.class[route.vehicle];
            if empty_seen.iter().filter(|&&c| c == class).count() >= size {
                continue;
            }
            empty_seen.push(class);
        }
        let positions = window_positions(ctx, route, member);
        env.charge(positions.len() as u64 + 2);
        for after in positions {
            if opts.blink > 0.0 && env.chance(opts.blink) {
                continue;
            }
            if let Some(lower) = insertion_delta(ctx, route, member, after) {
                found.push(Candidate {
                    route: r,
                    after,
                    lower,
                    opens: pr.minimize_vehicles && route.is_empty(),
                });
            }
        }
    }
    found.sort_by_key(|c| (c.opens, c.lower, c.route, c.after));
    found.truncate(CANDIDATES_PER_MEMBER);
    found
}

/// Every combination of one candidate per member on distinct routes, with its relaxed cost
/// (empty routes opened, then overtime and travel).
fn combinations(per_member: &[Vec<Candidate>]) -> Vec<((usize, LowerCost), Vec<Candidate>)> {
    fn extend(
        per_member: &[Vec<Candidate>],
        chosen: &mut Vec<Candidate>,
        out: &mut Vec<((usize, LowerCost), Vec<Candidate>)>,
    ) {
        let Some(options) = per_member.get(chosen.len()) else {
            let opens = chosen.iter().filter(|c| c.opens).count();
            let lower = chosen.iter().map(|c| c.lower).sum();
            out.push(((opens, lower), chosen.clone()));
            return;
        };
        for &c in options {
            if chosen.iter().all(|d| d.route != c.route) {
                chosen.push(c);
                extend(per_member, chosen, out);
                chosen.pop();
            }
        }
    }
    let mut out = Vec::new();
    extend(per_member, &mut Vec::new(), &mut out);
    out.sort_by_key(|c| c.0);
    out
}

/// The cheapest feasible insertion of group `g` found: members on distinct routes, verified
/// with the synchronised schedules. The relaxed cost of a combination is a lower bound of its
/// exact cost (synchronisation only delays), so combinations are verified cheapest first
/// while they can still beat the best verified one.
pub fn best_group_insertion(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    g: usize,
    opts: &InsertOptions,
) -> Option<Insertion> {
    let members = &ctx.problem.groups[g].jobs;
    let per_member: Vec<Vec<Candidate>> = members
        .iter()
        .map(|&m| member_candidates(ctx, state, env, m, members.len(), opts))
        .collect();
    let mut best: Option<((usize, LowerCost), TeamPlacement)> = None;
    let mut lists: Vec<Vec<JobId>> = Vec::with_capacity(members.len());
    for (checked, (lower, combo)) in combinations(&per_member).into_iter().enumerate() {
        if checked >= EXACT_CHECKS || best.as_ref().is_some_and(|(b, _)| *b <= lower) {
            break;
        }
        lists.clear();
        for (c, &m) in combo.iter().zip(members) {
            let mut jobs = state.routes[c.route].jobs.clone();
            jobs.insert(c.after, m);
            lists.push(jobs);
        }
        let changes: Vec<(usize, &[JobId])> = combo
            .iter()
            .zip(&lists)
            .map(|(c, jobs)| (c.route, jobs.as_slice()))
            .collect();
        let Some(delta) = exact_change(ctx, state, env, &changes) else {
            continue;
        };
        let cost = (lower.0, delta);
        if best.as_ref().is_none_or(|(b, _)| cost < *b) {
            let mut slots = [(0, 0); MAX_TEAM];
            for (slot, c) in slots.iter_mut().zip(&combo) {
                *slot = (c.route, c.after);
            }
            let placement = TeamPlacement {
                len: combo.len(),
                slots,
            };
            best = Some((cost, placement));
        }
    }
    let ((opens, cost), team) = best?;
    Some(Insertion {
        cost: InsertCost {
            opens_vehicle: opens > 0,
            cost,
        },
        route: team.slots[0].0,
        after: team.slots[0].1,
        delivery_after: None,
        team: Some(team),
    })
}

/// Inserts every member of group `g` where `team` says; the groups stay synchronised.
pub fn apply_group(ctx: &Context, state: &mut State, g: usize, team: &TeamPlacement) {
    let members = &ctx.problem.groups[g].jobs;
    debug_assert_eq!(members.len(), team.len);
    for (&m, &(r, after)) in members.iter().zip(&team.slots[..team.len]) {
        state.take_unassigned(m);
        state.routes[r].jobs.insert(after, m);
        state.refresh(ctx, r);
    }
    state.settle(ctx);
}
