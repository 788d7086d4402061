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
use std::sync::atomic::{AtomicU64, Ordering};

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
    /// Does the route need exact schedule checks (break, several windows, pairs, groups)?
    pub exact: bool,
    /// Does the route hold a member of a synchronised group? Then its timing, hence its
    /// overtime, depends on other routes: the state sets `overtime` (see `State::resync`).
    pub synced: bool,
    pub travel: Cost,
    pub overtime: Cost,
    /// Names the route's contents: routes with the same stamp hold the same jobs and caches.
    /// Drawn from a process-wide counter whenever the caches are recomputed ([`Route::restamp`]),
    /// kept by a clone. The search copies its current solution into a scratch one every
    /// iteration, and most routes have not changed since the last copy: `clone_from` skips
    /// them (on 1000 jobs and 100 routes the copying was an eighth of the time).
    stamp: u64,
}

/// The next [`Route::stamp`]: unique in the process, whichever thread draws it.
static NEXT_STAMP: AtomicU64 = AtomicU64::new(1);

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
            synced: self.synced,
            travel: self.travel,
            overtime: self.overtime,
            stamp: self.stamp,
        }
    }

    fn clone_from(&mut self, source: &Self) {
        if self.stamp == source.stamp {
            return;
        }
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
        self.synced = source.synced;
        self.travel = source.travel;
        self.overtime = source.overtime;
        self.stamp = source.stamp;
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
            synced: false,
            travel: Cost::ZERO,
            overtime: Cost::ZERO,
            stamp: 0,
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
        let veh = &ctx.problem.vehicles[self.vehicle];
        self.locs.clear();
        self.locs.push(veh.start);
        self.fwd.clear();
        self.fwd.push(ctx.start_segment[self.vehicle]);
        self.cum_dist.clear();
        self.cum_dist.push(0);
        self.cum_time.clear();
        self.cum_time.push(0);
        self.cum_load.clear();
        self.cum_load.push(0);
        self.bwd.clear();
        self.bwd
            .resize(self.jobs.len() + 2, ctx.end_segment[self.vehicle]);
        self.exact = ctx.exact_vehicle[self.vehicle] || self.jobs.iter().any(|&j| ctx.exact_job[j]);
        self.synced =
            ctx.has_groups && self.jobs.iter().any(|&j| ctx.problem.group_of[j].is_some());
        self.rebuild(ctx, 1, self.jobs.len() + 1)
    }

    /// Updates the caches after `jobs` gained one job at index `k` (route position `k + 1`),
    /// recomputing only what that changes: the forward caches from position `k + 1` on and
    /// the backward ones up to it. Returns feasibility like [`Route::update`].
    #[must_use]
    pub fn update_inserted(&mut self, ctx: &Context, k: usize) -> bool {
        let n = self.jobs.len();
        if self.fwd.len() != n + 1 {
            return self.update(ctx);
        }
        self.locs.truncate(k + 1);
        self.fwd.truncate(k + 1);
        self.cum_dist.truncate(k + 1);
        self.cum_time.truncate(k + 1);
        self.cum_load.truncate(k + 1);
        self.bwd.insert(k + 1, ctx.end_segment[self.vehicle]);
        self.exact |= ctx.exact_job[self.jobs[k]];
        self.synced |= ctx.problem.group_of[self.jobs[k]].is_some();
        self.rebuild(ctx, k + 1, k + 1)
    }

    /// Extends the forward caches (`locs`, `fwd`, cumulative distance, time and load, valid
    /// for positions `0..from`) to every position, recomputes the backward segments of
    /// positions `0..=back_to` (those after it are valid), then the costs and feasibility.
    fn rebuild(&mut self, ctx: &Context, from: usize, back_to: usize) -> bool {
        self.restamp();
        let p = ctx.problem;
        let veh = &p.vehicles[self.vehicle];
        let n = self.jobs.len();
        for i in from..=n + 1 {
            let loc = if i <= n {
                p.jobs[self.jobs[i - 1]].location
            } else {
                veh.end
            };
            let leg = ctx.drives.leg(self.locs[i - 1], loc);
            self.locs.push(loc);
            let s = self.fwd[i - 1].then_over(leg.duration, &self.segment_at(ctx, i));
            self.fwd.push(s);
            self.cum_dist.push(self.cum_dist[i - 1] + leg.distance);
            self.cum_time.push(self.cum_time[i - 1] + leg.duration);
            if i <= n {
                let j = self.jobs[i - 1];
                let d = if p.pair_roles[j] == PairRole::Single {
                    p.jobs[j].demand.0
                } else {
                    0
                };
                self.cum_load.push(self.cum_load[i - 1] + d);
            }
        }
        for i in (0..=back_to.min(n)).rev() {
            let drive = self.time_between(i, i + 1);
            self.bwd[i] = self.segment_at(ctx, i).then_over(drive, &self.bwd[i + 1]);
        }
        self.load = self.cum_load[n];
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

    /// Gives the route a stamp no other route has: to be called by whatever changes its caches
    /// or costs (the caches' own refresh does).
    pub fn restamp(&mut self) {
        self.stamp = NEXT_STAMP.fetch_add(1, Ordering::Relaxed);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::routing::TimeWindow;
    use crate::solve::routing::problem::{Job, Problem, ProblemInput, Vehicle};
    use crate::solve::routing::units::{Load, Time};

    /// Six jobs at points 1..=6 of a line, windows that leave room for every order tried.
    fn line() -> Problem {
        let d = |i: usize, j: usize| 3 * (i as i64 - j as i64).abs();
        let jobs = (1..=6)
            .map(|l| Job {
                windows: vec![TimeWindow::new(Time(5 * l as i64), Time(500))],
                demand: Load(l as i64),
                ..Job::at(l, Time(2))
            })
            .collect();
        Problem::new(ProblemInput::of_drives(
            7,
            d,
            d,
            jobs,
            vec![Vehicle::at(0, TimeWindow::new(Time(0), Time(1000)))],
        ))
        .expect("a valid problem")
    }

    fn assert_same_caches(a: &Route, b: &Route) {
        assert_eq!(a.jobs, b.jobs);
        assert_eq!(a.locs, b.locs);
        assert_eq!(a.fwd, b.fwd);
        assert_eq!(a.bwd, b.bwd);
        assert_eq!(a.cum_dist, b.cum_dist);
        assert_eq!(a.cum_time, b.cum_time);
        assert_eq!(a.cum_load, b.cum_load);
        assert_eq!(
            (a.load, a.exact, a.synced, a.travel, a.overtime),
            (b.load, b.exact, b.synced, b.travel, b.overtime)
        );
    }

    #[test]
    fn an_incremental_insertion_leaves_the_caches_of_a_whole_update() {
        let problem = line();
        let ctx = Context::new(&problem);
        let mut route = Route::new(&ctx, 0);
        // Insertion indices: at the front, at the back, in the middle.
        for (job, at) in [(2, 0), (4, 1), (0, 0), (5, 3), (3, 2), (1, 1)] {
            route.jobs.insert(at, job);
            let incremental_ok = route.update_inserted(&ctx, at);
            let mut whole = route.clone();
            let whole_ok = whole.update(&ctx);
            assert_eq!(incremental_ok, whole_ok);
            assert_same_caches(&route, &whole);
        }
        assert_eq!(route.jobs, vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_copy_skips_only_the_routes_that_did_not_change() {
        let problem = line();
        let ctx = Context::new(&problem);
        let mut current = Route::new(&ctx, 0);
        current.jobs = vec![0, 1];
        assert!(current.update(&ctx));
        let mut scratch = current.clone();
        // The scratch route changes: copying the current one back restores it.
        scratch.jobs.push(2);
        assert!(scratch.update(&ctx));
        scratch.clone_from(&current);
        assert_same_caches(&scratch, &current);
        // The current route changes: the copy follows.
        current.jobs.insert(0, 3);
        assert!(current.update_inserted(&ctx, 0));
        scratch.clone_from(&current);
        assert_same_caches(&scratch, &current);
        assert_eq!(scratch.jobs, vec![3, 0, 1]);
    }
}
