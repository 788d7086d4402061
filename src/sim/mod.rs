//! Discrete-event simulation of the field service over a horizon, and staffing sweeps.
//!
//! Faults arrive per device as Poisson processes whose rates follow the domain fault model
//! (family, age: a bathtub curve; weekdays busier) at hours drawn from a daily profile
//! ([`arrivals`]); inspections and on-site callbacks fall due by the cadence engine; engineers
//! work the shifts of a roster. A [`Policy`] plans: it rosters each week, plans each day and
//! inserts each fault at its arrival given the engineers' progress ([`policy`]). The default
//! is the real planner ([`planner`]: `plan::plan_day` each morning on a fixed work budget,
//! `plan::replan::insert_fault` at each arrival); [`baseline`] is a greedy yardstick. Reality then
//! departs from the plan: service and travel times are lognormal around the planned ones
//! ([`engine`]). Each replication records, per fault, the answer, dispatch, arrival and
//! resolution against every SLA deadline; per cadence slot, in window, late or missed; per
//! engineer, utilisation, overtime and distance ([`metrics`]).
//!
//! A sweep ([`run_sweep`]) runs headcounts x replications in parallel (rayon) and reports,
//! per headcount, means and 90 % intervals across replications and the smallest headcount
//! meeting a [`Target`]; [`chart_svg`] draws it. Everything is deterministic per seed.
//!
//! Time inside the simulation is whole minutes from local midnight of the first day
//! ([`world::SimMinute`]); China keeps UTC+8 all year, so minutes map to instants one to one.

pub mod arrivals;
pub mod baseline;
pub mod chart;
pub mod config;
pub mod engine;
pub mod metrics;
pub mod planner;
pub mod policy;
pub mod rng;
pub mod staffing;
pub mod sweep;
pub mod world;

pub use chart::chart_svg;
pub use config::{
    CostConfig, FaultsConfig, NoiseConfig, PolicyKind, SimConfig, SimConfigError, SweepParams,
    Target, parse_staff_range,
};
pub use policy::{Policy, PolicyMaker, default_policy};
pub use sweep::{LevelResult, Stat, SweepConfig, SweepResult, run_sweep, run_sweep_with_levels};
