//! On call, 7 x 24: who is on call on a date, which faults may call an engineer out, what a
//! call-out costs, and the rest it earns.
//!
//! The source: "7 days x 24 hours", engineers "come when called" (随叫随到), "emergency
//! support outside working hours" (see `shared/domain.md`, Organisation). It names no rota,
//! no price and no rest: those are ours, configurable in `config/oncall.toml`.
//!
//! **The rota** is the engineers' own data: an engineer is on call on the local dates listed
//! in her `onCall` (`engineers.json`; the scenario generator fills it with a weekly rotation
//! within each service point, Monday to Sunday, skipping engineers absent that week), unless
//! she is absent that date (leave, a day off). On such a date she may be called out at any
//! hour outside her own shift: the night before it, the evening after it, all day on a day
//! without one (weekends, public holidays).
//!
//! **A call-out** serves one fault repair: the engineer leaves her home service point
//! `response` after the call, drives to the site, repairs, and drives back. Only faults of
//! the `levels` listed, and (with `remote_failed`) faults of any level whose remote attempt
//! failed, may call anyone out, and only when no engineer on shift can reach the site by the
//! fault's deadline (see `plan::oncall`).
//!
//! **The rest rule**: a call-out any part of which (from leaving home to coming back) falls
//! in the night window (`night_from` to `night_until`, across midnight) is a night call-out;
//! after it, the engineer's shift starting later that day starts no earlier than her return
//! plus `rest`. After any call-out her shift starts no earlier than her return.

use super::dates::add_days;
use super::day_time::TimeOfDay;
use super::duration::Minutes;
use super::engineer::Engineer;
use super::error::{Checked, FieldError};
use super::fault::FaultLevel;
use super::instant::Instant;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The call-out rules (`config/oncall.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnCallConfig {
    /// Fault levels that may call an on-call engineer out.
    pub levels: Vec<FaultLevel>,
    /// Whether a fault of any level whose remote attempt failed may call one out (the
    /// source's promise of an engineer on site within 30 minutes after a remote failure).
    #[serde(default = "yes")]
    pub remote_failed: bool,
    /// What one call-out costs, in the planner's cost units (one unit: one metre of
    /// driving), on top of its driving.
    pub call_out_cost: i64,
    /// From the call to the engineer leaving home.
    pub response: Minutes,
    /// The night: from this time of day (`"22:00"`) ...
    #[serde(with = "time_of_day")]
    pub night_from: TimeOfDay,
    /// ... to this one the next morning (`"06:00"`).
    #[serde(with = "time_of_day")]
    pub night_until: TimeOfDay,
    /// After a night call-out, the next shift starts no earlier than the return plus this.
    pub rest: Minutes,
}

fn yes() -> bool {
    true
}

impl Default for OnCallConfig {
    /// Level 1 (system down, resolved within 8 h) and failed remote attempts; a call-out priced as 100 km of
    /// driving; 30 minutes to leave; night 22:00-06:00; 4 hours of rest.
    fn default() -> Self {
        Self {
            levels: vec![FaultLevel::L1],
            remote_failed: true,
            call_out_cost: 100_000,
            response: Minutes::new(30),
            night_from: TimeOfDay::hm(22, 0).expect("valid"),
            night_until: TimeOfDay::hm(6, 0).expect("valid"),
            rest: Minutes::hours(4),
        }
    }
}

impl OnCallConfig {
    /// Parses `config/oncall.toml`.
    pub fn from_toml_str(text: &str) -> Checked<Self> {
        let cfg: OnCallConfig =
            toml::from_str(text).map_err(|e| FieldError::new("", e.to_string()))?;
        if cfg.call_out_cost < 0 {
            return Err(FieldError::new("call_out_cost", "must not be negative"));
        }
        if cfg.rest > Minutes::hours(24) {
            return Err(FieldError::new("rest", "at most 24h"));
        }
        Ok(cfg)
    }

    /// May a fault of this level, whose remote attempt failed or not, call an engineer out?
    pub fn calls_out(&self, level: FaultLevel, remote_failed: bool) -> bool {
        self.levels.contains(&level) || (self.remote_failed && remote_failed)
    }

    /// From when a fault reported at `reported`, whose remote attempt failed at
    /// `remote_failed` (if it did), may call an engineer out: at once if its level is listed,
    /// else from the failure; `None`: never.
    pub fn call_from(
        &self,
        level: FaultLevel,
        reported: Instant,
        remote_failed: Option<Instant>,
    ) -> Option<Instant> {
        if self.levels.contains(&level) {
            Some(reported)
        } else {
            remote_failed.filter(|_| self.remote_failed)
        }
    }

    /// Does `[from, to]` touch the night (which runs from `night_from` to `night_until` the
    /// next morning)?
    pub fn is_night(&self, from: Instant, to: Instant) -> bool {
        // The nights that may touch it start on the day before `from` up to `to`'s day.
        let mut date = add_days(from.date(), -1);
        while date <= to.date() {
            let start = self.night_from.on(date);
            let end = self.night_until.on(add_days(date, 1));
            if from < end && start <= to {
                return true;
            }
            date = add_days(date, 1);
        }
        false
    }

    /// The earliest her shift may start after a call-out that brought her home at `back`.
    pub fn shift_not_before(&self, departed: Instant, back: Instant) -> Instant {
        if self.is_night(departed, back) {
            back + self.rest
        } else {
            back
        }
    }
}

/// Is `engineer` on call on `date` (listed in her rota and not absent)?
pub fn on_call(engineer: &Engineer, date: NaiveDate) -> bool {
    engineer.on_call.contains(&date) && !engineer.is_absent(date)
}

/// `"HH:MM"` in TOML and JSON.
mod time_of_day {
    use super::TimeOfDay;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &TimeOfDay, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(t)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimeOfDay, D::Error> {
        let text = String::deserialize(d)?;
        TimeOfDay::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
    }
}
