//! The objective, written once as a lexicographic order (in the manner of VROOM's
//! `solution_indicators`): a solution is better when the first field that differs is smaller.

use super::units::Cost;
use serde::{Deserialize, Serialize};

/// Field order is the priority order; the derived `Ord` compares lexicographically.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct Objective {
    /// Mandatory jobs left out (no feasible place was found).
    pub unserved_mandatory: u32,
    /// Sum of the drop penalties of optional jobs left out.
    pub dropped_penalty: Cost,
    /// Vehicles used; zero unless the problem minimises vehicles.
    pub vehicles: u32,
    /// Cost of time past the end of shifts.
    pub overtime: Cost,
    /// Cost of distance and driving time.
    pub travel: Cost,
}

impl Objective {
    /// The levels above overtime and travel, which the search never trades for a saving below.
    pub fn upper(&self) -> (u32, Cost, u32) {
        (self.unserved_mandatory, self.dropped_penalty, self.vehicles)
    }
}
