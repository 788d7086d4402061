//! Inspection slots of one device.

use super::config::CadenceConfig;
use super::slot::Slot;
use crate::domain::dates::{add_months, whole_months_between};
use chrono::NaiveDate;

/// The inspection slots of a device accepted on `accepted` whose windows open on or before
/// `until`, in order. The interval after a slot follows the device's age at that slot: with
/// the default bands the slots fall at months 1..=12, 14, 16, .., 24, 27, 30, ...
pub fn inspection_slots(cfg: &CadenceConfig, accepted: NaiveDate, until: NaiveDate) -> Vec<Slot> {
    let mut slots = Vec::new();
    let mut month = 0;
    loop {
        let band = cfg.band_at(month);
        month += band.every_months;
        let slot = Slot::around(
            accepted,
            month,
            band.opens_days_before,
            band.closes_days_after,
        );
        if slot.opens() > until {
            return slots;
        }
        slots.push(slot);
    }
}

/// The inspection slots after a completion on `done`, whose windows open on or before
/// `until`, in order: the schedule restarts from the actual completion date, so an early or
/// late visit moves every later slot. Each interval follows the device's age (whole months
/// since `accepted`) at the visit before it; a slot's `month` counts from `accepted`.
pub fn inspection_slots_after(
    cfg: &CadenceConfig,
    accepted: NaiveDate,
    done: NaiveDate,
    until: NaiveDate,
) -> Vec<Slot> {
    let mut slots = Vec::new();
    let mut after = 0;
    loop {
        let band = cfg.band_at(whole_months_between(accepted, add_months(done, after)));
        after += band.every_months;
        let mut slot = Slot::around(done, after, band.opens_days_before, band.closes_days_after);
        slot.month = whole_months_between(accepted, slot.due);
        if slot.opens() > until {
            return slots;
        }
        slots.push(slot);
    }
}
