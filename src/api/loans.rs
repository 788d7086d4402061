//! Loan units and dead-on-arrival cases through the API (rules in `domain::parts`, the
//! store and stock moves as in [`super::parts`]): `GET|POST /v1/loans`,
//! `POST /v1/devices/{id}/doa`, `GET /v1/doa`, `POST /v1/doa/{id}/events`.

use super::auth::Caller;
use super::body::{Fields, JsonBody};
use super::error::{ApiError, ApiResult};
use super::parts::{
    DOA, LOAN, case, fault_place, known_device, pool_move, read_cases, refresh, require_dispatcher,
};
use super::query::QueryFields;
use super::{AppState, blocking};
use crate::domain::fault::FaultRecord;
use crate::domain::ids::FaultId;
use crate::domain::instant::Instant;
use crate::domain::parts::{Doa, DoaEvent, Loan, LoanStatus};
use crate::plan::{PlanningContext, ProgressEvent, TaskRef};
use crate::store::{CaseWrite, StockKind, Store};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Takes a loan unit for a fault's device (blocking): from the nearest pool with a unit of
/// its family, or recorded `noUnit`. `Ok(None)` when the fault has a loan already.
fn take_loan(
    store: &dyn Store,
    ctx: &PlanningContext,
    record: &FaultRecord,
    at: Instant,
) -> ApiResult<Option<Loan>> {
    let (point, device) = fault_place(ctx, record)?;
    let fault = &record.fault().id;
    let id = Loan::id_for(fault);
    if read_cases::<Loan>(store, LOAN)?
        .iter()
        .any(|(_, l)| l.id == id)
    {
        return Ok(None);
    }
    let family = device.family();
    let mut loan = Loan {
        id,
        fault: fault.clone(),
        device: device.id().clone(),
        site: device.site().clone(),
        family,
        requested_at: at,
        due: at.plus(chrono::TimeDelta::hours(i64::from(
            ctx.config().parts.delivery_hours,
        ))),
        service_point: None,
        status: LoanStatus::NoUnit,
        delivered_at: None,
        collect_from: None,
        collected_at: None,
    };
    let levels = store.stock()?;
    let has_unit = |sp: &crate::domain::ids::ServicePointId| {
        levels.iter().any(|l| {
            l.kind == StockKind::Loan
                && l.service_point == sp.as_str()
                && l.item == family.key()
                && l.quantity > 0
        })
    };
    for sp in ctx
        .service_points_by_drive(point)
        .into_iter()
        .filter(|sp| has_unit(sp))
    {
        loan.service_point = Some(sp.clone());
        loan.status = LoanStatus::Delivering;
        match store.put_case(
            &case(LOAN, &loan.id, 0, &loan)?,
            &[pool_move(&sp, family, -1)],
        )? {
            CaseWrite::Written => return Ok(Some(loan)),
            CaseWrite::NoStock => continue, // another loan took the last unit first
            CaseWrite::Stale => return Ok(None),
        }
    }
    loan.service_point = None;
    loan.status = LoanStatus::NoUnit;
    match store.put_case(&case(LOAN, &loan.id, 0, &loan)?, &[])? {
        CaseWrite::Written => Ok(Some(loan)),
        _ => Ok(None),
    }
}

/// A new fault whose level leaves its device unusable gets a loan unit (logged on failure).
pub async fn on_fault_created(state: &AppState, record: &FaultRecord) {
    let world = state.world();
    if !world.config().parts.lends_for(record.fault().level) {
        return;
    }
    let (store, rec, at) = (state.store(), record.clone(), state.now());
    let taken = blocking(move || take_loan(store.as_ref(), world.context(), &rec, at)).await;
    if let Err(e) = taken.map(drop).and(refresh(state).await) {
        tracing::warn!("loan unit for {}: {e}", record.fault().id);
    }
}

/// The fault is resolved: its loan unit, on site, is to be collected; one still on its way
/// goes back to its pool at once.
pub async fn on_resolved(state: &AppState, fault: &FaultId, at: Instant) -> ApiResult<()> {
    let store = state.store();
    let id = Loan::id_for(fault);
    blocking(move || {
        let Some((version, mut loan)) = read_cases::<Loan>(store.as_ref(), LOAN)?
            .into_iter()
            .find(|(_, l)| l.id == id)
        else {
            return Ok(());
        };
        let mut moves = Vec::new();
        match (loan.status, &loan.service_point) {
            (LoanStatus::OnSite, _) => {
                loan.status = LoanStatus::Collecting;
                loan.collect_from = Some(at);
            }
            (LoanStatus::Delivering, Some(sp)) => {
                moves.push(pool_move(sp, loan.family, 1));
                loan.status = LoanStatus::Returned;
            }
            _ => return Ok(()),
        }
        write_loan(store.as_ref(), version, &loan, &moves)
    })
    .await
}

fn write_loan(
    store: &dyn Store,
    version: i64,
    loan: &Loan,
    moves: &[crate::store::StockMove],
) -> ApiResult<()> {
    match store.put_case(&case(LOAN, &loan.id, version, loan)?, moves)? {
        CaseWrite::Written => Ok(()),
        w => Err(ApiError::Conflict(format!("{}: {w:?}", loan.id))),
    }
}

/// A loan visit reported done: the unit is on site (or, collected, back in its pool).
pub async fn visit_reported(
    state: &AppState,
    event: &ProgressEvent,
    task: &TaskRef,
) -> ApiResult<()> {
    let ProgressEvent::Done { at, .. } = event else {
        return Ok(());
    };
    let (store, task_id, at) = (state.store(), task.task.clone(), *at);
    blocking(move || {
        let Some((version, mut loan)) = read_cases::<Loan>(store.as_ref(), LOAN)?
            .into_iter()
            .find(|(_, l)| l.delivery_task_id() == task_id || l.collection_task_id() == task_id)
        else {
            return Ok(());
        };
        let mut moves = Vec::new();
        match (loan.status, &loan.service_point) {
            (LoanStatus::Delivering, _) if loan.delivery_task_id() == task_id => {
                loan.status = LoanStatus::OnSite;
                loan.delivered_at = Some(at);
            }
            (LoanStatus::Collecting, Some(sp)) if loan.collection_task_id() == task_id => {
                loan.status = LoanStatus::Returned;
                loan.collected_at = Some(at);
                moves.push(pool_move(sp, loan.family, 1));
            }
            _ => return Ok(()),
        }
        write_loan(store.as_ref(), version, &loan, &moves)
    })
    .await
}

/// Loan pools and loans.
#[utoipa::path(get, path = "/v1/loans", tag = "parts", security(("bearer" = [])),
    params(("status" = Option<String>, Query,
        pattern = "^(noUnit|delivering|onSite|collecting|returned)$")),
    responses((status = 200, description = "{pools: [{servicePoint, family, units}], items: [Loan], total}"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn loans(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let mut f = QueryFields::new(&q);
    let status: Option<LoanStatus> = f.variant(
        "status",
        "one of noUnit, delivering, onSite, collecting, returned",
    );
    f.finish()?;
    let store = state.store();
    let (levels, all) =
        blocking(move || Ok((store.stock()?, read_cases::<Loan>(store.as_ref(), LOAN)?))).await?;
    let pools: Vec<Value> = levels
        .iter()
        .filter(|l| l.kind == StockKind::Loan)
        .map(|l| json!({"servicePoint": l.service_point, "family": l.item, "units": l.quantity}))
        .collect();
    let items: Vec<Loan> = all
        .into_iter()
        .map(|(_, l)| l)
        .filter(|l| status.is_none_or(|s| l.status == s))
        .collect();
    Ok(Json(
        json!({"pools": pools, "total": items.len(), "items": items}),
    ))
}

/// Body of `POST /v1/loans`.
#[allow(dead_code)]
#[derive(Debug, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoanRequest {
    /// An open fault whose device cannot be used.
    #[schema(example = "F-0001")]
    pub fault_id: String,
}

/// Lend a unit for a fault's device on request (a device that cannot be used whatever its
/// level).
#[utoipa::path(post, path = "/v1/loans", tag = "parts", security(("bearer" = [])),
    request_body = LoanRequest,
    responses((status = 201, description = "The loan (status noUnit when every pool is empty)"),
        (status = 404, body = super::error::ProblemDoc),
        (status = 409, description = "The fault has a loan already", body = super::error::ProblemDoc),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn create_loan(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Loan>)> {
    require_dispatcher(&caller)?;
    let mut f = Fields::new(&body);
    let fault: Option<FaultId> = f.required("faultId");
    f.finish()?;
    let fault = fault.expect("checked");
    let world = state.world();
    let record = world
        .scenario()
        .faults()
        .iter()
        .find(|r| r.fault().id == fault)
        .cloned()
        .ok_or_else(|| ApiError::NotFound(format!("no fault {fault}")))?;
    if record.is_resolved() {
        return Err(ApiError::Conflict(format!(
            "{fault} is resolved: its device can be used"
        )));
    }
    let (store, at) = (state.store(), state.now());
    let loan = blocking(move || take_loan(store.as_ref(), world.context(), &record, at))
        .await?
        .ok_or_else(|| ApiError::Conflict(format!("{fault} has a loan already")))?;
    refresh(&state).await?;
    Ok((StatusCode::CREATED, Json(loan)))
}

/// Body of `POST /v1/devices/{id}/doa`.
#[allow(dead_code)]
#[derive(Debug, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DoaRequest {
    /// When the damage was found (RFC 3339); default: now. Not later than the clock.
    #[schema(format = DateTime)]
    pub at: Option<String>,
    pub note: Option<String>,
}

/// Record a device as dead on arrival: its replacement ships on the next working day.
#[utoipa::path(post, path = "/v1/devices/{id}/doa", tag = "parts", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = DoaRequest,
    responses((status = 201, description = "The DOA case"),
        (status = 404, body = super::error::ProblemDoc),
        (status = 409, description = "The device has a DOA case already", body = super::error::ProblemDoc),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn record_doa(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Doa>)> {
    require_dispatcher(&caller)?;
    let device = known_device(&state, &id)?;
    let now = state.now();
    let mut f = Fields::new(&body);
    let max_age = chrono::TimeDelta::days(i64::from(state.settings().max_report_age_days));
    let at = if body.get("at").is_some_and(|v| !v.is_null()) {
        f.past_instant("at", now, max_age)
    } else {
        let _: Option<String> = f.optional("at");
        Some(now)
    };
    let note: Option<String> = f.optional("note");
    if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        f.issue("note", "out_of_range", "at most 500 characters");
    }
    f.finish()?;
    let world = state.world();
    let cfg = world.config();
    let doa = Doa::record(
        &cfg.parts,
        &cfg.calendar,
        device.id().clone(),
        device.site().clone(),
        at.expect("checked"),
        note.unwrap_or_default(),
    );
    let (store, c) = (state.store(), case(DOA, &doa.id, 0, &doa)?);
    match blocking(move || Ok(store.put_case(&c, &[])?)).await? {
        CaseWrite::Written => Ok((StatusCode::CREATED, Json(doa))),
        _ => Err(ApiError::Conflict(format!(
            "{} has a DOA case already ({})",
            device.id(),
            doa.id
        ))),
    }
}

/// DOA cases; `overdue=true`: those whose broken unit is not back by its due day, by the
/// service's clock.
#[utoipa::path(get, path = "/v1/doa", tag = "parts", security(("bearer" = [])),
    params(("overdue" = Option<bool>, Query, description = "only returns overdue (true) or not (false)")),
    responses((status = 200, description = "{items: [Doa with returnOverdue, shippingOverdue], total}"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn list_doa(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let mut f = QueryFields::new(&q);
    let overdue: Option<bool> = f.optional("overdue", "true or false");
    f.finish()?;
    let today = state.now().date();
    let store = state.store();
    let all = blocking(move || read_cases::<Doa>(store.as_ref(), DOA)).await?;
    let items: Vec<Value> = all
        .into_iter()
        .map(|(_, d)| d)
        .filter(|d| overdue.is_none_or(|o| d.return_overdue(today) == o))
        .map(|d| {
            let mut v = serde_json::to_value(&d).unwrap_or_default();
            v["returnOverdue"] = json!(d.return_overdue(today));
            v["shippingOverdue"] = json!(d.shipping_overdue(today));
            v
        })
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

/// Body of `POST /v1/doa/{id}/events`.
#[allow(dead_code)]
#[derive(Debug, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DoaEventRequest {
    /// shipped, received or returned (in that order; shipped may be skipped).
    #[schema(example = "received")]
    pub kind: String,
    /// RFC 3339; not later than the clock.
    #[schema(format = DateTime)]
    pub at: String,
}

/// Record a step of a DOA case: the replacement shipped or received (the broken unit's
/// return falls due 15 working days after receipt), the broken unit returned.
#[utoipa::path(post, path = "/v1/doa/{id}/events", tag = "parts", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = DoaEventRequest,
    responses((status = 200, description = "The DOA case as it now stands"),
        (status = 404, body = super::error::ProblemDoc),
        (status = 409, description = "Changed meanwhile: read it again", body = super::error::ProblemDoc),
        (status = 422, description = "A bad field or a step out of order", body = super::error::ProblemDoc)))]
pub async fn doa_events(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Doa>> {
    require_dispatcher(&caller)?;
    let mut f = Fields::new(&body);
    let kind: Option<DoaEvent> = f.required("kind");
    let max_age = chrono::TimeDelta::days(i64::from(state.settings().max_report_age_days));
    let at = f.past_instant("at", state.now(), max_age);
    let store = state.store();
    let found = blocking(move || read_cases::<Doa>(store.as_ref(), DOA))
        .await?
        .into_iter()
        .find(|(_, d)| d.id == id);
    let Some((version, mut doa)) = found else {
        return Err(ApiError::NotFound(format!("no DOA case {id}")));
    };
    f.finish()?;
    let world = state.world();
    let cfg = world.config();
    doa.apply(
        &cfg.parts,
        &cfg.calendar,
        kind.expect("checked"),
        at.expect("checked"),
    )
    .map_err(crate::store::StoreError::Refused)?;
    let (store, c) = (state.store(), case(DOA, &doa.id, version, &doa)?);
    match blocking(move || Ok(store.put_case(&c, &[])?)).await? {
        CaseWrite::Written => Ok(Json(doa)),
        _ => Err(ApiError::Conflict(format!(
            "{} changed meanwhile: read it again",
            doa.id
        ))),
    }
}
