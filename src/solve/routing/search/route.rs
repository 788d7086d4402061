//! A route under search: its jobs and the caches that make move evaluation O(1): prefix and
//! suffix segments, cumulative distance and driving time, load.
//!
//! Positions: 0 is the start depot, 1..=n the jobs, n + 1 the end depot. Invariant after
//! [`Route::update`]: the caches describe `jobs`; routes kept in a solution are feasible (the
//! callers check what `update` returns).

use super::context::Context;
use super::cost::LowerCost;
use super::segment::Segment;
use crate::solve::routing::problem::{JobId, LocationId, PairRole, VehicleId};
use crate::solve::routing::schedule::schedule;
use crate::solve::routing::units::Cost;

#[derive(Debug)]
pub struct Route {
    pub vehicle: VehicleId,
    pub jobs: Vec<JobId>,
    /// Location of each position.
    pub locs: Vec<LocationId>,
    /// `fwd[i]`: positions `0..=i`; `bwd[i]`: positions `i..=n+1`.
    pub fwd: Vec<Segment>,
    pub bwd: Vec<Segment>,
    /// Distance and driving time from position 0 to position i.
    pub cum_dist: Vec<i64>,
    pub cum_time: Vec<i64>,
    /// Demand of single jobs on board at the start.
    pub load: i64,
    /// Demand of single jobs at positions 1..=i.
    pub cum_load: Vec<i64>,
    /// Does the route need exact schedule checks (break, several windows, pairs)?
    pub exact: bool,
    pub travel: Cost,
    pub overtime: Cost,
}

/// Written out so that `clone_from` reuses the buffers: the search copies its current
/// solution into a scratch one every iteration.
impl Clone for Route {
    fn clone(&self) -> Self {
        Self {
            vehicle: self.vehicle,
            jobs: self.jobs.clone(),
            locs: self.locs.clone(),
            fwd: self.fwd.clone(),
            bwd: self.bwd.clone(),
            cum_dist: self.cum_dist.clone(),
            cum_time: self.cum_time.clone(),
            load: self.load,
            cum_load: self.cum_load.clone(),
            exact: self.exact,
            travel: self.travel,
            overtime: self.overtime,
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.vehicle = source.vehicle;
        self.jobs.clone_from(&source.jobs);
        self.locs.clone_from(&source.locs);
        self.fwd.clone_from(&source.fwd);
        self.bwd.clone_from(&source.bwd);
        self.cum_dist.clone_from(&source.cum_dist);
        self.cum_time.clone_from(&source.cum_time);
        self.load = source.load;
        self.cum_load.clone_from(&source.cum_load);
        self.exact = source.exact;
        self.travel = source.travel;
        self.overtime = source.overtime;
    }
}

impl Route {
    pub fn new(ctx: &Context, vehicle: VehicleId) -> Self {
        let mut r = Self {
            vehicle,
            jobs: Vec::new(),
            locs: Vec::new(),
            fwd: Vec::new(),
            bwd: Vec::new(),
            cum_dist: Vec::new(),
            cum_time: Vec::new(),
            load: 0,
            cum_load: Vec::new(),
            exact: false,
            travel: Cost::ZERO,
            overtime: Cost::ZERO,
        };
        let empty_is_feasible = r.update(ctx);
        debug_assert!(empty_is_feasible);
        r
    }

    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Segment of position `i` alone.
    #[inline]
    pub fn segment_at(&self, ctx: &Context, i: usize) -> Segment {
        if i == 0 {
            ctx.start_segment[self.vehicle]
        } else if i == self.jobs.len() + 1 {
            ctx.end_segment[self.vehicle]
        } else {
            ctx.job_segment[self.jobs[i - 1]]
        }
    }

    /// Distance and driving time between positions i <= j along the route.
    #[inline]
    pub fn dist_between(&self, i: usize, j: usize) -> i64 {
        self.cum_dist[j] - self.cum_dist[i]
    }

    #[inline]
    pub fn time_between(&self, i: usize, j: usize) -> i64 {
        self.cum_time[j] - self.cum_time[i]
    }

    /// Recomputes every cache from `jobs`. Returns whether the route is feasible: exactly
    /// (the schedule) when it needs exact checks, else by its segments. The costs of an
    /// infeasible route are meaningless.
    #[must_use]
    pub fn update(&mut self, ctx: &Context) -> bool {
        let p = ctx.problem;
        let veh = &p.vehicles[self.vehicle];
        let n = self.jobs.len();
        self.locs.clear();
        self.locs.push(veh.start);
        self.locs
            .extend(self.jobs.iter().map(|&j| p.jobs[j].location));
        self.locs.push(veh.end);
        self.fwd.clear();
        self.fwd.push(ctx.start_segment[self.vehicle]);
        for i in 1..=n + 1 {
            let s = self.fwd[i - 1].then(&p.durations, &self.segment_at(ctx, i));
            self.fwd.push(s);
        }
        self.bwd.clear();
        self.bwd.resize(n + 2, ctx.end_segment[self.vehicle]);
        for i in (0..=n).rev() {
            self.bwd[i] = self.segment_at(ctx, i).then(&p.durations, &self.bwd[i + 1]);
        }
        self.cum_dist.clear();
        self.cum_time.clear();
        self.cum_dist.push(0);
        self.cum_time.push(0);
        for i in 1..n + 2 {
            let (a, b) = (self.locs[i - 1], self.locs[i]);
            self.cum_dist
                .push(self.cum_dist[i - 1] + p.distance(a, b).0);
            self.cum_time
                .push(self.cum_time[i - 1] + p.duration(a, b).0);
        }
        self.cum_load.clear();
        self.cum_load.push(0);
        for (i, &j) in self.jobs.iter().enumerate() {
            let d = if p.pair_roles[j] == PairRole::Single {
                p.jobs[j].demand.0
            } else {
                0
            };
            self.cum_load.push(self.cum_load[i] + d);
        }
        self.load = self.cum_load[n];
        self.exact = ctx.exact_vehicle[self.vehicle] || self.jobs.iter().any(|&j| ctx.exact_job[j]);
        if n == 0 {
            self.travel = Cost::ZERO;
            self.overtime = Cost::ZERO;
            return true;
        }
        self.travel = Cost(
            veh.cost_per_distance * self.cum_dist[n + 1]
                + veh.cost_per_travel_time * self.cum_time[n + 1],
        );
        let end = if self.exact {
            match schedule(p, self.vehicle, &self.jobs) {
                Ok(s) => s.arrival.0,
                Err(_) => return false,
            }
        } else if self.fwd[n + 1].feasible() && self.load <= veh.capacity.0 {
            self.fwd[n + 1].earliest_end()
        } else {
            return false;
        };
        self.overtime = overtime_cost(ctx, self.vehicle, end);
        true
    }

    /// Overtime and travel cost of the route.
    #[inline]
    pub fn cost(&self) -> LowerCost {
        LowerCost {
            overtime: self.overtime.0,
            travel: self.travel.0,
        }
    }

    /// Travel cost of distance `d` and driving time `t` for this route's vehicle.
    #[inline]
    pub fn travel_cost(&self, ctx: &Context, d: i64, t: i64) -> i64 {
        let v = &ctx.problem.vehicles[self.vehicle];
        v.cost_per_distance * d + v.cost_per_travel_time * t
    }
}

/// Overtime cost of a route of `vehicle` ending at `end`.
#[inline]
pub fn overtime_cost(ctx: &Context, vehicle: VehicleId, end: i64) -> Cost {
    let v = &ctx.problem.vehicles[vehicle];
    match v.overtime {
        Some(o) => Cost(o.cost_per_unit.0 * (end - v.shift.end.0).max(0)),
        None => Cost::ZERO,
    }
}
