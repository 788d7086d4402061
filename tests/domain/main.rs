//! Integration tests of the domain rules and the Nanchang scenario, one binary.

mod cadence;
mod calendar;
mod installation;
mod rings;
mod scenario;
mod sla;
mod support;
