//! The roster's settings (`config/roster.toml`): the fault reserve per district, the
//! model's weights and the routing budget (the lunch break comes from `config/plan.toml`). Every field has a default, so an empty
//! file (or none) is valid.

use crate::domain::error::{Checked, FieldError};
use crate::domain::lunch::LunchRule;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The share of each shift kept free for faults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReserveConfig {
    /// Share of the shift, 0 to 0.9.
    pub default: f64,
    /// Overrides by district code (`DH`, `JX`, ...).
    pub districts: BTreeMap<String, f64>,
}

impl Default for ReserveConfig {
    fn default() -> Self {
        Self {
            default: 0.2,
            districts: BTreeMap::new(),
        }
    }
}

impl ReserveConfig {
    pub fn share(&self, district: &str) -> f64 {
        self.districts
            .get(district)
            .copied()
            .unwrap_or(self.default)
    }
}

/// How tasks are assigned to engineer-days.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignMethod {
    /// The LP model around seed sites, rounded and repaired (the product).
    #[default]
    Lp,
    /// The baseline a dispatcher would do by hand: earliest due first, each to the nearest
    /// engineer who still has room on a day of its window (the earliest such day). Routing,
    /// repair and KPIs are the same as for the LP, so the two compare like for like.
    Greedy,
}

/// Weights of the assignment model, in cost units of one metre of driving.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelConfig {
    /// The assignment method (`lp`, or the `greedy` baseline).
    pub method: AssignMethod,
    /// Candidate engineer-days kept per task (the cheapest ones around their seeds).
    pub candidates_per_task: usize,
    /// Days per block of the decomposition: one LP per district and block (a task is in the
    /// block holding the middle of its window).
    pub block_days: u32,
    /// Wall-clock cap of one LP, seconds; past it the rounding works from the costs alone.
    pub lp_time_limit_seconds: f64,
    /// Assignment rounds: each after the first moves every seed to the medoid of its day.
    pub seed_rounds: usize,
    /// Cost of one minute of an engineer's work away from their fair share.
    pub fairness_per_minute: f64,
    /// Cost of one day of lateness (times the task's weight).
    pub late_per_day: f64,
    /// Cost of one day away from the due date, inside the window (a tie-breaker).
    pub off_due_per_day: f64,
    /// Cost of leaving out a task whose window closes in the horizon (times its weight).
    pub left_out: f64,
    /// Cost of leaving out a task whose window continues after the horizon.
    pub left_out_deferrable: f64,
    /// Minutes of travel assumed per on-site visit at the least (parking, walking in).
    pub min_travel_per_visit: u32,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            method: AssignMethod::Lp,
            candidates_per_task: 10,
            block_days: 7,
            lp_time_limit_seconds: 10.0,
            seed_rounds: 2,
            fairness_per_minute: 100.0,
            late_per_day: 20_000.0,
            off_due_per_day: 100.0,
            left_out: 1_000_000.0,
            left_out_deferrable: 300_000.0,
            min_travel_per_visit: 10,
        }
    }
}

/// Routing of every engineer-day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingConfig {
    /// Deterministic search budget per route: this many work units per job squared...
    pub work_per_job_squared: u64,
    /// ... at least this many ...
    pub min_work: u64,
    /// ... and at most this many (100 million units are about one second).
    pub max_work: u64,
    /// Rounds of "route, move the dropped tasks elsewhere, route again".
    pub repair_rounds: usize,
    /// Wall-clock cap of one route, seconds (the budget normally ends it far sooner).
    pub time_limit_seconds: f64,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        Self {
            work_per_job_squared: 20_000,
            min_work: 50_000,
            max_work: 2_000_000,
            repair_rounds: 3,
            time_limit_seconds: 2.0,
        }
    }
}

/// Everything the roster reads from `config/roster.toml`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RosterConfig {
    pub reserve: ReserveConfig,
    /// The lunch break: not read from `roster.toml` but shared with the day planner
    /// (`plan.toml`, `[lunch]`); the loader sets it.
    #[serde(skip)]
    pub lunch: LunchRule,
    pub model: ModelConfig,
    pub routing: RoutingConfig,
}

impl RosterConfig {
    /// Parses and checks the TOML text.
    pub fn from_toml_str(text: &str) -> Checked<Self> {
        let cfg: RosterConfig =
            toml::from_str(text).map_err(|e| FieldError::new("roster.toml", e.to_string()))?;
        cfg.check()?;
        Ok(cfg)
    }

    pub fn check(&self) -> Checked<()> {
        let shares = std::iter::once(("reserve.default".to_string(), self.reserve.default)).chain(
            self.reserve
                .districts
                .iter()
                .map(|(k, v)| (format!("reserve.districts.{k}"), *v)),
        );
        for (field, share) in shares {
            if !(0.0..=0.9).contains(&share) {
                return Err(FieldError::new(
                    field,
                    format!("{share} is not a share between 0 and 0.9"),
                ));
            }
        }
        if self.model.candidates_per_task == 0 {
            return Err(FieldError::new(
                "model.candidates_per_task",
                "at least one candidate per task",
            ));
        }
        Ok(())
    }
}
