//! Service points and sites.

use super::GenerateOptions;
use super::id_width;
use super::names::{Hours, INSTITUTIONS, InstitutionKind};
use super::places::{DISTRICTS, DistrictSpec, KM_PER_DEG_LAT, KM_PER_DEG_LON, apportion};
use super::rng::Rng;
use crate::domain::dates::add_days;
use crate::domain::day_time::LocalWindow;
use crate::domain::district::{District, DistrictCode};
use crate::domain::geo::{AreaType, LatLon};
use crate::domain::ids::{ServicePointId, SiteId};
use crate::domain::name::Name;
use crate::domain::service_point::ServicePoint;
use crate::domain::site::{CustomerTier, OpeningHours, Site};
use crate::domain::week::Week;
use std::collections::BTreeSet;

/// A generated site and what the later steps need to know about it.
pub struct GenSite {
    pub site: Site,
    pub kind: &'static InstitutionKind,
    /// Index of the district in [`DISTRICTS`].
    pub district: usize,
}

pub struct Placed {
    pub districts: Vec<District>,
    pub service_points: Vec<ServicePoint>,
    /// Service point indices of each district.
    pub district_sps: Vec<Vec<usize>>,
    /// Number of sites each service point serves (for sharing out engineers).
    pub sp_load: Vec<f64>,
    pub sites: Vec<GenSite>,
}

/// Sites per additional service point in a district.
const SITES_PER_SERVICE_POINT: usize = 300;

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn offset(rng: &mut Rng, lat: f64, lon: f64, sigma_km: f64) -> LatLon {
    let dy = rng.normal().clamp(-2.5, 2.5) * sigma_km;
    let dx = rng.normal().clamp(-2.5, 2.5) * sigma_km;
    LatLon::new(
        round6(lat + dy / KM_PER_DEG_LAT),
        round6(lon + dx / KM_PER_DEG_LON),
    )
    .expect("near Nanchang")
}

fn name(zh: impl Into<String>, en: impl Into<String>) -> Name {
    Name::new(zh, en).expect("generated names are not empty")
}

fn w(text: &str) -> LocalWindow {
    LocalWindow::parse(text).expect("valid window literal")
}

fn opening(hours: Hours) -> OpeningHours {
    let week = match hours {
        Hours::Hospital => Week::from_fn(|_| vec![w("08:00-12:00"), w("14:00-17:30")]),
        Hours::HealthCentre => {
            let mut wk = Week::from_fn(|_| vec![w("08:00-12:00"), w("14:30-17:30")]);
            wk.sat = vec![w("08:00-12:00")];
            wk.sun = vec![];
            wk
        }
        Hours::Clinic => {
            let mut wk = Week::from_fn(|_| vec![w("08:30-12:00"), w("14:00-18:00")]);
            wk.sun = vec![];
            wk
        }
        Hours::CheckCentre => {
            let mut wk = Week::from_fn(|_| vec![w("13:30-17:30")]);
            wk.sat = vec![w("09:00-11:30")];
            wk.sun = vec![];
            wk
        }
        Hours::Laboratory => {
            let mut wk = Week::from_fn(|_| vec![w("08:30-17:30")]);
            wk.sat = vec![];
            wk.sun = vec![];
            wk
        }
    };
    OpeningHours::new(week).expect("literal hours are in order")
}

fn district(spec: &DistrictSpec) -> District {
    District {
        code: DistrictCode::new(spec.code).expect("valid code"),
        name: name(spec.zh, spec.en),
        kind: spec.kind,
        area_type: spec.area,
        seat: name(spec.seat_zh, spec.seat_en),
        seat_location: LatLon::new(spec.lat, spec.lon).expect("valid seat"),
    }
}

pub fn generate(opts: &GenerateOptions) -> Placed {
    let mut rng = Rng::stream(opts.seed, "sites");
    let weights: Vec<f64> = DISTRICTS.iter().map(|d| d.weight).collect();
    let per_district = apportion(opts.sites, &weights, 0);

    let mut service_points = Vec::new();
    let mut district_sps = Vec::new();
    let mut sp_load = Vec::new();
    let mut sp_rng = Rng::stream(opts.seed, "service-points");
    for (di, spec) in DISTRICTS.iter().enumerate() {
        let n = per_district[di].div_ceil(SITES_PER_SERVICE_POINT).max(1);
        let mut mine = Vec::new();
        for k in 0..n {
            let (id, zh, en, location) = if k == 0 {
                (
                    format!("SP-{}", spec.code),
                    format!("{}服务站", spec.zh),
                    format!("{} Service Point", spec.en),
                    LatLon::new(spec.lat, spec.lon).expect("valid seat"),
                )
            } else {
                (
                    format!("SP-{}{}", spec.code, k + 1),
                    format!("{}第{}服务站", spec.zh, k + 1),
                    format!("{} Service Point {}", spec.en, k + 1),
                    offset(&mut sp_rng, spec.lat, spec.lon, spec.seat_sigma_km.max(2.0)),
                )
            };
            let road = sp_rng.pick(spec.roads);
            let no = sp_rng.int(1, 300);
            mine.push(service_points.len());
            sp_load.push(per_district[di] as f64 / n as f64);
            service_points.push(ServicePoint {
                id: ServicePointId::new(id).expect("valid id"),
                name: name(zh, en),
                district: DistrictCode::new(spec.code).expect("valid code"),
                address: name(
                    format!("{}{}{no}号", spec.zh, road.0),
                    format!("No. {no} {}, {}, Nanchang", road.1, spec.en),
                ),
                location,
                area_type: spec.area,
            });
        }
        district_sps.push(mine);
    }

    let width = id_width(opts.sites);
    let horizon_first = opts.reference_date;
    let mut used_names = BTreeSet::new();
    let mut sites = Vec::with_capacity(opts.sites);
    for (di, spec) in DISTRICTS.iter().enumerate() {
        for _ in 0..per_district[di] {
            let near_seat = rng.chance(spec.seat_share);
            let (sigma, area) = if near_seat {
                (spec.seat_sigma_km, spec.area)
            } else {
                (spec.rural_sigma_km, AreaType::County)
            };
            let location = offset(&mut rng, spec.lat, spec.lon, sigma);
            let allowed: Vec<&'static InstitutionKind> = INSTITUTIONS
                .iter()
                .filter(|k| match area {
                    AreaType::Urban => k.urban,
                    AreaType::County => k.county && (near_seat || k.tier == CustomerTier::Normal),
                })
                .collect();
            let kind = allowed[rng.weighted(&allowed.iter().map(|k| k.weight).collect::<Vec<_>>())];
            let (mut zh, mut en);
            let mut attempt = 0;
            loop {
                let place = rng.pick(spec.places);
                (zh, en) = match area {
                    AreaType::Urban => (
                        format!("{}{}", place.0, kind.zh),
                        format!("{} {}", place.1, kind.en),
                    ),
                    AreaType::County => (
                        format!("{}{}{}", spec.zh, place.0, kind.zh),
                        format!("{} {}, {}", place.1, kind.en, spec.en),
                    ),
                };
                attempt += 1;
                if !used_names.contains(&zh) {
                    break;
                }
                if attempt >= 12 {
                    let n = attempt - 10;
                    zh = format!("{zh}第{n}分部");
                    en = format!("{en}, Branch {n}");
                    if !used_names.contains(&zh) {
                        break;
                    }
                }
            }
            used_names.insert(zh.clone());
            let road = rng.pick(spec.roads);
            let no = rng.int(1, 999);
            let place_for_address = rng.pick(spec.places);
            let address = match area {
                AreaType::Urban => name(
                    format!("{}{}{no}号", spec.zh, road.0),
                    format!("No. {no} {}, {}, Nanchang", road.1, spec.en),
                ),
                AreaType::County => name(
                    format!("{}{}{}{no}号", spec.zh, place_for_address.0, road.0),
                    format!(
                        "No. {no} {}, {}, {}, Nanchang",
                        road.1, place_for_address.1, spec.en
                    ),
                ),
            };
            let mut closed_dates = BTreeSet::new();
            if rng.chance(0.04) {
                for _ in 0..rng.int(1, 2) {
                    let day = rng.int(0, i64::from(opts.horizon_days) - 1);
                    closed_dates.insert(add_days(horizon_first, day));
                }
            }
            let id = SiteId::numbered(sites.len() + 1, width);
            sites.push(GenSite {
                site: Site {
                    id,
                    name: name(zh, en),
                    address,
                    district: DistrictCode::new(spec.code).expect("valid code"),
                    location,
                    area_type: area,
                    tier: kind.tier,
                    opening: opening(kind.hours),
                    closed_on_public_holidays: kind.hours != Hours::Hospital,
                    closed_dates,
                },
                kind,
                district: di,
            });
        }
    }
    Placed {
        districts: DISTRICTS.iter().map(district).collect(),
        service_points,
        district_sps,
        sp_load,
        sites,
    }
}
