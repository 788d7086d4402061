//! What is due in a planning horizon, given the last completed visit.

use super::slot::Slot;
use crate::domain::dates::DateRange;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A slot to plan; `overdue` when its window closed before the horizon began (do it as soon
/// as possible).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DueSlot {
    pub slot: Slot,
    pub overdue: bool,
}

/// The slots to plan in `horizon`. A completion on `last_done` satisfies every slot whose
/// window had opened by then. Of the unsatisfied slots whose window closed before the
/// horizon, only the latest is returned (as overdue); then every unsatisfied slot whose
/// window overlaps the horizon. `slots` must be in order.
pub fn due_in_horizon(
    slots: &[Slot],
    last_done: Option<NaiveDate>,
    horizon: DateRange,
) -> Vec<DueSlot> {
    let open = slots
        .iter()
        .filter(|s| last_done.is_none_or(|d| s.opens() > d));
    let mut overdue = None;
    let mut due = Vec::new();
    for s in open {
        if s.closes() < horizon.first() {
            overdue = Some(*s);
        } else if s.window.overlaps(horizon) {
            due.push(DueSlot {
                slot: *s,
                overdue: false,
            });
        }
    }
    overdue
        .map(|slot| DueSlot {
            slot,
            overdue: true,
        })
        .into_iter()
        .chain(due)
        .collect()
}
