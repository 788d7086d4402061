//! The day's clock: solver times are whole seconds after local midnight of the plan date.
//!
//! Invariant: `instant(seconds(t)) == t` for every instant `t` with whole seconds (China has
//! no daylight saving, so a local day is always 86,400 s long).

use crate::domain::day_time::{LocalWindow, TimeOfDay};
use crate::domain::instant::Instant;
use crate::solve::routing::{Time, TimeWindow};
use chrono::{NaiveDate, NaiveTime, TimeDelta};

/// Converts between instants and the solver's seconds on one local date.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DayClock {
    date: NaiveDate,
    midnight: i64,
}

impl DayClock {
    pub fn new(date: NaiveDate) -> Self {
        let midnight = Instant::start_of(date)
            .expect("Shanghai midnights exist")
            .timestamp();
        Self { date, midnight }
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Seconds after midnight of the date (negative before it).
    pub fn seconds(&self, t: Instant) -> Time {
        Time(t.timestamp() - self.midnight)
    }

    /// The instant `t` seconds after midnight.
    pub fn instant(&self, t: Time) -> Instant {
        let local = self.date.and_time(NaiveTime::MIN) + TimeDelta::seconds(t.0);
        Instant::from_naive(local).expect("Shanghai has no gaps")
    }

    pub fn of_time(&self, t: TimeOfDay) -> Time {
        minutes(t.minutes())
    }

    pub fn window(&self, w: LocalWindow) -> TimeWindow {
        TimeWindow::new(self.of_time(w.start()), self.of_time(w.end()))
    }
}

/// Whole minutes as solver seconds.
pub fn minutes(m: u32) -> Time {
    Time(i64::from(m) * 60)
}
