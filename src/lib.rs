//! fieldplan: scheduling and optimisation for after-sales field service.
//!
//! Modules are rings; outer rings may use inner ones, never the reverse:
//! - [`travel`]: travel times and distances between coordinates (geodesic, road network,
//!   user matrix), as index matrices;
//! - [`domain`]: sites, devices, engineers, tasks, cadence and SLA rules (no I/O);
//! - [`solve`]: solvers on index-based problems (routing, diagnosis, urgent re-planning);
//! - [`plan`]: day plans and urgent re-plans from the scenario: problems built, plans, KPIs,
//!   an independent checker;
//! - [`io`]: file formats (Solomon instances);
//! - [`export`]: iCalendar and CSV feeds of a roster;
//! - [`scenario`]: the Nanchang scenario: files, loading, and the seeded generator;
//! - [`store`]: storage (SQLite) of master data, faults, progress events, plan versions;
//! - [`api`]: the HTTP API (axum);
//! - [`sim`]: discrete-event simulation of the service and staffing sweeps;
//! - [`cli`]: the command line.
#![forbid(unsafe_code)]

pub mod api;
pub mod cli;
pub mod domain;
pub mod export;
pub mod io;
pub mod plan;
pub mod scenario;
pub mod sim;
pub mod solve;
pub mod store;
pub mod travel;
