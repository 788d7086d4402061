//! The cadence engine: slot boundaries (month 11/12/13, leap years, month ends), what is
//! due in a horizon, callbacks, compliance, and the configuration.

use crate::support::{d, repo};
use fieldplan::domain::cadence::*;
use fieldplan::domain::dates::DateRange;
use fieldplan::domain::site::CustomerTier;

fn cfg() -> CadenceConfig {
    CadenceConfig::default()
}

fn months(slots: &[Slot]) -> Vec<u32> {
    slots.iter().map(|s| s.month).collect()
}

fn range(a: chrono::NaiveDate, b: chrono::NaiveDate) -> DateRange {
    DateRange::new(a, b).unwrap()
}

#[test]
fn inspections_are_monthly_then_every_two_then_every_three_months() {
    let slots = inspection_slots(&cfg(), d(2025, 1, 15), d(2027, 12, 31));
    // Month 36 (2028-01-15) opens on 2028-01-05, after `until`.
    let expected: Vec<u32> = (1..=12)
        .chain([14, 16, 18, 20, 22, 24, 27, 30, 33])
        .collect();
    assert_eq!(months(&slots), expected);
}

#[test]
fn month_eleven_and_twelve_are_slots_but_month_thirteen_is_not() {
    let c = cfg();
    let slots = inspection_slots(&c, d(2025, 1, 15), d(2026, 12, 31));
    let m11 = slots.iter().find(|s| s.month == 11).unwrap();
    let m12 = slots.iter().find(|s| s.month == 12).unwrap();
    assert_eq!(m11.due, d(2025, 12, 15));
    assert_eq!(m12.due, d(2026, 1, 15));
    // Month 12 is reached by the 1-month interval (age 11 < 12), so its window is +-5 days.
    assert_eq!(m12.window, range(d(2026, 1, 10), d(2026, 1, 20)));
    assert!(slots.iter().all(|s| s.month != 13));
    // Month 14 follows the 2-month band, with its +-7-day window.
    let m14 = slots.iter().find(|s| s.month == 14).unwrap();
    assert_eq!(m14.window, range(d(2026, 3, 8), d(2026, 3, 22)));

    // In February 2026 (month 13) nothing is due once month 12 is done.
    let feb = range(d(2026, 2, 1), d(2026, 2, 28));
    assert!(due_in_horizon(&slots, Some(d(2026, 1, 16)), feb).is_empty());
    // In January, with month 11 done, exactly the month-12 slot is due.
    let jan = range(d(2026, 1, 1), d(2026, 1, 31));
    let due = due_in_horizon(&slots, Some(d(2025, 12, 15)), jan);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].slot.month, 12);
    assert!(!due[0].overdue);
}

#[test]
fn month_twenty_four_switches_to_three_months() {
    let slots = inspection_slots(&cfg(), d(2024, 6, 10), d(2026, 12, 31));
    let m24 = slots.iter().find(|s| s.month == 24).unwrap();
    assert_eq!(m24.due, d(2026, 6, 10));
    assert_eq!(m24.window, range(d(2026, 6, 3), d(2026, 6, 17)));
    let next = slots.iter().find(|s| s.month > 24).unwrap();
    assert_eq!((next.month, next.due), (27, d(2026, 9, 10)));
    assert_eq!(next.window, range(d(2026, 8, 31), d(2026, 9, 20)));
}

#[test]
fn month_ends_clamp_without_drifting() {
    let slots = inspection_slots(&cfg(), d(2027, 1, 31), d(2027, 6, 30));
    let dues: Vec<_> = slots.iter().take(4).map(|s| s.due).collect();
    assert_eq!(
        dues,
        vec![
            d(2027, 2, 28),
            d(2027, 3, 31),
            d(2027, 4, 30),
            d(2027, 5, 31)
        ]
    );
}

#[test]
fn leap_days_are_honoured_and_clamped() {
    // Accepted on 31 January of a leap year: due on 29 February.
    let slots = inspection_slots(&cfg(), d(2028, 1, 31), d(2028, 3, 31));
    assert_eq!(slots[0].due, d(2028, 2, 29));
    // Accepted on 29 February: 28 February in common years, 29 again in leap years.
    let slots = inspection_slots(&cfg(), d(2028, 2, 29), d(2032, 12, 31));
    let due = |m| slots.iter().find(|s| s.month == m).unwrap().due;
    assert_eq!(due(12), d(2029, 2, 28));
    assert_eq!(due(24), d(2030, 2, 28));
    assert_eq!(due(48), d(2032, 2, 29));
    assert_eq!(due(39), d(2031, 5, 29));
    // A window that crosses the end of February is one day longer back in a leap year.
    let leap = inspection_slots(&cfg(), d(2027, 4, 2), d(2028, 3, 31));
    let common = inspection_slots(&cfg(), d(2026, 4, 2), d(2027, 3, 31));
    let m11 = |s: &[Slot]| s.iter().find(|x| x.month == 11).unwrap().window;
    assert_eq!(m11(&leap), range(d(2028, 2, 26), d(2028, 3, 7)));
    assert_eq!(m11(&common), range(d(2027, 2, 25), d(2027, 3, 7)));
}

#[test]
fn a_visit_on_the_opening_day_satisfies_the_slot_but_the_day_before_does_not() {
    let slots = inspection_slots(&cfg(), d(2026, 1, 10), d(2026, 12, 31));
    let s = slots[2]; // month 3: due 2026-04-10, window 04-05..04-15
    assert_eq!(s.opens(), d(2026, 4, 5));
    let h = range(d(2026, 4, 6), d(2026, 4, 12));
    assert!(due_in_horizon(&slots, Some(d(2026, 4, 5)), h).is_empty());
    let due = due_in_horizon(&slots, Some(d(2026, 4, 4)), h);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].slot, s);
}

#[test]
fn only_the_latest_missed_slot_comes_back_as_overdue() {
    let slots = inspection_slots(&cfg(), d(2025, 1, 15), d(2026, 12, 31));
    let h = range(d(2025, 11, 30), d(2025, 12, 27));
    // Last done in June 2025: July..October missed; November closed on 11-20.
    let due = due_in_horizon(&slots, Some(d(2025, 6, 15)), h);
    assert_eq!(due.len(), 2);
    assert!(due[0].overdue);
    assert_eq!(due[0].slot.month, 10); // due 2025-11-15, window closed 11-20
    assert_eq!(due[1].slot.month, 11);
    assert!(!due[1].overdue);
    // Never inspected: the same shape.
    assert_eq!(due_in_horizon(&slots, None, h).len(), 2);
}

#[test]
fn compliance_tells_on_time_late_missed_overdue_and_open() {
    let slots = inspection_slots(&cfg(), d(2026, 1, 10), d(2026, 12, 31));
    // Slots: 02-10 [02-05..02-15], 03-10 [03-05..03-15], 04-10 [04-05..04-15],
    // 05-10 [05-05..05-15], 06-10 [06-05..06-15].
    let done = [d(2026, 2, 15), d(2026, 3, 16), d(2026, 5, 20)];
    let c = compliance(&slots, &done, d(2026, 6, 18));
    let outcomes: Vec<_> = c.iter().map(|x| x.outcome).collect();
    assert_eq!(
        outcomes,
        vec![
            SlotOutcome::OnTime {
                done: d(2026, 2, 15)
            },
            SlotOutcome::Late {
                done: d(2026, 3, 16),
                days_late: 1
            },
            SlotOutcome::Missed,
            SlotOutcome::Late {
                done: d(2026, 5, 20),
                days_late: 5
            },
            SlotOutcome::Overdue,
        ]
    );
    let open = compliance(&slots, &done, d(2026, 6, 10));
    assert_eq!(open.last().unwrap().outcome, SlotOutcome::Open);
    // A visit after the next window opened serves the next slot, not the missed one.
    let c = compliance(&slots, &[d(2026, 3, 6)], d(2026, 3, 20));
    assert_eq!(c[0].outcome, SlotOutcome::Missed);
    assert_eq!(
        c[1].outcome,
        SlotOutcome::OnTime {
            done: d(2026, 3, 6)
        }
    );
}

#[test]
fn phone_callbacks_come_within_a_month_of_each_sale_then_quarterly() {
    let c = cfg();
    let slots = phone_callback_slots(&c, &[d(2026, 1, 31)], d(2026, 12, 31));
    assert_eq!(slots[0].window, range(d(2026, 1, 31), d(2026, 2, 28)));
    let dues: Vec<_> = slots.iter().skip(1).take(3).map(|s| s.due).collect();
    assert_eq!(dues, vec![d(2026, 4, 30), d(2026, 7, 31), d(2026, 10, 31)]);
    // A second sale in May asks for its own first callback; one in late April replaces
    // the quarterly call whose window it overlaps.
    let slots = phone_callback_slots(&c, &[d(2026, 1, 31), d(2026, 5, 20)], d(2026, 12, 31));
    assert!(
        slots
            .iter()
            .any(|s| s.window == range(d(2026, 5, 20), d(2026, 6, 20)))
    );
    let slots = phone_callback_slots(&c, &[d(2026, 1, 31), d(2026, 4, 20)], d(2026, 6, 30));
    assert_eq!(slots.len(), 2);
}

#[test]
fn on_site_callbacks_depend_on_the_customer_tier() {
    let c = cfg();
    let until = d(2027, 12, 31);
    assert!(on_site_callback_slots(&c, CustomerTier::Normal, d(2026, 1, 1), until).is_empty());
    let large = on_site_callback_slots(&c, CustomerTier::Large, d(2026, 1, 1), until);
    let very = on_site_callback_slots(&c, CustomerTier::VeryLarge, d(2026, 1, 1), until);
    assert_eq!(large[0].due, d(2026, 7, 1));
    assert_eq!(large[1].due, d(2027, 1, 1));
    assert_eq!(very[0].due, d(2026, 4, 1));
    assert_eq!(very.len(), 2 * large.len());
}

#[test]
fn the_shipped_cadence_file_is_the_default_and_bad_files_name_the_field() {
    let text = std::fs::read_to_string(repo().join("config/cadence.toml")).unwrap();
    assert_eq!(CadenceConfig::from_toml_str(&text).unwrap(), cfg());

    let mut bad = cfg();
    bad.inspection[0].from_month = 1;
    assert_eq!(bad.check().unwrap_err().field, "inspection[0].from_month");
    let mut bad = cfg();
    bad.inspection[0].closes_days_after = 20;
    bad.inspection[0].opens_days_before = 10;
    assert_eq!(
        bad.check().unwrap_err().field,
        "inspection[0].closes_days_after"
    );
    let bad = text.replace(
        "every_months = 3\nopens_days_before = 10",
        "every_months = 0\nopens_days_before = 10",
    );
    let e = CadenceConfig::from_toml_str(&bad).unwrap_err();
    assert_eq!(e.field, "inspection[2].every_months");
}
