//! Solvers on index-based problems. They know nothing of sites, engineers or HTTP.
//!
//! - [`routing`]: the rich VRPTW solver;
//! - [`diagnose`]: why a job is left out, job by job;
//! - [`replan`]: urgent insertion into existing routes with a bounded, stability-aware repair;
//! - [`roster`]: the multi-day roster (LP relaxation, rounding, repair, routed days).

pub mod diagnose;
pub mod replan;
pub mod roster;
pub mod routing;
