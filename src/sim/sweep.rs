//! A staffing sweep: every headcount x every replication, in parallel with rayon.
//!
//! Replication `r` has the same seed at every headcount (common random numbers), so the
//! headcounts meet the same faults and differences come from the staffing. Jobs run in
//! parallel but each is one thread's deterministic computation, and results are gathered
//! in job order: the answer does not depend on the thread schedule. Progress is counted in
//! simulated engineer-days (headcount x days per replication), the unit the work grows with.

use super::arrivals::{Arrival, arrivals};
use super::config::{SimConfigError, SweepParams};
use super::engine::run_replication;
use super::metrics::RepSummary;
use super::policy::{PolicyMaker, policy_for};
use super::rng::replication_seed;
use super::world::{Base, SimTravel, StaffedWorld};
use crate::domain::DomainConfig;
use crate::scenario::Scenario;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A checked sweep: the scenario, the domain configuration and the parameters.
#[derive(Clone, Debug)]
pub struct SweepConfig {
    pub scenario: Arc<Scenario>,
    pub domain: Arc<DomainConfig>,
    pub params: SweepParams,
    /// Geodesic unless [`Self::with_travel`] says otherwise.
    pub travel: SimTravel,
    /// The planner policy's settings (`plan.toml`), the defaults unless set.
    pub plan: crate::plan::PlanSettings,
}

impl SweepConfig {
    /// Checks the parameters; every field error names its field.
    pub fn new(
        scenario: Arc<Scenario>,
        domain: Arc<DomainConfig>,
        params: SweepParams,
    ) -> Result<Self, SimConfigError> {
        params.check()?;
        Ok(Self {
            travel: SimTravel::geodesic(&scenario),
            plan: crate::plan::PlanSettings::default(),
            scenario,
            domain,
            params,
        })
    }

    /// Measures the places with `model` (a loaded `--travel` source) instead.
    pub fn with_travel(
        mut self,
        model: Arc<dyn crate::travel::TravelModel>,
    ) -> Result<Self, crate::travel::TravelError> {
        self.travel = SimTravel::new(&self.scenario, model)?;
        Ok(self)
    }

    /// Progress units of the whole sweep: simulated engineer-days.
    pub fn total_units(&self) -> u64 {
        let p = &self.params;
        p.staff.iter().map(|&h| h as u64).sum::<u64>() * u64::from(p.sim.days) * u64::from(p.reps)
    }
}

/// Mean and 90 % interval (5th and 95th percentiles) across replications.
#[derive(Copy, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stat {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Stat {
    pub fn of(values: &[f64]) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let x = p * (v.len() - 1) as f64;
            let (i, f) = (x.floor() as usize, x - x.floor());
            if i + 1 < v.len() {
                v[i] + f * (v[i + 1] - v[i])
            } else {
                v[i]
            }
        };
        Self {
            mean: v.iter().sum::<f64>() / v.len() as f64,
            lo: q(0.05),
            hi: q(0.95),
        }
    }
}

/// The figures of one headcount across its replications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LevelResult {
    pub headcount: usize,
    pub reps: usize,
    /// Mean faults per replication, per level 1-4.
    pub faults: [f64; 4],
    /// Share of faults with every SLA milestone met, per level.
    pub sla: [Stat; 4],
    /// Share of faults on site within the target time, per level.
    pub on_site: [Stat; 4],
    pub mean_on_site_minutes: [Stat; 4],
    pub inspections: Stat,
    pub on_site_callbacks: Stat,
    pub utilisation: Stat,
    pub overtime_hours: Stat,
    pub km: Stat,
    pub cost: Stat,
    /// Per level 1-4 and milestone (respond, dispatch, solution, on site, resolve): share
    /// of the decided milestones met (or not needed).
    #[serde(default)]
    pub milestones: [[Stat; 5]; 4],
    /// Call-outs per replication.
    #[serde(default)]
    pub call_outs: Stat,
    pub meets_target: bool,
    /// Each replication's figures, in replication order.
    pub replications: Vec<RepSummary>,
}

/// The answer of a sweep (Deserialize too, so a stored answer can be charted again).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepResult {
    pub policy: String,
    pub params: SweepParams,
    /// Headcounts whose every replication finished, in increasing order.
    pub levels: Vec<LevelResult>,
    /// The smallest headcount meeting the target on the replication means.
    pub smallest_meeting_target: Option<usize>,
    pub cancelled: bool,
    pub seconds: f64,
}

/// Runs the sweep; `progress(done, total)` is called from worker threads in engineer-days.
/// Setting `cancel` stops it soon; the result then holds the headcounts already finished.
pub fn run_sweep(
    cfg: &SweepConfig,
    progress: &(dyn Fn(u64, u64) + Sync),
    cancel: &AtomicBool,
) -> SweepResult {
    run_sweep_with_levels(cfg, progress, &|_| {}, cancel)
}

/// [`run_sweep`], also calling `on_level` with each headcount's figures as soon as its last
/// replication ends (partial results), from a worker thread.
pub fn run_sweep_with_levels(
    cfg: &SweepConfig,
    progress: &(dyn Fn(u64, u64) + Sync),
    on_level: &(dyn Fn(&LevelResult) + Sync),
    cancel: &AtomicBool,
) -> SweepResult {
    let started = Instant::now();
    let p = &cfg.params;
    let mut base = Base::with_travel(
        cfg.scenario.clone(),
        cfg.domain.clone(),
        p.sim.clone(),
        cfg.travel.clone(),
    );
    base.plan = cfg.plan.clone();
    let base = Arc::new(base);
    let seeds: Vec<u64> = (0..p.reps).map(|r| replication_seed(p.seed, r)).collect();
    let arrivals: Vec<Vec<Arrival>> = seeds.par_iter().map(|&s| arrivals(&base, s)).collect();
    let worlds: Vec<StaffedWorld> = p
        .staff
        .iter()
        .map(|&h| StaffedWorld::new(base.clone(), h))
        .collect();
    let policies: Vec<Box<dyn PolicyMaker>> = worlds
        .iter()
        .map(|w| policy_for(p.policy, w, p.plan_work))
        .collect();
    let total = cfg.total_units();
    let done = AtomicU64::new(0);
    // Replications finished so far, per level: a level is reported once all are in.
    let finished: Mutex<Vec<Vec<Option<RepSummary>>>> =
        Mutex::new(vec![vec![None; seeds.len()]; worlds.len()]);
    // Largest headcounts first: the longest jobs start early, the tail stays short.
    let mut jobs: Vec<(usize, usize)> = (0..worlds.len())
        .flat_map(|l| (0..seeds.len()).map(move |r| (l, r)))
        .collect();
    jobs.sort_by_key(|&(l, r)| (std::cmp::Reverse(worlds[l].engineers.len()), r));
    jobs.par_iter().with_max_len(1).for_each(|&(l, r)| {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        let world = &worlds[l];
        let units = world.engineers.len() as u64;
        let mut on_day = || {
            let now = done.fetch_add(units, Ordering::Relaxed) + units;
            progress(now, total);
        };
        let mut policy = policies[l].start();
        let outcome = run_replication(
            world,
            &mut *policy,
            seeds[r],
            &arrivals[r],
            &mut on_day,
            cancel,
        )
        .map(|o| o.summary(&p.target, &p.sim.cost));
        let complete = {
            let mut f = finished.lock().unwrap_or_else(|e| e.into_inner());
            f[l][r] = outcome;
            f[l].iter().all(Option::is_some).then(|| f[l].clone())
        };
        if let Some(reps) = complete {
            on_level(&level_result(
                p,
                world,
                reps.into_iter().flatten().collect(),
            ));
        }
    });
    let per_level = finished.into_inner().unwrap_or_else(|e| e.into_inner());
    let levels: Vec<LevelResult> = per_level
        .into_iter()
        .zip(&worlds)
        .filter(|(reps, _)| reps.iter().all(Option::is_some))
        .map(|(reps, world)| level_result(p, world, reps.into_iter().flatten().collect()))
        .collect();
    SweepResult {
        policy: policies
            .first()
            .map_or_else(|| format!("{:?}", p.policy), |x| x.name().to_string()),
        params: p.clone(),
        smallest_meeting_target: levels.iter().find(|l| l.meets_target).map(|l| l.headcount),
        levels,
        cancelled: cancel.load(Ordering::Relaxed),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The figures of one headcount from its replications (in replication order).
fn level_result(p: &SweepParams, world: &StaffedWorld, reps: Vec<RepSummary>) -> LevelResult {
    let target_level = usize::from(p.target.level.number() - 1);
    let stat = |f: &dyn Fn(&RepSummary) -> f64| Stat::of(&reps.iter().map(f).collect::<Vec<_>>());
    let sla = std::array::from_fn(|l| stat(&|s| s.sla[l]));
    let on_site: [Stat; 4] = std::array::from_fn(|l| stat(&|s| s.on_site[l]));
    let inspections = stat(&|s| s.inspections);
    LevelResult {
        headcount: world.engineers.len(),
        reps: reps.len(),
        faults: std::array::from_fn(|l| stat(&|s| f64::from(s.faults[l])).mean),
        sla,
        mean_on_site_minutes: std::array::from_fn(|l| stat(&|s| s.mean_on_site_minutes[l])),
        on_site_callbacks: stat(&|s| s.on_site_callbacks),
        utilisation: stat(&|s| s.utilisation),
        overtime_hours: stat(&|s| s.overtime_hours),
        km: stat(&|s| s.km),
        cost: stat(&|s| s.cost),
        milestones: std::array::from_fn(|l| std::array::from_fn(|k| stat(&|s| s.milestones[l][k]))),
        call_outs: stat(&|s| f64::from(s.call_outs)),
        meets_target: on_site[target_level].mean >= p.target.fault_share
            && inspections.mean >= p.target.inspection_share,
        on_site,
        inspections,
        replications: reps,
    }
}
