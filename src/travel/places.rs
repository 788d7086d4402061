//! [`PlaceMatrix`]: the matrix of a fixed set of known places, computed (or read) once and
//! answered by lookup for any of them, in any order and any subset.
//!
//! The product measures travel between its places (service points and sites) over and over:
//! the day plan's context, each roster day, each simulated headcount. With a road network or a
//! user's matrix, only the first full matrix is real work; every later question about known
//! places is a lookup. A point is known when its coordinates are bit-for-bit those of a place
//! (the area type is ignored: the matrix already holds the answer). Questions that involve an
//! unknown point (an engineer's reported position) go to the `fallback` model; known pairs keep
//! the places' values.

use super::TravelModel;
use super::error::TravelError;
use super::hash::Fnv64;
use super::matrix::TravelMatrix;
use super::point::TravelPoint;
use std::collections::HashMap;
use std::sync::Arc;

/// Travel between known places by lookup, anything else by a fallback model.
pub struct PlaceMatrix {
    matrix: Arc<TravelMatrix>,
    /// `(lat bits, lon bits)` -> row; the first place wins when two share a position.
    index: HashMap<(u64, u64), usize>,
    fallback: Arc<dyn TravelModel>,
    name: String,
    fingerprint: u64,
}

impl std::fmt::Debug for PlaceMatrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PlaceMatrix({}, {} places, fallback {})",
            self.name,
            self.matrix.len(),
            self.fallback.name()
        )
    }
}

impl PlaceMatrix {
    /// `matrix` holds the travel between `places` (row `i` is `places[i]`); `name` is the
    /// model's name in plans (`road`, `user`).
    pub fn new(
        name: &str,
        places: &[TravelPoint],
        matrix: Arc<TravelMatrix>,
        fallback: Arc<dyn TravelModel>,
    ) -> Result<Self, TravelError> {
        if matrix.len() != places.len() {
            return Err(TravelError::PointCount {
                expected: matrix.len(),
                got: places.len(),
            });
        }
        let mut index = HashMap::with_capacity(places.len());
        let mut h = Fnv64::new();
        h.write(b"places-v1");
        h.write(name.as_bytes());
        h.write_u64(fallback.fingerprint());
        h.write_u64(places.len() as u64);
        for (i, p) in places.iter().enumerate() {
            index.entry(key(p)).or_insert(i);
            p.hash_into(&mut h);
        }
        for v in matrix.metres().iter().chain(matrix.seconds()) {
            h.write_u32(*v);
        }
        Ok(Self {
            matrix,
            index,
            fallback,
            name: name.to_owned(),
            fingerprint: h.finish(),
        })
    }

    /// The full matrix of the places, shared.
    pub fn places_matrix(&self) -> &Arc<TravelMatrix> {
        &self.matrix
    }

    fn rows(&self, points: &[TravelPoint]) -> Vec<Option<usize>> {
        points
            .iter()
            .map(|p| self.index.get(&key(p)).copied())
            .collect()
    }
}

fn key(p: &TravelPoint) -> (u64, u64) {
    (p.lat().to_bits(), p.lon().to_bits())
}

impl TravelModel for PlaceMatrix {
    fn matrix(&self, points: &[TravelPoint]) -> Result<TravelMatrix, TravelError> {
        let rows = self.rows(points);
        let n = points.len();
        let (mut metres, mut seconds) = if rows.iter().all(Option::is_some) {
            (vec![0; n * n], vec![0; n * n])
        } else {
            let m = self.fallback.matrix(points)?;
            (m.metres().to_vec(), m.seconds().to_vec())
        };
        for (i, a) in rows.iter().enumerate() {
            for (j, b) in rows.iter().enumerate() {
                if let (Some(a), Some(b)) = (a, b)
                    && i != j
                {
                    metres[i * n + j] = self.matrix.distance(*a, *b);
                    seconds[i * n + j] = self.matrix.duration(*a, *b);
                }
            }
        }
        TravelMatrix::from_vecs(n, metres, seconds)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    fn row(&self, from: TravelPoint, to: &[TravelPoint]) -> Result<Vec<(u32, u32)>, TravelError> {
        let (Some(a), targets) = (self.index.get(&key(&from)), self.rows(to)) else {
            return self.fallback.row(from, to);
        };
        if targets.iter().any(Option::is_none) {
            return self.fallback.row(from, to);
        }
        Ok(targets
            .into_iter()
            .flatten()
            .map(|b| (self.matrix.distance(*a, b), self.matrix.duration(*a, b)))
            .collect())
    }
}

/// The one numbering of a scenario's places, shared by the day planner's context, the roster
/// and the simulation: service points `0..n`, then sites `n..n + m`, each in its list's order.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct PlaceNumbering {
    service_points: usize,
    sites: usize,
}

impl PlaceNumbering {
    pub fn new(service_points: usize, sites: usize) -> Self {
        Self {
            service_points,
            sites,
        }
    }

    /// Places in all.
    pub fn len(self) -> usize {
        self.service_points + self.sites
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The place of service point `i`.
    pub fn service_point(self, i: usize) -> usize {
        debug_assert!(i < self.service_points);
        i
    }

    /// The place of site `i`.
    pub fn site(self, i: usize) -> usize {
        debug_assert!(i < self.sites);
        self.service_points + i
    }

    /// The site a place is; `None` for a service point.
    pub fn site_of(self, place: usize) -> Option<usize> {
        place.checked_sub(self.service_points)
    }

    /// The travel points of the places, in place order.
    pub fn points(
        service_points: &[crate::domain::service_point::ServicePoint],
        sites: &[crate::domain::site::Site],
    ) -> Vec<TravelPoint> {
        let sps = service_points
            .iter()
            .map(|sp| TravelPoint::from_place(sp.location, sp.area_type));
        let sites = sites
            .iter()
            .map(|s| TravelPoint::from_place(s.location, s.area_type));
        sps.chain(sites).collect()
    }
}
