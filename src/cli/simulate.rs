//! `fieldplan simulate`: a staffing sweep on a scenario; writes `results.csv`,
//! `results.json` and `chart.svg` to `--out` and prints a summary table.

use crate::scenario::{Scenario, load_config};
use crate::sim::{
    self, PolicyKind, SimConfig, SweepConfig, SweepParams, SweepResult, Target, parse_staff_range,
};
use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum PolicyArg {
    /// Greedy dispatcher: nearest available skilled engineer, cheapest insertion.
    Baseline,
    /// The real day planner and urgent re-planner (the default).
    Planner,
}

impl From<PolicyArg> for PolicyKind {
    fn from(p: PolicyArg) -> Self {
        match p {
            PolicyArg::Baseline => PolicyKind::Baseline,
            PolicyArg::Planner => PolicyKind::Planner,
        }
    }
}

#[derive(Args)]
pub struct SimulateArgs {
    /// Days to simulate from the scenario's reference date.
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// Headcounts, `FROM..TO` inclusive (or one number).
    #[arg(long, default_value = "18..36")]
    pub staff: String,
    /// Step between headcounts.
    #[arg(long, default_value_t = 2)]
    pub step: usize,
    /// Replications per headcount.
    #[arg(long, default_value_t = 10)]
    pub reps: u32,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory.
    #[arg(long, default_value = "sim")]
    pub out: PathBuf,
    #[arg(long, default_value = "data/nanchang")]
    pub scenario: PathBuf,
    #[arg(long, default_value = "config")]
    pub config: PathBuf,
    /// Simulation settings (JSON, the fields of `SimConfig`); flags override `days`.
    #[arg(long)]
    pub sim_config: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub policy: Option<PolicyArg>,
    /// Target: share of faults of the target level on site within the target time.
    #[arg(long, default_value_t = 0.95)]
    pub target_fault_share: f64,
    /// Target: fault level (1-4).
    #[arg(long, default_value_t = 1)]
    pub target_level: u8,
    /// Target: on site within, e.g. "4h".
    #[arg(long, default_value = "4h")]
    pub target_on_site: String,
    /// Target: share of inspections done in their window.
    #[arg(long, default_value_t = 0.98)]
    pub target_inspections: f64,
    /// Multiplies every fault rate of the model (1: the scenario's rates).
    #[arg(long)]
    pub fault_rate_factor: Option<f64>,
    /// Work budget of each day plan's search (deterministic; 100M is about 1 s).
    #[arg(long, default_value_t = crate::sim::config::DEFAULT_PLAN_WORK)]
    pub plan_work: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub travel: super::travel::TravelArgs,
}

pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let staff = parse_staff_range(&args.staff, args.step)?;
    let mut sim_cfg = match &args.sim_config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str::<SimConfig>(&text)
                .with_context(|| format!("{}: not a simulation config", path.display()))?
        }
        None => SimConfig::default(),
    };
    sim_cfg.days = args.days;
    if let Some(f) = args.fault_rate_factor {
        sim_cfg.faults.rate_factor = f;
    }
    let target = Target {
        level: crate::domain::fault::FaultLevel::try_from(args.target_level)
            .map_err(|e| anyhow::anyhow!("--target-level: {}", e.message))?,
        on_site_within: crate::domain::duration::Minutes::parse(&args.target_on_site)
            .map_err(|e| anyhow::anyhow!("--target-on-site: {}", e.message))?,
        fault_share: args.target_fault_share,
        inspection_share: args.target_inspections,
    };
    let params = SweepParams {
        staff,
        reps: args.reps,
        seed: args.seed,
        sim: sim_cfg,
        target,
        policy: args
            .policy
            .map_or_else(sim::default_policy, PolicyKind::from),
        plan_work: args.plan_work,
    };
    params.check()?;
    let scenario = Scenario::load(&args.scenario)
        .with_context(|| format!("loading scenario {}", args.scenario.display()))?;
    let domain = load_config(&args.config)
        .with_context(|| format!("loading config {}", args.config.display()))?;
    let travel = args
        .travel
        .load(&crate::plan::PlanningContext::places(&scenario))?;
    let mut cfg = SweepConfig::new(Arc::new(scenario), Arc::new(domain), params)?
        .with_travel(travel.model())
        .map_err(|e| anyhow::anyhow!("--travel {}: {e}", args.travel.travel))?;
    cfg.plan = crate::plan::load_settings(&args.config)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;

    let total = cfg.total_units();
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(total)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {pos}/{len} engineer-days simulated, {elapsed} elapsed, ETA {eta}",
        )
        .expect("a valid template"),
    );
    let high = AtomicU64::new(0);
    let progress = |done: u64, _total: u64| {
        let before = high.fetch_max(done, Ordering::Relaxed);
        bar.set_position(before.max(done));
    };
    let cancel = AtomicBool::new(false);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("starting worker threads")?;
    let result = pool.install(|| sim::run_sweep(&cfg, &progress, &cancel));
    bar.finish_and_clear();

    let csv_path = args.out.join("results.csv");
    write_csv(&result, &csv_path).with_context(|| format!("writing {}", csv_path.display()))?;
    let json_path = args.out.join("results.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&result)?)
        .with_context(|| format!("writing {}", json_path.display()))?;
    let svg_path = args.out.join("chart.svg");
    std::fs::write(&svg_path, sim::chart_svg(&result))
        .with_context(|| format!("writing {}", svg_path.display()))?;
    print_summary(&result);
    println!(
        "wrote {}, {}, {} ({:.1} s)",
        csv_path.display(),
        json_path.display(),
        svg_path.display(),
        result.seconds
    );
    Ok(())
}

/// Milestones in `sim::RepSummary::milestones` order.
const MILESTONE_NAMES: [&str; 5] = ["respond", "dispatch", "solution", "on_site", "resolve"];

/// Per level and milestone: the mean share met (or not needed) across replications, `-`
/// where the level has no such milestone; and the call-outs per replication.
fn print_milestones(result: &SweepResult) {
    println!("per level and milestone, mean % met across replications; call-outs per replication");
    let mut head = format!("{:>5}", "staff");
    for l in 1..=4 {
        for m in ["resp", "disp", "sol", "site", "res"] {
            head.push_str(&format!(" {:>6}", format!("L{l}{m}")));
        }
    }
    println!("{head} {:>8}", "callouts");
    for lv in &result.levels {
        let mut line = format!("{:>5}", lv.headcount);
        for l in 0..4 {
            for k in 0..5 {
                let decided = lv
                    .replications
                    .iter()
                    .any(|r| r.milestones_decided[l][k] > 0);
                let cell = if decided {
                    pct(lv.milestones[l][k].mean)
                } else {
                    "-".into()
                };
                line.push_str(&format!(" {cell:>6}"));
            }
        }
        println!("{line} {:>8.1}", lv.call_outs.mean);
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}", x * 100.0)
}

fn write_csv(result: &SweepResult, path: &std::path::Path) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    let mut header = vec!["headcount".to_string(), "reps".to_string()];
    let stat_cols = |name: &str| [name.to_string(), format!("{name}_lo"), format!("{name}_hi")];
    for l in 1..=4 {
        header.push(format!("l{l}_faults"));
        header.extend(stat_cols(&format!("l{l}_sla")));
        header.extend(stat_cols(&format!("l{l}_on_site_within_target")));
        header.extend(stat_cols(&format!("l{l}_mean_on_site_min")));
        for m in MILESTONE_NAMES {
            header.extend(stat_cols(&format!("l{l}_{m}_met")));
        }
    }
    header.extend(stat_cols("call_outs"));
    for name in [
        "inspections_in_window",
        "on_site_callbacks_in_window",
        "utilisation",
        "overtime_hours",
        "km",
        "cost_yuan",
    ] {
        header.extend(stat_cols(name));
    }
    header.push("meets_target".into());
    w.write_record(&header)?;
    for lv in &result.levels {
        let mut row = vec![lv.headcount.to_string(), lv.reps.to_string()];
        let s3 = |s: &sim::Stat| [s.mean, s.lo, s.hi].map(|x| format!("{x:.4}"));
        for l in 0..4 {
            row.push(format!("{:.1}", lv.faults[l]));
            row.extend(s3(&lv.sla[l]));
            row.extend(s3(&lv.on_site[l]));
            row.extend(s3(&lv.mean_on_site_minutes[l]));
            for s in &lv.milestones[l] {
                row.extend(s3(s));
            }
        }
        row.extend(s3(&lv.call_outs));
        for s in [
            &lv.inspections,
            &lv.on_site_callbacks,
            &lv.utilisation,
            &lv.overtime_hours,
            &lv.km,
            &lv.cost,
        ] {
            row.extend(s3(s));
        }
        row.push(lv.meets_target.to_string());
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

fn print_summary(result: &SweepResult) {
    let t = &result.params.target;
    let tl = usize::from(t.level.number() - 1);
    println!(
        "policy {}, {} days, {} replications; mean [90% interval] across replications",
        result.policy, result.params.sim.days, result.params.reps
    );
    println!(
        "{:>5} | {:>20} | {:>18} | {:>18} | {:>18} | {:>5} | {:>6} | {:>7} | {:>9} | target",
        "staff",
        format!("L{} on site <= {}", t.level.number(), t.on_site_within),
        "L1 SLA %",
        "L2 SLA %",
        "inspections %",
        "util%",
        "OT h",
        "km",
        "cost k¥",
    );
    let iv = |s: &sim::Stat| format!("{} [{}-{}]", pct(s.mean), pct(s.lo), pct(s.hi));
    for lv in &result.levels {
        println!(
            "{:>5} | {:>20} | {:>18} | {:>18} | {:>18} | {:>5} | {:>6.0} | {:>7.0} | {:>9.1} | {}",
            lv.headcount,
            iv(&lv.on_site[tl]),
            iv(&lv.sla[0]),
            iv(&lv.sla[1]),
            iv(&lv.inspections),
            pct(lv.utilisation.mean),
            lv.overtime_hours.mean,
            lv.km.mean,
            lv.cost.mean / 1000.0,
            if lv.meets_target { "met" } else { "-" },
        );
    }
    print_milestones(result);
    match result.smallest_meeting_target {
        Some(h) => println!(
            "smallest headcount meeting the target ({:.0}% of level-{} faults on site within {}, {:.0}% of inspections in window): {h}",
            t.fault_share * 100.0,
            t.level.number(),
            t.on_site_within,
            t.inspection_share * 100.0
        ),
        None => println!(
            "no headcount in the sweep meets the target ({:.0}% of level-{} faults on site within {}, {:.0}% of inspections in window)",
            t.fault_share * 100.0,
            t.level.number(),
            t.on_site_within,
            t.inspection_share * 100.0
        ),
    }
    if result.cancelled {
        println!("(cancelled: only the headcounts shown finished)");
    }
}
