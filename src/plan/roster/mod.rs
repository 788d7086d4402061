//! The multi-day roster, domain side: scenario data and tasks in ([`build`]), the
//! index-level assignment of [`crate::solve::roster`] (seeds, LPs, rounding, repair), every
//! engineer-day routed through the day planner's own problem builder ([`routing`], so a
//! published roster and the day plan of that date see the same windows, lunch, durations and
//! travel), and the answer back in domain terms (`assemble.rs`) as the published [`Roster`]
//! ([`output`]). The algorithm and its figures are documented on [`crate::solve::roster`].

mod assemble;
pub mod build;
mod desk;
pub mod output;
pub mod routing;

pub use crate::domain::reason::ReasonCode;
pub use crate::solve::roster::RosterConfig;
pub use build::RosterData;
pub use output::{
    DeskDay, EngineerDay, EngineerSummary, Kpis, LeftOut, ModelStats, Roster, Spread, Timings,
    Visit,
};

use crate::solve::roster::assign::Assigner;
use crate::solve::roster::{config, lp, problem, seeds};
use build::RosterModel;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::domain::dates::DateRange;
use crate::domain::ids::EngineerId;
use crate::domain::task::Task;
use crate::solve::routing::{Problem, Solution};
use crate::travel::TravelModel;

/// Reads `dir/roster.toml` (or the defaults if there is none) with the lunch break of
/// `dir/plan.toml`, the one rule the day planner shares.
pub fn load_config(dir: &std::path::Path) -> Result<RosterConfig, crate::scenario::ScenarioError> {
    let mut config =
        crate::scenario::optional_part(dir, "roster.toml", RosterConfig::from_toml_str)?;
    config.lunch = super::settings::load_settings(dir)?.lunch;
    Ok(config)
}

/// Everything a roster is built from.
pub struct RosterRequest<'a> {
    pub data: RosterData<'a>,
    pub config: &'a RosterConfig,
    pub horizon: DateRange,
    /// The inspections and callbacks to place (`Scenario::due_tasks`); other kinds are left
    /// out as `UNSUPPORTED_KIND`.
    pub tasks: &'a [Task],
    /// Travel for the routes (the model itself uses geodesic estimates).
    pub travel: &'a dyn TravelModel,
    pub seed: u64,
    /// The publication number (1 for the first roster of a horizon).
    pub version: u32,
    /// Once set, the build stops at its next assignment round or engineer-day
    /// ([`RosterError::Cancelled`]).
    pub cancel: Option<&'a AtomicBool>,
}

/// One routed engineer-day: the routing problem and the engine's answer (for checks).
pub struct RoutedDay {
    pub engineer: EngineerId,
    pub date: chrono::NaiveDate,
    pub problem: Problem,
    pub solution: Solution,
}

/// A roster and the routing problems behind it.
pub struct RosterRun {
    pub roster: Roster,
    pub routed: Vec<RoutedDay>,
}

/// Errors that stop a roster.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("routing engineer {engineer} on {date}: {source}")]
    Day {
        engineer: EngineerId,
        date: chrono::NaiveDate,
        source: routing::DayError,
    },
    #[error("the horizon has no day")]
    EmptyHorizon,
    #[error("cancelled")]
    Cancelled,
}

/// A routed bin: its problem and the engine's answer (`None`: nothing on site).
type Routed = Option<(Problem, Solution)>;

/// The best assignment round: its score, the assignment, the tasks left out, and how many
/// tasks the repair took.
type Round<'a> = (f64, Assigner<'a>, Vec<(usize, ReasonCode)>, usize);

/// Builds the roster.
pub fn build_roster(req: &RosterRequest) -> Result<Roster, RosterError> {
    build_roster_run(req).map(|r| r.roster)
}

fn backend(method: config::AssignMethod) -> &'static str {
    if method == config::AssignMethod::Greedy {
        "greedy"
    } else if cfg!(feature = "highs") {
        "highs"
    } else {
        "microlp"
    }
}

/// Builds the roster and keeps each engineer-day's routing problem and solution.
pub fn build_roster_run(req: &RosterRequest) -> Result<RosterRun, RosterError> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let cfg = req.config;
    let built = RosterModel::new(req.data, cfg, req.horizon, req.tasks);
    let p = &built.problem;
    if p.days <= 0 {
        return Err(RosterError::EmptyHorizon);
    }
    let mut stats = ModelStats {
        tasks: p.tasks.len(),
        engineer_days: p.bins.len(),
        pools: p.pool_homes.len(),
        blocks: (p.days as usize).div_ceil(cfg.model.block_days.max(1) as usize),
        backend: backend(cfg.model.method).to_string(),
        ..ModelStats::default()
    };
    timings.build = started.elapsed().as_secs_f64();

    let (mut a, mut left) = assign(p, cfg, req.cancel, &mut timings, &mut stats)?;
    let t0 = Instant::now();
    let routes = route_all(&built, req, &mut a, &mut left, &mut stats)?;
    timings.routing = t0.elapsed().as_secs_f64();

    let mut run = assemble::assemble(&built, cfg, &a, &left, &routes, req);
    timings.total = started.elapsed().as_secs_f64();
    run.roster.timings = timings;
    run.roster.model = stats;
    Ok(run)
}

/// The assignment: seeds, candidates, one LP per pool, rounding and repair, in rounds that
/// move the seeds (or the greedy baseline); the best round is kept, then consolidated and
/// relocated (LP method). Returns the assignment and the tasks left out; a raised `cancel`
/// stops it between rounds.
fn assign<'a>(
    p: &'a problem::AssignProblem,
    cfg: &'a RosterConfig,
    cancel: Option<&AtomicBool>,
    timings: &mut Timings,
    stats: &mut ModelStats,
) -> Result<(Assigner<'a>, Vec<(usize, ReasonCode)>), RosterError> {
    let index = seeds::BinIndex::new(p);
    let t0 = Instant::now();
    let block_days = cfg.model.block_days.max(1) as problem::Day;
    let pools: Vec<Option<(usize, usize)>> = (0..p.tasks.len())
        .into_par_iter()
        .map(|t| seeds::task_pool(p, &index, t).map(|q| (q, seeds::block_of(p, t, block_days))))
        .collect();
    let mut seed_places = seeds::initial_seeds(p, &index);
    timings.seeds_and_candidates += t0.elapsed().as_secs_f64();
    let mut best: Option<Round> = None;
    if cfg.model.method == config::AssignMethod::Greedy {
        let t0 = Instant::now();
        let mut a = Assigner::new(p, &cfg.model);
        let missed = a.greedy();
        let left = a.repair(&missed, &BTreeSet::new());
        best = Some((score(p, &cfg.model, &a, &left), a, left, missed.len()));
        timings.rounding_and_repair += t0.elapsed().as_secs_f64();
    }
    let lp_rounds = if best.is_some() {
        0
    } else {
        cfg.model.seed_rounds.max(1)
    };
    for round in 0..lp_rounds {
        if is_cancelled(cancel) {
            return Err(RosterError::Cancelled);
        }
        let t0 = Instant::now();
        let base = seeds::seed_base(p, &seed_places);
        let cands = seeds::candidates(p, &cfg.model, &index, &pools, &seed_places, &base);
        timings.seeds_and_candidates += t0.elapsed().as_secs_f64();
        let (a, left, repaired, tally) = lp_round(p, cfg, &pools, &cands, &base, timings);
        if round == 0 {
            stats.lp_total = tally.total;
            stats.lp_largest = tally.largest;
        }
        stats.lp_solved += tally.solved;
        stats.lp_failed += tally.failed;
        stats.seed_rounds = round + 1;
        seeds::medoid_seeds(p, &mut seed_places, &a.places_of_bins());
        let score = score(p, &cfg.model, &a, &left);
        if best.as_ref().is_none_or(|b| score < b.0) {
            best = Some((score, a, left, repaired));
        }
    }
    let (_, mut a, left, repaired) = best.expect("at least one round");
    stats.repaired = repaired;
    if cfg.model.method == config::AssignMethod::Lp {
        let t0 = Instant::now();
        stats.consolidated = a.consolidate();
        stats.relocated = a.relocate(3);
        timings.rounding_and_repair += t0.elapsed().as_secs_f64();
    }
    Ok((a, left))
}

/// Whether the caller has asked the run to stop.
fn is_cancelled(cancel: Option<&AtomicBool>) -> bool {
    cancel.is_some_and(|c| c.load(Ordering::Relaxed))
}

/// The LPs of one round: their sizes, and how many were solved or failed.
#[derive(Default)]
struct LpTally {
    total: lp::LpSize,
    largest: lp::LpSize,
    solved: usize,
    failed: usize,
}

/// One LP round on the given seeds: the LPs of every pool in parallel, then rounding and
/// repair. Returns the assignment, the tasks left out, how many tasks the repair took, and
/// the LPs' tally.
fn lp_round<'a>(
    p: &'a problem::AssignProblem,
    cfg: &'a RosterConfig,
    pools: &[Option<(usize, usize)>],
    cands: &[Vec<seeds::Candidate>],
    base: &[(u32, u32)],
    timings: &mut Timings,
) -> (Assigner<'a>, Vec<(usize, ReasonCode)>, usize, LpTally) {
    let t0 = Instant::now();
    let mut by_pool: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (t, pool) in pools.iter().enumerate() {
        if let Some(pool) = pool {
            by_pool.entry(*pool).or_default().push(t);
        }
    }
    let groups: Vec<Vec<usize>> = by_pool.into_values().collect();
    let answers: Vec<lp::LpAnswer> = groups
        .par_iter()
        .map(|tasks| lp::solve_pool(p, &cfg.model, tasks, cands, base))
        .collect();
    timings.lp += t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let mut a = Assigner::new(p, &cfg.model);
    let mut missed = Vec::new();
    let mut tally = LpTally::default();
    for (tasks, ans) in groups.iter().zip(&answers) {
        tally.total += ans.size;
        if ans.size.variables > tally.largest.variables {
            tally.largest = ans.size;
        }
        let fractions: Vec<(usize, Vec<f64>)> = if ans.solved {
            tally.solved += 1;
            ans.values.clone()
        } else {
            tally.failed += 1;
            tasks
                .iter()
                .map(|&t| (t, vec![0.0; cands[t].len()]))
                .collect()
        };
        missed.extend(a.round(&fractions, cands));
    }
    missed.extend(
        pools
            .iter()
            .enumerate()
            .filter(|(_, q)| q.is_none())
            .map(|(t, _)| t),
    );
    let repaired = missed.len();
    let left = a.repair(&missed, &BTreeSet::new());
    timings.rounding_and_repair += t0.elapsed().as_secs_f64();
    (a, left, repaired, tally)
}

/// Routing of every engineer-day; dropped tasks go elsewhere and their days are re-routed
/// (at most `repair_rounds` repairs, then what drops is left out as `ROUTE_INFEASIBLE`).
fn route_all(
    built: &RosterModel,
    req: &RosterRequest,
    a: &mut Assigner,
    left: &mut Vec<(usize, ReasonCode)>,
    stats: &mut ModelStats,
) -> Result<Vec<Routed>, RosterError> {
    let (p, cfg) = (&built.problem, req.config);
    let mut routes: Vec<Routed> = (0..p.bins.len()).map(|_| None).collect();
    let mut dirty: BTreeSet<usize> = (0..p.bins.len())
        .filter(|&b| !a.bins[b].tasks.is_empty())
        .collect();
    let mut dropped_ever = BTreeSet::new();
    let last_round = cfg.routing.repair_rounds + 2;
    for round in 0..=last_round {
        let todo: Vec<usize> = dirty.iter().copied().collect();
        let results: Vec<Result<(usize, Routed), RosterError>> = todo
            .par_iter()
            .map(|&b| {
                if is_cancelled(req.cancel) {
                    return Err(RosterError::Cancelled);
                }
                route_bin(built, cfg, a, b, req.seed, req.travel).map(|r| (b, r))
            })
            .collect();
        stats.route_solves += todo.len();
        let mut dropped = Vec::new();
        for r in results {
            let (b, r) = r?;
            if let Some((problem, solution)) = &r {
                dropped.extend(dropped_visits(
                    p,
                    a,
                    b,
                    problem,
                    solution,
                    round < last_round,
                ));
            }
            routes[b] = r;
        }
        dirty.clear();
        if dropped.is_empty() {
            break;
        }
        stats.route_dropped += dropped.len();
        let before: Vec<Option<usize>> = a.bin_of.clone();
        for &(t, b) in &dropped {
            a.banned.insert((t, b));
            a.remove(t);
            dropped_ever.insert(t);
            dirty.insert(b);
        }
        let tasks: Vec<usize> = dropped.iter().map(|&(t, _)| t).collect();
        if round < cfg.routing.repair_rounds.min(last_round - 1) {
            left.extend(a.repair(&tasks, &dropped_ever));
        } else {
            left.extend(tasks.iter().map(|&t| (t, ReasonCode::RouteInfeasible)));
        }
        for (t, was) in before.iter().enumerate() {
            if *was != a.bin_of[t] {
                dirty.extend(a.bin_of[t]);
                dirty.extend(*was);
            }
        }
    }
    stats.routed_days = routes.iter().filter(|r| r.is_some()).count();
    Ok(routes)
}

/// The (task, bin) pairs a routed bin `b` gives back: the visits the route dropped and, when
/// `trim`, the visit that costs most driving if the route's real driving pushes the day's
/// work and travel past the bin's capacity.
fn dropped_visits(
    p: &problem::AssignProblem,
    a: &Assigner,
    b: usize,
    problem: &Problem,
    solution: &Solution,
    trim: bool,
) -> Vec<(usize, usize)> {
    let on_site = on_site_tasks(p, a, b);
    let mut dropped: Vec<(usize, usize)> = solution
        .unassigned
        .iter()
        .map(|&j| (on_site[j], b))
        .collect();
    if trim {
        let committed = desk_minutes(p, a, b) as i64 * 60 + route_seconds(problem, solution);
        if committed > i64::from(p.bins[b].capacity) * 60 {
            if let Some(j) = costliest_visit(problem, solution) {
                dropped.push((on_site[j], b));
            }
        }
    }
    dropped
}

/// The objective of an assignment on the model's terms (lower is better): tour metres,
/// penalties of the tasks left out, lateness.
fn score(
    p: &problem::AssignProblem,
    cfg: &config::ModelConfig,
    a: &Assigner,
    left: &[(usize, ReasonCode)],
) -> f64 {
    let travel: f64 = a.bins.iter().map(|s| f64::from(s.tour.0)).sum();
    let penalties: f64 = left
        .iter()
        .map(|&(t, _)| lp::left_out_penalty(p, cfg, t))
        .sum();
    let late: f64 = a
        .bin_of
        .iter()
        .enumerate()
        .filter_map(|(t, b)| {
            b.map(|b| {
                cfg.late_per_day
                    * p.tasks[t].weight
                    * f64::from(p.tasks[t].late_days(p.bins[b].day))
            })
        })
        .sum();
    travel + penalties + late
}

/// Service and driving seconds of a routed day.
fn route_seconds(problem: &Problem, solution: &Solution) -> i64 {
    solution
        .routes
        .iter()
        .map(|r| {
            r.schedule.travel_time.0
                + r.jobs
                    .iter()
                    .map(|&j| problem.jobs[j].service.0)
                    .sum::<i64>()
        })
        .sum()
}

/// The visit whose removal saves the most driving time.
fn costliest_visit(problem: &Problem, solution: &Solution) -> Option<usize> {
    let route = solution.routes.first()?;
    let v = &problem.vehicles[route.vehicle];
    let loc = |i: usize| problem.jobs[route.jobs[i]].location;
    (0..route.jobs.len())
        .map(|i| {
            let prev = if i == 0 { v.start } else { loc(i - 1) };
            let next = if i + 1 == route.jobs.len() {
                v.end
            } else {
                loc(i + 1)
            };
            let d = &problem.durations;
            let saved = d.get(prev, loc(i)).0 + d.get(loc(i), next).0 - d.get(prev, next).0;
            (saved, std::cmp::Reverse(i), route.jobs[i])
        })
        .max()
        .map(|(_, _, j)| j)
}

/// On-site tasks of bin `b`, in a stable order (the routing jobs).
fn on_site_tasks(p: &problem::AssignProblem, a: &Assigner, b: usize) -> Vec<usize> {
    let mut v: Vec<usize> = a.bins[b]
        .tasks
        .iter()
        .copied()
        .filter(|&t| p.tasks[t].on_site)
        .collect();
    v.sort_unstable();
    v
}

fn desk_minutes(p: &problem::AssignProblem, a: &Assigner, b: usize) -> u32 {
    a.bins[b]
        .tasks
        .iter()
        .filter(|&&t| !p.tasks[t].on_site)
        .map(|&t| p.tasks[t].work)
        .sum()
}

/// Routes bin `b` (`None` if it has no on-site task).
fn route_bin(
    built: &RosterModel,
    cfg: &RosterConfig,
    a: &Assigner,
    b: usize,
    seed: u64,
    travel: &dyn TravelModel,
) -> Result<Routed, RosterError> {
    let p = &built.problem;
    let on_site = on_site_tasks(p, a, b);
    if on_site.is_empty() {
        return Ok(None);
    }
    let err = |source| RosterError::Day {
        engineer: built.data.engineers[p.bins[b].engineer].id.clone(),
        date: built.date(p.bins[b].day),
        source,
    };
    let problem = routing::day_problem(built, cfg, b, &on_site, desk_minutes(p, a, b), travel)
        .map_err(err)?;
    let n = on_site.len() as u64;
    let budget = (cfg.routing.work_per_job_squared * n * n)
        .clamp(cfg.routing.min_work, cfg.routing.max_work);
    let solution = routing::route_day(
        &problem,
        seed ^ (b as u64).wrapping_mul(0x9E37_79B9),
        budget,
        cfg.routing.time_limit_seconds,
    );
    Ok(Some((problem, solution)))
}
