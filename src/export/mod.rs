//! Feeds of a published roster: an iCalendar file per engineer ([`ics`]) and a CSV of every
//! visit for Excel ([`csv`]).

pub mod csv;
pub mod ics;
