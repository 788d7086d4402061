//! The one source of "now".
//!
//! Everything that needs the current instant (the store's timestamps, the re-planner's frozen
//! prefix, SLA statuses, the bounds of what a client may report) asks a [`Clock`]; nothing
//! reads the system time directly. Production runs on [`SystemClock`]; `fieldplan serve
//! --now T` runs on a [`StartedClock`] that starts at `T` and then runs at the system's pace;
//! tests hold a [`ManualClock`] and move it themselves, so no test depends on the machine's
//! date.
//!
//! Invariant: a clock never goes backwards between two calls, except when a test sets a
//! [`ManualClock`] back on purpose.

use super::instant::Instant;
use chrono::{TimeDelta, Utc};
use std::sync::{Arc, Mutex};

/// Tells the current instant.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Instant;
}

/// A shared clock, as the service's parts hold it.
pub type SharedClock = Arc<dyn Clock>;

/// The system's real time.
#[derive(Copy, Clone, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::from_utc(Utc::now())
    }
}

/// A clock that reads `start` at the moment it is made, then runs with the system's
/// monotonic time (so a system clock that jumps does not move it).
#[derive(Debug)]
pub struct StartedClock {
    start: Instant,
    since: std::time::Instant,
}

impl StartedClock {
    pub fn new(start: Instant) -> Self {
        Self {
            start,
            since: std::time::Instant::now(),
        }
    }
}

impl Clock for StartedClock {
    fn now(&self) -> Instant {
        let elapsed = TimeDelta::from_std(self.since.elapsed()).unwrap_or(TimeDelta::zero());
        self.start.plus(elapsed)
    }
}

/// A clock that stands still until it is moved (tests, replays).
#[derive(Debug)]
pub struct ManualClock(Mutex<Instant>);

impl ManualClock {
    pub fn new(at: Instant) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: Instant) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: TimeDelta) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t = t.plus(by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let t = Instant::parse("2026-12-07T07:00:00+08:00").unwrap();
        let c = ManualClock::new(t);
        assert_eq!(c.now(), t);
        c.advance(TimeDelta::minutes(90));
        assert_eq!(c.now().to_string(), "2026-12-07T08:30:00+08:00");
        c.set(t);
        assert_eq!(c.now(), t);
    }

    #[test]
    fn a_started_clock_starts_at_its_instant_and_runs() {
        let t = Instant::parse("2026-12-07T07:00:00+08:00").unwrap();
        let c = StartedClock::new(t);
        let a = c.now();
        let b = c.now();
        assert!(t <= a && a <= b);
        assert!(a.minutes_since(t) < 1);
    }
}
