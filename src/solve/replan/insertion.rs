//! Best insertion of one job: per route, then over a set of vehicles.
//!
//! A delivery whose pickup is not routed goes in with its pickup: every pair of positions,
//! pickup first (`O(n²)` schedules per route; routes are a day's visits).

use super::Urgent;
use super::cost::{Evaluator, State};
use crate::solve::routing::problem::PairRole;
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
    /// Index of the job in the new route.
    pub position: usize,
    /// The job's pickup inserted with it, and its index in the new route (before `position`).
    pub pickup: Option<(JobId, usize)>,
    pub start: Time,
    pub delta: Cost,
}

impl Insertion {
    /// `base` with the job (and its pickup) inserted.
    pub fn route(&self, base: &[JobId], job: JobId) -> Vec<JobId> {
        let mut jobs = base.to_vec();
        if let Some((p, at)) = self.pickup {
            jobs.insert(at, p);
        }
        jobs.insert(self.position, job);
        jobs
    }

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
    let pickup = match ev.problem.pair_roles[urgent.job] {
        PairRole::Delivery { pickup } if !base.contains(&pickup) => Some(pickup),
        _ => None,
    };
    // Pickup positions (in `base`) to try: none, or each one.
    let pickup_at: Vec<Option<usize>> = match pickup {
        Some(_) => (0..=base.len()).map(Some).collect(),
        None => vec![None],
    };
    for at in pickup_at {
        let first = at.map_or(0, |a| a + 1);
        let len = base.len() + usize::from(at.is_some());
        for pos in first..=len {
            let cand = Insertion {
                vehicle: v,
                position: pos,
                pickup: pickup.zip(at),
                start: Time::ZERO,
                delta: Cost::ZERO,
            };
            let jobs = cand.route(base, urgent.job);
            let Some(e) = ev.eval(v, &jobs) else {
                continue;
            };
            let start = e.start(pos);
            if pick == Pick::Cheapest && urgent.target.is_some_and(|t| start > t) {
                continue;
            }
            let cand = Insertion {
                start,
                delta: e.cost - base_cost,
                ..cand
            };
            if best.is_none_or(|b| cand.key(pick) < b.key(pick)) {
                best = Some(cand);
            }
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
