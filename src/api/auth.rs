//! Bearer tokens with roles. A token is 32 random bytes written as 64 hex digits (prefixed
//! `fp_`); the store keeps only its SHA-256. Every `/v1` request needs a known token (401
//! otherwise); each change then names the roles it accepts (403 for any other role).

use super::AppState;
use super::error::ApiError;
use crate::store::{Role, Store, StoreResult};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};

/// The role of the caller of a request, put in its extensions by [`authenticate`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Caller(pub Role);

impl Caller {
    /// Ok when the caller has one of `roles`, else 403.
    pub fn require(self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.0) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::Forbidden(names.join(" or ")))
        }
    }
}

/// Who may make each change: the one table of the API's write roles. [`only`] checks them
/// on the routes before any body is read (a viewer's bad body is 403, not 400/413/415).
pub mod may {
    use crate::store::Role;
    /// Day plans (`POST /v1/plans`, their jobs).
    pub const PLAN: &[Role] = &[Role::Planner, Role::Dispatcher];
    /// Rosters: built, published (and their jobs).
    pub const ROSTER: &[Role] = &[Role::Planner];
    /// Staffing simulations (and their jobs).
    pub const SIMULATE: &[Role] = &[Role::Manager];
    /// Faults and engineers' progress reports.
    pub const REPORT: &[Role] = &[Role::Dispatcher];
    /// The service's clock, when it runs on a manual one (training, demos, tests).
    pub const MOVE_CLOCK: &[Role] = &[Role::Dispatcher, Role::Manager];
}

/// Route middleware: 403 unless the caller (from [`authenticate`], which runs first) has one
/// of `roles`. Runs before the handler's extractors, so before the body is read or parsed.
pub async fn only(roles: &'static [Role], req: Request, next: Next) -> Result<Response, ApiError> {
    let caller = req
        .extensions()
        .get::<Caller>()
        .copied()
        .ok_or(ApiError::Unauthorized(
            "Send 'Authorization: Bearer <token>'.",
        ))?;
    caller.require(roles)?;
    Ok(next.run(req).await)
}

/// Hex SHA-256 of a token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new random token.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS has a random source");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("fp_{hex}")
}

/// Creates a token with `role` in the store; returns the token (shown once, never stored).
pub fn create_token(store: &dyn Store, role: Role, label: &str) -> StoreResult<String> {
    create_token_until(store, role, label, None).map(|(token, _)| token)
}

/// [`create_token`] valid before `expires_at` (if any); returns the token and its public id.
pub fn create_token_until(
    store: &dyn Store,
    role: Role,
    label: &str,
    expires_at: Option<crate::domain::instant::Instant>,
) -> StoreResult<(String, String)> {
    let token = new_token();
    let id = store.add_token_until(&token_hash(&token), role, label, expires_at)?;
    Ok((token, id))
}

/// Middleware: resolves the bearer token to a [`Caller`] or answers 401.
pub async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(ApiError::Unauthorized(
            "Send 'Authorization: Bearer <token>'.",
        ))?;
    let role = state
        .role_of(token)
        .await?
        .ok_or(ApiError::Unauthorized("Unknown, revoked or expired token."))?;
    req.extensions_mut().insert(Caller(role));
    Ok(next.run(req).await)
}

/// The caller's role, so a client (the board) offers only what the token may do, and the
/// service's clock (`now`, `today`), which a client must use instead of its own.
#[utoipa::path(get, path = "/v1/me", tag = "operations", security(("bearer" = [])),
    responses((status = 200, description = "{role, now, today}: role dispatcher, planner, manager or viewer; now by the service's clock"),
        (status = 401, body = super::error::Problem)))]
pub async fn me(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
) -> axum::Json<serde_json::Value> {
    let now = state.now();
    axum::Json(serde_json::json!({
        "role": caller.0.as_str(),
        "now": now.to_string(),
        "today": now.date().to_string(),
    }))
}
