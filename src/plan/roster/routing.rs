//! Routing one engineer-day of the roster.

pub use crate::solve::roster::routing::*;
