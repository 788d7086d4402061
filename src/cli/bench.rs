//! `fieldplan bench solomon`: solve every Solomon instance of a directory with the real solver
//! and compare with the best-known values of the directory's `bks.csv`.
//!
//! Reference values (see `shared/bench/SOURCES.md`): `hierarchical_double` under the
//! hierarchical objective; under the distance objective the smaller of
//! `distance_double_literature` and `distance_double_dimacs_routes`, ignoring the literature
//! values of R109 and RC103, which break the DIMACS lower bound. Feasibility is our own
//! double-precision check ([`check_solomon`]), the rules of `check_solution.py`.

use super::solve::{Format, ObjectiveArg, solve_solomon, solver_config};
use crate::io::solomon::SolomonObjective;
use crate::io::solomon_check::check_solomon;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub suite: Suite,
}

#[derive(Subcommand)]
pub enum Suite {
    /// Solve every instance of a directory (`*.txt` Solomon, or `*.vrp` with `--format vrplib`)
    /// and compare with its `bks.csv`.
    Solomon(SolomonBenchArgs),
}

#[derive(Args)]
pub struct SolomonBenchArgs {
    /// Directory holding the instances (`*.txt`) and, optionally, `bks.csv`.
    #[arg(long)]
    pub dir: PathBuf,
    /// Time limit per instance, in seconds.
    #[arg(long, default_value_t = 1.0)]
    pub time_limit: f64,
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    #[arg(long, value_enum, default_value = "hierarchical")]
    pub objective: ObjectiveArg,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Format of the instances: `solomon` reads `DIR/*.txt`, `vrplib` reads `DIR/*.vrp`.
    #[arg(long, value_enum, default_value = "solomon")]
    pub format: Format,
    /// Also write the results as CSV to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// A best-known solution's size.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Bks {
    pub vehicles: usize,
    pub distance: f64,
}

/// Best-known values keyed by (instance, objective convention).
pub type BksTable = HashMap<(String, String), Bks>;

/// Literature distance-only values that are below the DIMACS lower bound (SOURCES.md).
const WRONG_LITERATURE: [&str; 2] = ["R109", "RC103"];

/// Splits one CSV line into fields; double quotes protect commas and `""` is a quote.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("never empty").push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().expect("never empty").push(c),
        }
    }
    fields
}

/// Parses a `bks.csv` (`instance,customers,bks_vehicles,bks_distance,objective_convention,...`);
/// errors name the line.
pub fn parse_bks(text: &str) -> anyhow::Result<BksTable> {
    let mut table = HashMap::new();
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Ok(table);
    };
    let header = csv_fields(header);
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .with_context(|| format!("line 1: no '{name}' column"))
    };
    let (c_instance, c_vehicles, c_distance, c_convention) = (
        column("instance")?,
        column("bks_vehicles")?,
        column("bks_distance")?,
        column("objective_convention")?,
    );
    for (i, line) in lines {
        let fields = csv_fields(line);
        let field = |c: usize| fields.get(c).map(|f| f.trim()).unwrap_or_default();
        let vehicles = field(c_vehicles).parse().with_context(|| {
            format!(
                "line {}: bks_vehicles '{}' is not a whole number",
                i + 1,
                field(c_vehicles)
            )
        })?;
        let distance: f64 = field(c_distance)
            .parse()
            .ok()
            .filter(|d: &f64| d.is_finite())
            .with_context(|| {
                format!(
                    "line {}: bks_distance '{}' is not a number",
                    i + 1,
                    field(c_distance)
                )
            })?;
        table.insert(
            (
                field(c_instance).to_string(),
                field(c_convention).to_string(),
            ),
            Bks { vehicles, distance },
        );
    }
    Ok(table)
}

/// The reference value of `instance` under `objective`.
pub fn reference(table: &BksTable, instance: &str, objective: SolomonObjective) -> Option<Bks> {
    let get = |convention: &str| table.get(&(instance.to_string(), convention.to_string()));
    match objective {
        SolomonObjective::Hierarchical => get("hierarchical_double").copied(),
        SolomonObjective::Distance => {
            let literature = get("distance_double_literature")
                .filter(|_| !WRONG_LITERATURE.contains(&instance))
                .copied();
            let routes = get("distance_double_dimacs_routes").copied();
            [literature, routes]
                .into_iter()
                .flatten()
                .min_by(|a, b| a.distance.total_cmp(&b.distance))
        }
    }
}

/// One solved instance.
#[derive(Clone, Debug)]
pub struct BenchRow {
    pub instance: String,
    pub vehicles: usize,
    pub distance: f64,
    pub bks: Option<Bks>,
    /// Distance gap to the reference, in percent.
    pub gap: Option<f64>,
    pub seconds: f64,
    pub feasible: bool,
    /// Customers the solver left out.
    pub unassigned: usize,
    /// False when the wall clock, not the work budget, ended the search.
    pub deterministic: bool,
}

/// The instance files of `dir`, sorted by name.
fn instance_files(dir: &Path, extension: &str) -> anyhow::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        bail!("{}: not a directory", dir.display());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot list", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("{}: no instance (*.{extension}) found", dir.display());
    }
    Ok(files)
}

fn fmt_opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.decimals$}"))
}

const HEADER: [&str; 8] = [
    "instance", "vehicles", "distance", "bks_veh", "bks_dist", "gap_%", "seconds", "feasible",
];

fn table_line(cells: &[String]) -> String {
    let widths = [10, 8, 11, 7, 11, 7, 8, 8];
    let mut line = String::new();
    for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
        if i == 0 {
            let _ = write!(line, "{cell:<w$}");
        } else {
            let _ = write!(line, " {cell:>w$}");
        }
    }
    line
}

fn row_cells(r: &BenchRow) -> Vec<String> {
    vec![
        r.instance.clone(),
        r.vehicles.to_string(),
        format!("{:.2}", r.distance),
        r.bks
            .map_or_else(|| "-".to_string(), |b| b.vehicles.to_string()),
        fmt_opt(r.bks.map(|b| b.distance), 2),
        fmt_opt(r.gap, 2),
        format!("{:.2}", r.seconds),
        if r.feasible { "yes" } else { "NO" }.to_string(),
    ]
}

/// The summary lines under the table.
pub fn summary(rows: &[BenchRow], objective: SolomonObjective) -> Vec<String> {
    let mut lines = Vec::new();
    let gaps: Vec<f64> = rows
        .iter()
        .filter(|r| r.feasible)
        .filter_map(|r| r.gap)
        .collect();
    lines.push(format!(
        "mean gap: {} % (over {} feasible instance(s) with a reference)",
        fmt_opt(
            (!gaps.is_empty()).then(|| gaps.iter().sum::<f64>() / gaps.len() as f64),
            2
        ),
        gaps.len()
    ));
    lines.push(format!(
        "feasible: {}/{}",
        rows.iter().filter(|r| r.feasible).count(),
        rows.len()
    ));
    if objective == SolomonObjective::Hierarchical {
        let at_bks: Vec<&BenchRow> = rows
            .iter()
            .filter(|r| r.feasible && r.bks.is_some_and(|b| r.vehicles <= b.vehicles))
            .collect();
        let close = at_bks
            .iter()
            .filter(|r| r.gap.is_some_and(|g| g <= 1.0))
            .count();
        lines.push(format!(
            "at BKS vehicles or fewer: {}/{}; of those within 1% distance: {close}",
            at_bks.len(),
            rows.iter().filter(|r| r.bks.is_some()).count()
        ));
    }
    lines
}

fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The results as CSV, one row per instance.
pub fn to_csv(rows: &[BenchRow], args: &SolomonBenchArgs) -> String {
    let objective = match args.objective {
        ObjectiveArg::Hierarchical => "hierarchical",
        ObjectiveArg::Distance => "distance",
    };
    let mut out = String::from(
        "instance,vehicles,distance,bks_vehicles,bks_distance,gap_percent,seconds,feasible,unassigned,deterministic,objective,time_limit,threads,seed\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{:.6},{},{},{},{:.3},{},{},{},{objective},{},{},{}",
            csv_escape(&r.instance),
            r.vehicles,
            r.distance,
            r.bks.map_or(String::new(), |b| b.vehicles.to_string()),
            r.bks.map_or(String::new(), |b| b.distance.to_string()),
            r.gap.map_or(String::new(), |g| format!("{g:.4}")),
            r.seconds,
            r.feasible,
            r.unassigned,
            r.deterministic,
            args.time_limit,
            args.threads,
            args.seed,
        );
    }
    out
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    match args.suite {
        Suite::Solomon(a) => run_solomon(&a),
    }
}

fn run_solomon(args: &SolomonBenchArgs) -> anyhow::Result<()> {
    let config = solver_config(args.time_limit, args.seed, args.threads)?;
    let objective: SolomonObjective = args.objective.into();
    let files = instance_files(&args.dir, args.format.extension())?;
    // Read everything first: a malformed file stops the run before any solving.
    let instances = files
        .iter()
        .map(|f| args.format.read(f))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let bks_path = args.dir.join("bks.csv");
    let table = if bks_path.is_file() {
        let text = std::fs::read_to_string(&bks_path)
            .with_context(|| format!("{}: cannot read", bks_path.display()))?;
        parse_bks(&text).with_context(|| bks_path.display().to_string())?
    } else {
        eprintln!(
            "note: {} not found; no reference values",
            bks_path.display()
        );
        BksTable::new()
    };

    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(instances.len() as u64).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {msg}")
                .expect("a valid template"),
        )
    } else {
        ProgressBar::hidden()
    };
    let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    bar.suspend(|| println!("{}", table_line(&header)));
    let mut rows = Vec::with_capacity(instances.len());
    for (instance, file) in instances.iter().zip(&files) {
        bar.set_message(instance.name.clone());
        let output = solve_solomon(instance, objective, &config);
        let score = check_solomon(instance, &output.routes);
        let name = if instance.name.is_empty() {
            file.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            instance.name.clone()
        };
        let bks = reference(&table, &name, objective);
        let row = BenchRow {
            gap: bks.map(|b| (score.distance - b.distance) / b.distance * 100.0),
            instance: name,
            vehicles: score.vehicles,
            distance: score.distance,
            bks,
            seconds: output.seconds,
            feasible: score.feasible(),
            unassigned: output.unassigned.len(),
            deterministic: output.deterministic,
        };
        bar.suspend(|| println!("{}", table_line(&row_cells(&row))));
        rows.push(row);
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!();
    for line in summary(&rows, objective) {
        println!("{line}");
    }
    if let Some(out) = &args.out {
        std::fs::write(out, to_csv(&rows, args))
            .with_context(|| format!("{}: cannot write", out.display()))?;
    }
    Ok(())
}
