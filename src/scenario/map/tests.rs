//! The bundled map: its topology as a Nanchang dispatcher knows it, and the checks of the
//! loader and of a place.

use super::*;
use crate::scenario::generate::places::DISTRICTS;

fn code(c: &str) -> DistrictCode {
    DistrictCode::new(c).unwrap()
}

fn at(lat: f64, lon: f64) -> LatLon {
    LatLon::new(lat, lon).unwrap()
}

/// What lies at a point: the water first, else the district.
fn label(map: &Map, p: LatLon) -> Option<String> {
    map.water_near(p, 0.0)
        .map(|w| w.name.clone())
        .or_else(|| map.district_at(p).map(ToString::to_string))
}

/// The distinct things met walking in `steps` equal steps from `a` to `b` (gaps skipped).
fn walk(map: &Map, a: (f64, f64), b: (f64, f64), steps: usize) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for i in 0..=steps {
        let t = i as f64 / steps as f64;
        let p = at(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        if let Some(l) = label(map, p)
            && seen.last() != Some(&l)
        {
            seen.push(l);
        }
    }
    seen
}

#[test]
fn the_bundled_map_outlines_the_nine_districts_and_counties() {
    let map = Map::nanchang();
    for spec in DISTRICTS {
        assert!(map.has_outline(&code(spec.code)), "{}", spec.code);
    }
    assert_eq!(map.districts.len(), 9);
}

/// Worked out from the vertices: east along 28.68 N the west bank is Xinjian (Changleng)
/// then Honggutan; the Gan; Donghu on the east bank; Qingshanhu with Qingshan and Aixi
/// lakes.
#[test]
fn east_along_28_68_the_gan_lies_between_honggutan_and_donghu() {
    let seen = walk(Map::nanchang(), (28.68, 115.80), (28.68, 116.0), 400);
    assert_eq!(
        seen,
        [
            "XJ",
            "HGT",
            "Gan River",
            "DH",
            "QSH",
            "Qingshan Lake",
            "QSH",
            "Aixi Lake",
            "QSH"
        ]
    );
}

/// South of Donghu, Xihu holds the east bank; Qingyunpu lies east of it, Qingshanhu further
/// east, Nanchang County beyond the high-tech zone.
#[test]
fn east_along_28_64_xihu_holds_the_east_bank_south_west_of_donghu() {
    let seen = walk(Map::nanchang(), (28.64, 115.78), (28.64, 116.12), 680);
    assert_eq!(seen, ["XJ", "HGT", "Gan River", "XH", "QYP", "QSH", "NCX"]);
}

/// Down the meridian of Liantang: Qingshanhu, Qingyunpu, then Nanchang County, which holds
/// its seat south of the city.
#[test]
fn south_of_the_city_lies_nanchang_county_with_its_seat_liantang() {
    let map = Map::nanchang();
    let seen = walk(map, (28.67, 115.944), (28.45, 115.944), 440);
    assert_eq!(seen, ["QSH", "QYP", "NCX"]);
    let nc = DISTRICTS.iter().find(|d| d.code == "NCX").unwrap();
    assert_eq!(nc.seat_en, "Liantang");
    assert_eq!(map.district_at(at(nc.lat, nc.lon)), Some(&code("NCX")));
}

#[test]
fn every_seat_lies_in_its_district_and_away_from_water() {
    let map = Map::nanchang();
    for d in DISTRICTS {
        let seat = at(d.lat, d.lon);
        assert!(map.is_placeable(&code(d.code), seat, 0.3), "{}", d.code);
    }
    // Anyi far north-west and Jinxian far east of the old city (Donghu's seat).
    let seat = |c: &str| DISTRICTS.iter().find(|d| d.code == c).unwrap();
    let (dh, ay, jx) = (seat("DH"), seat("AY"), seat("JX"));
    assert!(ay.lat > dh.lat + 0.1 && ay.lon < dh.lon - 0.25);
    assert!(jx.lon > dh.lon + 0.3);
}

#[test]
fn the_county_districts_have_townships_on_land_inside_them() {
    let map = Map::nanchang();
    for c in ["XJ", "NCX", "JX", "AY"] {
        let towns = map.townships(&code(c));
        assert!(towns.len() >= 8, "{c}: {}", towns.len());
        for t in towns {
            assert_eq!(map.problem(&t.district, t.at), None, "{}", t.en);
        }
    }
    for c in ["DH", "XH", "QYP", "QSH", "HGT"] {
        assert_eq!(map.townships(&code(c)).len(), 0);
    }
}

#[test]
fn no_point_lies_in_two_districts() {
    let map = Map::nanchang();
    for i in 0..=125 {
        for j in 0..=115 {
            let q = point(at(
                28.05 + f64::from(j) * 0.01,
                115.35 + f64::from(i) * 0.01,
            ));
            let n = map.districts.iter().filter(|(_, o)| o.contains(&q)).count();
            assert!(n <= 1, "{q:?} lies in {n} districts");
        }
    }
}

#[test]
fn a_place_in_water_or_in_the_wrong_district_is_named() {
    let map = Map::nanchang();
    let hgt = code("HGT");
    // On the Gan's centre line between Tengwang Pavilion and Qiushui Square.
    assert_eq!(
        map.problem(&hgt, at(28.675, 115.873)),
        Some(PlaceProblem::InWater {
            water: "Gan River 赣江".into()
        })
    );
    // The middle of Qingshan Lake.
    let p = map.problem(&code("QSH"), at(28.695, 115.935)).unwrap();
    assert_eq!(p.to_string(), "lies in water: Qingshan Lake 青山湖");
    // Donghu's seat given to Honggutan: across the river.
    assert_eq!(
        map.problem(&hgt, at(28.684, 115.899)),
        Some(PlaceProblem::OutsideDistrict {
            lies_in: Some(code("DH"))
        })
    );
    // In Poyang Lake's direction, outside every outline.
    assert_eq!(
        map.problem(&code("NCX"), at(29.1, 116.4)),
        Some(PlaceProblem::OutsideDistrict { lies_in: None })
    );
    assert_eq!(
        map.problem(&code("ZZ"), at(28.684, 115.899)),
        Some(PlaceProblem::NoOutline)
    );
    assert_eq!(map.problem(&hgt, at(28.695, 115.847)), None);
}

#[test]
fn the_loader_refuses_swapped_positions_and_a_township_outside_its_district() {
    let swapped =
        "[[district]]\ncode = \"AA\"\noutline = [[28.6, 115.8], [28.7, 115.8], [28.7, 115.9]]\n";
    let err = Map::parse(swapped).err().unwrap();
    assert!(
        err.contains("district AA") && err.contains("[lon, lat]"),
        "{err}"
    );
    let outside = "[[district]]\ncode = \"AA\"\noutline = [[115.8, 28.6], [115.9, 28.6], [115.9, 28.7]]\n\
                   [[township]]\ndistrict = \"AA\"\nzh = \"乙\"\nen = \"Yi\"\nat = [116.2, 28.4]\n";
    let err = Map::parse(outside).err().unwrap();
    assert!(
        err.contains("township Yi (AA)") && err.contains("outside"),
        "{err}"
    );
}

/// The prefecture spans 115 deg 27'-116 deg 35' E, 28 deg 10'-29 deg 11' N (the city's figure):
/// every outline vertex stays inside.
#[test]
fn every_outline_lies_inside_the_prefecture() {
    let (west, east) = (115.0 + 27.0 / 60.0, 116.0 + 35.0 / 60.0);
    let (south, north) = (28.0 + 10.0 / 60.0, 29.0 + 11.0 / 60.0);
    let raw: RawMap = toml::from_str(NANCHANG).unwrap();
    for d in &raw.district {
        for [lon, lat] in &d.outline {
            assert!(
                (west..=east).contains(lon) && (south..=north).contains(lat),
                "{}: [{lon}, {lat}]",
                d.code
            );
        }
    }
}
