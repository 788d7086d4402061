//! The planner's own rules where the source is silent: lunch, daily overtime, costs, the
//! phone desk, and the price of changing an announced plan. Every value is configurable;
//! the defaults are ours.

use crate::domain::day_time::LocalWindow;
use serde::{Deserialize, Serialize};

/// Settings of day planning and re-planning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PlanSettings {
    /// The lunch break starts inside this window (wherever the engineer is).
    pub lunch_window: LocalWindow,
    pub lunch_minutes: u32,
    /// Overtime that may be planned on one day (further capped by the engineer's weekly
    /// allowance). Overtime is only used for faults and pinned tasks, never to squeeze in an
    /// inspection.
    pub overtime_per_day_minutes: u32,
    /// Route cost per second of driving.
    pub cost_per_travel_second: i64,
    /// Route cost per metre driven.
    pub cost_per_metre: i64,
    /// Cost per second of overtime.
    pub overtime_cost_per_second: i64,
    /// Agents of the service centre who make phone callbacks, and their hours.
    pub desk_agents: usize,
    pub desk_hours: LocalWindow,
    /// Re-planning: cost of moving an announced visit to another engineer (in travel-cost
    /// units: seconds of driving).
    pub move_cost: i64,
    /// Re-planning: a start moved by more than this many minutes is a re-timing...
    pub retime_threshold_minutes: u32,
    /// ...which costs this much.
    pub retime_cost: i64,
    /// Re-planning: work limit of one repair (visits scheduled).
    pub repair_work: u64,
    /// Re-planning: how many routes near the fault the repair may touch.
    pub near_routes: usize,
    /// Minutes to pick up a spare part at a service point.
    pub part_pickup_minutes: u32,
}

impl Default for PlanSettings {
    fn default() -> Self {
        Self {
            lunch_window: LocalWindow::parse("11:30-13:30").expect("valid"),
            lunch_minutes: 60,
            overtime_per_day_minutes: 120,
            cost_per_travel_second: 1,
            cost_per_metre: 0,
            overtime_cost_per_second: 3,
            desk_agents: 2,
            desk_hours: LocalWindow::parse("09:00-17:00").expect("valid"),
            move_cost: 1_800,
            retime_threshold_minutes: 30,
            retime_cost: 600,
            repair_work: 3_000_000,
            near_routes: 6,
            part_pickup_minutes: 10,
        }
    }
}
