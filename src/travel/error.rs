//! The one error type of the travel ring. Every variant names what was wrong and where (the
//! point index, the file and line, the matrix cell or the configuration field).

use std::path::PathBuf;

/// Why a travel matrix could not be built or loaded.
#[derive(Debug, thiserror::Error)]
pub enum TravelError {
    /// A coordinate or an area type is out of range.
    #[error("point {index}: {source}")]
    InvalidPoint {
        index: usize,
        #[source]
        source: PointError,
    },
    /// A model parameter is out of range.
    #[error("travel configuration: {field} = {value}: {reason}")]
    InvalidConfig {
        field: &'static str,
        value: f64,
        reason: &'static str,
    },
    /// A matrix supplied for `expected` points was asked for another number of points.
    #[error("the travel matrix covers {expected} points but {got} points were given")]
    PointCount { expected: usize, got: usize },
    /// A user-supplied matrix is malformed; `location` names the line, column or cell.
    #[error("{origin}: {location}: {message}")]
    Parse {
        origin: String,
        location: String,
        message: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The OpenStreetMap extract could not be decoded.
    #[error("{}: OpenStreetMap extract: {message}", path.display())]
    Osm { path: PathBuf, message: String },
    /// The road network has no usable part (no drivable way, or an empty graph).
    #[error("road network: {0}")]
    EmptyNetwork(String),
    /// A point is farther from the road network than the model allows.
    #[error(
        "point {index} ({lat}, {lon}) is {metres:.0} m from the nearest road node, \
         more than the allowed {max_metres:.0} m"
    )]
    SnapTooFar {
        index: usize,
        lat: f64,
        lon: f64,
        metres: f64,
        max_metres: f64,
    },
    /// No path joins two points (only possible on a graph that is not strongly connected).
    #[error("no road path from point {from} to point {to}")]
    Unreachable { from: usize, to: usize },
    /// A value does not fit the matrix's integer range (u32 metres or seconds).
    #[error("travel value too large between points {from} and {to}: {what}")]
    Overflow {
        from: usize,
        to: usize,
        what: &'static str,
    },
}

/// Why a coordinate pair was rejected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{field} = {value}: {reason}")]
pub struct PointError {
    pub field: &'static str,
    pub value: f64,
    pub reason: &'static str,
}
