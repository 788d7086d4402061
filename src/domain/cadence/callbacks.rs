//! Callback slots of one customer: phone (after each sale, then quarterly) and on site (by
//! tier).

use super::config::CadenceConfig;
use super::slot::Slot;
use crate::domain::dates::{DateRange, add_months};
use crate::domain::site::CustomerTier;
use chrono::NaiveDate;

/// Phone callback slots of a customer whose devices were installed (sold) on `sales`, with
/// windows opening on or before `until`. Each sale asks for a callback within
/// `first_within_months` (window: the sale to that limit); from the first sale on, one every
/// `every_months`. A slot whose window overlaps an earlier kept one is dropped: one call
/// serves both.
pub fn phone_callback_slots(
    cfg: &CadenceConfig,
    sales: &[NaiveDate],
    until: NaiveDate,
) -> Vec<Slot> {
    let Some(&anchor) = sales.iter().min() else {
        return Vec::new();
    };
    let p = &cfg.phone_callback;
    let mut slots: Vec<Slot> = Vec::new();
    let mut sale_dates: Vec<NaiveDate> = sales.to_vec();
    sale_dates.sort();
    sale_dates.dedup();
    for sale in sale_dates {
        let due = add_months(sale, p.first_within_months);
        let window = DateRange::new(sale, due).expect("due is after the sale");
        let month = crate::domain::dates::whole_months_between(anchor, due);
        slots.push(Slot { due, window, month });
    }
    let mut k = 1;
    loop {
        let slot = Slot::around(
            anchor,
            k * p.every_months,
            p.opens_days_before,
            p.closes_days_after,
        );
        if slot.opens() > until {
            break;
        }
        slots.push(slot);
        k += 1;
    }
    slots.retain(|s| s.opens() <= until);
    merge_overlapping(slots)
}

/// On-site callback slots of a customer of `tier` whose first sale was `anchor`.
pub fn on_site_callback_slots(
    cfg: &CadenceConfig,
    tier: CustomerTier,
    anchor: NaiveDate,
    until: NaiveDate,
) -> Vec<Slot> {
    let o = &cfg.on_site_callback;
    let Some(every) = o.every_months(tier) else {
        return Vec::new();
    };
    (1..)
        .map(|k| Slot::around(anchor, k * every, o.opens_days_before, o.closes_days_after))
        .take_while(|s| s.opens() <= until)
        .collect()
}

/// On-site callback slots of a customer of `tier` after a callback on `done`: the schedule
/// restarts from the actual date of the last callback.
pub fn on_site_callback_slots_after(
    cfg: &CadenceConfig,
    tier: CustomerTier,
    done: NaiveDate,
    until: NaiveDate,
) -> Vec<Slot> {
    on_site_callback_slots(cfg, tier, done, until)
}

/// On-site callbacks that escalate phone callbacks recorded unsolved on `unsolved`: each one
/// opens on the day of the phone callback and is due `escalation_days` later.
pub fn escalation_slots(
    cfg: &CadenceConfig,
    unsolved: &[NaiveDate],
    until: NaiveDate,
) -> Vec<Slot> {
    let days = u64::from(cfg.on_site_callback.escalation_days);
    unsolved
        .iter()
        .filter(|&&date| date <= until)
        .map(|&date| {
            let due = date + chrono::Days::new(days);
            Slot {
                due,
                window: DateRange::new(date, due).expect("due is on or after the call"),
                month: 0,
            }
        })
        .collect()
}

/// Sorts by window start and keeps a slot only if its window starts after the last kept one
/// closed.
fn merge_overlapping(mut slots: Vec<Slot>) -> Vec<Slot> {
    slots.sort_by_key(|s| (s.opens(), s.due));
    let mut kept: Vec<Slot> = Vec::with_capacity(slots.len());
    for s in slots {
        if kept.last().is_none_or(|k| s.opens() > k.closes()) {
            kept.push(s);
        }
    }
    kept
}
