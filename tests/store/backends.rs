//! The stores under test: a fresh SQLite database in memory, and a fresh PostgreSQL schema
//! when `FIELDPLAN_TEST_PG` is set.

use fieldplan::domain::clock::ManualClock;
use fieldplan::domain::instant::Instant;
use fieldplan::store::{PgStore, SqliteStore, Store};
use std::path::Path;
use std::sync::Arc;

pub const START: &str = "2026-11-30T09:20:00+08:00";

pub struct Backend {
    pub name: &'static str,
    pub store: Arc<dyn Store>,
    pub clock: Arc<ManualClock>,
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Instant::parse(START).unwrap()))
}

/// The PostgreSQL database of the tests, if any.
pub fn pg_url() -> Option<String> {
    std::env::var("FIELDPLAN_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A URL of the test database whose connections use a new, empty schema.
pub fn fresh_pg_schema(url: &str) -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    let schema: String = std::iter::once("t_".to_owned())
        .chain(b.iter().map(|x| format!("{x:02x}")))
        .collect();
    let mut client = postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("FIELDPLAN_TEST_PG={url}: {e}"));
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// Every backend, each empty.
pub fn empty() -> Vec<Backend> {
    let sqlite_clock = clock();
    let mut all = vec![Backend {
        name: "sqlite",
        store: Arc::new(SqliteStore::in_memory_with_clock(sqlite_clock.clone()).unwrap()),
        clock: sqlite_clock,
    }];
    if let Some(url) = pg_url() {
        let pg_clock = clock();
        let scoped = fresh_pg_schema(&url);
        all.push(Backend {
            name: "postgres",
            store: Arc::new(PgStore::open_with_clock(&scoped, pg_clock.clone()).unwrap()),
            clock: pg_clock,
        });
    }
    all
}

pub fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Every backend, each holding `data/nanchang` and its tasks.
pub fn seeded() -> Vec<Backend> {
    let config = fieldplan::scenario::load_config(repo("config")).unwrap();
    let all = empty();
    for b in &all {
        fieldplan::api::seed_store(b.store.as_ref(), &repo("data/nanchang"), &config).unwrap();
    }
    all
}
