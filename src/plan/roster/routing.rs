//! The route of one engineer-day of the roster, built by the day planner's own problem
//! builder ([`crate::plan`]'s `build_with`): the engineer is a `Crew` and each on-site task
//! a `JobSpec` exactly as `plan_day` makes them, so the roster and the day plan of that
//! date see the same start windows (`[open, close - duration]` of each opening window), the
//! same durations, the same vehicle costs (driving seconds) and the same travel model.
//!
//! What the roster sets itself, on purpose:
//! - the lunch break only on shifts of at least `[lunch] min_shift` (`plan.toml`, the rule
//!   the day planner shares);
//! - phone callbacks are not the engineer's: the customer-service desk makes them, in the
//!   roster as in the day plan (`desk.rs`); any desk minutes still given here delay the
//!   departure;
//! - no overtime, and every visit may be dropped at [`DROP_PENALTY`] (above any travel
//!   saving), so the engine returns what fits and names the rest for the roster's repair;
//! - a site closed all day gets a window before any shift, so the visit is dropped.
//!
//! The travel matrix is computed per day over its few places with the roster's model.

use super::build::RosterModel;
use crate::plan::build::{Crew, JobSpec, build_with};
use crate::plan::clock::{DayClock, minutes};
use crate::plan::model::TaskRef;
use crate::plan::settings::PlanSettings;
use crate::solve::roster::config::RosterConfig;
use crate::solve::routing::{Break, Cost, Problem, ProblemError, Time, TimeWindow};
use crate::travel::{TravelError, TravelModel};
use std::collections::BTreeMap;

pub use crate::solve::roster::routing::{route_day, usable_minutes};

/// Penalty for dropping a visit from a day route (above any travel saving).
pub const DROP_PENALTY: Cost = Cost(100_000_000);

/// Why a day could not be routed at all.
#[derive(Debug, thiserror::Error)]
pub enum DayError {
    #[error("travel: {0}")]
    Travel(#[from] TravelError),
    #[error("routing problem: {0}")]
    Problem(#[from] ProblemError),
}

/// The day's task as the planner sees it: optional at [`DROP_PENALTY`], no deadline or pin
/// (the roster routes one engineer at a time).
fn task_ref(task: &crate::domain::task::Task) -> TaskRef {
    TaskRef {
        task: task.id.clone(),
        kind: task.kind(),
        site: task.site.clone(),
        device: None,
        family: task.required_skill(),
        duration_minutes: task.duration.get(),
        deadline: None,
        drop_penalty: Some(DROP_PENALTY.0),
        pinned: None,
        cadence: None,
        fault: None,
        part_pickup: None,
        companions: Vec::new(),
    }
}

/// The routing problem of bin `b` holding the on-site tasks `on_site` (model indices), after
/// `desk_minutes` of phone callbacks. Job `i` is `on_site[i]`.
pub fn day_problem(
    built: &RosterModel,
    cfg: &RosterConfig,
    b: usize,
    on_site: &[usize],
    desk_minutes: u32,
    travel: &dyn TravelModel,
) -> Result<Problem, DayError> {
    let p = &built.problem;
    let bin = &p.bins[b];
    let date = built.date(bin.day);
    let clock = DayClock::new(date);
    let (shift, _) = built.shifts[b];
    let engineer = &built.data.engineers[bin.engineer];
    let home = p.engineers[bin.engineer].home;
    // The day's places (roster place indices) and their travel matrix.
    let mut places = vec![home];
    places.extend(on_site.iter().map(|&t| p.tasks[t].place));
    places.sort_unstable();
    places.dedup();
    let row: BTreeMap<usize, usize> = places.iter().enumerate().map(|(i, &x)| (x, i)).collect();
    let points: Vec<_> = places.iter().map(|&x| built.place_point(x)).collect();
    let matrix = travel.matrix(&points)?;
    let day_shift = clock.window(shift);
    let start = (day_shift.start + minutes(desk_minutes)).min(day_shift.end);
    let lunch = cfg.lunch.fits(shift).then(|| Break {
        window: clock.window(cfg.lunch.window),
        duration: minutes(cfg.lunch.duration.get()),
    });
    let crew = Crew {
        engineer: engineer.id.clone(),
        role: engineer.role,
        home_point: home,
        start_point: home,
        end_point: home,
        day_shift,
        shift: TimeWindow::new(start, day_shift.end),
        max_overtime: Time::ZERO,
        lunch,
        families: engineer.skills.iter().collect(),
        origin: None,
    };
    let specs: Vec<JobSpec> = on_site
        .iter()
        .map(|&t| {
            let task = task_ref(built.tasks[t]);
            let mut windows = crate::plan::build::start_windows(
                built.site(t),
                built.data.calendar,
                &clock,
                minutes(task.duration_minutes),
            );
            if windows.is_empty() {
                windows.push(TimeWindow::new(Time(0), Time(0)));
            }
            JobSpec {
                task,
                pickup: false,
                member: 0,
                synced: true,
                point: p.tasks[t].place,
                windows,
                deadline: None,
            }
        })
        .collect();
    let day_travel = |a: usize, b: usize| {
        let (i, j) = (row[&a], row[&b]);
        (matrix.distance(i, j), matrix.duration(i, j))
    };
    let settings = PlanSettings::default();
    match build_with(&day_travel, &settings, &[crew], &specs, false) {
        Ok(built) => Ok(built.problem),
        Err(crate::plan::PlanError::Problem(e)) => Err(DayError::Problem(e)),
        Err(crate::plan::PlanError::Travel(e)) => Err(DayError::Travel(e)),
        Err(e) => unreachable!("one crew, no pins: {e}"),
    }
}
