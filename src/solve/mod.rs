//! Solvers on index-based problems. They know nothing of sites, engineers or HTTP.

pub mod roster;
pub mod routing;
