//! `fieldplan export ics` (one engineer's calendar) and `fieldplan export csv` (every visit)
//! from a `roster.json`.

use crate::domain::ids::EngineerId;
use crate::export::{csv::roster_csv, ics::engineer_calendar};
use crate::plan::roster::Roster;
use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ExportCommand {
    /// iCalendar feed of one engineer's visits.
    Ics(IcsArgs),
    /// CSV of every visit (UTF-8 with BOM, for Excel).
    Csv(CsvArgs),
}

#[derive(Args)]
pub struct IcsArgs {
    #[arg(long)]
    pub roster: PathBuf,
    /// The previously published roster: visits gone since are emitted as cancelled.
    #[arg(long)]
    pub previous: Option<PathBuf>,
    #[arg(long)]
    pub engineer: String,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct CsvArgs {
    #[arg(long)]
    pub roster: PathBuf,
    #[arg(long)]
    pub out: PathBuf,
}

fn read_roster(path: &Path) -> anyhow::Result<Roster> {
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut de = serde_json::Deserializer::from_slice(&text);
    serde_path_to_error::deserialize(&mut de).with_context(|| format!("parsing {}", path.display()))
}

pub fn run(cmd: ExportCommand) -> anyhow::Result<()> {
    match cmd {
        ExportCommand::Ics(args) => {
            let roster = read_roster(&args.roster)?;
            let previous = args.previous.as_deref().map(read_roster).transpose()?;
            let engineer = EngineerId::new(args.engineer.clone())
                .map_err(|e| anyhow::anyhow!("--engineer: {}", e.message))?;
            let text = engineer_calendar(&roster, &engineer, previous.as_ref());
            std::fs::write(&args.out, text)
                .with_context(|| format!("writing {}", args.out.display()))?;
            let n = roster.visits_of(&engineer).count();
            eprintln!("{n} visits of {engineer} written to {}", args.out.display());
        }
        ExportCommand::Csv(args) => {
            let roster = read_roster(&args.roster)?;
            std::fs::write(&args.out, roster_csv(&roster))
                .with_context(|| format!("writing {}", args.out.display()))?;
            eprintln!(
                "{} visits written to {}",
                roster.visits().count(),
                args.out.display()
            );
        }
    }
    Ok(())
}
