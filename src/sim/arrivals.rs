//! Fault arrivals of one replication: a Poisson process per device and day whose rate comes
//! from the fault model (family, age since installation, weekday; public holidays count as
//! Sundays), at an hour drawn from the hourly profile. Every draw comes from the
//! replication's seed alone, so each headcount of a sweep meets the same faults.

use super::rng::{lognormal_minutes, stream};
use super::world::{Base, DAY, SimMinute};
use crate::domain::fault::FaultLevel;
use chrono::{Datelike, Weekday};

/// A fault reported on a device, and what the service centre does before any visit.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrival {
    pub at: SimMinute,
    pub device: usize,
    pub level: FaultLevel,
    /// Solved by phone or remote login: no visit.
    pub remote: bool,
    /// Minutes until the centre answers.
    pub respond_after: SimMinute,
    /// Minutes until a remote resolution (when `remote`).
    pub remote_after: SimMinute,
}

/// Draws `k` from a Poisson law of mean `lambda` (Knuth's product of uniforms; the rates
/// per device and day are far below one).
fn poisson(rng: &mut crate::scenario::generate::rng::Rng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    let limit = (-lambda).exp();
    let mut k = 0;
    let mut p = rng.unit();
    while p > limit {
        k += 1;
        p *= rng.unit();
    }
    k
}

/// The arrivals of a replication, in time order.
pub fn arrivals(base: &Base, seed: u64) -> Vec<Arrival> {
    let f = &base.sim.faults;
    let mut rng = stream(seed, "faults", 0);
    let mut out = Vec::new();
    for day in 0..i64::from(base.days) {
        let date = base.date(day);
        let weekday = if base.cfg.calendar.is_holiday(date) {
            Weekday::Sun
        } else {
            date.weekday()
        };
        for (i, d) in base.devices.iter().enumerate() {
            if date < d.installed {
                continue;
            }
            let age = (date - d.installed).num_days() as u32;
            let rate = base.fault_model.rate_per_day(d.family, age, weekday) * f.rate_factor;
            for _ in 0..poisson(&mut rng, rate) {
                let hour = rng.weighted(&f.hourly_profile) as SimMinute;
                let minute = rng.below(60) as SimMinute;
                let level = base.fault_model.level_for(d.family, rng.unit());
                let li = usize::from(level.number() - 1);
                let remote = rng.chance(f.remote_share[li]);
                let sigma = base.sim.noise.service_sigma;
                let respond_after =
                    lognormal_minutes(&mut rng, i64::from(f.centre_response.get()), sigma);
                let remote_after =
                    lognormal_minutes(&mut rng, i64::from(f.remote_minutes.get()), sigma);
                out.push(Arrival {
                    at: day * DAY + hour * 60 + minute,
                    device: i,
                    level,
                    remote,
                    respond_after,
                    remote_after,
                });
            }
        }
    }
    out.sort_by_key(|a| (a.at, a.device));
    out
}
