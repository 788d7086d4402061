//! Local calendar dates: inclusive date ranges and month arithmetic.
//!
//! Month arithmetic clamps to the end of a shorter month (31 January + 1 month = 28 or 29
//! February). Cadences always count months from a fixed anchor (acceptance + k months), never
//! from the previous result, so a clamped date does not drift: 31 January + 2 months is
//! 31 March, not 28 March.

use super::error::{Checked, FieldError};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// `date` plus `months` calendar months, clamped to the month's last day.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .expect("dates stay far inside chrono's range")
}

pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date + Days::new(days.unsigned_abs())
    } else {
        date - Days::new(days.unsigned_abs())
    }
}

/// Whole calendar months from `from` to `to` (0 when `to` is before `from`): the age in
/// months of a device accepted on `from`, seen on `to`. A month is complete on the same day
/// of the month, or on the last day of a shorter month.
pub fn whole_months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    if to < from {
        return 0;
    }
    let mut months = (to.year() - from.year()) as u32 * 12 + to.month() - from.month();
    if months > 0 && add_months(from, months) > to {
        months -= 1;
    }
    months
}

/// `first..=last`, `first <= last`, written `{"from": "...", "to": "..."}`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRange", into = "RawRange")]
pub struct DateRange {
    first: NaiveDate,
    last: NaiveDate,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl TryFrom<RawRange> for DateRange {
    type Error = FieldError;
    fn try_from(r: RawRange) -> Checked<Self> {
        DateRange::new(r.from, r.to)
    }
}

impl From<DateRange> for RawRange {
    fn from(r: DateRange) -> Self {
        RawRange {
            from: r.first,
            to: r.last,
        }
    }
}

impl DateRange {
    pub fn new(first: NaiveDate, last: NaiveDate) -> Checked<Self> {
        if first > last {
            return Err(FieldError::new(
                "to",
                format!("{last} is before the start {first}"),
            ));
        }
        Ok(Self { first, last })
    }

    /// `days` days starting on `first` (at least one).
    pub fn days_from(first: NaiveDate, days: u32) -> Self {
        Self {
            first,
            last: add_days(first, i64::from(days.max(1)) - 1),
        }
    }

    pub fn first(self) -> NaiveDate {
        self.first
    }

    pub fn last(self) -> NaiveDate {
        self.last
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }

    pub fn overlaps(self, other: DateRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    pub fn len_days(self) -> u32 {
        (self.last - self.first).num_days() as u32 + 1
    }

    pub fn iter(self) -> impl Iterator<Item = NaiveDate> {
        self.first.iter_days().take_while(move |d| *d <= self.last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        assert_eq!(add_months(d(2027, 1, 31), 1), d(2027, 2, 28));
        assert_eq!(add_months(d(2028, 1, 31), 1), d(2028, 2, 29));
        assert_eq!(add_months(d(2027, 1, 31), 2), d(2027, 3, 31));
        assert_eq!(add_months(d(2028, 2, 29), 12), d(2029, 2, 28));
    }

    #[test]
    fn whole_months_count_completed_months() {
        assert_eq!(whole_months_between(d(2026, 1, 15), d(2026, 2, 14)), 0);
        assert_eq!(whole_months_between(d(2026, 1, 15), d(2026, 2, 15)), 1);
        assert_eq!(whole_months_between(d(2026, 1, 31), d(2026, 2, 28)), 1);
        assert_eq!(whole_months_between(d(2025, 3, 10), d(2026, 3, 9)), 11);
        assert_eq!(whole_months_between(d(2025, 3, 10), d(2026, 3, 10)), 12);
        assert_eq!(whole_months_between(d(2026, 3, 10), d(2025, 3, 10)), 0);
    }

    #[test]
    fn ranges_reject_reversed_ends() {
        let e = DateRange::new(d(2026, 12, 2), d(2026, 12, 1)).unwrap_err();
        assert_eq!(e.field, "to");
        let r = DateRange::days_from(d(2026, 11, 30), 28);
        assert_eq!(r.last(), d(2026, 12, 27));
        assert_eq!(r.iter().count(), 28);
    }
}
