//! The local repair after an insertion: re-insert displaced visits, then first-improvement
//! relocate moves (one visit to another position, same or other route) inside a small set of
//! routes, until nothing improves or the work runs out.
//!
//! Invariants: every route stays feasible; the urgent job never starts after `bound` (its
//! target when it met it, else its start after insertion: a late job is never made later);
//! a move is taken only if it lowers the summed cost of the routes it touches.

use super::Urgent;
use super::cost::{Eval, Evaluator, State};
use super::insertion::{self, Pick};
use crate::solve::routing::{JobId, Time, VehicleId};

/// Does the urgent job, if on `route` (evaluated as `e`), still start by `bound`?
fn keeps_target(route: &[JobId], e: &Eval, urgent: Urgent, bound: Option<Time>) -> bool {
    match (route.iter().position(|&j| j == urgent.job), bound) {
        (Some(p), Some(t)) => e.start(p) <= t,
        _ => true,
    }
}

pub(super) fn repair(
    ev: &mut Evaluator<'_>,
    state: &mut State,
    scope: &[VehicleId],
    urgent: Urgent,
    bound: Option<Time>,
    unassigned: &mut Vec<JobId>,
) {
    reinsert(ev, state, scope, urgent, bound, unassigned);
    while !ev.exhausted() && relocate_once(ev, state, scope, urgent, bound) {}
    reinsert(ev, state, scope, urgent, bound, unassigned);
}

/// Puts displaced visits back where they fit in `scope` without breaking the target.
fn reinsert(
    ev: &mut Evaluator<'_>,
    state: &mut State,
    scope: &[VehicleId],
    urgent: Urgent,
    bound: Option<Time>,
    unassigned: &mut Vec<JobId>,
) {
    let mut left = Vec::new();
    for &u in unassigned.iter() {
        let job = Urgent {
            job: u,
            target: None,
        };
        let mut placed = false;
        if !ev.exhausted()
            && let Some(ins) = insertion::best_over(ev, state, job, scope, Pick::Cheapest)
        {
            let route = ins.route(&state.routes[ins.vehicle], u);
            if let Some(e) = ev.eval(ins.vehicle, &route)
                && keeps_target(&route, &e, urgent, bound)
            {
                state.routes[ins.vehicle] = route;
                state.evals[ins.vehicle] = e;
                placed = true;
            }
        }
        if !placed {
            left.push(u);
        }
    }
    *unassigned = left;
}

/// Applies the first improving relocate move found; false if there is none (or no work left).
fn relocate_once(
    ev: &mut Evaluator<'_>,
    state: &mut State,
    scope: &[VehicleId],
    urgent: Urgent,
    bound: Option<Time>,
) -> bool {
    for &a in scope {
        for i in 0..state.routes[a].len() {
            let job = state.routes[a][i];
            // Group members stay where they are (see the module doc of `solve::replan`).
            if ev.problem.group_of[job].is_some() {
                continue;
            }
            let mut reduced = state.routes[a].clone();
            reduced.remove(i);
            let Some(ea) = ev.eval(a, &reduced) else {
                continue;
            };
            for &b in scope {
                if !ev.problem.can_serve(b, job) {
                    continue;
                }
                let base: &[JobId] = if a == b { &reduced } else { &state.routes[b] };
                let old = if a == b {
                    state.evals[a].cost
                } else {
                    state.evals[a].cost + state.evals[b].cost
                };
                for pos in 0..=base.len() {
                    if ev.exhausted() {
                        return false;
                    }
                    if a == b && pos == i {
                        continue;
                    }
                    let mut cand = base.to_vec();
                    cand.insert(pos, job);
                    let Some(eb) = ev.eval(b, &cand) else {
                        continue;
                    };
                    let new = if a == b { eb.cost } else { ea.cost + eb.cost };
                    if new >= old
                        || !keeps_target(&cand, &eb, urgent, bound)
                        || (a != b && !keeps_target(&reduced, &ea, urgent, bound))
                    {
                        continue;
                    }
                    if a != b {
                        state.routes[a] = reduced;
                        state.evals[a] = ea;
                    }
                    state.routes[b] = cand;
                    state.evals[b] = eb;
                    return true;
                }
            }
        }
    }
    false
}
