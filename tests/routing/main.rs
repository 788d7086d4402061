//! Routing tests: the independent checker, property tests of the solver against it, and
//! exhaustive search for the optimum on tiny instances.

mod check;
mod support;
