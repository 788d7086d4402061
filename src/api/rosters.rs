//! Rosters and simulations, placeholders until their planners land: `PUT /v1/rosters/{id}`
//! keeps a roster (planner), `GET` reads it; `POST /v1/simulations` (manager) answers 501.
//! The roles are enforced already.

use super::auth::Caller;
use super::body::JsonBody;
use super::error::{ApiError, ApiResult, FieldIssue};
use super::{AppState, blocking};
use crate::store::Role;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::Value;

fn check_id(id: &str) -> ApiResult<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::Invalid(vec![FieldIssue::new(
            "id",
            "invalid",
            "1 to 64 of A-Z, a-z, 0-9, '-', '_'",
        )]))
    }
}

/// Store a roster (a JSON object).
#[utoipa::path(put, path = "/v1/rosters/{id}", tag = "rosters", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "Stored"), (status = 403, body = super::error::Problem)))]
pub async fn put(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Planner])?;
    check_id(&id)?;
    if !body.is_object() {
        return Err(ApiError::Invalid(vec![FieldIssue::new(
            "",
            "invalid_type",
            "the body must be a JSON object",
        )]));
    }
    let store = state.store();
    let b = body.clone();
    blocking(move || Ok(store.put_roster(&id, &b)?)).await?;
    Ok(Json(body))
}

/// A stored roster.
#[utoipa::path(get, path = "/v1/rosters/{id}", tag = "rosters", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "The roster"), (status = 404, body = super::error::Problem)))]
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let store = state.store();
    let missing = format!("no roster {id}");
    blocking(move || Ok(store.roster(&id)?))
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound(missing))
}

/// Run a simulation (not yet available).
#[utoipa::path(post, path = "/v1/simulations", tag = "simulations", security(("bearer" = [])),
    responses((status = 501, body = super::error::Problem), (status = 403, body = super::error::Problem)))]
pub async fn simulate(Extension(caller): Extension<Caller>) -> ApiResult<StatusCode> {
    caller.require(&[Role::Manager])?;
    Err(ApiError::NotImplemented(
        "simulations are not served by this version yet".to_owned(),
    ))
}
