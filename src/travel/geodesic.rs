//! The default model: great-circle (haversine) distance times a detour factor, driven at a speed
//! that depends on the area type.
//!
//! For a trip between two distinct points `a` and `b`:
//!
//! - the pair's area is the *slower* of the two endpoints' areas (the one whose configured
//!   speed is lower): a trip that starts or ends downtown crawls through downtown;
//! - `metres = ceil(haversine(a, b) * detour[area])`;
//! - `seconds = ceil(metres / speed[area]) + access_seconds` (zero metres give zero seconds).
//!
//! The matrix is exactly symmetric. Rounding up keeps the triangle inequality exact on the
//! integers for points of one area type; across area types it can fail by design (a county
//! trip that grazes a downtown point is billed at the urban pace on that leg).

use super::TravelModel;
use super::error::TravelError;
use super::hash::Fnv64;
use super::matrix::TravelMatrix;
use super::point::{PerArea, SpeedClass, TravelPoint, haversine_metres};
use serde::{Deserialize, Serialize};

/// Parameters of the [`Geodesic`] model.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeodesicConfig {
    /// Average driving speed, km/h, > 0.
    pub speed_kmh: PerArea<f64>,
    /// Road distance over great-circle distance, >= 1.
    pub detour: PerArea<f64>,
    /// Fixed time added to every trip between distinct places (parking, walking in), seconds.
    pub access_seconds: u32,
}

impl Default for GeodesicConfig {
    /// Urban 25 km/h, suburban 35, county 50; detour 1.3 urban and suburban, 1.25 county; no
    /// access time.
    fn default() -> Self {
        Self {
            speed_kmh: PerArea {
                urban: 25.0,
                suburban: 35.0,
                county: 50.0,
            },
            detour: PerArea {
                urban: 1.3,
                suburban: 1.3,
                county: 1.25,
            },
            access_seconds: 0,
        }
    }
}

/// Haversine times a detour factor at area speeds. Build with [`Geodesic::new`].
#[derive(Clone, Debug)]
pub struct Geodesic {
    config: GeodesicConfig,
    /// Metres per second per area, indexed by `SpeedClass::code`.
    speed_mps: [f64; 3],
    fingerprint: u64,
}

impl Geodesic {
    /// A model with checked parameters: speeds finite and positive, detours finite and >= 1.
    pub fn new(config: GeodesicConfig) -> Result<Self, TravelError> {
        let mut h = Fnv64::new();
        h.write(b"geodesic-v1");
        for area in SpeedClass::ALL {
            let speed = config.speed_kmh.get(area);
            if !(speed.is_finite() && speed > 0.0) {
                return Err(TravelError::InvalidConfig {
                    field: speed_field(area),
                    value: speed,
                    reason: "must be a finite speed > 0 km/h",
                });
            }
            let detour = config.detour.get(area);
            if !(detour.is_finite() && detour >= 1.0) {
                return Err(TravelError::InvalidConfig {
                    field: detour_field(area),
                    value: detour,
                    reason: "must be a finite factor >= 1",
                });
            }
            h.write_f64(speed);
            h.write_f64(detour);
        }
        h.write_u32(config.access_seconds);
        let speed_mps = SpeedClass::ALL.map(|a| config.speed_kmh.get(a) / 3.6);
        Ok(Self {
            config,
            speed_mps,
            fingerprint: h.finish(),
        })
    }

    pub fn config(&self) -> &GeodesicConfig {
        &self.config
    }

    /// Metres and seconds from `a` to `b` (see the module doc).
    pub fn trip(&self, a: &TravelPoint, b: &TravelPoint) -> Result<(u32, u32), TravelError> {
        self.trip_between(a, b, 0, 0)
    }

    fn trip_between(
        &self,
        a: &TravelPoint,
        b: &TravelPoint,
        i: usize,
        j: usize,
    ) -> Result<(u32, u32), TravelError> {
        let area = self.slower(a.area(), b.area());
        let metres = (haversine_metres(a.geo(), b.geo()) * self.config.detour.get(area)).ceil();
        if metres == 0.0 {
            return Ok((0, 0));
        }
        let drive = (metres / self.speed_mps[usize::from(area.code())]).ceil();
        let seconds = drive + f64::from(self.config.access_seconds);
        // Haversine is at most half the Earth's circumference, so metres fit in u32; seconds can
        // overflow only with absurdly slow speeds.
        if seconds > f64::from(u32::MAX) {
            return Err(TravelError::Overflow {
                from: i,
                to: j,
                what: "seconds",
            });
        }
        Ok((metres as u32, seconds as u32))
    }

    /// The area with the lower configured speed (ties: the first in `Urban, Suburban, County`).
    fn slower(&self, a: SpeedClass, b: SpeedClass) -> SpeedClass {
        let (sa, sb) = (
            self.speed_mps[usize::from(a.code())],
            self.speed_mps[usize::from(b.code())],
        );
        if sa < sb || (sa == sb && a <= b) {
            a
        } else {
            b
        }
    }
}

fn speed_field(area: SpeedClass) -> &'static str {
    match area {
        SpeedClass::Urban => "speed_kmh.urban",
        SpeedClass::Suburban => "speed_kmh.suburban",
        SpeedClass::County => "speed_kmh.county",
    }
}

fn detour_field(area: SpeedClass) -> &'static str {
    match area {
        SpeedClass::Urban => "detour.urban",
        SpeedClass::Suburban => "detour.suburban",
        SpeedClass::County => "detour.county",
    }
}

impl TravelModel for Geodesic {
    fn matrix(&self, points: &[TravelPoint]) -> Result<TravelMatrix, TravelError> {
        TravelMatrix::build_rows(points.len(), |i, metres, seconds| {
            let a = &points[i];
            for (j, b) in points.iter().enumerate() {
                if i != j {
                    (metres[j], seconds[j]) = self.trip_between(a, b, i, j)?;
                }
            }
            Ok(())
        })
    }

    fn name(&self) -> &str {
        "geodesic"
    }

    fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}
