//! The multi-day roster: which engineer does which inspection or callback on which day of a
//! horizon of weeks, then the route of every engineer-day.
//!
//! # The model
//! A task `t` (inspection, phone or on-site callback) goes to at most one *bin* `b` = (engineer,
//! day) inside its date window (overdue tasks: any day, at a lateness cost). A bin is a working
//! day of the engineer (`Engineer::availability`: shifts, leave, holidays, adjusted workdays);
//! its capacity is the shift less lunch and less the fault reserve of the engineer's district
//! (`config/roster.toml`, 20% by default, 25% in the counties). Skills must cover the task's
//! device family; the site must be open long enough that day. Phone callbacks take desk time
//! (capacity) but no travel.
//!
//! The assignment is a generalised assignment problem in the manner of Fisher & Jaikumar
//! (1981): every bin gets a *seed* site; task `t` in bin `b` costs the detour of inserting its
//! site into the trip home -> seed -> home (metres), plus a small cost per day away from the due
//! date, plus lateness; it uses its work minutes plus the detour's driving minutes (at least
//! ten) of the bin's capacity, which is reduced by the seed trip itself. Seeds are chosen
//! farthest-first among the sites with work available that day that the engineer can do (the
//! first pick the most urgent); a second round moves every seed to the medoid of the sites its
//! bin received and solves again (the better round is kept). The LP relaxation (see [`lp`]):
//!
//! ```text
//! min  sum c[t,b] x[t,b] + sum P[t] u[t] + lambda sum_e (over[e] + under[e])
//!      sum_b x[t,b] + u[t] = 1                    each task   (u: left out, P grows with
//!      sum_t a[t,b] x[t,b] <= C[b] - seed trip    each bin     priority; less if the window
//!      work[e] - over[e] + under[e] = fair[e]     each engineer  goes on after the horizon)
//! ```
//!
//! `fair[e]` is the block's work split in proportion to the engineers' capacities.
//!
//! # Staying fast on a pure-Rust LP solver
//! microlp is fine for LPs and weak on 0/1 programmes, so the integer model is never given to
//! it. Instead:
//! 1. **Sparsify**: each task keeps only its `candidates_per_task` (10) cheapest bins around
//!    their seeds, in its own district (or the nearest district that has a skilled engineer).
//! 2. **Decompose** by district and week (`block_days`): a task belongs to the block holding the
//!    middle of its window; the 9 x 4 LPs are independent and solved in parallel (rayon), each
//!    with a time limit (past it, rounding works from costs alone).
//! 3. **Round and repair** ([`assign`]): surest fractions first, each task to its largest
//!    fraction whose bin still fits, by an exact test on the model's terms (work plus a
//!    nearest-neighbour tour home -> sites -> home); tasks that fit none are repaired greedily
//!    over *all* districts (cheapest added travel in the window, else the earliest late day),
//!    and what still fits nowhere is left out with a reason code.
//! 4. **Route** every engineer-day with the routing engine ([`routing`], in parallel, a
//!    deterministic work budget growing with visits squared). Visits the route drops (opening
//!    hours: many sites close at midday) and days whose real driving pushes work past capacity
//!    feed back: the task is banned from that bin, repaired elsewhere, and the touched days are
//!    re-routed (at most `repair_rounds`).
//!
//! # Size and time (`fieldplan roster`, release build, 2 cores shared with four other
//! engineers' builds: load average 8.7 while measuring, so wall time is about 2x CPU time)
//! | | Nanchang, 4 weeks | scaled: 5,000 sites, 200 engineers, 4 weeks |
//! |---|---|---|
//! | tasks x engineer-days | 576 x 583 | 11,692 x 3,979 |
//! | full 0/1 model (every skilled bin of every window) | ~10^5 binaries | ~10^7 binaries |
//! | LPs per round (district x week) | 36 | 36 |
//! | all LPs: variables / rows / nonzeros | 5,306 / 1,261 / 14,322 | 125,599 / 16,141 / 350,825 |
//! | largest LP: variables / rows | 293 / 50 | 6,619 / 790 |
//! | seeds + candidates | 0.01 s | 0.45 s |
//! | LP (2 rounds) | 0.04 s | 26.4 s |
//! | rounding + repair | < 0.01 s | 2.0 s |
//! | routing (engineer-days routed / solves) | 0.3 s (313 / 361) | 10.8 s (3,781 / 4,807) |
//! | total wall / CPU | 0.35 s / 0.16 s | 40 s / 17.7 s |
//! | inspections doable on time placed in window | 407 / 412 = 98.8% | 7,674 / 8,123 = 94.5% |
//!
//! "Doable on time": some engineer with the skill works on a day of the window inside the
//! horizon. Where the time goes on the scaled scenario: the LPs (two thirds), then routing.
//! The scaled scenario is loaded about 2.7x more per engineer than Nanchang (87 h against 32 h of work and travel in four weeks); what it misses is
//! capacity in some districts (`NO_CAPACITY`, late placements) since the LP keeps tasks in their
//! district and only the repair crosses districts.
//!
//! Known limits: the work spread between districts is not balanced by the model (std dev 13.6 h
//! on a mean of 31.7 h per engineer in Nanchang: specialists in busy districts carry more);
//! balancing across districts needs candidates in neighbouring districts, which couples the
//! LPs. The route builder here is a small stand-in for `plan::plan_day`'s problem builder.

mod assemble;
pub mod assign;
pub mod build;
pub mod config;
pub mod lp;
pub mod output;
pub mod problem;
pub mod routing;
pub mod seeds;

pub use assign::LeftOutReason;
pub use build::RosterData;
pub use config::RosterConfig;
pub use output::{
    EngineerDay, EngineerSummary, Kpis, LeftOut, ModelStats, Roster, Spread, Timings, Visit,
};

use assign::Assigner;
use build::Built;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use crate::domain::dates::DateRange;
use crate::domain::ids::EngineerId;
use crate::domain::task::Task;
use crate::solve::routing::{Problem, Solution};
use crate::travel::TravelModel;

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
}

/// A routed bin: its problem and the engine's answer (`None`: nothing on site).
type Routed = Option<(Problem, Solution)>;

/// The best assignment round: its score, the assignment, the tasks left out, and how many
/// tasks the repair took.
type Round<'a> = (f64, Assigner<'a>, Vec<(usize, LeftOutReason)>, usize);

/// Builds the roster.
pub fn build_roster(req: &RosterRequest) -> Result<Roster, RosterError> {
    build_roster_run(req).map(|r| r.roster)
}

fn backend() -> &'static str {
    if cfg!(feature = "highs") {
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
    let built = Built::new(req.data, cfg, req.horizon, req.tasks);
    let p = &built.problem;
    if p.days <= 0 {
        return Err(RosterError::EmptyHorizon);
    }
    let mut stats = ModelStats {
        tasks: p.tasks.len(),
        engineer_days: p.bins.len(),
        pools: p.pool_homes.len(),
        blocks: (p.days as usize).div_ceil(cfg.model.block_days.max(1) as usize),
        backend: backend().to_string(),
        ..ModelStats::default()
    };
    timings.build = started.elapsed().as_secs_f64();

    // Assignment: seeds, candidates, LP per pool, rounding, repair; rounds move the seeds.
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
    for round in 0..cfg.model.seed_rounds.max(1) {
        let t0 = Instant::now();
        let base = seeds::seed_base(p, &seed_places);
        let cands = seeds::candidates(p, &cfg.model, &index, &pools, &seed_places, &base);
        timings.seeds_and_candidates += t0.elapsed().as_secs_f64();
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
            .map(|tasks| lp::solve_pool(p, &cfg.model, tasks, &cands, &base))
            .collect();
        timings.lp += t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let mut a = Assigner::new(p, &cfg.model);
        let mut missed = Vec::new();
        let mut total = lp::LpSize::default();
        let mut largest = lp::LpSize::default();
        let (mut solved, mut failed) = (0, 0);
        for (tasks, ans) in groups.iter().zip(&answers) {
            total += ans.size;
            if ans.size.variables > largest.variables {
                largest = ans.size;
            }
            let fractions: Vec<(usize, Vec<f64>)> = if ans.solved {
                solved += 1;
                ans.values.clone()
            } else {
                failed += 1;
                tasks
                    .iter()
                    .map(|&t| (t, vec![0.0; cands[t].len()]))
                    .collect()
            };
            missed.extend(a.round(&fractions, &cands));
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
        let score = score(p, &cfg.model, &a, &left);
        timings.rounding_and_repair += t0.elapsed().as_secs_f64();
        if round == 0 {
            stats.lp_total = total;
            stats.lp_largest = largest;
        }
        stats.lp_solved += solved;
        stats.lp_failed += failed;
        stats.seed_rounds = round + 1;
        seeds::medoid_seeds(p, &mut seed_places, &a.places_of_bins());
        if best.as_ref().is_none_or(|b| score < b.0) {
            best = Some((score, a, left, repaired));
        }
    }
    let (_, mut a, mut left, repaired) = best.expect("at least one round");
    stats.repaired = repaired;

    // Routing of every engineer-day; dropped tasks go elsewhere and their days are re-routed.
    let t0 = Instant::now();
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
            .map(|&b| route_bin(&built, cfg, &a, b, req.seed, req.travel).map(|r| (b, r)))
            .collect();
        stats.route_solves += todo.len();
        let mut dropped = Vec::new();
        for r in results {
            let (b, r) = r?;
            if let Some((problem, solution)) = &r {
                let on_site = on_site_tasks(p, &a, b);
                for &j in &solution.unassigned {
                    dropped.push((on_site[j], b));
                }
                // The route's real driving may exceed the estimate: keep the day's work and
                // travel within the capacity by dropping the visit that costs most driving.
                if round < last_round {
                    let committed =
                        desk_minutes(p, &a, b) as i64 * 60 + route_seconds(problem, solution);
                    if committed > i64::from(p.bins[b].capacity) * 60 {
                        if let Some(j) = costliest_visit(problem, solution) {
                            dropped.push((on_site[j], b));
                        }
                    }
                }
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
            left.extend(tasks.iter().map(|&t| (t, LeftOutReason::RouteInfeasible)));
        }
        for (t, was) in before.iter().enumerate() {
            if *was != a.bin_of[t] {
                dirty.extend(a.bin_of[t]);
                dirty.extend(*was);
            }
        }
    }
    stats.routed_days = routes.iter().filter(|r| r.is_some()).count();
    timings.routing = t0.elapsed().as_secs_f64();

    let mut run = assemble::assemble(&built, cfg, &a, &left, &routes, req);
    timings.total = started.elapsed().as_secs_f64();
    run.roster.timings = timings;
    run.roster.model = stats;
    Ok(run)
}

/// The objective of an assignment on the model's terms (lower is better): tour metres,
/// penalties of the tasks left out, lateness.
fn score(
    p: &problem::AssignProblem,
    cfg: &config::ModelConfig,
    a: &Assigner,
    left: &[(usize, LeftOutReason)],
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
    built: &Built,
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
    let req = built.day_request(cfg, b, &on_site, desk_minutes(p, a, b));
    let err = |source| RosterError::Day {
        engineer: built.data.engineers[p.bins[b].engineer].id.clone(),
        date: built.date(p.bins[b].day),
        source,
    };
    let problem = routing::day_problem(&req, travel).map_err(err)?;
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
