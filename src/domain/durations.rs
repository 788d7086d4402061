//! How long each task takes on site (or on the phone), by kind and device family
//! (`config/durations.toml`).

use super::duration::Minutes;
use super::error::{Checked, FieldError};
use super::family::PerFamily;
use serde::{Deserialize, Serialize};

/// Callback durations; callbacks are per customer, not per device family.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackDurations {
    pub phone: Minutes,
    pub on_site: Minutes,
}

/// Task durations. Invariant: every duration is positive.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationTable {
    pub inspection: PerFamily<Minutes>,
    pub fault_repair: PerFamily<Minutes>,
    pub spare_part_delivery: PerFamily<Minutes>,
    /// One on-site installation visit (unboxing, hardware, commissioning, acceptance,
    /// training).
    pub installation: PerFamily<Minutes>,
    pub callback: CallbackDurations,
}

impl Default for DurationTable {
    fn default() -> Self {
        let m = Minutes::new;
        let per = |dr, bio| PerFamily {
            dr: m(dr),
            biochemistry_analyser: m(bio),
        };
        Self {
            inspection: per(90, 120),
            fault_repair: per(120, 150),
            spare_part_delivery: per(30, 30),
            installation: per(480, 360),
            callback: CallbackDurations {
                phone: m(15),
                on_site: m(45),
            },
        }
    }
}

impl DurationTable {
    pub fn from_toml_str(text: &str) -> Checked<Self> {
        let t: DurationTable =
            toml::from_str(text).map_err(|e| FieldError::new("", e.to_string()))?;
        t.check()?;
        Ok(t)
    }

    pub fn check(&self) -> Checked<()> {
        let tables = [
            ("inspection", &self.inspection),
            ("fault_repair", &self.fault_repair),
            ("spare_part_delivery", &self.spare_part_delivery),
            ("installation", &self.installation),
        ];
        for (name, table) in tables {
            for (family, m) in table.iter() {
                if *m == Minutes::ZERO {
                    return Err(FieldError::new(
                        format!("{name}.{}", family_key(family)),
                        "must be positive",
                    ));
                }
            }
        }
        for (name, m) in [
            ("phone", self.callback.phone),
            ("on_site", self.callback.on_site),
        ] {
            if m == Minutes::ZERO {
                return Err(FieldError::new(
                    format!("callback.{name}"),
                    "must be positive",
                ));
            }
        }
        Ok(())
    }
}

fn family_key(f: super::family::DeviceFamily) -> &'static str {
    match f {
        super::family::DeviceFamily::Dr => "dr",
        super::family::DeviceFamily::BiochemistryAnalyser => "biochemistry_analyser",
    }
}
