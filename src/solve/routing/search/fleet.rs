//! Route elimination for the hierarchical objective, after SISR's fleet minimisation
//! (Christiaens & Vanden Berghe 2020, section 5): take one route out of the best solution,
//! then ruin and recreate without opening routes until every job is back in. Jobs that keep
//! failing to find a place gather *absences* and are inserted first; a candidate is accepted
//! when it leaves fewer jobs out, or jobs with fewer absences in total.
//!
//! With a heterogeneous fleet, an attempt that has not left fewer jobs out for a while is
//! given up and another route is chosen, preferring routes given up least often: the route
//! taken out may be one no other vehicle can replace, and such an attempt would otherwise hold
//! the whole phase. With vehicles all alike an attempt goes on, as in SISR: giving up attempts
//! that had reached one job left out cost a vehicle on C1_4_10 (37 routes where 36 exist).

use super::context::Context;
use super::env::Env;
use super::insertion::{EmptyRoutes, InsertOptions};
use super::recreate::{greedy_with_blinks, placeable, shuffle};
use super::ruin::{string_removal, with_partners};
use super::state::State;

/// Share of the budget route elimination uses at least (when the fewest routes are not
/// reached sooner): distance on the fewest routes needs the rest.
const SHARE: f64 = 0.12;
/// Share of the budget route elimination may use at most: it goes on past [`SHARE`] while the
/// attempt under way is near success, and until twice the share at which it last succeeded.
const MAX_SHARE: f64 = 0.3;
/// Steps, per job of the problem, an attempt may go without leaving fewer jobs out.
const STALL_STEPS_PER_JOB: u64 = 20;
/// ... and at least this many.
const MIN_STALL_STEPS: u64 = 200;

/// The state of an elimination attempt, kept between epochs.
pub struct FleetMinimiser {
    /// The best solution with one route fewer, jobs of the removed route left out.
    attempt: Option<State>,
    /// Per job: how often it was left out.
    absences: Vec<u64>,
    /// The fewest jobs the attempt has left out, and the steps since that fell.
    fewest_left_out: usize,
    stalled: u64,
    /// The route slot the attempt emptied, and per slot the attempts given up.
    eliminated: usize,
    given_up: Vec<u64>,
    /// The share of the budget up to which the phase goes on whatever its attempt's state.
    until: f64,
    /// Whether stalled attempts are given up: only when the vehicles are not all alike.
    may_give_up: bool,
}

impl FleetMinimiser {
    pub fn new(ctx: &Context) -> Self {
        Self {
            attempt: None,
            absences: vec![0; ctx.problem.num_jobs()],
            fewest_left_out: usize::MAX,
            stalled: 0,
            eliminated: 0,
            given_up: vec![0; ctx.problem.num_vehicles()],
            until: SHARE,
            may_give_up: ctx.class.iter().any(|&c| c != ctx.class[0]),
        }
    }

    /// Forget the attempt in progress (the solution it started from was replaced).
    pub fn restart(&mut self) {
        self.attempt = None;
        self.fewest_left_out = usize::MAX;
        self.stalled = 0;
    }

    /// Whether route elimination goes on after `share` of the budget: up to [`SHARE`] (or
    /// twice the share at which a route was last eliminated), and up to [`MAX_SHARE`] while
    /// the attempt under way has at some point left out no more jobs than one ruin removes on
    /// average. A fixed share ended C2_4_7 one job short of 12 routes and C1_4_10 at 37 routes
    /// where 36 exist.
    pub fn goes_on(&self, share: f64, mean_removed: usize) -> bool {
        let near = self.attempt.is_some() && self.fewest_left_out <= mean_removed;
        share < self.until || (share < MAX_SHARE && near)
    }

    /// Records a route eliminated at `share` of the budget: the next may take as long again.
    pub fn succeeded(&mut self, share: f64) {
        self.until = (2.0 * share).clamp(self.until, MAX_SHARE);
    }

    /// Lower bound on the number of vehicles when the fleet is homogeneous: total demand over
    /// capacity.
    pub fn lower_bound(ctx: &Context) -> usize {
        let p = ctx.problem;
        let Some(v) = p.vehicles.first() else {
            return 0;
        };
        if p.vehicles.iter().any(|w| w.capacity != v.capacity) || v.capacity.0 <= 0 {
            return 1;
        }
        let demand: i64 = p.jobs.iter().map(|j| j.demand.0).sum();
        ((demand + v.capacity.0 - 1) / v.capacity.0).max(1) as usize
    }

    /// One ruin-and-recreate step. Returns a solution that leaves out no more than `best` does
    /// with one route fewer, when the attempt succeeds.
    pub fn step(
        &mut self,
        ctx: &Context,
        env: &mut Env,
        best: &State,
        mean_removed: usize,
    ) -> Option<State> {
        if self.attempt.is_none() {
            let used: Vec<usize> = (0..best.routes.len())
                .filter(|&r| !best.routes[r].is_empty())
                .collect();
            // Half the time the shortest of the routes given up least often, else one at
            // random.
            let r = if env.chance(0.5) {
                *used
                    .iter()
                    .min_by_key(|&&r| (self.given_up[r], best.routes[r].len(), r))
                    .expect("best has routes")
            } else {
                used[env.below(0, used.len())]
            };
            let mut s = best.clone();
            let jobs = s.routes[r].jobs.clone();
            s.remove(ctx, &jobs);
            self.eliminated = r;
            self.attempt = Some(s);
        }
        let attempt = self.attempt.as_mut().expect("an attempt is under way");
        let in_use: Vec<bool> = attempt.routes.iter().map(|r| !r.is_empty()).collect();
        let mut candidate = attempt.clone();
        let mut removed = string_removal(ctx, &candidate, env, mean_removed);
        with_partners(ctx, &candidate, &mut removed);
        candidate.remove(ctx, &removed);
        let mut order = placeable(ctx, &candidate.unassigned);
        shuffle(env, &mut order);
        order.sort_by_key(|&j| std::cmp::Reverse(self.absences[j]));
        let opts = InsertOptions {
            blink: 0.01,
            empty_routes: EmptyRoutes::Only(&in_use),
            route_limit: None,
        };
        greedy_with_blinks(ctx, &mut candidate, env, &order, &opts);
        for &j in &candidate.unassigned {
            self.absences[j] += 1;
        }
        env.charge(candidate.collect_work());
        let absent = |s: &State| s.unassigned.iter().map(|&j| self.absences[j]).sum::<u64>();
        if candidate.unassigned.len() < attempt.unassigned.len()
            || absent(&candidate) < absent(attempt)
        {
            *attempt = candidate;
        }
        let left_out = |s: &State| {
            let o = s.objective(ctx);
            (o.unserved_mandatory, o.dropped_penalty)
        };
        if left_out(attempt) <= left_out(best) {
            let fewer = self.attempt.take();
            self.restart();
            return fewer;
        }
        if attempt.unassigned.len() < self.fewest_left_out {
            self.fewest_left_out = attempt.unassigned.len();
            self.stalled = 0;
        } else {
            self.stalled += 1;
            let limit = (STALL_STEPS_PER_JOB * ctx.problem.num_jobs() as u64).max(MIN_STALL_STEPS);
            if self.stalled > limit && self.may_give_up {
                self.given_up[self.eliminated] += 1;
                self.restart();
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::routing::TimeWindow;
    use crate::solve::routing::problem::{Job, Problem, ProblemInput, Vehicle};
    use crate::solve::routing::units::Time;
    use std::time::{Duration, Instant};

    /// Two jobs ten units from the depot, both to be started at time 10: each needs a route of
    /// its own. The second vehicle's shift ends at `second_end`.
    fn two_routes_needed(second_end: i64) -> Problem {
        let d = |i: usize, j: usize| if i == j { 0 } else { 10 };
        let job = |location| Job {
            windows: vec![TimeWindow::new(Time(10), Time(10))],
            ..Job::at(location, Time(5))
        };
        let vehicle = |end| Vehicle::at(0, TimeWindow::new(Time(0), Time(end)));
        Problem::new(ProblemInput {
            minimize_vehicles: true,
            ..ProblemInput::of_drives(
                3,
                d,
                d,
                vec![job(1), job(2)],
                vec![vehicle(100), vehicle(second_end)],
            )
        })
        .expect("a valid problem")
    }

    /// Runs `steps` elimination steps from the solution with one route per job.
    fn attempt(problem: &Problem, steps: usize) -> FleetMinimiser {
        let ctx = Context::new(problem);
        let mut best = State::empty(&ctx);
        best.insert(&ctx, 0, 0, 0);
        best.insert(&ctx, 1, 1, 0);
        let mut env = Env::new(3, Instant::now() + Duration::from_secs(60), None);
        let mut fleet = FleetMinimiser::new(&ctx);
        for _ in 0..steps {
            assert!(fleet.step(&ctx, &mut env, &best, 1).is_none());
        }
        fleet
    }

    #[test]
    fn the_phase_doubles_after_a_success_up_to_its_cap() {
        let problem = two_routes_needed(100);
        let mut fleet = FleetMinimiser::new(&Context::new(&problem));
        assert!(fleet.goes_on(SHARE - 0.01, 1));
        assert!(!fleet.goes_on(SHARE, 1));
        fleet.succeeded(0.1);
        assert!(fleet.goes_on(0.19, 1));
        assert!(!fleet.goes_on(0.21, 1));
        fleet.succeeded(0.25);
        assert!(fleet.goes_on(MAX_SHARE - 0.01, 1));
        assert!(!fleet.goes_on(MAX_SHARE, 1));
    }

    #[test]
    fn an_attempt_near_success_goes_on_and_alike_vehicles_never_give_it_up() {
        // One job left out, no more than one ruin removes: past the share, up to the cap.
        let alike = two_routes_needed(100);
        let fleet = attempt(&alike, (MIN_STALL_STEPS * 2) as usize);
        assert!(!fleet.may_give_up);
        assert!(fleet.goes_on(SHARE + 0.05, 1));
        assert!(!fleet.goes_on(MAX_SHARE, 1));
        // ... but not when a ruin removes fewer jobs than the attempt leaves out.
        assert!(!fleet.goes_on(SHARE + 0.05, 0));
        // Vehicles not alike: the stalled attempt is given up, and the phase ends at the share.
        let unlike = two_routes_needed(90);
        let fleet = attempt(&unlike, (MIN_STALL_STEPS + 2) as usize);
        assert!(fleet.may_give_up);
        assert!(!fleet.goes_on(SHARE + 0.05, 1));
    }
}
