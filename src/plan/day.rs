//! Planning one day: tasks, crews, a pre-diagnosis of what cannot be served at all, the
//! solve, a second pass for mandatory visits, the diagnosis of what is left out, the desk.
//!
//! Two passes keep overtime for what needs it: the search runs **without overtime** (its
//! objective puts every dropped visit above travel and overtime, so it would otherwise spend
//! overtime on inspections that could wait); then each mandatory visit it could not place (a
//! fault due today, a roster pin) is inserted with overtime allowed, by
//! [`insert_urgent`](crate::solve::replan::insert_urgent) (cheapest insertion meeting the
//! deadline, else displacing optional visits, else the earliest late arrival, flagged
//! `DEADLINE_MISSED`).

use super::assemble::{self, Kept};
use super::build::{self, Crew, JobSpec};
use super::clock::{DayClock, minutes};
use super::context::PlanningContext;
use super::desk::schedule_desk;
use super::error::PlanError;
use super::inputs::{DayInputs, PlanRequest};
use super::kpis;
use super::model::{
    CallOutTrip, EngineerRoute, Flag, Plan, PlanStats, ReasonCode, StopKind, TaskRef,
    UnassignedTask,
};
use super::oncall;
use super::tasks;
use crate::domain::duration::Minutes;
use crate::domain::engineer::{Availability, Role};
use crate::domain::ids::{EngineerId, TaskId};
use crate::solve::diagnose::{Cause, diagnose};
use crate::solve::replan::{Routes, Stability, Urgent, insert_urgent};
use crate::solve::routing::{self, Break, JobId, SolverConfig, Time};
use chrono::NaiveDate;

/// The staff on shift on `date` (field engineers, then customer-service colleagues), as
/// crews starting and ending at home.
pub fn crews_on(ctx: &PlanningContext, date: NaiveDate, inputs: &DayInputs) -> Vec<Crew> {
    let clock = DayClock::new(date);
    let settings = ctx.settings();
    let lunch = Break {
        window: clock.window(settings.lunch.window),
        duration: minutes(settings.lunch.duration.get()),
    };
    let scenario = ctx.scenario();
    scenario
        .engineers()
        .iter()
        .chain(scenario.customer_service())
        .filter_map(|e| {
            let Availability::Shift(w) = e.availability(date, &ctx.config().calendar) else {
                return None;
            };
            let home = ctx.service_point_point(&e.home)?;
            let used = inputs
                .overtime_used
                .get(&e.id)
                .copied()
                .unwrap_or(Minutes::ZERO);
            let week_left = e.overtime_per_week.get().saturating_sub(used.get());
            let shift = clock.window(w);
            Some(Crew {
                engineer: e.id.clone(),
                role: e.role,
                home_point: home,
                start_point: home,
                end_point: home,
                day_shift: shift,
                shift,
                max_overtime: minutes(week_left.min(settings.overtime_per_day_minutes)),
                lunch: Some(lunch),
                families: e.skills.iter().collect(),
                origin: None,
            })
        })
        .collect()
}

/// Why a visit cannot be planned at all, before any search. `spec` is one member's visit:
/// the lead needs a trained engineer (her pinned one, if any); a companion someone of her
/// role, and the team as many such people on shift as it has members of that role.
pub(super) fn prediagnose(crews: &[Crew], spec: &JobSpec) -> Option<(ReasonCode, String)> {
    let t = &spec.task;
    if spec.windows.is_empty() {
        return Some((
            ReasonCode::SiteClosed,
            format!(
                "site {} has no opening window long enough for {} minutes",
                t.site, t.duration_minutes
            ),
        ));
    }
    if crews.is_empty() {
        return Some((
            ReasonCode::NoEngineerOnShift,
            "no engineer works that day".into(),
        ));
    }
    let role = t.role_of(spec.member);
    let skilled = |c: &Crew| {
        c.role == role
            && (role == Role::CustomerService || t.family.is_none_or(|f| c.families.contains(&f)))
    };
    if let Some(p) = t.pinned.as_ref().filter(|_| spec.member == 0) {
        return match crews.iter().find(|c| &c.engineer == p) {
            None => Some((
                ReasonCode::NoEngineerOnShift,
                format!("pinned engineer {p} is not on shift"),
            )),
            Some(c) if !skilled(c) => Some((
                ReasonCode::SkillMissing,
                match t.family {
                    Some(f) => format!("pinned engineer {p} is not trained on {f}"),
                    None => format!("pinned {p} is not a field engineer"),
                },
            )),
            Some(_) => None,
        };
    }
    let needed = (0..t.team_size()).filter(|&m| t.role_of(m) == role).count();
    let on_shift = crews.iter().filter(|c| skilled(c)).count();
    if on_shift >= needed {
        return None;
    }
    let who = match (role, t.family) {
        (Role::CustomerService, _) => "customer-service colleague".to_owned(),
        (Role::FieldEngineer, Some(f)) => format!("engineer trained on {f}"),
        (Role::FieldEngineer, None) => "field engineer".to_owned(),
    };
    Some(match (needed, role) {
        (1, Role::FieldEngineer) if t.family.is_some() => {
            (ReasonCode::SkillMissing, format!("no {who} is on shift"))
        }
        (1, _) => (
            ReasonCode::NoEngineerOnShift,
            format!("no {who} is on shift"),
        ),
        (n, _) => (
            ReasonCode::SkillMissing,
            format!("the visit needs {n} people on shift, each an {who}; {on_shift} are"),
        ),
    })
}

pub(super) fn reason_of(cause: Cause) -> (ReasonCode, &'static str) {
    match cause {
        Cause::Skill => (
            ReasonCode::SkillMissing,
            "no engineer on shift has the skill",
        ),
        Cause::Deadline => (
            ReasonCode::DeadlineUnreachable,
            "no engineer reaches the site by the deadline, even with nothing else to do",
        ),
        Cause::Windows => (
            ReasonCode::WindowUnreachable,
            "no engineer reaches the site inside its opening hours within the shift",
        ),
        Cause::Capacity => (ReasonCode::NoCapacity, "it fits alone; the day is full"),
    }
}

/// Flags of a visit left out: a fault or a delivery due today misses its deadline.
fn unplanned_flags(t: &TaskRef) -> Vec<Flag> {
    let mut f = Vec::new();
    let delivery =
        t.part_pickup.is_some() || t.kind == crate::domain::task::TaskKind::LoanCollection;
    if (t.fault.is_some() || delivery) && t.deadline.is_some() && t.drop_penalty.is_none() {
        f.push(Flag::DeadlineMissed);
    }
    if t.cadence.is_some_and(|c| c.overdue) {
        f.push(Flag::Overdue);
    }
    if t.part_pickup.as_ref().is_some_and(|p| p.ordered) {
        f.push(Flag::ManufacturerPart);
    }
    f
}

/// Attempts of the search before falling back to insertion alone.
const SOLVE_ATTEMPTS: u64 = 2;

/// Runs the search, containing a panic of the search (a defect; the last one known, a
/// multi-window visit on a route with a break found infeasible after a removal, is fixed in
/// `State::remove`). A failed attempt is retried with the next seed; after
/// [`SOLVE_ATTEMPTS`] the caller falls back to [`construct`]. Returns the solution, if any,
/// and the attempts made.
fn guarded_solve(
    problem: &routing::Problem,
    config: &SolverConfig,
) -> (Option<routing::Solution>, u64) {
    let started = std::time::Instant::now();
    for attempt in 0..SOLVE_ATTEMPTS {
        let mut c = config.clone();
        c.seed = config.seed.wrapping_add(attempt);
        // A retry gets what is left of the limit (at least a quarter of it).
        c.time_limit = config
            .time_limit
            .saturating_sub(started.elapsed())
            .max(config.time_limit / 4);
        let run =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| routing::solve(problem, &c)));
        if let Ok(solution) = run {
            return (Some(solution), attempt + 1);
        }
    }
    (None, SOLVE_ATTEMPTS + 1)
}

/// Routes by insertion alone: mandatory jobs first, then by drop penalty (highest first),
/// each at its cheapest feasible place (a part's pickup goes in with its visit).
fn construct(problem: &routing::Problem) -> Routes {
    // Two-person visits need the search (insertion times one route at a time).
    let mut order: Vec<JobId> = (0..problem.num_jobs())
        .filter(|&j| {
            !matches!(
                problem.pair_roles[j],
                routing::problem::PairRole::Pickup { .. }
            ) && problem.group_of[j].is_none()
        })
        .collect();
    order.sort_by_key(|&j| (problem.jobs[j].drop_penalty.map_or(i64::MIN, |p| -p.0), j));
    let mut routes: Routes = vec![Vec::new(); problem.num_vehicles()];
    let none = Stability::none(problem.num_jobs());
    for j in order {
        let urgent = Urgent {
            job: j,
            target: None,
        };
        if let Ok(o) = crate::solve::replan::offers(problem, &routes, urgent, &none, u64::MAX) {
            if let Some(best) = o
                .into_iter()
                .filter(|o| o.displaced.is_empty())
                .min_by_key(|o| (o.delta, o.vehicle))
            {
                routes[best.vehicle] = best.route;
            }
        }
    }
    routes
}

/// The day's routing problem, exactly as the search gets it (first pass: no overtime), and
/// what was settled before it: call-outs, pre-diagnosed tasks, the job specs.
pub struct DayProblem {
    clock: DayClock,
    day: tasks::DayTasks,
    crews: Vec<Crew>,
    call_outs: Vec<EngineerRoute>,
    /// The call-outs of the evening before that delay a shift of this day.
    carried: Vec<CallOutTrip>,
    unassigned: Vec<UnassignedTask>,
    specs: Vec<JobSpec>,
    /// `None` when nobody is on shift.
    first: Option<build::BuiltProblem>,
}

impl DayProblem {
    /// The problem the search solves; `None` when nobody is on shift.
    pub fn problem(&self) -> Option<&routing::Problem> {
        self.first.as_ref().map(|b| &b.problem)
    }

    /// The engineer of each vehicle, in vehicle order.
    pub fn engineers(&self) -> Vec<&EngineerId> {
        self.crews.iter().map(|c| &c.engineer).collect()
    }

    /// The task of each job, in job order, and whether the job is its part's pickup.
    pub fn jobs(&self) -> Vec<(&TaskId, StopKind)> {
        self.specs
            .iter()
            .map(|s| {
                let kind = if s.pickup {
                    StopKind::PartPickup
                } else {
                    StopKind::Visit
                };
                (&s.task.task, kind)
            })
            .collect()
    }

    /// Given routes as job sequences per vehicle; an error names the route and stop that is
    /// unknown, repeated or infeasible (by the exact schedule of the search).
    fn routes_of(&self, given: &[GivenRoute]) -> Result<Routes, PlanError> {
        let mut routes: Routes = vec![Vec::new(); self.crews.len()];
        let Some(problem) = self.problem() else {
            return match given.iter().find(|r| !r.stops.is_empty()) {
                Some(r) => Err(PlanError::unknown("engineer on shift", &r.engineer)),
                None => Ok(routes),
            };
        };
        let jobs: std::collections::HashMap<(&TaskId, StopKind), JobId> = self
            .jobs()
            .into_iter()
            .enumerate()
            .map(|(j, key)| (key, j))
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        for (i, r) in given.iter().enumerate() {
            let field = |what: &str| format!("routes[{i}]{what}");
            let v = self
                .crews
                .iter()
                .position(|c| c.engineer == r.engineer)
                .ok_or_else(|| PlanError::unknown("engineer on shift", &r.engineer))?;
            if !routes[v].is_empty() {
                return Err(PlanError::invalid(
                    field(""),
                    format!("{} has two routes", r.engineer),
                ));
            }
            for (k, (task, kind)) in r.stops.iter().enumerate() {
                let j = *jobs.get(&(task, *kind)).ok_or_else(|| {
                    PlanError::invalid(
                        field(&format!(".stops[{k}]")),
                        format!("{task} ({kind:?}) is not a job of the day"),
                    )
                })?;
                if !seen.insert(j) {
                    return Err(PlanError::invalid(
                        field(&format!(".stops[{k}]")),
                        format!("{task} ({kind:?}) is planned twice"),
                    ));
                }
                routes[v].push(j);
            }
            if let Err(why) = routing::schedule(problem, v, &routes[v]) {
                return Err(PlanError::invalid(
                    field(""),
                    format!("the route of {} is infeasible: {why:?}", r.engineer),
                ));
            }
        }
        Ok(routes)
    }
}

/// A route given from outside (another solver's answer): an engineer's stops in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GivenRoute {
    pub engineer: EngineerId,
    pub stops: Vec<(TaskId, StopKind)>,
}

/// The day's problem for `date`: tasks, crews, call-outs, pre-diagnosis and the first-pass
/// problem (the one [`plan_day`] searches).
pub fn day_problem(
    ctx: &PlanningContext,
    date: NaiveDate,
    inputs: &DayInputs,
) -> Result<DayProblem, PlanError> {
    let clock = DayClock::new(date);
    let mut day = tasks::collect(ctx, date, inputs)?;
    let mut crews = crews_on(ctx, date, inputs);
    // Nothing is planned before the service's clock: a day planned while it runs starts
    // its shifts then.
    if let Some(now) = inputs.now.filter(|t| t.date() == date) {
        for c in &mut crews {
            c.start_not_before(clock.seconds(now));
        }
    }
    // Faults no shift can reach in time go to on-call engineers first; a night call-out
    // (of this day, or carried from the evening before) delays the engineer's shift by the
    // rest.
    let carried = &inputs.carried_call_outs;
    let call_outs =
        oncall::plan_call_outs(ctx, &clock, &crews, &mut day.visits, inputs.now, carried);
    let trips: Vec<_> = carried
        .iter()
        .cloned()
        .chain(call_outs.iter().filter_map(EngineerRoute::call_out_trip))
        .collect();
    oncall::apply_rest(ctx, &clock, &mut crews, &trips);
    let mut unassigned = Vec::new();
    let mut specs = Vec::new();
    for t in &day.visits {
        let jobs = build::job_specs(ctx, &clock, t)?;
        let blocked = jobs
            .iter()
            .filter(|j| !j.pickup)
            .find_map(|visit| prediagnose(&crews, visit));
        match blocked {
            Some((reason, detail)) => unassigned.push(UnassignedTask {
                flags: unplanned_flags(t),
                task: t.clone(),
                reason,
                detail,
            }),
            None => specs.extend(jobs),
        }
    }
    let first = if crews.is_empty() {
        None
    } else {
        Some(build::build(ctx, &crews, &specs, false)?)
    };
    Ok(DayProblem {
        clock,
        day,
        crews,
        call_outs,
        carried: carried.clone(),
        unassigned,
        specs,
        first,
    })
}

/// Plans `request.date`.
pub fn plan_day(
    ctx: &PlanningContext,
    request: &PlanRequest,
    inputs: &DayInputs,
) -> Result<Plan, PlanError> {
    plan_day_cancellable(ctx, request, inputs, None)
}

/// [`plan_day`] whose search stops early (keeping its best solution) once `cancel` is set.
pub fn plan_day_cancellable(
    ctx: &PlanningContext,
    request: &PlanRequest,
    inputs: &DayInputs,
    cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
) -> Result<Plan, PlanError> {
    let mut p = day_problem(ctx, request.date, inputs)?;
    let mut stats = PlanStats {
        seed: request.seed,
        travel_model: ctx.travel_model().to_owned(),
        ..PlanStats::default()
    };
    let mut routes: Routes = vec![Vec::new(); p.crews.len()];
    if let Some(first) = &p.first {
        let config = SolverConfig {
            seed: request.seed,
            threads: request.threads.max(1),
            time_limit: request.time_limit,
            max_work: request.max_work,
            cancel,
        };
        let (solved, attempts) = guarded_solve(&first.problem, &config);
        if attempts > 1 {
            p.day.warnings.push(format!(
                "the search failed {} time(s) (a solver defect); {}",
                attempts - 1,
                if solved.is_some() {
                    "a retry with another seed succeeded"
                } else {
                    "the plan was built by insertion alone"
                }
            ));
        }
        match solved {
            Some(solution) => {
                stats.solver_seconds = solution.stats.seconds;
                stats.iterations = solution.stats.iterations;
                stats.deterministic = solution.stats.deterministic;
                for r in &solution.routes {
                    routes[r.vehicle] = r.jobs.clone();
                }
            }
            None => routes = construct(&first.problem),
        }
    }
    complete(ctx, p, routes, stats)
}

/// [`plan_day`] with the search's routes given (another solver's answer to the
/// [`day_problem`]): the rest of the day plan (mandatory visits left out inserted with
/// overtime, diagnosis, desk, KPIs) is made exactly as after the search.
pub fn plan_day_with_routes(
    ctx: &PlanningContext,
    request: &PlanRequest,
    inputs: &DayInputs,
    given: &[GivenRoute],
) -> Result<Plan, PlanError> {
    let mut p = day_problem(ctx, request.date, inputs)?;
    let routes = p.routes_of(given)?;
    p.day
        .warnings
        .push("the search's routes were given, not searched".into());
    let stats = PlanStats {
        seed: request.seed,
        travel_model: ctx.travel_model().to_owned(),
        deterministic: true,
        ..PlanStats::default()
    };
    complete(ctx, p, routes, stats)
}

/// The second pass (mandatory visits left out, with overtime, deadlines as targets) on the
/// search's routes; the plan's routes are assembled on its problem.
fn second_pass(
    ctx: &PlanningContext,
    p: &DayProblem,
    mut routes: Routes,
) -> Result<(Routes, Option<build::BuiltProblem>), PlanError> {
    if p.crews.is_empty() {
        return Ok((routes, None));
    }
    let (clock, specs, crews) = (&p.clock, &p.specs, &p.crews);
    // Second pass: mandatory visits left out, with overtime, deadlines as targets.
    let routed_first: std::collections::BTreeSet<JobId> =
        routes.iter().flatten().copied().collect();
    // Faults due today whose deadline the solver did not see (already passed, or before
    // the site opens) go back in at their earliest place.
    // (A late visit's part pickup leaves with it; pickups go back in with their visit.)
    let late = |j: usize| {
        let t = &specs[j].task;
        t.drop_penalty.is_none() && t.deadline.is_some() && specs[j].deadline.is_none()
    };
    let late_tasks: std::collections::BTreeSet<&TaskId> = (0..specs.len())
        .filter(|&j| late(j))
        .map(|j| &specs[j].task.task)
        .collect();
    for r in &mut routes {
        r.retain(|&j| !late_tasks.contains(&specs[j].task.task));
    }
    // A two-person visit the search left out stays out: insertion places one person at a time.
    let mut missing: Vec<JobId> = (0..specs.len())
        .filter(|&j| !specs[j].pickup && specs[j].task.team_size() == 1)
        .filter(|&j| {
            late(j) || (!routed_first.contains(&j) && specs[j].task.drop_penalty.is_none())
        })
        .collect();
    let targets: Vec<Option<Time>> = specs
        .iter()
        .map(|s| s.task.deadline.map(|d| clock.seconds(d)))
        .collect();
    let mut relaxed = specs.clone();
    for &j in &missing {
        relaxed[j].deadline = None;
    }
    let first = p.first.as_ref().expect("crews imply a problem");
    fix_member_starts(&first.problem, &mut routes, &mut relaxed);
    let second = build::build(ctx, crews, &relaxed, true)?;
    missing.sort_by_key(|&j| (targets[j].unwrap_or(Time::MAX), specs[j].task.task.clone()));
    let repair = ctx.settings().repair;
    let none = Stability::none(specs.len());
    for j in missing {
        let urgent = Urgent {
            job: j,
            target: targets[j],
        };
        let out = insert_urgent(&second.problem, &routes, urgent, &none, repair)?;
        routes = out.routes;
    }
    Ok((routes, Some(second)))
}

/// Fixes each routed team member's start at the synchronised start the search found: its one
/// window becomes that instant (see `build`'s module doc), so that inserting what is missing
/// cannot move one member without the others. Routes whose teams cannot be synchronised
/// (given from outside) lose their team visits.
fn fix_member_starts(problem: &routing::Problem, routes: &mut Routes, specs: &mut [JobSpec]) {
    if problem.groups.is_empty() {
        return;
    }
    let numbered: Vec<(usize, &Vec<JobId>)> = routes.iter().enumerate().collect();
    match routing::schedule_routes(problem, &numbered) {
        Ok(schedules) => {
            for (r, s) in routes.iter().zip(&schedules) {
                for (&j, visit) in r.iter().zip(&s.visits) {
                    if problem.group_of[j].is_some() {
                        specs[j].windows = vec![routing::TimeWindow::new(visit.start, visit.start)];
                    }
                }
            }
        }
        Err(_) => {
            for r in routes.iter_mut() {
                r.retain(|&j| problem.group_of[j].is_none());
            }
        }
    }
}

/// The plan from the search's routes: second pass, diagnosis, assembly, desk, KPIs.
fn complete(
    ctx: &PlanningContext,
    p: DayProblem,
    routes: Routes,
    stats: PlanStats,
) -> Result<Plan, PlanError> {
    let (routes, final_built) = second_pass(ctx, &p, routes)?;
    let DayProblem {
        clock,
        day,
        crews,
        call_outs,
        carried,
        mut unassigned,
        specs,
        ..
    } = p;
    let date = clock.date();
    let routed: std::collections::BTreeSet<JobId> = routes.iter().flatten().copied().collect();
    if let Some(built) = &final_built {
        for (j, spec) in specs.iter().enumerate() {
            // A team left out is reported once, by its lead.
            if routed.contains(&j) || spec.pickup || spec.member != 0 {
                continue;
            }
            let (reason, detail) = reason_of(diagnose(&built.problem, j));
            // A deadline the solver did not see (relaxed) is still the reason when the
            // visit fits alone only too late.
            unassigned.push(UnassignedTask {
                flags: unplanned_flags(&spec.task),
                task: spec.task.clone(),
                reason,
                detail: detail.into(),
            });
        }
    }
    let mut plan_routes = Vec::with_capacity(crews.len());
    for (v, crew) in crews.iter().enumerate() {
        let built = final_built.as_ref().expect("crews imply a problem");
        plan_routes.push(assemble::route(
            ctx,
            &clock,
            built,
            crew,
            v,
            &specs,
            &routes[v],
            Kept::default(),
        ));
    }
    plan_routes.extend(call_outs);
    let (desk, desk_left) = schedule_desk(ctx.settings(), &clock, day.phone);
    unassigned.extend(desk_left);
    unassigned.sort_by(|a, b| a.task.task.cmp(&b.task.task));
    let mut plan = Plan {
        date,
        routes: plan_routes,
        desk,
        unassigned,
        faults: Vec::new(),
        kpis: Default::default(),
        stats,
        warnings: day.warnings,
        carried_call_outs: carried,
    };
    kpis::refresh(&mut plan);
    Ok(plan)
}
