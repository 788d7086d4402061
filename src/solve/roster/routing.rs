//! The route of one engineer-day, built for the routing engine: the roster's former small
//! builder, kept for its callers and for the helpers the model shares ([`has_lunch`],
//! [`usable_minutes`]). The roster itself now routes through the day planner's builder
//! (`crate::plan::roster::routing::day_problem`).
//!
//! Times are seconds after local midnight, distances metres. Location 0 is the engineer's
//! service point (start and end); each visit has its own location. A visit must *start*
//! inside an opening window early enough to *end* before it closes. The vehicle leaves after
//! the desk time (phone callbacks at the start of the shift), is back by the end of the shift,
//! and takes the lunch break if the shift is long enough. The fault reserve is a share of the
//! engineer's *time*, not a part of the day: the assignment keeps each day's work and travel
//! within the shift less lunch and reserve, and waiting (say for a site's midday closure) is
//! time a fault can use, so the route itself is not cut shorter. Every job may be
//! dropped at a high penalty, so the engine returns what fits and names the rest.

use super::config::LunchConfig;
use crate::domain::day_time::LocalWindow;
use crate::solve::routing::{
    Break, Cost, Job, Load, Problem, ProblemError, ProblemInput, Skills, Solution, SolverConfig,
    Time, TimeWindow, Vehicle, solve,
};
use crate::travel::{TravelError, TravelModel, TravelPoint};

/// Penalty for dropping a visit from a day route (above any travel saving).
pub const DROP_PENALTY: Cost = Cost(100_000_000);

/// One on-site visit of the day.
#[derive(Clone, Debug, PartialEq)]
pub struct DayVisit {
    pub point: TravelPoint,
    pub service_minutes: u32,
    /// The site's opening windows that day.
    pub open: Vec<LocalWindow>,
}

/// An engineer-day to route.
#[derive(Clone, Debug, PartialEq)]
pub struct DayRequest {
    pub home: TravelPoint,
    pub shift: LocalWindow,
    /// Phone callbacks done at the desk before leaving.
    pub desk_minutes: u32,
    /// Share of the shift kept free for faults.
    pub reserve_share: f64,
    pub lunch: LunchConfig,
    pub visits: Vec<DayVisit>,
}

/// Why a day could not be routed at all.
#[derive(Debug, thiserror::Error)]
pub enum DayError {
    #[error("travel: {0}")]
    Travel(#[from] TravelError),
    #[error("routing problem: {0}")]
    Problem(#[from] ProblemError),
}

fn secs(minutes: u32) -> Time {
    Time(i64::from(minutes) * 60)
}

/// Minutes of the shift usable for planned work and travel, lunch included (the fault
/// reserve taken off).
pub fn usable_minutes(shift: LocalWindow, reserve_share: f64) -> u32 {
    let len = shift.length_minutes();
    len - (f64::from(len) * reserve_share).ceil() as u32
}

/// Does a shift of this length take the lunch break?
pub fn has_lunch(shift: LocalWindow, lunch: &LunchConfig) -> bool {
    shift.length_minutes() >= lunch.min_shift.get()
        && shift.start() <= lunch.window.start()
        && lunch.window.end().minutes() + lunch.duration.get() <= shift.end().minutes()
}

/// The routing problem of one engineer-day.
pub fn day_problem(req: &DayRequest, travel: &dyn TravelModel) -> Result<Problem, DayError> {
    let mut points = Vec::with_capacity(req.visits.len() + 1);
    points.push(req.home);
    points.extend(req.visits.iter().map(|v| v.point));
    let matrix = travel.matrix(&points)?;
    let (distances, durations) = matrix.to_solver();
    let jobs = req
        .visits
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let service = secs(v.service_minutes);
            let mut windows: Vec<TimeWindow> = v
                .open
                .iter()
                .filter(|w| w.length_minutes() >= v.service_minutes)
                .map(|w| {
                    TimeWindow::new(secs(w.start().minutes()), secs(w.end().minutes()) - service)
                })
                .collect();
            if windows.is_empty() {
                // Closed all day: a window before any shift, so the engine drops the visit.
                windows.push(TimeWindow::new(Time(0), Time(0)));
            }
            Job {
                location: i + 1,
                service,
                windows,
                demand: Load::ZERO,
                skills: Skills::NONE,
                drop_penalty: Some(DROP_PENALTY),
                deadline: None,
            }
        })
        .collect();
    let start = secs(req.shift.start().minutes() + req.desk_minutes);
    let end = secs(req.shift.end().minutes());
    let mut vehicle = Vehicle::at(0, TimeWindow::new(start.min(end), end));
    if has_lunch(req.shift, &req.lunch) {
        vehicle.rest_break = Some(Break {
            window: TimeWindow::new(
                secs(req.lunch.window.start().minutes()),
                secs(req.lunch.window.end().minutes()),
            ),
            duration: secs(req.lunch.duration.get()),
        });
    }
    Ok(Problem::new(ProblemInput {
        distances,
        durations,
        jobs,
        vehicles: vec![vehicle],
        pairs: Vec::new(),
        minimize_vehicles: false,
    })?)
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
