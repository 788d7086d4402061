//! fieldplan: scheduling and optimisation for after-sales field service.
//!
//! Modules are rings; outer rings may use inner ones, never the reverse. From the innermost
//! (this is the one statement of the order, which `tests/domain/rings.rs` holds the code to):
//! 1. [`domain`]: sites, devices, engineers, tasks, cadence and SLA rules (no I/O, uses no
//!    other module);
//! 2. [`travel`]: travel times and distances between coordinates (geodesic, road network,
//!    user matrix), as index matrices; uses `domain` (a place's coordinates and area);
//! 3. [`solve`]: solvers on index-based problems (routing, roster assignment, diagnosis,
//!    urgent re-planning); uses `domain` only for plain values (local times, minutes, reason codes), never
//!    for places, and nothing of `travel` or `plan`;
//! 4. [`scenario`] (the Nanchang scenario: files, loading, the seeded generator; uses
//!    `domain`) and [`io`] (file formats: Solomon instances; uses `solve`);
//! 5. [`plan`]: day plans, urgent re-plans and rosters from the scenario: problems built,
//!    plans, KPIs, an independent checker; uses the rings above;
//! 6. the edges, which nothing inside uses: [`export`] (iCalendar and CSV feeds of a
//!    roster), [`store`] (SQLite storage of master data, faults, progress events, plan
//!    versions), [`sim`] (discrete-event simulation of the service and staffing sweeps),
//!    [`api`] (the HTTP API, axum) and [`cli`] (the command line).
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
