//! Integration tests of the simulation and the staffing sweep, one binary.

mod engine;
mod support;
mod sweep;
