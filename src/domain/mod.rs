//! The domain: who and what the service plans for, and the rules it must honour.
//!
//! No I/O and no solver here (the innermost ring). Data types reject bad values in their
//! constructors and deserializers with a [`FieldError`] that names the field:
//! - places: [`district`], [`service_point`], [`site`] (WGS-84 [`geo::LatLon`], an
//!   [`geo::AreaType`] for travel speeds);
//! - [`device`]s of a [`family`], [`engineer`]s with skills and shifts;
//! - time: [`clock`] (the one source of "now"), [`instant`] (real instants in
//!   Asia/Shanghai), [`day_time`] and [`week`] (local windows), [`dates`], [`calendar`]
//!   (public holidays), [`duration`], [`lunch`] (the break rule);
//! - work: [`task`]s with [`durations`], [`fault`]s, [`history`] of completed visits;
//! - rules: [`cadence`] (inspections and callbacks due, compliance), [`sla`] (fault
//!   deadlines and milestones), [`fault_model`] (fault rates for the simulation),
//!   [`due_tasks`] (the cadence tasks of a whole customer base in a horizon);
//! - outcomes: [`reason`] (why a task is left out of a plan or a roster).

pub mod cadence;
pub mod calendar;
pub mod clock;
pub mod config;
pub mod dates;
pub mod day_time;
pub mod device;
pub mod district;
pub mod due_tasks;
pub mod duration;
pub mod durations;
pub mod engineer;
pub mod error;
pub mod family;
pub mod fault;
pub mod fault_model;
pub mod geo;
pub mod history;
pub mod ids;
pub mod installation;
pub mod instant;
pub mod lunch;
pub mod name;
pub mod oncall;
pub mod parts;
pub mod reason;
pub mod service_point;
pub mod site;
pub mod sla;
pub mod task;
pub mod week;

pub use config::DomainConfig;
pub use error::FieldError;
