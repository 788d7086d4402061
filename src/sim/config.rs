//! Settings of a simulation run and of a staffing sweep, with checks that name the field.

use crate::domain::duration::Minutes;
use crate::domain::fault::FaultLevel;
use crate::domain::fault_model::FaultModel;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A setting that cannot be used, naming the field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SimConfigError {
    pub field: String,
    pub message: String,
}

fn bad(field: &str, message: impl fmt::Display) -> SimConfigError {
    SimConfigError {
        field: field.into(),
        message: message.to_string(),
    }
}

/// How far reality strays from the plan: actual = planned x a lognormal factor of mean 1
/// (`exp(sigma * z - sigma^2 / 2)`, `z` standard normal). Zero sigma: reality is the plan.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct NoiseConfig {
    pub service_sigma: f64,
    pub travel_sigma: f64,
}

impl Default for NoiseConfig {
    fn default() -> Self {
        Self {
            service_sigma: 0.3,
            travel_sigma: 0.2,
        }
    }
}

impl NoiseConfig {
    /// No noise: actual durations equal planned ones.
    pub const NONE: Self = Self {
        service_sigma: 0.0,
        travel_sigma: 0.0,
    };
}

/// How faults arrive and are handled before an engineer is needed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FaultsConfig {
    /// Rates by family and age, weekday factors; `None`: the scenario's fault model.
    pub model: Option<FaultModel>,
    /// Multiplies every rate (1: as the model says).
    pub rate_factor: f64,
    /// Relative weight of each local hour of the day for the report time (devices fail when
    /// they are used: mostly in opening hours).
    pub hourly_profile: [f64; 24],
    /// Mean time for the service centre to answer (lognormal, `noise.service_sigma`).
    pub centre_response: Minutes,
    /// Per level 1-4: the share of faults solved by phone or remote login, no visit needed.
    pub remote_share: [f64; 4],
    /// Mean time of a remote resolution.
    pub remote_minutes: Minutes,
}

impl Default for FaultsConfig {
    fn default() -> Self {
        let mut hourly = [0.2; 24];
        for (h, w) in hourly.iter_mut().enumerate() {
            *w = match h {
                8..=11 | 14..=16 => 3.0,
                12 | 13 | 17 => 2.0,
                7 | 18..=20 => 1.0,
                _ => 0.2,
            };
        }
        Self {
            model: None,
            rate_factor: 1.0,
            hourly_profile: hourly,
            centre_response: Minutes::new(10),
            remote_share: [0.0, 0.1, 0.25, 0.35],
            remote_minutes: Minutes::new(45),
        }
    }
}

/// Money, in yuan: salaries by engineer-day of the horizon, overtime by hour, cars by km.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CostConfig {
    pub per_engineer_day: f64,
    pub per_overtime_hour: f64,
    pub per_km: f64,
}

impl Default for CostConfig {
    fn default() -> Self {
        Self {
            per_engineer_day: 400.0,
            per_overtime_hour: 75.0,
            per_km: 1.2,
        }
    }
}

/// One simulated horizon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SimConfig {
    pub days: u32,
    /// First simulated date; `None`: the scenario's reference date.
    pub start: Option<NaiveDate>,
    pub noise: NoiseConfig,
    pub faults: FaultsConfig,
    pub cost: CostConfig,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            days: 90,
            start: None,
            noise: NoiseConfig::default(),
            faults: FaultsConfig::default(),
            cost: CostConfig::default(),
        }
    }
}

impl SimConfig {
    pub fn check(&self) -> Result<(), SimConfigError> {
        if self.days == 0 || self.days > 3660 {
            return Err(bad("days", format!("{} is not in 1..=3660", self.days)));
        }
        let sigma_ok = |s: f64| s.is_finite() && (0.0..=2.0).contains(&s);
        if !sigma_ok(self.noise.service_sigma) {
            return Err(bad("noise.serviceSigma", "must be in [0, 2]"));
        }
        if !sigma_ok(self.noise.travel_sigma) {
            return Err(bad("noise.travelSigma", "must be in [0, 2]"));
        }
        let f = &self.faults;
        if !(f.rate_factor.is_finite() && f.rate_factor >= 0.0) {
            return Err(bad("faults.rateFactor", "must be finite and not negative"));
        }
        if f.hourly_profile
            .iter()
            .any(|w| !(w.is_finite() && *w >= 0.0))
            || f.hourly_profile.iter().sum::<f64>() <= 0.0
        {
            return Err(bad(
                "faults.hourlyProfile",
                "weights must be non-negative with a positive sum",
            ));
        }
        if f.remote_share.iter().any(|s| !(0.0..=1.0).contains(s)) {
            return Err(bad("faults.remoteShare", "shares must be in [0, 1]"));
        }
        if let Some(m) = &f.model {
            m.check()
                .map_err(|e| bad(&format!("faults.model.{}", e.field), e.message))?;
        }
        let c = &self.cost;
        if [c.per_engineer_day, c.per_overtime_hour, c.per_km]
            .iter()
            .any(|x| !(x.is_finite() && *x >= 0.0))
        {
            return Err(bad("cost", "costs must be finite and not negative"));
        }
        Ok(())
    }
}

/// What "enough staff" means: `fault_share` of faults of `level` with an engineer on site
/// within `on_site_within` of the report, and `inspection_share` of the inspections due in
/// the horizon done inside their window (both on the replication mean).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Target {
    pub level: FaultLevel,
    pub on_site_within: Minutes,
    pub fault_share: f64,
    pub inspection_share: f64,
}

impl Default for Target {
    /// 95 % of level-1 faults on site within 4 h and 98 % of inspections in window.
    fn default() -> Self {
        Self {
            level: FaultLevel::L1,
            on_site_within: Minutes::hours(4),
            fault_share: 0.95,
            inspection_share: 0.98,
        }
    }
}

impl Target {
    pub fn check(&self) -> Result<(), SimConfigError> {
        if !(0.0..=1.0).contains(&self.fault_share) {
            return Err(bad("target.faultShare", "must be in [0, 1]"));
        }
        if !(0.0..=1.0).contains(&self.inspection_share) {
            return Err(bad("target.inspectionShare", "must be in [0, 1]"));
        }
        Ok(())
    }
}

/// The decision maker the simulation runs.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PolicyKind {
    /// The simple greedy baseline (nearest available skilled engineer).
    Baseline,
    /// The real planner: day plans by `plan::plan_day`, faults by `plan::replan`.
    #[default]
    Planner,
}

/// Work budget of each day plan's search (deterministic; see `SolverConfig::max_work`):
/// 200k units, about 2 ms of search, keeps a 90-day x 100-replication sweep near a minute
/// on two cores; 2M (about 20 ms) changed level-1 attainment by a few faults in our runs.
pub const DEFAULT_PLAN_WORK: u64 = 200_000;

fn default_plan_work() -> u64 {
    DEFAULT_PLAN_WORK
}

/// The parameters of a sweep: headcounts x replications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SweepParams {
    /// Headcounts to simulate, increasing.
    pub staff: Vec<usize>,
    pub reps: u32,
    /// Replication `r` runs on a seed derived from `(seed, r)`, the same at every headcount
    /// (common random numbers: every headcount meets the same faults).
    pub seed: u64,
    #[serde(default)]
    pub sim: SimConfig,
    #[serde(default)]
    pub target: Target,
    #[serde(default)]
    pub policy: PolicyKind,
    /// Work budget of each day plan's search ([`PolicyKind::Planner`]).
    #[serde(default = "default_plan_work")]
    pub plan_work: u64,
}

impl SweepParams {
    pub fn check(&self) -> Result<(), SimConfigError> {
        if self.staff.is_empty() {
            return Err(bad("staff", "needs at least one headcount"));
        }
        if self.staff.contains(&0) {
            return Err(bad("staff", "a headcount must be at least 1"));
        }
        if self.staff.windows(2).any(|w| w[0] >= w[1]) {
            return Err(bad("staff", "headcounts must be strictly increasing"));
        }
        if *self.staff.last().expect("not empty") > 10_000 {
            return Err(bad("staff", "at most 10000 engineers"));
        }
        if self.reps == 0 || self.reps > 10_000 {
            return Err(bad("reps", format!("{} is not in 1..=10000", self.reps)));
        }
        // `SimConfig` names its fields from its own root; the sweep nests it under `sim`.
        self.sim
            .check()
            .map_err(|e| bad(&format!("sim.{}", e.field), e.message))?;
        self.target.check()
    }
}

/// Parses `A..B` (inclusive) with a step into headcounts: `18..36` step 2 is 18, 20, .., 36.
/// A single number is one headcount.
pub fn parse_staff_range(text: &str, step: usize) -> Result<Vec<usize>, SimConfigError> {
    let field = "--staff";
    if step == 0 {
        return Err(bad("--step", "must be at least 1"));
    }
    let num = |s: &str| {
        s.trim().parse::<usize>().map_err(|_| {
            bad(
                field,
                format!("'{text}' is not a range like 18..36 (whole numbers)"),
            )
        })
    };
    let (lo, hi) = match text.split_once("..") {
        Some((a, b)) => (num(a)?, num(b.strip_prefix('=').unwrap_or(b))?),
        None => {
            let n = num(text)?;
            (n, n)
        }
    };
    if lo == 0 {
        return Err(bad(field, "a headcount must be at least 1"));
    }
    if lo > hi {
        return Err(bad(
            field,
            format!("the range {lo}..{hi} is empty: the first headcount must not exceed the last"),
        ));
    }
    let mut v: Vec<usize> = (lo..=hi).step_by(step).collect();
    if *v.last().expect("lo <= hi") != hi {
        v.push(hi);
    }
    Ok(v)
}
