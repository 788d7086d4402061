//! Query strings read parameter by parameter, like bodies ([`super::body::Fields`]): every bad
//! or unknown parameter is reported at once, as a 422 problem document naming it.

use super::error::{ApiError, FieldIssue};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::str::FromStr;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;
/// Beyond any table's size: keeps the offset well inside SQLite's 64-bit integers.
pub const MAX_OFFSET: u64 = 1_000_000_000;

/// One query string being read.
pub struct QueryFields<'a> {
    q: &'a HashMap<String, String>,
    seen: Vec<&'static str>,
    issues: Vec<FieldIssue>,
}

/// A page of a list: how many and from where.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Paging {
    pub limit: u32,
    pub offset: u64,
}

impl Paging {
    /// The page's share of `items`.
    pub fn apply<T>(self, items: Vec<T>) -> Vec<T> {
        let skip = usize::try_from(self.offset).unwrap_or(usize::MAX);
        items
            .into_iter()
            .skip(skip)
            .take(self.limit as usize)
            .collect()
    }
}

impl<'a> QueryFields<'a> {
    pub fn new(q: &'a HashMap<String, String>) -> Self {
        Self {
            q,
            seen: Vec::new(),
            issues: Vec::new(),
        }
    }

    /// An optional parameter parsed by `FromStr`; a bad value is reported with `expected`.
    pub fn optional<T: FromStr>(&mut self, name: &'static str, expected: &str) -> Option<T> {
        let raw = self.raw(name)?;
        match raw.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                self.issue(name, "invalid", format!("'{raw}' is not {expected}"));
                None
            }
        }
    }

    /// An optional parameter naming a variant of `T` as it is spelled in JSON; a bad value is
    /// reported with the message `expected`.
    pub fn variant<T: DeserializeOwned>(
        &mut self,
        name: &'static str,
        expected: &str,
    ) -> Option<T> {
        let raw = self.raw(name)?;
        let value = serde_json::from_value(serde_json::Value::String(raw.clone())).ok();
        if value.is_none() {
            self.issue(name, "invalid", expected);
        }
        value
    }

    /// The text of a parameter, if sent.
    pub fn raw(&mut self, name: &'static str) -> Option<&'a String> {
        self.seen.push(name);
        self.q.get(name)
    }

    /// An optional local date (`YYYY-MM-DD`).
    pub fn date(&mut self, name: &'static str) -> Option<NaiveDate> {
        self.optional(name, "a date (YYYY-MM-DD)")
    }

    /// `from` and `to` (both optional, inclusive), with `to` not before `from` and the span
    /// at most `max_days`; missing ends take the defaults.
    pub fn date_range(
        &mut self,
        default: (NaiveDate, NaiveDate),
        max_days: i64,
    ) -> (NaiveDate, NaiveDate) {
        let from = self.date("from").unwrap_or(default.0);
        let to = self.date("to").unwrap_or(default.1);
        if to < from {
            self.issue(
                "to",
                "out_of_range",
                format!("{to} is before from ({from})"),
            );
        } else if (to - from).num_days() >= max_days {
            self.issue(
                "to",
                "out_of_range",
                format!("from {from} to {to} is longer than {max_days} days"),
            );
        }
        (from, to)
    }

    /// `limit` (1..=[`MAX_LIMIT`], default [`DEFAULT_LIMIT`]) and `offset`.
    pub fn paging(&mut self) -> Paging {
        let mut page = Paging {
            limit: DEFAULT_LIMIT,
            offset: 0,
        };
        if let Some(l) = self.raw("limit") {
            match l.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => page.limit = n,
                _ => self.issue(
                    "limit",
                    "out_of_range",
                    format!("'{l}' is not an integer in 1..={MAX_LIMIT}"),
                ),
            }
        }
        if let Some(o) = self.raw("offset") {
            match o.parse::<u64>() {
                Ok(n) if n <= MAX_OFFSET => page.offset = n,
                _ => self.issue(
                    "offset",
                    "out_of_range",
                    format!("'{o}' is not an integer in 0..={MAX_OFFSET}"),
                ),
            }
        }
        page
    }

    pub fn issue(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(FieldIssue::new(field, code, message));
    }

    /// Ok when every parameter was known and valid; else 422 with every problem.
    pub fn finish(mut self) -> Result<(), ApiError> {
        let mut unknown: Vec<&String> = self
            .q
            .keys()
            .filter(|k| !self.seen.contains(&k.as_str()))
            .collect();
        unknown.sort();
        for k in unknown {
            self.issues.push(FieldIssue::new(
                k.clone(),
                "unknown_field",
                format!(
                    "unknown query parameter '{k}'; expected {}",
                    self.seen.join(", ")
                ),
            ));
        }
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Invalid(self.issues))
        }
    }
}
