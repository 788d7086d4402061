//! Cheapest feasible insertion of one job (or one pickup-delivery pair).
//!
//! For routes whose segments are exact (one window per job, no break, no pair) a position is
//! checked and costed in O(1). For the others the O(1) figures are a relaxation: the hull of
//! the windows, no break, no precedence. Such candidates are verified with the exact schedule
//! lazily, cheapest first, and only while they can still beat the best verified one (the
//! relaxed cost is a lower bound: a break or a later window only delays the return).

use super::context::Context;
use super::cost::LowerCost;
use super::env::Env;
use super::route::{Route, overtime_cost};
use super::state::State;
use super::sync::{TeamPlacement, apply_group, best_group_insertion, exact_change};
use crate::solve::routing::problem::{JobId, PairRole};
use crate::solve::routing::schedule::schedule;

/// The cost of an insertion, compared lexicographically: does it open a route that counts as
/// a vehicle, then the added overtime, then the added travel cost.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct InsertCost {
    pub opens_vehicle: bool,
    pub cost: LowerCost,
}

/// Where to insert: into route `route`, after position `after` (0: first), and for a pair the
/// delivery after position `delivery_after` of the route with the pickup already in; for a
/// group, every member's place in `team`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Insertion {
    pub cost: InsertCost,
    pub route: usize,
    pub after: usize,
    pub delivery_after: Option<usize>,
    pub team: Option<TeamPlacement>,
}

#[derive(Copy, Clone, Debug)]
pub struct InsertOptions<'a> {
    /// Probability of skipping a position (SISR's blinks).
    pub blink: f64,
    /// Which empty routes the insertion may use.
    pub empty_routes: EmptyRoutes<'a>,
    /// Greedy insertion stops once the solution uses more routes than this: under the
    /// hierarchical objective such a candidate is rejected whatever else it does.
    pub route_limit: Option<usize>,
}

/// Which empty routes an insertion may use (one per vehicle class either way).
#[derive(Copy, Clone, Debug)]
pub enum EmptyRoutes<'a> {
    Any,
    /// Those whose flag is set: route elimination reopens the routes its attempt uses, which a
    /// ruin may have emptied, never the one it eliminates.
    Only(&'a [bool]),
}

/// Relaxed cost of inserting `j` between positions `p` and `p + 1`; exact for non-exact
/// routes; `None` if infeasible even relaxed.
#[inline]
pub fn insertion_delta(ctx: &Context, route: &Route, j: JobId, p: usize) -> Option<LowerCost> {
    let travel = added_travel(ctx, route, j, p);
    let overtime = added_overtime(ctx, route, j, p)?;
    Some(LowerCost { overtime, travel })
}

/// Travel cost added by inserting `j` between positions `p` and `p + 1`.
#[inline]
fn added_travel(ctx: &Context, route: &Route, j: JobId, p: usize) -> i64 {
    let pr = ctx.problem;
    let (a, b, l) = (route.locs[p], route.locs[p + 1], pr.jobs[j].location);
    let dd = pr.distance(a, l).0 + pr.distance(l, b).0 - pr.distance(a, b).0;
    let dt = pr.duration(a, l).0 + pr.duration(l, b).0 - pr.duration(a, b).0;
    route.travel_cost(ctx, dd, dt)
}

/// Overtime cost added by inserting `j` between positions `p` and `p + 1`, by the relaxed
/// segments; `None` if that breaks a time window.
#[inline]
fn added_overtime(ctx: &Context, route: &Route, j: JobId, p: usize) -> Option<i64> {
    let d = &ctx.problem.durations;
    let seg = route.fwd[p]
        .then(d, &ctx.job_segment[j])
        .then(d, &route.bwd[p + 1]);
    if !seg.feasible() {
        return None;
    }
    Some((overtime_cost(ctx, route.vehicle, seg.earliest_end()) - route.overtime).0)
}

/// The positions after which `j` may go in `route` as far as time windows alone allow: a
/// necessary condition, checked by binary search. In a feasible route the earliest end of
/// the prefix `0..=p` and the latest start of the suffix `p..` never decrease with `p`
/// (service and travel times are not negative), so the positions where `j` could still start
/// by its latest start, and be done by the time the rest of the route must start, form a
/// range.
#[inline]
pub fn window_positions(ctx: &Context, route: &Route, j: JobId) -> std::ops::Range<usize> {
    let job = &ctx.job_segment[j];
    let n = route.len();
    // After position p the next stop is p + 1: the suffix from p + 1 must start no earlier
    // than j's earliest end.
    let first = route.bwd[1..=n + 1].partition_point(|s| s.late < job.early + job.duration);
    let end = route.fwd[..=n].partition_point(|s| s.earliest_end() <= job.late);
    first..end.max(first)
}

/// Exact cost of route `route` with `jobs` instead of its jobs, relative to its current cost.
pub fn exact_delta(ctx: &Context, route: &Route, jobs: &[JobId]) -> Option<LowerCost> {
    let s = schedule(ctx.problem, route.vehicle, jobs).ok()?;
    let cost = LowerCost {
        overtime: overtime_cost(ctx, route.vehicle, s.arrival.0).0,
        travel: route.travel_cost(ctx, s.distance.0, s.travel_time.0),
    };
    Some(cost - route.cost())
}

/// Can route `r` be tried for a job, given the options? Empty routes count once per vehicle
/// class (`seen` collects the classes tried).
fn route_open(
    ctx: &Context,
    state: &State,
    r: usize,
    opts: &InsertOptions,
    seen: &mut Vec<usize>,
) -> bool {
    let route = &state.routes[r];
    if route.is_empty() {
        if matches!(opts.empty_routes, EmptyRoutes::Only(allowed) if !allowed[r]) {
            return false;
        }
        let class = ctx.class[route.vehicle];
        if seen.contains(&class) {
            return false;
        }
        seen.push(class);
    }
    true
}

/// SISR's blinks: each position is skipped with probability `rate`, independently. The gaps
/// between skips are drawn from the geometric distribution rather than one draw per position.
struct Blinks {
    /// ln(1 - rate); zero when nothing blinks.
    log_keep: f64,
    /// Positions still to be kept before the next skip.
    kept_before_skip: u64,
}

impl Blinks {
    fn new(env: &mut Env, rate: f64) -> Self {
        let mut b = Self {
            log_keep: if rate > 0.0 {
                (1.0 - rate.min(1.0)).ln()
            } else {
                0.0
            },
            kept_before_skip: u64::MAX,
        };
        b.draw(env);
        b
    }

    fn draw(&mut self, env: &mut Env) {
        if self.log_keep < 0.0 {
            let u = env.uniform().max(f64::MIN_POSITIVE);
            self.kept_before_skip = (u.ln() / self.log_keep) as u64;
        }
    }

    /// Is the next position skipped?
    #[inline]
    fn next(&mut self, env: &mut Env) -> bool {
        if self.kept_before_skip == 0 {
            self.draw(env);
            true
        } else {
            self.kept_before_skip -= 1;
            false
        }
    }
}

/// The cheapest feasible insertion of single job `j`, or `None`.
pub fn best_insertion(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    j: JobId,
    opts: &InsertOptions,
) -> Option<Insertion> {
    if let PairRole::Pickup { delivery } = ctx.problem.pair_roles[j] {
        return best_pair_insertion(ctx, state, env, j, delivery, opts);
    }
    if let Some(g) = ctx.problem.group_of[j] {
        return best_group_insertion(ctx, state, env, g, opts);
    }
    let pr = ctx.problem;
    let demand = pr.jobs[j].demand.0;
    let count_vehicles = pr.minimize_vehicles;
    let mut best: Option<Insertion> = None;
    let mut exact_candidates: Vec<(InsertCost, usize, usize)> = Vec::new();
    let mut seen = Vec::new();
    let exact_job = ctx.exact_job[j];
    let mut blinks = Blinks::new(env, opts.blink);
    for (r, route) in state.routes.iter().enumerate() {
        if !pr.can_serve(route.vehicle, j)
            || route.load + demand > pr.vehicles[route.vehicle].capacity.0
        {
            continue;
        }
        if !route_open(ctx, state, r, opts, &mut seen) {
            continue;
        }
        let opens_vehicle = count_vehicles && route.is_empty();
        // Without overtime the added travel is the whole cost: positions it cannot beat the
        // best with are not checked further.
        let travel_decides = pr.vehicles[route.vehicle].overtime.is_none();
        let positions = window_positions(ctx, route, j);
        env.charge(positions.len() as u64 + 2);
        for p in positions {
            if blinks.next(env) {
                continue;
            }
            let travel = added_travel(ctx, route, j, p);
            let lower = InsertCost {
                opens_vehicle,
                cost: LowerCost {
                    overtime: 0,
                    travel,
                },
            };
            if travel_decides && best.is_some_and(|b| b.cost <= lower) {
                continue;
            }
            let Some(overtime) = added_overtime(ctx, route, j, p) else {
                continue;
            };
            let cost = InsertCost {
                opens_vehicle,
                cost: LowerCost { overtime, travel },
            };
            if best.is_some_and(|b| b.cost <= cost) {
                continue;
            }
            if route.exact || exact_job {
                exact_candidates.push((cost, r, p));
            } else {
                best = Some(Insertion {
                    cost,
                    route: r,
                    after: p,
                    delivery_after: None,
                    team: None,
                });
            }
        }
    }
    if exact_candidates.is_empty() {
        return best;
    }
    exact_candidates.sort_unstable();
    let mut jobs = Vec::new();
    for (lower_bound, r, p) in exact_candidates {
        if best.is_some_and(|b| b.cost <= lower_bound) {
            break;
        }
        let route = &state.routes[r];
        jobs.clear();
        jobs.extend_from_slice(&route.jobs[..p]);
        jobs.push(j);
        jobs.extend_from_slice(&route.jobs[p..]);
        if let Some(cost) = exact_change(ctx, state, env, &[(r, &jobs)]) {
            let cost = InsertCost {
                opens_vehicle: lower_bound.opens_vehicle,
                cost,
            };
            if best.is_none_or(|b| cost < b.cost) {
                best = Some(Insertion {
                    cost,
                    route: r,
                    after: p,
                    delivery_after: None,
                    team: None,
                });
            }
        }
    }
    best
}

/// The cheapest feasible insertion of a pickup and its delivery into one route, checked
/// exactly (pairs are few and their routes short).
fn best_pair_insertion(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    pickup: JobId,
    delivery: JobId,
    opts: &InsertOptions,
) -> Option<Insertion> {
    let pr = ctx.problem;
    let mut best: Option<Insertion> = None;
    let mut seen = Vec::new();
    let mut jobs = Vec::new();
    for (r, route) in state.routes.iter().enumerate() {
        if !pr.can_serve(route.vehicle, pickup) || !pr.can_serve(route.vehicle, delivery) {
            continue;
        }
        if !route_open(ctx, state, r, opts, &mut seen) {
            continue;
        }
        let opens_vehicle = pr.minimize_vehicles && route.is_empty();
        let n = route.len();
        for p in 0..=n {
            // Relaxed check of the pickup alone prunes most positions.
            if insertion_delta(ctx, route, pickup, p).is_none() {
                continue;
            }
            for q in p..=n {
                if opts.blink > 0.0 && env.chance(opts.blink) {
                    continue;
                }
                jobs.clear();
                jobs.extend_from_slice(&route.jobs[..p]);
                jobs.push(pickup);
                jobs.extend_from_slice(&route.jobs[p..q]);
                jobs.push(delivery);
                jobs.extend_from_slice(&route.jobs[q..]);
                if let Some(cost) = exact_change(ctx, state, env, &[(r, &jobs)]) {
                    let cost = InsertCost {
                        opens_vehicle,
                        cost,
                    };
                    if best.is_none_or(|b| cost < b.cost) {
                        best = Some(Insertion {
                            cost,
                            route: r,
                            after: p,
                            delivery_after: Some(q + 1),
                            team: None,
                        });
                    }
                }
            }
        }
    }
    best
}

/// Applies an insertion of `j` (and, for a pickup, its delivery: both go in before the route
/// is refreshed, so that it is never seen without its partner; for a group, every member).
pub fn apply(ctx: &Context, state: &mut State, j: JobId, ins: &Insertion) {
    if let (Some(g), Some(team)) = (ctx.problem.group_of[j], &ins.team) {
        apply_group(ctx, state, g, team);
        return;
    }
    match (ctx.problem.pair_roles[j], ins.delivery_after) {
        (PairRole::Pickup { delivery }, Some(q)) => {
            state.take_unassigned(j);
            state.take_unassigned(delivery);
            let jobs = &mut state.routes[ins.route].jobs;
            jobs.insert(ins.after, j);
            jobs.insert(q, delivery);
            state.refresh(ctx, ins.route);
            if state.routes[ins.route].synced {
                state.settle(ctx);
            }
        }
        _ => state.insert(ctx, j, ins.route, ins.after),
    }
}

/// The cheapest relaxed cost of inserting single job `j` into route `r` (used for regrets,
/// where a lower bound is enough).
pub fn best_in_route(
    ctx: &Context,
    state: &State,
    env: &mut Env,
    j: JobId,
    r: usize,
) -> Option<LowerCost> {
    let pr = ctx.problem;
    let route = &state.routes[r];
    if !pr.can_serve(route.vehicle, j)
        || route.load + pr.jobs[j].demand.0 > pr.vehicles[route.vehicle].capacity.0
    {
        return None;
    }
    let positions = window_positions(ctx, route, j);
    env.charge(positions.len() as u64 + 2);
    positions
        .filter_map(|p| insertion_delta(ctx, route, j, p))
        .min()
}
