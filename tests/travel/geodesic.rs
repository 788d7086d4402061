use crate::support::{NANCHANG, random_points, triangle_violation};
use fieldplan::travel::{
    Geodesic, GeodesicConfig, SpeedClass, TravelError, TravelModel, TravelPoint,
};

fn model() -> Geodesic {
    Geodesic::new(GeodesicConfig::default()).unwrap()
}

fn at(lat: f64, lon: f64, area: SpeedClass) -> TravelPoint {
    TravelPoint::new(lat, lon, area).unwrap()
}

#[test]
fn geodesic_matrix_is_symmetric_with_zero_diagonal() {
    let points = random_points(300, 1, NANCHANG, 0.5);
    let m = model().matrix(&points).unwrap();
    assert_eq!(m.len(), 300);
    assert!(m.is_symmetric());
    for i in 0..300 {
        assert_eq!((m.distance(i, i), m.duration(i, i)), (0, 0));
    }
}

#[test]
fn geodesic_distance_is_haversine_times_detour_rounded_up() {
    // 0.01 degree of latitude is 1111.95 m on the mean radius.
    let a = at(28.68, 115.89, SpeedClass::County);
    let b = at(28.69, 115.89, SpeedClass::County);
    let (metres, seconds) = model().trip(&a, &b).unwrap();
    assert_eq!(metres, (1111.95 * 1.25_f64).ceil() as u32);
    assert_eq!(seconds, (f64::from(metres) / (50.0 / 3.6)).ceil() as u32);
}

#[test]
fn urban_trips_are_slower_than_county_trips() {
    let (a, b) = ((28.68, 115.89), (28.70, 115.91));
    let trip = |area| {
        model()
            .trip(&at(a.0, a.1, area), &at(b.0, b.1, area))
            .unwrap()
    };
    let (urban, suburban, county) = (
        trip(SpeedClass::Urban),
        trip(SpeedClass::Suburban),
        trip(SpeedClass::County),
    );
    assert!(urban.1 > suburban.1 && suburban.1 > county.1);
    assert!(urban.0 >= county.0, "the urban detour is larger");
}

#[test]
fn mixed_pair_travels_at_the_slower_endpoint_speed() {
    let m = model();
    let urban = at(28.68, 115.89, SpeedClass::Urban);
    let county = at(28.75, 115.95, SpeedClass::County);
    let both_urban = m
        .trip(&urban, &county.with_area(SpeedClass::Urban))
        .unwrap();
    assert_eq!(m.trip(&urban, &county).unwrap(), both_urban);
    assert_eq!(m.trip(&county, &urban).unwrap(), both_urban);
}

#[test]
fn access_time_is_added_between_distinct_places_only() {
    let config = GeodesicConfig {
        access_seconds: 120,
        ..GeodesicConfig::default()
    };
    let with = Geodesic::new(config).unwrap();
    let a = at(28.68, 115.89, SpeedClass::Urban);
    let b = at(28.69, 115.90, SpeedClass::Urban);
    assert_eq!(
        with.trip(&a, &b).unwrap().1,
        model().trip(&a, &b).unwrap().1 + 120
    );
    assert_eq!(with.trip(&a, &a).unwrap(), (0, 0));
}

#[test]
fn triangle_inequality_holds_within_one_area_type() {
    for area in SpeedClass::ALL {
        let points: Vec<_> = random_points(40, 7, NANCHANG, 0.3)
            .into_iter()
            .map(|p| p.with_area(area))
            .collect();
        let m = model().matrix(&points).unwrap();
        assert_eq!(triangle_violation(&m), None, "{area:?}");
    }
}

#[test]
fn empty_point_list_gives_an_empty_matrix() {
    let m = model().matrix(&[]).unwrap();
    assert!(m.is_empty());
}

#[test]
fn bad_coordinates_are_rejected_naming_the_field() {
    for (lat, lon, field) in [
        (f64::NAN, 115.0, "lat"),
        (91.0, 115.0, "lat"),
        (28.0, -180.5, "lon"),
        (28.0, f64::INFINITY, "lon"),
    ] {
        let e = TravelPoint::new(lat, lon, SpeedClass::Urban).unwrap_err();
        assert_eq!(e.field, field);
        assert!(e.to_string().starts_with(field), "{e}");
    }
}

#[test]
fn bad_config_is_rejected_naming_the_field() {
    let mut config = GeodesicConfig::default();
    config.speed_kmh.suburban = 0.0;
    let e = Geodesic::new(config).unwrap_err();
    assert!(
        matches!(
            e,
            TravelError::InvalidConfig {
                field: "speed_kmh.suburban",
                ..
            }
        ),
        "{e}"
    );
    let mut config = GeodesicConfig::default();
    config.detour.county = 0.9;
    let e = Geodesic::new(config).unwrap_err();
    assert!(e.to_string().contains("detour.county"), "{e}");
}

#[test]
fn out_of_range_lookup_is_none_not_a_panic() {
    let points = random_points(3, 2, NANCHANG, 0.1);
    let m = model().matrix(&points).unwrap();
    assert_eq!(m.get(0, 1), Some((m.distance(0, 1), m.duration(0, 1))));
    assert_eq!(m.get(3, 0), None);
}

#[test]
fn domain_places_become_travel_points_with_their_area() {
    use fieldplan::domain::geo::{AreaType as PlaceArea, LatLon};
    let at = LatLon::new(28.68, 115.89).unwrap();
    let city = TravelPoint::from_place(at, PlaceArea::Urban);
    let county = TravelPoint::from_place(at, PlaceArea::County);
    assert_eq!((city.lat(), city.lon()), (28.68, 115.89));
    assert_eq!(city.area(), SpeedClass::Urban);
    assert_eq!(county.area(), SpeedClass::County);
}
