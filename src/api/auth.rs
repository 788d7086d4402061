//! Bearer tokens with roles. A token is 32 random bytes written as 64 hex digits (prefixed
//! `fp_`); the store keeps only its SHA-256. Every `/v1` request needs a known token (401
//! otherwise); each change then names the roles it accepts (403 for any other role).
//!
//! Every role but one reads everything. A token of role `engineer` is bound to one engineer
//! and may do only what [`may::ENGINEER`] lists, on that engineer alone: [`authenticate`]
//! refuses anything else (403) before the handler runs, so a route added later is closed to
//! it until it is listed there.

use super::AppState;
use super::error::ApiError;
use crate::domain::ids::EngineerId;
use crate::store::{Role, Store, StoreResult, TokenGrant};
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};

/// Who calls: the role of the request's token and, for role [`Role::Engineer`], the engineer
/// it is bound to. Put in the request's extensions by [`authenticate`]. Invariant (it comes
/// from a stored [`TokenGrant`]): `engineer` is set exactly when the role binds one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub role: Role,
    pub engineer: Option<EngineerId>,
}

impl Caller {
    /// Ok when the caller has one of `roles`, else 403.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::Forbidden(format!(
                "the role {}",
                names.join(" or ")
            )))
        }
    }

    /// [`Caller::require`], and a caller bound to an engineer must be acting on itself
    /// (`engineer` is the id the request names), else 403.
    pub fn require_for(&self, roles: &[Role], engineer: &str) -> Result<(), ApiError> {
        self.require(roles)?;
        match &self.engineer {
            Some(own) if own.as_str() != engineer => Err(not_yours(own, engineer)),
            _ => Ok(()),
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
    /// Faults.
    pub const REPORT: &[Role] = &[Role::Dispatcher];
    /// Installation projects (`POST /v1/installations`).
    pub const INSTALL: &[Role] = &[Role::Dispatcher, Role::Planner];
    /// The service's clock, when it runs on a manual one (training, demos, tests).
    pub const MOVE_CLOCK: &[Role] = &[Role::Dispatcher, Role::Manager];
    /// Engineers' progress reports: the dispatcher for anyone, an engineer for itself.
    pub const PROGRESS: &[Role] = &[Role::Dispatcher, Role::Engineer];

    /// Everything a token bound to an engineer may do, and nothing else: `(method, route,
    /// parameter)`, where the route's `parameter` (if any) must be the token's own engineer.
    /// Routes as the router matches them; `HEAD` counts as `GET`. Checked by
    /// [`super::authenticate`] before any handler (or body) runs.
    pub const ENGINEER: &[(&str, &str, Option<&str>)] = &[
        ("GET", "/v1/me", None),
        (
            "GET",
            "/v1/plans/{date}/engineers/{engineer}",
            Some("engineer"),
        ),
        ("GET", "/v1/engineers/{id}/calendar.ics", Some("id")),
        ("GET", "/v1/engineers/{id}/events", Some("id")),
        ("POST", "/v1/engineers/{id}/events", Some("id")),
    ];
}

/// 403 for a token bound to engineer `own` acting on engineer `named`.
fn not_yours(own: &EngineerId, named: &str) -> ApiError {
    ApiError::Forbidden(format!(
        "a token of engineer {named}; this token is bound to engineer {own}"
    ))
}

/// Route middleware: 403 unless the caller (from [`authenticate`], which runs first) has one
/// of `roles`. Runs before the handler's extractors, so before the body is read or parsed.
pub async fn only(roles: &'static [Role], req: Request, next: Next) -> Result<Response, ApiError> {
    let caller = req
        .extensions()
        .get::<Caller>()
        .cloned()
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

/// Creates a token with `role` (one not bound to an engineer) in the store; returns the token
/// (shown once, never stored).
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
    let grant =
        TokenGrant::new(role, None, expires_at).map_err(crate::store::StoreError::Rejected)?;
    create_token_granting(store, &grant, label)
}

/// Creates a token that grants `grant` (an engineer's token names its engineer); returns the
/// token (shown once, never stored) and its public id.
pub fn create_token_granting(
    store: &dyn Store,
    grant: &TokenGrant,
    label: &str,
) -> StoreResult<(String, String)> {
    let token = new_token();
    let id = store.add_token_grant(&token_hash(&token), grant, label)?;
    Ok((token, id))
}

/// Middleware: resolves the bearer token to a [`Caller`] or answers 401.
pub async fn authenticate(
    State(state): State<AppState>,
    req: Request,
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
    let caller = state
        .caller_of(token)
        .await?
        .ok_or(ApiError::Unauthorized("Unknown, revoked or expired token."))?;
    let mut req = match &caller.engineer {
        Some(own) => engineer_may(req, own).await?,
        None => req,
    };
    req.extensions_mut().insert(caller);
    Ok(next.run(req).await)
}

/// The request, if [`may::ENGINEER`] lets the token bound to `own` make it; else 403. Reads
/// the matched route and its path parameters only, never the body.
async fn engineer_may(req: Request, own: &EngineerId) -> Result<Request, ApiError> {
    let (mut parts, body) = req.into_parts();
    let method = if parts.method == Method::HEAD {
        "GET"
    } else {
        parts.method.as_str()
    };
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    let listed = may::ENGINEER
        .iter()
        .find(|(m, r, _)| *m == method && Some(*r) == route);
    let Some((_, _, param)) = listed else {
        return Err(ApiError::Forbidden(
            "a role other than engineer: an engineer's token reads its own route, calendar \
             and progress reports, and reports its progress"
                .to_owned(),
        ));
    };
    if let Some(name) = param {
        let params = RawPathParams::from_request_parts(&mut parts, &())
            .await
            .ok();
        let named = params
            .as_ref()
            .and_then(|p| p.iter().find(|(k, _)| k == name).map(|(_, v)| v));
        if named != Some(own.as_str()) {
            return Err(not_yours(own, named.unwrap_or("?")));
        }
    }
    Ok(Request::from_parts(parts, body))
}

/// The caller's role (and, for an engineer's token, its engineer), so a client (the board)
/// offers only what the token may do, and the service's clock (`now`, `today`), which a
/// client must use instead of its own.
#[utoipa::path(get, path = "/v1/me", tag = "operations", security(("bearer" = [])),
    responses((status = 200, description = "{role, engineer, now, today}: role dispatcher, planner, manager, viewer or engineer; engineer: the engineer id an engineer's token is bound to (null for the other roles); now by the service's clock"),
        (status = 401, body = super::error::ProblemDoc)))]
pub async fn me(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
) -> axum::Json<serde_json::Value> {
    let now = state.now();
    axum::Json(serde_json::json!({
        "role": caller.role.as_str(),
        "engineer": caller.engineer,
        "now": now.to_string(),
        "today": now.date().to_string(),
    }))
}
