//! Travel times and distances between locations: the ring that knows coordinates.
//!
//! Every model implements [`TravelModel`]: given validated [`TravelPoint`]s (WGS84 latitude and
//! longitude plus a [`SpeedClass`]) it returns a [`TravelMatrix`] of whole **metres** and
//! **seconds** (`u32`, row `i` column `j` is the trip from point `i` to point `j`, zero on the
//! diagonal). Rows are computed in parallel with rayon. The planner turns the matrix into the
//! solver's index matrices (`Distance` in metres, `Time` in seconds); the solver never sees a
//! coordinate, and this ring never sees the solver.
//!
//! Models:
//! - [`Geodesic`] (the default): haversine metres times a detour factor, at a speed set by the
//!   slower endpoint's area type (urban 25 km/h, suburban 35, county 50 by default), plus an
//!   optional fixed access time. Symmetric. `O(n²)` haversines: 0.9 s for 5,000 points on
//!   two (shared) cores (`cargo bench --bench travel`).
//! - [`RoadModel`] on a [`RoadNetwork`] loaded from an OpenStreetMap extract
//!   ([`RoadNetwork::from_osm_pbf`]) or built in code ([`RoadGraphBuilder`]): points snapped to
//!   the nearest road node, fastest paths by Dijkstra (one per point, in parallel, stopping when
//!   every target is settled), speeds per road class or `maxspeed`. `O(n · (E + V log V))`:
//!   48 s for 5,000 points on a 202,500-node grid on two shared cores, about 19 ms per
//!   one-to-all search per core. A faster many-to-many (contraction hierarchies, PHAST) is
//!   the next step if that matters.
//! - [`UserMatrix`]: a matrix from the customer's own routing API, read from CSV or JSON.
//!
//! [`TravelSource`] is what the product plans with (`--travel geodesic|osm:FILE|matrix:FILE`):
//! loaded for the scenario's places, it answers between them by lookup ([`PlaceMatrix`]).
//!
//! [`CachedModel`] wraps any model with an in-memory (optionally on-disk) cache keyed by the
//! model's fingerprint and the exact points, so repeated plans reuse the matrix.
//!
//! All values are rounded *up* to whole units, which keeps the triangle inequality exact on the
//! integers wherever the underlying model satisfies it (road durations, geodesic within one area
//! type). Bad input is an error naming the point, field, file line or matrix cell, never a
//! panic.

mod cache;
mod error;
mod geodesic;
mod hash;
mod matrix;
mod places;
mod point;
pub mod road;
mod source;
mod user;

pub use cache::{CacheStats, CachedModel};
pub use error::{PointError, TravelError};
pub use geodesic::{Geodesic, GeodesicConfig};
pub use matrix::TravelMatrix;
pub use places::{PlaceMatrix, PlaceNumbering};
pub use point::{PerArea, SpeedClass, TravelPoint};
pub use road::{OsmOptions, RoadGraphBuilder, RoadModel, RoadModelConfig, RoadNetwork};
pub use source::{Travel, TravelSource, default_cache_dir};
pub use user::{NamedMatrix, UserMatrix};

/// A way to measure travel between points.
pub trait TravelModel: Send + Sync {
    /// The full matrix between `points`, in their order.
    fn matrix(&self, points: &[TravelPoint]) -> Result<TravelMatrix, TravelError>;

    /// A short name for logs and cache file names (`geodesic`, `road`, `user`).
    fn name(&self) -> &str;

    /// A stable hash of everything that shapes the model's answers (parameters, graph,
    /// supplied data): equal fingerprints and equal points give equal matrices.
    fn fingerprint(&self) -> u64;

    /// `(metres, seconds)` from one point to each of `to`, in order: one row of the matrix
    /// of `from` and `to`. The default computes that whole matrix; a model with a cheaper
    /// one-to-many search may override it.
    fn row(&self, from: TravelPoint, to: &[TravelPoint]) -> Result<Vec<(u32, u32)>, TravelError> {
        let mut points = Vec::with_capacity(to.len() + 1);
        points.push(from);
        points.extend_from_slice(to);
        let m = self.matrix(&points)?;
        Ok((1..points.len())
            .map(|j| (m.distance(0, j), m.duration(0, j)))
            .collect())
    }
}

impl<M: TravelModel + ?Sized> TravelModel for std::sync::Arc<M> {
    fn matrix(&self, points: &[TravelPoint]) -> Result<TravelMatrix, TravelError> {
        (**self).matrix(points)
    }

    fn name(&self) -> &str {
        (**self).name()
    }

    fn fingerprint(&self) -> u64 {
        (**self).fingerprint()
    }

    fn row(&self, from: TravelPoint, to: &[TravelPoint]) -> Result<Vec<(u32, u32)>, TravelError> {
        (**self).row(from, to)
    }
}
