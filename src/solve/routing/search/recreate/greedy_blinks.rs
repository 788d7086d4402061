//! Greedy insertion with blinks (Christiaens & Vanden Berghe 2020): jobs in a given order, each
//! at its cheapest position, every position skipped with a small probability so that
//! repeated recreates explore.

use super::super::context::Context;
use super::super::env::Env;
use super::super::insertion::{InsertOptions, apply, best_insertion};
use super::super::state::State;
use crate::solve::routing::problem::JobId;

/// Inserts `order` one by one; jobs with no feasible place stay unassigned, and so do all the
/// jobs left once an insertion opens a route past `opts.route_limit`.
pub fn greedy_with_blinks(
    ctx: &Context,
    state: &mut State,
    env: &mut Env,
    order: &[JobId],
    opts: &InsertOptions,
) {
    for &j in order {
        if state.is_assigned(j) {
            continue;
        }
        if let Some(ins) = best_insertion(ctx, state, env, j, opts) {
            apply(ctx, state, j, &ins);
            if ins.cost.opens_vehicle
                && opts
                    .route_limit
                    .is_some_and(|limit| state.used_routes() > limit)
            {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::routing::check::check_route;
    use crate::solve::routing::problem::{Job, Problem, ProblemInput, Vehicle};
    use crate::solve::routing::search::env::Env;
    use crate::solve::routing::search::insertion::EmptyRoutes;
    use crate::solve::routing::units::Time;
    use crate::solve::routing::{TimeWindow, schedule};
    use std::time::{Duration, Instant};

    /// Three jobs ten units from the depot, each to be started at time 10: no vehicle can do
    /// two, so each needs a route of its own.
    fn one_route_per_job() -> Problem {
        let d = |i: usize, j: usize| if i == j { 0 } else { 10 };
        let job = |location| Job {
            windows: vec![TimeWindow::new(Time(10), Time(10))],
            ..Job::at(location, Time(5))
        };
        Problem::new(ProblemInput {
            minimize_vehicles: true,
            ..ProblemInput::of_drives(
                4,
                d,
                d,
                vec![job(1), job(2), job(3)],
                vec![Vehicle::at(0, TimeWindow::new(Time(0), Time(100))); 3],
            )
        })
        .expect("a valid problem")
    }

    fn recreate(problem: &Problem, route_limit: Option<usize>) -> State {
        let ctx = Context::new(problem);
        let mut state = State::empty(&ctx);
        let mut env = Env::new(7, Instant::now() + Duration::from_secs(60), None);
        let opts = InsertOptions {
            blink: 0.0,
            empty_routes: EmptyRoutes::Any,
            route_limit,
        };
        greedy_with_blinks(&ctx, &mut state, &mut env, &[0, 1, 2], &opts);
        for route in state.routes.iter().filter(|r| !r.is_empty()) {
            let times = schedule(problem, route.vehicle, &route.jobs).expect("a schedule");
            check_route(problem, route.vehicle, &route.jobs, &times).expect("a feasible route");
        }
        state
    }

    #[test]
    fn recreate_stops_once_it_opens_a_route_past_the_limit() {
        let problem = one_route_per_job();
        let free = recreate(&problem, None);
        assert_eq!((free.used_routes(), free.unassigned.len()), (3, 0));
        let limited = recreate(&problem, Some(1));
        assert_eq!(limited.used_routes(), 2, "the route past the limit is kept");
        assert_eq!(limited.unassigned, vec![2]);
        let roomy = recreate(&problem, Some(3));
        assert_eq!((roomy.used_routes(), roomy.unassigned.len()), (3, 0));
    }
}
