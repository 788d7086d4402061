//! `fieldplan solve`: one instance, one JSON answer on stdout.

use crate::io::solomon::{Instance, SolomonObjective};
use crate::solve::routing::{self, SolverConfig};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Solomon and Gehring-Homberger text files (`*.txt`).
    Solomon,
    /// VRPLIB (CVRPLIB, PyVRP, the `vrplib` package; `*.vrp`), Euclidean.
    Vrplib,
}

impl Format {
    /// Reads an instance file in this format; errors name the file and line.
    pub fn read(self, path: &std::path::Path) -> anyhow::Result<Instance> {
        match self {
            Format::Solomon => Instance::read(path),
            Format::Vrplib => crate::io::vrplib::read(path),
        }
    }

    /// The extension of this format's files.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Solomon => "txt",
            Format::Vrplib => "vrp",
        }
    }
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum ObjectiveArg {
    /// Fewest vehicles, then distance.
    Hierarchical,
    /// Distance only, at most the fleet size.
    Distance,
}

impl From<ObjectiveArg> for SolomonObjective {
    fn from(o: ObjectiveArg) -> Self {
        match o {
            ObjectiveArg::Hierarchical => SolomonObjective::Hierarchical,
            ObjectiveArg::Distance => SolomonObjective::Distance,
        }
    }
}

#[derive(Args)]
pub struct SolveArgs {
    /// Instance file.
    pub file: PathBuf,
    #[arg(long, value_enum, default_value = "solomon")]
    pub format: Format,
    /// Time limit in seconds.
    #[arg(long, default_value_t = 1.0)]
    pub time_limit: f64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    #[arg(long, value_enum, default_value = "hierarchical")]
    pub objective: ObjectiveArg,
    /// Deterministic work budget per thread, instead of the one derived from the time limit
    /// (the time limit still caps the run).
    #[arg(long)]
    pub work: Option<u64>,
    /// Also print the search's iterations and whether it was deterministic, on stderr.
    #[arg(long)]
    pub stats: bool,
}

/// The answer, in the form `shared/peers/check_solution.py` reads: exactly `instance`,
/// `vehicles`, `distance`, `seconds` and `routes` are printed.
#[derive(Serialize)]
pub struct SolveOutput {
    pub instance: String,
    pub vehicles: usize,
    pub distance: f64,
    pub seconds: f64,
    pub routes: Vec<Vec<usize>>,
    /// Customers left out (they also make the routes fail `check_solomon`).
    #[serde(skip)]
    pub unassigned: Vec<usize>,
    #[serde(skip)]
    pub deterministic: bool,
    #[serde(skip)]
    pub iterations: u64,
}

/// Validates the shared solve arguments into a solver configuration.
pub fn solver_config(time_limit: f64, seed: u64, threads: usize) -> anyhow::Result<SolverConfig> {
    if !(time_limit.is_finite() && time_limit > 0.0) {
        anyhow::bail!("--time-limit must be a positive number of seconds, not {time_limit}");
    }
    if threads == 0 {
        anyhow::bail!("--threads must be at least 1");
    }
    Ok(SolverConfig::default()
        .with_seed(seed)
        .with_threads(threads)
        .with_time_limit(Duration::from_secs_f64(time_limit)))
}

/// Solves a Solomon instance and reports it in customer numbers.
pub fn solve_solomon(
    instance: &Instance,
    objective: SolomonObjective,
    config: &SolverConfig,
) -> SolveOutput {
    let problem = instance.to_problem(objective);
    let solution = routing::solve(&problem, config);
    // Job j is customer j + 1.
    let routes: Vec<Vec<usize>> = solution
        .routes
        .iter()
        .map(|r| r.jobs.iter().map(|&j| j + 1).collect())
        .collect();
    SolveOutput {
        instance: instance.name.clone(),
        vehicles: routes.len(),
        distance: instance.routes_distance(&routes),
        seconds: solution.stats.seconds,
        routes,
        unassigned: solution.unassigned.iter().map(|&j| j + 1).collect(),
        deterministic: solution.stats.deterministic,
        iterations: solution.stats.iterations,
    }
}

pub fn run(args: SolveArgs) -> anyhow::Result<()> {
    let mut config = solver_config(args.time_limit, args.seed, args.threads)?;
    config.max_work = args.work;
    let instance = args.format.read(&args.file)?;
    let output = solve_solomon(&instance, args.objective.into(), &config);
    println!("{}", serde_json::to_string(&output)?);
    if args.stats {
        eprintln!(
            "iterations={} seconds={:.3} deterministic={}",
            output.iterations, output.seconds, output.deterministic
        );
    }
    Ok(())
}
