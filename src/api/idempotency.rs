//! `Idempotency-Key` on every `POST` of `/v1`: a client that lost an answer (a dropped
//! connection, a timeout) retries with the same key and gets the first answer again, never a
//! second fault or a second job.
//!
//! The scope of a key is the caller's token, the method, the path and the key. The first
//! request claims it in the store; its answer (any status below 500) is kept for
//! [`KEEP`] and replayed to retries with `Idempotent-Replayed: true`. A retry while the first
//! runs gets 409; the same key with a different body gets 422. A server error releases the
//! claim, so the retry runs again; claims a crash left unanswered are released on start.

use super::error::{ApiError, FieldIssue};
use super::{AppState, blocking};
use crate::store::{IdempotencyClaim, KeptAnswer};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// How long an answer is kept for retries.
pub const KEEP: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// The header.
pub const HEADER: &str = "idempotency-key";

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The key, checked: 1 to 255 visible ASCII characters.
fn read_key(req: &Request) -> Result<Option<String>, ApiError> {
    let Some(v) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    match v.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(k.to_owned()))
        }
        _ => Err(ApiError::Invalid(vec![FieldIssue::new(
            "Idempotency-Key",
            "invalid",
            "1 to 255 visible ASCII characters",
        )])),
    }
}

fn replay(answer: KeptAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut res = (status, answer.body).into_response();
    let h = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, answer.content_type),
        (header::LOCATION, answer.location),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            h.insert(name, v);
        }
    }
    h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}

/// Route middleware (after authentication): see the module doc.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match run(state, req, next).await {
        Ok(res) | Err(res) => res,
    }
}

async fn run(state: AppState, req: Request, next: Next) -> Result<Response, Response> {
    if req.method() != Method::POST {
        return Ok(next.run(req).await);
    }
    let Some(key) = read_key(&req).map_err(IntoResponse::into_response)? else {
        return Ok(next.run(req).await);
    };
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    let (parts, body) = req.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, state.settings().body_limit)
        .await
        .map_err(|_| ApiError::TooLarge.into_response())?;
    let scope = sha256_hex(&[&token, parts.uri.path().as_bytes(), key.as_bytes()]);
    let body_sha = sha256_hex(&[&bytes]);
    let store = state.store();
    let s = scope.clone();
    let claim = blocking(move || Ok(store.claim_idempotency(&s, &body_sha, KEEP)?))
        .await
        .map_err(IntoResponse::into_response)?;
    match claim {
        IdempotencyClaim::Answered(a) => return Ok(replay(a)),
        IdempotencyClaim::Running => {
            return Err(ApiError::Conflict(
                "a request with this Idempotency-Key is still running; retry shortly".to_owned(),
            )
            .into_response());
        }
        IdempotencyClaim::OtherBody => {
            return Err(ApiError::Invalid(vec![FieldIssue::new(
                "Idempotency-Key",
                "reused",
                "this key was used with a different body",
            )])
            .into_response());
        }
        IdempotencyClaim::New => {}
    }
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    Ok(keep(&state, scope, res).await)
}

/// Keeps the answer (below 500) for retries, or releases the claim; returns the answer.
async fn keep(state: &AppState, scope: String, res: Response) -> Response {
    let status = res.status();
    // (A reference to the response must not live across an await: its body is not Sync.)
    let (content_type, location) = {
        let text = |name| {
            res.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        (text(header::CONTENT_TYPE), text(header::LOCATION))
    };
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR).into_response();
    };
    let store = state.store();
    let answer = KeptAnswer {
        status: status.as_u16(),
        content_type,
        location,
        body: bytes.to_vec(),
    };
    let outcome = blocking(move || {
        if status.is_server_error() {
            store.release_idempotency(Some(&scope))?;
        } else {
            store.finish_idempotency(&scope, &answer)?;
        }
        Ok(())
    })
    .await;
    if let Err(e) = outcome {
        tracing::warn!("idempotency record: {e}");
    }
    Response::from_parts(parts, Body::from(bytes))
}
