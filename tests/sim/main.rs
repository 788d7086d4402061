//! Integration tests of the simulation and the staffing sweep, one binary.

mod engine;
mod planner;
mod support;
mod sweep;
mod travel;
