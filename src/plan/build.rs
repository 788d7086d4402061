//! Domain to solver: engineers become vehicles ([`Crew`]), visits become jobs ([`JobSpec`]),
//! and [`build`] makes the index [`Problem`] over the few locations they use.
//!
//! Skills: bit `i` is device family `i`; a roster pin adds the pinned engineer's own bit
//! (from [`PIN_BIT0`] on) to the job and to that engineer only, so no one else can take it.
//! Site opening hours become start windows `[open, close - duration]`: the work must fit
//! inside one opening window (a site closed at lunch has two).

use super::clock::{DayClock, minutes};
use super::context::PlanningContext;
use super::error::PlanError;
use super::model::TaskRef;
use crate::domain::family::DeviceFamily;
use crate::domain::ids::{EngineerId, SiteId};
use crate::solve::routing::{
    Break, Cost, Job, Load, Matrix, Overtime, Problem, ProblemInput, Skills, Time, TimeWindow,
    Vehicle,
};
use std::collections::BTreeMap;

/// First skill bit used for roster pins.
pub const PIN_BIT0: usize = 8;

/// An engineer's working day as the solver sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Crew {
    pub engineer: EngineerId,
    /// The home service point, where the day starts and ends.
    pub home_point: usize,
    /// Where the route to plan starts (home, or the last frozen stop's site).
    pub start_point: usize,
    pub end_point: usize,
    /// The engineer's shift that day.
    pub day_shift: TimeWindow,
    /// Leave `start_point` no earlier than `shift.start` (the day's shift start, or the end
    /// of the frozen prefix); `shift.end` is the day's shift end.
    pub shift: TimeWindow,
    pub max_overtime: Time,
    pub lunch: Option<Break>,
    pub families: Vec<DeviceFamily>,
}

/// A visit as the solver sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct JobSpec {
    pub task: TaskRef,
    pub point: usize,
    pub windows: Vec<TimeWindow>,
    /// Hard latest start given to the solver.
    pub deadline: Option<Time>,
}

/// A built problem and its locations (local index to context point).
#[derive(Clone, Debug)]
pub struct Built {
    pub problem: Problem,
    /// Local location index to context point.
    #[allow(dead_code)]
    pub points: Vec<usize>,
}

fn family_bit(f: DeviceFamily) -> usize {
    DeviceFamily::ALL
        .iter()
        .position(|&x| x == f)
        .expect("every family is in ALL")
}

/// The start windows of a visit of `duration` seconds at `site` on the clock's date (empty
/// when the site is closed or no window is long enough).
pub fn site_windows(
    ctx: &PlanningContext,
    clock: &DayClock,
    site: &SiteId,
    duration: Time,
) -> Result<Vec<TimeWindow>, PlanError> {
    let s = ctx
        .scenario()
        .site(site)
        .ok_or_else(|| PlanError::unknown("site", site))?;
    Ok(s.open_windows(clock.date(), &ctx.config().calendar)
        .iter()
        .map(|w| clock.window(*w))
        .filter(|w| w.start <= w.end - duration)
        .map(|w| TimeWindow::new(w.start, w.end - duration))
        .collect())
}

/// A job spec for a task on the clock's date; `deadline` is the task's, if it falls before
/// the day ends and some window opens by then (else the solver gets none).
pub fn job_spec(
    ctx: &PlanningContext,
    clock: &DayClock,
    task: &TaskRef,
) -> Result<JobSpec, PlanError> {
    let point = ctx
        .site_point(&task.site)
        .ok_or_else(|| PlanError::unknown("site", &task.site))?;
    let duration = minutes(task.duration_minutes);
    let windows = site_windows(ctx, clock, &task.site, duration)?;
    let deadline = task
        .deadline
        .map(|d| clock.seconds(d))
        .filter(|&t| t < Time(86_400) && windows.iter().any(|w| w.start <= t));
    Ok(JobSpec {
        task: task.clone(),
        point,
        windows,
        deadline,
    })
}

/// Builds the problem. `overtime`: allow each crew its `max_overtime`.
pub fn build(
    ctx: &PlanningContext,
    crews: &[Crew],
    jobs: &[JobSpec],
    overtime: bool,
) -> Result<Built, PlanError> {
    let settings = ctx.settings();
    let mut local: BTreeMap<usize, usize> = BTreeMap::new();
    let mut points = Vec::new();
    let mut loc = |p: usize| -> usize {
        *local.entry(p).or_insert_with(|| {
            points.push(p);
            points.len() - 1
        })
    };
    let crew_locs: Vec<(usize, usize)> = crews
        .iter()
        .map(|c| (loc(c.start_point), loc(c.end_point)))
        .collect();
    let job_locs: Vec<usize> = jobs.iter().map(|j| loc(j.point)).collect();
    let mut pin_bits: BTreeMap<&EngineerId, usize> = BTreeMap::new();
    for c in crews {
        if jobs
            .iter()
            .any(|j| j.task.pinned.as_ref() == Some(&c.engineer))
        {
            let bit = PIN_BIT0 + pin_bits.len();
            if bit >= Skills::MAX_SKILLS {
                return Err(PlanError::invalid(
                    "roster",
                    format!(
                        "at most {} engineers may have pinned tasks on one day",
                        Skills::MAX_SKILLS - PIN_BIT0
                    ),
                ));
            }
            pin_bits.insert(&c.engineer, bit);
        }
    }
    let vehicles = crews
        .iter()
        .zip(&crew_locs)
        .map(|(c, &(start, end))| {
            let bits = c
                .families
                .iter()
                .map(|&f| family_bit(f))
                .chain(pin_bits.get(&c.engineer).copied());
            Vehicle {
                start,
                end,
                shift: c.shift,
                skills: Skills::from_indices(bits).expect("bits below 64"),
                capacity: Load::MAX,
                max_work: None,
                overtime: (overtime && c.max_overtime > Time::ZERO).then_some(Overtime {
                    max: c.max_overtime,
                    cost_per_unit: Cost(settings.overtime_cost_per_second),
                }),
                rest_break: c.lunch,
                cost_per_distance: settings.cost_per_metre,
                cost_per_travel_time: settings.cost_per_travel_second,
            }
        })
        .collect();
    let mut problem_jobs = Vec::with_capacity(jobs.len());
    for (j, &l) in jobs.iter().zip(&job_locs) {
        let mut bits: Vec<usize> = j.task.family.map(family_bit).into_iter().collect();
        if let Some(p) = &j.task.pinned {
            match pin_bits.get(p) {
                Some(&b) => bits.push(b),
                None => {
                    return Err(PlanError::invalid(
                        "roster",
                        format!("{} is pinned to {p}, who is not on shift", j.task.task),
                    ));
                }
            }
        }
        problem_jobs.push(Job {
            location: l,
            service: minutes(j.task.duration_minutes),
            windows: j.windows.clone(),
            demand: Load::ZERO,
            skills: Skills::from_indices(bits).expect("bits below 64"),
            drop_penalty: j.task.drop_penalty.map(Cost),
            deadline: j.deadline,
        });
    }
    let n = points.len();
    let distances = Matrix::from_fn(n, |a, b| {
        crate::solve::routing::Distance(i64::from(ctx.travel(points[a], points[b]).0))
    });
    let durations = Matrix::from_fn(n, |a, b| {
        Time(i64::from(ctx.travel(points[a], points[b]).1))
    });
    let problem = Problem::new(ProblemInput {
        distances,
        durations,
        jobs: problem_jobs,
        vehicles,
        pairs: Vec::new(),
        minimize_vehicles: false,
    })?;
    Ok(Built { problem, points })
}
