//! The points a travel model measures between: a validated WGS84 coordinate and the kind of
//! area around it.

use super::error::PointError;
use serde::{Deserialize, Serialize};

/// The speed class of a point's surroundings: a place's [`AreaType`](crate::domain::geo::AreaType)
/// (urban, county), or suburban, which only travel knows; it sets the speed and detour of the
/// geodesic model.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeedClass {
    /// Nanchang's urban districts: congested, slow.
    Urban,
    /// The ring of new towns and development zones.
    Suburban,
    /// The counties: fewer lights, faster roads.
    County,
}

impl SpeedClass {
    pub const ALL: [SpeedClass; 3] = [SpeedClass::Urban, SpeedClass::Suburban, SpeedClass::County];

    pub(crate) fn code(self) -> u8 {
        match self {
            SpeedClass::Urban => 0,
            SpeedClass::Suburban => 1,
            SpeedClass::County => 2,
        }
    }
}

/// One value per [`SpeedClass`].
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerArea<T> {
    pub urban: T,
    pub suburban: T,
    pub county: T,
}

impl<T: Copy> PerArea<T> {
    pub fn get(&self, area: SpeedClass) -> T {
        match area {
            SpeedClass::Urban => self.urban,
            SpeedClass::Suburban => self.suburban,
            SpeedClass::County => self.county,
        }
    }
}

/// A location to travel between. Invariant (kept by [`TravelPoint::new`], the only
/// constructor): `lat` in [-90, 90] and `lon` in [-180, 180], both finite.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct TravelPoint {
    lat: f64,
    lon: f64,
    area: SpeedClass,
}

impl TravelPoint {
    /// A point at latitude `lat` and longitude `lon` (WGS84 degrees).
    pub fn new(lat: f64, lon: f64, area: SpeedClass) -> Result<Self, PointError> {
        check_coordinate("lat", lat, 90.0)?;
        check_coordinate("lon", lon, 180.0)?;
        Ok(Self { lat, lon, area })
    }

    /// A domain place (already validated) with its domain area type. Domain places know only
    /// city and county; the suburban speed class is chosen by callers through [`Self::with_area`].
    pub fn from_place(at: crate::domain::geo::LatLon, area: crate::domain::geo::AreaType) -> Self {
        let area = match area {
            crate::domain::geo::AreaType::Urban => SpeedClass::Urban,
            crate::domain::geo::AreaType::County => SpeedClass::County,
        };
        Self {
            lat: at.lat(),
            lon: at.lon(),
            area,
        }
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }

    pub fn area(&self) -> SpeedClass {
        self.area
    }

    /// The same place in another area type.
    pub fn with_area(self, area: SpeedClass) -> Self {
        Self { area, ..self }
    }

    /// The point as geo's `(x = lon, y = lat)`.
    pub(crate) fn geo(&self) -> geo::Point<f64> {
        geo::Point::new(self.lon, self.lat)
    }

    /// Feeds the exact bits of the point to a hasher (for cache keys).
    pub(crate) fn hash_into(&self, h: &mut super::hash::Fnv64) {
        h.write_u64(self.lat.to_bits());
        h.write_u64(self.lon.to_bits());
        h.write_u8(self.area.code());
    }
}

fn check_coordinate(field: &'static str, value: f64, limit: f64) -> Result<(), PointError> {
    if !value.is_finite() {
        return Err(PointError {
            field,
            value,
            reason: "must be a finite number",
        });
    }
    if !(-limit..=limit).contains(&value) {
        return Err(PointError {
            field,
            value,
            reason: if limit == 90.0 {
                "must be in [-90, 90] degrees"
            } else {
                "must be in [-180, 180] degrees"
            },
        });
    }
    Ok(())
}

/// Haversine distance in metres on geo's mean Earth radius.
pub(crate) fn haversine_metres(a: geo::Point<f64>, b: geo::Point<f64>) -> f64 {
    use geo::Distance;
    geo::Haversine.distance(a, b)
}
