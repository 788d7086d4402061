//! The decision maker of the simulation, behind one trait: roster a period, plan a day,
//! insert a fault at its arrival given the engineers' progress.
//!
//! The simulation owns reality (who is where, what is done, actual durations); a policy only
//! sees a [`View`] and answers with new routes. A route is the ordered list of tasks an
//! engineer will do after the activity she is in now (her progress is frozen: a visit once
//! started is finished). The simulation checks each departure against the roster and the
//! site's opening hours, and puts tasks that cannot be done back among the open ones.
//!
//! A [`PolicyMaker`] prepares a policy once per headcount (a planner builds its planning
//! context with those engineers) and starts one [`Policy`] per replication, which may keep
//! state (the day's plan) and hears every progress report ([`Progress`]: departed, arrived,
//! started, done) as it happens. [`default_policy`] is the policy the command line and the
//! sweep use: wiring another planner is this file only.

use super::baseline::Baseline;
use super::config::PolicyKind;
use super::planner::PlannerMaker;
use super::world::{Loc, SimMinute, StaffedWorld};
use crate::domain::family::DeviceFamily;
use crate::domain::fault::FaultLevel;
use crate::domain::ids::TaskId;
use crate::domain::task::TaskKind;

/// What an engineer works on one simulated day, as minutes from the epoch.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterDay {
    /// `[start, end)` of the shift, if she works one.
    pub shift: Option<(SimMinute, SimMinute)>,
    /// Reachable outside the shift (nights, weekends, holidays) for urgent faults.
    pub on_call: bool,
}

/// The fault behind a repair task.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct RepairFault {
    /// Index of the fault in the replication's arrivals.
    pub index: usize,
    pub level: FaultLevel,
    pub device: usize,
    pub reported: SimMinute,
    /// The earliest deadline among on site, solution and resolution, if any.
    pub deadline: Option<SimMinute>,
    /// Its remote attempt failed (a remote-first level whose visit became needed).
    pub remote_failed: bool,
}

/// A task the simulation knows: a cadence task or a fault repair.
#[derive(Clone, Debug, PartialEq)]
pub struct SimTask {
    /// The domain's task id: the cadence engine's for cadence tasks, `T-REP-<fault>` for
    /// repairs (the ids the day planner uses).
    pub id: TaskId,
    pub kind: TaskKind,
    pub site: usize,
    pub place: Loc,
    pub skill: Option<DeviceFamily>,
    /// Planned time on site.
    pub service: SimMinute,
    /// Cadence tasks: the on-time window in day numbers (faults: the report day and
    /// `i64::MAX`).
    pub opens_day: i64,
    pub closes_day: i64,
    pub fault: Option<RepairFault>,
    /// Index in [`super::world::Base::cadence`] for cadence tasks.
    pub cadence: Option<usize>,
}

impl SimTask {
    /// Cadence tasks need the site open for the whole visit; repairs of a down device do not.
    pub fn needs_open_site(&self) -> bool {
        self.fault.is_none()
    }
}

/// An engineer's progress as reported to the planner.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineerState {
    /// Where she is when her current activity ends.
    pub at: Loc,
    /// When her current (frozen) activity ends; at or before `now` when idle.
    pub free_at: SimMinute,
    /// Planned tasks not yet started, in order.
    pub route: Vec<usize>,
    /// Overtime she may still plan this week (Monday to Sunday).
    pub overtime_left: SimMinute,
}

/// What a policy sees when it decides.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    pub world: &'a StaffedWorld,
    pub now: SimMinute,
    /// Today's day number (`now / 1440`).
    pub day: i64,
    pub tasks: &'a [SimTask],
    /// Tasks released and not assigned, not started, not done, in index order.
    pub open: &'a [usize],
    pub engineers: &'a [EngineerState],
    /// Today's roster, per engineer.
    pub roster: &'a [RosterDay],
    /// Per task: done (a cadence task also when a visit satisfied it).
    pub done: &'a [bool],
}

/// New routes: `(engineer, route)`; engineers not listed keep theirs.
pub type RouteChanges = Vec<(usize, Vec<usize>)>;

/// What an engineer reports while she works (the simulation calls [`Policy::progress`]
/// when it happens).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProgressStage {
    /// Set off towards the task's site.
    Departed,
    Arrived,
    Started,
    Done,
}

/// One progress report.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub engineer: usize,
    pub task: usize,
    pub kind: ProgressStage,
    pub at: SimMinute,
}

/// A planner the simulation runs, one instance per replication (it may keep the day's plan
/// between calls). Implementations must be deterministic.
pub trait Policy: Send {
    fn name(&self) -> &str;

    /// The roster of `days` days from day `first`: `[day][engineer]`.
    fn roster(&mut self, world: &StaffedWorld, first: i64, days: u32) -> Vec<Vec<RosterDay>>;

    /// The day plan, called at local midnight of each day: new routes for the day.
    fn plan_day(&mut self, view: &View) -> RouteChanges;

    /// A fault repair task `task` has just arrived (it is among `view.open`): where it goes.
    /// Leaving it open is allowed; the next day plan sees it again.
    fn insert_fault(&mut self, view: &View, task: usize) -> RouteChanges;

    /// An engineer's progress report, as it happens.
    fn progress(&mut self, _report: &Progress) {}
}

/// Prepares a policy once per world (a headcount: a planner builds its planning context
/// with these engineers here) and starts one [`Policy`] per replication.
pub trait PolicyMaker: Send + Sync {
    fn name(&self) -> &str;
    fn start(&self) -> Box<dyn Policy>;
}

impl PolicyMaker for Baseline {
    fn name(&self) -> &str {
        "baseline"
    }

    fn start(&self) -> Box<dyn Policy> {
        Box::new(self.clone())
    }
}

/// The policy of a kind for one world; `plan_work` is the day planner's work budget.
/// Falls back to the baseline (and says so in its name) if the planner cannot be set up.
pub fn policy_for(kind: PolicyKind, world: &StaffedWorld, plan_work: u64) -> Box<dyn PolicyMaker> {
    match kind {
        PolicyKind::Baseline => Box::new(Baseline::default()),
        PolicyKind::Planner => match PlannerMaker::new(world, plan_work) {
            Ok(p) => Box::new(p),
            Err(e) => {
                eprintln!("warning: the planner cannot run ({e}); using the baseline");
                Box::new(Baseline::default())
            }
        },
    }
}

/// The policy the command line and the API use by default: the real planner.
pub fn default_policy() -> PolicyKind {
    PolicyKind::Planner
}
