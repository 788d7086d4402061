//! `fieldplan plan`: plan one day of the scenario, print a summary table, write the plan JSON;
//! or export the day's problem for VROOM (`--export vroom FILE`), or plan on a VROOM solution's
//! routes (`--routes vroom FILE`) and check the plan (`--check`).

use crate::plan::oncall::carried;
use crate::plan::{
    DayInputs, GivenRoute, Plan, PlanRequest, PlanningContext, check, check_after, day_problem,
    load_settings, plan_day, plan_day_with_routes,
};
use crate::scenario::{Scenario, load_config};
use anyhow::Context;
use clap::Args;
use std::path::{Path, PathBuf};
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
    /// `--export vroom FILE`: write the day's routing problem (the one the search solves) as
    /// VROOM input JSON to FILE, and plan nothing.
    #[arg(long, num_args = 2, value_names = ["FORMAT", "FILE"])]
    pub export: Option<Vec<String>>,
    /// `--routes vroom FILE`: take the search's routes from a VROOM solution of the exported
    /// problem (mapped by its descriptions) instead of searching; the rest of the day plan is
    /// made as usual.
    #[arg(long, num_args = 2, value_names = ["FORMAT", "FILE"])]
    pub routes: Option<Vec<String>>,
    /// Check the plan with the independent plan checker; violations exit non-zero.
    #[arg(long)]
    pub check: bool,
    /// The plan of the day before (JSON, as `--out` writes it): its call-outs whose rest
    /// reaches into `--date` delay those engineers' shifts (and `--check` checks the plan
    /// against it).
    #[arg(long)]
    pub previous: Option<PathBuf>,
}

/// The plan of the day before `date`, read from `file`.
fn read_previous(file: &Path, date: chrono::NaiveDate) -> anyhow::Result<Plan> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let plan: Plan = serde_json::from_str(&text)
        .with_context(|| format!("--previous {}: not a plan", file.display()))?;
    if plan.date.succ_opt() != Some(date) {
        anyhow::bail!(
            "--previous {}: a plan of {}, not of the day before {date}",
            file.display(),
            plan.date
        );
    }
    Ok(plan)
}

/// The file of a `FORMAT FILE` pair whose only format is `vroom`.
fn vroom_file(flag: &str, pair: &[String]) -> anyhow::Result<PathBuf> {
    match pair {
        [format, file] if format == "vroom" => Ok(PathBuf::from(file)),
        [format, _] => anyhow::bail!("--{flag}: unknown format '{format}' (only 'vroom')"),
        _ => anyhow::bail!("--{flag} takes a format and a file"),
    }
}

/// Writes the day's problem as VROOM input.
fn export_vroom(ctx: &PlanningContext, date: chrono::NaiveDate, out: &Path) -> anyhow::Result<()> {
    let day = day_problem(ctx, date, &DayInputs::default())?;
    let Some(problem) = day.problem() else {
        anyhow::bail!("--export: nobody is on shift on {date}; there is no problem to export");
    };
    let jobs: Vec<String> = day.jobs().iter().map(|(t, _)| t.to_string()).collect();
    let engineers: Vec<String> = day.engineers().iter().map(|e| e.to_string()).collect();
    let json =
        crate::plan::vroom::problem_json(problem, &jobs, &engineers).context("--export vroom")?;
    std::fs::write(out, serde_json::to_string(&json)?)
        .with_context(|| format!("writing {}", out.display()))?;
    println!(
        "{} jobs ({} pairs) and {} engineers written to {}",
        problem.jobs.len(),
        problem.pairs.len(),
        problem.vehicles.len(),
        out.display()
    );
    Ok(())
}

/// The routes of a VROOM solution file, as the planner's given routes.
fn vroom_routes(file: &Path) -> anyhow::Result<Vec<GivenRoute>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    crate::plan::vroom::read_routes(&text).with_context(|| format!("--routes {}", file.display()))
}

pub fn run(args: PlanArgs) -> anyhow::Result<()> {
    let scenario = Scenario::load(&args.data)?;
    let config = load_config(&args.config)?;
    let started = std::time::Instant::now();
    let travel = args.travel.load(&PlanningContext::places(&scenario))?;
    let settings = load_settings(&args.config)?;
    let ctx = PlanningContext::shared(scenario, config, travel.model(), settings)?;
    if let Some(pair) = &args.export {
        return export_vroom(&ctx, args.date, &vroom_file("export", pair)?);
    }
    let given = match &args.routes {
        Some(pair) => Some(vroom_routes(&vroom_file("routes", pair)?)?),
        None => None,
    };
    let request = PlanRequest {
        date: args.date,
        time_limit: Duration::try_from_secs_f64(args.time_limit)
            .context("--time-limit must be a non-negative number of seconds")?,
        seed: args.seed,
        threads: args.threads.max(1),
        max_work: None,
    };
    let previous = match &args.previous {
        Some(file) => Some(read_previous(file, args.date)?),
        None => None,
    };
    let inputs = DayInputs {
        carried_call_outs: previous
            .as_ref()
            .map(|p| carried(&ctx, p, args.date))
            .unwrap_or_default(),
        ..DayInputs::default()
    };
    let plan = match &given {
        Some(routes) => plan_day_with_routes(&ctx, &request, &inputs, routes)?,
        None => plan_day(&ctx, &request, &inputs)?,
    };
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
    if args.check {
        let mut violations = check(&plan, &ctx);
        if let Some(previous) = &previous {
            violations.extend(check_after(previous, &plan, &ctx));
        }
        for v in &violations {
            println!("violation: {v:?}");
        }
        if !violations.is_empty() {
            anyhow::bail!("the plan checker found {} violation(s)", violations.len());
        }
        println!("plan check: no violation");
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
