//! `fieldplan scenario generate` (write a seeded scenario) and `fieldplan scenario check`
//! (load a scenario and the configuration, print a summary, and hold every site against the
//! map: non-zero exit when one lies in water or outside its district).

use crate::scenario::generate::{GenerateOptions, generate};
use crate::scenario::map::Map;
use crate::scenario::{Scenario, load_config};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ScenarioCommand {
    /// Generate the synthetic Nanchang scenario (or a scaled variant) into a directory.
    Generate(GenerateArgs),
    /// Load and check a scenario directory and a configuration directory; print a summary.
    Check(CheckArgs),
}

#[derive(Args)]
pub struct GenerateArgs {
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory (files are replaced).
    #[arg(long, default_value = "data/nanchang")]
    pub out: PathBuf,
    /// Number of sites (default 250).
    #[arg(long)]
    pub sites: Option<usize>,
    /// Number of engineers (default 30).
    #[arg(long)]
    pub engineers: Option<usize>,
    /// Sizes as `sites=5000,engineers=200` (same as --sites/--engineers).
    #[arg(long)]
    pub scale: Option<String>,
    /// First day of the horizon, YYYY-MM-DD (default 2026-11-30).
    #[arg(long)]
    pub reference_date: Option<chrono::NaiveDate>,
    /// Horizon length in days (default 28).
    #[arg(long)]
    pub horizon_days: Option<u32>,
}

#[derive(Args)]
pub struct CheckArgs {
    #[arg(default_value = "data/nanchang")]
    pub dir: PathBuf,
    #[arg(long, default_value = "config")]
    pub config: PathBuf,
    /// The map the sites are held against (default: the bundled `data/map/nanchang.toml`).
    #[arg(long)]
    pub map: Option<PathBuf>,
}

/// Parses `sites=5000,engineers=200` into the options.
pub fn apply_scale(spec: &str, opts: &mut GenerateOptions) -> anyhow::Result<()> {
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--scale: '{part}' is not key=value"))?;
        let n: usize = value
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("--scale: {key}: '{value}' is not a whole number"))?;
        match key.trim() {
            "sites" => opts.sites = n,
            "engineers" => opts.engineers = n,
            other => anyhow::bail!("--scale: unknown key '{other}' (use sites, engineers)"),
        }
    }
    Ok(())
}

pub fn run(cmd: ScenarioCommand) -> anyhow::Result<()> {
    match cmd {
        ScenarioCommand::Generate(args) => {
            let mut opts = GenerateOptions {
                seed: args.seed,
                ..GenerateOptions::default()
            };
            if let Some(spec) = &args.scale {
                apply_scale(spec, &mut opts)?;
            }
            opts.sites = args.sites.unwrap_or(opts.sites);
            opts.engineers = args.engineers.unwrap_or(opts.engineers);
            opts.reference_date = args.reference_date.unwrap_or(opts.reference_date);
            opts.horizon_days = args.horizon_days.unwrap_or(opts.horizon_days);
            let scenario = generate(&opts).map_err(anyhow::Error::msg)?;
            scenario.save(&args.out)?;
            eprintln!("{}", summary(&scenario));
            eprintln!("written to {}", args.out.display());
            Ok(())
        }
        ScenarioCommand::Check(args) => {
            let scenario = Scenario::load(&args.dir)?;
            let config = load_config(&args.config)?;
            let horizon = scenario.meta().horizon;
            let due = scenario.due_tasks(&config, horizon);
            let overdue = due
                .iter()
                .filter(|t| match &t.detail {
                    crate::domain::task::TaskDetail::Inspection { due, .. }
                    | crate::domain::task::TaskDetail::PhoneCallback { due }
                    | crate::domain::task::TaskDetail::OnSiteCallback { due } => due.overdue,
                    _ => false,
                })
                .count();
            let repairs = scenario.open_fault_tasks(&config);
            println!("{}", summary(&scenario));
            println!(
                "horizon {} to {}: {} cadence tasks due ({overdue} overdue), {} open faults",
                horizon.first(),
                horizon.last(),
                due.len(),
                repairs.len()
            );
            check_map(&scenario, args.map.as_deref())
        }
    }
}

/// Holds every site and service point against the map: prints each one in water or outside
/// its district, and fails when there is any.
fn check_map(scenario: &Scenario, map: Option<&std::path::Path>) -> anyhow::Result<()> {
    let loaded;
    let map = match map {
        Some(path) => {
            loaded = Map::load(path).map_err(anyhow::Error::msg)?;
            &loaded
        }
        None => Map::nanchang(),
    };
    let misplaced = map.misplaced(scenario);
    let places = scenario.sites().len() + scenario.service_points().len();
    if misplaced.is_empty() {
        println!(
            "map: all {places} sites and service points lie in their districts, none in water"
        );
        return Ok(());
    }
    for m in &misplaced {
        println!("misplaced: {m}");
    }
    anyhow::bail!(
        "{} of {places} sites and service points are in water or outside their district",
        misplaced.len()
    )
}

fn summary(s: &Scenario) -> String {
    format!(
        "{}: {} districts, {} service points, {} sites, {} devices, {} engineers, \
         {} inspections and {} callbacks in the history, {} recent faults",
        s.meta().name,
        s.districts().len(),
        s.service_points().len(),
        s.sites().len(),
        s.devices().len(),
        s.engineers().len(),
        s.inspections().len(),
        s.callbacks().len(),
        s.faults().len()
    )
}
