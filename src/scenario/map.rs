//! An approximate map of Nanchang: district outlines, the Gan River and the main lakes,
//! and the township seats where county sites stand (`data/map/nanchang.toml`, its sources in
//! `data/map/README.md`).
//!
//! The generator places every site inside its district and away from water with it; the
//! scenario check ([`Map::misplaced`]) reports a site or service point in water or outside
//! its district.
//!
//! Geometry is planar on a local projection: kilometres east and north of a point near the
//! city centre, with the constant scale factors below (equirectangular at 28.7 N; the
//! error over the 100 km of the region is below 1 %, far below the outlines' own). Point in
//! polygon is `geo`'s `Contains` (a point on a border is in neither polygon); distances to
//! rivers and lake shores are `geo`'s Euclidean distances on the projection.

use crate::domain::district::DistrictCode;
use crate::domain::geo::LatLon;
use geo::{Contains, Coord, Distance, Euclidean, LineString, Point, Polygon};
use serde::Deserialize;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

/// Kilometres per degree of latitude, and of longitude at Nanchang's latitude (28.7 N).
/// Constants rather than `cos()` so that the generator's output does not depend on libm.
pub const KM_PER_DEG_LAT: f64 = 111.2;
pub const KM_PER_DEG_LON: f64 = 97.6;
/// The origin of the projection (near Bayi Square).
const ORIGIN: (f64, f64) = (115.9, 28.7);
/// Every position of a map lies in this box (lon, lat): a swapped `[lat, lon]` cannot.
const BOUNDS: ((f64, f64), (f64, f64)) = ((115.0, 117.0), (28.0, 29.5));

/// The map compiled into the binary.
const NANCHANG: &str = include_str!("../../data/map/nanchang.toml");

fn project(lon: f64, lat: f64) -> Coord<f64> {
    Coord {
        x: (lon - ORIGIN.0) * KM_PER_DEG_LON,
        y: (lat - ORIGIN.1) * KM_PER_DEG_LAT,
    }
}

fn point(p: LatLon) -> Point<f64> {
    Point(project(p.lon(), p.lat()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMap {
    #[serde(default)]
    river: Vec<RawRiver>,
    #[serde(default)]
    lake: Vec<RawLake>,
    district: Vec<RawDistrict>,
    #[serde(default)]
    township: Vec<RawTownship>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRiver {
    name: String,
    zh: String,
    width_m: f64,
    centre_line: Vec<[f64; 2]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLake {
    name: String,
    zh: String,
    outline: Vec<[f64; 2]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDistrict {
    code: DistrictCode,
    outline: Vec<[f64; 2]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTownship {
    district: DistrictCode,
    zh: String,
    en: String,
    at: [f64; 2],
}

enum Shape {
    /// A centre line and half the river's width, km.
    River(LineString<f64>, f64),
    Lake(Polygon<f64>),
}

/// A river or lake.
pub struct Water {
    pub name: String,
    pub zh: String,
    shape: Shape,
}

impl Water {
    /// Distance in km from `p` to the water (0 inside).
    fn distance_km(&self, p: &Point<f64>) -> f64 {
        match &self.shape {
            Shape::River(line, half_width) => (Euclidean.distance(p, line) - half_width).max(0.0),
            Shape::Lake(polygon) => Euclidean.distance(p, polygon),
        }
    }
}

/// A town or township seat: rural sites of its district stand there.
#[derive(Clone, Debug, PartialEq)]
pub struct Township {
    pub district: DistrictCode,
    pub zh: String,
    pub en: String,
    pub at: LatLon,
}

/// The map: district outlines, water, townships. Invariants (checked by [`Map::parse`]):
/// every position inside [`BOUNDS`], polygons of three or more vertices, unique district
/// codes, every township in an outlined district, inside it and on land.
pub struct Map {
    districts: Vec<(DistrictCode, Polygon<f64>)>,
    water: Vec<Water>,
    townships: Vec<Township>,
}

fn ring(what: &str, raw: &[[f64; 2]]) -> Result<Vec<Coord<f64>>, String> {
    let ((lon0, lon1), (lat0, lat1)) = BOUNDS;
    if let Some([lon, lat]) = raw
        .iter()
        .find(|[lon, lat]| !((lon0..=lon1).contains(lon) && (lat0..=lat1).contains(lat)))
    {
        return Err(format!(
            "{what}: [{lon}, {lat}] is not a [lon, lat] position near Nanchang"
        ));
    }
    Ok(raw.iter().map(|[lon, lat]| project(*lon, *lat)).collect())
}

fn polygon(what: &str, raw: &[[f64; 2]]) -> Result<Polygon<f64>, String> {
    if raw.len() < 3 {
        return Err(format!("{what}: an outline needs at least 3 positions"));
    }
    Ok(Polygon::new(LineString::new(ring(what, raw)?), vec![]))
}

impl Map {
    /// The map of Nanchang compiled into the binary (`data/map/nanchang.toml`).
    pub fn nanchang() -> &'static Map {
        static MAP: OnceLock<Map> = OnceLock::new();
        MAP.get_or_init(|| Map::parse(NANCHANG).expect("the bundled map is valid (tested)"))
    }

    /// Reads a map file (the format of `data/map/nanchang.toml`).
    pub fn load(path: &Path) -> Result<Map, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Map::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks a map; the first problem found is the error.
    pub fn parse(text: &str) -> Result<Map, String> {
        let raw: RawMap = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut water = Vec::new();
        for r in raw.river {
            let what = format!("river {}", r.name);
            if r.centre_line.len() < 2 || !r.width_m.is_finite() || r.width_m <= 0.0 {
                return Err(format!(
                    "{what}: needs 2 or more positions and a positive width_m"
                ));
            }
            let line = LineString::new(ring(&what, &r.centre_line)?);
            water.push(Water {
                name: r.name,
                zh: r.zh,
                shape: Shape::River(line, r.width_m / 2000.0),
            });
        }
        for l in raw.lake {
            let shape = Shape::Lake(polygon(&format!("lake {}", l.name), &l.outline)?);
            water.push(Water {
                name: l.name,
                zh: l.zh,
                shape,
            });
        }
        let mut districts: Vec<(DistrictCode, Polygon<f64>)> = Vec::new();
        for d in raw.district {
            if districts.iter().any(|(c, _)| *c == d.code) {
                return Err(format!("district {}: outlined twice", d.code));
            }
            let outline = polygon(&format!("district {}", d.code), &d.outline)?;
            districts.push((d.code, outline));
        }
        let mut map = Map {
            districts,
            water,
            townships: Vec::new(),
        };
        for t in raw.township {
            let what = format!("township {} ({})", t.en, t.district);
            ring(&what, &[t.at])?;
            let at = LatLon::new(t.at[1], t.at[0]).map_err(|e| format!("{what}: {e}"))?;
            if !map.has_outline(&t.district) {
                return Err(format!("{what}: no outline for district {}", t.district));
            }
            if let Some(problem) = map.problem(&t.district, at) {
                return Err(format!("{what}: {problem}"));
            }
            map.townships.push(Township {
                district: t.district,
                zh: t.zh,
                en: t.en,
                at,
            });
        }
        Ok(map)
    }

    pub fn has_outline(&self, code: &DistrictCode) -> bool {
        self.districts.iter().any(|(c, _)| c == code)
    }

    /// The district whose outline holds `p` (none on a border or outside every outline).
    pub fn district_at(&self, p: LatLon) -> Option<&DistrictCode> {
        let q = point(p);
        self.districts
            .iter()
            .find(|(_, outline)| outline.contains(&q))
            .map(|(c, _)| c)
    }

    /// The first river or lake within `margin_km` of `p` (`0.0`: the water `p` lies in).
    pub fn water_near(&self, p: LatLon, margin_km: f64) -> Option<&Water> {
        let q = point(p);
        self.water.iter().find(|w| w.distance_km(&q) <= margin_km)
    }

    /// Townships of a district, in the order of the file.
    pub fn townships(&self, code: &DistrictCode) -> Vec<&Township> {
        self.townships
            .iter()
            .filter(|t| t.district == *code)
            .collect()
    }

    /// Whether a new site of `district` may stand at `p`: inside the district and more than
    /// `margin_km` from any water.
    pub fn is_placeable(&self, district: &DistrictCode, p: LatLon, margin_km: f64) -> bool {
        self.district_at(p) == Some(district) && self.water_near(p, margin_km).is_none()
    }

    /// What is wrong with a place of `district` standing at `p`, if anything.
    pub fn problem(&self, district: &DistrictCode, p: LatLon) -> Option<PlaceProblem> {
        if let Some(w) = self.water_near(p, 0.0) {
            return Some(PlaceProblem::InWater {
                water: format!("{} {}", w.name, w.zh),
            });
        }
        if !self.has_outline(district) {
            return Some(PlaceProblem::NoOutline);
        }
        match self.district_at(p) {
            Some(d) if d == district => None,
            other => Some(PlaceProblem::OutsideDistrict {
                lies_in: other.cloned(),
            }),
        }
    }

    /// Every site and service point of a scenario that lies in water or outside its
    /// district, in file order (service points first).
    pub fn misplaced(&self, scenario: &super::Scenario) -> Vec<Misplaced> {
        let points = scenario.service_points().iter().map(|s| {
            (
                format!("service point {} ({})", s.id, s.name.en()),
                &s.district,
                s.location,
            )
        });
        let sites = scenario.sites().iter().map(|s| {
            (
                format!("site {} ({})", s.id, s.name.en()),
                &s.district,
                s.location,
            )
        });
        points
            .chain(sites)
            .filter_map(|(what, district, at)| {
                self.problem(district, at).map(|problem| Misplaced {
                    what,
                    district: district.clone(),
                    at,
                    problem,
                })
            })
            .collect()
    }
}

/// Why a place is not where it should be.
#[derive(Clone, Debug, PartialEq)]
pub enum PlaceProblem {
    /// In a river or lake (its English and Chinese name).
    InWater { water: String },
    /// Outside its district's outline: in another one, or in none.
    OutsideDistrict { lies_in: Option<DistrictCode> },
    /// The map has no outline for its district.
    NoOutline,
}

impl fmt::Display for PlaceProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InWater { water } => write!(f, "lies in water: {water}"),
            Self::OutsideDistrict { lies_in: Some(d) } => {
                write!(f, "lies outside its district, in {d}")
            }
            Self::OutsideDistrict { lies_in: None } => {
                write!(f, "lies outside its district and every other")
            }
            Self::NoOutline => f.write_str("its district has no outline on the map"),
        }
    }
}

/// A site or service point that is not where it should be.
#[derive(Clone, Debug, PartialEq)]
pub struct Misplaced {
    /// "site S-0012 (Honggutan Clinic)".
    pub what: String,
    pub district: DistrictCode,
    pub at: LatLon,
    pub problem: PlaceProblem,
}

impl fmt::Display for Misplaced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of district {} at {:.6}, {:.6} {}",
            self.what,
            self.district,
            self.at.lat(),
            self.at.lon(),
            self.problem
        )
    }
}

#[cfg(test)]
mod tests;
