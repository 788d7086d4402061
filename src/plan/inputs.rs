//! What the caller gives the planner besides the scenario: the request, the day's extra
//! inputs (roster pins, open faults, tasks, overtime used), progress reports and new faults.

use crate::domain::duration::Minutes;
use crate::domain::fault::{FaultEvent, FaultLevel};
use crate::domain::geo::LatLon;
use crate::domain::ids::{DeviceId, EngineerId, FaultId, SiteId, TaskId};
use crate::domain::instant::Instant;
use crate::domain::task::Task;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Plan one day. Same scenario, inputs, seed, threads and work budget give the same plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanRequest {
    pub date: NaiveDate,
    /// Wall-clock limit of the search (also sets its deterministic work budget).
    #[serde(
        with = "seconds",
        rename = "timeLimitSeconds",
        default = "default_limit"
    )]
    pub time_limit: Duration,
    #[serde(default = "one")]
    pub seed: u64,
    #[serde(default = "one_thread")]
    pub threads: usize,
    /// A fixed work budget instead of the one the time limit sets (tests, benches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_work: Option<u64>,
}

fn default_limit() -> Duration {
    Duration::from_secs(2)
}
fn one() -> u64 {
    1
}
fn one_thread() -> usize {
    1
}

impl PlanRequest {
    /// A request with a 2 s limit, seed 1, one thread.
    pub fn new(date: NaiveDate) -> Self {
        Self {
            date,
            time_limit: default_limit(),
            seed: 1,
            threads: 1,
            max_work: None,
        }
    }
}

mod seconds {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}

/// A roster decision: this engineer does this task on this date. The planner keeps the task
/// on that engineer (or reports why it cannot).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RosterAssignment {
    pub task: TaskId,
    pub engineer: EngineerId,
    pub date: NaiveDate,
}

/// A fault to plan a repair visit for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultInput {
    pub fault: FaultId,
    pub site: SiteId,
    pub device: DeviceId,
    pub level: FaultLevel,
    pub reported_at: Instant,
    /// Its handling so far (a remote failure tightens the on-site deadline).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<FaultEvent>,
}

impl FaultInput {
    /// The task id of its repair visit.
    pub fn task_id(&self) -> TaskId {
        crate::domain::task::Task::repair_id(&self.fault)
    }
}

/// What an engineer reports during the day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ProgressEvent {
    Arrived {
        engineer: EngineerId,
        task: TaskId,
        at: Instant,
    },
    Started {
        engineer: EngineerId,
        task: TaskId,
        at: Instant,
    },
    Done {
        engineer: EngineerId,
        task: TaskId,
        at: Instant,
    },
    /// Where the engineer is: a re-plan restarts the rest of the route from here when the
    /// report is not older than the end of the frozen stops (see `replan`).
    Position {
        engineer: EngineerId,
        at: Instant,
        position: LatLon,
    },
}

impl ProgressEvent {
    /// The `event` tag it is stored under.
    pub fn kind(&self) -> &'static str {
        match self {
            ProgressEvent::Arrived { .. } => "arrived",
            ProgressEvent::Started { .. } => "started",
            ProgressEvent::Done { .. } => "done",
            ProgressEvent::Position { .. } => "position",
        }
    }

    pub fn engineer(&self) -> &EngineerId {
        match self {
            ProgressEvent::Arrived { engineer, .. }
            | ProgressEvent::Started { engineer, .. }
            | ProgressEvent::Done { engineer, .. }
            | ProgressEvent::Position { engineer, .. } => engineer,
        }
    }

    /// The task it is about, if any.
    pub fn task(&self) -> Option<&TaskId> {
        match self {
            ProgressEvent::Arrived { task, .. }
            | ProgressEvent::Started { task, .. }
            | ProgressEvent::Done { task, .. } => Some(task),
            ProgressEvent::Position { .. } => None,
        }
    }

    pub fn at(&self) -> Instant {
        match self {
            ProgressEvent::Arrived { at, .. }
            | ProgressEvent::Started { at, .. }
            | ProgressEvent::Done { at, .. }
            | ProgressEvent::Position { at, .. } => *at,
        }
    }
}

/// The day's inputs beyond the scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DayInputs {
    pub roster: Vec<RosterAssignment>,
    /// Open faults to plan (besides the scenario's own, see `include_scenario_faults`).
    pub faults: Vec<FaultInput>,
    /// Plan the repair of every fault the scenario holds unresolved.
    pub include_scenario_faults: bool,
    /// Further tasks (spare-part deliveries, installation visits, ad-hoc visits).
    pub extra_tasks: Vec<Task>,
    /// Overtime each engineer has already done this week.
    pub overtime_used: BTreeMap<EngineerId, Minutes>,
    /// Progress so far: tasks reported done are not planned again.
    pub progress: Vec<ProgressEvent>,
    /// The service's clock when it plans (`None`: planned ahead, outside time). Nothing is
    /// planned before it: on the plan date shifts start no earlier, and no on-call engineer
    /// is called before it (a fault calls someone out once it is known).
    pub now: Option<Instant>,
    /// The day before's call-outs whose rest reaches into this day
    /// ([`super::oncall::carried`] of its plan): their engineers start later.
    pub carried_call_outs: Vec<super::model::CallOutTrip>,
}

impl Default for DayInputs {
    fn default() -> Self {
        Self {
            roster: Vec::new(),
            faults: Vec::new(),
            include_scenario_faults: true,
            extra_tasks: Vec::new(),
            overtime_used: BTreeMap::new(),
            progress: Vec::new(),
            now: None,
            carried_call_outs: Vec::new(),
        }
    }
}
