//! Local times of day and windows within one day (opening hours, shifts).
//!
//! A [`TimeOfDay`] counts minutes from local midnight, `00:00` to `24:00` inclusive, so a
//! window can close at the end of the day. A [`LocalWindow`] is `start < end` on one day and is
//! written `"08:00-12:00"`; windows across midnight are not representable (night duty is
//! modelled as on-call, not as a shift).

use super::error::{Checked, FieldError};
use super::instant::Instant;
use chrono::{NaiveDate, NaiveTime, TimeDelta};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Minutes after local midnight, 0..=1440.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    pub const MIDNIGHT: Self = Self(0);
    pub const END_OF_DAY: Self = Self(1440);

    pub fn hm(hour: u16, minute: u16) -> Checked<Self> {
        let m = hour * 60 + minute;
        if minute >= 60 || m > 1440 {
            return Err(FieldError::new(
                "",
                format!("{hour:02}:{minute:02} is not a time between 00:00 and 24:00"),
            ));
        }
        Ok(Self(m))
    }

    /// Parses `"HH:MM"`.
    pub fn parse(text: &str) -> Checked<Self> {
        let bad = || FieldError::new("", format!("'{text}' is not a time of day HH:MM"));
        let (h, m) = text.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        Self::hm(h, m)
    }

    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }

    /// The instant of this time on a local date (`24:00` is midnight of the next day).
    pub fn on(self, date: NaiveDate) -> Instant {
        let midnight = Instant::start_of(date).expect("Shanghai midnights exist");
        midnight + super::duration::Minutes::new(self.minutes())
    }

    /// The time of day of a naive local time, in whole minutes (seconds are dropped).
    pub fn from_time(t: NaiveTime) -> Self {
        let since = t.signed_duration_since(NaiveTime::MIN);
        Self((since.num_minutes()) as u16)
    }

    pub fn to_time(self) -> Option<NaiveTime> {
        (self.0 < 1440).then(|| NaiveTime::MIN + TimeDelta::minutes(i64::from(self.0)))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// `[start, end)` on one local day, `start < end`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalWindow {
    start: TimeOfDay,
    end: TimeOfDay,
}

impl LocalWindow {
    pub fn new(start: TimeOfDay, end: TimeOfDay) -> Checked<Self> {
        if start >= end {
            return Err(FieldError::new(
                "",
                format!("window {start}-{end}: start must be before end"),
            ));
        }
        Ok(Self { start, end })
    }

    /// Parses `"08:00-12:00"`.
    pub fn parse(text: &str) -> Checked<Self> {
        let (a, b) = text
            .split_once('-')
            .ok_or_else(|| FieldError::new("", format!("'{text}' is not a window HH:MM-HH:MM")))?;
        Self::new(TimeOfDay::parse(a.trim())?, TimeOfDay::parse(b.trim())?)
    }

    pub fn start(self) -> TimeOfDay {
        self.start
    }

    pub fn end(self) -> TimeOfDay {
        self.end
    }

    pub fn length_minutes(self) -> u32 {
        self.end.minutes() - self.start.minutes()
    }

    /// The window as instants on a local date.
    pub fn on(self, date: NaiveDate) -> (Instant, Instant) {
        (self.start.on(date), self.end.on(date))
    }

    pub fn contains(self, t: TimeOfDay) -> bool {
        self.start <= t && t < self.end
    }
}

impl fmt::Display for LocalWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

impl Serialize for LocalWindow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalWindow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        LocalWindow::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// Checks that windows of one day are in order and do not overlap; names the first offender.
pub fn check_day_windows(windows: &[LocalWindow]) -> Checked<()> {
    for (i, pair) in windows.windows(2).enumerate() {
        if pair[1].start < pair[0].end {
            return Err(FieldError::new(
                format!("[{}]", i + 1),
                format!(
                    "window {} must start at or after the end of {}",
                    pair[1], pair[0]
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_print_and_reject_reversed_times() {
        let w = LocalWindow::parse("08:00-12:30").unwrap();
        assert_eq!(w.to_string(), "08:00-12:30");
        assert_eq!(w.length_minutes(), 270);
        assert!(LocalWindow::parse("12:00-08:00").is_err());
        assert!(LocalWindow::parse("12:00-12:00").is_err());
        assert!(LocalWindow::parse("8:00-12:00").is_err());
        assert!(LocalWindow::parse("08:00-24:00").is_ok());
        assert!(LocalWindow::parse("08:00-24:01").is_err());
    }

    #[test]
    fn end_of_day_is_next_midnight() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        let (_, end) = LocalWindow::parse("20:00-24:00").unwrap().on(d);
        assert_eq!(end.to_string(), "2026-03-01T00:00:00+08:00");
    }

    #[test]
    fn overlapping_windows_name_the_second_one() {
        let ws = [
            LocalWindow::parse("08:00-12:00").unwrap(),
            LocalWindow::parse("11:00-17:00").unwrap(),
        ];
        assert_eq!(check_day_windows(&ws).unwrap_err().field, "[1]");
    }
}
