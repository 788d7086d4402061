//! Domain to solver: engineers become vehicles ([`Crew`]), visits become jobs ([`JobSpec`]),
//! and [`build`] makes the index [`Problem`] over the few locations they use.
//!
//! Skills: bit `i` is device family `i`. A roster pin is a constraint of its own: the job is
//! pinned to the engineer's vehicle ([`Problem::with_pins`]), so no one else can take it.
//! Site opening hours become start windows `[open, close - duration]`: the work must fit
//! inside one opening window (a site closed at lunch has two). A fault repair has the whole
//! day: a faulty device is repaired when the engineer gets there (on-site support 7 x 24),
//! whatever the site's opening hours; the shift and overtime still bound it.
//!
//! A visit of several people ([`TaskRef::companions`]: an on-site callback with a
//! customer-service colleague, a heavy installation step with two engineers) is one job per
//! person, member 0 the lead engineer (who takes the roster pin and the part's pickup), made
//! a solver synchronised group ([`Problem::groups`]): all start together on distinct routes,
//! or none is served. A person's role is a skill bit of its own ([`role_bit`]): a field
//! engineer's member job needs the device family and the field-engineer bit, a colleague's
//! the customer-service bit. Where the members' starts are already settled (the second pass
//! of a day plan, a re-plan) each member instead gets that start as its only window and no
//! group ([`JobSpec::synced`] false): the repair cannot move one without the others.
//!
//! A visit that needs a spare part ([`TaskRef::part_pickup`]) is two jobs, its pickup at the
//! service point and then the visit, made a solver pickup-delivery pair: same route, pickup
//! first. The pickup has the visit's skills (and pin), no window and no deadline, and is
//! optional exactly when the visit is (its penalty is zero: the visit's penalty prices the
//! pair).

use super::clock::{DayClock, minutes};
use super::context::PlanningContext;
use super::error::PlanError;
use super::model::TaskRef;
use crate::domain::engineer::Role;
use crate::domain::family::DeviceFamily;
use crate::domain::ids::{EngineerId, SiteId};
use crate::domain::task::TaskKind;
use crate::solve::routing::{
    Break, Cost, Group, Job, Load, Matrix, Overtime, Pair, Problem, ProblemInput, Skills, Time,
    TimeWindow, Vehicle,
};
use std::collections::BTreeMap;

/// An engineer's working day as the solver sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Crew {
    pub engineer: EngineerId,
    /// A field engineer, or a customer-service colleague (on-site callbacks only).
    pub role: Role,
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
    /// A reported position the route starts from instead of `start_point`.
    pub origin: Option<Origin>,
}

/// A position off the context's points, with the travel from it measured on the fly.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub position: crate::domain::geo::LatLon,
    /// `(metres, seconds)` to the context points the problem uses.
    pub travel: BTreeMap<usize, (u32, u32)>,
}

impl Crew {
    /// `(metres, seconds)` from where the route starts to a context point.
    pub fn travel_from_start(&self, ctx: &PlanningContext, to: usize) -> (u32, u32) {
        match &self.origin {
            Some(o) => o
                .travel
                .get(&to)
                .copied()
                .expect("an origin is measured to every point of its problem"),
            None => ctx.travel(self.start_point, to),
        }
    }

    /// The latest she may be back: her shift end plus the overtime she may still do.
    pub fn latest(&self) -> Time {
        self.shift.end + self.max_overtime
    }

    /// Starts her route no earlier than `t` (the service's clock, the end of a rest). Past
    /// her shift end only the rest of her overtime is left; past that, nothing (her window
    /// closes at `latest`). A lunch whose window has closed by then is no longer hers to
    /// take: she had it before she set out.
    pub fn start_not_before(&mut self, t: Time) {
        let latest = self.latest();
        let start = self.shift.start.max(t).min(latest);
        if start > self.shift.end {
            self.max_overtime = latest - start;
            self.shift.end = start;
        }
        self.shift.start = start;
        if self.lunch.is_some_and(|l| l.window.end < start) {
            self.lunch = None;
        }
    }
}

/// A visit (or the pickup of its spare part) as the solver sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct JobSpec {
    pub task: TaskRef,
    /// The pickup of the task's part (at a service point), not the visit.
    pub pickup: bool,
    /// Which of the task's people the job is for (0: the lead engineer; see
    /// [`TaskRef::role_of`]).
    pub member: usize,
    /// The task's members are one synchronised group (false: each member's window already
    /// fixes its start, see the module doc).
    pub synced: bool,
    pub point: usize,
    pub windows: Vec<TimeWindow>,
    /// Hard latest start given to the solver.
    pub deadline: Option<Time>,
}

/// A built problem and its locations (local index to context point).
#[derive(Clone, Debug)]
pub struct BuiltProblem {
    pub problem: Problem,
    /// Local location index to context point.
    #[allow(dead_code)]
    pub points: Vec<usize>,
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
    Ok(start_windows(s, &ctx.config().calendar, clock, duration))
}

/// The start windows of a visit of `duration` seconds at a site on the clock's date: each
/// opening window `[open, close - duration]` long enough for the work.
pub fn start_windows(
    site: &crate::domain::site::Site,
    calendar: &crate::domain::calendar::HolidayCalendar,
    clock: &DayClock,
    duration: Time,
) -> Vec<TimeWindow> {
    site.open_windows(clock.date(), calendar)
        .iter()
        .map(|w| clock.window(*w))
        .filter(|w| w.start <= w.end - duration)
        .map(|w| TimeWindow::new(w.start, w.end - duration))
        .collect()
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
    let windows = if task.kind == TaskKind::FaultRepair {
        vec![TimeWindow::new(Time::ZERO, Time(86_400))]
    } else {
        site_windows(ctx, clock, &task.site, duration)?
    };
    let deadline = task
        .deadline
        .map(|d| clock.seconds(d))
        .filter(|&t| t < Time(86_400) && windows.iter().any(|w| w.start <= t));
    Ok(JobSpec {
        task: task.clone(),
        pickup: false,
        member: 0,
        synced: true,
        point,
        windows,
        deadline,
    })
}

/// The pickup job of a task's spare part, if it needs one.
pub fn pickup_spec(ctx: &PlanningContext, task: &TaskRef) -> Result<Option<JobSpec>, PlanError> {
    let Some(p) = &task.part_pickup else {
        return Ok(None);
    };
    let point = ctx
        .service_point_point(&p.service_point)
        .ok_or_else(|| PlanError::unknown("service point", &p.service_point))?;
    Ok(Some(JobSpec {
        task: task.clone(),
        pickup: true,
        member: 0,
        synced: true,
        point,
        windows: Vec::new(),
        deadline: None,
    }))
}

/// The jobs of a task: its part's pickup, if any, then its visit, one per member of its
/// team (lead first).
pub fn job_specs(
    ctx: &PlanningContext,
    clock: &DayClock,
    task: &TaskRef,
) -> Result<Vec<JobSpec>, PlanError> {
    let mut out: Vec<JobSpec> = pickup_spec(ctx, task)?.into_iter().collect();
    let lead = job_spec(ctx, clock, task)?;
    let others: Vec<JobSpec> = (1..task.team_size())
        .map(|member| JobSpec {
            member,
            ..lead.clone()
        })
        .collect();
    out.push(lead);
    out.extend(others);
    Ok(out)
}

/// The skill bit of a role: above every device family's (families are far fewer than 62).
pub fn role_bit(role: Role) -> usize {
    match role {
        Role::FieldEngineer => Skills::MAX_SKILLS - 2,
        Role::CustomerService => Skills::MAX_SKILLS - 1,
    }
}

/// The synchronised groups among `jobs`: the members of each task whose team is synced and
/// complete among them, lead first.
pub fn groups_of(jobs: &[JobSpec]) -> Vec<Group> {
    let mut members: BTreeMap<&crate::domain::ids::TaskId, Vec<(usize, usize)>> = BTreeMap::new();
    for (j, spec) in jobs.iter().enumerate() {
        if !spec.pickup && spec.synced && spec.task.team_size() > 1 {
            members
                .entry(&spec.task.task)
                .or_default()
                .push((spec.member, j));
        }
    }
    members
        .into_values()
        .filter(|m| complete(jobs, m))
        .map(|mut m| {
            m.sort_unstable();
            Group {
                jobs: m.into_iter().map(|(_, j)| j).collect(),
            }
        })
        .collect()
}

/// Are the members `m` (member, job) of one task each of its team exactly once?
fn complete(jobs: &[JobSpec], m: &[(usize, usize)]) -> bool {
    let team = jobs[m[0].1].task.team_size();
    let mut seen: Vec<usize> = m.iter().map(|&(member, _)| member).collect();
    seen.sort_unstable();
    seen == (0..team).collect::<Vec<_>>()
}

/// The context point of a plan stop (the service point of a pickup, else the site).
pub fn stop_point(ctx: &PlanningContext, stop: &super::model::Stop) -> Result<usize, PlanError> {
    match (&stop.task.part_pickup, stop.is_pickup()) {
        (Some(p), true) => ctx
            .service_point_point(&p.service_point)
            .ok_or_else(|| PlanError::unknown("service point", &p.service_point)),
        _ => ctx
            .site_point(&stop.task.site)
            .ok_or_else(|| PlanError::unknown("site", &stop.task.site)),
    }
}

/// The pickup-delivery pairs among `jobs`: each pickup with the visit of the same task.
/// Invariant: a task has at most one visit and one pickup among them.
pub fn pairs_of(jobs: &[JobSpec]) -> Vec<Pair> {
    let visits: BTreeMap<&crate::domain::ids::TaskId, usize> = jobs
        .iter()
        .enumerate()
        .filter(|(_, j)| !j.pickup)
        .map(|(i, j)| (&j.task.task, i))
        .collect();
    jobs.iter()
        .enumerate()
        .filter(|(_, j)| j.pickup)
        .filter_map(|(i, j)| {
            visits.get(&j.task.task).map(|&d| Pair {
                pickup: i,
                delivery: d,
            })
        })
        .collect()
}

/// Builds the problem. `overtime`: allow each crew its `max_overtime`.
pub fn build(
    ctx: &PlanningContext,
    crews: &[Crew],
    jobs: &[JobSpec],
    overtime: bool,
) -> Result<BuiltProblem, PlanError> {
    build_with(
        &|a, b| ctx.travel(a, b),
        ctx.settings(),
        crews,
        jobs,
        overtime,
    )
}

/// [`build`] over any point space: `travel(a, b)` is `(metres, seconds)` between two points
/// of the crews and jobs (the roster routes an engineer-day over its own few places).
pub fn build_with(
    travel: &dyn Fn(usize, usize) -> (u32, u32),
    settings: &super::settings::PlanSettings,
    crews: &[Crew],
    jobs: &[JobSpec],
    overtime: bool,
) -> Result<BuiltProblem, PlanError> {
    let places = Locations::of(crews, jobs);
    let pins = pins(crews, jobs)?;
    let vehicles = crews
        .iter()
        .zip(&places.crews)
        .map(|(c, &(start, end))| {
            let bits = c
                .families
                .iter()
                .map(|&f| f.index())
                .chain([role_bit(c.role)]);
            Vehicle {
                start,
                end,
                shift: c.shift,
                skills: Skills::from_indices(bits).expect("device families are fewer than 64"),
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
    let problem_jobs = jobs
        .iter()
        .zip(&places.jobs)
        .map(|(j, &l)| problem_job(j, l))
        .collect();
    let (distances, durations) = places.matrices(travel)?;
    let problem = Problem::new(ProblemInput {
        distances,
        durations,
        jobs: problem_jobs,
        vehicles,
        pairs: pairs_of(jobs),
        groups: groups_of(jobs),
        minimize_vehicles: false,
    })?
    .with_pins(pins)?;
    Ok(BuiltProblem {
        problem,
        points: places.points,
    })
}

/// The few locations of a problem: the context points its crews and jobs use, numbered in
/// order of first use, then one location per reported position ([`Origin`]).
struct Locations<'a> {
    /// Local location index to context point.
    points: Vec<usize>,
    /// Each crew's start and end location.
    crews: Vec<(usize, usize)>,
    /// Each job's location.
    jobs: Vec<usize>,
    /// The reported positions; origin `o` is location `points.len() + o`.
    origins: Vec<&'a Origin>,
}

impl<'a> Locations<'a> {
    fn of(crews: &'a [Crew], jobs: &[JobSpec]) -> Self {
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
        // Reported positions get locations of their own after the context points.
        let n_points = points.len();
        let mut origins: Vec<&Origin> = Vec::new();
        let crew_locs = crews
            .iter()
            .zip(crew_locs)
            .map(|(c, (start, end))| match &c.origin {
                Some(o) => {
                    origins.push(o);
                    (n_points + origins.len() - 1, end)
                }
                None => (start, end),
            })
            .collect();
        Self {
            points,
            crews: crew_locs,
            jobs: job_locs,
            origins,
        }
    }

    /// The distance and duration matrices over the locations.
    fn matrices(
        &self,
        travel: &dyn Fn(usize, usize) -> (u32, u32),
    ) -> Result<(Matrix<crate::solve::routing::Distance>, Matrix<Time>), PlanError> {
        let (points, origins) = (&self.points, &self.origins);
        // Invariant: an origin's travel covers every point of the problem (the re-planner
        // measures them all); checked here so that a gap is an error, not a panic.
        if let Some(p) = origins
            .iter()
            .find_map(|o| points.iter().find(|p| !o.travel.contains_key(p)))
        {
            return Err(PlanError::invalid(
                "progress.position",
                format!("no travel measured from a reported position to point {p}"),
            ));
        }
        let n_points = points.len();
        // Nothing travels to an origin (no job is there, no route ends there): the way back
        // is taken as the way there.
        let travel = |a: usize, b: usize| -> (u32, u32) {
            match (a.checked_sub(n_points), b.checked_sub(n_points)) {
                (None, None) => travel(points[a], points[b]),
                (Some(o), None) => origins[o].travel[&points[b]],
                (None, Some(o)) => origins[o].travel[&points[a]],
                (Some(_), Some(_)) => (0, 0),
            }
        };
        let n = n_points + origins.len();
        let distances = Matrix::from_fn(n, |a, b| {
            crate::solve::routing::Distance(i64::from(travel(a, b).0))
        });
        let durations = Matrix::from_fn(n, |a, b| Time(i64::from(travel(a, b).1)));
        Ok((distances, durations))
    }
}

/// The solver pins: each job pinned to an engineer, to that engineer's vehicle (a
/// constraint of the problem's own, [`Problem::with_pins`], so any number of engineers may
/// have pins).
fn pins(crews: &[Crew], jobs: &[JobSpec]) -> Result<Vec<(usize, usize)>, PlanError> {
    let vehicle: BTreeMap<&EngineerId, usize> = crews
        .iter()
        .enumerate()
        .map(|(v, c)| (&c.engineer, v))
        .collect();
    let mut pins = Vec::new();
    // A roster pin names the lead engineer: her visit and the part's pickup.
    for (j, spec) in jobs.iter().enumerate().filter(|(_, s)| s.member == 0) {
        if let Some(p) = &spec.task.pinned {
            let &v = vehicle.get(p).ok_or_else(|| {
                PlanError::invalid(
                    "roster",
                    format!("{} is pinned to {p}, who is not on shift", spec.task.task),
                )
            })?;
            pins.push((j, v));
        }
    }
    Ok(pins)
}

/// The solver job of a job spec at location `location`.
fn problem_job(j: &JobSpec, location: usize) -> Job {
    let role = j.task.role_of(j.member);
    let family = match role {
        Role::FieldEngineer => j.task.family,
        Role::CustomerService => None,
    };
    let bits = family
        .map(DeviceFamily::index)
        .into_iter()
        .chain([role_bit(role)]);
    let service = match (&j.task.part_pickup, j.pickup) {
        (Some(p), true) => minutes(p.minutes),
        _ => minutes(j.task.duration_minutes),
    };
    let drop_penalty = j
        .task
        .drop_penalty
        .map(|p| Cost(if j.pickup { 0 } else { p }));
    Job {
        location,
        service,
        windows: j.windows.clone(),
        demand: Load::ZERO,
        skills: Skills::from_indices(bits).expect("device families are fewer than 64"),
        drop_penalty,
        deadline: j.deadline,
    }
}
