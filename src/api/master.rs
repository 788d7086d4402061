//! Master data: list (`?limit&offset`, id order) and get service points, sites, devices,
//! engineers and tasks.

use super::error::{ApiError, ApiResult};
use super::query::QueryFields;
use super::{AppState, blocking};
use crate::store::RecordKind;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Reads `limit` and `offset`, reporting both if both are bad.
fn paging(q: &HashMap<String, String>) -> ApiResult<(u32, u64)> {
    let mut f = QueryFields::new(q);
    let page = f.paging();
    f.finish()?;
    Ok((page.limit, page.offset))
}

async fn list(
    state: AppState,
    kind: RecordKind,
    q: HashMap<String, String>,
) -> ApiResult<Json<Value>> {
    let (limit, offset) = paging(&q)?;
    let store = state.store();
    let page = blocking(move || Ok(store.list(kind, limit, offset)?)).await?;
    Ok(Json(json!({
        "items": page.items,
        "total": page.total,
        "limit": limit,
        "offset": offset,
    })))
}

async fn get(state: AppState, kind: RecordKind, what: &str, id: String) -> ApiResult<Json<Value>> {
    let store = state.store();
    let missing = format!("no {what} {id}");
    blocking(move || Ok(store.get(kind, &id)?))
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound(missing))
}

macro_rules! master_routes {
    ($list:ident, $get:ident, $kind:expr, $what:literal, $path:literal) => {
        #[utoipa::path(get, path = concat!("/v1/", $path), tag = "master data",
                    security(("bearer" = [])),
                    params(("limit" = Option<u32>, Query, minimum = 1, maximum = 500,
                                description = "1..=500, default 50"),
                           ("offset" = Option<u64>, Query, minimum = 0, maximum = 1_000_000_000,
                                description = "0..=1000000000, default 0")),
                    responses((status = 200, description = "{items, total, limit, offset}"),
                        (status = 422, body = super::error::ProblemDoc)))]
        pub async fn $list(
            State(state): State<AppState>,
            Query(q): Query<HashMap<String, String>>,
        ) -> ApiResult<Json<Value>> {
            list(state, $kind, q).await
        }

        master_routes!($get, $kind, $what, $path);
    };
    ($get:ident, $kind:expr, $what:literal, $path:literal) => {
        #[utoipa::path(get, path = concat!("/v1/", $path, "/{id}"), tag = "master data",
                    security(("bearer" = [])), params(("id" = String, Path)),
                    responses((status = 200, description = "The record"),
                        (status = 404, body = super::error::ProblemDoc)))]
        pub async fn $get(
            State(state): State<AppState>,
            Path(id): Path<String>,
        ) -> ApiResult<Json<Value>> {
            get(state, $kind, $what, id).await
        }
    };
}

master_routes!(
    list_service_points,
    get_service_point,
    RecordKind::ServicePoints,
    "service point",
    "service-points"
);
master_routes!(list_sites, get_site, RecordKind::Sites, "site", "sites");
master_routes!(
    list_devices,
    get_device,
    RecordKind::Devices,
    "device",
    "devices"
);
master_routes!(
    list_engineers,
    get_engineer,
    RecordKind::Engineers,
    "engineer",
    "engineers"
);
master_routes!(get_task, RecordKind::Tasks, "task", "tasks");
