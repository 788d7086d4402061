//! Storage: master data, faults, progress events, plan versions, jobs and API tokens.
//!
//! [`Store`] is the one interface the service uses; [`SqliteStore`] implements it on SQLite
//! (WAL journal, `foreign_keys=ON`, `synchronous=FULL`, so an append that returned `Ok` is on
//! disk). A PostgreSQL store can implement the same trait.
//!
//! Invariants kept by the schema ([`migrations`]): faults, progress events and plan versions
//! are append-only (triggers refuse `UPDATE` and `DELETE`), and so are roster publications
//! (numbered 1, 2, ... across all rosters); a plan version is unique per
//! `(date, version)` and numbered 1, 2, ... per date; tokens are kept only as SHA-256 hashes,
//! and a token is bound to a stored engineer exactly when its role is `engineer`.
//! Plans are stored as JSON values, so this ring does not depend on the planner's types.
//!
//! The trait is synchronous (SQLite is): async callers run it on a blocking thread
//! (`tokio::task::spawn_blocking`), never on the runtime.

mod migrations;
mod parts;
pub mod plan_codec;
mod postgres;
mod sqlite;
mod values;

pub use postgres::{JOB_LEASE, PgStore, is_postgres_url};
pub use sqlite::SqliteStore;

use crate::domain::device::Device;
use crate::domain::fault::{FaultEvent, FaultLevel, FaultRecord};
use crate::domain::history::Completion;
use crate::domain::ids::{DeviceId, EngineerId};
use crate::domain::installation::{InstallationDraft, InstallationRecord, StepDone};
use crate::domain::instant::Instant;
use crate::domain::task::Task;
use crate::scenario::{Scenario, ScenarioParts};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::str::FromStr;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// No PostgreSQL connection free or reachable in time.
    #[error("database pool: {0}")]
    Pool(#[from] r2d2_postgres::r2d2::Error),
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Stored data that does not make a valid value (a hand-edited row, a bad migration).
    #[error("stored data: {0}")]
    Corrupt(String),
    /// A write the data refuses (an unknown reference, a duplicate id).
    #[error("{0}")]
    Rejected(String),
    /// A write a domain rule refuses, naming the field and the rule.
    #[error("{}: {}", .0.field, .0.message)]
    Refused(crate::domain::FieldError),
    /// A plan was to be published on a version that is no longer the latest (another
    /// instance published meanwhile): plan again on `latest`.
    #[error("the plan of {date} moved on to version {latest} meanwhile")]
    Stale { date: NaiveDate, latest: u32 },
    /// The database file itself (creating it).
    #[error("database file: {0}")]
    Io(#[from] std::io::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The strong entity tag of a plan version, quoted: its date, number and a hash of the JSON
/// as published (every backend computes it here, so tags agree across stores).
pub fn plan_etag(date: NaiveDate, version: u32, json: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(json.as_bytes());
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{date}-v{version}-{hash}\"")
}

/// An answer kept for retries of the same `Idempotency-Key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// What claiming an idempotency scope found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// The first request with this scope: go on, then keep its answer.
    New,
    /// Answered before, for the same body.
    Answered(KeptAnswer),
    /// The first request is still running.
    Running,
    /// Used before with a different body.
    OtherBody,
}

/// The roles of API callers.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Handles faults and engineers' progress; may publish plans.
    Dispatcher,
    /// Publishes plans and rosters.
    Planner,
    /// Runs simulations; reads everything.
    Manager,
    /// Reads only.
    Viewer,
    /// One engineer in the field: a token of this role is bound to an engineer and may read
    /// that engineer's route and calendar and report its progress, nothing else.
    Engineer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Dispatcher,
        Role::Planner,
        Role::Manager,
        Role::Viewer,
        Role::Engineer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Dispatcher => "dispatcher",
            Role::Planner => "planner",
            Role::Manager => "manager",
            Role::Viewer => "viewer",
            Role::Engineer => "engineer",
        }
    }

    /// Whether a token of this role is bound to one engineer (exactly when it is
    /// [`Role::Engineer`]).
    pub fn binds_engineer(self) -> bool {
        self == Role::Engineer
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("'{s}' is not a role (dispatcher, planner, manager, viewer, engineer)")
            })
    }
}

/// The kinds of master data listed through the API.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RecordKind {
    ServicePoints,
    Sites,
    Devices,
    Engineers,
    Tasks,
}

impl RecordKind {
    fn table(self) -> &'static str {
        match self {
            RecordKind::ServicePoints => "service_points",
            RecordKind::Sites => "sites",
            RecordKind::Devices => "devices",
            RecordKind::Engineers => "engineers",
            RecordKind::Tasks => "tasks",
        }
    }
}

/// One page of records, in id order.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub items: Vec<Value>,
    pub total: u64,
}

/// A new fault before the store gives it an id.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultDraft {
    pub device: DeviceId,
    pub level: FaultLevel,
    pub reported: Instant,
    pub description: String,
}

/// One published plan version. `json` is the plan exactly as published.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanVersion {
    pub date: NaiveDate,
    pub version: u32,
    /// Strong entity tag, quoted (`"v3-1a2b..."`): the version and a hash of the JSON.
    pub etag: String,
    /// Why it was published (`optimise`, `fault F-0042`).
    pub reason: String,
    pub created_at: Instant,
    pub json: String,
}

/// One publication of a roster: from then on, its assignments are the published ones for the
/// dates `first..=last` (until a later publication covers them).
#[derive(Clone, Debug, PartialEq)]
pub struct RosterPublication {
    /// 1, 2, ... across every roster.
    pub version: u32,
    pub roster_id: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub created_at: Instant,
}

/// A progress event as stored: the indexed columns and the whole report as JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    pub seq: i64,
    pub engineer_id: String,
    pub kind: String,
    pub at: Instant,
    pub json: Value,
}

/// The states of a background job.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled
        )
    }

    fn parse(s: &str) -> StoreResult<Self> {
        [
            JobStatus::Queued,
            JobStatus::Running,
            JobStatus::Succeeded,
            JobStatus::Failed,
            JobStatus::Cancelled,
        ]
        .into_iter()
        .find(|j| j.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("job status '{s}'")))
    }
}

/// A background job (a large optimisation).
#[derive(Clone, Debug, PartialEq)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub status: JobStatus,
    pub request: Value,
    pub result: Option<Value>,
    pub error: Option<String>,
    pub created_at: Instant,
    pub updated_at: Instant,
}

/// What another instance sharing the store did, as [`Store::watch`] reports it.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// It published a plan version (read its JSON with [`Store::plan_version`]).
    PlanPublished {
        date: NaiveDate,
        version: u32,
        etag: String,
        reason: String,
        created_at: Instant,
    },
    /// It recorded a fault or an event of its handling: the fault as it now stands.
    Fault(FaultRecord),
    /// It recorded a completed inspection or callback.
    Completion(Completion),
}

/// What a stock count counts: units of a spare part, or loan units of a device family.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StockKind {
    Part,
    Loan,
}

impl StockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StockKind::Part => "part",
            StockKind::Loan => "loan",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        match s {
            "part" => Ok(StockKind::Part),
            "loan" => Ok(StockKind::Loan),
            _ => Err(StoreError::Corrupt(format!("stock kind '{s}'"))),
        }
    }
}

/// One stock count of a service point. Invariant (kept by the schema):
/// `0 <= reserved <= quantity`; `quantity - reserved` units are available.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockLevel {
    pub kind: StockKind,
    pub service_point: String,
    /// A part number, or a device family's key for loan units.
    pub item: String,
    /// Units on the shelf.
    pub quantity: u32,
    /// Units on the shelf promised to a delivery not yet picked up.
    pub reserved: u32,
    pub updated_at: Instant,
}

/// A change of one stock count, applied only if the count's invariant still holds after it
/// (never below zero, never more reserved than on the shelf).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockMove {
    pub kind: StockKind,
    pub service_point: String,
    pub item: String,
    pub quantity: i64,
    pub reserved: i64,
}

/// A delivery, loan or DOA case as stored: its JSON and a version that every update raises
/// (1 once created; 0 in a record not yet written).
#[derive(Clone, Debug, PartialEq)]
pub struct CaseRecord {
    pub id: String,
    /// `delivery`, `loan` or `doa`.
    pub kind: String,
    pub version: i64,
    pub json: Value,
}

/// What [`Store::put_case`] did.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CaseWrite {
    Written,
    /// Created already (a record of version 0), or changed since it was read.
    Stale,
    /// A stock move would break its count's invariant: nothing was written.
    NoStock,
}

/// The service's storage. Every method is blocking; every write is durable when it returns.
pub trait Store: Send + Sync + 'static {
    /// Whether no master data has been loaded yet.
    fn is_empty(&self) -> StoreResult<bool>;
    /// Loads a whole scenario and its tasks (one transaction).
    fn import_scenario(&self, scenario: &Scenario, tasks: &[Task]) -> StoreResult<()>;
    /// The scenario as stored, faults included (not yet cross-checked).
    fn scenario_parts(&self) -> StoreResult<ScenarioParts>;

    fn list(&self, kind: RecordKind, limit: u32, offset: u64) -> StoreResult<Page>;
    fn get(&self, kind: RecordKind, id: &str) -> StoreResult<Option<Value>>;
    /// Inserts or replaces master records `(id, json)` of sites, devices or engineers (one
    /// transaction; the first refused row names its index in the error).
    fn put_records(&self, kind: RecordKind, records: &[Value]) -> StoreResult<()>;

    /// Records a new fault with the next free id (`F-0043`).
    fn append_fault(&self, draft: &FaultDraft) -> StoreResult<FaultRecord>;
    /// A fault with every event of its handling.
    fn fault(&self, id: &str) -> StoreResult<Option<FaultRecord>>;
    /// Every fault with its events, in id order.
    fn faults(&self) -> StoreResult<Vec<FaultRecord>>;
    /// Appends an event to a fault's handling if [`FaultRecord::append`] allows it at `now`
    /// (checked and written in one transaction); returns the fault as it is now.
    fn append_fault_event(
        &self,
        fault_id: &str,
        event: &FaultEvent,
        now: Instant,
    ) -> StoreResult<FaultRecord>;

    /// Records a completed inspection or callback (`source`: `progress` or `import`).
    /// Refused when its task was completed already.
    fn append_completion(&self, completion: &Completion, source: &str) -> StoreResult<i64>;
    /// Records many completions as [`Store::append_completion`] would, all or none (one
    /// transaction); answers their sequence numbers in order.
    fn append_completions(&self, completions: &[Completion], source: &str)
    -> StoreResult<Vec<i64>>;
    /// Every completion, oldest first.
    fn completions(&self) -> StoreResult<Vec<Completion>>;
    /// Records an alert about a fault's milestone once per `(fault, milestone, kind)`;
    /// `false` (nothing written) when it was recorded before.
    fn record_alert(
        &self,
        fault_id: &str,
        milestone: &str,
        kind: &str,
        json: &Value,
    ) -> StoreResult<bool>;
    /// Every alert recorded, oldest first.
    fn alerts(&self) -> StoreResult<Vec<Value>>;

    /// Records a new installation project with the next free id (`I-0001`) and its new
    /// devices with the next free device ids, installed and not accepted (one transaction).
    /// Refused ([`StoreError::Rejected`]) when the site does not exist.
    fn create_installation(&self, draft: &InstallationDraft) -> StoreResult<InstallationOutcome>;
    /// Every installation project with its steps done, in creation order.
    fn installations(&self) -> StoreResult<Vec<InstallationRecord>>;
    /// Records a step of installation `id` done, if [`InstallationRecord::complete`] allows it
    /// ([`StoreError::Refused`] else), and its device as the step leaves it (one transaction).
    fn complete_installation_step(
        &self,
        id: &str,
        done: &StepDone,
    ) -> StoreResult<InstallationOutcome>;
    /// Claims an idempotency scope for a request with body hash `body_sha256`, or tells what
    /// an earlier request with the same scope left. Claims older than `keep` are forgotten.
    fn claim_idempotency(
        &self,
        scope: &str,
        body_sha256: &str,
        keep: chrono::TimeDelta,
    ) -> StoreResult<IdempotencyClaim>;
    /// Keeps the answer of a claimed scope.
    fn finish_idempotency(&self, scope: &str, answer: &KeptAnswer) -> StoreResult<()>;
    /// Releases a claim whose request got no answer worth keeping (a server error), or every
    /// unfinished claim (`None`: on start, for requests a crash cut short).
    fn release_idempotency(&self, scope: Option<&str>) -> StoreResult<usize>;

    fn append_event(
        &self,
        engineer_id: &str,
        kind: &str,
        at: Instant,
        json: &Value,
    ) -> StoreResult<i64>;
    fn events(&self, engineer_id: Option<&str>) -> StoreResult<Vec<StoredEvent>>;
    /// The progress events of a local date (Asia/Shanghai), oldest first.
    fn events_on(&self, date: NaiveDate) -> StoreResult<Vec<StoredEvent>>;

    /// Publishes `json` as the next version of the plan of `date`.
    fn publish_plan(&self, date: NaiveDate, reason: &str, json: &str) -> StoreResult<PlanVersion>;
    fn latest_plan(&self, date: NaiveDate) -> StoreResult<Option<PlanVersion>>;
    /// [`Store::publish_plan`] if the latest version of `date` is still `base` (`None`: no
    /// version yet), else [`StoreError::Stale`]: a plan made from a version another instance
    /// has replaced meanwhile is never published over it. One process owns a SQLite store, and
    /// its callers publish one at a time (`AppState::publishing`), so the default's check
    /// and publish cannot be split by another writer; PostgreSQL checks under the date's lock.
    fn publish_plan_on(
        &self,
        date: NaiveDate,
        base: Option<u32>,
        reason: &str,
        json: &str,
    ) -> StoreResult<PlanVersion> {
        let latest = self.latest_plan(date)?.map(|v| v.version);
        if latest != base {
            return Err(StoreError::Stale {
                date,
                latest: latest.unwrap_or(0),
            });
        }
        self.publish_plan(date, reason, json)
    }
    fn plan_version(&self, date: NaiveDate, version: u32) -> StoreResult<Option<PlanVersion>>;

    fn create_job(&self, id: &str, kind: &str, request: &Value) -> StoreResult<JobRecord>;
    fn update_job(
        &self,
        id: &str,
        status: JobStatus,
        result: Option<&Value>,
        error: Option<&str>,
    ) -> StoreResult<()>;
    fn job(&self, id: &str) -> StoreResult<Option<JobRecord>>;
    /// Marks jobs left queued or running by a previous process as failed; returns how many.
    /// On a store several instances share, a starting instance cannot tell a job of a dead
    /// process from one another instance runs: there, nothing is failed (0), and jobs whose
    /// lease ran out are claimed again ([`Store::claim_abandoned_job`]).
    fn fail_unfinished_jobs(&self, reason: &str) -> StoreResult<usize>;

    /// Whether other processes may share this store (then jobs are leased and renewed, and
    /// [`Store::watch`] reports what the others do).
    fn is_shared(&self) -> bool {
        false
    }
    /// Renews this instance's lease on job `id` (a job [`Store::create_job`] made here, or one
    /// it claimed): `Some(cancel asked)` while it holds the job, `None` once it does not (the
    /// job ended, or another instance claimed it after the lease ran out).
    fn renew_job_lease(&self, id: &str) -> StoreResult<Option<bool>> {
        let _ = id;
        Ok(Some(false))
    }
    /// Claims the oldest unfinished job whose lease ran out (its instance died), skipping
    /// jobs other instances are claiming at the same moment; it is this instance's from now on
    /// (status `running`).
    fn claim_abandoned_job(&self) -> StoreResult<Option<JobRecord>> {
        Ok(None)
    }
    /// Asks whichever instance runs job `id` to cancel it; false if it is not unfinished.
    fn request_job_cancel(&self, id: &str) -> StoreResult<bool> {
        let _ = id;
        Ok(false)
    }

    /// Sets stock counts `(kind, service point, item, quantity)` in one transaction, keeping
    /// their reservations; with `only_missing`, counts that exist are left alone. Refused
    /// ([`StoreError::Refused`], naming the row) when a count would hold fewer units than it
    /// has reserved, or names an unknown service point.
    fn put_stock(
        &self,
        counts: &[(StockKind, String, String, u32)],
        only_missing: bool,
    ) -> StoreResult<()>;
    /// Every stock count, by kind, service point and item.
    fn stock(&self) -> StoreResult<Vec<StockLevel>>;
    /// Writes `case` (creates it when its version is 0, else updates it if it is still at
    /// that version) and applies `moves`, all or nothing, in one transaction.
    fn put_case(&self, case: &CaseRecord, moves: &[StockMove]) -> StoreResult<CaseWrite>;
    /// The cases of a kind, in id order.
    fn cases(&self, kind: &str) -> StoreResult<Vec<CaseRecord>>;

    /// Stores a roster under `id` (the roster planner's JSON; ids are never reused).
    fn put_roster(&self, id: &str, json: &Value) -> StoreResult<()>;
    fn roster(&self, id: &str) -> StoreResult<Option<Value>>;
    /// Publishes stored roster `id` for `first..=last` as the next publication number.
    fn publish_roster(
        &self,
        id: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<RosterPublication>;
    /// Every roster publication, oldest (version 1) first.
    fn roster_publications(&self) -> StoreResult<Vec<RosterPublication>>;

    /// Keeps a token's SHA-256 (hex) with a role not bound to an engineer, valid until
    /// revoked.
    fn add_token(&self, sha256_hex: &str, role: Role, label: &str) -> StoreResult<()> {
        let grant = TokenGrant::new(role, None, None).map_err(StoreError::Rejected)?;
        self.add_token_grant(sha256_hex, &grant, label).map(|_| ())
    }
    /// Keeps a token's SHA-256 (hex) with what it grants (valid before `grant.expires_at`, if
    /// any, and until revoked); answers its public id ([`token_id`]). Refused
    /// ([`StoreError::Rejected`]) when the grant breaks [`TokenGrant::new`]'s rule or names an
    /// engineer that is not in the store.
    fn add_token_grant(
        &self,
        sha256_hex: &str,
        grant: &TokenGrant,
        label: &str,
    ) -> StoreResult<String>;
    /// What a token grants; `None` for an unknown or revoked token (the caller checks the
    /// expiry against its clock: [`TokenGrant::role_at`]).
    fn token_grant(&self, sha256_hex: &str) -> StoreResult<Option<TokenGrant>>;
    /// Every token, oldest first (never the token nor its hash).
    fn tokens(&self) -> StoreResult<Vec<TokenInfo>>;
    /// Revokes the token of public id `id`; false if there is none or it was revoked already.
    fn revoke_token(&self, id: &str) -> StoreResult<bool>;

    /// From now on, calls `on` (from a thread of its own) with what other processes sharing
    /// this store do. A store one process owns (SQLite) has nothing to report: the default
    /// keeps `on` and returns.
    fn watch(&self, on: Box<dyn Fn(Notice) + Send>) -> StoreResult<()> {
        drop(on);
        Ok(())
    }
}

/// Opens the store `db` names: a PostgreSQL database for a `postgres://` URL (shared by
/// several instances), else a SQLite file (created if missing). Blocking: on the async
/// runtime, call it through `spawn_blocking`.
pub fn open(
    db: &std::path::Path,
    clock: crate::domain::clock::SharedClock,
) -> StoreResult<Box<dyn Store>> {
    match db.to_str() {
        Some(url) if is_postgres_url(url) => Ok(Box::new(PgStore::open_with_clock(url, clock)?)),
        _ => Ok(Box::new(SqliteStore::open_with_clock(db, clock)?)),
    }
}

/// An installation project as a write left it, with its devices as they now are.
#[derive(Clone, Debug, PartialEq)]
pub struct InstallationOutcome {
    pub record: InstallationRecord,
    pub devices: Vec<Device>,
}

/// The public id of the token whose SHA-256 (hex) is `sha256_hex`.
pub fn token_id(sha256_hex: &str) -> String {
    format!("T-{}", &sha256_hex[..sha256_hex.len().min(12)])
}

/// What an unrevoked token grants. Invariant (kept by [`TokenGrant::new`] and by the
/// store's schema): `engineer` is set exactly when `role` [binds an
/// engineer](Role::binds_engineer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenGrant {
    pub role: Role,
    /// The one engineer a token of role [`Role::Engineer`] acts for.
    pub engineer: Option<EngineerId>,
    pub expires_at: Option<Instant>,
}

impl TokenGrant {
    /// A grant of `role`, bound to `engineer` when the role binds one: refused (with the
    /// reason) when an engineer role has no engineer or another role names one.
    pub fn new(
        role: Role,
        engineer: Option<EngineerId>,
        expires_at: Option<Instant>,
    ) -> Result<Self, String> {
        match (role.binds_engineer(), &engineer) {
            (true, None) => Err(format!("a token of role {role} needs its engineer")),
            (false, Some(e)) => Err(format!(
                "only a token of role engineer is bound to an engineer, not one of role {role} \
                 (engineer {e} given)"
            )),
            _ => Ok(Self {
                role,
                engineer,
                expires_at,
            }),
        }
    }

    /// The role at `now`: `None` from `expires_at` on.
    pub fn role_at(&self, now: Instant) -> Option<Role> {
        match self.expires_at {
            Some(end) if now >= end => None,
            _ => Some(self.role),
        }
    }
}

/// A token as `fieldplan token list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: String,
    pub role: Role,
    /// The engineer a token of role [`Role::Engineer`] is bound to.
    pub engineer: Option<EngineerId>,
    pub label: String,
    pub created_at: Instant,
    pub expires_at: Option<Instant>,
    pub revoked_at: Option<Instant>,
}
