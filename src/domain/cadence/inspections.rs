//! Inspection slots of one device.

use super::config::CadenceConfig;
use super::slot::Slot;
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
