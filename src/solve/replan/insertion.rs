//! Best insertion of one job: per route, then over a set of vehicles.

use super::Urgent;
use super::cost::{Evaluator, State};
use crate::solve::routing::{Cost, JobId, Problem, Time, VehicleId};

/// What "best" means.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Pick {
    /// Least added cost among insertions that start by the target.
    Cheapest,
    /// Earliest start, whatever the target; then least added cost.
    Earliest,
}

/// A feasible insertion of the urgent job.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) struct Insertion {
    pub vehicle: VehicleId,
    pub position: usize,
    pub start: Time,
    pub delta: Cost,
}

impl Insertion {
    fn key(&self, pick: Pick) -> (i64, i64) {
        match pick {
            Pick::Cheapest => (self.delta.0, self.start.0),
            Pick::Earliest => (self.start.0, self.delta.0),
        }
    }
}

/// The best insertion of `urgent.job` into `base` (whose cost is `base_cost`) for vehicle
/// `v`; ties go to the earlier position.
pub(super) fn best_in_route(
    ev: &mut Evaluator<'_>,
    v: VehicleId,
    base: &[JobId],
    base_cost: Cost,
    urgent: Urgent,
    pick: Pick,
) -> Option<Insertion> {
    let mut best: Option<Insertion> = None;
    let mut jobs = Vec::with_capacity(base.len() + 1);
    for pos in 0..=base.len() {
        jobs.clear();
        jobs.extend_from_slice(&base[..pos]);
        jobs.push(urgent.job);
        jobs.extend_from_slice(&base[pos..]);
        let Some(e) = ev.eval(v, &jobs) else {
            continue;
        };
        let start = e.start(pos);
        if pick == Pick::Cheapest && urgent.target.is_some_and(|t| start > t) {
            continue;
        }
        let cand = Insertion {
            vehicle: v,
            position: pos,
            start,
            delta: e.cost - base_cost,
        };
        if best.is_none_or(|b| cand.key(pick) < b.key(pick)) {
            best = Some(cand);
        }
    }
    best
}

/// The best insertion over `vehicles` (those that can serve the job); ties go to the lower
/// vehicle index.
pub(super) fn best_over(
    ev: &mut Evaluator<'_>,
    state: &State,
    urgent: Urgent,
    vehicles: &[VehicleId],
    pick: Pick,
) -> Option<Insertion> {
    let mut best: Option<Insertion> = None;
    for &v in vehicles {
        if !ev.problem.can_serve(v, urgent.job) {
            continue;
        }
        let cand = best_in_route(ev, v, &state.routes[v], state.evals[v].cost, urgent, pick);
        if let Some(c) = cand
            && best.is_none_or(|b| (c.key(pick), c.vehicle) < (b.key(pick), b.vehicle))
        {
            best = Some(c);
        }
    }
    best
}

/// Up to `k` vehicles able to serve `job`, nearest first: by the shortest drive to the job
/// from the vehicle's start or any visit of its route.
pub(super) fn near_vehicles(
    problem: &Problem,
    routes: &[Vec<JobId>],
    job: JobId,
    k: usize,
) -> Vec<VehicleId> {
    let to = problem.jobs[job].location;
    let mut near: Vec<(Time, VehicleId)> = (0..problem.num_vehicles())
        .filter(|&v| problem.can_serve(v, job))
        .map(|v| {
            let from_start = problem.duration(problem.vehicles[v].start, to);
            let from_route = routes[v]
                .iter()
                .map(|&j| problem.duration(problem.jobs[j].location, to))
                .min()
                .unwrap_or(Time::MAX);
            (from_start.min(from_route), v)
        })
        .collect();
    near.sort_unstable();
    near.into_iter().take(k).map(|(_, v)| v).collect()
}
