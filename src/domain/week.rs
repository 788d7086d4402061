//! One value per weekday, written as an object with keys `mon` .. `sun`.
//!
//! Missing keys take the default (no opening hours, no shift), so a JSON file lists only the
//! days that have something.

use chrono::Weekday;
use serde::{Deserialize, Serialize};

fn is_default<T: Default + PartialEq>(t: &T) -> bool {
    *t == T::default()
}

/// A value for each day of the week.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Week<T: Default + PartialEq> {
    #[serde(default, skip_serializing_if = "is_default")]
    pub mon: T,
    #[serde(default, skip_serializing_if = "is_default")]
    pub tue: T,
    #[serde(default, skip_serializing_if = "is_default")]
    pub wed: T,
    #[serde(default, skip_serializing_if = "is_default")]
    pub thu: T,
    #[serde(default, skip_serializing_if = "is_default")]
    pub fri: T,
    #[serde(default, skip_serializing_if = "is_default")]
    pub sat: T,
    #[serde(default, skip_serializing_if = "is_default")]
    pub sun: T,
}

impl<T: Default + PartialEq> Week<T> {
    pub fn get(&self, day: Weekday) -> &T {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    pub fn get_mut(&mut self, day: Weekday) -> &mut T {
        match day {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }

    /// Builds a week from a function of the weekday.
    pub fn from_fn(mut f: impl FnMut(Weekday) -> T) -> Self {
        Self {
            mon: f(Weekday::Mon),
            tue: f(Weekday::Tue),
            wed: f(Weekday::Wed),
            thu: f(Weekday::Thu),
            fri: f(Weekday::Fri),
            sat: f(Weekday::Sat),
            sun: f(Weekday::Sun),
        }
    }

    /// `(weekday, value)` from Monday to Sunday.
    pub fn iter(&self) -> impl Iterator<Item = (Weekday, &T)> {
        ALL_DAYS.into_iter().map(move |d| (d, self.get(d)))
    }
}

/// Monday to Sunday.
pub const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The lower-case key of a weekday in files (`mon`).
pub fn day_key(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}
