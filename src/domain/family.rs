//! Device families: the kinds of device engineers are trained on (a skill each).
//!
//! [`PerFamily`] holds one value for every family in a struct with one field per family, so a
//! table that forgets a family does not compile or does not parse.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A family of devices the company services.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeviceFamily {
    /// Direct digital flat-panel X-ray system (DR, 数字化X射线摄影系统).
    Dr,
    /// Fully automatic biochemistry analyser (全自动生化分析仪).
    BiochemistryAnalyser,
}

impl DeviceFamily {
    pub const ALL: [DeviceFamily; 2] = [DeviceFamily::Dr, DeviceFamily::BiochemistryAnalyser];

    /// Its position in [`Self::ALL`]: the skill bit the solvers use and the index of
    /// per-family arrays.
    pub fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|&g| g == self)
            .expect("ALL lists every family")
    }

    pub fn key(self) -> &'static str {
        match self {
            DeviceFamily::Dr => "dr",
            DeviceFamily::BiochemistryAnalyser => "biochemistryAnalyser",
        }
    }
}

impl fmt::Display for DeviceFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One value per device family (`dr`, `biochemistry_analyser` in TOML, camelCase in JSON via
/// the alias).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerFamily<T> {
    pub dr: T,
    #[serde(alias = "biochemistryAnalyser")]
    pub biochemistry_analyser: T,
}

impl<T> PerFamily<T> {
    pub fn get(&self, family: DeviceFamily) -> &T {
        match family {
            DeviceFamily::Dr => &self.dr,
            DeviceFamily::BiochemistryAnalyser => &self.biochemistry_analyser,
        }
    }

    /// `(family, value)` for every family.
    pub fn iter(&self) -> impl Iterator<Item = (DeviceFamily, &T)> {
        DeviceFamily::ALL.into_iter().map(move |f| (f, self.get(f)))
    }

    pub fn from_fn(mut f: impl FnMut(DeviceFamily) -> T) -> Self {
        Self {
            dr: f(DeviceFamily::Dr),
            biochemistry_analyser: f(DeviceFamily::BiochemistryAnalyser),
        }
    }
}
