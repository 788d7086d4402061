//! The store's behaviour, the same on both engines: every test runs on SQLite (in memory)
//! and, when `FIELDPLAN_TEST_PG` names a PostgreSQL database (`.ci/run` starts one:
//! `tests/pg/cluster.sh`), on PostgreSQL too, each run in a fresh schema. `concurrent`
//! holds what only a shared database needs: several instances writing at once.

mod backends;
mod behaviour;
mod concurrent;
