//! Fault rates per device family and age, for the simulation: a bathtub curve (more faults
//! in the first weeks after installation and as devices wear out) and more faults on
//! weekdays, when devices are used.
//!
//! rate per day = `per_device_year / 365` x early-life factor x wear-out factor x day factor,
//! where the early-life factor falls linearly from `early_factor` at installation to 1 after
//! `early_weeks`, and the wear-out factor grows by `wear_out_per_year` per year of age past
//! `wear_out_after_months`.

use super::error::{Checked, FieldError};
use super::family::{DeviceFamily, PerFamily};
use super::fault::FaultLevel;
use chrono::Weekday;
use serde::{Deserialize, Serialize};

/// The bathtub curve and level mix of one family.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FamilyFaultRate {
    /// Faults per device per year in mid life.
    pub per_device_year: f64,
    pub early_weeks: u32,
    pub early_factor: f64,
    pub wear_out_after_months: u32,
    pub wear_out_per_year: f64,
    /// Share of faults of level 1, 2, 3, 4; sums to 1.
    pub level_shares: [f64; 4],
}

/// Fault rates of every family and the weekday/weekend factors (mean over a week about 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultModel {
    pub families: PerFamily<FamilyFaultRate>,
    pub weekday_factor: f64,
    pub weekend_factor: f64,
}

impl Default for FaultModel {
    fn default() -> Self {
        Self {
            families: PerFamily {
                dr: FamilyFaultRate {
                    per_device_year: 2.5,
                    early_weeks: 8,
                    early_factor: 4.0,
                    wear_out_after_months: 48,
                    wear_out_per_year: 0.6,
                    level_shares: [0.10, 0.20, 0.40, 0.30],
                },
                biochemistry_analyser: FamilyFaultRate {
                    per_device_year: 4.0,
                    early_weeks: 6,
                    early_factor: 3.0,
                    wear_out_after_months: 36,
                    wear_out_per_year: 0.8,
                    level_shares: [0.08, 0.22, 0.40, 0.30],
                },
            },
            weekday_factor: 1.2,
            weekend_factor: 0.5,
        }
    }
}

impl FaultModel {
    pub fn check(&self) -> Checked<()> {
        let finite_nonneg = |x: f64| x.is_finite() && x >= 0.0;
        for (family, r) in self.families.iter() {
            let field = format!("families.{}", family.key());
            if !finite_nonneg(r.per_device_year) || !finite_nonneg(r.wear_out_per_year) {
                return Err(FieldError::new(
                    field,
                    "rates must be finite and not negative",
                ));
            }
            if !(r.early_factor.is_finite() && r.early_factor >= 1.0) {
                return Err(FieldError::new(
                    format!("{field}.earlyFactor"),
                    "must be at least 1",
                ));
            }
            let sum: f64 = r.level_shares.iter().sum();
            if !r.level_shares.iter().all(|s| finite_nonneg(*s)) || (sum - 1.0).abs() > 1e-6 {
                return Err(FieldError::new(
                    format!("{field}.levelShares"),
                    format!("shares must be non-negative and sum to 1, not {sum}"),
                ));
            }
        }
        if !finite_nonneg(self.weekday_factor) || !finite_nonneg(self.weekend_factor) {
            return Err(FieldError::new(
                "weekdayFactor",
                "must be finite and not negative",
            ));
        }
        Ok(())
    }

    /// Expected faults per day of one device, `age_days` after installation, on a weekday.
    pub fn rate_per_day(&self, family: DeviceFamily, age_days: u32, day: Weekday) -> f64 {
        let r = self.families.get(family);
        let early_days = f64::from(r.early_weeks * 7);
        let age = f64::from(age_days);
        let early = if age < early_days {
            1.0 + (r.early_factor - 1.0) * (1.0 - age / early_days)
        } else {
            1.0
        };
        let wear_from = f64::from(r.wear_out_after_months) * 365.25 / 12.0;
        let wear = 1.0 + r.wear_out_per_year * ((age - wear_from).max(0.0) / 365.25);
        let day_factor = match day {
            Weekday::Sat | Weekday::Sun => self.weekend_factor,
            _ => self.weekday_factor,
        };
        r.per_device_year / 365.0 * early * wear * day_factor
    }

    /// The level of a fault for a uniform draw `u` in [0, 1).
    pub fn level_for(&self, family: DeviceFamily, u: f64) -> FaultLevel {
        let shares = self.families.get(family).level_shares;
        let mut acc = 0.0;
        for (level, share) in FaultLevel::ALL.into_iter().zip(shares) {
            acc += share;
            if u < acc {
                return level;
            }
        }
        FaultLevel::L4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_follow_a_bathtub_and_the_week() {
        let m = FaultModel::default();
        let f = DeviceFamily::Dr;
        let new = m.rate_per_day(f, 0, Weekday::Mon);
        let mid = m.rate_per_day(f, 400, Weekday::Mon);
        let old = m.rate_per_day(f, 6 * 365, Weekday::Mon);
        assert!(new > 3.0 * mid, "{new} vs {mid}");
        assert!(old > mid);
        assert!(m.rate_per_day(f, 400, Weekday::Sun) < mid);
        assert!(m.check().is_ok());
    }

    #[test]
    fn level_draws_follow_the_shares() {
        let m = FaultModel::default();
        assert_eq!(m.level_for(DeviceFamily::Dr, 0.05), FaultLevel::L1);
        assert_eq!(m.level_for(DeviceFamily::Dr, 0.99), FaultLevel::L4);
    }
}
