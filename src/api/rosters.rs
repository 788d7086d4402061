//! Rosters: built, read, exported, published; engineers' calendar feeds.
//!
//! - `POST /v1/rosters {from, to, timeLimitMs?, seed?}` (planner) builds a roster over
//!   `from..=to` ([`crate::plan::roster::build_roster`]; at most [`Settings::max_roster_days`]
//!   days) as a job (202, `GET /v1/jobs/{id}`); the job's result names the new roster
//!   (`{id, location, kpis}`). `timeLimitMs` caps the routing of each engineer-day (the
//!   routes' deterministic budgets normally end them sooner). `DELETE /v1/jobs/{id}` sets the
//!   builder's cancel flag: it stops at its next assignment round or engineer-day, and the job
//!   gives its solver slot back then.
//! - `GET /v1/rosters/{id}`: `{id, from, to, publications, kpis, roster}`;
//!   `GET /v1/rosters/{id}.csv`: every visit as CSV ([`crate::export::csv::roster_csv`]).
//! - `POST /v1/rosters/{id}/publish` (planner) appends a publication (numbered 1, 2, ...
//!   across all rosters) covering the roster's horizon.
//!
//! **The published roster of a date** is the roster of the latest publication covering it.
//! Day plans of that date (`POST /v1/plans`, and the first plan of a day made by a fault) pin
//! its on-site visits of the date to their engineers.
//!
//! **Calendar feeds** (`GET /v1/engineers/{id}/calendar.ics`, any role) show the published
//! state: for each date, the engineer's visits in the published roster of that date (a task
//! published on several dates counts once, on the latest publication's date). SEQUENCE comes
//! from the latest publication's number ([`crate::export::ics::sequence`]: number less one);
//! visits of the state before the latest publication that the engineer no longer has are
//! `STATUS:CANCELLED`. Day plans do not feed the calendar: they change through the day and
//! reach engineers through `GET /v1/plans/{date}/engineers/{id}`.
//!
//! [`Settings::max_roster_days`]: super::Settings::max_roster_days

use super::auth::Caller;
use super::body::{Fields, JsonBody};
use super::error::{ApiError, ApiResult, FieldIssue};
use super::jobs::JobView;
use super::{AppState, blocking, read, write};
use crate::domain::dates::DateRange;
use crate::domain::ids::EngineerId;
use crate::plan::RosterAssignment;
use crate::plan::roster::{EngineerDay, Roster, RosterData, RosterRequest};
use crate::store::{JobStatus, RosterPublication};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use utoipa::ToSchema;

/// Body of `POST /v1/rosters`.
// Documents the body; the handler reads it field by field (`Fields`) to report every problem.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RosterRequestBody {
    /// First day, YYYY-MM-DD.
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    /// Last day, inclusive (at most 84 days after `from` by default).
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// Wall-clock cap of each engineer-day's routing, in milliseconds (at most the server's
    /// ceiling, 120,000 by default).
    #[schema(minimum = 1, maximum = 120_000)]
    pub time_limit_ms: Option<u64>,
    /// Random seed (default 1).
    pub seed: Option<u64>,
}

/// A stored roster as `GET /v1/rosters/{id}` answers it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RosterView {
    pub id: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// The numbers of its publications (empty: never published).
    pub publications: Vec<u32>,
    /// The roster's KPIs (also inside `roster`).
    #[schema(value_type = Object)]
    pub kpis: Value,
    /// The whole roster: engineer-days with timed visits, tasks left out, KPIs.
    #[schema(value_type = Object)]
    pub roster: Value,
}

/// A roster publication.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicationView {
    pub version: u32,
    pub roster_id: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: crate::domain::instant::Instant,
}

impl From<RosterPublication> for PublicationView {
    fn from(p: RosterPublication) -> Self {
        Self {
            version: p.version,
            roster_id: p.roster_id,
            from: p.first,
            to: p.last,
            created_at: p.created_at,
        }
    }
}

fn roster_id() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("the OS has a random source");
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("R-{hex}")
}

fn check_id(id: &str) -> ApiResult<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!("no roster {id}")))
    }
}

impl AppState {
    /// A stored roster, parsed (cached: stored rosters never change).
    async fn roster(&self, id: &str) -> ApiResult<Option<Arc<Roster>>> {
        if let Some(r) = read(&self.0.rosters).get(id) {
            return Ok(Some(r.clone()));
        }
        let store = self.store();
        let key = id.to_owned();
        let json = blocking(move || Ok(store.roster(&key)?)).await?;
        let Some(json) = json else { return Ok(None) };
        let roster: Roster = serde_json::from_value(json).map_err(ApiError::internal)?;
        let roster = Arc::new(roster);
        write(&self.0.rosters).insert(id.to_owned(), roster.clone());
        Ok(Some(roster))
    }

    async fn publications(&self) -> ApiResult<Vec<RosterPublication>> {
        let store = self.store();
        blocking(move || Ok(store.roster_publications()?)).await
    }

    /// The rosters of `pubs`, by id.
    async fn rosters_of(
        &self,
        pubs: &[RosterPublication],
    ) -> ApiResult<BTreeMap<String, Arc<Roster>>> {
        let mut out = BTreeMap::new();
        for p in pubs {
            if !out.contains_key(&p.roster_id) {
                let r = self.roster(&p.roster_id).await?.ok_or_else(|| {
                    ApiError::internal(format!("published roster {} is missing", p.roster_id))
                })?;
                out.insert(p.roster_id.clone(), r);
            }
        }
        Ok(out)
    }

    /// The published roster's on-site assignments of `date` (see the module doc).
    pub(super) async fn roster_pins(&self, date: NaiveDate) -> ApiResult<Vec<RosterAssignment>> {
        let pubs = self.publications().await?;
        let Some(p) = pubs
            .iter()
            .rev()
            .find(|p| p.first <= date && date <= p.last)
        else {
            return Ok(Vec::new());
        };
        let roster = self.roster(&p.roster_id).await?.ok_or_else(|| {
            ApiError::internal(format!("published roster {} is missing", p.roster_id))
        })?;
        Ok(roster
            .days
            .iter()
            .filter(|d| d.date == date)
            .flat_map(|d| {
                d.visits
                    .iter()
                    .filter(|v| v.on_site)
                    .map(move |v| RosterAssignment {
                        task: v.task.clone(),
                        engineer: d.engineer.clone(),
                        date,
                    })
            })
            .collect())
    }
}

/// The published state after `pubs` (oldest first): each date's engineer-days from the latest
/// publication covering it, each task once (where the latest publication has it).
fn published_days(
    pubs: &[RosterPublication],
    rosters: &BTreeMap<String, Arc<Roster>>,
) -> Vec<EngineerDay> {
    let mut owner: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (i, p) in pubs.iter().enumerate() {
        for d in DateRange::new(p.first, p.last)
            .into_iter()
            .flat_map(|r| r.iter())
        {
            owner.insert(d, i);
        }
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut days = Vec::new();
    for (i, p) in pubs.iter().enumerate().rev() {
        let Some(roster) = rosters.get(&p.roster_id) else {
            continue;
        };
        for day in roster
            .days
            .iter()
            .filter(|d| owner.get(&d.date) == Some(&i))
        {
            let mut day = day.clone();
            day.visits
                .retain(|v| seen.insert(v.task.as_str().to_owned()));
            days.push(day);
        }
    }
    days.sort_by(|a, b| (&a.engineer, a.date).cmp(&(&b.engineer, b.date)));
    days
}

/// `latest` with the published days of `pubs` and the number of the last of them.
fn published_state(
    latest: &Roster,
    pubs: &[RosterPublication],
    rosters: &BTreeMap<String, Arc<Roster>>,
) -> Roster {
    let last = pubs.last().expect("at least one publication");
    Roster {
        version: last.version,
        published_at: Some(last.created_at.as_datetime().with_timezone(&chrono::Utc)),
        days: published_days(pubs, rosters),
        left_out: Vec::new(),
        engineers: Vec::new(),
        ..latest.clone()
    }
}

/// Build a roster (a job).
#[utoipa::path(post, path = "/v1/rosters", request_body = RosterRequestBody, tag = "rosters",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Building as a job; its result is {id, location, kpis}", body = JobView),
        (status = 403, body = super::error::ProblemDoc),
        (status = 422, description = "Invalid fields", body = super::error::ProblemDoc),
        (status = 503, description = "All solver slots busy", body = super::error::ProblemDoc)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    caller.require(super::auth::may::ROSTER)?;
    let settings = state.settings().clone();
    let mut f = Fields::new(&body);
    let from = f.coming_date("from", state.now().date(), settings.max_days_ahead);
    let to: Option<NaiveDate> = f.required("to");
    let time_limit_ms = f.time_limit_ms(settings.max_time_limit_ms);
    let seed: Option<u64> = f.optional("seed");
    if let (Some(a), Some(b)) = (from, to) {
        if b < a {
            f.issue("to", "out_of_range", format!("{b} is before from ({a})"));
        } else if (b - a).num_days() >= i64::from(settings.max_roster_days) {
            f.issue(
                "to",
                "out_of_range",
                format!(
                    "the horizon {a} to {b} is longer than {} days",
                    settings.max_roster_days
                ),
            );
        }
    }
    f.finish()?;
    let horizon = DateRange::new(from.expect("checked"), to.expect("checked"))
        .map_err(|e| ApiError::Invalid(vec![FieldIssue::new("to", "invalid", e.message)]))?;
    let seed = seed.unwrap_or(1);
    let mut cfg = state.0.roster_config.clone();
    if let Some(t) = time_limit_ms {
        cfg.routing.time_limit_seconds = t as f64 / 1000.0;
    }

    let permit = state.try_solve_slot()?;
    let job = super::jobs::job_id();
    let request = json!({"from": horizon.first(), "to": horizon.last(),
        "timeLimitMs": time_limit_ms, "seed": seed});
    let store = state.store();
    let jid = job.clone();
    let record = blocking(move || Ok(store.create_job(&jid, "roster", &request)?)).await?;
    let cancel = Arc::new(AtomicBool::new(false));
    state.register_job(&job, cancel.clone());
    let st = state.clone();
    let id = job.clone();
    tokio::spawn(async move {
        let _permit = permit;
        let _ = super::jobs::set_status(&st, &id, JobStatus::Running, None, None).await;
        let world = st.world();
        let started = std::time::Instant::now();
        let flag = cancel.clone();
        let built = blocking(move || {
            let scenario = world.scenario();
            let tasks = scenario.due_tasks(world.config(), horizon);
            let travel = world.context().model();
            let req = RosterRequest {
                data: RosterData {
                    engineers: scenario.engineers(),
                    sites: scenario.sites(),
                    service_points: scenario.service_points(),
                    devices: scenario.devices(),
                    calendar: &world.config().calendar,
                },
                config: &cfg,
                horizon,
                tasks: &tasks,
                travel: travel.as_ref(),
                seed,
                version: 1,
                cancel: Some(&*flag),
            };
            crate::plan::roster::build_roster(&req).map_err(ApiError::internal)
        })
        .await;
        st.metrics().solve_duration(started.elapsed());
        let (status, result, error) = if cancel.load(Ordering::Relaxed) {
            (JobStatus::Cancelled, None, None)
        } else {
            match store_roster(&st, built).await {
                Ok(v) => (JobStatus::Succeeded, Some(v), None),
                Err(e) => (
                    JobStatus::Failed,
                    None,
                    Some(e.for_client(&format!("roster job {id}"))),
                ),
            }
        };
        let _ = super::jobs::set_status(&st, &id, status, result, error).await;
        st.unregister_job(&id);
    });
    let view: JobView = record.into();
    let mut res = (StatusCode::ACCEPTED, Json(view)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/v1/jobs/{job}")) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Stores a built roster under a new id; the job's result.
async fn store_roster(state: &AppState, built: ApiResult<Roster>) -> ApiResult<Value> {
    let roster = built?;
    let id = roster_id();
    let json = serde_json::to_value(&roster).map_err(ApiError::internal)?;
    let kpis = json["kpis"].clone();
    let store = state.store();
    let key = id.clone();
    blocking(move || Ok(store.put_roster(&key, &json)?)).await?;
    write(&state.0.rosters).insert(id.clone(), Arc::new(roster));
    Ok(json!({"id": id, "location": format!("/v1/rosters/{id}"), "kpis": kpis}))
}

/// A roster with its KPIs; `{id}.csv` answers its visits as CSV (UTF-8 with a BOM).
#[utoipa::path(get, path = "/v1/rosters/{id}", tag = "rosters", security(("bearer" = [])),
    params(("id" = String, Path, description = "The roster's id; with `.csv` appended, the CSV export")),
    responses(
        (status = 200, description = "The roster as JSON; for `{id}.csv`, its visits as CSV",
            content((RosterView = "application/json"), (String = "text/csv"))),
        (status = 404, body = super::error::ProblemDoc)))]
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let (id, csv) = match id.strip_suffix(".csv") {
        Some(stem) => (stem.to_owned(), true),
        None => (id, false),
    };
    check_id(&id)?;
    let roster = state
        .roster(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no roster {id}")))?;
    if csv {
        let bytes = blocking(move || Ok(crate::export::csv::roster_csv(&roster))).await?;
        let mut res = bytes.into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{id}.csv\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        return Ok(res);
    }
    let publications = state
        .publications()
        .await?
        .into_iter()
        .filter(|p| p.roster_id == id)
        .map(|p| p.version)
        .collect();
    let json = serde_json::to_value(&*roster).map_err(ApiError::internal)?;
    Ok(Json(RosterView {
        id,
        from: roster.horizon.first(),
        to: roster.horizon.last(),
        publications,
        kpis: json["kpis"].clone(),
        roster: json,
    })
    .into_response())
}

/// Publish a roster for its dates.
#[utoipa::path(post, path = "/v1/rosters/{id}/publish", tag = "rosters", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 201, description = "Published", body = PublicationView),
        (status = 403, body = super::error::ProblemDoc),
        (status = 404, body = super::error::ProblemDoc)))]
pub async fn publish(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    caller.require(super::auth::may::ROSTER)?;
    check_id(&id)?;
    let roster = state
        .roster(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no roster {id}")))?;
    let store = state.store();
    let (first, last) = (roster.horizon.first(), roster.horizon.last());
    let location = format!("/v1/rosters/{id}");
    let p = blocking(move || Ok(store.publish_roster(&id, first, last)?)).await?;
    let mut res = (StatusCode::CREATED, Json(PublicationView::from(p))).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// An engineer's visits in the published rosters, as an iCalendar feed.
#[utoipa::path(get, path = "/v1/engineers/{id}/calendar.ics", tag = "rosters",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Engineer id")),
    responses(
        (status = 200, description = "iCalendar (RFC 5545); see the rosters module doc for what it holds", content_type = "text/calendar"),
        (status = 404, description = "Unknown engineer, or no roster published", body = super::error::ProblemDoc)))]
pub async fn calendar(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let engineer = EngineerId::new(id.clone())
        .ok()
        .filter(|e| state.world().scenario().engineer(e).is_some())
        .ok_or_else(|| ApiError::NotFound(format!("no engineer {id}")))?;
    let pubs = state.publications().await?;
    let Some(last) = pubs.last() else {
        return Err(ApiError::NotFound("no roster published yet".to_owned()));
    };
    let rosters = state.rosters_of(&pubs).await?;
    let latest = rosters[&last.roster_id].clone();
    let text = blocking(move || {
        let current = published_state(&latest, &pubs, &rosters);
        let before = &pubs[..pubs.len() - 1];
        let previous = (!before.is_empty()).then(|| published_state(&latest, before, &rosters));
        Ok(crate::export::ics::engineer_calendar(
            &current,
            &engineer,
            previous.as_ref(),
        ))
    })
    .await?;
    let mut res = text.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    Ok(res)
}
