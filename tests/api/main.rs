//! HTTP API tests: through `app()` without a socket (`oneshot`), over a real socket, and
//! against the `fieldplan serve` binary (restart after SIGKILL).

mod auth;
mod bad_input;
mod board;
mod engineer_role;
mod fault_handling;
mod faults;
mod hardening;
mod idempotency;
mod import;
mod installations;
mod master;
mod moves;
mod ops;
mod parts;
mod plans;
mod rest;
mod restart;
mod rosters;
mod simulations;
mod socket;
mod support;
mod time_bounds;
mod travel;
