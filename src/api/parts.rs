//! Spare parts, loan units and dead-on-arrival cases through the API (`domain::parts` holds
//! the rules): `GET /v1/stock`, `GET /v1/deliveries`, `GET|POST /v1/loans`,
//! `POST /v1/devices/{id}/doa`, `GET /v1/doa`, `POST /v1/doa/{id}/events`.
//!
//! Cases are stored as versioned JSON ([`crate::store::Store::put_case`]) with their stock
//! moves in the same transaction:
//! - a `partRequested` naming its part reserves a unit at the nearest service point (by drive
//!   time) with one available, trying the next if another request took it first; a part
//!   known to the stock table but available nowhere (or the manufacturer-parts rule) is
//!   ordered from the manufacturer; a part number the stock table does not know is refused
//!   (422) before the event is recorded;
//! - **the unit leaves the stock at pickup**: the first visit report (`arrived`, `started` or
//!   `done`) of the delivery's task, which the route reaches only after its pickup stop, takes
//!   the reserved unit off the shelf (`quantity - 1`, `reserved - 1`); `done` delivers it;
//! - a fault of a level in `loan_levels` (or `POST /v1/loans`) takes a loan unit of its
//!   family from the nearest pool with one (`NO_UNIT` when none: the pool never goes below
//!   zero); the unit's delivery `done` puts it on site; the fault's resolution calls for its
//!   collection, whose `done` puts it back in its pool.
//!
//! After every change the world's stock snapshot and case visits are rebuilt ([`refresh`]),
//! and every day plan rebuilds them first (stock imported from the command line counts).
//! A hook that fails after its fault event or visit report was recorded is logged, never
//! undoes the report: the case can be repaired by hand.

use super::auth::Caller;
use super::error::{ApiError, ApiResult, FieldIssue};
use super::planning::PartsWork;
use super::query::QueryFields;
use super::{AppState, blocking};
use crate::domain::fault::{FaultEventKind, FaultRecord};
use crate::domain::ids::{DeviceId, FaultId, ServicePointId};
use crate::domain::instant::Instant;
use crate::domain::parts::{
    Delivery, DeliveryFlag, DeliveryStatus, Loan, PartNumber, PartSource, Stock,
};
use crate::plan::{PlanningContext, ProgressEvent, TaskRef};
use crate::store::{CaseRecord, CaseWrite, Role, StockKind, StockLevel, StockMove, Store};
use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::HashMap;
use utoipa::ToSchema;

pub(super) const DELIVERY: &str = "delivery";
pub(super) const LOAN: &str = "loan";
pub(super) const DOA: &str = "doa";

/// The cases of a kind, read as their domain type, with their stored version.
pub(super) fn read_cases<T: DeserializeOwned>(
    store: &dyn Store,
    kind: &str,
) -> ApiResult<Vec<(i64, T)>> {
    store
        .cases(kind)?
        .into_iter()
        .map(|c| {
            serde_json::from_value(c.json)
                .map(|t| (c.version, t))
                .map_err(|e| ApiError::internal(format!("stored {kind} {}: {e}", c.id)))
        })
        .collect()
}

pub(super) fn case<T: Serialize>(
    kind: &str,
    id: &str,
    version: i64,
    value: &T,
) -> ApiResult<CaseRecord> {
    Ok(CaseRecord {
        id: id.to_owned(),
        kind: kind.to_owned(),
        version,
        json: serde_json::to_value(value).map_err(ApiError::internal)?,
    })
}

fn part_move(sp: &ServicePointId, part: &PartNumber, quantity: i64, reserved: i64) -> StockMove {
    StockMove {
        kind: StockKind::Part,
        service_point: sp.to_string(),
        item: part.to_string(),
        quantity,
        reserved,
    }
}

pub(super) fn pool_move(
    sp: &ServicePointId,
    family: crate::domain::family::DeviceFamily,
    n: i64,
) -> StockMove {
    StockMove {
        kind: StockKind::Loan,
        service_point: sp.to_string(),
        item: family.key().to_owned(),
        quantity: n,
        reserved: 0,
    }
}

/// The snapshot plans are made with: units of each part on the shelf (reserved ones
/// included: they wait for pickups the plans make).
fn snapshot(levels: &[StockLevel]) -> Stock {
    Stock::new(
        levels
            .iter()
            .filter(|l| l.kind == StockKind::Part)
            .filter_map(|l| {
                Some((
                    ServicePointId::new(l.service_point.clone()).ok()?,
                    PartNumber::new(l.item.clone()).ok()?,
                    l.quantity,
                ))
            }),
    )
}

/// Rebuilds the world's stock snapshot and case visits from the store.
pub async fn refresh(state: &AppState) -> ApiResult<()> {
    let (store, world) = (state.store(), state.world());
    let (stock, work) = blocking(move || parts_of(store.as_ref(), &world.config().clone())).await?;
    state.change_parts(stock, work);
    Ok(())
}

/// The stock snapshot and the visits of the open cases, as the store holds them (blocking).
pub fn parts_of(
    store: &dyn Store,
    config: &crate::domain::DomainConfig,
) -> ApiResult<(Stock, PartsWork)> {
    let (table, cfg) = (&config.durations, &config.parts);
    {
        let stock = snapshot(&store.stock()?);
        let mut work = PartsWork::default();
        for (_, d) in read_cases::<Delivery>(store, DELIVERY)? {
            let Some(task) = d.task(table) else { continue };
            let from = d.plannable_from();
            if let PartSource::Manufacturer { arrives, .. } = &d.source {
                work.notes.push((
                    from,
                    format!(
                        "{}: {} ordered from the manufacturer, arrives {arrives}; delivery due {}",
                        task.id, d.part_number, d.due
                    ),
                ));
            }
            work.tasks.push((from, task));
        }
        for (_, l) in read_cases::<Loan>(store, LOAN)? {
            if let Some(task) = l.task(cfg, table) {
                let from = l.collect_from.unwrap_or(l.requested_at).date();
                work.tasks.push((from, task));
            }
        }
        Ok((stock, work))
    }
}

/// Loads `stock.csv` of the data directory and the configured loan pools into a store that
/// has no such counts yet (counts that exist are kept). Blocking.
pub fn seed(
    store: &dyn Store,
    data_dir: &std::path::Path,
    cfg: &crate::domain::DomainConfig,
) -> anyhow::Result<()> {
    let mut counts: Vec<(StockKind, String, String, u32)> = cfg
        .parts
        .loan_pool
        .iter()
        .map(|p| {
            (
                StockKind::Loan,
                p.service_point.to_string(),
                p.family.key().to_owned(),
                p.units,
            )
        })
        .collect();
    let file = data_dir.join("stock.csv");
    if file.exists() {
        let rows = crate::cli::import::read_stock_csv(&file)?;
        counts.extend(rows.into_iter().map(|r| {
            (
                StockKind::Part,
                r.service_point.to_string(),
                r.part_number.to_string(),
                r.quantity,
            )
        }));
    }
    store.put_stock(&counts, true)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Stock

/// One stock count as the API shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockView {
    pub service_point: String,
    pub part_number: String,
    /// On the shelf.
    pub quantity: u32,
    /// Promised to deliveries not yet picked up.
    pub reserved: u32,
    pub available: u32,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Instant,
}

/// Spare-part stock per service point.
#[utoipa::path(get, path = "/v1/stock", tag = "parts", security(("bearer" = [])),
    params(("servicePoint" = Option<String>, Query, pattern = "^SP-[A-Z0-9-]+$"),
        ("partNumber" = Option<String>, Query, pattern = "^[A-Z0-9][A-Z0-9.-]{1,39}$")),
    responses((status = 200, description = "{items: [StockView], total}"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn stock(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let mut f = QueryFields::new(&q);
    let sp: Option<ServicePointId> = f.optional("servicePoint", "a service point id");
    let part: Option<PartNumber> = f.optional("partNumber", "a part number");
    f.finish()?;
    let store = state.store();
    let levels = blocking(move || Ok(store.stock()?)).await?;
    let items: Vec<StockView> = levels
        .into_iter()
        .filter(|l| l.kind == StockKind::Part)
        .filter(|l| sp.as_ref().is_none_or(|s| s.as_str() == l.service_point))
        .filter(|l| part.as_ref().is_none_or(|p| p.as_str() == l.item))
        .map(|l| StockView {
            available: l.quantity - l.reserved,
            service_point: l.service_point,
            part_number: l.item,
            quantity: l.quantity,
            reserved: l.reserved,
            updated_at: l.updated_at,
        })
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

// ---------------------------------------------------------------------------------------
// Deliveries

/// A delivery with what a dispatcher must notice now.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// `{id, fault, device, site, family, partNumber, requestedAt, due, source, status,
    /// pickedUpAt, deliveredAt, manufacturerRule}`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub delivery: Delivery,
    #[schema(value_type = String)]
    pub task_id: crate::domain::ids::TaskId,
    /// `MANUFACTURER_ORDER`, `MANUFACTURER_PARTS_RULE`, `LATE`.
    #[schema(value_type = Vec<String>)]
    pub flags: Vec<DeliveryFlag>,
}

/// Spare-part deliveries, oldest request first.
#[utoipa::path(get, path = "/v1/deliveries", tag = "parts", security(("bearer" = [])),
    params(("status" = Option<String>, Query, pattern = "^(planned|pickedUp|delivered)$"),
        ("fault" = Option<String>, Query, pattern = "^F-[A-Z0-9-]+$")),
    responses((status = 200, description = "{items: [DeliveryView], total}"),
        (status = 422, body = super::error::ProblemDoc)))]
pub async fn deliveries(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let mut f = QueryFields::new(&q);
    let wanted: Option<DeliveryStatus> = f.variant("status", "one of planned, pickedUp, delivered");
    let fault: Option<FaultId> = f.optional("fault", "a fault id");
    f.finish()?;
    let store = state.store();
    let now = state.now();
    let mut all = blocking(move || read_cases::<Delivery>(store.as_ref(), DELIVERY)).await?;
    all.sort_by(|a, b| (a.1.requested_at, &a.1.id).cmp(&(b.1.requested_at, &b.1.id)));
    let items: Vec<DeliveryView> = all
        .into_iter()
        .map(|(_, d)| d)
        .filter(|d| wanted.is_none_or(|w| d.status == w))
        .filter(|d| fault.as_ref().is_none_or(|f| &d.fault == f))
        .map(|d| DeliveryView {
            task_id: d.task_id(),
            flags: d.flags(now),
            delivery: d,
        })
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

/// Refuses (422) a part number the stock table does not know: before the `partRequested`
/// that names it is recorded.
pub async fn check_part_known(state: &AppState, part: &str) -> ApiResult<()> {
    let bad = |m: String| ApiError::Invalid(vec![FieldIssue::new("partNumber", "not_found", m)]);
    let number = PartNumber::new(part).map_err(|e| bad(e.message))?;
    let store = state.store();
    let levels = blocking(move || Ok(store.stock()?)).await?;
    if levels
        .iter()
        .any(|l| l.kind == StockKind::Part && l.item == number.as_str())
    {
        Ok(())
    } else {
        Err(bad(format!(
            "{number} is in no service point's stock table; import it (quantity 0 for a part \
             only the manufacturer supplies) first"
        )))
    }
}

/// The site's point and the device's family and site of a fault.
pub(super) fn fault_place(
    ctx: &PlanningContext,
    record: &FaultRecord,
) -> ApiResult<(usize, crate::domain::device::Device)> {
    let device = ctx
        .scenario()
        .device(&record.fault().device)
        .ok_or_else(|| ApiError::internal("a fault's device left the scenario"))?
        .clone();
    let point = ctx
        .site_point(device.site())
        .ok_or_else(|| ApiError::internal("a device's site has no travel point"))?;
    Ok((point, device))
}

/// Creates the delivery of `part` for a fault (blocking): a unit reserved at the nearest
/// service point with one available, else an order from the manufacturer.
fn create_delivery(
    store: &dyn Store,
    ctx: &PlanningContext,
    record: &FaultRecord,
    part: PartNumber,
    at: Instant,
) -> ApiResult<Delivery> {
    let cfg = &ctx.config().parts;
    let (point, device) = fault_place(ctx, record)?;
    let fault = record.fault().id.clone();
    let n = read_cases::<Delivery>(store, DELIVERY)?
        .iter()
        .filter(|(_, d)| d.fault == fault)
        .count();
    let rule = cfg.manufacturer_rule(record, at);
    let mut d = Delivery {
        id: Delivery::id_for(&fault, n + 1),
        fault,
        device: device.id().clone(),
        site: device.site().clone(),
        family: device.family(),
        part_number: part.clone(),
        requested_at: at,
        due: Delivery::due_after(cfg, at, None),
        source: PartSource::Stock {
            service_point: ServicePointId::numbered(0, 1),
        },
        status: DeliveryStatus::Planned,
        picked_up_at: None,
        delivered_at: None,
        manufacturer_rule: rule,
    };
    let by_drive = ctx.service_points_by_drive(point);
    if !rule {
        let levels = store.stock()?;
        let available = |sp: &ServicePointId| {
            levels.iter().any(|l| {
                l.kind == StockKind::Part
                    && l.service_point == sp.as_str()
                    && l.item == part.as_str()
                    && l.quantity > l.reserved
            })
        };
        for sp in by_drive.iter().filter(|sp| available(sp)) {
            d.source = PartSource::Stock {
                service_point: sp.clone(),
            };
            let c = case(DELIVERY, &d.id, 0, &d)?;
            match store.put_case(&c, &[part_move(sp, &part, 0, 1)])? {
                CaseWrite::Written => return Ok(d),
                CaseWrite::NoStock => continue, // another request took the unit first
                CaseWrite::Stale => return Err(ApiError::Conflict(format!("{} exists", d.id))),
            }
        }
    }
    let arrives = at.plus(chrono::TimeDelta::hours(i64::from(
        cfg.manufacturer_lead_hours,
    )));
    d.source = PartSource::Manufacturer {
        service_point: by_drive
            .first()
            .cloned()
            .ok_or_else(|| ApiError::internal("no service point"))?,
        arrives,
    };
    d.due = Delivery::due_after(cfg, at, Some(arrives));
    match store.put_case(&case(DELIVERY, &d.id, 0, &d)?, &[])? {
        CaseWrite::Written => Ok(d),
        _ => Err(ApiError::Conflict(format!("{} exists", d.id))),
    }
}

/// After a fault event was recorded: a named part becomes a delivery; a resolution calls
/// the fault's loan unit back.
pub async fn on_fault_event(
    state: &AppState,
    record: &FaultRecord,
    event: &crate::domain::fault::FaultEvent,
) {
    let done = match event.kind {
        FaultEventKind::PartRequested => match event.part_number.as_deref().map(PartNumber::new) {
            Some(Ok(part)) => {
                let (store, world, rec, at) =
                    (state.store(), state.world(), record.clone(), event.at);
                blocking(move || create_delivery(store.as_ref(), world.context(), &rec, part, at))
                    .await
                    .map(drop)
            }
            _ => Ok(()),
        },
        FaultEventKind::Resolved => {
            super::loans::on_resolved(state, &record.fault().id, event.at).await
        }
        _ => return,
    };
    if let Err(e) = done.and(refresh(state).await) {
        tracing::warn!(
            "parts after {} of {}: {e}",
            event.kind.as_str(),
            record.fault().id
        );
    }
}

/// After a visit report was stored: a delivery's first report takes its unit off the
/// shelf, its `done` delivers it; loan visits move their loan on.
pub async fn on_visit_report(state: &AppState, event: &ProgressEvent, task: &TaskRef) {
    let done = match task.kind {
        crate::domain::task::TaskKind::SparePartDelivery
            if task.task.as_str().starts_with("T-PD-") =>
        {
            delivery_reported(state, event, task).await
        }
        crate::domain::task::TaskKind::SparePartDelivery
        | crate::domain::task::TaskKind::LoanCollection => {
            super::loans::visit_reported(state, event, task).await
        }
        crate::domain::task::TaskKind::FaultRepair => match (event, &task.fault) {
            (ProgressEvent::Done { at, .. }, Some(f)) => {
                super::loans::on_resolved(state, &f.fault, *at).await
            }
            _ => return,
        },
        _ => return,
    };
    if let Err(e) = done.and(refresh(state).await) {
        tracing::warn!("parts after the report on {}: {e}", task.task);
    }
}

async fn delivery_reported(
    state: &AppState,
    event: &ProgressEvent,
    task: &TaskRef,
) -> ApiResult<()> {
    let store = state.store();
    let (task_id, event) = (task.task.clone(), event.clone());
    blocking(move || {
        let Some((version, mut d)) = read_cases::<Delivery>(store.as_ref(), DELIVERY)?
            .into_iter()
            .find(|(_, d)| d.task_id() == task_id)
        else {
            return Ok(());
        };
        let at = event.at();
        let before = d.status;
        let mut moves = Vec::new();
        if d.status == DeliveryStatus::Planned {
            d.status = DeliveryStatus::PickedUp;
            d.picked_up_at = Some(at);
            if let PartSource::Stock { service_point } = &d.source {
                moves.push(part_move(service_point, &d.part_number, -1, -1));
            }
        }
        if matches!(event, ProgressEvent::Done { .. }) {
            d.status = DeliveryStatus::Delivered;
            d.delivered_at = d.delivered_at.or(Some(at));
        }
        if d.status == before {
            return Ok(());
        }
        match store.put_case(&case(DELIVERY, &d.id, version, &d)?, &moves)? {
            CaseWrite::Written => Ok(()),
            w => Err(ApiError::Conflict(format!("{}: {w:?}", d.id))),
        }
    })
    .await
}

/// Only a dispatcher records loans and DOA cases.
pub(super) fn require_dispatcher(caller: &Caller) -> ApiResult<()> {
    caller.require(&[Role::Dispatcher])
}

/// The device a path names, or 404.
pub(super) fn known_device(state: &AppState, id: &str) -> ApiResult<crate::domain::device::Device> {
    DeviceId::new(id)
        .ok()
        .and_then(|d| state.world().scenario().device(&d).cloned())
        .ok_or_else(|| ApiError::NotFound(format!("no device {id}")))
}
