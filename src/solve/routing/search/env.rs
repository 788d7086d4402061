//! The search environment: the seeded random generator, the deterministic work clock, the
//! wall-clock deadline and the cancel flag (in the manner of vrp's `Environment`).
//!
//! Work units count the elementary steps of the search (an insertion evaluated, a position of
//! a route recomputed), so that a budget of work, unlike a budget of seconds, gives the same
//! answer on every run.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub struct Env {
    pub rng: SmallRng,
    /// Work done so far.
    pub work: u64,
    deadline: Instant,
    cancel: Option<Arc<AtomicBool>>,
    /// Set once the clock or the cancel flag stopped the search.
    interrupted: bool,
    checks: u32,
}

impl Env {
    pub fn new(seed: u64, deadline: Instant, cancel: Option<Arc<AtomicBool>>) -> Self {
        Self {
            rng: SmallRng::seed_from_u64(seed),
            work: 0,
            deadline,
            cancel,
            interrupted: false,
            checks: 0,
        }
    }

    #[inline]
    pub fn charge(&mut self, units: u64) {
        self.work += units;
    }

    /// Has the wall clock passed the deadline or has the search been cancelled? Reads the clock
    /// only every few calls; callers call it once per iteration.
    pub fn interrupted(&mut self) -> bool {
        if self.interrupted {
            return true;
        }
        self.checks += 1;
        if self.checks % 16 == 0 {
            let cancelled = self
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::Relaxed));
            if cancelled || Instant::now() >= self.deadline {
                self.interrupted = true;
            }
        }
        self.interrupted
    }

    pub fn was_interrupted(&self) -> bool {
        self.interrupted
    }

    /// The share of the time from `from` to the deadline that has passed, in [0, 1]; 1 once the
    /// deadline is due.
    pub fn clock_share(&self, from: Instant) -> f64 {
        let total = self.deadline.saturating_duration_since(from).as_secs_f64();
        if total <= 0.0 {
            return 1.0;
        }
        (from.elapsed().as_secs_f64() / total).min(1.0)
    }

    /// Uniform in `[0, 1)`.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    /// Uniform in `[lo, hi)`; `lo` if the range is empty.
    #[inline]
    pub fn below(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..hi)
        }
    }

    /// True with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
}

#[cfg(test)]
mod tests {
    use super::Env;
    use std::time::{Duration, Instant};

    #[test]
    fn the_clock_share_runs_from_zero_to_one_and_stops_there() {
        let from = Instant::now();
        let hour_ahead = Env::new(1, from + Duration::from_secs(3600), None);
        assert!(hour_ahead.clock_share(from) < 0.01);
        let due = Env::new(1, from, None);
        assert_eq!(due.clock_share(from), 1.0);
        let short = Env::new(1, from + Duration::from_millis(20), None);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(short.clock_share(from), 1.0);
    }
}
