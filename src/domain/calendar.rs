//! Public holidays and adjusted working days (调休), read from a configurable calendar.
//!
//! China's State Council publishes each year's holidays; some weekend days around them become
//! working days. A date is a working day when it is Monday to Friday and not a holiday, or when
//! it is an adjusted working day. The calendar knows which years it covers: asking about a
//! date outside them is allowed (weekends only count) but [`HolidayCalendar::covers`] tells.
//!
//! File format (`config/holidays.toml`):
//! ```toml
//! years = [2026]
//! [[holiday]]
//! name = "National Day 国庆节"
//! from = "2026-10-01"
//! to = "2026-10-07"
//! [[workday]]
//! date = "2026-09-20"
//! name = "National Day 国庆节"
//! ```

use super::dates::{DateRange, add_days};
use super::error::{Checked, FieldError};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// What kind of day a date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayKind<'a> {
    Working,
    Weekend,
    /// A public holiday, with its name.
    Holiday(&'a str),
    /// A Saturday or Sunday that is a working day to make up for a holiday.
    AdjustedWorkday(&'a str),
}

impl DayKind<'_> {
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Working | DayKind::AdjustedWorkday(_))
    }
}

/// Public holidays and adjusted working days of the years it covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    years: BTreeSet<i32>,
    holidays: BTreeMap<NaiveDate, String>,
    workdays: BTreeMap<NaiveDate, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    years: Vec<i32>,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
    #[serde(default)]
    workday: Vec<RawWorkday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkday {
    date: NaiveDate,
    name: String,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl HolidayCalendar {
    /// An empty calendar: weekends only.
    pub fn weekends_only() -> Self {
        Self::default()
    }

    /// Builds a calendar; rejects overlapping holidays, dates outside `years`, and adjusted
    /// working days that are not weekend days or fall on a holiday.
    pub fn new(
        years: impl IntoIterator<Item = i32>,
        holidays: impl IntoIterator<Item = (String, DateRange)>,
        workdays: impl IntoIterator<Item = (String, NaiveDate)>,
    ) -> Checked<Self> {
        let mut cal = Self {
            years: years.into_iter().collect(),
            ..Self::default()
        };
        for (i, (name, range)) in holidays.into_iter().enumerate() {
            let field = format!("holiday[{i}]");
            if name.trim().is_empty() {
                return Err(FieldError::new(
                    format!("{field}.name"),
                    "must not be empty",
                ));
            }
            for d in range.iter() {
                if !cal.years.contains(&d.year()) {
                    return Err(FieldError::new(
                        format!("{field}.to"),
                        format!("{d} is outside the calendar's years {:?}", cal.years),
                    ));
                }
                if let Some(other) = cal.holidays.insert(d, name.clone()) {
                    return Err(FieldError::new(
                        field,
                        format!("{d} is already a holiday ({other})"),
                    ));
                }
            }
        }
        for (i, (name, d)) in workdays.into_iter().enumerate() {
            let field = format!("workday[{i}].date");
            if !is_weekend(d) {
                return Err(FieldError::new(
                    field,
                    format!("{d} is a {}, not a weekend day", d.weekday()),
                ));
            }
            if cal.holidays.contains_key(&d) {
                return Err(FieldError::new(field, format!("{d} is a holiday")));
            }
            if !cal.years.contains(&d.year()) {
                return Err(FieldError::new(
                    field,
                    format!("{d} is outside the calendar's years"),
                ));
            }
            cal.workdays.insert(d, name);
        }
        Ok(cal)
    }

    /// Parses the TOML calendar format described in the module documentation.
    pub fn from_toml_str(text: &str) -> Checked<Self> {
        let raw: RawCalendar =
            toml::from_str(text).map_err(|e| FieldError::new("", e.to_string()))?;
        let holidays = raw
            .holiday
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                DateRange::new(h.from, h.to)
                    .map(|r| (h.name, r))
                    .map_err(|e| e.at(format!("holiday[{i}]")))
            })
            .collect::<Checked<Vec<_>>>()?;
        Self::new(
            raw.years,
            holidays,
            raw.workday.into_iter().map(|w| (w.name, w.date)),
        )
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.years.contains(&date.year())
    }

    pub fn day_kind(&self, date: NaiveDate) -> DayKind<'_> {
        if let Some(name) = self.holidays.get(&date) {
            DayKind::Holiday(name)
        } else if let Some(name) = self.workdays.get(&date) {
            DayKind::AdjustedWorkday(name)
        } else if is_weekend(date) {
            DayKind::Weekend
        } else {
            DayKind::Working
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.day_kind(date).is_working()
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains_key(&date)
    }

    /// The `n`-th working day after `date` (`n = 1`: the next working day).
    pub fn working_days_after(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = add_days(d, 1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The holidays, date by date.
    pub fn holidays(&self) -> impl Iterator<Item = (NaiveDate, &str)> {
        self.holidays.iter().map(|(d, n)| (*d, n.as_str()))
    }
}
