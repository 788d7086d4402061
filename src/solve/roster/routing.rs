//! The model's view of an engineer-day's time ([`usable_minutes`]) and the
//! routing engine's run on one day ([`route_day`]). The day's routing problem itself is built
//! on the domain side by the day planner's own builder (`plan::roster::routing`).
//!
//! The fault reserve is a share of the engineer's *time*, not a part of the day: the
//! assignment keeps each day's work and travel within the shift less lunch and reserve, and
//! waiting (say for a site's midday closure) is time a fault can use, so the route itself is
//! not cut shorter.

use crate::domain::day_time::LocalWindow;
use crate::solve::routing::{Problem, Solution, SolverConfig, solve};

/// Minutes of the shift usable for planned work and travel, lunch included (the fault
/// reserve taken off).
pub fn usable_minutes(shift: LocalWindow, reserve_share: f64) -> u32 {
    let len = shift.length_minutes();
    len - (f64::from(len) * reserve_share).ceil() as u32
}

/// Routes one day with a deterministic budget that grows with the number of visits.
pub fn route_day(problem: &Problem, seed: u64, budget: u64, time_limit: f64) -> Solution {
    let config = SolverConfig {
        seed,
        threads: 1,
        time_limit: std::time::Duration::from_secs_f64(time_limit),
        max_work: Some(budget),
        cancel: None,
    };
    solve(problem, &config)
}
