//! The HTTP API (axum 0.8 on tokio): plans, faults, progress events, master data, jobs,
//! rosters (built as jobs, published, exported as CSV and as engineers' calendar feeds:
//! `rosters.rs`), installation projects (`installations.rs`), staffing simulations
//! (`simulations.rs`), moves of visits between engineers
//! (`moves.rs`), server-sent events, OpenAPI, health and metrics, and the dispatcher's board
//! (a web page at `/`, `board.rs`).
//!
//! [`app`] builds the router from an [`AppState`], so tests drive it without a socket
//! (`tower::ServiceExt::oneshot`); [`serve`] binds it. Handlers are thin: they parse and
//! check the request (every invalid field at once, [`body`]), run storage on blocking threads
//! and solves on blocking threads behind a semaphore ([`Settings::max_concurrent_solves`]),
//! and answer JSON (camelCase, RFC 3339 instants with offset) or problem documents
//! ([`error`]). The planner sits behind [`planning::Planner`].
//!
//! The latest version of each day plan is cached as serialized bytes with its ETag and
//! replaced on publish, so `GET /v1/plans/{date}` touches neither the database nor serde.

pub mod alerts;
pub mod auth;
mod board;
pub mod body;
pub mod error;
mod fault_handling;
mod faults;
mod idempotency;
mod installations;
mod jobs;
mod loans;
mod master;
pub mod metrics;
mod moves;
mod ops;
mod parts;
pub mod planning;
mod plans;
mod progress;
mod query;
mod reports;
mod rest;
mod rosters;
mod server;
mod simulations;
pub mod stream;
mod tasks;

use crate::domain::DomainConfig;
use crate::domain::clock::SharedClock;
use crate::domain::instant::Instant;
use crate::scenario::{Scenario, load_config};
use crate::store::{PlanVersion, Store, TokenGrant};
use auth::may;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use chrono::NaiveDate;
use error::{ApiError, ApiResult};
use metrics::Metrics;
use planning::{Planner, PlanningWorld};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};
use tokio::sync::{Semaphore, broadcast};

/// How long a token's grant read from the store is trusted before it is read again: the
/// longest a revoked token keeps working.
pub const TOKEN_RECHECK: chrono::TimeDelta = chrono::TimeDelta::seconds(5);

/// Limits and defaults of the service.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Time limit of a solve when the request names none.
    pub default_time_limit_ms: u64,
    /// Largest time limit a request may ask for.
    pub max_time_limit_ms: u64,
    /// Solves with a time limit up to this answer at once (201); longer ones run as a job
    /// (202).
    pub sync_time_limit_ms: u64,
    /// Solves running at once; one more is refused with 503 and `Retry-After`.
    pub max_concurrent_solves: usize,
    /// Time limit of the re-plan after a fault.
    pub replan_time_limit_ms: u64,
    /// Longest roster horizon, in days (`POST /v1/rosters`).
    pub max_roster_days: u32,
    /// How far ahead of today a plan or roster may start, in days.
    pub max_days_ahead: u32,
    /// How late a fault or a progress report may be reported, in days.
    pub max_report_age_days: u32,
    /// Open connections at once; the server accepts no more until one closes.
    pub max_connections: usize,
    /// Time for a client to send a request's head (line and headers); then the connection
    /// is closed. Also ends idle keep-alive connections.
    pub header_read_timeout: std::time::Duration,
    /// Time for a client to send a request's body once its head is in; then 408.
    pub body_read_timeout: std::time::Duration,
    /// Fault re-plans waiting for their turn at once ([`AppState::try_replan_slot`]); one more
    /// is refused with 503 and `Retry-After`.
    pub max_queued_replans: usize,
    /// A pending milestone due within this is at risk (`faultAtRisk`).
    pub alert_lead: chrono::TimeDelta,
    /// Where travel times come from (`--travel`), loaded for the stored places at start.
    pub travel: crate::travel::TravelSource,
    /// Where road matrices are kept across restarts (default: beside the extract).
    pub travel_cache: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            body_limit: 256 * 1024,
            default_time_limit_ms: 2_000,
            max_time_limit_ms: 120_000,
            sync_time_limit_ms: 5_000,
            max_concurrent_solves: 2,
            replan_time_limit_ms: 1_000,
            max_roster_days: 84,
            max_days_ahead: 366,
            max_report_age_days: 7,
            max_connections: 512,
            header_read_timeout: std::time::Duration::from_secs(10),
            body_read_timeout: std::time::Duration::from_secs(10),
            max_queued_replans: 8,
            alert_lead: chrono::TimeDelta::minutes(30),
            travel: crate::travel::TravelSource::Geodesic,
            travel_cache: None,
        }
    }
}

/// A published plan version, ready to send.
#[derive(Debug)]
pub struct CachedPlan {
    pub date: NaiveDate,
    pub version: u32,
    pub etag: String,
    /// The response body: the version's envelope with the plan.
    pub body: axum::body::Bytes,
}

/// Announced on `GET /v1/events` for each published plan version.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Published {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub version: u32,
    pub etag: String,
    pub reason: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: crate::domain::instant::Instant,
}

struct Inner {
    /// The one source of "now" (see [`crate::domain::clock`]).
    clock: SharedClock,
    /// The same clock when it stands still until moved (`serve --manual-clock`: training,
    /// demos, the week-of-operation test): `POST /v1/clock` moves it forward.
    manual_clock: RwLock<Option<Arc<crate::domain::clock::ManualClock>>>,
    store: Arc<dyn Store>,
    world: RwLock<Arc<PlanningWorld>>,
    /// One change of the world at a time, so that none is lost (see [`AppState::change_world`]).
    world_change: std::sync::Mutex<()>,
    planner: Arc<dyn Planner>,
    settings: Settings,
    solves: Arc<Semaphore>,
    /// Places in the queue of fault re-plans (see [`AppState::try_replan_slot`]).
    replans: Arc<Semaphore>,
    plans: RwLock<HashMap<NaiveDate, Arc<CachedPlan>>>,
    /// Token hash -> what the store granted and when it was read (see [`AppState::caller_of`]).
    tokens: RwLock<HashMap<String, (TokenGrant, Instant)>>,
    jobs: std::sync::Mutex<HashMap<String, Arc<AtomicBool>>>,
    published: broadcast::Sender<Published>,
    /// Alerts about faults, as they are raised ([`alerts`]).
    alerts: broadcast::Sender<alerts::Alert>,
    /// The alert checks: one at a time, the alerts already stored ([`alerts::Checks`]).
    alert_checks: alerts::Checks,
    /// What `GET /v1/events` streams: every announcement, numbered, the latest
    /// [`stream::REPLAY`] kept for clients that reconnect with `Last-Event-ID`.
    announced: broadcast::Sender<stream::Announcement>,
    replay: std::sync::Mutex<stream::Replay>,
    metrics: Metrics,
    /// One re-plan or publish of a day at a time, so each starts from the latest version.
    publishing: tokio::sync::Mutex<()>,
    /// The roster planner's configuration (`roster.toml` of the configuration directory).
    roster_config: crate::solve::roster::RosterConfig,
    /// Running simulations' progress, by job id.
    simulations: std::sync::Mutex<HashMap<String, Arc<simulations::Share>>>,
    /// Stored rosters already read, by id (a stored roster never changes).
    rosters: RwLock<HashMap<String, Arc<crate::plan::roster::Roster>>>,
    /// Turns true when the server stops: long-lived responses (event streams) end then.
    stopping: tokio::sync::watch::Sender<bool>,
}

/// Shared state of the handlers. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

/// Runs blocking work (storage, solving) off the async runtime.
pub async fn blocking<T, F>(f: F) -> ApiResult<T>
where
    F: FnOnce() -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

impl AppState {
    pub fn new(
        clock: SharedClock,
        store: Arc<dyn Store>,
        world: PlanningWorld,
        planner: Arc<dyn Planner>,
        settings: Settings,
    ) -> Self {
        Self::with_roster_config(clock, store, world, planner, settings, Default::default())
    }

    /// [`AppState::new`] with the roster planner's configuration.
    pub fn with_roster_config(
        clock: SharedClock,
        store: Arc<dyn Store>,
        world: PlanningWorld,
        planner: Arc<dyn Planner>,
        settings: Settings,
        roster_config: crate::solve::roster::RosterConfig,
    ) -> Self {
        let (published, _) = broadcast::channel(64);
        Self(Arc::new(Inner {
            clock,
            manual_clock: RwLock::new(None),
            store,
            world: RwLock::new(Arc::new(world)),
            world_change: std::sync::Mutex::new(()),
            planner,
            solves: Arc::new(Semaphore::new(settings.max_concurrent_solves)),
            replans: Arc::new(Semaphore::new(settings.max_queued_replans)),
            settings,
            plans: RwLock::new(HashMap::new()),
            tokens: RwLock::new(HashMap::new()),
            jobs: std::sync::Mutex::new(HashMap::new()),
            published,
            alerts: broadcast::channel(256).0,
            alert_checks: alerts::Checks::default(),
            announced: broadcast::channel(256).0,
            replay: std::sync::Mutex::new(stream::Replay::default()),
            metrics: Metrics::default(),
            publishing: tokio::sync::Mutex::new(()),
            roster_config,
            rosters: RwLock::new(HashMap::new()),
            simulations: std::sync::Mutex::new(HashMap::new()),
            stopping: tokio::sync::watch::Sender::new(false),
        }))
    }

    /// Opens the service on a store: on first start (an empty store) loads the scenario of
    /// `data_dir` and its tasks; then builds the world from the store. Blocking.
    pub fn load(
        clock: SharedClock,
        store: Arc<dyn Store>,
        data_dir: &Path,
        config_dir: &Path,
        planner: Arc<dyn Planner>,
        settings: Settings,
    ) -> anyhow::Result<Self> {
        let config = load_config(config_dir)?;
        seed_store(store.as_ref(), data_dir, &config)?;
        parts::seed(store.as_ref(), data_dir, &config)?;
        let released = store.release_idempotency(None)?;
        if released > 0 {
            tracing::warn!("{released} idempotency key(s) a previous run left unanswered released");
        }
        let failed = store.fail_unfinished_jobs("interrupted by a restart")?;
        if failed > 0 {
            tracing::warn!("{failed} unfinished job(s) of a previous run marked failed");
        }
        let parts = store.scenario_parts()?;
        let scenario = Scenario::new(parts)
            .map_err(crate::scenario::ScenarioError::Invalid)
            .map_err(|e| anyhow::anyhow!("stored scenario: {e}"))?;
        let places = crate::plan::PlanningContext::places(&scenario);
        let travel = settings
            .travel
            .load(&places, settings.travel_cache.as_deref())
            .map_err(|e| anyhow::anyhow!("--travel {}: {e}", settings.travel))?;
        if let Some(stats) = travel.cache_stats() {
            tracing::info!(
                "travel {}: {} places, road matrix {}",
                settings.travel,
                places.len(),
                if stats.disk_hits > 0 {
                    "read from the disk cache"
                } else {
                    "computed and cached"
                }
            );
        }
        let plan_settings = crate::plan::load_settings(config_dir)?;
        let world = PlanningWorld::with_model(scenario, config, travel.model(), plan_settings)?;
        let (stock, work) = parts::parts_of(store.as_ref(), world.config())
            .map_err(|e| anyhow::anyhow!("stored stock and cases: {e}"))?;
        let world = world.with_parts(stock, work);
        let roster_config = crate::plan::roster::load_config(config_dir)?;
        let state = Self::with_roster_config(clock, store, world, planner, settings, roster_config);
        state.follow_others()?;
        Ok(state)
    }

    /// The current instant, by the service's clock.
    pub fn now(&self) -> Instant {
        self.0.clock.now()
    }

    pub fn clock(&self) -> SharedClock {
        self.0.clock.clone()
    }

    /// Lets clients move the service's clock (it must be the clock the state was made with).
    pub fn with_manual_clock(self, clock: Arc<crate::domain::clock::ManualClock>) -> Self {
        *write(&self.0.manual_clock) = Some(clock);
        self
    }

    /// The clock clients may move, if the service runs on one.
    pub fn manual_clock(&self) -> Option<Arc<crate::domain::clock::ManualClock>> {
        read(&self.0.manual_clock).clone()
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.0.store.clone()
    }

    pub fn world(&self) -> Arc<PlanningWorld> {
        read(&self.0.world).clone()
    }

    pub fn set_world(&self, world: PlanningWorld) {
        *write(&self.0.world) = Arc::new(world);
    }

    /// Applies `change` (something the store has already recorded: a fault, a fault's
    /// events, completed work) to the world the planner sees, and returns the new world.
    /// Changes apply one at a time on the latest world, so none is lost; the travel matrix is
    /// shared, not recomputed ([`PlanningWorld::with_change`]).
    pub fn change_world(
        &self,
        change: impl FnOnce(&mut Scenario) -> Result<(), String>,
    ) -> ApiResult<Arc<PlanningWorld>> {
        let _one = self
            .0
            .world_change
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let next = Arc::new(
            self.world()
                .with_change(change)
                .map_err(ApiError::internal)?,
        );
        *write(&self.0.world) = next.clone();
        Ok(next)
    }

    /// Installs a new stock snapshot and the visits of the open cases ([`parts`]), one change
    /// of the world at a time as [`AppState::change_world`].
    pub fn change_parts(
        &self,
        stock: crate::domain::parts::Stock,
        work: planning::PartsWork,
    ) -> Arc<PlanningWorld> {
        let _one = self
            .0
            .world_change
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let next = Arc::new(self.world().with_parts(stock, work));
        *write(&self.0.world) = next.clone();
        next
    }

    pub fn planner(&self) -> Arc<dyn Planner> {
        self.0.planner.clone()
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// On shutdown: ends the event streams (graceful shutdown waits for open responses) and
    /// cancels running optimisations (they are then recorded as cancelled).
    pub fn stop(&self) {
        self.0.stopping.send_replace(true);
        for flag in self.jobs().values() {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    pub fn stopping(&self) -> tokio::sync::watch::Receiver<bool> {
        self.0.stopping.subscribe()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Published> {
        self.0.published.subscribe()
    }

    /// Alerts as they are raised.
    pub fn subscribe_alerts(&self) -> broadcast::Receiver<alerts::Alert> {
        self.0.alerts.subscribe()
    }

    fn alert_checks(&self) -> &alerts::Checks {
        &self.0.alert_checks
    }

    fn announce_alert(&self, alert: alerts::Alert) {
        self.announce(alert.kind, &alert);
        let _ = self.0.alerts.send(alert);
    }

    /// Numbers an announcement, keeps it for replay and streams it (in one critical section,
    /// so numbers, the replay buffer and the stream agree in order).
    fn announce(&self, event: &'static str, data: &impl Serialize) {
        let Ok(data) = serde_json::to_string(data) else {
            return;
        };
        let mut replay = self.0.replay.lock().unwrap_or_else(|e| e.into_inner());
        let a = replay.push(event, data);
        let _ = self.0.announced.send(a);
    }

    /// The kept announcements after `last_seen` (all kept ones for `None`), how many newer
    /// than it are no longer kept, and a receiver of everything announced after those.
    pub fn announcements_after(
        &self,
        last_seen: Option<u64>,
    ) -> (
        Vec<stream::Announcement>,
        u64,
        broadcast::Receiver<stream::Announcement>,
    ) {
        let replay = self.0.replay.lock().unwrap_or_else(|e| e.into_inner());
        let (kept, lost) = replay.after(last_seen);
        (kept, lost, self.0.announced.subscribe())
    }

    /// Who a token's caller is now (role and bound engineer): `None` if the token is unknown,
    /// revoked or expired. What the store grants is remembered for [`TOKEN_RECHECK`] of the
    /// service's clock (`fieldplan token revoke` writes to the store from another process: it
    /// takes effect within that time); the expiry is checked on every request.
    pub async fn caller_of(&self, token: &str) -> ApiResult<Option<auth::Caller>> {
        let hash = auth::token_hash(token);
        let now = self.now();
        let as_caller = |g: &TokenGrant| {
            g.role_at(now).map(|role| auth::Caller {
                role,
                engineer: g.engineer.clone(),
            })
        };
        if let Some((grant, checked)) = read(&self.0.tokens).get(&hash) {
            if *checked <= now && now < checked.plus(TOKEN_RECHECK) {
                return Ok(as_caller(grant));
            }
        }
        let store = self.store();
        let key = hash.clone();
        let grant = blocking(move || Ok(store.token_grant(&key)?)).await?;
        let caller = grant.as_ref().and_then(as_caller);
        let mut cache = write(&self.0.tokens);
        match grant {
            Some(g) => {
                cache.insert(hash, (g, now));
            }
            None => {
                cache.remove(&hash);
            }
        }
        Ok(caller)
    }

    /// The stored progress reports of a local date, oldest first, read back as the type
    /// they were written as: a report that does not read is an error, never dropped.
    pub async fn progress_of(&self, date: NaiveDate) -> ApiResult<Vec<crate::plan::ProgressEvent>> {
        let store = self.store();
        let events = blocking(move || Ok(store.events_on(date)?)).await?;
        events
            .into_iter()
            .map(|e| {
                serde_json::from_value(e.json).map_err(|err| {
                    ApiError::internal(format!("stored progress report {}: {err}", e.seq))
                })
            })
            .collect()
    }

    /// The plan inside the latest version of a day plan, if any.
    pub async fn current_plan(&self, date: NaiveDate) -> ApiResult<Option<crate::plan::Plan>> {
        Ok(self.current_plan_version(date).await?.1)
    }

    /// The latest version's number and plan of a day plan, if any.
    pub async fn current_plan_version(
        &self,
        date: NaiveDate,
    ) -> ApiResult<(Option<u32>, Option<crate::plan::Plan>)> {
        /// The version's envelope, read for its plan only.
        #[derive(serde::Deserialize)]
        struct Envelope {
            plan: crate::plan::Plan,
        }
        match self.latest_plan(date).await? {
            Some(p) => {
                let whole: Envelope =
                    serde_json::from_slice(&p.body).map_err(ApiError::internal)?;
                Ok((Some(p.version), Some(whole.plan)))
            }
            None => Ok((None, None)),
        }
    }

    /// The latest version of a day plan, from the cache or the store.
    pub async fn latest_plan(&self, date: NaiveDate) -> ApiResult<Option<Arc<CachedPlan>>> {
        if let Some(p) = read(&self.0.plans).get(&date) {
            return Ok(Some(p.clone()));
        }
        let store = self.store();
        let found = blocking(move || Ok(store.latest_plan(date)?)).await?;
        Ok(found.map(|v| self.remember(&v)))
    }

    fn remember(&self, v: &PlanVersion) -> Arc<CachedPlan> {
        let cached = Arc::new(CachedPlan {
            date: v.date,
            version: v.version,
            etag: v.etag.clone(),
            body: envelope(v).into(),
        });
        let mut plans = write(&self.0.plans);
        match plans.get(&v.date) {
            Some(c) if c.version >= v.version => c.clone(),
            _ => {
                plans.insert(v.date, cached.clone());
                cached
            }
        }
    }

    /// Follows what other instances sharing the store do (PostgreSQL's `LISTEN/NOTIFY`; a
    /// SQLite store has no others): their faults and completed work join this instance's
    /// world, their plan versions become the cached latest and go out on this instance's
    /// event stream. Blocking.
    pub fn follow_others(&self) -> crate::store::StoreResult<()> {
        let weak = Arc::downgrade(&self.0);
        self.0.store.watch(Box::new(move |notice| {
            if let Some(inner) = weak.upgrade() {
                AppState(inner).heard(notice);
            }
        }))
    }

    /// One notice from another instance (on the listening thread: blocking is allowed).
    fn heard(&self, notice: crate::store::Notice) {
        use crate::store::Notice;
        let changed = match notice {
            Notice::PlanPublished {
                date,
                version,
                etag,
                reason,
                created_at,
            } => {
                // Read and cached, not only dropped: the cache keeps the highest version it
                // was given, so a read of an older one racing with this cannot win.
                match self.0.store.plan_version(date, version) {
                    Ok(Some(v)) => {
                        self.remember(&v);
                    }
                    _ => {
                        write(&self.0.plans).remove(&date);
                    }
                }
                let published = Published {
                    date,
                    version,
                    etag,
                    reason,
                    created_at,
                };
                self.announce("planPublished", &published);
                let _ = self.0.published.send(published);
                Ok(())
            }
            Notice::Fault(record) => self.change_world(move |s| s.put_fault(record)).map(drop),
            Notice::Completion(c) => self.change_world(move |s| s.add_completion(&c)).map(drop),
        };
        if let Err(e) = changed {
            tracing::warn!("applying another instance's change: {e}");
        }
    }

    /// Publishes a new version of a day plan: stores it, caches it, announces it.
    pub async fn publish(
        &self,
        date: NaiveDate,
        reason: String,
        plan: &crate::plan::Plan,
    ) -> ApiResult<Arc<CachedPlan>> {
        self.publish_version(date, None, reason, plan)
            .await
            .map_err(ApiError::from)
    }

    /// [`AppState::publish`] of a plan made from version `base` of the day (`None`: from
    /// none), refused ([`crate::store::StoreError::Stale`]) when another instance published
    /// a later one meanwhile; the cache then holds that one.
    pub async fn publish_on(
        &self,
        date: NaiveDate,
        base: Option<u32>,
        reason: String,
        plan: &crate::plan::Plan,
    ) -> Result<Arc<CachedPlan>, crate::store::StoreError> {
        let published = self.publish_version(date, Some(base), reason, plan).await;
        if let Err(crate::store::StoreError::Stale { .. }) = &published {
            let store = self.store();
            if let Ok(Some(v)) = blocking(move || Ok(store.latest_plan(date)?)).await {
                self.remember(&v);
            }
        }
        published
    }

    async fn publish_version(
        &self,
        date: NaiveDate,
        base: Option<Option<u32>>,
        reason: String,
        plan: &crate::plan::Plan,
    ) -> Result<Arc<CachedPlan>, crate::store::StoreError> {
        let store = self.store();
        let json = serde_json::to_string(plan)?;
        let reason2 = reason.clone();
        let v = tokio::task::spawn_blocking(move || match base {
            Some(base) => store.publish_plan_on(date, base, &reason2, &json),
            None => store.publish_plan(date, &reason2, &json),
        })
        .await
        .map_err(|e| crate::store::StoreError::Corrupt(format!("publishing: {e}")))??;
        let cached = self.remember(&v);
        let published = Published {
            date,
            version: v.version,
            etag: v.etag.clone(),
            reason,
            created_at: v.created_at,
        };
        // Announced before the checks it starts, so that a client hears of the plan before
        // any alert or republication it causes.
        self.announce("planPublished", &published);
        let _ = self.0.published.send(published);
        // Whether the new plan puts a fault at risk; off the publisher's path.
        alerts::request_check(self);
        // Whether its call-outs rest the next day's engineers; off the publisher's path.
        rest::after_publish(self, plan);
        Ok(cached)
    }

    /// One solver slot, or 503.
    pub fn try_solve_slot(&self) -> ApiResult<tokio::sync::OwnedSemaphorePermit> {
        self.0
            .solves
            .clone()
            .try_acquire_owned()
            .map_err(|_| ApiError::Busy { retry_after_s: 5 })
    }

    /// A place among the fault re-plans waiting for the publishing lock, or 503 with
    /// `Retry-After` when [`Settings::max_queued_replans`] already wait: under a burst of
    /// faults, a client learns at once to come back rather than waiting behind an unbounded
    /// queue. Hold the permit until the re-plan has published (or failed).
    pub fn try_replan_slot(&self) -> ApiResult<tokio::sync::OwnedSemaphorePermit> {
        self.0
            .replans
            .clone()
            .try_acquire_owned()
            .map_err(|_| ApiError::Busy { retry_after_s: 2 })
    }

    pub async fn publishing(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.0.publishing.lock().await
    }

    /// Registers a running job's cancel flag; a job registered once the server is stopping is
    /// cancelled at once (the check runs under the lock that [`AppState::stop`] also takes).
    /// On a shared store ([`Store::is_shared`]) the job's lease is renewed while it runs
    /// ([`jobs::keep_lease`]).
    fn register_job(&self, id: &str, cancel: Arc<AtomicBool>) {
        let mut running = self.jobs();
        if *self.0.stopping.borrow() {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        running.insert(id.to_owned(), cancel.clone());
        if self.0.store.is_shared() {
            tokio::spawn(jobs::keep_lease(self.clone(), id.to_owned(), cancel));
        }
    }

    /// On a shared store: from now on, claims and runs the jobs of instances that died
    /// ([`jobs::adopt_abandoned`]). Call it on the runtime, once.
    pub fn adopt_abandoned_jobs(&self) {
        if self.0.store.is_shared() {
            tokio::spawn(jobs::adopt_abandoned(self.clone()));
        }
    }

    fn unregister_job(&self, id: &str) {
        self.jobs().remove(id);
    }

    fn jobs(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<AtomicBool>>> {
        self.0.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The JSON of a plan version: `{date, version, etag, reason, createdAt, plan}`, written
/// without re-parsing the stored plan.
fn envelope(v: &PlanVersion) -> String {
    let reason = serde_json::to_string(&v.reason).expect("strings serialize");
    let etag = serde_json::to_string(&v.etag).expect("strings serialize");
    format!(
        r#"{{"date":"{}","version":{},"etag":{etag},"reason":{reason},"createdAt":"{}","plan":{}}}"#,
        v.date, v.version, v.created_at, v.json
    )
}

/// Loads `data_dir` into an empty store, with the tasks due in the scenario's horizon and
/// the repairs of its open faults.
pub fn seed_store(store: &dyn Store, data_dir: &Path, config: &DomainConfig) -> anyhow::Result<()> {
    if !store.is_empty()? {
        return Ok(());
    }
    let scenario = Scenario::load(data_dir)?;
    let mut tasks = scenario.due_tasks(config, scenario.meta().horizon);
    tasks.extend(scenario.open_fault_tasks(config));
    store.import_scenario(&scenario, &tasks)?;
    tracing::info!(
        "loaded {} into the empty store: {} sites, {} devices, {} engineers, {} tasks",
        data_dir.display(),
        scenario.sites().len(),
        scenario.devices().len(),
        scenario.engineers().len(),
        tasks.len()
    );
    Ok(())
}

/// The route layer of [`auth::only`]`(roles)`: 403 for other roles before the body is read.
macro_rules! only {
    ($roles:expr) => {
        axum::middleware::from_fn(
            |req: axum::extract::Request, next: axum::middleware::Next| {
                auth::only($roles, req, next)
            },
        )
    };
}

/// The whole service as a router.
pub fn app(state: AppState) -> Router {
    let v1 = Router::new()
        .route("/plans", post(plans::create).route_layer(only!(may::PLAN)))
        .route("/plans/{date}", get(plans::latest))
        .route("/plans/{date}/versions/{version}", get(plans::version))
        .route("/plans/{date}/moves", post(moves::create))
        .route(
            "/plans/{date}/engineers/{engineer}",
            get(plans::engineer_route),
        )
        .route("/jobs/{id}", get(jobs::get).delete(jobs::cancel))
        .route(
            "/faults",
            post(faults::create)
                .route_layer(only!(may::REPORT))
                .get(fault_handling::list),
        )
        .route("/faults/{id}", get(fault_handling::get))
        .route(
            "/faults/{id}/events",
            post(fault_handling::create_event).route_layer(only!(may::REPORT)),
        )
        .route("/faults/{id}/recommendations", get(faults::recommendations))
        .route(
            "/engineers/{id}/events",
            post(progress::create)
                .route_layer(only!(may::PROGRESS))
                .get(progress::list),
        )
        .route(
            "/installations",
            post(installations::create)
                .route_layer(only!(may::INSTALL))
                .get(installations::list),
        )
        .route("/installations/{id}", get(installations::get))
        .route("/events", get(stream::events))
        .route("/alerts", get(alerts::list))
        .route("/me", get(auth::me))
        .route(
            "/clock",
            post(ops::move_clock).route_layer(only!(may::MOVE_CLOCK)),
        )
        .route("/engineers/{id}/calendar.ics", get(rosters::calendar))
        .route(
            "/rosters",
            post(rosters::create).route_layer(only!(may::ROSTER)),
        )
        .route("/rosters/{id}", get(rosters::get))
        .route(
            "/rosters/{id}/publish",
            post(rosters::publish).route_layer(only!(may::ROSTER)),
        )
        .route(
            "/simulations",
            post(simulations::simulate).route_layer(only!(may::SIMULATE)),
        )
        .route(
            "/simulations/{id}",
            get(simulations::get).delete(simulations::cancel),
        )
        .route("/simulations/{id}/chart.svg", get(simulations::chart))
        .route("/service-points", get(master::list_service_points))
        .route("/service-points/{id}", get(master::get_service_point))
        .route("/sites", get(master::list_sites))
        .route("/sites/{id}", get(master::get_site))
        .route("/devices", get(tasks::list_devices))
        .route("/devices/{id}", get(master::get_device))
        .route("/devices/{id}/history", get(tasks::device_history))
        .route("/engineers", get(master::list_engineers))
        .route("/engineers/{id}", get(master::get_engineer))
        .route("/tasks", get(tasks::list))
        .route("/reports/sla", get(reports::sla))
        .route("/reports/remote-promise", get(reports::remote_promise))
        .route("/reports/inspections", get(reports::inspections))
        .route("/reports/engineers", get(reports::engineers))
        .route("/tasks/{id}", get(master::get_task))
        .route("/stock", get(parts::stock))
        .route("/deliveries", get(parts::deliveries))
        .route(
            "/loans",
            post(loans::create_loan)
                .route_layer(only!(may::REPORT))
                .get(loans::loans),
        )
        .route(
            "/devices/{id}/doa",
            post(loans::record_doa).route_layer(only!(may::REPORT)),
        )
        .route("/doa", get(loans::list_doa))
        .route(
            "/doa/{id}/events",
            post(loans::doa_events).route_layer(only!(may::REPORT)),
        )
        // Inside authentication: the key's scope includes the caller's token.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ));
    let router = Router::new()
        .nest("/v1", v1)
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(ops::openapi))
        .merge(board::router());
    #[cfg(feature = "swagger-ui")]
    let router = router.merge(
        utoipa_swagger_ui::SwaggerUi::new("/swagger-ui").url("/openapi.json", ops::api_doc()),
    );
    router
        .fallback(ops::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(state.settings().body_limit))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` resolves; then cancels every running job (its
/// cancel flag: solves, rosters and sweeps stop at their next check), ends the event streams
/// and drains open requests for at most [`server::DRAIN`]. Connections are limited as
/// [`server`] says.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::run(listener, app(state.clone()), state, shutdown).await
}
