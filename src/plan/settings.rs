//! The planner's own rules where the source is silent: lunch, daily overtime, costs, the
//! phone desk, the repair budget and the price of changing an announced plan. Every value is
//! configurable in `config/plan.toml` (optional, like `oncall.toml`); the defaults are ours.

use crate::domain::day_time::LocalWindow;
use crate::domain::engineer::Role;
use crate::domain::error::{Checked, FieldError};
use crate::domain::lunch::LunchRule;
use crate::scenario::{ScenarioError, optional_part};
use crate::solve::replan::RepairConfig;
use serde::{Deserialize, Serialize};

/// Settings of day planning and re-planning (`config/plan.toml`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlanSettings {
    /// The lunch break, shared with the roster (`[lunch]`). The day planner gives every
    /// shift one; `min_shift` is the roster's.
    pub lunch: LunchRule,
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
    /// Re-planning and the second pass of a day plan: the bounds of one repair (`[repair]`).
    pub repair: RepairConfig,
    /// Minutes to pick up a spare part at a service point.
    pub part_pickup_minutes: u32,
    /// Who goes along with the engineer on an on-site callback (the source: the
    /// customer-service person and the technical-service person both sign the sheet).
    pub on_site_callback_companions: Vec<Role>,
}

impl Default for PlanSettings {
    fn default() -> Self {
        Self {
            lunch: LunchRule::default(),
            overtime_per_day_minutes: 120,
            cost_per_travel_second: 1,
            cost_per_metre: 0,
            overtime_cost_per_second: 3,
            desk_agents: 2,
            desk_hours: LocalWindow::parse("09:00-17:00").expect("valid"),
            move_cost: 1_800,
            retime_threshold_minutes: 30,
            retime_cost: 600,
            repair: RepairConfig::default(),
            part_pickup_minutes: 10,
            on_site_callback_companions: vec![Role::CustomerService],
        }
    }
}

impl PlanSettings {
    /// Parses and checks the TOML text of `plan.toml`.
    pub fn from_toml_str(text: &str) -> Checked<Self> {
        let s: PlanSettings =
            toml::from_str(text).map_err(|e| FieldError::new("", e.to_string()))?;
        let costs = [
            ("cost_per_travel_second", s.cost_per_travel_second),
            ("cost_per_metre", s.cost_per_metre),
            ("overtime_cost_per_second", s.overtime_cost_per_second),
            ("move_cost", s.move_cost),
            ("retime_cost", s.retime_cost),
        ];
        if let Some((field, _)) = costs.iter().find(|(_, c)| *c < 0) {
            return Err(FieldError::new(*field, "must not be negative"));
        }
        if s.lunch.duration.get() == 0 {
            return Err(FieldError::new("lunch.duration", "must be positive"));
        }
        if s.on_site_callback_companions.len() >= crate::solve::routing::MAX_TEAM {
            return Err(FieldError::new(
                "on_site_callback_companions",
                format!(
                    "at most {} people go together",
                    crate::solve::routing::MAX_TEAM
                ),
            ));
        }
        if s.repair.near_routes == 0 {
            return Err(FieldError::new("repair.near_routes", "at least one route"));
        }
        Ok(s)
    }
}

/// Reads `dir/plan.toml` (usually `config/`), or the defaults if there is none.
pub fn load_settings(dir: &std::path::Path) -> Result<PlanSettings, ScenarioError> {
    optional_part(dir, "plan.toml", PlanSettings::from_toml_str)
}
