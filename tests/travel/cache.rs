//! The matrix cache: memory hits, eviction, keys, and the disk tier.

use crate::support::{NANCHANG, random_points, temp_dir};
use fieldplan::travel::{CachedModel, Geodesic, GeodesicConfig, TravelModel};
use std::sync::Arc;

fn geodesic() -> Geodesic {
    Geodesic::new(GeodesicConfig::default()).unwrap()
}

#[test]
fn second_request_for_the_same_points_is_a_memory_hit() {
    let cache = CachedModel::new(geodesic(), 2);
    let points = random_points(50, 1, NANCHANG, 0.2);
    let a = cache.matrix(&points).unwrap();
    let b = cache.matrix(&points).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(*a, geodesic().matrix(&points).unwrap());
    let s = cache.stats();
    assert_eq!((s.misses, s.memory_hits, s.disk_hits), (1, 1, 0));
}

#[test]
fn other_points_or_other_parameters_change_the_key() {
    let points = random_points(10, 1, NANCHANG, 0.2);
    let mut moved = points.clone();
    moved[3] = moved[3].with_area(fieldplan::travel::SpeedClass::County);
    let cache = CachedModel::new(geodesic(), 4);
    assert_ne!(cache.key(&points), cache.key(&moved));
    let slower = GeodesicConfig {
        access_seconds: 60,
        ..GeodesicConfig::default()
    };
    let other = CachedModel::new(Geodesic::new(slower).unwrap(), 4);
    assert_ne!(cache.key(&points), other.key(&points));
    cache.matrix(&points).unwrap();
    cache.matrix(&moved).unwrap();
    assert_eq!(cache.stats().misses, 2);
}

#[test]
fn least_recently_used_matrix_is_evicted() {
    let cache = CachedModel::new(geodesic(), 2);
    let sets: Vec<_> = (0..3).map(|s| random_points(5, s, NANCHANG, 0.2)).collect();
    cache.matrix(&sets[0]).unwrap();
    cache.matrix(&sets[1]).unwrap();
    cache.matrix(&sets[0]).unwrap(); // 0 is now the most recent
    cache.matrix(&sets[2]).unwrap(); // evicts 1
    cache.matrix(&sets[0]).unwrap();
    assert_eq!(cache.stats().memory_hits, 2);
    cache.matrix(&sets[1]).unwrap();
    assert_eq!(cache.stats().misses, 4);
}

#[test]
fn disk_cache_survives_a_new_cache_and_ignores_corrupt_files() {
    let dir = temp_dir("cache-disk");
    let points = random_points(30, 2, NANCHANG, 0.2);
    let first = CachedModel::new(geodesic(), 1).with_disk(&dir);
    let m = first.matrix(&points).unwrap();
    assert_eq!(first.stats().disk_errors, 0);

    let second = CachedModel::new(geodesic(), 1).with_disk(&dir);
    assert_eq!(*second.matrix(&points).unwrap(), *m);
    assert_eq!(second.stats().disk_hits, 1);

    for entry in std::fs::read_dir(&dir).unwrap() {
        std::fs::write(entry.unwrap().path(), b"FPTRAVEL1\ngarbage").unwrap();
    }
    let third = CachedModel::new(geodesic(), 1).with_disk(&dir);
    assert_eq!(*third.matrix(&points).unwrap(), *m);
    assert_eq!((third.stats().disk_hits, third.stats().misses), (0, 1));
}

#[test]
fn an_unwritable_cache_dir_does_not_fail_the_plan() {
    let dir = temp_dir("cache-unwritable");
    let file = dir.join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let cache = CachedModel::new(geodesic(), 1).with_disk(file.join("sub"));
    let points = random_points(4, 2, NANCHANG, 0.2);
    assert!(cache.matrix(&points).is_ok());
    assert_eq!(cache.stats().disk_errors, 1);
}
