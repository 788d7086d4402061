//! A solution under search: one route slot per vehicle (possibly empty) and the jobs left out.
//! Invariant: every job is in exactly one route or in `unassigned`, and `route_of`/`pos_of`
//! say where. Synchronised groups are routed whole or not at all, and once a change is
//! complete the overtime of every route holding a member is the synchronised one
//! ([`State::resync`]).

use super::context::Context;
use super::route::{Route, overtime_cost};
use crate::solve::routing::objective::Objective;
use crate::solve::routing::problem::{JobId, VehicleId};
use crate::solve::routing::schedule::schedule_routes;

/// Adds to `jobs` the other members of the groups of its jobs.
pub fn with_group_mates(ctx: &Context, jobs: &mut Vec<JobId>) {
    let n = jobs.len();
    for k in 0..n {
        if let Some(g) = ctx.problem.group_of[jobs[k]] {
            for &m in &ctx.problem.groups[g].jobs {
                if !jobs.contains(&m) {
                    jobs.push(m);
                }
            }
        }
    }
}

pub const UNASSIGNED: usize = usize::MAX;

#[derive(Debug, Default)]
pub struct State {
    pub routes: Vec<Route>,
    pub unassigned: Vec<JobId>,
    /// Per job: its route index, or [`UNASSIGNED`].
    pub route_of: Vec<usize>,
    /// Per job: its position in its route (1-based, as route positions are).
    pub pos_of: Vec<usize>,
    /// Per route: does it hold a job, as of its last refresh? Scanned where a loop over the
    /// routes wants only those in use: on Gehring & Homberger's 1000-job instances 250 vehicles
    /// run 25-100 routes, and reading every route's caches to skip the empty ones stalled
    /// the cheapest insertion.
    pub in_use: Vec<bool>,
    /// Work done refreshing routes since the search last collected it.
    pub refresh_work: u64,
}

/// Written out so that `clone_from` reuses the buffers (see [`Route`]'s `Clone`).
impl Clone for State {
    fn clone(&self) -> Self {
        Self {
            routes: self.routes.clone(),
            unassigned: self.unassigned.clone(),
            route_of: self.route_of.clone(),
            pos_of: self.pos_of.clone(),
            in_use: self.in_use.clone(),
            refresh_work: self.refresh_work,
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.routes.clone_from(&source.routes);
        self.unassigned.clone_from(&source.unassigned);
        self.route_of.clone_from(&source.route_of);
        self.pos_of.clone_from(&source.pos_of);
        self.in_use.clone_from(&source.in_use);
        self.refresh_work = source.refresh_work;
    }
}

impl State {
    /// Every vehicle idle, every job left out.
    pub fn empty(ctx: &Context) -> Self {
        let p = ctx.problem;
        Self {
            routes: (0..p.num_vehicles()).map(|v| Route::new(ctx, v)).collect(),
            unassigned: (0..p.num_jobs()).collect(),
            route_of: vec![UNASSIGNED; p.num_jobs()],
            pos_of: vec![0; p.num_jobs()],
            in_use: vec![false; p.num_vehicles()],
            refresh_work: 0,
        }
    }

    /// Refreshes route `r`'s caches and its jobs' positions after its job list changed to one
    /// already known to be feasible.
    pub fn refresh(&mut self, ctx: &Context, r: usize) {
        let feasible = self.try_refresh(ctx, r);
        assert!(feasible, "routes under search stay feasible");
    }

    /// Refreshes route `r` like [`State::refresh`]; returns whether its new job list is
    /// feasible.
    fn try_refresh(&mut self, ctx: &Context, r: usize) -> bool {
        let feasible = self.routes[r].update(ctx);
        self.in_use[r] = !self.routes[r].is_empty();
        let n = self.routes[r].len() as u64 + 2;
        self.refresh_work += if self.routes[r].exact {
            8 * n + 2 * n * n
        } else {
            2 * n
        };
        self.reindex(r, 0);
        feasible
    }

    /// Records where the jobs of route `r` from index `from` on are.
    fn reindex(&mut self, r: usize, from: usize) {
        for (i, &j) in self.routes[r].jobs.iter().enumerate().skip(from) {
            self.route_of[j] = r;
            self.pos_of[j] = i + 1;
        }
    }

    /// Takes `j` off the unassigned list (the caller puts it in a route).
    pub fn take_unassigned(&mut self, j: JobId) {
        let k = self
            .unassigned
            .iter()
            .position(|&u| u == j)
            .expect("only unassigned jobs are inserted");
        self.unassigned.swap_remove(k);
    }

    /// Inserts unassigned job `j` into route `r` after position `after` (0 = first).
    pub fn insert(&mut self, ctx: &Context, j: JobId, r: usize, after: usize) {
        self.take_unassigned(j);
        self.routes[r].jobs.insert(after, j);
        let feasible = self.routes[r].update_inserted(ctx, after);
        self.in_use[r] = true;
        assert!(feasible, "routes under search stay feasible");
        if self.routes[r].synced {
            self.settle(ctx);
        }
        let n = self.routes[r].len() as u64 + 2;
        // About half the segments of a whole refresh, and the forward caches after `after`.
        self.refresh_work += if self.routes[r].exact {
            8 * n + 2 * n * n
        } else {
            3 * n / 2
        };
        self.reindex(r, after);
    }

    /// Removes the given jobs, and the other members of their groups, from their routes
    /// (leaving them unassigned), refreshing each touched route once. Feasibility is not
    /// monotone: without a stop a break may find no place in its window, and a matrix may break
    /// the triangle inequality. A route whose rest would be infeasible keeps all its jobs; with
    /// groups, if that or the synchronisation fails, every touched route keeps its jobs.
    pub fn remove(&mut self, ctx: &Context, jobs: &[JobId]) {
        let mut jobs = jobs.to_vec();
        if ctx.has_groups {
            with_group_mates(ctx, &mut jobs);
        }
        let mut touched: Vec<usize> = Vec::new();
        for &j in &jobs {
            let r = self.route_of[j];
            if r == UNASSIGNED {
                continue;
            }
            self.route_of[j] = UNASSIGNED;
            if !touched.contains(&r) {
                touched.push(r);
            }
        }
        let mut saved: Vec<(usize, Vec<JobId>)> = Vec::with_capacity(touched.len());
        let mut kept_whole = false;
        for r in touched {
            let before = self.routes[r].jobs.clone();
            let route_of = &self.route_of;
            self.routes[r].jobs.retain(|&j| route_of[j] == r);
            if !self.try_refresh(ctx, r) {
                self.routes[r].jobs.clone_from(&before);
                self.refresh(ctx, r);
                kept_whole = true;
            }
            saved.push((r, before));
        }
        if ctx.has_groups && (kept_whole || !self.resync(ctx)) {
            for (r, before) in &saved {
                self.routes[*r].jobs.clone_from(before);
                self.refresh(ctx, *r);
            }
            self.settle(ctx);
            return;
        }
        for (_, before) in &saved {
            self.unassigned
                .extend(before.iter().filter(|&&j| self.route_of[j] == UNASSIGNED));
        }
    }

    /// Sets the overtime of every route holding a group member from the routes' synchronised
    /// schedules. Returns false, changing nothing, if they cannot be synchronised.
    #[must_use]
    pub fn resync(&mut self, ctx: &Context) -> bool {
        if !ctx.has_groups {
            return true;
        }
        let synced: Vec<usize> = (0..self.routes.len())
            .filter(|&r| self.routes[r].synced)
            .collect();
        let routes: Vec<(VehicleId, &[JobId])> = synced
            .iter()
            .map(|&r| (self.routes[r].vehicle, self.routes[r].jobs.as_slice()))
            .collect();
        let Ok(schedules) = schedule_routes(ctx.problem, &routes) else {
            return false;
        };
        let n: u64 = routes.iter().map(|(_, jobs)| jobs.len() as u64 + 2).sum();
        self.refresh_work += 4 * n;
        for (&r, s) in synced.iter().zip(&schedules) {
            let vehicle = self.routes[r].vehicle;
            self.routes[r].overtime = overtime_cost(ctx, vehicle, s.arrival.0);
            self.routes[r].restamp();
        }
        true
    }

    /// [`State::resync`] after a change already known to keep the groups synchronised.
    pub fn settle(&mut self, ctx: &Context) {
        let synchronised = self.resync(ctx);
        assert!(synchronised, "routes under search stay synchronised");
    }

    /// Does every route pass the exact schedule check? A safety net on the solutions the
    /// search keeps as its best: the constant-time checks are meant to make it always true.
    pub fn verified(&self, ctx: &Context) -> bool {
        if ctx.has_groups {
            return schedule_routes(ctx.problem, &self.sequences()).is_ok();
        }
        self.routes.iter().all(|r| {
            r.is_empty()
                || crate::solve::routing::schedule::schedule(ctx.problem, r.vehicle, &r.jobs)
                    .is_ok()
        })
    }

    /// Takes the refresh work done so far, plus the fixed cost of one search iteration (copying
    /// the state, computing the objective).
    pub fn collect_work(&mut self) -> u64 {
        let copy = 50 + 4 * self.routes.len() as u64 + 2 * self.route_of.len() as u64;
        std::mem::take(&mut self.refresh_work) + copy
    }

    /// Where routed job `j` is: its route and its position there.
    #[inline]
    pub fn place(&self, j: JobId) -> (usize, usize) {
        debug_assert!(self.is_assigned(j));
        (self.route_of[j], self.pos_of[j])
    }

    pub fn is_assigned(&self, j: JobId) -> bool {
        self.route_of[j] != UNASSIGNED
    }

    pub fn used_routes(&self) -> usize {
        self.in_use.iter().filter(|&&u| u).count()
    }

    /// The objective, from the route caches.
    pub fn objective(&self, ctx: &Context) -> Objective {
        let p = ctx.problem;
        let mut o = Objective::default();
        for r in &self.routes {
            if r.is_empty() {
                continue;
            }
            o.travel += r.travel;
            o.overtime += r.overtime;
            if p.minimize_vehicles {
                o.vehicles += 1;
            }
        }
        for &j in &self.unassigned {
            match p.jobs[j].drop_penalty {
                None => o.unserved_mandatory += 1,
                Some(c) => o.dropped_penalty += c,
            }
        }
        o
    }

    /// The routes as (vehicle, jobs), empty ones included.
    pub fn sequences(&self) -> Vec<(VehicleId, Vec<JobId>)> {
        self.routes
            .iter()
            .map(|r| (r.vehicle, r.jobs.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::routing::problem::{Break, Job, Problem, ProblemInput, Vehicle};
    use crate::solve::routing::units::Time;
    use crate::solve::routing::{TimeWindow, schedule};

    /// Jobs 0 and 1 ten and twenty units out on a line; the vehicle must be back by 50 and
    /// rest 10 units starting in [10, 12]. In route [0, 1] the break is taken at job 0; without
    /// that stop it can only be taken at the depot, and the vehicle is back at 60.
    fn break_needs_a_stop() -> Problem {
        let d = |i: usize, j: usize| 10 * (i as i64 - j as i64).abs();
        Problem::new(ProblemInput::of_drives(
            3,
            d,
            d,
            vec![Job::at(1, Time::ZERO), Job::at(2, Time::ZERO)],
            vec![Vehicle {
                rest_break: Some(Break {
                    window: TimeWindow::new(Time(10), Time(12)),
                    duration: Time(10),
                }),
                ..Vehicle::at(0, TimeWindow::new(Time(0), Time(50)))
            }],
        ))
        .expect("a valid problem")
    }

    #[test]
    fn removing_a_stop_the_break_needs_keeps_the_route_whole() {
        let problem = break_needs_a_stop();
        assert!(schedule(&problem, 0, &[0, 1]).is_ok());
        assert!(schedule(&problem, 0, &[1]).is_err());
        let ctx = Context::new(&problem);
        let mut state = State::empty(&ctx);
        state.insert(&ctx, 0, 0, 0);
        state.insert(&ctx, 1, 0, 1);
        state.remove(&ctx, &[0]);
        assert_eq!(state.routes[0].jobs, vec![0, 1]);
        assert!(state.unassigned.is_empty());
        assert_eq!((state.route_of[0], state.pos_of[0]), (0, 1));
        assert!(state.verified(&ctx));
        state.remove(&ctx, &[1]);
        assert_eq!(state.routes[0].jobs, vec![0]);
        assert_eq!(state.unassigned, vec![1]);
        assert!(state.verified(&ctx));
    }
}
