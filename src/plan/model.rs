//! The plan as the service shows and stores it: camelCase JSON, instants in RFC 3339 with
//! the `+08:00` offset, coordinates as `{lat, lon}`.
//!
//! A plan carries everything a re-plan needs besides the [`super::PlanningContext`]: each
//! stop's task data (kind, site, device, skill, duration, deadline, drop penalty, pin), so a
//! plan read back from storage can be repaired.

use crate::domain::dates::DateRange;
use crate::domain::engineer::Role;
use crate::domain::family::DeviceFamily;
use crate::domain::fault::FaultLevel;
use crate::domain::geo::LatLon;
use crate::domain::ids::{DeviceId, EngineerId, FaultId, ServicePointId, SiteId, TaskId};
use crate::domain::instant::Instant;
use crate::domain::parts::PartNumber;
use crate::domain::task::TaskKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::domain::reason::ReasonCode;

/// Something to know about a planned or unplanned task.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Flag {
    /// A fault reached after its on-site deadline (or not at all).
    DeadlineMissed,
    /// A cadence task whose window closed before the plan date.
    Overdue,
    /// A spare part ordered from the manufacturer (stocked nowhere, or the source's rule
    /// for a repair not fixed 24 h after the engineer arrived): see `domain::parts`.
    ManufacturerPart,
}

/// Where a stop stands in the day, from progress reports.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StopStatus {
    Planned,
    Arrived,
    Started,
    Done,
}

/// The cadence slot of an inspection or callback.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CadenceInfo {
    pub due: NaiveDate,
    pub window: DateRange,
    pub overdue: bool,
}

/// Fault data of a repair visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultInfo {
    pub fault: FaultId,
    pub level: FaultLevel,
    pub reported_at: Instant,
    /// When its remote attempt failed, if it did (from then it may call an on-call engineer
    /// out whatever its level, `domain::oncall::OnCallConfig::call_from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_failed: Option<Instant>,
}

/// A task as the planner sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRef {
    pub task: TaskId,
    pub kind: TaskKind,
    pub site: SiteId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceId>,
    /// The skill it needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<DeviceFamily>,
    pub duration_minutes: u32,
    /// Latest on-site arrival (SLA), for fault repairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Instant>,
    /// Cost of leaving it out; `None`: must be done (faults due today, roster pins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_penalty: Option<i64>,
    /// The engineer the roster pinned it to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<EngineerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<CadenceInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultInfo>,
    /// The spare part to fetch before the visit, if it needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_pickup: Option<PartPickup>,
    /// The people who go along with the lead engineer, who all start together (an on-site
    /// callback: a customer-service colleague; a heavy installation step: a second
    /// engineer). Empty: one person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub companions: Vec<Role>,
}

impl TaskRef {
    /// How many people the visit needs.
    pub fn team_size(&self) -> usize {
        1 + self.companions.len()
    }

    /// The role of team member `member` (0: the lead engineer, then the companions); `None`
    /// past the team.
    pub fn role(&self, member: usize) -> Option<Role> {
        [Role::FieldEngineer]
            .iter()
            .chain(&self.companions)
            .nth(member)
            .copied()
    }

    /// [`TaskRef::role`] of a member of the team (`member < team_size()`).
    pub fn role_of(&self, member: usize) -> Role {
        self.role(member).expect("a member of the team")
    }
}

/// Where and how long a visit's spare part is picked up (a stop on the same route before the
/// visit). See `tasks.rs` for which tasks need one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartPickup {
    pub service_point: ServicePointId,
    pub minutes: u32,
    /// The part fetched (`None`: a part not named, or a loan unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_number: Option<PartNumber>,
    /// The part came from the manufacturer to this service point.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ordered: bool,
}

/// What a stop is for.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StopKind {
    /// The task's own visit at its site.
    #[default]
    Visit,
    /// Fetching the task's spare part at a service point (before its visit, same route).
    PartPickup,
}

impl StopKind {
    pub fn is_visit(&self) -> bool {
        *self == StopKind::Visit
    }
}

/// One stop on an engineer's route: a task's visit, or the pickup of its spare part (then
/// `location` is the service point's, and `start..end` the pickup).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stop {
    #[serde(flatten)]
    pub task: TaskRef,
    /// Omitted for visits; `PART_PICKUP` for a pickup stop.
    #[serde(default, skip_serializing_if = "StopKind::is_visit")]
    pub stop_kind: StopKind,
    /// Which of the task's people this stop is for (see [`TaskRef::companions`]): 0, the
    /// lead engineer (omitted), then each companion. A two-person visit is one stop on each
    /// of two routes, starting at the same instant.
    #[serde(default, skip_serializing_if = "is_lead")]
    pub member: usize,
    pub location: LatLon,
    pub arrival: Instant,
    pub start: Instant,
    pub end: Instant,
    /// Driving from the previous stop (or the service point).
    pub travel_seconds: u32,
    pub travel_metres: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
    /// Done or under way: a re-plan keeps it as it is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub frozen: bool,
    pub status: StopStatus,
}

fn is_lead(member: &usize) -> bool {
    *member == 0
}

impl Stop {
    /// Is this the pickup of a spare part (not the task's visit)?
    pub fn is_pickup(&self) -> bool {
        self.stop_kind == StopKind::PartPickup
    }
}

/// The lunch break.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lunch {
    pub start: Instant,
    pub end: Instant,
    /// Taken after this many stops (0: before the first).
    pub after_stops: usize,
}

/// KPIs of one engineer's day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineerKpis {
    pub stops: usize,
    pub travel_seconds: u64,
    pub travel_km: f64,
    pub service_seconds: u64,
    /// From departure to return.
    pub work_seconds: u64,
    pub overtime_seconds: u64,
    /// Service time over shift length.
    pub utilisation: f64,
    pub fault_deadlines: usize,
    pub fault_deadlines_met: usize,
    /// Spare-part pickup stops (not counted in `stops`).
    #[serde(default)]
    pub part_pickups: usize,
}

/// Where a re-planned route restarted: the engineer's reported position, and the travel
/// from it to the next stop (measured on the fly, off the matrix).
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Restart {
    pub location: LatLon,
    /// When the engineer was there (the report, or the re-plan instant if later).
    pub at: Instant,
    /// The route goes on from here after this many stops.
    pub after_stops: usize,
}

/// One engineer's day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineerRoute {
    pub engineer: EngineerId,
    pub name: String,
    /// Omitted for a field engineer; `customerService` for a colleague going along on
    /// on-site callbacks.
    #[serde(default, skip_serializing_if = "Role::is_field_engineer")]
    pub role: Role,
    pub home: ServicePointId,
    pub home_location: LatLon,
    pub shift_start: Instant,
    pub shift_end: Instant,
    /// Overtime this day may hold.
    pub max_overtime_minutes: u32,
    pub departure: Instant,
    pub return_at: Instant,
    pub return_travel_seconds: u32,
    pub return_travel_metres: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lunch: Option<Lunch>,
    pub stops: Vec<Stop>,
    pub kpis: EngineerKpis,
    /// Set by a re-plan that started from a reported position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<Restart>,
    /// Set on a call-out: an on-call engineer's trip to one fault outside her shift (see
    /// [`crate::domain::oncall`]); `shiftStart`..`shiftEnd` is then the trip itself. An
    /// engineer may have a shift route and call-out routes on one day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_out: Option<CallOut>,
}

impl EngineerRoute {
    pub fn is_call_out(&self) -> bool {
        self.call_out.is_some()
    }

    /// The trip of a call-out route.
    pub fn call_out_trip(&self) -> Option<CallOutTrip> {
        self.is_call_out().then(|| CallOutTrip {
            engineer: self.engineer.clone(),
            task: self.stops.first().map(|s| s.task.task.clone()),
            departure: self.departure,
            return_at: self.return_at,
        })
    }
}

/// An on-call engineer's call-out, from leaving home to coming back: what the rest rule
/// ([`crate::domain::oncall`]) reads to delay her next shift.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallOutTrip {
    pub engineer: EngineerId,
    /// The fault repair it serves: the next day does not plan it again (her report of the
    /// visit tells whether it is fixed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskId>,
    pub departure: Instant,
    pub return_at: Instant,
}

/// What a call-out route adds to a route.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallOut {
    /// When the engineer was called (she leaves the configured response time later).
    pub called_at: Instant,
    /// Touches the night: her shift that day starts after the rest.
    pub night: bool,
    /// The call-out's own cost plus its driving, in cost units.
    pub cost: i64,
}

/// A phone callback made from the service centre's desk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeskCall {
    #[serde(flatten)]
    pub task: TaskRef,
    /// Desk agent number, from 1.
    pub agent: usize,
    pub start: Instant,
    pub end: Instant,
}

/// A task left out, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnassignedTask {
    #[serde(flatten)]
    pub task: TaskRef,
    pub reason: ReasonCode,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
}

/// Where a fault repair stands in the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultStatus {
    pub task: TaskId,
    pub fault: FaultId,
    pub level: FaultLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Instant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engineer: Option<EngineerId>,
    /// Planned arrival on site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<Instant>,
    /// Arrival by the deadline (true when there is none and it is planned).
    pub deadline_met: bool,
}

/// Day totals.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanKpis {
    /// Field engineers (customer-service staff below).
    pub engineers_on_shift: usize,
    pub engineers_used: usize,
    /// Customer-service colleagues on shift, who go along on on-site callbacks.
    #[serde(default)]
    pub customer_service_on_shift: usize,
    /// Visits of several people planned (each also counts once per person in `stops`).
    #[serde(default)]
    pub team_visits: usize,
    pub stops: usize,
    pub desk_calls: usize,
    pub unassigned: usize,
    pub travel_seconds: u64,
    pub travel_km: f64,
    pub overtime_seconds: u64,
    /// Service time over shift time of the engineers on shift.
    pub utilisation: f64,
    pub fault_deadlines: usize,
    pub fault_deadlines_met: usize,
    pub inspections_planned: usize,
    /// Planned inspections done inside their cadence window (not overdue).
    pub inspections_in_window: usize,
    /// Spare-part pickup stops (not counted in `stops`).
    #[serde(default)]
    pub part_pickups: usize,
    /// Call-out routes, and their cost (call-out cost plus driving).
    #[serde(default)]
    pub call_outs: usize,
    #[serde(default)]
    pub call_out_cost: i64,
}

/// How the plan was made.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanStats {
    pub seed: u64,
    pub solver_seconds: f64,
    pub iterations: u64,
    pub deterministic: bool,
    pub travel_model: String,
}

/// A day plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub date: NaiveDate,
    pub routes: Vec<EngineerRoute>,
    pub desk: Vec<DeskCall>,
    pub unassigned: Vec<UnassignedTask>,
    pub faults: Vec<FaultStatus>,
    pub kpis: PlanKpis,
    pub stats: PlanStats,
    /// Inputs that were ignored (a roster pin for a task not due, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The previous day's call-outs whose rest reaches into this day (a night call-out
    /// back after midnight): the engineers' shifts here start after it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried_call_outs: Vec<CallOutTrip>,
}

impl Plan {
    /// Every call-out the rest rule reads on this day: those carried from the day before,
    /// then this day's call-out routes.
    pub fn call_out_trips(&self) -> Vec<CallOutTrip> {
        let own = self.routes.iter().filter_map(EngineerRoute::call_out_trip);
        self.carried_call_outs.iter().cloned().chain(own).collect()
    }

    /// The engineer's shift route (else her first call-out).
    pub fn route(&self, engineer: &EngineerId) -> Option<&EngineerRoute> {
        let mine = || self.routes.iter().filter(move |r| &r.engineer == engineer);
        mine().find(|r| !r.is_call_out()).or_else(|| mine().next())
    }

    /// The engineer and stop serving a task (its lead's visit, never its part pickup).
    pub fn find_stop(&self, task: &TaskId) -> Option<(&EngineerRoute, &Stop)> {
        self.routes.iter().find_map(|r| {
            r.stops
                .iter()
                .find(|s| &s.task.task == task && !s.is_pickup() && s.member == 0)
                .map(|s| (r, s))
        })
    }

    /// The route and stop of `engineer` serving a task (her visit, lead or companion).
    pub fn find_stop_of(
        &self,
        task: &TaskId,
        engineer: &EngineerId,
    ) -> Option<(&EngineerRoute, &Stop)> {
        self.routes
            .iter()
            .filter(|r| &r.engineer == engineer)
            .find_map(|r| {
                r.stops
                    .iter()
                    .find(|s| &s.task.task == task && !s.is_pickup())
                    .map(|s| (r, s))
            })
    }

    /// The engineer and stop picking up a task's spare part.
    pub fn find_pickup(&self, task: &TaskId) -> Option<(&EngineerRoute, &Stop)> {
        self.routes.iter().find_map(|r| {
            r.stops
                .iter()
                .find(|s| &s.task.task == task && s.is_pickup())
                .map(|s| (r, s))
        })
    }
}
