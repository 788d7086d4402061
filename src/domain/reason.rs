//! Why a task is left out of a plan or a roster: one code per cause, the code the user sees
//! (in the manner of vrp's `unassignment_reason.rs`). The day planner and the roster each
//! emit their own subset; a code's serialized name never changes once published.

use serde::{Deserialize, Serialize};

/// Why a task is not on any route (day plans, re-plans) or not on the roster.
///
/// The order of the variants is the order of the roster's `leftOutByReason` counts.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    /// Roster: no engineer has the skill the task needs.
    NoSkilledEngineer,
    /// Roster: no engineer with the skill works on any day of the window inside the horizon.
    NoEngineerAvailable,
    /// Day plan: the site is closed that day, or no opening window is long enough for the
    /// work. Roster: engineers are available, but the site is closed on each of those days.
    SiteClosed,
    /// Day plan: it fits alone; the day is full. Roster: every engineer-day that could take
    /// it is full (shift less the fault reserve).
    NoCapacity,
    /// Roster: its routes could not fit it (opening hours, the shift) and no other day could.
    RouteInfeasible,
    /// Roster: the roster does not plan this kind of task.
    UnsupportedKind,
    /// Day plan: no engineer on shift has the device family's skill (or the pinned one
    /// lacks it).
    SkillMissing,
    /// Day plan: the task could be served alone, but not by its deadline.
    DeadlineUnreachable,
    /// Day plan: nobody who could do it works that day (or the pinned engineer is off).
    NoEngineerOnShift,
    /// Day plan: no engineer reaches the site inside its opening hours within the shift.
    WindowUnreachable,
    /// Re-plan: taken off a route to make room for an urgent fault.
    DisplacedByFault,
}
