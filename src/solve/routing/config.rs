//! How a solve is run: seed, threads, time limit, cancel flag.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// Solver settings. Same problem, seed, thread count and work budget give the same solution.
#[derive(Clone, Debug)]
pub struct SolverConfig {
    pub seed: u64,
    /// Parallel searches (at least one).
    pub threads: usize,
    /// Wall-clock limit. It also sets the deterministic work budget (see
    /// [`SolverConfig::work_budget`]), so that a run that is not cut short by a busy machine
    /// is reproducible.
    pub time_limit: Duration,
    /// Overrides the work budget derived from the time limit.
    pub max_work: Option<u64>,
    /// Set to stop the search early; the best solution so far is returned.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for SolverConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            threads: 1,
            time_limit: Duration::from_secs(1),
            max_work: None,
            cancel: None,
        }
    }
}

/// Work units a thread does per second on the reference machine (2 cores, 2026) on a problem
/// of about 100 locations: the deterministic budget is the time limit at this rate (divided by
/// [`size_slowdown`]). Set below the real rate so that the budget, not the clock, normally ends
/// the search: a unit is about one insertion position evaluated; the weights of a route
/// refresh (two units per position) and of each iteration's fixed cost were fitted to the
/// measured times of all 56 Solomon instances (2026-11-24). Recalibrated 2026-12-06 on the
/// search as it is now: 115M units took 1.05-1.41 s on the 56 instances (mean 1.22 s), so at
/// this rate one-second runs end after 0.73-1.00 s (mean 0.86 s; measured, one thread).
/// Raised from 80M to 90M on 2026-12-07, when moves that cannot shorten the travel were
/// rejected before their timing (`ls::shortens_travel`): at 80M the 56 one-second runs took
/// 0.956 s on average before and 0.816 s after (two runs in parallel, one thread each), and
/// take 0.890 s at 90M (4 of 56 cut by the clock, 27 before; `benches/README.md`, "Routing:
/// cheaper evaluations").
pub const WORK_PER_SECOND: u64 = 90_000_000;

/// Locations up to which a unit of work takes its calibrated time ([`WORK_PER_SECOND`]).
const CALIBRATED_LOCATIONS: usize = 101;
/// Locations beyond [`CALIBRATED_LOCATIONS`] per unit of extra slowdown: on larger problems
/// the matrices outgrow the caches, so every matrix read, and so every unit, takes longer.
/// Measured 2026-12-06 with a 5 s budget, one thread, seed 1, on Solomon (mean 5.75 s) and
/// Gehring & Homberger instances of every class: 200 customers took 1.03 times as long per
/// unit, 400 customers 1.16 and 1000 customers 1.45 (mean of five; 7.8-9.0 s). Measured
/// again 2026-12-07, once the search read both figures of a drive from one 32-bit cell
/// (`search::drives`) and skipped copying unchanged routes (`Route::stamp`): 450M units, two
/// runs in parallel, took 4.33 s on six Solomon instances, and per unit 0.88 times as long on
/// four of 200 customers, 1.13 on four of 400 and 1.24 on five of 1000 (3.5-6.9 s).
const LOCATIONS_PER_SLOWDOWN: f64 = 3500.0;

/// How much longer a unit of work takes on a problem of `locations` locations than on the
/// calibration problems: linear in the size, fitted between 100 and 1000 customers.
fn size_slowdown(locations: usize) -> f64 {
    1.0 + locations.saturating_sub(CALIBRATED_LOCATIONS) as f64 / LOCATIONS_PER_SLOWDOWN
}

/// The share of [`WORK_PER_SECOND`] each thread reaches when several run: they share caches
/// and wait for each other where they exchange their best solution. Measured: at the full
/// rate, 13 of the 56 two-thread one-second Solomon runs were cut by the clock (0.95 s mean).
pub const PARALLEL_RATE: f64 = 0.88;

impl SolverConfig {
    pub fn with_time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
    }

    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// The deterministic work budget of each thread on a problem of `locations` locations.
    pub fn work_budget(&self, locations: usize) -> u64 {
        let rate = if self.threads > 1 {
            WORK_PER_SECOND as f64 * PARALLEL_RATE
        } else {
            WORK_PER_SECOND as f64
        } / size_slowdown(locations);
        self.max_work
            .unwrap_or((self.time_limit.as_secs_f64() * rate) as u64)
    }
}
