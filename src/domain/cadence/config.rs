//! Cadence settings: the inspection interval per age band, the callback rhythms and the date
//! windows around each due date (`config/cadence.toml`).

use crate::domain::error::{Checked, FieldError};
use crate::domain::site::CustomerTier;
use serde::{Deserialize, Serialize};

/// From `from_month` of a device's age (since acceptance), an inspection every
/// `every_months`, open `opens_days_before` the due date and on time until
/// `closes_days_after`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionBand {
    pub from_month: u32,
    pub every_months: u32,
    pub opens_days_before: u32,
    pub closes_days_after: u32,
}

/// Phone callbacks: the first within `first_within_months` of a sale, then every
/// `every_months` from the customer's first sale.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneCallbackCadence {
    pub first_within_months: u32,
    pub every_months: u32,
    pub opens_days_before: u32,
    pub closes_days_after: u32,
}

/// On-site callbacks by customer tier; normal customers get one only when a phone callback
/// could not solve their problem (an event, not a cadence).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnSiteCallbackCadence {
    pub large_every_months: u32,
    pub very_large_every_months: u32,
    pub opens_days_before: u32,
    pub closes_days_after: u32,
    /// Days within which a phone callback recorded unsolved is followed by an on-site
    /// callback (the customer-service manager's escalation; the source names no figure).
    #[serde(default = "default_escalation_days")]
    pub escalation_days: u32,
}

fn default_escalation_days() -> u32 {
    7
}

impl OnSiteCallbackCadence {
    pub fn every_months(&self, tier: CustomerTier) -> Option<u32> {
        match tier {
            CustomerTier::Normal => None,
            CustomerTier::Large => Some(self.large_every_months),
            CustomerTier::VeryLarge => Some(self.very_large_every_months),
        }
    }
}

/// All cadence settings. Invariants: inspection bands start at month 0, in increasing
/// order; every interval is at least one month; windows of consecutive slots never overlap
/// (`before + after` is less than the shortest month of the interval).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CadenceConfig {
    pub inspection: Vec<InspectionBand>,
    pub phone_callback: PhoneCallbackCadence,
    pub on_site_callback: OnSiteCallbackCadence,
}

impl Default for CadenceConfig {
    /// The source's table; windows of ±5, ±7 and ±10 days for 1-, 2- and 3-month intervals.
    fn default() -> Self {
        let band = |from_month, every_months, days| InspectionBand {
            from_month,
            every_months,
            opens_days_before: days,
            closes_days_after: days,
        };
        Self {
            inspection: vec![band(0, 1, 5), band(12, 2, 7), band(24, 3, 10)],
            phone_callback: PhoneCallbackCadence {
                first_within_months: 1,
                every_months: 3,
                opens_days_before: 7,
                closes_days_after: 7,
            },
            on_site_callback: OnSiteCallbackCadence {
                large_every_months: 6,
                very_large_every_months: 3,
                opens_days_before: 14,
                closes_days_after: 14,
                escalation_days: default_escalation_days(),
            },
        }
    }
}

/// Days in the shortest span of `months` calendar months.
fn shortest_days(months: u32) -> u32 {
    months * 28 + months.saturating_sub(1) * 2
}

fn check_window(field: &str, every_months: u32, before: u32, after: u32) -> Checked<()> {
    if every_months == 0 {
        return Err(FieldError::new(
            format!("{field}.every_months"),
            "must be at least 1",
        ));
    }
    if before + after >= shortest_days(every_months) {
        return Err(FieldError::new(
            format!("{field}.closes_days_after"),
            format!(
                "a window of {before} days before and {after} after would overlap the next \
                 one (interval {every_months} months)"
            ),
        ));
    }
    Ok(())
}

impl CadenceConfig {
    pub fn from_toml_str(text: &str) -> Checked<Self> {
        let cfg: CadenceConfig =
            toml::from_str(text).map_err(|e| FieldError::new("", e.to_string()))?;
        cfg.check()?;
        Ok(cfg)
    }

    pub fn check(&self) -> Checked<()> {
        match self.inspection.first() {
            Some(b) if b.from_month == 0 => {}
            _ => {
                return Err(FieldError::new(
                    "inspection[0].from_month",
                    "the first inspection band must start at month 0",
                ));
            }
        }
        for (i, b) in self.inspection.iter().enumerate() {
            let field = format!("inspection[{i}]");
            if i > 0 && b.from_month <= self.inspection[i - 1].from_month {
                return Err(FieldError::new(
                    format!("{field}.from_month"),
                    "bands must be in increasing order of from_month",
                ));
            }
            check_window(
                &field,
                b.every_months,
                b.opens_days_before,
                b.closes_days_after,
            )?;
        }
        let p = &self.phone_callback;
        check_window(
            "phone_callback",
            p.every_months,
            p.opens_days_before,
            p.closes_days_after,
        )?;
        if p.first_within_months == 0 || p.first_within_months >= p.every_months {
            return Err(FieldError::new(
                "phone_callback.first_within_months",
                "must be at least 1 and less than every_months",
            ));
        }
        let o = &self.on_site_callback;
        for (name, every) in [
            ("large", o.large_every_months),
            ("very_large", o.very_large_every_months),
        ] {
            check_window(
                &format!("on_site_callback.{name}"),
                every,
                o.opens_days_before,
                o.closes_days_after,
            )?;
        }
        Ok(())
    }

    /// The band that applies at a device age in whole months.
    pub fn band_at(&self, age_months: u32) -> &InspectionBand {
        self.inspection
            .iter()
            .rev()
            .find(|b| b.from_month <= age_months)
            .expect("the first band starts at month 0")
    }
}
