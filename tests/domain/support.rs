//! Shared helpers.

use chrono::{NaiveDate, NaiveTime};
use fieldplan::domain::instant::Instant;
use std::path::{Path, PathBuf};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> Instant {
    Instant::local(d(y, m, day), NaiveTime::from_hms_opt(h, min, 0).unwrap()).unwrap()
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh empty directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fieldplan-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
