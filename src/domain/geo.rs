//! Places on the earth: WGS-84 coordinates and the kind of area, which sets travel speeds.

use super::error::{Checked, FieldError};
use serde::{Deserialize, Serialize};

/// A WGS-84 position in degrees, written `{"lat": 28.68, "lon": 115.89}`.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawLatLon", into = "RawLatLon")]
pub struct LatLon {
    lat: f64,
    lon: f64,
}

#[derive(Serialize)]
struct RawLatLon {
    lat: f64,
    lon: f64,
}

/// Only an object `{lat, lon}`: a derived `Deserialize` would also take the array
/// `[lat, lon]`, and arrays of coordinates are `[lon, lat]` elsewhere (GeoJSON), so a swapped
/// position would pass unnoticed.
impl<'de> Deserialize<'de> for RawLatLon {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Object {
            lat: f64,
            lon: f64,
        }
        struct OnlyObject;
        impl<'de> serde::de::Visitor<'de> for OnlyObject {
            type Value = RawLatLon;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object {\"lat\": .., \"lon\": ..}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawLatLon, A::Error> {
                let o = Object::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(RawLatLon {
                    lat: o.lat,
                    lon: o.lon,
                })
            }
        }
        d.deserialize_map(OnlyObject)
    }
}

impl TryFrom<RawLatLon> for LatLon {
    type Error = FieldError;
    fn try_from(r: RawLatLon) -> Checked<Self> {
        LatLon::new(r.lat, r.lon)
    }
}

impl From<LatLon> for RawLatLon {
    fn from(p: LatLon) -> Self {
        RawLatLon {
            lat: p.lat,
            lon: p.lon,
        }
    }
}

impl LatLon {
    /// Rejects latitudes outside [-90, 90], longitudes outside [-180, 180] and NaN.
    pub fn new(lat: f64, lon: f64) -> Checked<Self> {
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            return Err(FieldError::new("lat", format!("{lat} is not in [-90, 90]")));
        }
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            return Err(FieldError::new(
                "lon",
                format!("{lon} is not in [-180, 180]"),
            ));
        }
        Ok(Self { lat, lon })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance in metres (haversine, mean earth radius 6 371 km).
    pub fn haversine_m(self, other: LatLon) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * 6_371_000.0 * a.sqrt().asin()
    }
}

/// The kind of area a place lies in: city streets or county roads.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AreaType {
    /// The five urban districts and the town centres next to them.
    Urban,
    /// Counties and the rural parts of suburban districts.
    County,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_is_an_object_never_an_array() {
        let p: LatLon = serde_json::from_str(r#"{"lat": 28.6, "lon": 115.9}"#).unwrap();
        assert_eq!((p.lat(), p.lon()), (28.6, 115.9));
        let e = serde_json::from_str::<LatLon>("[28.6, 115.9]").unwrap_err();
        assert!(e.to_string().contains("expected an object"), "{e}");
        assert!(serde_json::from_str::<LatLon>(r#"{"lat": 1, "lon": 2, "x": 3}"#).is_err());
        assert!(serde_json::from_str::<LatLon>(r#"{"lat": 95, "lon": 2}"#).is_err());
    }

    #[test]
    fn coordinates_are_checked_and_name_the_field() {
        assert!(LatLon::new(28.68, 115.89).is_ok());
        assert_eq!(LatLon::new(91.0, 0.0).unwrap_err().field, "lat");
        assert_eq!(LatLon::new(0.0, f64::NAN).unwrap_err().field, "lon");
        let err = serde_json::from_str::<LatLon>(r#"{"lat": 28.7, "lon": 200}"#).unwrap_err();
        assert!(err.to_string().contains("200"), "{err}");
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // Nanchang centre to Jinxian seat: about 48 km as the crow flies.
        let a = LatLon::new(28.68, 115.89).unwrap();
        let b = LatLon::new(28.37, 116.24).unwrap();
        let km = a.haversine_m(b) / 1000.0;
        assert!((45.0..52.0).contains(&km), "{km}");
    }
}
