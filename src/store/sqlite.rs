//! [`Store`] on SQLite (rusqlite, bundled): one connection behind a mutex, WAL journal,
//! `synchronous=FULL`, foreign keys on.

mod installations;

use super::migrations::MIGRATIONS;
use super::plan_codec::{self, Codec};
use super::values::{
    JobRow, from_json, instant, job_record, stored_engineer, str_field, to_json, with_events,
};
use super::{
    FaultDraft, IdempotencyClaim, JobRecord, JobStatus, KeptAnswer, Page, PlanVersion, RecordKind,
    RosterPublication, Store, StoreError, StoreResult, StoredEvent, TokenGrant, TokenInfo,
    plan_etag,
};
use crate::domain::clock::{SharedClock, SystemClock};
use crate::domain::fault::{Fault, FaultEvent, FaultRecord};
use crate::domain::history::{CallbackRecord, Completion, InspectionRecord, Record};
use crate::domain::ids::FaultId;
use crate::domain::instant::Instant;
use crate::domain::task::Task;
use crate::scenario::files::names;
use crate::scenario::{Scenario, ScenarioParts};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// SQLite storage. Clone-free: share it behind an `Arc`.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// Stamps every row it writes (`created_at`, `updated_at`).
    clock: SharedClock,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        Self::open_with_clock(path, std::sync::Arc::new(SystemClock))
    }

    /// [`SqliteStore::open`] with the service's clock for its timestamps.
    pub fn open_with_clock(path: impl AsRef<Path>, clock: SharedClock) -> StoreResult<Self> {
        create_private(path.as_ref())?;
        Self::with_connection(Connection::open(path)?, clock)
    }

    /// A private in-memory database (tests).
    pub fn in_memory() -> StoreResult<Self> {
        Self::in_memory_with_clock(std::sync::Arc::new(SystemClock))
    }

    /// [`SqliteStore::in_memory`] with the service's clock for its timestamps.
    pub fn in_memory_with_clock(clock: SharedClock) -> StoreResult<Self> {
        Self::with_connection(Connection::open_in_memory()?, clock)
    }

    fn with_connection(mut conn: Connection, clock: SharedClock) -> StoreResult<Self> {
        conn.busy_timeout(Duration::from_secs(10))?;
        // Processes opening a new file at once: switching it to WAL, or upgrading a read to a
        // write, may be refused as busy at once (SQLite does not wait where waiting could
        // deadlock). Such a refusal is retried for up to the busy timeout.
        let started = std::time::Instant::now();
        loop {
            match prepare(&mut conn, clock.now()) {
                Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && started.elapsed() < Duration::from_secs(10) =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => break other?,
            }
        }
        Ok(Self {
            conn: Mutex::new(conn),
            clock,
        })
    }

    fn now(&self) -> Instant {
        self.clock.now()
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half-done transaction (rusqlite rolls back
        // on drop), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The schema version (the last migration applied).
    pub fn schema_version(&self) -> StoreResult<i64> {
        Ok(self.conn().query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )?)
    }
}

/// Creates a missing database file readable and writable by its owner only (0600 on unix: it
/// holds token hashes and every plan); SQLite gives its WAL and shared-memory files the same
/// mode. An existing file keeps its mode.
fn create_private(path: &Path) -> StoreResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Io(e)),
    }
}

/// WAL, durability, foreign keys, then [`migrate`].
fn prepare(conn: &mut Connection, now: Instant) -> StoreResult<()> {
    // In-memory databases answer "memory": WAL applies to files only.
    let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
    migrate(conn, now)
}

fn migrate(conn: &mut Connection, now: Instant) -> StoreResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    // Every migration not yet recorded, not only those above the highest: numbers may be
    // released out of order (4 before 3), and a database must still get each one once.
    // Whether it is recorded is read inside the write transaction: another process (a
    // `token create` beside a starting server) may be migrating the same file, and the
    // immediate transaction makes the check and the change one step.
    for &(version, name, sql) in MIGRATIONS {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM schema_version WHERE version = ?1)",
            [version],
            |r| r.get(0),
        )?;
        if !applied {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![version, name, now.to_string()],
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}

fn put_doc<T: Serialize>(tx: &Transaction<'_>, name: &str, value: &T) -> StoreResult<()> {
    tx.execute(
        "INSERT OR REPLACE INTO scenario_docs (name, json) VALUES (?1, ?2)",
        params![name, to_json(value)?],
    )?;
    Ok(())
}

fn get_doc<T: DeserializeOwned>(conn: &Connection, name: &str) -> StoreResult<Option<T>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT json FROM scenario_docs WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    text.map(|t| from_json(name, &t)).transpose()
}

fn all_json<T: DeserializeOwned>(conn: &Connection, table: &str) -> StoreResult<Vec<T>> {
    let mut stmt = conn.prepare(&format!("SELECT json FROM {table} ORDER BY rowid"))?;
    let texts = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    texts.iter().map(|t| from_json(table, t)).collect()
}

fn insert_record(
    tx: &Transaction<'_>,
    kind: RecordKind,
    record: &Value,
    index: usize,
) -> StoreResult<()> {
    let id = str_field(record, "id", index)?;
    let json = to_json(record)?;
    let done = match kind {
        RecordKind::Devices => tx.execute(
            "INSERT OR REPLACE INTO devices (id, site_id, json) VALUES (?1, ?2, ?3)",
            params![id, str_field(record, "site", index)?, json],
        ),
        RecordKind::Tasks => tx.execute(
            "INSERT OR REPLACE INTO tasks (id, site_id, kind, json) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                str_field(record, "site", index)?,
                str_field(record, "kind", index)?,
                json
            ],
        ),
        _ => tx.execute(
            &format!(
                "INSERT OR REPLACE INTO {} (id, json) VALUES (?1, ?2)",
                kind.table()
            ),
            params![id, json],
        ),
    };
    done.map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::Rejected(format!(
                "record {index} ({id}): refers to a record that does not exist"
            ))
        }
        e => e.into(),
    })?;
    Ok(())
}

fn insert_fault(tx: &Transaction<'_>, record: &FaultRecord, now: Instant) -> StoreResult<()> {
    let f = record.fault();
    tx.execute(
        "INSERT INTO faults (id, device_id, level, reported_at, json, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            f.id.as_str(),
            f.device.as_str(),
            f.level.number(),
            f.reported.to_string(),
            to_json(record)?,
            now.to_string()
        ],
    )?;
    Ok(())
}

/// A fault as stored, with the events appended after its report.
fn read_fault(conn: &Connection, id: &str) -> StoreResult<Option<FaultRecord>> {
    let text: Option<String> = conn
        .query_row("SELECT json FROM faults WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    let Some(text) = text else {
        return Ok(None);
    };
    let record: FaultRecord = from_json("faults", &text)?;
    let events = later_events(conn, Some(id))?.remove(id).unwrap_or_default();
    with_events(record, events).map(Some)
}

/// The appended events of one fault (or of all), by fault id, in order.
fn later_events(
    conn: &Connection,
    id: Option<&str>,
) -> StoreResult<BTreeMap<String, Vec<FaultEvent>>> {
    let mut stmt = conn.prepare(
        "SELECT fault_id, json FROM fault_events WHERE ?1 IS NULL OR fault_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out: BTreeMap<String, Vec<FaultEvent>> = BTreeMap::new();
    for (fault, json) in rows {
        out.entry(fault)
            .or_default()
            .push(from_json("fault_events", &json)?);
    }
    Ok(out)
}

/// A stored plan version, its body still encoded (`plan_codec`).
struct PlanRow {
    date: String,
    version: u32,
    etag: String,
    reason: String,
    created_at: String,
    codec: String,
    base: Option<u32>,
    body: Vec<u8>,
}

fn plan_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PlanRow> {
    Ok(PlanRow {
        date: r.get(0)?,
        version: r.get(1)?,
        etag: r.get(2)?,
        reason: r.get(3)?,
        created_at: r.get(4)?,
        codec: r.get(5)?,
        base: r.get(6)?,
        body: r.get(7)?,
    })
}

const PLAN_COLUMNS: &str = "date, version, etag, reason, created_at, codec, base, body";

/// Reads version `version` of `date` (the latest with `None`), decoding its body; a delta's
/// base version is read first (one more row, never a chain: `plan_codec`'s invariant).
fn read_plan(
    conn: &Connection,
    date: NaiveDate,
    version: Option<u32>,
) -> StoreResult<Option<PlanVersion>> {
    let select = |version: Option<u32>| -> StoreResult<Option<PlanRow>> {
        let row = match version {
            Some(v) => conn.query_row(
                &format!(
                    "SELECT {PLAN_COLUMNS} FROM plan_versions WHERE date = ?1 AND version = ?2"
                ),
                params![date.to_string(), v],
                plan_row,
            ),
            None => conn.query_row(
                &format!(
                    "SELECT {PLAN_COLUMNS} FROM plan_versions WHERE date = ?1
                     ORDER BY version DESC LIMIT 1"
                ),
                [date.to_string()],
                plan_row,
            ),
        };
        Ok(row.optional()?)
    };
    let Some(row) = select(version)? else {
        return Ok(None);
    };
    let codec = Codec::parse(&row.codec)?;
    let base_json = match row.base {
        Some(base) => {
            let b = select(Some(base))?
                .ok_or_else(|| StoreError::Corrupt(format!("plan {date} v{base} is missing")))?;
            Some(plan_codec::decode(Codec::parse(&b.codec)?, &b.body, None)?)
        }
        None => None,
    };
    let json = plan_codec::decode(codec, &row.body, base_json.as_deref())?;
    Ok(Some(PlanVersion {
        date: row
            .date
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("plan date '{}'", row.date)))?,
        version: row.version,
        etag: row.etag,
        reason: row.reason,
        created_at: instant(&row.created_at)?,
        json,
    }))
}

/// Appends one completion on `conn` (a transaction or not), stamped `now`; refused when its
/// task was completed already.
fn insert_completion(
    conn: &Connection,
    c: &Completion,
    source: &str,
    now: Instant,
) -> StoreResult<i64> {
    let task = c.task.as_ref().map(|t| t.as_str().to_owned());
    if let Some(t) = &task {
        let done: Option<String> = conn
            .query_row("SELECT at FROM completions WHERE task_id = ?1", [t], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(at) = done {
            return Err(StoreError::Refused(crate::domain::FieldError::new(
                "taskId",
                format!("{t} was done already, at {at}"),
            )));
        }
    }
    conn.execute(
        "INSERT INTO completions
         (task_id, kind, device_id, site_id, engineer_id, at, source, json, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            task,
            c.kind.as_str(),
            c.device.as_ref().map(|d| d.as_str()),
            c.site.as_str(),
            c.engineer.as_str(),
            c.at.to_string(),
            source,
            to_json(c)?,
            now.to_string()
        ],
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::Rejected(format!(
                "completion of {}: unknown site or device, or a task done twice",
                c.site
            ))
        }
        e => e.into(),
    })?;
    Ok(conn.last_insert_rowid())
}

impl SqliteStore {
    fn select_events(&self, sql: &str, param: Option<String>) -> StoreResult<Vec<StoredEvent>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt
            .query_map([param], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(seq, engineer_id, kind, at, json)| {
                Ok(StoredEvent {
                    seq,
                    engineer_id,
                    kind,
                    at: instant(&at)?,
                    json: from_json("progress_events", &json)?,
                })
            })
            .collect()
    }
}

impl Store for SqliteStore {
    fn is_empty(&self) -> StoreResult<bool> {
        let n: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM scenario_docs", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    fn import_scenario(&self, scenario: &Scenario, tasks: &[Task]) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let p = scenario.parts();
        put_doc(&tx, names::META, scenario.meta())?;
        put_doc(&tx, names::DISTRICTS, &p.districts)?;
        put_doc(&tx, names::INSPECTIONS, &p.inspections)?;
        put_doc(&tx, names::CALLBACKS, &p.callbacks)?;
        put_doc(&tx, names::FAULT_MODEL, &p.fault_model)?;
        let as_values = |items: Vec<Value>, kind: RecordKind| -> StoreResult<()> {
            for (i, v) in items.iter().enumerate() {
                insert_record(&tx, kind, v, i)?;
            }
            Ok(())
        };
        fn values<T: Serialize>(items: &[T]) -> StoreResult<Vec<Value>> {
            items
                .iter()
                .map(|x| serde_json::to_value(x).map_err(StoreError::from))
                .collect()
        }
        as_values(values(&p.service_points)?, RecordKind::ServicePoints)?;
        as_values(values(&p.sites)?, RecordKind::Sites)?;
        as_values(values(&p.devices)?, RecordKind::Devices)?;
        as_values(values(&p.engineers)?, RecordKind::Engineers)?;
        as_values(values(tasks)?, RecordKind::Tasks)?;
        for f in &p.faults {
            insert_fault(&tx, f, self.now())?;
        }
        tx.commit()?;
        Ok(())
    }

    fn scenario_parts(&self) -> StoreResult<ScenarioParts> {
        let faults = self.faults()?;
        let installations = self.installations()?;
        let completions = self.completions()?;
        let conn = self.conn();
        let mut inspections: Vec<InspectionRecord> =
            get_doc(&conn, names::INSPECTIONS)?.unwrap_or_default();
        let mut callbacks: Vec<CallbackRecord> =
            get_doc(&conn, names::CALLBACKS)?.unwrap_or_default();
        for c in &completions {
            match c.record() {
                Record::Inspection(r) => inspections.push(r),
                Record::Callback(r) => callbacks.push(r),
            }
        }
        Ok(ScenarioParts {
            meta: get_doc(&conn, names::META)?,
            districts: get_doc(&conn, names::DISTRICTS)?.unwrap_or_default(),
            service_points: all_json(&conn, "service_points")?,
            sites: all_json(&conn, "sites")?,
            devices: all_json(&conn, "devices")?,
            engineers: all_json(&conn, "engineers")?,
            inspections,
            callbacks,
            faults,
            fault_model: get_doc(&conn, names::FAULT_MODEL)?.unwrap_or_default(),
            installations,
        })
    }

    fn list(&self, kind: RecordKind, limit: u32, offset: u64) -> StoreResult<Page> {
        let conn = self.conn();
        let table = kind.table();
        let total: i64 =
            conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        let mut stmt = conn.prepare(&format!(
            "SELECT json FROM {table} ORDER BY id LIMIT ?1 OFFSET ?2"
        ))?;
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let texts = stmt
            .query_map(params![limit, offset], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let items = texts
            .iter()
            .map(|t| from_json(table, t))
            .collect::<StoreResult<_>>()?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    fn get(&self, kind: RecordKind, id: &str) -> StoreResult<Option<Value>> {
        let text: Option<String> = self
            .conn()
            .query_row(
                &format!("SELECT json FROM {} WHERE id = ?1", kind.table()),
                [id],
                |r| r.get(0),
            )
            .optional()?;
        text.map(|t| from_json(kind.table(), &t)).transpose()
    }

    fn create_installation(
        &self,
        draft: &crate::domain::installation::InstallationDraft,
    ) -> StoreResult<super::InstallationOutcome> {
        installations::create(&mut self.conn(), draft, self.now())
    }

    fn installations(&self) -> StoreResult<Vec<crate::domain::installation::InstallationRecord>> {
        installations::all(&self.conn())
    }

    fn complete_installation_step(
        &self,
        id: &str,
        done: &crate::domain::installation::StepDone,
    ) -> StoreResult<super::InstallationOutcome> {
        installations::complete(&mut self.conn(), id, done, self.now())
    }

    fn put_records(&self, kind: RecordKind, records: &[Value]) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (i, r) in records.iter().enumerate() {
            insert_record(&tx, kind, r, i)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn append_fault(&self, draft: &FaultDraft) -> StoreResult<FaultRecord> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let known: bool = tx
            .query_row(
                "SELECT 1 FROM devices WHERE id = ?1",
                [draft.device.as_str()],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !known {
            return Err(StoreError::Rejected(format!(
                "device {} does not exist",
                draft.device
            )));
        }
        let mut n: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM faults", [], |r| {
            r.get(0)
        })?;
        let id = loop {
            let id = FaultId::numbered(usize::try_from(n).unwrap_or(0), 4);
            let taken = tx
                .query_row("SELECT 1 FROM faults WHERE id = ?1", [id.as_str()], |_| {
                    Ok(())
                })
                .optional()?
                .is_some();
            if !taken {
                break id;
            }
            n += 1;
        };
        let record = FaultRecord::new(
            Fault {
                id,
                device: draft.device.clone(),
                level: draft.level,
                reported: draft.reported,
                description: draft.description.clone(),
            },
            Vec::new(),
        )
        .map_err(|e| StoreError::Rejected(e.to_string()))?;
        insert_fault(&tx, &record, self.now())?;
        tx.commit()?;
        Ok(record)
    }

    fn fault(&self, id: &str) -> StoreResult<Option<FaultRecord>> {
        read_fault(&self.conn(), id)
    }

    fn faults(&self) -> StoreResult<Vec<FaultRecord>> {
        let conn = self.conn();
        let mut later = later_events(&conn, None)?;
        let faults: Vec<FaultRecord> = all_json(&conn, "faults")?;
        faults
            .into_iter()
            .map(|f| {
                let events = later.remove(f.fault().id.as_str()).unwrap_or_default();
                with_events(f, events)
            })
            .collect()
    }

    fn append_fault_event(
        &self,
        fault_id: &str,
        event: &FaultEvent,
        now: Instant,
    ) -> StoreResult<FaultRecord> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut record = read_fault(&tx, fault_id)?
            .ok_or_else(|| StoreError::Rejected(format!("no fault {fault_id}")))?;
        record
            .append(event.clone(), now)
            .map_err(StoreError::Refused)?;
        tx.execute(
            "INSERT INTO fault_events (fault_id, kind, at, json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                fault_id,
                event.kind.as_str(),
                event.at.to_string(),
                to_json(event)?,
                self.now().to_string()
            ],
        )?;
        tx.commit()?;
        Ok(record)
    }

    fn append_completion(&self, c: &Completion, source: &str) -> StoreResult<i64> {
        insert_completion(&self.conn(), c, source, self.now())
    }

    fn append_completions(&self, cs: &[Completion], source: &str) -> StoreResult<Vec<i64>> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = self.now();
        let seqs = cs
            .iter()
            .map(|c| insert_completion(&tx, c, source, now))
            .collect::<StoreResult<Vec<_>>>()?;
        tx.commit()?;
        Ok(seqs)
    }

    fn completions(&self) -> StoreResult<Vec<Completion>> {
        all_json(&self.conn(), "completions")
    }

    fn record_alert(
        &self,
        fault_id: &str,
        milestone: &str,
        kind: &str,
        json: &Value,
    ) -> StoreResult<bool> {
        let written = self.conn().execute(
            "INSERT OR IGNORE INTO alerts (fault_id, milestone, kind, json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                fault_id,
                milestone,
                kind,
                to_json(json)?,
                self.now().to_string()
            ],
        )?;
        Ok(written == 1)
    }

    fn alerts(&self) -> StoreResult<Vec<Value>> {
        all_json(&self.conn(), "alerts")
    }

    fn claim_idempotency(
        &self,
        scope: &str,
        body_sha256: &str,
        keep: chrono::TimeDelta,
    ) -> StoreResult<IdempotencyClaim> {
        let now = self.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?1",
            [now.plus(-keep).to_string()],
        )?;
        let found = tx
            .query_row(
                "SELECT body_sha256, status, content_type, location, body
                 FROM idempotency_keys WHERE scope = ?1",
                [scope],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<u16>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<Vec<u8>>>(4)?,
                    ))
                },
            )
            .optional()?;
        let claim = match found {
            None => {
                tx.execute(
                    "INSERT INTO idempotency_keys (scope, body_sha256, created_at)
                     VALUES (?1, ?2, ?3)",
                    params![scope, body_sha256, now.to_string()],
                )?;
                IdempotencyClaim::New
            }
            Some((sha, _, _, _, _)) if sha != body_sha256 => IdempotencyClaim::OtherBody,
            Some((_, None, _, _, _)) => IdempotencyClaim::Running,
            Some((_, Some(status), content_type, location, body)) => {
                IdempotencyClaim::Answered(KeptAnswer {
                    status,
                    content_type,
                    location,
                    body: body.unwrap_or_default(),
                })
            }
        };
        tx.commit()?;
        Ok(claim)
    }

    fn finish_idempotency(&self, scope: &str, answer: &KeptAnswer) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE idempotency_keys SET status = ?2, content_type = ?3, location = ?4, body = ?5
             WHERE scope = ?1",
            params![
                scope,
                answer.status,
                answer.content_type,
                answer.location,
                answer.body
            ],
        )?;
        Ok(())
    }

    fn release_idempotency(&self, scope: Option<&str>) -> StoreResult<usize> {
        Ok(match scope {
            Some(s) => self
                .conn()
                .execute("DELETE FROM idempotency_keys WHERE scope = ?1", [s])?,
            None => self
                .conn()
                .execute("DELETE FROM idempotency_keys WHERE status IS NULL", [])?,
        })
    }

    fn append_event(
        &self,
        engineer_id: &str,
        kind: &str,
        at: Instant,
        json: &Value,
    ) -> StoreResult<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO progress_events (engineer_id, kind, at, json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                engineer_id,
                kind,
                at.to_string(),
                to_json(json)?,
                self.now().to_string()
            ],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Rejected(format!("engineer {engineer_id} does not exist"))
            }
            e => e.into(),
        })?;
        Ok(conn.last_insert_rowid())
    }

    fn events(&self, engineer_id: Option<&str>) -> StoreResult<Vec<StoredEvent>> {
        self.select_events(
            "SELECT seq, engineer_id, kind, at, json FROM progress_events
             WHERE ?1 IS NULL OR engineer_id = ?1 ORDER BY seq",
            engineer_id.map(str::to_owned),
        )
    }

    fn events_on(&self, date: NaiveDate) -> StoreResult<Vec<StoredEvent>> {
        // `at` is written in local time (`2026-11-30T09:40:00+08:00`): its prefix is the date.
        self.select_events(
            "SELECT seq, engineer_id, kind, at, json FROM progress_events
             WHERE substr(at, 1, 10) = ?1 ORDER BY seq",
            Some(date.to_string()),
        )
    }

    fn publish_plan(&self, date: NaiveDate, reason: &str, json: &str) -> StoreResult<PlanVersion> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let date_text = date.to_string();
        let version: u32 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM plan_versions WHERE date = ?1",
            [&date_text],
            |r| r.get(0),
        )?;
        let key = plan_codec::key_of(version);
        let key_json = if key == version {
            None
        } else {
            read_plan(&tx, date, Some(key))?.map(|v| v.json)
        };
        let encoded = plan_codec::encode(version, json, key_json.as_deref())?;
        let etag = plan_etag(date, version, json);
        let created_at = self.now();
        tx.execute(
            &format!(
                "INSERT INTO plan_versions ({PLAN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ),
            params![
                date_text,
                version,
                etag,
                reason,
                created_at.to_string(),
                encoded.codec.as_str(),
                encoded.base,
                encoded.body
            ],
        )?;
        tx.commit()?;
        Ok(PlanVersion {
            date,
            version,
            etag,
            reason: reason.to_owned(),
            created_at,
            json: json.to_owned(),
        })
    }

    fn latest_plan(&self, date: NaiveDate) -> StoreResult<Option<PlanVersion>> {
        read_plan(&self.conn(), date, None)
    }

    fn plan_version(&self, date: NaiveDate, version: u32) -> StoreResult<Option<PlanVersion>> {
        read_plan(&self.conn(), date, Some(version))
    }

    fn create_job(&self, id: &str, kind: &str, request: &Value) -> StoreResult<JobRecord> {
        let at = self.now();
        self.conn().execute(
            "INSERT INTO jobs (id, kind, status, request, created_at, updated_at)
             VALUES (?1, ?2, 'queued', ?3, ?4, ?4)",
            params![id, kind, to_json(request)?, at.to_string()],
        )?;
        Ok(JobRecord {
            id: id.to_owned(),
            kind: kind.to_owned(),
            status: JobStatus::Queued,
            request: request.clone(),
            result: None,
            error: None,
            created_at: at,
            updated_at: at,
        })
    }

    fn update_job(
        &self,
        id: &str,
        status: JobStatus,
        result: Option<&Value>,
        error: Option<&str>,
    ) -> StoreResult<()> {
        let result = result.map(to_json).transpose()?;
        self.conn().execute(
            "UPDATE jobs SET status = ?2, result = COALESCE(?3, result), error = ?4,
             updated_at = ?5 WHERE id = ?1",
            params![id, status.as_str(), result, error, self.now().to_string()],
        )?;
        Ok(())
    }

    fn job(&self, id: &str) -> StoreResult<Option<JobRecord>> {
        let row: Option<JobRow> = self
            .conn()
            .query_row(
                "SELECT id, kind, status, request, result, error, created_at, updated_at
                 FROM jobs WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                },
            )
            .optional()?;
        row.map(job_record).transpose()
    }

    fn fail_unfinished_jobs(&self, reason: &str) -> StoreResult<usize> {
        Ok(self.conn().execute(
            "UPDATE jobs SET status = 'failed', error = ?1, updated_at = ?2
             WHERE status IN ('queued', 'running')",
            params![reason, self.now().to_string()],
        )?)
    }

    fn put_stock(
        &self,
        counts: &[(super::StockKind, String, String, u32)],
        only_missing: bool,
    ) -> StoreResult<()> {
        super::parts::sqlite::put_stock(&mut self.conn(), counts, only_missing, self.now())
    }

    fn stock(&self) -> StoreResult<Vec<super::StockLevel>> {
        super::parts::sqlite::stock(&self.conn())
    }

    fn put_case(
        &self,
        case: &super::CaseRecord,
        moves: &[super::StockMove],
    ) -> StoreResult<super::CaseWrite> {
        super::parts::sqlite::put_case(&mut self.conn(), case, moves, self.now())
    }

    fn cases(&self, kind: &str) -> StoreResult<Vec<super::CaseRecord>> {
        super::parts::sqlite::cases(&self.conn(), kind)
    }

    fn put_roster(&self, id: &str, json: &Value) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO rosters (id, json, created_at) VALUES (?1, ?2, ?3)",
            params![id, to_json(json)?, self.now().to_string()],
        )?;
        Ok(())
    }

    fn roster(&self, id: &str) -> StoreResult<Option<Value>> {
        let text: Option<String> = self
            .conn()
            .query_row("SELECT json FROM rosters WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        text.map(|t| from_json("rosters", &t)).transpose()
    }

    fn publish_roster(
        &self,
        id: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<RosterPublication> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: u32 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM roster_publications",
            [],
            |r| r.get(0),
        )?;
        let created_at = self.now();
        tx.execute(
            "INSERT INTO roster_publications (version, roster_id, first_date, last_date, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                version,
                id,
                first.to_string(),
                last.to_string(),
                created_at.to_string()
            ],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Rejected(format!("no roster {id}"))
            }
            e => e.into(),
        })?;
        tx.commit()?;
        Ok(RosterPublication {
            version,
            roster_id: id.to_owned(),
            first,
            last,
            created_at,
        })
    }

    fn roster_publications(&self) -> StoreResult<Vec<RosterPublication>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT version, roster_id, first_date, last_date, created_at
             FROM roster_publications ORDER BY version",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(version, roster_id, first, last, at)| {
                let date = |t: &str| {
                    t.parse::<NaiveDate>()
                        .map_err(|_| StoreError::Corrupt(format!("roster publication date '{t}'")))
                };
                Ok(RosterPublication {
                    version,
                    roster_id,
                    first: date(&first)?,
                    last: date(&last)?,
                    created_at: instant(&at)?,
                })
            })
            .collect()
    }

    fn add_token_grant(
        &self,
        sha256_hex: &str,
        grant: &TokenGrant,
        label: &str,
    ) -> StoreResult<String> {
        let grant = TokenGrant::new(grant.role, grant.engineer.clone(), grant.expires_at)
            .map_err(StoreError::Rejected)?;
        let engineer = grant.engineer.as_ref().map(|e| e.as_str());
        let conn = self.conn();
        if let Some(e) = engineer {
            let known = conn
                .query_row("SELECT 1 FROM engineers WHERE id = ?1", [e], |_| Ok(()))
                .optional()?
                .is_some();
            if !known {
                return Err(StoreError::Rejected(format!(
                    "engineer {e} does not exist in the database"
                )));
            }
        }
        let id = super::token_id(sha256_hex);
        conn.execute(
            "INSERT INTO api_tokens (sha256, id, role, engineer_id, label, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                sha256_hex,
                id,
                grant.role.as_str(),
                engineer,
                label,
                self.now().to_string(),
                grant.expires_at.map(|t| t.to_string())
            ],
        )?;
        Ok(id)
    }

    fn token_grant(&self, sha256_hex: &str) -> StoreResult<Option<TokenGrant>> {
        let row: Option<(String, Option<String>, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT role, engineer_id, expires_at FROM api_tokens
                 WHERE sha256 = ?1 AND revoked_at IS NULL",
                [sha256_hex],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(role, engineer, expires_at)| {
            let role = role.parse().map_err(StoreError::Corrupt)?;
            let engineer = engineer.map(stored_engineer).transpose()?;
            let expires_at = expires_at.as_deref().map(instant).transpose()?;
            TokenGrant::new(role, engineer, expires_at).map_err(StoreError::Corrupt)
        })
        .transpose()
    }

    fn tokens(&self) -> StoreResult<Vec<TokenInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, role, label, created_at, expires_at, revoked_at, engineer_id
             FROM api_tokens ORDER BY created_at, id",
        )?;
        type Row = (
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, role, label, created, expires, revoked, engineer)| {
                Ok(TokenInfo {
                    id,
                    role: role.parse().map_err(StoreError::Corrupt)?,
                    engineer: engineer.map(stored_engineer).transpose()?,
                    label,
                    created_at: instant(&created)?,
                    expires_at: expires.as_deref().map(instant).transpose()?,
                    revoked_at: revoked.as_deref().map(instant).transpose()?,
                })
            })
            .collect()
    }

    fn revoke_token(&self, id: &str) -> StoreResult<bool> {
        let changed = self.conn().execute(
            "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, self.now().to_string()],
        )?;
        Ok(changed == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::EngineerId;
    use crate::store::Role;

    /// A database that migrations 1 to 4 made, holding `tokens` (`(sha256, role)`).
    fn at_version_4(tokens: &[(&str, &str)]) -> Connection {
        let conn = at_version(4);
        for (sha, role) in tokens {
            conn.execute(
                "INSERT INTO api_tokens (sha256, id, role, label, created_at)
                 VALUES (?1, 'T-' || substr(?1, 1, 12), ?2, 'old', '2026-11-30T08:00:00+08:00')",
                params![sha, role],
            )
            .unwrap();
        }
        conn
    }

    /// A database that migrations 1 to `last` made.
    fn at_version(last: i64) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys=ON;
             CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                          applied_at TEXT NOT NULL);",
        )
        .unwrap();
        for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 <= last) {
            conn.execute_batch(sql).unwrap();
            conn.execute(
                "INSERT INTO schema_version VALUES (?1, ?2, '2026-11-30T08:00:00+08:00')",
                params![version, name],
            )
            .unwrap();
        }
        conn
    }

    /// A day's plan as JSON: `stops` stops, the one at `moved` given to another engineer.
    fn plan_json(stops: usize, moved: usize) -> String {
        let stops: Vec<Value> = (0..stops)
            .map(|i| {
                serde_json::json!({
                    "task": format!("T-{i:05}"),
                    "engineer": format!("E-{:02}", if i == moved { 99 } else { i % 30 }),
                    "arrival": format!("2026-11-30T{:02}:{:02}:00+08:00", 8 + i % 9, i % 60),
                    "travelSeconds": (i * 37) % 1800,
                })
            })
            .collect();
        serde_json::json!({"date": "2026-11-30", "routes": stops}).to_string()
    }

    #[test]
    fn processes_opening_a_new_file_at_once_apply_each_migration_once() {
        let dir = std::env::temp_dir().join(format!("fieldplan-migrate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("race.db");
        let opened: Vec<StoreResult<i64>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| SqliteStore::open(&db)?.schema_version()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for result in opened {
            assert_eq!(result.unwrap(), MIGRATIONS.last().unwrap().0);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn plan_versions_from_before_migration_8_and_after_read_back_exactly_and_compactly() {
        let conn = at_version(7);
        let date = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let mut published = Vec::new();
        for v in 1..=3u32 {
            let json = plan_json(1500, v as usize);
            conn.execute(
                "INSERT INTO plan_versions (date, version, etag, reason, json, created_at)
                 VALUES ('2026-11-30', ?1, ?2, 'old', ?3, '2026-11-30T08:00:00+08:00')",
                params![v, plan_etag(date, v, &json), json],
            )
            .unwrap();
            published.push(json);
        }
        let store = SqliteStore::with_connection(conn, std::sync::Arc::new(SystemClock)).unwrap();
        for v in 4..=40u32 {
            let json = plan_json(1500, v as usize);
            let stored = store.publish_plan(date, "fault", &json).unwrap();
            assert_eq!(stored.version, v);
            published.push(json);
        }
        for (i, json) in published.iter().enumerate() {
            let v = store.plan_version(date, i as u32 + 1).unwrap().unwrap();
            assert_eq!(&v.json, json, "version {}", i + 1);
            assert_eq!(v.etag, plan_etag(date, v.version, json));
        }
        assert_eq!(
            store.latest_plan(date).unwrap().unwrap().json,
            published[39]
        );
        let (kept, raw): (i64, usize) = (
            store
                .conn()
                .query_row(
                    "SELECT SUM(length(body)) FROM plan_versions WHERE version > 3",
                    [],
                    |r| r.get(0),
                )
                .unwrap(),
            published[3..].iter().map(String::len).sum(),
        );
        assert!(
            kept * 50 < raw as i64,
            "{kept} bytes kept for {raw} bytes of JSON"
        );
        let codecs: Vec<(u32, String, Option<u32>)> = store
            .conn()
            .prepare("SELECT version, codec, base FROM plan_versions ORDER BY version")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(codecs[0], (1, "json".into(), None));
        assert_eq!(codecs[3], (4, "zstd-delta".into(), Some(1)));
        assert_eq!(codecs[16], (17, "zstd".into(), None));
        assert_eq!(codecs[17], (18, "zstd-delta".into(), Some(17)));
    }

    #[test]
    fn migration_5_keeps_the_tokens_and_binds_engineer_tokens_to_stored_engineers() {
        let sha = "ab".repeat(32);
        let conn = at_version_4(&[(&sha, "viewer")]);
        let store = SqliteStore::with_connection(conn, std::sync::Arc::new(SystemClock)).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            MIGRATIONS.last().unwrap().0
        );
        let grant = store.token_grant(&sha).unwrap().unwrap();
        assert_eq!((grant.role, grant.engineer), (Role::Viewer, None));
        assert_eq!(store.tokens().unwrap()[0].id, super::super::token_id(&sha));

        let e06 = EngineerId::new("E-06").unwrap();
        let bound = TokenGrant::new(Role::Engineer, Some(e06.clone()), None).unwrap();
        let refused = store.add_token_grant(&"cd".repeat(32), &bound, "");
        assert!(
            matches!(&refused, Err(StoreError::Rejected(m)) if m.contains("E-06")),
            "{refused:?}"
        );
        let unbound = TokenGrant {
            engineer: None,
            ..bound.clone()
        };
        assert!(
            store
                .add_token_grant(&"cd".repeat(32), &unbound, "")
                .is_err()
        );
        let engineer = serde_json::json!({"id": "E-06"});
        store
            .put_records(RecordKind::Engineers, &[engineer])
            .unwrap();
        store.add_token_grant(&"cd".repeat(32), &bound, "").unwrap();
        assert_eq!(store.token_grant(&"cd".repeat(32)).unwrap(), Some(bound));
        // The schema holds the rule too.
        let conn = store.conn();
        let raw = conn.execute(
            "INSERT INTO api_tokens (sha256, role, created_at) VALUES ('ef', 'engineer', 'x')",
            [],
        );
        assert!(raw.is_err());
        let raw = conn.execute(
            "INSERT INTO api_tokens (sha256, role, engineer_id, created_at)
             VALUES ('ef', 'viewer', 'E-06', 'x')",
            [],
        );
        assert!(raw.is_err());
    }
}
