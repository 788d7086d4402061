//! [`Store`] on PostgreSQL: the sync `postgres` client (over tokio-postgres, which shares no
//! native library with rusqlite) behind an r2d2 pool, for several `fieldplan serve` instances
//! on one database.
//!
//! Every call blocks (the client runs its own small runtime): callers on the async runtime go
//! through `spawn_blocking`, as with SQLite; a call on a runtime worker thread panics in the
//! client, so such a mistake shows in the first test that makes it.
//!
//! What SQLite gets from its one writer, PostgreSQL gets from locks held until commit
//! (`pg_advisory_xact_lock`): the next number of a series (fault ids, a date's plan versions,
//! roster publications) is read and written under the series' lock, so two instances never
//! take the same number and never skip one; a fault's events are checked and appended under
//! the fault's lock. Migrations run under a session lock, so instances starting together
//! apply each one once.

mod installations;

use super::migrations::PG_MIGRATIONS;
use super::plan_codec::{self, Codec};
use super::plan_etag;
use super::values::{
    JobRow, date, from_json, instant, job_record, stored_engineer, str_field, to_json, with_events,
};
use super::{
    FaultDraft, IdempotencyClaim, JobRecord, JobStatus, KeptAnswer, Notice, Page, PlanVersion,
    RecordKind, RosterPublication, Store, StoreError, StoreResult, StoredEvent, TokenGrant,
    TokenInfo,
};
use crate::domain::clock::{SharedClock, SystemClock};
use crate::domain::fault::{Fault, FaultEvent, FaultRecord};
use crate::domain::history::{CallbackRecord, Completion, InspectionRecord, Record};
use crate::domain::ids::FaultId;
use crate::domain::instant::Instant;
use crate::domain::task::Task;
use crate::scenario::files::names;
use crate::scenario::{Scenario, ScenarioParts};
use ::postgres::types::ToSql;
use ::postgres::{GenericClient, NoTls, Row};
use chrono::NaiveDate;
use fallible_iterator::FallibleIterator;
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2::{Pool, PooledConnection};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

type Manager = PostgresConnectionManager<NoTls>;
type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Keys of the advisory locks (one 64-bit space per database; these are ours).
mod lock {
    /// Held by the instance applying migrations.
    pub const MIGRATE: i64 = 0x6669_656c_6470_0001;
    /// The series of fault ids.
    pub const FAULT_IDS: i64 = 0x6669_656c_6470_0002;
    /// The series of roster publication numbers.
    pub const ROSTER_VERSIONS: i64 = 0x6669_656c_6470_0003;
    /// The series of installation project ids (and the devices they add), and one step done
    /// at a time.
    pub const INSTALLATION_IDS: i64 = 0x6669_656c_6470_0011;
}

/// PostgreSQL storage. Share it behind an `Arc`; its pool is its own.
pub struct PgStore {
    pool: Pool<Manager>,
    /// What the pool connects with (also for listening connections).
    config: ::postgres::Config,
    clock: SharedClock,
    /// This process's name on the notification channel, so it skips its own notices.
    instance: String,
    /// The channel of this store's schema ([`channel_of`]).
    channel: String,
    /// How long a claim on a job holds unless renewed.
    job_lease: Duration,
}

/// How long a claim on a job holds unless renewed: the owner renews it every
/// [`JOB_LEASE`]` / 5` (`api::jobs`), so a job whose instance died is claimed again within
/// about this long.
pub const JOB_LEASE: Duration = Duration::from_secs(10);

/// Whether `url` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl PgStore {
    /// Connects to the database of `url` (`postgres://user@host:port/db`) and brings its
    /// schema up to date.
    pub fn open(url: &str) -> StoreResult<Self> {
        Self::open_with_clock(url, std::sync::Arc::new(SystemClock))
    }

    /// [`PgStore::open`] with the service's clock for its timestamps.
    pub fn open_with_clock(url: &str, clock: SharedClock) -> StoreResult<Self> {
        let config: ::postgres::Config = url.parse()?;
        let pool = Pool::builder()
            .max_size(16)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(PostgresConnectionManager::new(config.clone(), NoTls))?;
        let mut conn = pool.get()?;
        migrate(&mut conn, clock.now())?;
        let schema: String = conn.query_one("SELECT current_schema()", &[])?.get(0);
        drop(conn);
        Ok(Self {
            pool,
            config,
            clock,
            instance: instance_name(),
            channel: channel_of(&schema),
            job_lease: JOB_LEASE,
        })
    }

    fn now(&self) -> Instant {
        self.clock.now()
    }

    /// The channel and this instance's name, for [`notify`].
    fn on(&self) -> (&str, &str) {
        (&self.channel, &self.instance)
    }

    fn conn(&self) -> StoreResult<PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// The same store with claims on jobs holding `lease` unless renewed (tests).
    pub fn with_job_lease(mut self, lease: Duration) -> Self {
        self.job_lease = lease;
        self
    }

    fn lease_ms(&self) -> i64 {
        i64::try_from(self.job_lease.as_millis()).unwrap_or(i64::MAX)
    }

    /// The connection settings (for a dedicated connection, as a listener needs).
    pub fn config(&self) -> &::postgres::Config {
        &self.config
    }

    /// The schema version (the last migration applied).
    pub fn schema_version(&self) -> StoreResult<i64> {
        let row = self.conn()?.query_one(
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version",
            &[],
        )?;
        Ok(row.get(0))
    }
}

fn migrate(conn: &mut ::postgres::Client, now: Instant) -> StoreResult<()> {
    conn.execute("SELECT pg_advisory_lock($1)", &[&lock::MIGRATE])?;
    let done = apply_migrations(conn, now);
    conn.execute("SELECT pg_advisory_unlock($1)", &[&lock::MIGRATE])?;
    done
}

fn apply_migrations(conn: &mut ::postgres::Client, now: Instant) -> StoreResult<()> {
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    // Every migration not yet recorded (numbers may be released out of order).
    let applied: Vec<i64> = conn
        .query("SELECT version FROM schema_version", &[])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for &(version, name, sql) in PG_MIGRATIONS.iter().filter(|m| !applied.contains(&m.0)) {
        let mut tx = conn.transaction()?;
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&version, &name, &now.to_string()],
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// Whether `e` is a refused constraint (class 23: foreign key, unique, check, not null).
fn is_constraint(e: &::postgres::Error) -> bool {
    e.code().is_some_and(|c| c.code().starts_with("23"))
}

fn rejected(e: ::postgres::Error, message: impl FnOnce() -> String) -> StoreError {
    if is_constraint(&e) {
        StoreError::Rejected(message())
    } else {
        e.into()
    }
}

/// An `i64` of a stored `u32` (a version), refused if out of range.
fn u32_of(what: &str, n: i32) -> StoreResult<u32> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n}")))
}

fn i32_of(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn one_text(
    conn: &mut impl GenericClient,
    sql: &str,
    params: Params<'_>,
) -> StoreResult<Option<String>> {
    Ok(conn.query_opt(sql, params)?.map(|r| r.get(0)))
}

fn exists(conn: &mut impl GenericClient, sql: &str, params: Params<'_>) -> StoreResult<bool> {
    Ok(conn.query_opt(sql, params)?.is_some())
}

fn put_doc<T: Serialize>(tx: &mut impl GenericClient, name: &str, value: &T) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO scenario_docs (name, json) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET json = excluded.json",
        &[&name, &to_json(value)?],
    )?;
    Ok(())
}

fn get_doc<T: DeserializeOwned>(
    conn: &mut impl GenericClient,
    name: &str,
) -> StoreResult<Option<T>> {
    one_text(
        conn,
        "SELECT json FROM scenario_docs WHERE name = $1",
        &[&name],
    )?
    .map(|t| from_json(name, &t))
    .transpose()
}

/// Every row's JSON of `table` in the order rows were written (`ord` or `seq`, as SQLite's
/// `rowid`).
fn all_json<T: DeserializeOwned>(
    conn: &mut impl GenericClient,
    table: &str,
) -> StoreResult<Vec<T>> {
    let order = match table {
        "service_points" | "sites" | "devices" | "engineers" | "tasks" => "ord",
        _ => "seq",
    };
    conn.query(&format!("SELECT json FROM {table} ORDER BY {order}"), &[])?
        .iter()
        .map(|r| from_json(table, r.get::<_, &str>(0)))
        .collect()
}

/// Inserts or replaces one master record; a replaced record moves to the end of the order,
/// as `INSERT OR REPLACE` moves it in SQLite.
fn insert_record(
    tx: &mut impl GenericClient,
    kind: RecordKind,
    record: &Value,
    index: usize,
) -> StoreResult<()> {
    let id = str_field(record, "id", index)?;
    let json = to_json(record)?;
    let table = kind.table();
    let next = format!("nextval(pg_get_serial_sequence('{table}', 'ord'))");
    let done = match kind {
        RecordKind::Devices => tx.execute(
            &format!(
                "INSERT INTO devices (id, site_id, json) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO UPDATE
                 SET site_id = excluded.site_id, json = excluded.json, ord = {next}"
            ),
            &[&id, &str_field(record, "site", index)?, &json],
        ),
        RecordKind::Tasks => tx.execute(
            &format!(
                "INSERT INTO tasks (id, site_id, kind, json) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id,
                 kind = excluded.kind, json = excluded.json, ord = {next}"
            ),
            &[
                &id,
                &str_field(record, "site", index)?,
                &str_field(record, "kind", index)?,
                &json,
            ],
        ),
        _ => tx.execute(
            &format!(
                "INSERT INTO {table} (id, json) VALUES ($1, $2)
                 ON CONFLICT (id) DO UPDATE SET json = excluded.json, ord = {next}"
            ),
            &[&id, &json],
        ),
    };
    done.map_err(|e| {
        rejected(e, || {
            format!("record {index} ({id}): refers to a record that does not exist")
        })
    })?;
    Ok(())
}

fn insert_fault(
    tx: &mut impl GenericClient,
    record: &FaultRecord,
    now: Instant,
) -> StoreResult<()> {
    let f = record.fault();
    tx.execute(
        "INSERT INTO faults (id, device_id, level, reported_at, json, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &f.id.as_str(),
            &f.device.as_str(),
            &i32::from(f.level.number()),
            &f.reported.to_string(),
            &to_json(record)?,
            &now.to_string(),
        ],
    )?;
    Ok(())
}

/// A fault as stored, with the events appended after its report.
fn read_fault(conn: &mut impl GenericClient, id: &str) -> StoreResult<Option<FaultRecord>> {
    let Some(text) = one_text(conn, "SELECT json FROM faults WHERE id = $1", &[&id])? else {
        return Ok(None);
    };
    let record: FaultRecord = from_json("faults", &text)?;
    let events = later_events(conn, Some(id))?.remove(id).unwrap_or_default();
    with_events(record, events).map(Some)
}

/// The appended events of one fault (or of all), by fault id, in order.
fn later_events(
    conn: &mut impl GenericClient,
    id: Option<&str>,
) -> StoreResult<BTreeMap<String, Vec<FaultEvent>>> {
    let rows = conn.query(
        "SELECT fault_id, json FROM fault_events
         WHERE $1::TEXT IS NULL OR fault_id = $1 ORDER BY seq",
        &[&id],
    )?;
    let mut out: BTreeMap<String, Vec<FaultEvent>> = BTreeMap::new();
    for r in &rows {
        out.entry(r.get(0))
            .or_default()
            .push(from_json("fault_events", r.get::<_, &str>(1))?);
    }
    Ok(out)
}

const PLAN_COLUMNS: &str = "date, version, etag, reason, created_at, codec, base, body";

/// Reads version `version` of `date` (the latest with `None`), decoding its body with
/// `plan_codec`; a delta's base version is read first (one more row, never a chain).
fn read_plan(
    conn: &mut impl GenericClient,
    date: NaiveDate,
    version: Option<u32>,
) -> StoreResult<Option<PlanVersion>> {
    let date_text = date.to_string();
    let mut select = |version: Option<u32>| -> StoreResult<Option<Row>> {
        Ok(match version {
            Some(v) => conn.query_opt(
                &format!(
                    "SELECT {PLAN_COLUMNS} FROM plan_versions WHERE date = $1 AND version = $2"
                ),
                &[&date_text, &i32_of(v)],
            )?,
            None => conn.query_opt(
                &format!(
                    "SELECT {PLAN_COLUMNS} FROM plan_versions WHERE date = $1
                     ORDER BY version DESC LIMIT 1"
                ),
                &[&date_text],
            )?,
        })
    };
    let Some(row) = select(version)? else {
        return Ok(None);
    };
    let base_json = match row.get::<_, Option<i32>>(6) {
        Some(base) => {
            let base = u32_of("plan base", base)?;
            let b = select(Some(base))?
                .ok_or_else(|| StoreError::Corrupt(format!("plan {date} v{base} is missing")))?;
            let codec = Codec::parse(b.get(5))?;
            Some(plan_codec::decode(codec, b.get(7), None)?)
        }
        None => None,
    };
    let json = plan_codec::decode(Codec::parse(row.get(5))?, row.get(7), base_json.as_deref())?;
    Ok(Some(PlanVersion {
        date,
        version: u32_of("plan version", row.get(1))?,
        etag: row.get(2),
        reason: row.get(3),
        created_at: instant(row.get(4))?,
        json,
    }))
}

fn job_row(r: &Row) -> JobRow {
    (
        r.get(0),
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
        r.get(5),
        r.get(6),
        r.get(7),
    )
}

/// Appends one completion, stamped `now`; refused when its task was completed already.
fn insert_completion(
    conn: &mut impl GenericClient,
    c: &Completion,
    source: &str,
    now: Instant,
) -> StoreResult<i64> {
    let task = c.task.as_ref().map(|t| t.as_str().to_owned());
    if let Some(t) = &task {
        let done = one_text(conn, "SELECT at FROM completions WHERE task_id = $1", &[t])?;
        if let Some(at) = done {
            return Err(StoreError::Refused(crate::domain::FieldError::new(
                "taskId",
                format!("{t} was done already, at {at}"),
            )));
        }
    }
    let row = conn
        .query_one(
            "INSERT INTO completions
             (task_id, kind, device_id, site_id, engineer_id, at, source, json, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq",
            &[
                &task,
                &c.kind.as_str(),
                &c.device.as_ref().map(|d| d.as_str()),
                &c.site.as_str(),
                &c.engineer.as_str(),
                &c.at.to_string(),
                &source,
                &to_json(c)?,
                &now.to_string(),
            ],
        )
        .map_err(|e| {
            rejected(e, || {
                format!(
                    "completion of {}: unknown site or device, or a task done twice",
                    c.site
                )
            })
        })?;
    Ok(row.get(0))
}

fn stored_events(rows: &[Row]) -> StoreResult<Vec<StoredEvent>> {
    rows.iter()
        .map(|r| {
            Ok(StoredEvent {
                seq: r.get(0),
                engineer_id: r.get(1),
                kind: r.get(2),
                at: instant(r.get(3))?,
                json: from_json("progress_events", r.get::<_, &str>(4))?,
            })
        })
        .collect()
}

fn values<T: Serialize>(items: &[T]) -> StoreResult<Vec<Value>> {
    items
        .iter()
        .map(|x| serde_json::to_value(x).map_err(StoreError::from))
        .collect()
}

impl PgStore {
    fn import_records(
        &self,
        tx: &mut impl GenericClient,
        scenario: &Scenario,
        tasks: &[Task],
    ) -> StoreResult<()> {
        let p = scenario.parts();
        put_doc(tx, names::META, scenario.meta())?;
        put_doc(tx, names::DISTRICTS, &p.districts)?;
        put_doc(tx, names::INSPECTIONS, &p.inspections)?;
        put_doc(tx, names::CALLBACKS, &p.callbacks)?;
        put_doc(tx, names::FAULT_MODEL, &p.fault_model)?;
        let all = [
            (values(&p.service_points)?, RecordKind::ServicePoints),
            (values(&p.sites)?, RecordKind::Sites),
            (values(&p.devices)?, RecordKind::Devices),
            (values(&p.engineers)?, RecordKind::Engineers),
            (values(tasks)?, RecordKind::Tasks),
        ];
        for (items, kind) in &all {
            for (i, v) in items.iter().enumerate() {
                insert_record(tx, *kind, v, i)?;
            }
        }
        for f in &p.faults {
            insert_fault(tx, f, self.now())?;
        }
        Ok(())
    }
}

/// The channel of `LISTEN/NOTIFY` that instances of one schema announce on (notices are per
/// database; two services in two schemas of one database do not hear each other).
fn channel_of(schema: &str) -> String {
    format!("fieldplan.{schema}")
}

/// A name for this process on its channel, random.
fn instance_name() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the OS has a random source");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A notice on the channel: its sender and what it did. A fault goes by id (the listener
/// reads it): NOTIFY payloads are limited to 8000 bytes, and a fault's events grow.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    origin: String,
    #[serde(flatten)]
    what: What,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum What {
    Plan {
        date: NaiveDate,
        version: u32,
        etag: String,
        reason: String,
        created_at: Instant,
    },
    Fault {
        id: String,
    },
    Completion {
        completion: Completion,
    },
}

/// Tells the other instances; PostgreSQL delivers it on commit (never for a rolled-back
/// transaction), so a listener that hears it can read what was written.
fn notify(tx: &mut impl GenericClient, on: (&str, &str), what: What) -> StoreResult<()> {
    let (channel, origin) = on;
    let wire = Wire {
        origin: origin.to_owned(),
        what,
    };
    tx.execute("SELECT pg_notify($1, $2)", &[&channel, &to_json(&wire)?])?;
    Ok(())
}

fn notify_published(
    tx: &mut impl GenericClient,
    on: (&str, &str),
    v: &PlanVersion,
) -> StoreResult<()> {
    let what = What::Plan {
        date: v.date,
        version: v.version,
        etag: v.etag.clone(),
        reason: v.reason.clone(),
        created_at: v.created_at,
    };
    notify(tx, on, what)
}

/// A connection listening on `channel`.
fn listener(config: &::postgres::Config, channel: &str) -> StoreResult<::postgres::Client> {
    let mut client = config.connect(NoTls)?;
    let quoted = channel.replace('"', "\"\"");
    client.batch_execute(&format!("LISTEN \"{quoted}\""))?;
    Ok(client)
}

/// Passes the other instances' notices to `on` until the connection breaks.
fn relay(
    client: &mut ::postgres::Client,
    pool: &Pool<Manager>,
    me: &str,
    on: &(dyn Fn(Notice) + Send),
) {
    let mut notices = client.notifications();
    let mut all = notices.blocking_iter();
    loop {
        let wire = match all.next() {
            Ok(Some(n)) => match serde_json::from_str::<Wire>(n.payload()) {
                Ok(w) if w.origin != me => w,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!("a notice not understood: {e}");
                    continue;
                }
            },
            Ok(None) => return,
            Err(e) => {
                tracing::warn!("listening for other instances: {e}");
                return;
            }
        };
        match notice(wire.what, pool) {
            Ok(Some(n)) => on(n),
            Ok(None) => {}
            Err(e) => tracing::warn!("reading what another instance wrote: {e}"),
        }
    }
}

fn notice(what: What, pool: &Pool<Manager>) -> StoreResult<Option<Notice>> {
    Ok(match what {
        What::Plan {
            date,
            version,
            etag,
            reason,
            created_at,
        } => Some(Notice::PlanPublished {
            date,
            version,
            etag,
            reason,
            created_at,
        }),
        What::Fault { id } => read_fault(&mut *pool.get()?, &id)?.map(Notice::Fault),
        What::Completion { completion } => Some(Notice::Completion(completion)),
    })
}

impl PgStore {
    /// Publishes the next version of `date`; with `check`, only on top of `check`'s version.
    fn publish(
        &self,
        date: NaiveDate,
        check: Option<Option<u32>>,
        reason: &str,
        json: &str,
    ) -> StoreResult<PlanVersion> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let date_text = date.to_string();
        // One history per date: the next version is read and written under the date's lock,
        // held to commit, so two instances never take the same number nor skip one.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended('plan:' || $1, 0))",
            &[&date_text],
        )?;
        let next: i32 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM plan_versions WHERE date = $1",
                &[&date_text],
            )?
            .get(0);
        let version = u32_of("plan version", next)?;
        if let Some(base) = check {
            if base.unwrap_or(0) != version - 1 {
                return Err(StoreError::Stale {
                    date,
                    latest: version - 1,
                });
            }
        }
        let key = plan_codec::key_of(version);
        let key_json = if key == version {
            None
        } else {
            read_plan(&mut tx, date, Some(key))?.map(|v| v.json)
        };
        let encoded = plan_codec::encode(version, json, key_json.as_deref())?;
        let etag = plan_etag(date, version, json);
        let created_at = self.now();
        tx.execute(
            &format!(
                "INSERT INTO plan_versions ({PLAN_COLUMNS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ),
            &[
                &date_text,
                &next,
                &etag,
                &reason,
                &created_at.to_string(),
                &encoded.codec.as_str(),
                &encoded.base.map(i32_of),
                &encoded.body,
            ],
        )?;
        let published = PlanVersion {
            date,
            version,
            etag,
            reason: reason.to_owned(),
            created_at,
            json: json.to_owned(),
        };
        notify_published(&mut tx, self.on(), &published)?;
        tx.commit()?;
        Ok(published)
    }
}

impl Store for PgStore {
    fn is_empty(&self) -> StoreResult<bool> {
        let row = self
            .conn()?
            .query_one("SELECT COUNT(*) FROM scenario_docs", &[])?;
        Ok(row.get::<_, i64>(0) == 0)
    }

    fn import_scenario(&self, scenario: &Scenario, tasks: &[Task]) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        self.import_records(&mut tx, scenario, tasks)?;
        tx.commit()?;
        Ok(())
    }

    fn scenario_parts(&self) -> StoreResult<ScenarioParts> {
        let faults = self.faults()?;
        let installations = self.installations()?;
        let completions = self.completions()?;
        let mut conn = self.conn()?;
        // One snapshot of the master data.
        let mut tx = conn
            .build_transaction()
            .isolation_level(::postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let mut inspections: Vec<InspectionRecord> =
            get_doc(&mut tx, names::INSPECTIONS)?.unwrap_or_default();
        let mut callbacks: Vec<CallbackRecord> =
            get_doc(&mut tx, names::CALLBACKS)?.unwrap_or_default();
        for c in &completions {
            match c.record() {
                Record::Inspection(r) => inspections.push(r),
                Record::Callback(r) => callbacks.push(r),
            }
        }
        let parts = ScenarioParts {
            meta: get_doc(&mut tx, names::META)?,
            districts: get_doc(&mut tx, names::DISTRICTS)?.unwrap_or_default(),
            service_points: all_json(&mut tx, "service_points")?,
            sites: all_json(&mut tx, "sites")?,
            devices: all_json(&mut tx, "devices")?,
            engineers: all_json(&mut tx, "engineers")?,
            inspections,
            callbacks,
            faults,
            fault_model: get_doc(&mut tx, names::FAULT_MODEL)?.unwrap_or_default(),
            installations,
        };
        tx.commit()?;
        Ok(parts)
    }

    fn list(&self, kind: RecordKind, limit: u32, offset: u64) -> StoreResult<Page> {
        let mut conn = self.conn()?;
        let table = kind.table();
        let total: i64 = conn
            .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])?
            .get(0);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let items = conn
            .query(
                &format!("SELECT json FROM {table} ORDER BY id LIMIT $1 OFFSET $2"),
                &[&i64::from(limit), &offset],
            )?
            .iter()
            .map(|r| from_json(table, r.get::<_, &str>(0)))
            .collect::<StoreResult<_>>()?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    fn get(&self, kind: RecordKind, id: &str) -> StoreResult<Option<Value>> {
        let sql = format!("SELECT json FROM {} WHERE id = $1", kind.table());
        one_text(&mut *self.conn()?, &sql, &[&id])?
            .map(|t| from_json(kind.table(), &t))
            .transpose()
    }

    fn create_installation(
        &self,
        draft: &crate::domain::installation::InstallationDraft,
    ) -> StoreResult<super::InstallationOutcome> {
        installations::create(&mut *self.conn()?, draft, self.now())
    }

    fn installations(&self) -> StoreResult<Vec<crate::domain::installation::InstallationRecord>> {
        installations::all(&mut *self.conn()?)
    }

    fn complete_installation_step(
        &self,
        id: &str,
        done: &crate::domain::installation::StepDone,
    ) -> StoreResult<super::InstallationOutcome> {
        installations::complete(&mut *self.conn()?, id, done, self.now())
    }

    fn put_records(&self, kind: RecordKind, records: &[Value]) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        for (i, r) in records.iter().enumerate() {
            insert_record(&mut tx, kind, r, i)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn append_fault(&self, draft: &FaultDraft) -> StoreResult<FaultRecord> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let known = exists(
            &mut tx,
            "SELECT 1 FROM devices WHERE id = $1",
            &[&draft.device.as_str()],
        )?;
        if !known {
            return Err(StoreError::Rejected(format!(
                "device {} does not exist",
                draft.device
            )));
        }
        // The next id is read and taken under one lock: no two instances take the same.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock::FAULT_IDS])?;
        let mut n: i64 = tx
            .query_one("SELECT COALESCE(MAX(seq), 0) + 1 FROM faults", &[])?
            .get(0);
        let id = loop {
            let id = FaultId::numbered(usize::try_from(n).unwrap_or(0), 4);
            if !exists(
                &mut tx,
                "SELECT 1 FROM faults WHERE id = $1",
                &[&id.as_str()],
            )? {
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
        insert_fault(&mut tx, &record, self.now())?;
        let id = record.fault().id.to_string();
        notify(&mut tx, self.on(), What::Fault { id })?;
        tx.commit()?;
        Ok(record)
    }

    fn fault(&self, id: &str) -> StoreResult<Option<FaultRecord>> {
        read_fault(&mut *self.conn()?, id)
    }

    fn faults(&self) -> StoreResult<Vec<FaultRecord>> {
        let mut conn = self.conn()?;
        let mut tx = conn
            .build_transaction()
            .isolation_level(::postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let mut later = later_events(&mut tx, None)?;
        let faults: Vec<FaultRecord> = all_json(&mut tx, "faults")?;
        tx.commit()?;
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
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        // Checked and appended under the fault's lock: two instances never both append an
        // event that only one of them may.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended('fault:' || $1, 0))",
            &[&fault_id],
        )?;
        let mut record = read_fault(&mut tx, fault_id)?
            .ok_or_else(|| StoreError::Rejected(format!("no fault {fault_id}")))?;
        record
            .append(event.clone(), now)
            .map_err(StoreError::Refused)?;
        tx.execute(
            "INSERT INTO fault_events (fault_id, kind, at, json, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &fault_id,
                &event.kind.as_str(),
                &event.at.to_string(),
                &to_json(event)?,
                &self.now().to_string(),
            ],
        )?;
        let id = fault_id.to_owned();
        notify(&mut tx, self.on(), What::Fault { id })?;
        tx.commit()?;
        Ok(record)
    }

    fn append_completion(&self, c: &Completion, source: &str) -> StoreResult<i64> {
        self.append_completions(std::slice::from_ref(c), source)
            .map(|seqs| seqs[0])
    }

    fn append_completions(&self, cs: &[Completion], source: &str) -> StoreResult<Vec<i64>> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let now = self.now();
        let seqs = cs
            .iter()
            .map(|c| insert_completion(&mut tx, c, source, now))
            .collect::<StoreResult<Vec<_>>>()?;
        for c in cs {
            let completion = c.clone();
            notify(&mut tx, self.on(), What::Completion { completion })?;
        }
        tx.commit()?;
        Ok(seqs)
    }

    fn completions(&self) -> StoreResult<Vec<Completion>> {
        all_json(&mut *self.conn()?, "completions")
    }

    fn record_alert(
        &self,
        fault_id: &str,
        milestone: &str,
        kind: &str,
        json: &Value,
    ) -> StoreResult<bool> {
        let written = self.conn()?.execute(
            "INSERT INTO alerts (fault_id, milestone, kind, json, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[
                &fault_id,
                &milestone,
                &kind,
                &to_json(json)?,
                &self.now().to_string(),
            ],
        )?;
        Ok(written == 1)
    }

    fn alerts(&self) -> StoreResult<Vec<Value>> {
        all_json(&mut *self.conn()?, "alerts")
    }

    fn claim_idempotency(
        &self,
        scope: &str,
        body_sha256: &str,
        keep: chrono::TimeDelta,
    ) -> StoreResult<IdempotencyClaim> {
        let now = self.now();
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM idempotency_keys WHERE created_at < $1",
            &[&now.plus(-keep).to_string()],
        )?;
        // The first of two racing claims inserts; the other finds its row.
        let claimed = tx.execute(
            "INSERT INTO idempotency_keys (scope, body_sha256, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (scope) DO NOTHING",
            &[&scope, &body_sha256, &now.to_string()],
        )?;
        let claim = if claimed == 1 {
            IdempotencyClaim::New
        } else {
            let r = tx.query_one(
                "SELECT body_sha256, status, content_type, location, body
                 FROM idempotency_keys WHERE scope = $1",
                &[&scope],
            )?;
            let status: Option<i32> = r.get(1);
            if r.get::<_, &str>(0) != body_sha256 {
                IdempotencyClaim::OtherBody
            } else if let Some(status) = status {
                IdempotencyClaim::Answered(KeptAnswer {
                    status: u16::try_from(status)
                        .map_err(|_| StoreError::Corrupt(format!("kept status {status}")))?,
                    content_type: r.get(2),
                    location: r.get(3),
                    body: r.get::<_, Option<Vec<u8>>>(4).unwrap_or_default(),
                })
            } else {
                IdempotencyClaim::Running
            }
        };
        tx.commit()?;
        Ok(claim)
    }

    fn finish_idempotency(&self, scope: &str, answer: &KeptAnswer) -> StoreResult<()> {
        self.conn()?.execute(
            "UPDATE idempotency_keys SET status = $2, content_type = $3, location = $4, body = $5
             WHERE scope = $1",
            &[
                &scope,
                &i32::from(answer.status),
                &answer.content_type,
                &answer.location,
                &answer.body,
            ],
        )?;
        Ok(())
    }

    fn release_idempotency(&self, scope: Option<&str>) -> StoreResult<usize> {
        let n = match scope {
            Some(s) => self
                .conn()?
                .execute("DELETE FROM idempotency_keys WHERE scope = $1", &[&s])?,
            None => self
                .conn()?
                .execute("DELETE FROM idempotency_keys WHERE status IS NULL", &[])?,
        };
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn append_event(
        &self,
        engineer_id: &str,
        kind: &str,
        at: Instant,
        json: &Value,
    ) -> StoreResult<i64> {
        let row = self
            .conn()?
            .query_one(
                "INSERT INTO progress_events (engineer_id, kind, at, json, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING seq",
                &[
                    &engineer_id,
                    &kind,
                    &at.to_string(),
                    &to_json(json)?,
                    &self.now().to_string(),
                ],
            )
            .map_err(|e| rejected(e, || format!("engineer {engineer_id} does not exist")))?;
        Ok(row.get(0))
    }

    fn events(&self, engineer_id: Option<&str>) -> StoreResult<Vec<StoredEvent>> {
        let rows = self.conn()?.query(
            "SELECT seq, engineer_id, kind, at, json FROM progress_events
             WHERE $1::TEXT IS NULL OR engineer_id = $1 ORDER BY seq",
            &[&engineer_id],
        )?;
        stored_events(&rows)
    }

    fn events_on(&self, date: NaiveDate) -> StoreResult<Vec<StoredEvent>> {
        // `at` is written in local time (`2026-11-30T09:40:00+08:00`): its prefix is the date.
        let rows = self.conn()?.query(
            "SELECT seq, engineer_id, kind, at, json FROM progress_events
             WHERE substr(at, 1, 10) = $1 ORDER BY seq",
            &[&date.to_string()],
        )?;
        stored_events(&rows)
    }

    fn publish_plan(&self, date: NaiveDate, reason: &str, json: &str) -> StoreResult<PlanVersion> {
        self.publish(date, None, reason, json)
    }

    fn publish_plan_on(
        &self,
        date: NaiveDate,
        base: Option<u32>,
        reason: &str,
        json: &str,
    ) -> StoreResult<PlanVersion> {
        self.publish(date, Some(base), reason, json)
    }

    fn latest_plan(&self, date: NaiveDate) -> StoreResult<Option<PlanVersion>> {
        read_plan(&mut *self.conn()?, date, None)
    }

    fn plan_version(&self, date: NaiveDate, version: u32) -> StoreResult<Option<PlanVersion>> {
        read_plan(&mut *self.conn()?, date, Some(version))
    }

    fn create_job(&self, id: &str, kind: &str, request: &Value) -> StoreResult<JobRecord> {
        let at = self.now();
        // Held by this instance from the start, so no other claims it while it runs here.
        self.conn()?.execute(
            "INSERT INTO jobs (id, kind, status, request, created_at, updated_at, owner,
                               lease_until)
             VALUES ($1, $2, 'queued', $3, $4, $4, $5,
                     now() + $6::BIGINT * INTERVAL '1 millisecond')",
            &[
                &id,
                &kind,
                &to_json(request)?,
                &at.to_string(),
                &self.instance,
                &self.lease_ms(),
            ],
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
        // Only the holder writes: an instance that lost its claim (its lease ran out and
        // another took the job) changes nothing.
        self.conn()?.execute(
            "UPDATE jobs SET status = $2, result = COALESCE($3, result), error = $4,
             updated_at = $5 WHERE id = $1 AND (owner IS NULL OR owner = $6)",
            &[
                &id,
                &status.as_str(),
                &result,
                &error,
                &self.now().to_string(),
                &self.instance,
            ],
        )?;
        Ok(())
    }

    fn job(&self, id: &str) -> StoreResult<Option<JobRecord>> {
        let row = self.conn()?.query_opt(
            "SELECT id, kind, status, request, result, error, created_at, updated_at
             FROM jobs WHERE id = $1",
            &[&id],
        )?;
        row.as_ref().map(|r| job_record(job_row(r))).transpose()
    }

    fn fail_unfinished_jobs(&self, reason: &str) -> StoreResult<usize> {
        // Jobs without an owner (none are written so: a database filled by hand) cannot be
        // leased, so they fail; leased ones are claimed again once their lease runs out.
        let n = self.conn()?.execute(
            "UPDATE jobs SET status = 'failed', error = $1, updated_at = $2
             WHERE status IN ('queued', 'running') AND owner IS NULL",
            &[&reason, &self.now().to_string()],
        )?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn renew_job_lease(&self, id: &str) -> StoreResult<Option<bool>> {
        let row = self.conn()?.query_opt(
            "UPDATE jobs SET lease_until = now() + $3::BIGINT * INTERVAL '1 millisecond'
             WHERE id = $1 AND owner = $2 AND status IN ('queued', 'running')
             RETURNING cancel_requested",
            &[&id, &self.instance, &self.lease_ms()],
        )?;
        Ok(row.map(|r| r.get(0)))
    }

    fn claim_abandoned_job(&self) -> StoreResult<Option<JobRecord>> {
        let row = self.conn()?.query_opt(
            "UPDATE jobs SET owner = $1, status = 'running', updated_at = $2,
                lease_until = now() + $3::BIGINT * INTERVAL '1 millisecond'
             WHERE id = (SELECT id FROM jobs
                         WHERE status IN ('queued', 'running') AND lease_until < now()
                         ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
             RETURNING id, kind, status, request, result, error, created_at, updated_at",
            &[&self.instance, &self.now().to_string(), &self.lease_ms()],
        )?;
        row.as_ref().map(|r| job_record(job_row(r))).transpose()
    }

    fn request_job_cancel(&self, id: &str) -> StoreResult<bool> {
        let n = self.conn()?.execute(
            "UPDATE jobs SET cancel_requested = TRUE
             WHERE id = $1 AND status IN ('queued', 'running')",
            &[&id],
        )?;
        Ok(n == 1)
    }

    fn put_stock(
        &self,
        counts: &[(super::StockKind, String, String, u32)],
        only_missing: bool,
    ) -> StoreResult<()> {
        super::parts::pg::put_stock(&mut *self.conn()?, counts, only_missing, self.now())
    }

    fn stock(&self) -> StoreResult<Vec<super::StockLevel>> {
        super::parts::pg::stock(&mut *self.conn()?)
    }

    fn put_case(
        &self,
        case: &super::CaseRecord,
        moves: &[super::StockMove],
    ) -> StoreResult<super::CaseWrite> {
        super::parts::pg::put_case(&mut *self.conn()?, case, moves, self.now())
    }

    fn cases(&self, kind: &str) -> StoreResult<Vec<super::CaseRecord>> {
        super::parts::pg::cases(&mut *self.conn()?, kind)
    }

    fn put_roster(&self, id: &str, json: &Value) -> StoreResult<()> {
        self.conn()?.execute(
            "INSERT INTO rosters (id, json, created_at) VALUES ($1, $2, $3)",
            &[&id, &to_json(json)?, &self.now().to_string()],
        )?;
        Ok(())
    }

    fn roster(&self, id: &str) -> StoreResult<Option<Value>> {
        one_text(
            &mut *self.conn()?,
            "SELECT json FROM rosters WHERE id = $1",
            &[&id],
        )?
        .map(|t| from_json("rosters", &t))
        .transpose()
    }

    fn publish_roster(
        &self,
        id: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<RosterPublication> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        tx.execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[&lock::ROSTER_VERSIONS],
        )?;
        let next: i32 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM roster_publications",
                &[],
            )?
            .get(0);
        let created_at = self.now();
        tx.execute(
            "INSERT INTO roster_publications (version, roster_id, first_date, last_date, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &next,
                &id,
                &first.to_string(),
                &last.to_string(),
                &created_at.to_string(),
            ],
        )
        .map_err(|e| rejected(e, || format!("no roster {id}")))?;
        tx.commit()?;
        Ok(RosterPublication {
            version: u32_of("roster publication", next)?,
            roster_id: id.to_owned(),
            first,
            last,
            created_at,
        })
    }

    fn roster_publications(&self) -> StoreResult<Vec<RosterPublication>> {
        let rows = self.conn()?.query(
            "SELECT version, roster_id, first_date, last_date, created_at
             FROM roster_publications ORDER BY version",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(RosterPublication {
                    version: u32_of("roster publication", r.get(0))?,
                    roster_id: r.get(1),
                    first: date("roster publication date", r.get(2))?,
                    last: date("roster publication date", r.get(3))?,
                    created_at: instant(r.get(4))?,
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
        let mut conn = self.conn()?;
        if let Some(e) = engineer {
            if !exists(&mut *conn, "SELECT 1 FROM engineers WHERE id = $1", &[&e])? {
                return Err(StoreError::Rejected(format!(
                    "engineer {e} does not exist in the database"
                )));
            }
        }
        let id = super::token_id(sha256_hex);
        conn.execute(
            "INSERT INTO api_tokens (sha256, id, role, engineer_id, label, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &sha256_hex,
                &id,
                &grant.role.as_str(),
                &engineer,
                &label,
                &self.now().to_string(),
                &grant.expires_at.map(|t| t.to_string()),
            ],
        )?;
        Ok(id)
    }

    fn token_grant(&self, sha256_hex: &str) -> StoreResult<Option<TokenGrant>> {
        let row = self.conn()?.query_opt(
            "SELECT role, engineer_id, expires_at FROM api_tokens
             WHERE sha256 = $1 AND revoked_at IS NULL",
            &[&sha256_hex],
        )?;
        row.map(|r| {
            let role = r.get::<_, &str>(0).parse().map_err(StoreError::Corrupt)?;
            let engineer = r
                .get::<_, Option<String>>(1)
                .map(stored_engineer)
                .transpose()?;
            let expires_at = r.get::<_, Option<&str>>(2).map(instant).transpose()?;
            TokenGrant::new(role, engineer, expires_at).map_err(StoreError::Corrupt)
        })
        .transpose()
    }

    fn tokens(&self) -> StoreResult<Vec<TokenInfo>> {
        let rows = self.conn()?.query(
            "SELECT id, role, label, created_at, expires_at, revoked_at, engineer_id
             FROM api_tokens ORDER BY created_at, id",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.get(0),
                    role: r.get::<_, &str>(1).parse().map_err(StoreError::Corrupt)?,
                    engineer: r
                        .get::<_, Option<String>>(6)
                        .map(stored_engineer)
                        .transpose()?,
                    label: r.get(2),
                    created_at: instant(r.get(3))?,
                    expires_at: r.get::<_, Option<&str>>(4).map(instant).transpose()?,
                    revoked_at: r.get::<_, Option<&str>>(5).map(instant).transpose()?,
                })
            })
            .collect()
    }

    fn revoke_token(&self, id: &str) -> StoreResult<bool> {
        let changed = self.conn()?.execute(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&id, &self.now().to_string()],
        )?;
        Ok(changed == 1)
    }

    fn watch(&self, on: Box<dyn Fn(Notice) + Send>) -> StoreResult<()> {
        let mut client = listener(&self.config, &self.channel)?;
        let (config, pool, me, channel) = (
            self.config.clone(),
            self.pool.clone(),
            self.instance.clone(),
            self.channel.clone(),
        );
        std::thread::Builder::new()
            .name("fieldplan-listen".into())
            .spawn(move || {
                loop {
                    relay(&mut client, &pool, &me, on.as_ref());
                    // The connection broke: connect again (notices sent meanwhile are lost;
                    // readers then fall back to the store, which is always right).
                    client = loop {
                        std::thread::sleep(Duration::from_secs(1));
                        match listener(&config, &channel) {
                            Ok(c) => break c,
                            Err(e) => tracing::warn!("listening for other instances: {e}"),
                        }
                    };
                    tracing::info!("listening for other instances again");
                }
            })?;
        Ok(())
    }
}
