//! Reading JSON bodies so that every invalid field is reported at once.
//!
//! [`JsonBody`] is the JSON extractor whose rejections are ours: a wrong content type (415),
//! a body over the limit (413), a body slower than `Settings::body_read_timeout` (408),
//! malformed JSON (400, with line and column), a number beyond a float (422 naming its field)
//! come out as problem documents. [`Fields`] then reads a body object field by field, collecting every missing,
//! mistyped, out-of-range or unknown field before answering 422 with all of them.

use super::error::{ApiError, FieldIssue};
use crate::domain::instant::Instant;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A JSON body, parsed but not yet interpreted.
pub struct JsonBody(pub Value);

impl FromRequest<super::AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &super::AppState) -> Result<Self, ApiError> {
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json") || m.ends_with("+json")
            });
        if !json_type {
            return Err(ApiError::UnsupportedMediaType);
        }
        // A client trickling its body holds a connection and a task: it gets a deadline.
        let limit = state.settings().body_read_timeout;
        let bytes = tokio::time::timeout(limit, Bytes::from_request(req, state))
            .await
            .map_err(|_| ApiError::BodyTimeout)?
            .map_err(|r| match r.status().as_u16() {
                413 => ApiError::TooLarge,
                _ => ApiError::Malformed(vec![FieldIssue::new("", "syntax", r.body_text())]),
            })?;
        parse(&bytes).map(JsonBody)
    }
}

/// Parses a JSON body. A number beyond a 64-bit float (`1e400`) is valid JSON that the
/// service cannot hold: 422 naming the field where it stands (tracked while parsing); any
/// other error is 400 with line and column.
fn parse(bytes: &[u8]) -> Result<Value, ApiError> {
    let syntax = |e: serde_json::Error| {
        let at = format!("line {} column {}", e.line(), e.column());
        ApiError::Malformed(vec![FieldIssue::new("", "syntax", format!("{at}: {e}"))])
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, Value>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let e = e.into_inner();
        if !e.to_string().starts_with("number out of range") {
            return syntax(e);
        }
        let field = if path == "." { String::new() } else { path };
        ApiError::Invalid(vec![FieldIssue::new(
            field,
            "out_of_range",
            format!(
                "line {} column {}: the number is out of range (beyond a 64-bit float)",
                e.line(),
                e.column()
            ),
        )])
    })?;
    de.end().map_err(syntax)?;
    Ok(value)
}

/// Reads the fields of a JSON object one by one, keeping every problem.
pub struct Fields<'a> {
    obj: Option<&'a Map<String, Value>>,
    issues: Vec<FieldIssue>,
    seen: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    pub fn new(body: &'a Value) -> Self {
        let mut issues = Vec::new();
        let obj = body.as_object();
        if obj.is_none() {
            issues.push(FieldIssue::new(
                "",
                "invalid_type",
                "the body must be a JSON object",
            ));
        }
        Self {
            obj,
            issues,
            seen: Vec::new(),
        }
    }

    fn read<T: DeserializeOwned>(&mut self, name: &'static str, required: bool) -> Option<T> {
        self.seen.push(name);
        let obj = self.obj?;
        match obj.get(name) {
            None | Some(Value::Null) => {
                if required {
                    self.issues.push(FieldIssue::new(
                        name,
                        "required",
                        format!("'{name}' is required"),
                    ));
                }
                None
            }
            Some(v) => match serde_path_to_error::deserialize::<_, T>(v.clone()) {
                Ok(x) => Some(x),
                Err(e) => {
                    let path = e.path().to_string();
                    let field = if path == "." {
                        name.to_owned()
                    } else {
                        format!("{name}.{path}")
                    };
                    let message = e.into_inner().to_string();
                    let code = if message.starts_with("invalid type") {
                        "invalid_type"
                    } else if message.starts_with("missing field") {
                        "required"
                    } else {
                        "invalid"
                    };
                    self.issues.push(FieldIssue::new(field, code, message));
                    None
                }
            },
        }
    }

    /// A field that must be present and valid.
    pub fn required<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<T> {
        self.read(name, true)
    }

    /// A field that may be missing or `null`.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<T> {
        self.read(name, false)
    }

    /// The optional `timeLimitMs` field, checked to lie in `1..=max` milliseconds.
    pub fn time_limit_ms(&mut self, max: u64) -> Option<u64> {
        let t: Option<u64> = self.optional("timeLimitMs");
        if let Some(t) = t {
            if t == 0 || t > max {
                self.issue(
                    "timeLimitMs",
                    "out_of_range",
                    format!("{t} is not in 1..={max}"),
                );
            }
        }
        t
    }

    /// A required instant that must lie in `[now - max_age, now]`: what happened, reported
    /// at most `max_age` late and never ahead of the service's clock.
    pub fn past_instant(
        &mut self,
        name: &'static str,
        now: Instant,
        max_age: chrono::TimeDelta,
    ) -> Option<Instant> {
        let t: Instant = self.required(name)?;
        if t > now {
            self.issue(
                name,
                "out_of_range",
                format!("{t} is later than the service's clock ({now})"),
            );
        } else if t < now.plus(-max_age) {
            self.issue(
                name,
                "out_of_range",
                format!(
                    "{t} is more than {} days before the service's clock ({now}); \
                     older history is imported, not reported",
                    max_age.num_days()
                ),
            );
        }
        Some(t)
    }

    /// A required local date in `today..=today + max_ahead_days`: a day that has ended can
    /// no longer be planned.
    pub fn coming_date(
        &mut self,
        name: &'static str,
        today: NaiveDate,
        max_ahead_days: u32,
    ) -> Option<NaiveDate> {
        let d: NaiveDate = self.required(name)?;
        check_coming_date(self, name, d, today, max_ahead_days);
        Some(d)
    }

    /// Adds a problem found by a check beyond the field's type.
    pub fn issue(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(FieldIssue::new(field, code, message));
    }

    /// Ok when no field had a problem and no unknown field was sent; else 422 with all.
    pub fn finish(mut self) -> Result<(), ApiError> {
        if let Some(obj) = self.obj {
            for key in obj.keys() {
                if !self.seen.contains(&key.as_str()) {
                    self.issues.push(FieldIssue::new(
                        key.clone(),
                        "unknown_field",
                        format!(
                            "unknown field '{key}'; expected one of: {}",
                            self.seen.join(", ")
                        ),
                    ));
                }
            }
        }
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Invalid(self.issues))
        }
    }
}

/// Adds an issue to `f` unless `d` lies in `today..=today + max_ahead_days`.
pub fn check_coming_date(
    f: &mut Fields<'_>,
    name: &str,
    d: NaiveDate,
    today: NaiveDate,
    max_ahead_days: u32,
) {
    let last = today + chrono::Days::new(u64::from(max_ahead_days));
    if d < today {
        f.issue(
            name,
            "out_of_range",
            format!("{d} has ended (today is {today}); only today and later days can be planned"),
        );
    } else if d > last {
        f.issue(
            name,
            "out_of_range",
            format!("{d} is more than {max_ahead_days} days ahead of today ({today})"),
        );
    }
}
