//! A solution under search: one route slot per vehicle (possibly empty) and the jobs left out.
//! Invariant: every job is in exactly one route or in `unassigned`, and `route_of`/`pos_of`
//! say where.

use super::context::Context;
use super::route::Route;
use crate::solve::routing::objective::Objective;
use crate::solve::routing::problem::{JobId, VehicleId};

pub const UNASSIGNED: usize = usize::MAX;

#[derive(Clone, Debug)]
pub struct State {
    pub routes: Vec<Route>,
    pub unassigned: Vec<JobId>,
    /// Per job: its route index, or [`UNASSIGNED`].
    pub route_of: Vec<usize>,
    /// Per job: its position in its route (1-based, as route positions are).
    pub pos_of: Vec<usize>,
    /// Work done refreshing routes since the search last collected it.
    pub refresh_work: u64,
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
            refresh_work: 0,
        }
    }

    /// Refreshes route `r`'s caches and its jobs' positions after its job list changed.
    pub fn refresh(&mut self, ctx: &Context, r: usize) {
        self.routes[r].update(ctx);
        let n = self.routes[r].len() as u64 + 2;
        self.refresh_work += if self.routes[r].exact {
            8 * n + 2 * n * n
        } else {
            6 * n
        };
        for (i, &j) in self.routes[r].jobs.iter().enumerate() {
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
        self.refresh(ctx, r);
    }

    /// Removes the given jobs from their routes (leaving them unassigned), refreshing each
    /// touched route once.
    pub fn remove(&mut self, ctx: &Context, jobs: &[JobId]) {
        let mut touched: Vec<usize> = Vec::new();
        for &j in jobs {
            let r = self.route_of[j];
            if r == UNASSIGNED {
                continue;
            }
            self.route_of[j] = UNASSIGNED;
            self.unassigned.push(j);
            if !touched.contains(&r) {
                touched.push(r);
            }
        }
        for r in touched {
            let route_of = &self.route_of;
            self.routes[r].jobs.retain(|&j| route_of[j] == r);
            self.refresh(ctx, r);
        }
    }

    /// Does every route pass the exact schedule check? A safety net on the solutions the
    /// search keeps as its best: the constant-time checks are meant to make it always true.
    pub fn verified(&self, ctx: &Context) -> bool {
        self.routes.iter().all(|r| {
            r.is_empty()
                || crate::solve::routing::schedule::schedule(ctx.problem, r.vehicle, &r.jobs)
                    .is_ok()
        })
    }

    /// Takes the refresh work done so far, plus the cost of one copy of the state.
    pub fn collect_work(&mut self) -> u64 {
        let copy = 16 + 2 * self.routes.len() as u64 + self.route_of.len() as u64 / 2;
        std::mem::take(&mut self.refresh_work) + copy
    }

    pub fn is_assigned(&self, j: JobId) -> bool {
        self.route_of[j] != UNASSIGNED
    }

    pub fn used_routes(&self) -> usize {
        self.routes.iter().filter(|r| !r.is_empty()).count()
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
