//! Cheapest feasible insertion of one job (or one pickup-delivery pair).
//!
//! For routes whose segments are exact (one window per job, no break, no pair) a position is
//! checked and costed in O(1). For the others the O(1) figures are a relaxation: the hull of
//! the windows, no break, no precedence. Such candidates are verified with the exact schedule
//! lazily, cheapest first, and only while they can still beat the best verified one (the
//! relaxed cost is a lower bound: a break or a later window only delays the return).

use super::context::{Context, NEIGHBOURS};
use super::cost::LowerCost;
use super::drives::Leg;
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

/// Under the distance objective a recreate charges a job that opens an empty route this share
/// (1 / `OPENING_DIVISOR`) of its depot round trip. The first job of a route pays the whole
/// trip, though every job that joins later shares it: charged in full, a recreate opens a
/// route only when no open route can take the job at any price, and on wide windows (Gehring
/// & Homberger's type 2) the search ended with fewer, longer routes than PyVRP. Only the
/// choice is biased: the candidate's objective is its true cost. Under the hierarchical
/// objective opening a route is ranked first anyway ([`InsertCost::opens_vehicle`]).
const OPENING_DIVISOR: i64 = 2;

/// The travel a recreate charges for an insertion adding `travel` to `route`.
#[inline]
fn charged_travel(ctx: &Context, route: &Route, travel: i64) -> i64 {
    if route.is_empty() && !ctx.problem.minimize_vehicles {
        travel / OPENING_DIVISOR
    } else {
        travel
    }
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

impl Insertion {
    /// A single job after position `after` of route `route`.
    fn single(cost: InsertCost, route: usize, after: usize) -> Self {
        Self {
            cost,
            route,
            after,
            delivery_after: None,
            team: None,
        }
    }
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
    let legs = legs_through(ctx, route, j, p);
    let travel = added_travel(ctx, route, p, legs);
    let overtime = added_overtime(ctx, route, j, p, legs)?;
    Some(LowerCost { overtime, travel })
}

/// The drives to and from `j` inserted between positions `p` and `p + 1`.
///
/// This is the innermost loop of every recreate (over 40 % of a Gehring & Homberger run's
/// time, most of it cache misses in matrices larger than the cache), so both figures of both
/// drives are read once, from [`Context::drives`] (on symmetric matrices from `j`'s own row,
/// which stays in the cache while `j` is tried along a route), for the travel and the timing.
#[inline]
fn legs_through(ctx: &Context, route: &Route, j: JobId, p: usize) -> (Leg, Leg) {
    let l = ctx.problem.jobs[j].location;
    ctx.drives.through(route.locs[p], l, route.locs[p + 1])
}

/// Travel cost added by inserting a job between positions `p` and `p + 1`, driving `legs`;
/// the removed arc comes from the route's cumulative sums.
#[inline]
fn added_travel(ctx: &Context, route: &Route, p: usize, legs: (Leg, Leg)) -> i64 {
    let v = &ctx.problem.vehicles[route.vehicle];
    let (to, from) = legs;
    v.cost_per_distance * (to.distance + from.distance - route.dist_between(p, p + 1))
        + v.cost_per_travel_time * (to.duration + from.duration - route.time_between(p, p + 1))
}

/// Overtime cost added by inserting `j` between positions `p` and `p + 1`, driving `legs`, by
/// the relaxed segments; `None` if that breaks a time window.
#[inline]
fn added_overtime(
    ctx: &Context,
    route: &Route,
    j: JobId,
    p: usize,
    legs: (Leg, Leg),
) -> Option<i64> {
    let (before, visit, after) = (&route.fwd[p], &ctx.job_segment[j], &route.bwd[p + 1]);
    let seg = before
        .then_over(legs.0.duration, visit)
        .then_over(legs.1.duration, after);
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

/// May empty route `r` be tried for a job, given the options? Empty routes count once per
/// vehicle class, so not if `seen` holds its class (the caller adds it once the route could
/// take the job: a job pinned to one vehicle is tried on that one). Reads only the state's
/// flags: route `r` is vehicle `r`'s.
fn empty_route_open(ctx: &Context, r: usize, opts: &InsertOptions, seen: &[usize]) -> bool {
    !matches!(opts.empty_routes, EmptyRoutes::Only(allowed) if !allowed[r])
        && !seen.contains(&ctx.class[r])
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

/// Above this many jobs, and on long routes ([`granular`]), a recreate tries a job only next
/// to its nearest neighbours in travel and time (granular insertion, as granular neighbourhoods in local search;
/// Toth & Vigo 2003) and at both ends of every route. On Gehring & Homberger's 400- and
/// 1000-job instances trying every position was most of the search's time, while the best
/// place is nearly always beside a near neighbour. Smaller problems (Solomon's 100 jobs) try
/// every position.
const GRANULAR_ABOVE: usize = 4 * NEIGHBOURS;

/// Does a recreate in `state` insert granularly? Above [`GRANULAR_ABOVE`] jobs, when the
/// positions it skips outnumber those it tries: a full scan tries about one position per
/// routed job and route, a granular one two per route and one per neighbour, so it must save
/// at least half: `assigned + routes >= 2 (2 routes + NEIGHBOURS)`. A city's day has many short
/// routes (about 4 visits for each of 33 engineers on Nanchang): there the ends are most
/// positions, and a job's nearest neighbours are often on routes without its skill.
fn granular(ctx: &Context, state: &State) -> bool {
    let jobs = ctx.problem.num_jobs();
    let assigned = jobs - state.unassigned.len();
    jobs > GRANULAR_ABOVE && assigned >= 3 * state.used_routes() + 2 * NEIGHBOURS
}

/// The search for the cheapest insertion of one single job: candidates are offered one
/// position at a time ([`Cheapest::offer`]); those of routes that need the exact schedule are
/// kept and verified at the end, cheapest first ([`Cheapest::finish`]).
struct Cheapest<'a> {
    ctx: &'a Context<'a>,
    state: &'a State,
    j: JobId,
    best: Option<Insertion>,
    exact_candidates: Vec<(InsertCost, usize, usize)>,
    blinks: Blinks,
}

impl Cheapest<'_> {
    /// Considers `j` after position `p` of route `r` (a route that can take it).
    #[inline]
    fn offer(&mut self, env: &mut Env, r: usize, p: usize) {
        if self.blinks.next(env) {
            return;
        }
        let (ctx, j) = (self.ctx, self.j);
        let route = &self.state.routes[r];
        let opens_vehicle = ctx.problem.minimize_vehicles && route.is_empty();
        let legs = legs_through(ctx, route, j, p);
        let travel = charged_travel(ctx, route, added_travel(ctx, route, p, legs));
        let lower = InsertCost {
            opens_vehicle,
            cost: LowerCost {
                overtime: 0,
                travel,
            },
        };
        // Without overtime the added travel is the whole cost: a position it cannot beat the
        // best with is not checked further.
        let travel_decides = ctx.problem.vehicles[route.vehicle].overtime.is_none();
        if travel_decides && self.best.is_some_and(|b| b.cost <= lower) {
            return;
        }
        let Some(overtime) = added_overtime(ctx, route, j, p, legs) else {
            return;
        };
        let cost = InsertCost {
            opens_vehicle,
            cost: LowerCost { overtime, travel },
        };
        if self.best.is_some_and(|b| b.cost <= cost) {
            return;
        }
        if route.exact || ctx.exact_job[j] {
            self.exact_candidates.push((cost, r, p));
        } else {
            self.best = Some(Insertion::single(cost, r, p));
        }
    }

    /// Verifies the candidates of exact routes that can still beat the best, cheapest first
    /// (their relaxed cost is a lower bound), and returns the best.
    fn finish(mut self, env: &mut Env) -> Option<Insertion> {
        let (ctx, state, j) = (self.ctx, self.state, self.j);
        self.exact_candidates.sort_unstable();
        let mut jobs = Vec::new();
        for &(lower_bound, r, p) in &self.exact_candidates {
            if self.best.is_some_and(|b| b.cost <= lower_bound) {
                break;
            }
            let route = &state.routes[r];
            jobs.clear();
            jobs.extend_from_slice(&route.jobs[..p]);
            jobs.push(j);
            jobs.extend_from_slice(&route.jobs[p..]);
            if let Some(mut cost) = exact_change(ctx, state, env, &[(r, &jobs)]) {
                cost.travel = charged_travel(ctx, route, cost.travel);
                let cost = InsertCost {
                    opens_vehicle: lower_bound.opens_vehicle,
                    cost,
                };
                if self.best.is_none_or(|b| cost < b.cost) {
                    self.best = Some(Insertion::single(cost, r, p));
                }
            }
        }
        self.best
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
    let granular = granular(ctx, state);
    let mut cheapest = Cheapest {
        ctx,
        state,
        j,
        best: None,
        exact_candidates: Vec::new(),
        blinks: Blinks::new(env, opts.blink),
    };
    let mut seen = Vec::new();
    // Granular: per route that can take `j`, the positions its windows allow.
    let mut allowed = vec![None; if granular { state.routes.len() } else { 0 }];
    for (r, &in_use) in state.in_use.iter().enumerate() {
        if !in_use && !empty_route_open(ctx, r, opts, &seen) {
            continue;
        }
        let load = if in_use { state.routes[r].load } else { 0 };
        if !pr.can_serve(r, j) || load + demand > pr.vehicles[r].capacity.0 {
            continue;
        }
        if !in_use {
            seen.push(ctx.class[r]);
        }
        let route = &state.routes[r];
        let window = window_positions(ctx, route, j);
        if !granular {
            env.charge(window.len() as u64 + 2);
            for p in window {
                cheapest.offer(env, r, p);
            }
            continue;
        }
        env.charge(4);
        let ends = [0, route.len()];
        for &p in &ends[..if route.is_empty() { 1 } else { 2 }] {
            if window.contains(&p) {
                cheapest.offer(env, r, p);
            }
        }
        allowed[r] = Some(window);
    }
    for &v in if granular {
        &ctx.timed_neighbours[j][..]
    } else {
        &[]
    } {
        if !state.is_assigned(v) {
            continue;
        }
        let (r, pv) = state.place(v);
        let Some(window) = &allowed[r] else {
            continue;
        };
        env.charge(2);
        let n = state.routes[r].len();
        for p in [pv - 1, pv] {
            if p != 0 && p != n && window.contains(&p) {
                cheapest.offer(env, r, p);
            }
        }
    }
    cheapest.finish(env)
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
        if !pr.can_serve(r, pickup) || !pr.can_serve(r, delivery) {
            continue;
        }
        if !state.in_use[r] {
            if !empty_route_open(ctx, r, opts, &seen) {
                continue;
            }
            seen.push(ctx.class[r]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::routing::TimeWindow;
    use crate::solve::routing::problem::{Job, Overtime, Problem, ProblemInput, Vehicle};
    use crate::solve::routing::units::{Cost, Time};

    /// [`insertion_delta`] finds what rebuilding the route with the job inserted finds: the
    /// same added travel and overtime, and the same broken windows.
    #[test]
    fn an_insertion_costs_what_the_rebuilt_route_costs() {
        let d = |i: usize, j: usize| 4 * (i as i64 - j as i64).abs() + i64::from(i != j);
        let jobs = (1..=8)
            .map(|l| Job {
                windows: vec![TimeWindow::new(
                    Time(10 * (l as i64 % 4)),
                    Time(40 + 15 * l as i64),
                )],
                ..Job::at(l, Time(3))
            })
            .collect();
        let vehicle = Vehicle {
            overtime: Some(Overtime {
                max: Time(100),
                cost_per_unit: Cost(5),
            }),
            cost_per_travel_time: 2,
            ..Vehicle::at(0, TimeWindow::new(Time(0), Time(60)))
        };
        let problem = Problem::new(ProblemInput::of_drives(
            9,
            d,
            |i, j| d(j, i) + (i % 3) as i64,
            jobs,
            vec![vehicle],
        ))
        .expect("a valid problem");
        let ctx = Context::new(&problem);
        let mut state = State::empty(&ctx);
        for (k, j) in [0, 2, 5].into_iter().enumerate() {
            state.insert(&ctx, j, 0, k);
        }
        let route = &state.routes[0];
        let mut outcomes = std::collections::HashSet::new();
        for j in [1, 3, 4, 6, 7] {
            for p in 0..=route.len() {
                let mut rebuilt = route.clone();
                rebuilt.jobs.insert(p, j);
                let expected = rebuilt.update(&ctx).then(|| rebuilt.cost() - route.cost());
                let found = insertion_delta(&ctx, route, j, p);
                assert_eq!(found, expected, "{j} at {p}");
                outcomes.insert(found.map(|c| c.overtime > 0));
            }
        }
        // The cases the test is for all occur: a broken window, no overtime, some overtime.
        assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    }
}
