//! Errors as RFC 9457 problem documents (`application/problem+json`): one enum for every way a
//! request fails; each invalid field of a request is listed with a code and a message.
//! Internal errors are logged and answered with a generic 500 that shows nothing of them.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldIssue {
    /// Where, as a path into the request (`date`, `position.lat`, `events[2].at`); empty for
    /// the whole body.
    pub field: String,
    /// A stable machine-readable code: `required`, `invalid_type`, `invalid`,
    /// `out_of_range`, `unknown_field`, `not_found`, `syntax`.
    pub code: String,
    pub message: String,
}

impl FieldIssue {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// A problem document (RFC 9457).
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDoc {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldIssue>,
}

/// What a client reads of an internal error outside a problem document.
pub const INTERNAL_FOR_CLIENT: &str = "internal error; see the server log";

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("malformed JSON")]
    Malformed(Vec<FieldIssue>),
    #[error("invalid request")]
    Invalid(Vec<FieldIssue>),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    TooLarge,
    #[error("the body did not arrive in time")]
    BodyTimeout,
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// What the request needs that the caller lacks (`the role planner or dispatcher`).
    #[error("forbidden: needs {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not implemented: {0}")]
    NotImplemented(String),
    #[error("busy")]
    Busy { retry_after_s: u32 },
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }

    /// What a client may read of this error where no problem document carries it (a job's
    /// `error`): an internal error's detail (a panic message, a path, SQL) goes to the log
    /// under `context`, the client reads only that there was one.
    pub fn for_client(&self, context: &str) -> String {
        match self {
            ApiError::Internal(detail) => {
                tracing::error!("{context}: {detail}");
                INTERNAL_FOR_CLIENT.to_owned()
            }
            other => other.to_string(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn problem(&self) -> ProblemDoc {
        let (kind, title, detail, errors) = match self {
            ApiError::Malformed(e) => (
                "malformed-json",
                "Malformed JSON",
                "The body is not valid JSON.".to_owned(),
                e.clone(),
            ),
            ApiError::Invalid(e) => (
                "validation",
                "Invalid request",
                format!("{} invalid field(s).", e.len()),
                e.clone(),
            ),
            ApiError::UnsupportedMediaType => (
                "unsupported-media-type",
                "Unsupported media type",
                "Send the body as application/json.".to_owned(),
                vec![],
            ),
            ApiError::TooLarge => (
                "payload-too-large",
                "Payload too large",
                "The body exceeds the size limit.".to_owned(),
                vec![],
            ),
            ApiError::BodyTimeout => (
                "request-timeout",
                "Request timeout",
                "The body did not arrive in time.".to_owned(),
                vec![],
            ),
            ApiError::Unauthorized(why) => {
                ("unauthorized", "Unauthorized", (*why).to_owned(), vec![])
            }
            ApiError::Forbidden(needs) => (
                "forbidden",
                "Forbidden",
                format!("This needs {needs}."),
                vec![],
            ),
            ApiError::NotFound(what) => ("not-found", "Not found", what.clone(), vec![]),
            ApiError::Conflict(what) => ("conflict", "Conflict", what.clone(), vec![]),
            ApiError::NotImplemented(what) => {
                ("not-implemented", "Not implemented", what.clone(), vec![])
            }
            ApiError::Busy { retry_after_s } => (
                "busy",
                "Busy",
                format!(
                    "All solver slots (or places for fault re-plans) are busy; retry in \
                     {retry_after_s} s."
                ),
                vec![],
            ),
            ApiError::Internal(_) => (
                "internal",
                "Internal error",
                "The error was logged.".to_owned(),
                vec![],
            ),
        };
        ProblemDoc {
            kind: format!("urn:fieldplan:problem:{kind}"),
            title: title.to_owned(),
            status: self.status().as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(e) = &self {
            tracing::error!("internal error: {e}");
        }
        let body = serde_json::to_vec(&self.problem()).expect("problems serialize");
        let mut res = (self.status(), body).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match self {
            ApiError::Unauthorized(_) => {
                h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::Busy { retry_after_s } => {
                h.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
            }
            _ => {}
        }
        res
    }
}

impl From<crate::store::StoreError> for ApiError {
    /// A domain rule's refusal is the client's (422 naming the field and the rule); any
    /// other store failure is ours.
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Refused(f) => {
                ApiError::Invalid(vec![FieldIssue::new(f.field, "rule", f.message)])
            }
            e => ApiError::internal(e),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
