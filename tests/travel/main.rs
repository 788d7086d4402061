//! Integration tests of the travel ring (`fieldplan::travel`): one binary, one module per model.

mod cache;
mod geodesic;
mod helsinki;
mod osm;
mod road;
mod source;
mod support;
mod user;
