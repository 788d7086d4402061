//! fieldplan: scheduling and optimisation for after-sales field service.
//!
//! Modules are rings; outer rings may use inner ones, never the reverse:
//! - [`travel`]: travel times and distances between coordinates (geodesic, road network,
//!   user matrix), as index matrices;
//! - [`solve`]: solvers on index-based problems (routing);
//! - [`io`]: file formats (Solomon instances);
//! - [`cli`]: the command line.
#![forbid(unsafe_code)]

pub mod cli;
pub mod io;
pub mod solve;
pub mod travel;
