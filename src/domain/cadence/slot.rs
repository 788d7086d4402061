//! One occurrence of a cadence: a due date and the window in which doing it is on time.

use crate::domain::dates::{DateRange, add_days, add_months};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A due date with its on-time window (`window` contains `due`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub due: NaiveDate,
    pub window: DateRange,
    /// Months from the cadence's anchor to the due date.
    pub month: u32,
}

impl Slot {
    /// The slot `month` months after `anchor`, open `before` days ahead and `after` days late.
    pub fn around(anchor: NaiveDate, month: u32, before: u32, after: u32) -> Self {
        let due = add_months(anchor, month);
        let window = DateRange::new(
            add_days(due, -i64::from(before)),
            add_days(due, i64::from(after)),
        )
        .expect("before and after are not negative");
        Self { due, window, month }
    }

    pub fn opens(&self) -> NaiveDate {
        self.window.first()
    }

    pub fn closes(&self) -> NaiveDate {
        self.window.last()
    }
}
