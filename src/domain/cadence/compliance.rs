//! Compliance: given the dates a cadence's visits were done, which slots were on time, late
//! or missed.

use super::slot::Slot;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How one slot went.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum SlotOutcome {
    /// Done inside the window.
    OnTime { done: NaiveDate },
    /// Done after the window closed, before the next slot's window opened.
    Late { done: NaiveDate, days_late: u32 },
    /// Not done before the next slot's window opened.
    Missed,
    /// The window closed before `as_of` and nothing was done yet; it can still be done late.
    Overdue,
    /// The window is open or not yet over at `as_of`, and nothing was done yet.
    Open,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotCompliance {
    pub slot: Slot,
    pub outcome: SlotOutcome,
}

/// Matches completions to slots one to one, in order, for every slot whose window opened by
/// `as_of`. A completion before a slot's window opens (and not used by the slot before) is
/// an extra visit and counts for nothing; completions after `as_of` are ignored. `slots`
/// must be in order.
pub fn compliance(slots: &[Slot], done: &[NaiveDate], as_of: NaiveDate) -> Vec<SlotCompliance> {
    let mut done: Vec<NaiveDate> = done.iter().copied().filter(|d| *d <= as_of).collect();
    done.sort();
    let mut next = 0;
    let mut out = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        if slot.opens() > as_of {
            break;
        }
        let next_opens = slots.get(i + 1).map(Slot::opens);
        while next < done.len() && done[next] < slot.opens() {
            next += 1;
        }
        let outcome = judge(slot, done.get(next).copied(), next_opens, as_of);
        if let SlotOutcome::OnTime { .. } | SlotOutcome::Late { .. } = outcome {
            next += 1;
        }
        out.push(SlotCompliance {
            slot: *slot,
            outcome,
        });
    }
    out
}

/// How `slot` went, given the first completion `done` that may serve it and when the next
/// slot's window opens: by the window's close on time, before the next window late, else
/// missed once the next window has opened, overdue once this one closed, open before.
fn judge(
    slot: &Slot,
    done: Option<NaiveDate>,
    next_opens: Option<NaiveDate>,
    as_of: NaiveDate,
) -> SlotOutcome {
    match done {
        Some(d) if d <= slot.closes() => SlotOutcome::OnTime { done: d },
        Some(d) if next_opens.is_none_or(|n| d < n) => SlotOutcome::Late {
            done: d,
            days_late: (d - slot.closes()).num_days() as u32,
        },
        _ if next_opens.is_some_and(|n| n <= as_of) => SlotOutcome::Missed,
        _ if slot.closes() < as_of => SlotOutcome::Overdue,
        _ => SlotOutcome::Open,
    }
}

/// [`compliance`] of a device's inspections on the schedule the service keeps: slots from
/// acceptance until the first completion, then from each actual completion
/// ([`super::inspection_slots_after`]). A completion by a slot's window close meets it (on
/// time, early visits included); one later, before the next slot opens, is late; a slot
/// whose successor opened first was missed. Each completion re-anchors the schedule.
pub fn inspection_compliance(
    cfg: &super::CadenceConfig,
    accepted: NaiveDate,
    done: &[NaiveDate],
    as_of: NaiveDate,
) -> Vec<SlotCompliance> {
    anchored_compliance(done, as_of, |last| match last {
        None => super::inspection_slots(cfg, accepted, as_of),
        Some(d) => super::inspection_slots_after(cfg, accepted, d, as_of),
    })
}

/// [`inspection_compliance`] for a customer's on-site callbacks: slots from `anchor` (the
/// first sale) until the first callback, then from each actual callback
/// ([`super::on_site_callback_slots_after`]).
pub fn on_site_callback_compliance(
    cfg: &super::CadenceConfig,
    tier: crate::domain::site::CustomerTier,
    anchor: NaiveDate,
    done: &[NaiveDate],
    as_of: NaiveDate,
) -> Vec<SlotCompliance> {
    anchored_compliance(done, as_of, |last| match last {
        None => super::on_site_callback_slots(cfg, tier, anchor, as_of),
        Some(d) => super::on_site_callback_slots_after(cfg, tier, d, as_of),
    })
}

/// Judges slots of a schedule that restarts from each completion: `slots_after(None)` is the
/// schedule before any completion, `slots_after(Some(d))` the one after a completion on `d`
/// (each in order, up to `as_of`). Completions after `as_of` are ignored.
fn anchored_compliance(
    done: &[NaiveDate],
    as_of: NaiveDate,
    slots_after: impl Fn(Option<NaiveDate>) -> Vec<Slot>,
) -> Vec<SlotCompliance> {
    let mut done: Vec<NaiveDate> = done.iter().copied().filter(|d| *d <= as_of).collect();
    done.sort();
    let mut out = Vec::new();
    let mut last: Option<NaiveDate> = None;
    'segments: loop {
        let slots = slots_after(last);
        let next_done = done.iter().copied().find(|d| last.is_none_or(|l| *d > l));
        for (i, slot) in slots.iter().enumerate() {
            let next_opens = slots.get(i + 1).map(Slot::opens);
            let outcome = judge(slot, next_done, next_opens, as_of);
            out.push(SlotCompliance {
                slot: *slot,
                outcome,
            });
            if let SlotOutcome::OnTime { done } | SlotOutcome::Late { done, .. } = outcome {
                last = Some(done);
                continue 'segments;
            }
        }
        return out;
    }
}
