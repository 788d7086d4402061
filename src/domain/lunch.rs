//! The lunch break, one rule for the day planner and the roster (`config/plan.toml`,
//! `[lunch]`).

use super::day_time::LocalWindow;
use super::duration::Minutes;
use serde::{Deserialize, Serialize};

/// The lunch break: how long, when it starts, and the shortest shift that has one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LunchRule {
    pub duration: Minutes,
    /// The break starts inside this window (wherever the engineer is).
    pub window: LocalWindow,
    /// The roster gives shifts shorter than this no break (the day planner gives every
    /// shift one and lets the search drop it when it does not fit).
    pub min_shift: Minutes,
}

impl Default for LunchRule {
    fn default() -> Self {
        Self {
            duration: Minutes::new(60),
            window: LocalWindow::parse("11:30-13:30").expect("valid literal"),
            min_shift: Minutes::new(360),
        }
    }
}

impl LunchRule {
    /// Does a shift take the break: long enough, and the break fits inside it wherever it
    /// starts in its window?
    pub fn fits(&self, shift: LocalWindow) -> bool {
        shift.length_minutes() >= self.min_shift.get()
            && shift.start() <= self.window.start()
            && self.window.end().minutes() + self.duration.get() <= shift.end().minutes()
    }
}
