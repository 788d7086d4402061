//! `fieldplan plan`: plan one day of the scenario, print a summary table, write the plan JSON.

use crate::plan::{DayInputs, Plan, PlanRequest, PlanSettings, PlanningContext, plan_day};
use crate::scenario::{Scenario, load_config};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args)]
pub struct PlanArgs {
    /// The day to plan, YYYY-MM-DD.
    #[arg(long)]
    pub date: chrono::NaiveDate,
    #[arg(long, default_value = "data/nanchang")]
    pub data: PathBuf,
    #[arg(long, default_value = "config")]
    pub config: PathBuf,
    /// Search time limit in seconds.
    #[arg(long, default_value_t = 2.0)]
    pub time_limit: f64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Write the plan as JSON here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub travel: super::travel::TravelArgs,
}

pub fn run(args: PlanArgs) -> anyhow::Result<()> {
    let scenario = Scenario::load(&args.data)?;
    let config = load_config(&args.config)?;
    let started = std::time::Instant::now();
    let travel = args.travel.load(&PlanningContext::places(&scenario))?;
    let ctx = PlanningContext::shared(scenario, config, travel.model(), PlanSettings::default())?;
    let request = PlanRequest {
        date: args.date,
        time_limit: Duration::try_from_secs_f64(args.time_limit)
            .context("--time-limit must be a non-negative number of seconds")?,
        seed: args.seed,
        threads: args.threads.max(1),
        max_work: None,
    };
    let plan = plan_day(&ctx, &request, &DayInputs::default())?;
    let elapsed = started.elapsed().as_secs_f64();
    print!("{}", summary(&plan));
    println!(
        "planned in {elapsed:.2} s (search {:.2} s)",
        plan.stats.solver_seconds
    );
    if let Some(out) = &args.out {
        let json = serde_json::to_string_pretty(&plan)?;
        std::fs::write(out, json).with_context(|| format!("writing {}", out.display()))?;
        println!("written to {}", out.display());
    }
    Ok(())
}

/// The summary table: one line per engineer, then the totals.
pub fn summary(plan: &Plan) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<8} {:<20} {:>5} {:>9} {:>10} {:>9}",
        "engineer", "name", "stops", "travel km", "work hours", "overtime"
    );
    for r in &plan.routes {
        let k = &r.kpis;
        let _ = writeln!(
            s,
            "{:<8} {:<20} {:>5} {:>9.1} {:>10.2} {:>6} min",
            r.engineer.as_str(),
            r.name,
            k.stops,
            k.travel_km,
            k.work_seconds as f64 / 3600.0,
            k.overtime_seconds / 60
        );
    }
    let k = &plan.kpis;
    let _ = writeln!(
        s,
        "{:<29} {:>5} {:>9.1} {:>10} {:>6} min",
        "total",
        k.stops,
        k.travel_km,
        "",
        k.overtime_seconds / 60
    );
    let _ = writeln!(
        s,
        "{} engineers on shift ({} used), utilisation {:.0}%, {} desk calls, {} unassigned; \
         fault deadlines met {}/{}; inspections in window {}/{}",
        k.engineers_on_shift,
        k.engineers_used,
        k.utilisation * 100.0,
        k.desk_calls,
        k.unassigned,
        k.fault_deadlines_met,
        k.fault_deadlines,
        k.inspections_in_window,
        k.inspections_planned
    );
    let mut reasons = std::collections::BTreeMap::new();
    for u in &plan.unassigned {
        *reasons.entry(format!("{:?}", u.reason)).or_insert(0) += 1;
    }
    if !reasons.is_empty() {
        let _ = writeln!(s, "unassigned by reason: {reasons:?}");
    }
    s
}
