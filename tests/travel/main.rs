//! Integration tests of the travel ring (`fieldplan::travel`): one binary, one module per model.

mod cache;
mod geodesic;
mod osm;
mod road;
mod support;
mod user;
