//! Random draws of the simulation, on the project's stable SplitMix64 generator
//! ([`crate::scenario::generate::rng::Rng`]): same seed, same draws, on every platform and
//! thread schedule. Each part of a replication has its own stream.

pub use crate::scenario::generate::rng::Rng;

/// The stream of one part (`label`) and one key (a task, an engineer) of a replication.
pub fn stream(seed: u64, label: &str, key: u64) -> Rng {
    Rng::stream(seed ^ key.wrapping_mul(0x9e37_79b9_7f4a_7c15), label)
}

/// A lognormal factor of mean 1: `exp(sigma * z - sigma^2 / 2)`.
pub fn lognormal_factor(rng: &mut Rng, sigma: f64) -> f64 {
    if sigma == 0.0 {
        return 1.0;
    }
    (sigma * rng.normal() - sigma * sigma / 2.0).exp()
}

/// `planned` minutes times a lognormal factor, rounded, at least one minute when `planned`
/// is positive; exactly `planned` when `sigma` is zero.
pub fn lognormal_minutes(rng: &mut Rng, planned: i64, sigma: f64) -> i64 {
    if sigma == 0.0 || planned <= 0 {
        return planned;
    }
    ((planned as f64 * lognormal_factor(rng, sigma)).round() as i64).max(1)
}

/// The seed of replication `rep` of a sweep seeded with `seed`.
pub fn replication_seed(seed: u64, rep: u32) -> u64 {
    stream(seed, "replication", u64::from(rep)).next_u64()
}
