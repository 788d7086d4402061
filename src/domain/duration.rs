//! Whole minutes, the unit of task durations and SLA targets.
//!
//! Written in configuration files as a short text a service manager can read: `"90m"`, `"4h"`,
//! `"1d"`, `"1h30m"` (units `d`, `h`, `m`, largest first), or as a bare integer of minutes.

use super::error::{Checked, FieldError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A non-negative number of whole minutes.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minutes(u32);

impl Minutes {
    pub const ZERO: Self = Self(0);

    pub const fn new(minutes: u32) -> Self {
        Self(minutes)
    }

    pub const fn hours(hours: u32) -> Self {
        Self(hours * 60)
    }

    pub const fn days(days: u32) -> Self {
        Self(days * 24 * 60)
    }

    pub const fn get(self) -> u32 {
        self.0
    }

    /// Parses `"90m"`, `"4h"`, `"1d"`, `"1h30m"` or `"0"`.
    pub fn parse(text: &str) -> Checked<Self> {
        let bad = || {
            FieldError::new(
                "",
                format!("'{text}' is not a duration like \"90m\", \"4h\", \"1d\" or \"1h30m\""),
            )
        };
        let text = text.trim();
        if text.is_empty() {
            return Err(bad());
        }
        if let Ok(n) = text.parse::<u32>() {
            return Ok(Self(n));
        }
        let mut total: u64 = 0;
        let mut number = String::new();
        let mut last_unit = u64::MAX;
        for c in text.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let unit = match c {
                'd' => 24 * 60,
                'h' => 60,
                'm' => 1,
                _ => return Err(bad()),
            };
            if number.is_empty() || unit >= last_unit {
                return Err(bad());
            }
            let n: u64 = number.parse().map_err(|_| bad())?;
            total += n * unit;
            number.clear();
            last_unit = unit;
        }
        if !number.is_empty() {
            return Err(bad());
        }
        u32::try_from(total).map(Self).map_err(|_| bad())
    }
}

impl std::ops::Add for Minutes {
    type Output = Minutes;
    fn add(self, rhs: Minutes) -> Minutes {
        Minutes(self.0 + rhs.0)
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, h, m) = (self.0 / 1440, self.0 / 60 % 24, self.0 % 60);
        if self.0 == 0 {
            return f.write_str("0m");
        }
        if d > 0 {
            write!(f, "{d}d")?;
        }
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        Ok(())
    }
}

impl Serialize for Minutes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Minutes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u32),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => Ok(Minutes(n)),
            Raw::Text(t) => Minutes::parse(&t).map_err(|e| serde::de::Error::custom(e.message)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_readable_durations() {
        assert_eq!(Minutes::parse("90m").unwrap(), Minutes::new(90));
        assert_eq!(Minutes::parse("1h30m").unwrap(), Minutes::new(90));
        assert_eq!(Minutes::parse("1d").unwrap(), Minutes::hours(24));
        assert_eq!(Minutes::parse("45").unwrap(), Minutes::new(45));
        assert_eq!(Minutes::new(90).to_string(), "1h30m");
        assert_eq!(Minutes::days(2).to_string(), "2d");
        for bad in ["", "h", "1x", "30m1h", "1h1h", "1.5h", "-1h"] {
            assert!(Minutes::parse(bad).is_err(), "{bad}");
        }
    }
}
