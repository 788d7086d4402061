//! Background optimisations: `GET /v1/jobs/{id}` and `DELETE /v1/jobs/{id}` (cancel: sets the
//! solver's cancel flag; a cancelled job publishes nothing).

use super::auth::{Caller, may};
use super::error::{ApiError, ApiResult};
use super::planning::SolveSettings;
use super::{AppState, CachedPlan, blocking};
use crate::domain::instant::Instant;
use crate::store::{JobRecord, JobStatus, Role};
use axum::extract::{Path, State};
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::OwnedSemaphorePermit;
use tokio::task::JoinHandle;
use utoipa::ToSchema;

/// A job as the API shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    pub id: String,
    pub kind: String,
    #[schema(value_type = String, example = "running")]
    pub status: JobStatus,
    #[schema(value_type = Object)]
    pub request: Value,
    /// When done: `{date, version, etag, location}` of the published plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Instant,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Instant,
}

impl From<JobRecord> for JobView {
    fn from(j: JobRecord) -> Self {
        Self {
            id: j.id,
            kind: j.kind,
            status: j.status,
            request: j.request,
            result: j.result,
            error: j.error,
            created_at: j.created_at,
            updated_at: j.updated_at,
        }
    }
}

pub(super) fn job_id() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the OS has a random source");
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("J-{hex}")
}

pub(super) async fn set_status(
    state: &AppState,
    id: &str,
    status: JobStatus,
    result: Option<Value>,
    error: Option<String>,
) -> ApiResult<()> {
    let store = state.store();
    let id = id.to_owned();
    blocking(move || Ok(store.update_job(&id, status, result.as_ref(), error.as_deref())?)).await
}

/// Records a job and starts it: solve on a blocking thread, then publish. The task holds the
/// solver slot until it ends; it yields the published plan, or `None` when cancelled.
pub async fn run_plan_job(
    state: &AppState,
    permit: OwnedSemaphorePermit,
    date: NaiveDate,
    time_limit_ms: u64,
    seed: u64,
    max_work: Option<u64>,
    request: Value,
) -> ApiResult<(JobView, JoinHandle<ApiResult<Option<Arc<CachedPlan>>>>)> {
    let id = job_id();
    let store = state.store();
    let jid = id.clone();
    let record = blocking(move || Ok(store.create_job(&jid, "optimise", &request)?)).await?;
    let cancel = Arc::new(AtomicBool::new(false));
    state.register_job(&id, cancel.clone());
    let job = PlanJob {
        date,
        time_limit_ms,
        seed,
        max_work,
    };
    let handle = tokio::spawn(plan_job(state.clone(), id, job, cancel, permit));
    Ok((record.into(), handle))
}

/// What a plan job solves: its request as stored (`POST /v1/plans` writes it), so another
/// instance can run it again.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlanJob {
    date: NaiveDate,
    time_limit_ms: u64,
    seed: u64,
    max_work: Option<u64>,
}

/// Runs plan job `id` to its end and records how it ended.
async fn plan_job(
    st: AppState,
    id: String,
    job: PlanJob,
    cancel: Arc<AtomicBool>,
    permit: OwnedSemaphorePermit,
) -> ApiResult<Option<Arc<CachedPlan>>> {
    let _permit = permit;
    let outcome = solve_and_publish(&st, &id, &job, cancel).await;
    let (status, result, error) = match &outcome {
        Ok(Some(p)) => (
            JobStatus::Succeeded,
            Some(json!({
                "date": p.date,
                "version": p.version,
                "etag": p.etag,
                "location": format!("/v1/plans/{}/versions/{}", p.date, p.version),
            })),
            None,
        ),
        Ok(None) => (JobStatus::Cancelled, None, None),
        Err(e) => (
            JobStatus::Failed,
            None,
            Some(e.for_client(&format!("plan job {id}"))),
        ),
    };
    let saved = set_status(&st, &id, status, result, error).await;
    st.jobs().remove(&id);
    saved?;
    outcome
}

/// How often a running job's lease is renewed (and a cancel asked on another instance seen).
fn renew_every() -> Duration {
    crate::store::JOB_LEASE / 5
}

/// Renews this instance's lease on job `id` while it runs here (a store several instances
/// share: [`crate::store::Store::is_shared`]). A cancel asked on another instance sets the
/// job's cancel flag; so does losing the job (the lease ran out, say the process stalled, and
/// another instance claimed it): its outcome is then not recorded, the new holder's is.
pub(super) async fn keep_lease(state: AppState, id: String, cancel: Arc<AtomicBool>) {
    loop {
        tokio::time::sleep(renew_every()).await;
        if !state.jobs().contains_key(&id) {
            return;
        }
        let store = state.store();
        let jid = id.clone();
        match blocking(move || Ok(store.renew_job_lease(&jid)?)).await {
            Ok(Some(false)) => {}
            Ok(Some(true)) => cancel.store(true, Ordering::Relaxed),
            Ok(None) => {
                cancel.store(true, Ordering::Relaxed);
                return;
            }
            Err(e) => tracing::warn!("renewing the lease of job {id}: {e:?}"),
        }
    }
}

/// Claims jobs whose instance died (their lease ran out) and runs them here, until the
/// server stops: a plan job is solved again from its stored request; a roster or a simulation
/// is recorded failed (start it again: its progress died with its instance).
pub(super) async fn adopt_abandoned(state: AppState) {
    let mut stopping = state.stopping();
    loop {
        tokio::select! {
            () = tokio::time::sleep(renew_every()) => {}
            _ = stopping.changed() => return,
        }
        let store = state.store();
        let claimed = match blocking(move || Ok(store.claim_abandoned_job()?)).await {
            Ok(Some(job)) => job,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!("claiming abandoned jobs: {e:?}");
                continue;
            }
        };
        tracing::info!("claimed job {} of an instance that stopped", claimed.id);
        let cancel = Arc::new(AtomicBool::new(false));
        state.register_job(&claimed.id, cancel.clone());
        let job = (claimed.kind == "optimise")
            .then(|| serde_json::from_value::<PlanJob>(claimed.request.clone()).ok())
            .flatten();
        let st = state.clone();
        let id = claimed.id;
        match job {
            Some(job) => {
                tokio::spawn(async move {
                    // Waits for a solver slot; the lease is renewed meanwhile.
                    let Ok(permit) = st.0.solves.clone().acquire_owned().await else {
                        return;
                    };
                    let _ = plan_job(st, id, job, cancel, permit).await;
                });
            }
            None => {
                let why = "its instance stopped; start it again".to_owned();
                let failed = set_status(&st, &id, JobStatus::Failed, None, Some(why)).await;
                st.jobs().remove(&id);
                if let Err(e) = failed {
                    tracing::warn!("recording job {id} failed: {e:?}");
                }
            }
        }
    }
}

async fn solve_and_publish(
    state: &AppState,
    id: &str,
    job: &PlanJob,
    cancel: Arc<AtomicBool>,
) -> ApiResult<Option<Arc<CachedPlan>>> {
    let PlanJob {
        date,
        time_limit_ms,
        seed,
        max_work,
    } = job.clone();
    set_status(state, id, JobStatus::Running, None, None).await?;
    let world = state.world();
    let planner = state.planner();
    let progress = state.progress_of(date).await?;
    let settings = SolveSettings {
        date,
        time_limit: Duration::from_millis(time_limit_ms),
        seed,
        cancel: cancel.clone(),
        pins: state.roster_pins(date).await?,
        max_work,
        now: Some(state.now()),
        carried_call_outs: super::rest::carried_into(state, date).await?,
    };
    let started = std::time::Instant::now();
    let plan = blocking(move || {
        planner
            .plan_day(&world, &progress, &settings)
            .map_err(super::faults::planning_error)
    })
    .await?;
    state.metrics().solve_duration(started.elapsed());
    if cancel.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let _guard = state.publishing().await;
    let published = state.publish(date, "optimise".to_owned(), &plan).await?;
    Ok(Some(published))
}

async fn load(state: &AppState, id: String) -> ApiResult<JobRecord> {
    let store = state.store();
    let what = format!("no job {id}");
    blocking(move || Ok(store.job(&id)?))
        .await?
        .ok_or(ApiError::NotFound(what))
}

/// A job's state.
#[utoipa::path(get, path = "/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = JobView), (status = 404, body = super::error::ProblemDoc)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<JobView>> {
    Ok(Json(load(&state, id).await?.into()))
}

/// Cancels a running job; answers its final state.
#[utoipa::path(delete, path = "/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = JobView),
        (status = 403, description = "The caller's role may not start this kind of job (plans: planner or dispatcher; rosters: planner; simulations: manager)", body = super::error::ProblemDoc),
        (status = 404, body = super::error::ProblemDoc),
        (status = 409, description = "Already finished", body = super::error::ProblemDoc)))]
pub async fn cancel(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<JobView>> {
    let job = load(&state, id.clone()).await?;
    caller.require(starters(&job.kind))?;
    cancel_running(&state, id.clone()).await?;
    Ok(Json(load(&state, id).await?.into()))
}

/// The roles that may start a job of `kind`: the only ones that may cancel it.
pub(super) fn starters(kind: &str) -> &'static [Role] {
    match kind {
        "optimise" => may::PLAN,
        "roster" => may::ROSTER,
        "simulate" => may::SIMULATE,
        // A kind this version does not start: nobody cancels it through the API.
        _ => &[],
    }
}

/// Sets a running job's cancel flag and waits (bounded) for it to settle; 409 if it is not
/// running, 404 if there is no such job.
pub(super) async fn cancel_running(state: &AppState, id: String) -> ApiResult<()> {
    let flag = state.jobs().get(&id).cloned();
    let Some(flag) = flag else {
        if cancel_elsewhere(state, &id).await? {
            return Ok(());
        }
        let job = load(state, id).await?;
        return Err(ApiError::Conflict(format!(
            "job {} is already {}",
            job.id,
            job.status.as_str()
        )));
    };
    flag.store(true, Ordering::Relaxed);
    // The solver checks the flag often; wait for the job to settle (bounded).
    for _ in 0..200 {
        if !state.jobs().contains_key(&id) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Ok(())
}

/// Asks the instance running job `id` (another one, on a shared store) to cancel it, and
/// waits (bounded) for the job to end there; false if no unfinished job `id` was asked.
async fn cancel_elsewhere(state: &AppState, id: &str) -> ApiResult<bool> {
    let store = state.store();
    let jid = id.to_owned();
    if !blocking(move || Ok(store.request_job_cancel(&jid)?)).await? {
        return Ok(false);
    }
    // It sees the request at its next renewal; then the solver stops at its next check.
    let wait = 3 * renew_every();
    let step = Duration::from_millis(100);
    for _ in 0..(wait.as_millis() / step.as_millis()) {
        if load(state, id.to_owned()).await?.status.is_final() {
            break;
        }
        tokio::time::sleep(step).await;
    }
    Ok(true)
}
