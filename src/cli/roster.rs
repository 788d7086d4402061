//! `fieldplan roster`: the multi-day roster of a scenario, with KPIs and timings.

use crate::domain::dates::DateRange;
use crate::plan::roster::{RosterConfig, RosterData, RosterRequest, build_roster};
use crate::scenario::{Scenario, load_config};
use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args)]
pub struct RosterArgs {
    /// First day, YYYY-MM-DD (default: the scenario's horizon).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    #[arg(long)]
    pub to: Option<NaiveDate>,
    #[arg(long, default_value = "data/nanchang")]
    pub data: PathBuf,
    /// Configuration directory (`roster.toml` there is optional).
    #[arg(long, default_value = "config")]
    pub config: PathBuf,
    /// Wall-clock cap per route, seconds (the routes' deterministic budgets normally end
    /// them far sooner).
    #[arg(long)]
    pub time_limit: Option<f64>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Publication number of this roster (calendar SEQUENCE).
    #[arg(long, default_value_t = 1)]
    pub version: u32,
    /// Assignment method: the LP model, or the greedy baseline (earliest due first, nearest
    /// engineer) to compare it with.
    #[arg(long, value_enum)]
    pub method: Option<Method>,
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub travel: super::travel::TravelArgs,
}

#[derive(Copy, Clone, Debug, clap::ValueEnum)]
pub enum Method {
    Lp,
    Greedy,
}

/// `config/roster.toml` with the flags' overrides.
fn roster_config(args: &RosterArgs) -> anyhow::Result<RosterConfig> {
    let mut roster_cfg = crate::plan::roster::load_config(&args.config)?;
    if let Some(s) = args.time_limit {
        anyhow::ensure!(s > 0.0, "--time-limit must be positive");
        roster_cfg.routing.time_limit_seconds = s;
    }
    if let Some(m) = args.method {
        roster_cfg.model.method = match m {
            Method::Lp => crate::solve::roster::config::AssignMethod::Lp,
            Method::Greedy => crate::solve::roster::config::AssignMethod::Greedy,
        };
    }
    Ok(roster_cfg)
}

pub fn run(args: RosterArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let scenario = Scenario::load(&args.data)?;
    let config = load_config(&args.config)?;
    let roster_cfg = roster_config(&args)?;
    let meta = scenario.meta().horizon;
    let horizon = DateRange::new(
        args.from.unwrap_or(meta.first()),
        args.to.unwrap_or(meta.last()),
    )
    .map_err(|e| anyhow::anyhow!("--to: {}", e.message))?;
    let tasks = scenario.due_tasks(&config, horizon);
    let loaded = started.elapsed().as_secs_f64();
    let travel = args
        .travel
        .load(&crate::plan::PlanningContext::places(&scenario))?
        .model();
    let req = RosterRequest {
        data: RosterData {
            engineers: scenario.engineers(),
            sites: scenario.sites(),
            service_points: scenario.service_points(),
            devices: scenario.devices(),
            calendar: &config.calendar,
        },
        config: &roster_cfg,
        horizon,
        tasks: &tasks,
        travel: travel.as_ref(),
        seed: args.seed,
        version: args.version,
        cancel: None,
    };
    let mut roster = build_roster(&req)?;
    roster.published_at = Some(
        crate::domain::clock::Clock::now(&crate::domain::clock::SystemClock)
            .as_datetime()
            .with_timezone(&chrono::Utc),
    );
    let k = &roster.kpis;
    let m = &roster.model;
    let t = &roster.timings;
    println!(
        "roster {} to {}: {} tasks, {} engineers, {} engineer-days available, {} used",
        horizon.first(),
        horizon.last(),
        k.tasks,
        roster.engineers.len(),
        k.engineer_days_available,
        k.engineer_days_used
    );
    println!(
        "placed {} ({} in window = {:.1}% of all tasks), late {} ({} days), left out {} ({} deferrable): {:?}",
        k.placed,
        k.placed_in_window,
        k.in_window_pct,
        k.late,
        k.late_days_total,
        k.left_out,
        k.left_out_deferrable,
        k.left_out_by_reason
    );
    println!(
        "inspections: {} due, {} doable on time, {} of those in window = {:.2}% (target 98%)",
        k.inspections,
        k.inspections_doable_on_time,
        k.inspections_doable_placed_in_window,
        k.inspections_doable_in_window_pct
    );
    let w = &k.work_hours_per_engineer;
    println!(
        "travel {:.0} km, {:.1} h; work+travel per engineer {:.1} h mean, std dev {:.1}, min {:.1}, max {:.1}",
        k.travel_km, k.travel_hours, w.mean, w.std_dev, w.min, w.max
    );
    println!(
        "fault reserve: {} h free of {} h asked ({:.0}%), smallest free share of a used day {:.0}%",
        k.free_minutes / 60,
        k.reserve_minutes / 60,
        100.0 * k.free_minutes as f64 / k.reserve_minutes.max(1) as f64,
        100.0 * k.min_free_share
    );
    println!(
        "model ({}): {} pools, {} tasks x {} engineer-days; LP total {} vars, {} rows, {} nonzeros; largest {} vars, {} rows; {} LPs solved, {} failed; {} seed rounds; {} repaired; {} days consolidated; {} relocated; {} days routed in {} solves, {} dropped by routing",
        m.backend,
        m.pools,
        m.tasks,
        m.engineer_days,
        m.lp_total.variables,
        m.lp_total.constraints,
        m.lp_total.nonzeros,
        m.lp_largest.variables,
        m.lp_largest.constraints,
        m.lp_solved,
        m.lp_failed,
        m.seed_rounds,
        m.repaired,
        m.consolidated,
        m.relocated,
        m.routed_days,
        m.route_solves,
        m.route_dropped
    );
    println!(
        "time: load {loaded:.2} s, build {:.2} s, seeds+candidates {:.2} s, LP {:.2} s, rounding+repair {:.2} s, routing {:.2} s; roster {:.2} s; total {:.2} s",
        t.build,
        t.seeds_and_candidates,
        t.lp,
        t.rounding_and_repair,
        t.routing,
        t.total,
        started.elapsed().as_secs_f64()
    );
    if let Some(out) = &args.out {
        let json = serde_json::to_vec_pretty(&roster)?;
        std::fs::write(out, json).with_context(|| format!("writing {}", out.display()))?;
        println!("written to {}", out.display());
    }
    Ok(())
}
