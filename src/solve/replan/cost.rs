//! Route cost with stability, the work counter, and the routes being repaired.
//!
//! Invariant of [`State`]: `evals[v]` is the evaluation of `routes[v]`, and every route is
//! feasible.

use super::{Offer, ReplanError, Routes, Stability, Urgent};
use crate::solve::routing::{
    Cost, JobId, Problem, Schedule, Time, VehicleId, overtime_cost, route_travel_cost, schedule,
};

/// Travel + overtime + stability of `jobs` served by `vehicle`, with its schedule (`None`
/// for an empty route, which costs nothing); `None` if the route is infeasible.
pub fn route_cost(
    problem: &Problem,
    stability: &Stability,
    vehicle: VehicleId,
    jobs: &[JobId],
) -> Option<(Cost, Option<Schedule>)> {
    if jobs.is_empty() {
        return Some((Cost::ZERO, None));
    }
    let s = schedule(problem, vehicle, jobs).ok()?;
    let mut cost =
        route_travel_cost(problem, vehicle, &s) + overtime_cost(problem, vehicle, s.overtime);
    for (&j, visit) in jobs.iter().zip(&s.visits) {
        if let Some(a) = stability.announced.get(j).copied().flatten() {
            if a.vehicle != vehicle {
                cost += stability.move_cost;
            } else if (visit.start - a.start).0.abs() > stability.retime_threshold.0 {
                cost += stability.retime_cost;
            }
        }
    }
    Some((cost, Some(s)))
}

/// A route's cost and schedule.
#[derive(Clone, Debug)]
pub(super) struct Eval {
    pub cost: Cost,
    pub schedule: Option<Schedule>,
}

impl Eval {
    /// Start of the visit at `pos`.
    pub fn start(&self, pos: usize) -> Time {
        self.schedule
            .as_ref()
            .expect("a visit implies a schedule")
            .visits[pos]
            .start
    }
}

/// Evaluates routes and counts the work.
pub(super) struct Evaluator<'a> {
    pub problem: &'a Problem,
    pub stability: &'a Stability,
    pub work: u64,
    limit: u64,
}

impl<'a> Evaluator<'a> {
    pub fn new(problem: &'a Problem, stability: &'a Stability, limit: u64) -> Self {
        Self {
            problem,
            stability,
            work: 0,
            limit,
        }
    }

    pub fn exhausted(&self) -> bool {
        self.work >= self.limit
    }

    /// Evaluates a route; charges `n + 1` visits, times the break slots tried.
    pub fn eval(&mut self, vehicle: VehicleId, jobs: &[JobId]) -> Option<Eval> {
        let n = jobs.len() as u64 + 1;
        let passes = if self.problem.vehicles[vehicle].rest_break.is_some() {
            2 * n + 1
        } else {
            1
        };
        self.work += n * passes;
        route_cost(self.problem, self.stability, vehicle, jobs)
            .map(|(cost, schedule)| Eval { cost, schedule })
    }
}

/// The routes under repair and their evaluations.
pub(super) struct State {
    pub routes: Routes,
    pub evals: Vec<Eval>,
}

impl State {
    pub fn new(ev: &mut Evaluator<'_>, routes: Routes) -> Result<Self, ReplanError> {
        let mut evals = Vec::with_capacity(routes.len());
        for (v, r) in routes.iter().enumerate() {
            evals.push(
                ev.eval(v, r)
                    .ok_or(ReplanError::InfeasibleRoute { vehicle: v })?,
            );
        }
        Ok(Self { routes, evals })
    }

    /// Replaces a route by a feasible one.
    pub fn set_route(&mut self, ev: &mut Evaluator<'_>, v: VehicleId, jobs: Vec<JobId>) {
        let e = ev.eval(v, &jobs).expect("only feasible routes are set");
        self.routes[v] = jobs;
        self.evals[v] = e;
    }

    pub fn apply_insert(&mut self, ev: &mut Evaluator<'_>, v: VehicleId, pos: usize, job: JobId) {
        let mut jobs = self.routes[v].clone();
        jobs.insert(pos, job);
        self.set_route(ev, v, jobs);
    }

    pub fn locate(&self, job: JobId) -> Option<(VehicleId, usize)> {
        self.routes
            .iter()
            .enumerate()
            .find_map(|(v, r)| r.iter().position(|&j| j == job).map(|p| (v, p)))
    }

    /// Does the visit at `(v, pos)` start by `target`?
    pub fn meets(&self, v: VehicleId, pos: usize, target: Option<Time>) -> bool {
        target.is_none_or(|t| self.evals[v].start(pos) <= t)
    }

    /// The offer of inserting the urgent job as `ins` says.
    pub fn offer_insert(
        &self,
        ev: &mut Evaluator<'_>,
        ins: super::insertion::Insertion,
        urgent: Urgent,
        displaced: Vec<JobId>,
        displaced_penalty: Cost,
    ) -> Offer {
        let mut route = self.routes[ins.vehicle].clone();
        route.insert(ins.position, urgent.job);
        let e = ev
            .eval(ins.vehicle, &route)
            .expect("insertions are feasible");
        let schedule = e.schedule.expect("non-empty");
        let visit = schedule.visits[ins.position];
        Offer {
            vehicle: ins.vehicle,
            position: ins.position,
            arrival: visit.arrival,
            start: visit.start,
            delta: e.cost - self.evals[ins.vehicle].cost,
            displaced_penalty,
            meets_target: urgent.target.is_none_or(|t| visit.start <= t),
            displaced,
            route,
            schedule,
        }
    }
}
