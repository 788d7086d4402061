//! Routing tests: the independent checker, property tests of the solver against it, and
//! exhaustive search for the optimum on tiny instances.

mod brute_force;
mod check;
mod generators;
mod pins;
mod properties;
mod regressions;
mod search;
mod support;
mod sync;
