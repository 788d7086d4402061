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
