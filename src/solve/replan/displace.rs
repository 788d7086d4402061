//! Displacement: make room for the urgent job by taking one or two consecutive optional
//! visits out of a route (a small ruin), then put them back elsewhere if they fit (recreate).

use super::cost::{Evaluator, State};
use super::insertion::{self, Pick};
use super::{Offer, Urgent};
use crate::solve::routing::problem::PairRole;
use crate::solve::routing::{Cost, JobId, Time, VehicleId};

/// The longest run of consecutive visits removed at once.
const MAX_REMOVED: usize = 2;

/// A route with visits removed and the urgent job inserted.
#[derive(Clone, Debug)]
pub(super) struct Displacement {
    pub vehicle: VehicleId,
    pub removed: Vec<JobId>,
    pub route: Vec<JobId>,
    pub position: usize,
    pub penalty: Cost,
    pub delta: Cost,
    pub start: Time,
}

impl Displacement {
    fn key(&self, meet: bool) -> (i64, i64, i64) {
        if meet {
            (self.penalty.0, self.delta.0, self.start.0)
        } else {
            (self.start.0, self.penalty.0, self.delta.0)
        }
    }
}

/// The best displacement over `vehicles`: with `meet`, cheapest by (penalty, cost) among
/// those that start the urgent job by its target; without, the earliest start.
pub(super) fn best(
    ev: &mut Evaluator<'_>,
    state: &State,
    urgent: Urgent,
    vehicles: &[VehicleId],
    meet: bool,
) -> Option<Displacement> {
    let pick = if meet { Pick::Cheapest } else { Pick::Earliest };
    let mut best: Option<Displacement> = None;
    for &v in vehicles {
        if !ev.problem.can_serve(v, urgent.job) {
            continue;
        }
        let route = &state.routes[v];
        for len in 1..=MAX_REMOVED.min(route.len()) {
            for i in 0..=route.len() - len {
                if ev.exhausted() {
                    return best;
                }
                let removed = &route[i..i + len];
                let Some(penalty) = removable_penalty(ev, removed) else {
                    continue;
                };
                let reduced: Vec<JobId> = route[..i]
                    .iter()
                    .chain(&route[i + len..])
                    .copied()
                    .collect();
                let Some(base) = ev.eval(v, &reduced) else {
                    continue;
                };
                let Some(ins) = insertion::best_in_route(ev, v, &reduced, base.cost, urgent, pick)
                else {
                    continue;
                };
                let new_route = ins.route(&reduced, urgent.job);
                let cand = Displacement {
                    vehicle: v,
                    removed: removed.to_vec(),
                    route: new_route,
                    position: ins.position,
                    penalty,
                    delta: base.cost + ins.delta - state.evals[v].cost,
                    start: ins.start,
                };
                if best
                    .as_ref()
                    .is_none_or(|b| (cand.key(meet), v) < (b.key(meet), b.vehicle))
                {
                    best = Some(cand);
                }
            }
        }
    }
    best
}

/// The summed drop penalties of visits that may be removed; `None` if one is mandatory, in
/// a pickup-delivery pair or a member of a synchronised group (its partners would be left
/// alone).
fn removable_penalty(ev: &Evaluator<'_>, removed: &[JobId]) -> Option<Cost> {
    let mut sum = Cost::ZERO;
    for &j in removed {
        if ev.problem.pair_roles[j] != PairRole::Single || ev.problem.group_of[j].is_some() {
            return None;
        }
        sum += ev.problem.jobs[j].drop_penalty?;
    }
    Some(sum)
}

/// Commits a displacement; the removed visits go to the cheapest place on another route, or
/// to `unassigned`.
pub(super) fn apply(
    ev: &mut Evaluator<'_>,
    state: &mut State,
    d: &Displacement,
    _urgent: JobId,
    unassigned: &mut Vec<JobId>,
) {
    state.set_route(ev, d.vehicle, d.route.clone());
    let others: Vec<VehicleId> = (0..ev.problem.num_vehicles())
        .filter(|&v| v != d.vehicle)
        .collect();
    for &r in &d.removed {
        let job = Urgent {
            job: r,
            target: None,
        };
        match insertion::best_over(ev, state, job, &others, Pick::Cheapest) {
            Some(ins) => state.apply_insert(ev, ins, r),
            None => unassigned.push(r),
        }
    }
}

/// The offer a displacement makes, without committing it.
pub(super) fn offer(
    ev: &mut Evaluator<'_>,
    state: &State,
    d: &Displacement,
    urgent: Urgent,
) -> Offer {
    let e = ev
        .eval(d.vehicle, &d.route)
        .expect("displacements are feasible");
    let schedule = e.schedule.expect("non-empty");
    let visit = schedule.visits[d.position];
    Offer {
        vehicle: d.vehicle,
        position: d.position,
        arrival: visit.arrival,
        start: visit.start,
        delta: e.cost - state.evals[d.vehicle].cost,
        displaced_penalty: d.penalty,
        meets_target: urgent.target.is_none_or(|t| visit.start <= t),
        displaced: d.removed.clone(),
        route: d.route.clone(),
        schedule,
    }
}
