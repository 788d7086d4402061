//! Service points and sites.

use super::GenerateOptions;
use super::id_width;
use super::names::{Hours, INSTITUTIONS, InstitutionKind};
use super::places::{DISTRICTS, DistrictSpec, apportion};
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
use crate::scenario::map::{KM_PER_DEG_LAT, KM_PER_DEG_LON, Map, Township};
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
        seat_location: seat(spec),
    }
}

/// Sites keep this far from any river or lake (km): the outlines are approximate.
const WATER_MARGIN_KM: f64 = 0.2;
/// Spread of a township's sites around its centre (km).
const TOWN_SIGMA_KM: f64 = 0.6;
/// Draws before a site falls back to the centre it is drawn around.
const PLACE_ATTEMPTS: usize = 200;

/// A point at a normal offset from `centre`, inside `district` and away from water; the
/// centre itself when no draw lands there (seats and townships are placeable: tested in
/// `scenario::map`).
fn place(rng: &mut Rng, district: &DistrictCode, centre: LatLon, sigma_km: f64) -> LatLon {
    let map = Map::nanchang();
    for _ in 0..PLACE_ATTEMPTS {
        let p = offset(rng, centre.lat(), centre.lon(), sigma_km);
        if map.is_placeable(district, p, WATER_MARGIN_KM) {
            return p;
        }
    }
    centre
}

fn seat(spec: &DistrictSpec) -> LatLon {
    LatLon::new(spec.lat, spec.lon).expect("valid seat")
}

fn service_points(
    opts: &GenerateOptions,
    per_district: &[usize],
) -> (Vec<ServicePoint>, Vec<Vec<usize>>, Vec<f64>) {
    let mut service_points = Vec::new();
    let mut district_sps = Vec::new();
    let mut sp_load = Vec::new();
    let mut sp_rng = Rng::stream(opts.seed, "service-points");
    for (di, spec) in DISTRICTS.iter().enumerate() {
        let code = DistrictCode::new(spec.code).expect("valid code");
        let n = per_district[di].div_ceil(SITES_PER_SERVICE_POINT).max(1);
        let mut mine = Vec::new();
        for k in 0..n {
            let (id, zh, en, location) = if k == 0 {
                (
                    format!("SP-{}", spec.code),
                    format!("{}服务站", spec.zh),
                    format!("{} Service Point", spec.en),
                    seat(spec),
                )
            } else {
                (
                    format!("SP-{}{}", spec.code, k + 1),
                    format!("{}第{}服务站", spec.zh, k + 1),
                    format!("{} Service Point {}", spec.en, k + 1),
                    place(&mut sp_rng, &code, seat(spec), spec.seat_sigma_km.max(2.0)),
                )
            };
            let road = sp_rng.pick(spec.roads);
            let no = sp_rng.int(1, 300);
            mine.push(service_points.len());
            sp_load.push(per_district[di] as f64 / n as f64);
            service_points.push(ServicePoint {
                id: ServicePointId::new(id).expect("valid id"),
                name: name(zh, en),
                district: code.clone(),
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
    (service_points, district_sps, sp_load)
}

/// Where a site stands: around the seat, or at a township of its district (county sites).
struct Spot {
    location: LatLon,
    area: AreaType,
    /// The township (Chinese, pinyin) of a county site, which also names it.
    town: Option<(&'static str, &'static str)>,
}

fn spot(rng: &mut Rng, spec: &DistrictSpec, code: &DistrictCode) -> Spot {
    let near_seat = rng.chance(spec.seat_share);
    let towns: Vec<&'static Township> = Map::nanchang().townships(code);
    if near_seat || towns.is_empty() {
        return Spot {
            location: place(rng, code, seat(spec), spec.seat_sigma_km),
            area: spec.area,
            town: None,
        };
    }
    let town = *rng.pick(&towns);
    Spot {
        location: place(rng, code, town.at, TOWN_SIGMA_KM),
        area: AreaType::County,
        town: Some((town.zh.as_str(), town.en.as_str())),
    }
}

/// A name not used yet: the institution at its township, or at a place of the district
/// drawn again on a clash; a branch number when the clashes persist.
fn site_name(
    rng: &mut Rng,
    spec: &DistrictSpec,
    spot: &Spot,
    kind: &InstitutionKind,
    used: &mut BTreeSet<String>,
) -> Name {
    let tries = if spot.town.is_some() { 1 } else { 12 };
    let mut candidate = (String::new(), String::new());
    for _ in 0..tries {
        let place = spot.town.unwrap_or_else(|| *rng.pick(spec.places));
        candidate = match spot.area {
            AreaType::Urban => (
                format!("{}{}", place.0, kind.zh),
                format!("{} {}", place.1, kind.en),
            ),
            AreaType::County => (
                format!("{}{}{}", spec.zh, place.0, kind.zh),
                format!("{} {}, {}", place.1, kind.en, spec.en),
            ),
        };
        if !used.contains(&candidate.0) {
            break;
        }
    }
    if used.contains(&candidate.0) {
        let (zh, en) = candidate;
        candidate = (2..)
            .map(|n| (format!("{zh}第{n}分部"), format!("{en}, Branch {n}")))
            .find(|(zh, _)| !used.contains(zh))
            .expect("some branch number is free");
    }
    used.insert(candidate.0.clone());
    name(candidate.0, candidate.1)
}

fn address(rng: &mut Rng, spec: &DistrictSpec, spot: &Spot) -> Name {
    let road = rng.pick(spec.roads);
    let no = rng.int(1, 999);
    let place = spot.town.unwrap_or_else(|| *rng.pick(spec.places));
    match spot.area {
        AreaType::Urban => name(
            format!("{}{}{no}号", spec.zh, road.0),
            format!("No. {no} {}, {}, Nanchang", road.1, spec.en),
        ),
        AreaType::County => name(
            format!("{}{}{}{no}号", spec.zh, place.0, road.0),
            format!("No. {no} {}, {}, {}, Nanchang", road.1, place.1, spec.en),
        ),
    }
}

pub fn generate(opts: &GenerateOptions) -> Placed {
    let mut rng = Rng::stream(opts.seed, "sites");
    let weights: Vec<f64> = DISTRICTS.iter().map(|d| d.weight).collect();
    let per_district = apportion(opts.sites, &weights, 0);
    let (service_points, district_sps, sp_load) = service_points(opts, &per_district);

    let width = id_width(opts.sites);
    let horizon_first = opts.reference_date;
    let mut used_names = BTreeSet::new();
    let mut sites = Vec::with_capacity(opts.sites);
    for (di, spec) in DISTRICTS.iter().enumerate() {
        let code = DistrictCode::new(spec.code).expect("valid code");
        for _ in 0..per_district[di] {
            let spot = spot(&mut rng, spec, &code);
            let allowed: Vec<&'static InstitutionKind> = INSTITUTIONS
                .iter()
                .filter(|k| match spot.area {
                    AreaType::Urban => k.urban,
                    AreaType::County => {
                        k.county && (spot.town.is_none() || k.tier == CustomerTier::Normal)
                    }
                })
                .collect();
            let kind = allowed[rng.weighted(&allowed.iter().map(|k| k.weight).collect::<Vec<_>>())];
            let site_name = site_name(&mut rng, spec, &spot, kind, &mut used_names);
            let address = address(&mut rng, spec, &spot);
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
                    name: site_name,
                    address,
                    district: code.clone(),
                    location: spot.location,
                    area_type: spot.area,
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
