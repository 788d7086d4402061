//! Schema migrations: numbered SQL scripts embedded in the binary, applied in order, each in
//! its own transaction, recorded in `schema_version`. A script is never edited once released:
//! changes come as a new script.

/// `(version, name, sql)` in ascending version order.
pub(super) const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", V1),
    (2, "roster_publications", V2),
    (3, "fault_events_and_completions", V3),
    (4, "tokens_expiry_revocation", V4),
    (5, "engineer_tokens", V5),
    (6, "alerts", V6),
    (7, "idempotency_keys", V7),
    (8, "compact_plan_versions", V8),
    (9, "job_leases", V9),
    (10, "stock_and_cases", V10),
    (11, "installations", V11),
];

/// Master data as JSON with indexed id columns; append-only faults, progress events and plan
/// versions (triggers refuse UPDATE and DELETE); jobs; token hashes; rosters (placeholder).
const V1: &str = r#"
CREATE TABLE scenario_docs (
    name TEXT PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE service_points (
    id   TEXT PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE sites (
    id   TEXT PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE devices (
    id      TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    json    TEXT NOT NULL
);
CREATE INDEX devices_site ON devices(site_id);

CREATE TABLE engineers (
    id   TEXT PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE tasks (
    id      TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    kind    TEXT NOT NULL,
    json    TEXT NOT NULL
);
CREATE INDEX tasks_site ON tasks(site_id);

CREATE TABLE faults (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    device_id   TEXT NOT NULL REFERENCES devices(id),
    level       INTEGER NOT NULL,
    reported_at TEXT NOT NULL,
    json        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TRIGGER faults_no_update BEFORE UPDATE ON faults
BEGIN SELECT RAISE(ABORT, 'faults are append-only'); END;
CREATE TRIGGER faults_no_delete BEFORE DELETE ON faults
BEGIN SELECT RAISE(ABORT, 'faults are append-only'); END;

CREATE TABLE progress_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    engineer_id TEXT NOT NULL REFERENCES engineers(id),
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    json        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX progress_events_engineer ON progress_events(engineer_id, seq);
CREATE TRIGGER progress_events_no_update BEFORE UPDATE ON progress_events
BEGIN SELECT RAISE(ABORT, 'progress events are append-only'); END;
CREATE TRIGGER progress_events_no_delete BEFORE DELETE ON progress_events
BEGIN SELECT RAISE(ABORT, 'progress events are append-only'); END;

CREATE TABLE plan_versions (
    date       TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    etag       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (date, version)
);
CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are immutable'); END;
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are immutable'); END;

CREATE TABLE jobs (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    request    TEXT NOT NULL,
    result     TEXT,
    error      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    sha256     TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('dispatcher', 'planner', 'manager', 'viewer')),
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE rosters (
    id         TEXT PRIMARY KEY,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"#;

/// Roster publications: append-only, numbered 1, 2, ... across all rosters (the number is the
/// calendar feeds' SEQUENCE source); each names a stored roster and the dates it covers.
const V2: &str = r#"
CREATE TABLE roster_publications (
    version    INTEGER PRIMARY KEY CHECK (version >= 1),
    roster_id  TEXT NOT NULL REFERENCES rosters(id),
    first_date TEXT NOT NULL,
    last_date  TEXT NOT NULL CHECK (first_date <= last_date),
    created_at TEXT NOT NULL
);
CREATE INDEX roster_publications_dates ON roster_publications(first_date, last_date);
CREATE TRIGGER roster_publications_no_update BEFORE UPDATE ON roster_publications
BEGIN SELECT RAISE(ABORT, 'roster publications are append-only'); END;
CREATE TRIGGER roster_publications_no_delete BEFORE DELETE ON roster_publications
BEGIN SELECT RAISE(ABORT, 'roster publications are append-only'); END;
"#;

/// The handling of faults after their report (append-only, one row per event, in order per
/// fault), and completed inspections and callbacks (append-only; a planned task is completed
/// at most once).
const V3: &str = r#"
CREATE TABLE fault_events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    fault_id   TEXT NOT NULL REFERENCES faults(id),
    kind       TEXT NOT NULL,
    at         TEXT NOT NULL,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX fault_events_by_fault ON fault_events (fault_id, seq);
CREATE TRIGGER fault_events_no_update BEFORE UPDATE ON fault_events
BEGIN SELECT RAISE(ABORT, 'fault events are append-only'); END;
CREATE TRIGGER fault_events_no_delete BEFORE DELETE ON fault_events
BEGIN SELECT RAISE(ABORT, 'fault events are append-only'); END;

CREATE TABLE completions (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id     TEXT UNIQUE,
    kind        TEXT NOT NULL,
    device_id   TEXT REFERENCES devices(id),
    site_id     TEXT NOT NULL REFERENCES sites(id),
    engineer_id TEXT NOT NULL,
    at          TEXT NOT NULL,
    source      TEXT NOT NULL,
    json        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX completions_by_device ON completions (device_id, at);
CREATE INDEX completions_by_site ON completions (site_id, at);
CREATE TRIGGER completions_no_update BEFORE UPDATE ON completions
BEGIN SELECT RAISE(ABORT, 'completions are append-only'); END;
CREATE TRIGGER completions_no_delete BEFORE DELETE ON completions
BEGIN SELECT RAISE(ABORT, 'completions are append-only'); END;
"#;

/// Tokens get a public id (`T-` and the first 12 hex digits of their hash: names a token in
/// `fieldplan token list` and `revoke` without revealing it), an optional expiry and a
/// revocation instant. A revoked or expired token authenticates nothing.
const V4: &str = r#"
ALTER TABLE api_tokens ADD COLUMN id TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
UPDATE api_tokens SET id = 'T-' || substr(sha256, 1, 12) WHERE id IS NULL;
CREATE UNIQUE INDEX api_tokens_id ON api_tokens(id);
"#;

/// The `engineer` role: a token of that role names the one engineer it acts for
/// (`engineer_id`, a stored engineer), and only a token of that role names one. SQLite cannot
/// change a column's CHECK, so the table is rebuilt with every row and its index.
const V5: &str = r#"
CREATE TABLE api_tokens_v5 (
    sha256      TEXT PRIMARY KEY,
    role        TEXT NOT NULL
                CHECK (role IN ('dispatcher', 'planner', 'manager', 'viewer', 'engineer')),
    label       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    id          TEXT,
    expires_at  TEXT,
    revoked_at  TEXT,
    engineer_id TEXT REFERENCES engineers(id),
    CHECK ((role = 'engineer') = (engineer_id IS NOT NULL))
);
INSERT INTO api_tokens_v5 (sha256, role, label, created_at, id, expires_at, revoked_at)
    SELECT sha256, role, label, created_at, id, expires_at, revoked_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_v5 RENAME TO api_tokens;
CREATE UNIQUE INDEX api_tokens_id ON api_tokens(id);
"#;

/// Alerts sent about faults (`faultAtRisk`, `faultMissed`): one per fault, milestone and
/// kind, so a restart never sends one again; append-only.
const V6: &str = r#"
CREATE TABLE alerts (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    fault_id   TEXT NOT NULL,
    milestone  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (fault_id, milestone, kind)
);
CREATE TRIGGER alerts_no_update BEFORE UPDATE ON alerts
BEGIN SELECT RAISE(ABORT, 'alerts are append-only'); END;
CREATE TRIGGER alerts_no_delete BEFORE DELETE ON alerts
BEGIN SELECT RAISE(ABORT, 'alerts are append-only'); END;
"#;

/// Answers kept for `Idempotency-Key` retries: one row per caller, method, path and key
/// (`scope`, hashed), the body's hash, and the answer once there is one (`status` NULL while
/// the first request runs).
const V7: &str = r#"
CREATE TABLE idempotency_keys (
    scope        TEXT PRIMARY KEY,
    body_sha256  TEXT NOT NULL,
    status       INTEGER,
    content_type TEXT,
    location     TEXT,
    body         BLOB,
    created_at   TEXT NOT NULL
);
"#;

/// Plan versions kept compactly (`store::plan_codec`): `codec` says how `body` is read, and a
/// `zstd-delta` body needs the JSON of version `base` of the same date (its key version).
/// Rows from before keep their JSON as it was (`codec = 'json'`). Still immutable.
const V8: &str = r#"
CREATE TABLE plan_versions_v8 (
    date       TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    etag       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    codec      TEXT NOT NULL CHECK (codec IN ('json', 'zstd', 'zstd-delta')),
    base       INTEGER CHECK (base >= 1 AND base < version),
    body       BLOB NOT NULL,
    PRIMARY KEY (date, version),
    CHECK ((codec = 'zstd-delta') = (base IS NOT NULL))
);
INSERT INTO plan_versions_v8 (date, version, etag, reason, created_at, codec, base, body)
    SELECT date, version, etag, reason, created_at, 'json', NULL, CAST(json AS BLOB)
    FROM plan_versions;
DROP TABLE plan_versions;
ALTER TABLE plan_versions_v8 RENAME TO plan_versions;
CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are immutable'); END;
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are immutable'); END;
"#;

/// Jobs held by one of several instances on a shared database: the instance running a job
/// (`owner`), until when its claim holds unless renewed (`lease_until`), and whether a cancel
/// was asked from any instance. One process owns a SQLite database, so SQLite keeps the
/// columns (the same schema at each number) and never uses them.
const V9: &str = r#"
ALTER TABLE jobs ADD COLUMN owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until TEXT;
ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
"#;

/// Installation projects (`domain::installation`): a project as created (its site, start, new
/// devices and steps, as JSON; immutable) and the steps reported done (append-only, a step
/// done at most once). The new devices themselves are master records of `devices`.
const V11: &str = r#"
CREATE TABLE installations (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    site_id    TEXT NOT NULL REFERENCES sites(id),
    start_date TEXT NOT NULL,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TRIGGER installations_no_update BEFORE UPDATE ON installations
BEGIN SELECT RAISE(ABORT, 'installation projects are immutable'); END;
CREATE TRIGGER installations_no_delete BEFORE DELETE ON installations
BEGIN SELECT RAISE(ABORT, 'installation projects are immutable'); END;

CREATE TABLE installation_steps_done (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    installation_id TEXT NOT NULL REFERENCES installations(id),
    task_id         TEXT NOT NULL UNIQUE,
    engineer_id     TEXT NOT NULL,
    at              TEXT NOT NULL,
    json            TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX installation_steps_done_by_project ON installation_steps_done (installation_id, seq);
CREATE TRIGGER installation_steps_done_no_update BEFORE UPDATE ON installation_steps_done
BEGIN SELECT RAISE(ABORT, 'installation steps done are append-only'); END;
CREATE TRIGGER installation_steps_done_no_delete BEFORE DELETE ON installation_steps_done
BEGIN SELECT RAISE(ABORT, 'installation steps done are append-only'); END;
"#;

/// The same migrations for PostgreSQL (`(version, name, sql)`, the same numbers and names as
/// [`MIGRATIONS`]): schema-equivalent DDL, instants and JSON kept as the same text, so both
/// stores read and write the same values. Two differences of engine, no more: append-only is
/// kept by one trigger function, and master tables get an `ord` column standing in for
/// SQLite's `rowid` (a replaced record moves to the end, as with `INSERT OR REPLACE`).
pub(super) const PG_MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", PG_V1),
    (2, "roster_publications", PG_V2),
    (3, "fault_events_and_completions", PG_V3),
    (4, "tokens_expiry_revocation", PG_V4),
    (5, "engineer_tokens", PG_V5),
    (6, "alerts", PG_V6),
    (7, "idempotency_keys", PG_V7),
    (8, "compact_plan_versions", PG_V8),
    (9, "job_leases", PG_V9),
    (10, "stock_and_cases", PG_V10),
    (11, "installations", PG_V11),
];

/// See [`V1`]. `refuse_change` raises with the message its trigger names.
const PG_V1: &str = r#"
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END $$;

CREATE TABLE scenario_docs (
    name TEXT PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE service_points (
    id   TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    ord  BIGSERIAL NOT NULL
);

CREATE TABLE sites (
    id   TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    ord  BIGSERIAL NOT NULL
);

CREATE TABLE devices (
    id      TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    json    TEXT NOT NULL,
    ord     BIGSERIAL NOT NULL
);
CREATE INDEX devices_site ON devices(site_id);

CREATE TABLE engineers (
    id   TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    ord  BIGSERIAL NOT NULL
);

CREATE TABLE tasks (
    id      TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    kind    TEXT NOT NULL,
    json    TEXT NOT NULL,
    ord     BIGSERIAL NOT NULL
);
CREATE INDEX tasks_site ON tasks(site_id);

CREATE TABLE faults (
    seq         BIGSERIAL PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    device_id   TEXT NOT NULL REFERENCES devices(id),
    level       INTEGER NOT NULL,
    reported_at TEXT NOT NULL,
    json        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TRIGGER faults_append_only BEFORE UPDATE OR DELETE ON faults
FOR EACH ROW EXECUTE FUNCTION refuse_change('faults are append-only');

CREATE TABLE progress_events (
    seq         BIGSERIAL PRIMARY KEY,
    engineer_id TEXT NOT NULL REFERENCES engineers(id),
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    json        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX progress_events_engineer ON progress_events(engineer_id, seq);
CREATE TRIGGER progress_events_append_only BEFORE UPDATE OR DELETE ON progress_events
FOR EACH ROW EXECUTE FUNCTION refuse_change('progress events are append-only');

CREATE TABLE plan_versions (
    date       TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    etag       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (date, version)
);
CREATE TRIGGER plan_versions_immutable BEFORE UPDATE OR DELETE ON plan_versions
FOR EACH ROW EXECUTE FUNCTION refuse_change('plan versions are immutable');

CREATE TABLE jobs (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    request    TEXT NOT NULL,
    result     TEXT,
    error      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    sha256     TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('dispatcher', 'planner', 'manager', 'viewer')),
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE rosters (
    id         TEXT PRIMARY KEY,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"#;

/// See [`V2`].
const PG_V2: &str = r#"
CREATE TABLE roster_publications (
    version    INTEGER PRIMARY KEY CHECK (version >= 1),
    roster_id  TEXT NOT NULL REFERENCES rosters(id),
    first_date TEXT NOT NULL,
    last_date  TEXT NOT NULL CHECK (first_date <= last_date),
    created_at TEXT NOT NULL
);
CREATE INDEX roster_publications_dates ON roster_publications(first_date, last_date);
CREATE TRIGGER roster_publications_append_only BEFORE UPDATE OR DELETE ON roster_publications
FOR EACH ROW EXECUTE FUNCTION refuse_change('roster publications are append-only');
"#;

/// See [`V3`].
const PG_V3: &str = r#"
CREATE TABLE fault_events (
    seq        BIGSERIAL PRIMARY KEY,
    fault_id   TEXT NOT NULL REFERENCES faults(id),
    kind       TEXT NOT NULL,
    at         TEXT NOT NULL,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX fault_events_by_fault ON fault_events (fault_id, seq);
CREATE TRIGGER fault_events_append_only BEFORE UPDATE OR DELETE ON fault_events
FOR EACH ROW EXECUTE FUNCTION refuse_change('fault events are append-only');

CREATE TABLE completions (
    seq         BIGSERIAL PRIMARY KEY,
    task_id     TEXT UNIQUE,
    kind        TEXT NOT NULL,
    device_id   TEXT REFERENCES devices(id),
    site_id     TEXT NOT NULL REFERENCES sites(id),
    engineer_id TEXT NOT NULL,
    at          TEXT NOT NULL,
    source      TEXT NOT NULL,
    json        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX completions_by_device ON completions (device_id, at);
CREATE INDEX completions_by_site ON completions (site_id, at);
CREATE TRIGGER completions_append_only BEFORE UPDATE OR DELETE ON completions
FOR EACH ROW EXECUTE FUNCTION refuse_change('completions are append-only');
"#;

/// See [`V4`].
const PG_V4: &str = r#"
ALTER TABLE api_tokens ADD COLUMN id TEXT;
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
UPDATE api_tokens SET id = 'T-' || substr(sha256, 1, 12) WHERE id IS NULL;
CREATE UNIQUE INDEX api_tokens_id ON api_tokens(id);
"#;

/// See [`V5`]: PostgreSQL changes the CHECK in place.
const PG_V5: &str = r#"
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
    CHECK (role IN ('dispatcher', 'planner', 'manager', 'viewer', 'engineer'));
ALTER TABLE api_tokens ADD COLUMN engineer_id TEXT REFERENCES engineers(id);
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_engineer_check
    CHECK ((role = 'engineer') = (engineer_id IS NOT NULL));
"#;

/// See [`V6`].
const PG_V6: &str = r#"
CREATE TABLE alerts (
    seq        BIGSERIAL PRIMARY KEY,
    fault_id   TEXT NOT NULL,
    milestone  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (fault_id, milestone, kind)
);
CREATE TRIGGER alerts_append_only BEFORE UPDATE OR DELETE ON alerts
FOR EACH ROW EXECUTE FUNCTION refuse_change('alerts are append-only');
"#;

/// See [`V7`].
const PG_V7: &str = r#"
CREATE TABLE idempotency_keys (
    scope        TEXT PRIMARY KEY,
    body_sha256  TEXT NOT NULL,
    status       INTEGER,
    content_type TEXT,
    location     TEXT,
    body         BYTEA,
    created_at   TEXT NOT NULL
);
"#;

/// See [`V8`]. PostgreSQL renames in place; the old rows' JSON becomes their body as it was.
const PG_V8: &str = r#"
CREATE TABLE plan_versions_v8 (
    date       TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    etag       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    codec      TEXT NOT NULL CHECK (codec IN ('json', 'zstd', 'zstd-delta')),
    base       INTEGER CHECK (base >= 1 AND base < version),
    body       BYTEA NOT NULL,
    PRIMARY KEY (date, version),
    CHECK ((codec = 'zstd-delta') = (base IS NOT NULL))
);
INSERT INTO plan_versions_v8 (date, version, etag, reason, created_at, codec, base, body)
    SELECT date, version, etag, reason, created_at, 'json', NULL, convert_to(json, 'UTF8')
    FROM plan_versions;
DROP TABLE plan_versions;
ALTER TABLE plan_versions_v8 RENAME TO plan_versions;
ALTER TABLE plan_versions RENAME CONSTRAINT plan_versions_v8_pkey TO plan_versions_pkey;
CREATE TRIGGER plan_versions_immutable BEFORE UPDATE OR DELETE ON plan_versions
FOR EACH ROW EXECUTE FUNCTION refuse_change('plan versions are immutable');
"#;

/// See [`V9`]. The lease is in the database's time (`now()`), so the instances' clocks never
/// need to agree; the index finds unfinished jobs whose lease ran out.
const PG_V9: &str = r#"
ALTER TABLE jobs ADD COLUMN owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until TIMESTAMPTZ;
ALTER TABLE jobs ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX jobs_unfinished ON jobs (lease_until) WHERE status IN ('queued', 'running');
"#;

/// Stock counts per service point (spare parts, loan units) whose invariant the schema keeps
/// (`0 <= reserved <= quantity`), and the cases of spare-part deliveries, loans and DOA
/// replacements as versioned JSON (an update names the version it read). The engines' scripts
/// differ only in the integer type `$int` (SQLite `INTEGER`, PostgreSQL `BIGINT`).
macro_rules! stock_and_cases {
    ($int:literal) => {
        concat!(
            r#"
CREATE TABLE stock (
    kind          TEXT NOT NULL CHECK (kind IN ('part', 'loan')),
    service_point TEXT NOT NULL REFERENCES service_points(id),
    item          TEXT NOT NULL,
    quantity      "#,
            $int,
            r#" NOT NULL CHECK (quantity >= 0),
    reserved      "#,
            $int,
            r#" NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= quantity),
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (kind, service_point, item)
);
CREATE TABLE cases (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('delivery', 'loan', 'doa')),
    version    "#,
            $int,
            r#" NOT NULL CHECK (version >= 1),
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_by_kind ON cases(kind, id);
"#
        )
    };
}

/// Migration 10 for SQLite: see `stock_and_cases`.
const V10: &str = stock_and_cases!("INTEGER");

/// See [`V10`].
const PG_V10: &str = stock_and_cases!("BIGINT");

/// See [`V11`].
const PG_V11: &str = r#"
CREATE TABLE installations (
    seq        BIGSERIAL PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    site_id    TEXT NOT NULL REFERENCES sites(id),
    start_date TEXT NOT NULL,
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TRIGGER installations_immutable BEFORE UPDATE OR DELETE ON installations
FOR EACH ROW EXECUTE FUNCTION refuse_change('installation projects are immutable');

CREATE TABLE installation_steps_done (
    seq             BIGSERIAL PRIMARY KEY,
    installation_id TEXT NOT NULL REFERENCES installations(id),
    task_id         TEXT NOT NULL UNIQUE,
    engineer_id     TEXT NOT NULL,
    at              TEXT NOT NULL,
    json            TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX installation_steps_done_by_project ON installation_steps_done (installation_id, seq);
CREATE TRIGGER installation_steps_done_append_only BEFORE UPDATE OR DELETE ON installation_steps_done
FOR EACH ROW EXECUTE FUNCTION refuse_change('installation steps done are append-only');
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_have_the_same_migrations_in_order() {
        let numbers = |m: &[(i64, &str, &str)]| -> Vec<(i64, String)> {
            m.iter().map(|(v, n, _)| (*v, (*n).to_owned())).collect()
        };
        assert_eq!(numbers(MIGRATIONS), numbers(PG_MIGRATIONS));
        assert!(MIGRATIONS.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
