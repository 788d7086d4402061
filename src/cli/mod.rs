//! The command line: `fieldplan solve`, `fieldplan bench solomon`, `fieldplan plan`,
//! `fieldplan scenario`, `fieldplan roster`, `fieldplan export`, `fieldplan serve`,
//! `fieldplan simulate`, `fieldplan token create`, `fieldplan import`, `fieldplan travel
//! matrix`.

pub mod bench;
pub mod export;
pub mod import;
pub mod plan;
pub mod roster;
pub mod scenario;
pub mod serve;
pub mod simulate;
pub mod solve;
pub mod travel;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "fieldplan",
    version,
    about = "Scheduling and optimisation for after-sales field service"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Solve one instance file and print the answer as JSON.
    Solve(solve::SolveArgs),
    /// Solve a directory of benchmark instances and compare with best-known values.
    Bench(bench::BenchArgs),
    /// Plan one day of a scenario: routes, desk calls, unassigned tasks, KPIs.
    Plan(plan::PlanArgs),
    /// Generate or check a scenario (sites, devices, engineers, history).
    #[command(subcommand)]
    Scenario(scenario::ScenarioCommand),
    /// Run the HTTP API.
    Serve(serve::ServeArgs),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(serve::TokenCommand),
    /// Load sites, devices, engineers, completed inspections and callbacks, or spare-part
    /// stock from a CSV file into the database.
    Import(import::ImportArgs),
    /// Simulate the service over a horizon for a range of headcounts (staffing sweep).
    Simulate(simulate::SimulateArgs),
    /// Build the multi-day roster of inspections and callbacks; print KPIs and timings.
    Roster(roster::RosterArgs),
    /// Export a roster: iCalendar per engineer, CSV of every visit.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Travel matrices: precompute and inspect one (`travel matrix`).
    #[command(subcommand)]
    Travel(travel::TravelCommand),
}

/// Exit code for bad input (a malformed file, an invalid argument).
pub const EXIT_BAD_INPUT: u8 = 2;

/// Runs the command line; errors are printed to stderr with a non-zero exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Solve(args) => solve::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Scenario(cmd) => scenario::run(cmd),
        Command::Serve(args) => serve::run(args),
        Command::Token(cmd) => serve::token(cmd),
        Command::Import(args) => import::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Roster(args) => roster::run(args),
        Command::Export(cmd) => export::run(cmd),
        Command::Travel(cmd) => travel::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
