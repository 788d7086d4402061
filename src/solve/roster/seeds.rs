//! Seeds and candidates of the generalised assignment (Fisher & Jaikumar 1981).
//!
//! Every engineer-day (bin) gets a seed place; a task's cost in a bin is the detour of
//! inserting its site into the trip home -> seed -> home. Seeds start spread out by a
//! farthest-first pick among the sites with work that the engineer can do that day, and later
//! rounds move each seed to the medoid of the sites its bin received.

use super::config::ModelConfig;
use super::problem::{AssignProblem, Day};
use crate::solve::routing::Skills;

/// The site-mask bit of a task no skill limits (device families use the low bits).
const ANY_ENGINEER: u64 = 1 << 63;

/// A bin a task may go to, with its cost and the minutes it takes from the bin.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Candidate {
    pub bin: usize,
    pub cost: f64,
    pub minutes: u32,
}

/// Bins by pool and day.
pub struct BinIndex {
    /// `[pool][day]` -> bins.
    by_pool_day: Vec<Vec<Vec<usize>>>,
}

impl BinIndex {
    pub fn new(p: &AssignProblem) -> Self {
        let mut by_pool_day = vec![vec![Vec::new(); p.days as usize]; p.pool_homes.len()];
        for (b, bin) in p.bins.iter().enumerate() {
            let pool = p.engineers[bin.engineer].pool;
            by_pool_day[pool][bin.day as usize].push(b);
        }
        Self { by_pool_day }
    }

    pub fn bins(&self, pool: usize, day: Day) -> &[usize] {
        &self.by_pool_day[pool][day as usize]
    }
}

/// Farthest-first seeds for every bin.
pub fn initial_seeds(p: &AssignProblem, index: &BinIndex) -> Vec<usize> {
    let mut seeds: Vec<usize> = p
        .bins
        .iter()
        .map(|b| p.engineers[b.engineer].home)
        .collect();
    let pools = p.pool_homes.len();
    for day in 0..p.days {
        // Per pool: the sites with on-site work available today, their skill masks (bit 63:
        // needs no skill) and urgency (the earliest window end).
        let mut sites: Vec<Vec<(usize, u64, Day)>> = vec![Vec::new(); pools];
        let mut slot: std::collections::HashMap<(usize, usize), usize> = Default::default();
        for t in &p.tasks {
            let available = t.on_site
                && (t.overdue || (t.window.0 <= day && day <= t.window.1))
                && p.open[t.place][day as usize];
            if !available {
                continue;
            }
            let mask = t.skill.map_or(ANY_ENGINEER, |s| Skills::of(s).0);
            let list = &mut sites[t.pool];
            let i = *slot.entry((t.pool, t.place)).or_insert_with(|| {
                list.push((t.place, 0, Day::MAX));
                list.len() - 1
            });
            list[i].1 |= mask;
            list[i].2 = list[i].2.min(if t.overdue { -1 } else { t.window.1 });
        }
        for (pool, list) in sites.iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            // Distance from each site to the nearest chosen seed (none chosen yet: MAX).
            let mut nearest = vec![u32::MAX; list.len()];
            for &b in index.bins(pool, day) {
                let eng = &p.engineers[p.bins[b].engineer];
                let usable = |mask: u64| mask & (eng.skills.0 | ANY_ENGINEER) != 0;
                let pick = list
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| usable(s.1))
                    .max_by(|(i, a), (j, b)| {
                        // Farthest from the chosen seeds; the first pick is the most urgent.
                        nearest[*i]
                            .cmp(&nearest[*j])
                            .then(b.2.cmp(&a.2))
                            .then(j.cmp(i))
                    })
                    .map(|(i, _)| i);
                let Some(i) = pick else { continue };
                seeds[b] = list[i].0;
                for (k, s) in list.iter().enumerate() {
                    nearest[k] = nearest[k].min(p.estimate.metres(list[i].0, s.0));
                }
            }
        }
    }
    seeds
}

/// Moves each seed to the medoid of the on-site places assigned to its bin.
pub fn medoid_seeds(p: &AssignProblem, seeds: &mut [usize], places_of_bin: &[Vec<usize>]) {
    for (b, places) in places_of_bin.iter().enumerate() {
        if places.is_empty() {
            continue;
        }
        let best = places
            .iter()
            .min_by_key(|&&a| {
                places
                    .iter()
                    .map(|&c| u64::from(p.estimate.metres(a, c)))
                    .sum::<u64>()
            })
            .copied();
        if let Some(best) = best {
            seeds[b] = best;
        }
    }
}

/// The trip home -> seed -> home of each bin: (metres, minutes).
pub fn seed_base(p: &AssignProblem, seeds: &[usize]) -> Vec<(u32, u32)> {
    p.bins
        .iter()
        .zip(seeds)
        .map(|(bin, &s)| {
            let home = p.engineers[bin.engineer].home;
            let (m1, t1) = p.estimate.trip(home, s);
            let (m2, t2) = p.estimate.trip(s, home);
            (m1 + m2, t1 + t2)
        })
        .collect()
}

/// The pool whose bins task `t` may use in the model: its own if one of them can do it in its
/// window, else the nearest pool that can; `None` if no pool can.
pub fn task_pool(p: &AssignProblem, index: &BinIndex, t: usize) -> Option<usize> {
    let task = &p.tasks[t];
    let can = |pool: usize| {
        task.horizon_days(p.days)
            .any(|d| index.bins(pool, d).iter().any(|&b| p.compatible(t, b)))
    };
    if can(task.pool) {
        return Some(task.pool);
    }
    let mut pools: Vec<usize> = (0..p.pool_homes.len())
        .filter(|&q| q != task.pool)
        .collect();
    pools.sort_by_key(|&q| (p.estimate.metres(p.pool_homes[q], task.place), q));
    pools.into_iter().find(|&q| can(q))
}

/// The cost and minutes of task `t` in bin `b` around seed `seed`.
pub fn cost_in_bin(
    p: &AssignProblem,
    cfg: &ModelConfig,
    t: usize,
    b: usize,
    seed: usize,
    base: (u32, u32),
) -> Candidate {
    let task = &p.tasks[t];
    let bin = &p.bins[b];
    let mut cost = cfg.off_due_per_day * f64::from((bin.day - task.due).unsigned_abs())
        + cfg.late_per_day * task.weight * f64::from(task.late_days(bin.day));
    let mut minutes = task.work;
    if task.on_site {
        let home = p.engineers[bin.engineer].home;
        let (m1, t1) = p.estimate.trip(home, task.place);
        let (m2, t2) = p.estimate.trip(task.place, seed);
        let detour_m = (m1 + m2 + m1 + m2).saturating_sub(base.0) / 2;
        let detour_t = (t1 + t2 + t1 + t2).saturating_sub(base.1) / 2;
        cost += f64::from(detour_m);
        minutes += detour_t.max(cfg.min_travel_per_visit);
    }
    Candidate {
        bin: b,
        cost,
        minutes,
    }
}

/// The block of days (of `block_days`) task `t` is modelled in: the one holding the middle of
/// its window inside the horizon.
pub fn block_of(p: &AssignProblem, t: usize, block_days: Day) -> usize {
    let days = p.tasks[t].horizon_days(p.days);
    let mid = (days.start() + days.end()).max(0) / 2;
    (mid.clamp(0, p.days - 1) / block_days.max(1)) as usize
}

/// The `k` cheapest in-window candidate bins of each task (in its model pool and block),
/// cheapest first.
pub fn candidates(
    p: &AssignProblem,
    cfg: &ModelConfig,
    index: &BinIndex,
    groups: &[Option<(usize, usize)>],
    seeds: &[usize],
    base: &[(u32, u32)],
) -> Vec<Vec<Candidate>> {
    use rayon::prelude::*;
    let block = cfg.block_days.max(1) as Day;
    (0..p.tasks.len())
        .into_par_iter()
        .map(|t| {
            let Some((pool, b)) = groups[t] else {
                return Vec::new();
            };
            let (lo, hi) = (b as Day * block, (b as Day + 1) * block - 1);
            let mut all: Vec<Candidate> = p.tasks[t]
                .horizon_days(p.days)
                .filter(|d| (lo..=hi).contains(d))
                .flat_map(|d| index.bins(pool, d).iter().copied())
                .filter(|&b| p.compatible(t, b))
                .map(|b| cost_in_bin(p, cfg, t, b, seeds[b], base[b]))
                .collect();
            all.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.bin.cmp(&b.bin)));
            all.truncate(cfg.candidates_per_task);
            all
        })
        .collect()
}
