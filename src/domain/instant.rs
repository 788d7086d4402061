//! Real instants, always shown in the Asia/Shanghai zone.
//!
//! An [`Instant`] is a point on the time line; it is written as RFC 3339 with the `+08:00`
//! offset (`2026-11-30T08:00:00+08:00`) and read from RFC 3339 with any offset, which is then
//! converted to Shanghai time. Local dates and times of day (opening hours, shifts, due dates)
//! are naive and mean Shanghai local time. China has kept UTC+8 without daylight saving since
//! 1991, so every local time maps to exactly one instant; the code still goes through the zone
//! database rather than assuming it.

use super::duration::Minutes;
use super::error::{Checked, FieldError};
use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, TimeDelta, TimeZone,
    Timelike,
};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, Sub};

/// The zone of every instant and local time in the domain.
pub const ZONE: Tz = chrono_tz::Asia::Shanghai;

/// A point in time, in the Asia/Shanghai zone.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(DateTime<Tz>);

impl Instant {
    /// The instant of a local date and time in Shanghai.
    pub fn local(date: NaiveDate, time: NaiveTime) -> Checked<Self> {
        Self::from_naive(date.and_time(time))
    }

    /// The instant of a local date-time in Shanghai; rejects times that do not exist or are
    /// ambiguous in the zone (none since 1991).
    pub fn from_naive(local: NaiveDateTime) -> Checked<Self> {
        ZONE.from_local_datetime(&local)
            .single()
            .map(Self)
            .ok_or_else(|| {
                FieldError::new("", format!("{local} is not a single instant in {ZONE}"))
            })
    }

    /// Local midnight at the start of `date`.
    pub fn start_of(date: NaiveDate) -> Checked<Self> {
        Self::local(date, NaiveTime::MIN)
    }

    /// Parses RFC 3339 with any offset (`2026-11-30T08:00:00+08:00`, `...Z`). Refuses leap
    /// seconds (`:60`) and instants outside [`Instant::FIRST_YEAR`]..=[`Instant::LAST_YEAR`].
    pub fn parse(text: &str) -> Checked<Self> {
        let t = DateTime::parse_from_rfc3339(text).map_err(|e| {
            FieldError::new(
                "",
                format!("'{text}' is not an RFC 3339 instant with offset: {e}"),
            )
        })?;
        if t.nanosecond() >= 1_000_000_000 {
            return Err(FieldError::new(
                "",
                format!("'{text}' is a leap second; write :59 or the next minute"),
            ));
        }
        let t = Self(t.with_timezone(&ZONE));
        let year = t.date().year();
        if !(Self::FIRST_YEAR..=Self::LAST_YEAR).contains(&year) {
            return Err(FieldError::new(
                "",
                format!(
                    "'{text}' is outside the years {}..={} this service plans in",
                    Self::FIRST_YEAR,
                    Self::LAST_YEAR
                ),
            ));
        }
        Ok(t)
    }

    /// The first year an instant may have: China has kept UTC+8 without daylight saving
    /// since 1991, so every local time of these years is exactly one instant.
    pub const FIRST_YEAR: i32 = 1991;
    /// The last year an instant may have.
    pub const LAST_YEAR: i32 = 2199;

    /// The instant of a UTC time.
    pub fn from_utc(t: DateTime<chrono::Utc>) -> Self {
        Self(t.with_timezone(&ZONE))
    }

    /// `self` moved by `by` (any sign, any precision).
    pub fn plus(self, by: TimeDelta) -> Self {
        Self(self.0 + by)
    }

    /// The local (Shanghai) date.
    pub fn date(self) -> NaiveDate {
        self.0.date_naive()
    }

    /// The local (Shanghai) time of day.
    pub fn time(self) -> NaiveTime {
        self.0.time()
    }

    pub fn naive_local(self) -> NaiveDateTime {
        self.0.naive_local()
    }

    pub fn as_datetime(self) -> DateTime<Tz> {
        self.0
    }

    /// Whole minutes from `earlier` to `self` (negative when `self` is earlier), rounded down.
    pub fn minutes_since(self, earlier: Instant) -> i64 {
        (self.0 - earlier.0).num_minutes()
    }

    /// Seconds since the Unix epoch.
    pub fn timestamp(self) -> i64 {
        self.0.timestamp()
    }
}

impl Add<Minutes> for Instant {
    type Output = Instant;
    fn add(self, rhs: Minutes) -> Instant {
        Instant(self.0 + TimeDelta::minutes(i64::from(rhs.get())))
    }
}

impl Sub<Minutes> for Instant {
    type Output = Instant;
    fn sub(self, rhs: Minutes) -> Instant {
        Instant(self.0 - TimeDelta::minutes(i64::from(rhs.get())))
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, false))
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Instant::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn instants_print_with_shanghai_offset_and_read_any_offset() {
        let t = Instant::parse("2026-11-30T00:30:00Z").unwrap();
        assert_eq!(t.to_string(), "2026-11-30T08:30:00+08:00");
        assert_eq!(t.date(), d(2026, 11, 30));
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"2026-11-30T08:30:00+08:00\"");
        assert_eq!(serde_json::from_str::<Instant>(&json).unwrap(), t);
        assert!(Instant::parse("2026-11-30T08:30:00").is_err());
    }

    #[test]
    fn leap_seconds_and_far_years_are_refused() {
        assert!(Instant::parse("2026-12-31T23:59:60+08:00").is_err());
        assert!(Instant::parse("9999-12-31T23:59:59+08:00").is_err());
        assert!(Instant::parse("0001-01-01T00:00:00+08:00").is_err());
        assert!(Instant::parse("1900-01-01T00:00:00+08:00").is_err());
        assert!(Instant::parse("2199-12-31T23:59:59+08:00").is_ok());
    }

    #[test]
    fn adding_minutes_crosses_midnight_in_local_time() {
        let t =
            Instant::local(d(2026, 12, 31), NaiveTime::from_hms_opt(22, 30, 0).unwrap()).unwrap();
        let later = t + Minutes::hours(4);
        assert_eq!(later.to_string(), "2027-01-01T02:30:00+08:00");
        assert_eq!(later.minutes_since(t), 240);
    }
}
