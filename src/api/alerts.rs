//! Alerts about faults' SLA milestones, announced on `GET /v1/events` and listed by
//! `GET /v1/alerts`:
//! - `faultMissed`: a milestone's deadline passed and it was not reached;
//! - `faultAtRisk`: a milestone is pending and either falls due within
//!   [`super::Settings::alert_lead`] or today's latest plan does not bring an engineer on
//!   site by the fault's deadline.
//!
//! Each is sent once per fault, milestone and kind: the store records it first
//! ([`crate::store::Store::record_alert`]), so a restart never sends one again. Checks run
//! when the clock is moved, after each published plan and every [`WATCH_EVERY`].
//!
//! A check reads every open fault, so checks must not pile up behind a stream of
//! published plans: one runs at a time and at most one more waits ([`Checks`]); and only
//! alerts this instance has not yet seen in the store are written.

use super::error::{ApiError, ApiResult};
use super::{AppState, blocking};
use crate::domain::fault::FaultRecord;
use crate::domain::instant::Instant;
use crate::domain::sla::{Milestone, MilestoneStatus, Outcome};
use crate::plan::Plan;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// How often the running service looks for alerts (by real time).
pub const WATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// One alert.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// `faultAtRisk` or `faultMissed`.
    pub kind: &'static str,
    pub fault_id: String,
    pub level: u8,
    #[schema(value_type = String)]
    pub milestone: Milestone,
    #[schema(value_type = String, format = DateTime)]
    pub deadline: Instant,
    /// Why: the deadline passed, falls due soon, or the plan arrives too late.
    pub reason: String,
    /// When it was raised, by the service's clock.
    #[schema(value_type = String, format = DateTime)]
    pub raised_at: Instant,
}

/// The alerts `record`'s milestones call for at `now`, given today's plan.
fn alerts_of(
    record: &FaultRecord,
    milestones: &[MilestoneStatus],
    plan: Option<&Plan>,
    now: Instant,
    lead: chrono::TimeDelta,
) -> Vec<Alert> {
    let fault = record.fault();
    let planned = plan.and_then(|p| p.faults.iter().find(|s| s.fault == fault.id));
    // The plan's own deadline is the earliest pending on-site, solution or resolve one.
    let late_plan = planned.is_some_and(|s| !s.deadline_met);
    let first_visit_milestone = milestones
        .iter()
        .filter(|m| matches!(m.outcome, Outcome::Pending))
        .filter(|m| {
            matches!(
                m.milestone,
                Milestone::OnSite | Milestone::Solution | Milestone::Resolve
            )
        })
        .min_by_key(|m| m.deadline)
        .map(|m| m.milestone);
    let mut out = Vec::new();
    for m in milestones {
        let (kind, reason) = match m.outcome {
            Outcome::Missed => ("faultMissed", "the deadline passed unmet".to_owned()),
            Outcome::Pending if m.deadline <= now.plus(lead) => (
                "faultAtRisk",
                format!("falls due within {} minutes", lead.num_minutes()),
            ),
            Outcome::Pending if late_plan && first_visit_milestone == Some(m.milestone) => (
                "faultAtRisk",
                "the current plan brings no engineer on site in time".to_owned(),
            ),
            _ => continue,
        };
        out.push(Alert {
            kind,
            fault_id: fault.id.to_string(),
            level: fault.level.number(),
            milestone: m.milestone,
            deadline: m.deadline,
            reason,
            raised_at: now,
        });
    }
    out
}

/// The alert checks of one service instance.
///
/// Invariants: at most one check runs at a time (`running`); `queued` is true exactly while
/// a requested check has been spawned and has not yet started, so requests made meanwhile
/// fold into it (it reads the world and the plan when it starts, after their change).
/// `seen` holds the (fault, milestone, kind) alerts known to be in the store, for open faults
/// only: a resolved fault raises no alert again, so its keys are dropped at the next check.
#[derive(Default)]
pub(super) struct Checks {
    running: tokio::sync::Mutex<()>,
    queued: AtomicBool,
    seen: Mutex<HashSet<(String, String, &'static str)>>,
}

/// Asks for a check soon, off the caller's path (after a published plan).
pub fn request_check(state: &AppState) {
    if state.alert_checks().queued.swap(true, Ordering::AcqRel) {
        return;
    }
    let me = state.clone();
    tokio::spawn(async move { check(&me).await });
}

/// Looks for new alerts now: records each once and announces it. Failures are logged (a
/// check runs again soon).
pub async fn check(state: &AppState) {
    let _one_at_a_time = state.alert_checks().running.lock().await;
    state.alert_checks().queued.store(false, Ordering::Release);
    if let Err(e) = try_check(state).await {
        tracing::warn!("alert check failed: {e}");
    }
}

async fn try_check(state: &AppState) -> ApiResult<()> {
    let now = state.now();
    let world = state.world();
    let plan: Option<Plan> = state.current_plan(now.date()).await?;
    let lead = state.settings().alert_lead;
    let mut found = Vec::new();
    let mut open = HashSet::new();
    for record in world
        .scenario()
        .faults()
        .iter()
        .filter(|r| !r.is_resolved())
    {
        let milestones = world.scenario().milestones(world.config(), record, now);
        found.extend(alerts_of(record, &milestones, plan.as_ref(), now, lead));
        open.insert(record.fault().id.to_string());
    }
    let checks = state.alert_checks();
    let key = |a: &Alert, json: &Value| {
        let milestone = json["milestone"].as_str().unwrap_or_default().to_owned();
        (a.fault_id.clone(), milestone, a.kind)
    };
    let mut unseen = Vec::new();
    {
        let mut seen = checks.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.retain(|(fault, _, _)| open.contains(fault));
        for a in found {
            let json = serde_json::to_value(&a).map_err(ApiError::internal)?;
            if !seen.contains(&key(&a, &json)) {
                unseen.push((a, json));
            }
        }
    }
    if unseen.is_empty() {
        return Ok(());
    }
    let store = state.store();
    let written = blocking(move || {
        let mut written = Vec::new();
        for (a, json) in unseen {
            let k = key(&a, &json);
            let new = store.record_alert(&k.0, &k.1, k.2, &json)?;
            written.push((a, k, new));
        }
        Ok(written)
    })
    .await?;
    for (a, k, new) in written {
        checks
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(k);
        if new {
            state.announce_alert(a);
        }
    }
    Ok(())
}

/// Checks every [`WATCH_EVERY`] until the server stops.
pub async fn watch(state: AppState) {
    let mut stop = state.stopping();
    loop {
        check(&state).await;
        tokio::select! {
            _ = tokio::time::sleep(WATCH_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Every alert raised so far, oldest first.
#[utoipa::path(get, path = "/v1/alerts", tag = "faults", security(("bearer" = [])),
    responses((status = 200, description = "{items: [Alert]}")))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let store = state.store();
    let items = blocking(move || Ok(store.alerts()?)).await?;
    Ok(Json(json!({ "items": items })))
}
