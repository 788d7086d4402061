//! Integration tests of the roster and its feeds, one binary: an independent roster checker,
//! small hand-checked rosters, the Nanchang roster, determinism, iCalendar and CSV exports.

mod check;
mod export;
mod roster;
mod support;
