//! Faults reported on devices: level, report instant, and the events of their handling.

use super::error::{Checked, FieldError};
use super::ids::{DeviceId, FaultId};
use super::instant::Instant;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Fault severity from the source's table; 1 is the most severe.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum FaultLevel {
    /// System down or service interrupted; basic function lost.
    L1,
    /// Risk of going down; may lose basic function.
    L2,
    /// Directly degrades service or performance in part.
    L3,
    /// Intermittent or indirect effect.
    L4,
}

impl FaultLevel {
    pub const ALL: [FaultLevel; 4] = [
        FaultLevel::L1,
        FaultLevel::L2,
        FaultLevel::L3,
        FaultLevel::L4,
    ];

    pub fn number(self) -> u8 {
        match self {
            FaultLevel::L1 => 1,
            FaultLevel::L2 => 2,
            FaultLevel::L3 => 3,
            FaultLevel::L4 => 4,
        }
    }
}

impl TryFrom<u8> for FaultLevel {
    type Error = FieldError;
    fn try_from(n: u8) -> Checked<Self> {
        match n {
            1 => Ok(FaultLevel::L1),
            2 => Ok(FaultLevel::L2),
            3 => Ok(FaultLevel::L3),
            4 => Ok(FaultLevel::L4),
            _ => Err(FieldError::new(
                "level",
                format!("{n} is not a fault level 1-4"),
            )),
        }
    }
}

impl From<FaultLevel> for u8 {
    fn from(l: FaultLevel) -> u8 {
        l.number()
    }
}

impl fmt::Display for FaultLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "level {}", self.number())
    }
}

/// A fault reported on a device at an instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    pub id: FaultId,
    pub device: DeviceId,
    pub level: FaultLevel,
    pub reported: Instant,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Something that happened while handling a fault.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultEventKind {
    /// The service centre answered the customer (phone or remote).
    Responded,
    /// Phone or remote support was tried.
    RemoteAttempted,
    /// An engineer was assigned and set off.
    Dispatched,
    /// A solution (a fix plan, a workaround, a loan machine) was given.
    SolutionGiven,
    /// Phone and remote support could not solve it: an engineer must go.
    RemoteFailed,
    /// A dispatcher decided that an engineer must go (a visit "if needed", see
    /// `sla::Visit`), without waiting for remote support to fail.
    NeedsVisit,
    /// An engineer arrived on site (written `arrived` in older files).
    #[serde(alias = "arrived")]
    OnSite,
    /// On site, the engineer found that a spare part is needed: the next visit brings it
    /// (picked up at a service point first). The source: "not fixed within 24 h on site: the
    /// manufacturer's spare parts are brought in".
    PartRequested,
    /// The device works again (the customer confirmed it: `confirmedBy`).
    Resolved,
    /// The case was handed up (to the customer-service manager, the manufacturer: `to`, with
    /// a `reason`).
    Escalated,
    /// The centre closed the case after the resolution was confirmed.
    Closed,
}

impl FaultEventKind {
    pub const ALL: [FaultEventKind; 11] = [
        FaultEventKind::Responded,
        FaultEventKind::RemoteAttempted,
        FaultEventKind::Dispatched,
        FaultEventKind::SolutionGiven,
        FaultEventKind::RemoteFailed,
        FaultEventKind::NeedsVisit,
        FaultEventKind::OnSite,
        FaultEventKind::PartRequested,
        FaultEventKind::Resolved,
        FaultEventKind::Escalated,
        FaultEventKind::Closed,
    ];

    /// The name in JSON (`remoteFailed`).
    pub fn as_str(self) -> &'static str {
        match self {
            FaultEventKind::Responded => "responded",
            FaultEventKind::RemoteAttempted => "remoteAttempted",
            FaultEventKind::Dispatched => "dispatched",
            FaultEventKind::SolutionGiven => "solutionGiven",
            FaultEventKind::RemoteFailed => "remoteFailed",
            FaultEventKind::NeedsVisit => "needsVisit",
            FaultEventKind::OnSite => "onSite",
            FaultEventKind::PartRequested => "partRequested",
            FaultEventKind::Resolved => "resolved",
            FaultEventKind::Escalated => "escalated",
            FaultEventKind::Closed => "closed",
        }
    }
}

/// One event of a fault's history. The optional fields belong to one kind each
/// (`partNumber` to `partRequested`, `confirmedBy` to `resolved`, `to` and `reason` to
/// `escalated`); [`FaultRecord::append`] checks them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultEvent {
    pub kind: FaultEventKind,
    pub at: Instant,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl FaultEvent {
    /// An event with no details.
    pub fn new(kind: FaultEventKind, at: Instant) -> Self {
        Self {
            kind,
            at,
            part_number: None,
            confirmed_by: None,
            to: None,
            reason: None,
        }
    }
}

/// Where a fault stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultStatus {
    Open,
    Resolved,
    Closed,
}

impl FaultStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultStatus::Open => "open",
            FaultStatus::Resolved => "resolved",
            FaultStatus::Closed => "closed",
        }
    }
}

impl std::str::FromStr for FaultStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            FaultStatus::Open,
            FaultStatus::Resolved,
            FaultStatus::Closed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| format!("'{s}' is not a fault status (open, resolved, closed)"))
    }
}

/// A fault with its history, as kept in `faults.json`. Invariant: no event before the
/// report, events in time order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FaultRecordData", into = "FaultRecordData")]
pub struct FaultRecord {
    data: FaultRecordData,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRecordData {
    pub fault: Fault,
    #[serde(default)]
    pub events: Vec<FaultEvent>,
}

impl TryFrom<FaultRecordData> for FaultRecord {
    type Error = FieldError;
    fn try_from(data: FaultRecordData) -> Checked<Self> {
        FaultRecord::new(data.fault, data.events)
    }
}

impl From<FaultRecord> for FaultRecordData {
    fn from(r: FaultRecord) -> Self {
        r.data
    }
}

impl FaultRecord {
    pub fn new(fault: Fault, events: Vec<FaultEvent>) -> Checked<Self> {
        for (i, e) in events.iter().enumerate() {
            if e.at < fault.reported {
                return Err(FieldError::new(
                    format!("events[{i}].at"),
                    format!("{} is before the report at {}", e.at, fault.reported),
                ));
            }
            if i > 0 && e.at < events[i - 1].at {
                return Err(FieldError::new(
                    format!("events[{i}].at"),
                    "events must be in time order",
                ));
            }
        }
        Ok(Self {
            data: FaultRecordData { fault, events },
        })
    }

    pub fn fault(&self) -> &Fault {
        &self.data.fault
    }

    pub fn events(&self) -> &[FaultEvent] {
        &self.data.events
    }

    pub fn is_resolved(&self) -> bool {
        self.status() != FaultStatus::Open
    }

    /// Open until resolved; closed once closed.
    pub fn status(&self) -> FaultStatus {
        let has = |k| self.events().iter().any(|e| e.kind == k);
        if has(FaultEventKind::Closed) {
            FaultStatus::Closed
        } else if has(FaultEventKind::Resolved) {
            FaultStatus::Resolved
        } else {
            FaultStatus::Open
        }
    }

    /// Appends `event` if the handling rules allow it at `now`; else names the broken rule.
    /// Rules: no event before the report or after `now` (an event older than the last one
    /// takes its place in time: reports arrive late); each kind carries its own details and
    /// no other kind's; a fault is resolved once and closed once, only after it was resolved
    /// and not at an instant before the resolution, and nothing follows the closing.
    pub fn append(&mut self, event: FaultEvent, now: Instant) -> Checked<()> {
        check_details(&event)?;
        let bad = |field: &str, m: String| Err(FieldError::new(field, m));
        let reported = self.fault().reported;
        if event.at < reported {
            return bad(
                "at",
                format!("{} is before the report at {reported}", event.at),
            );
        }
        if event.at > now {
            return bad(
                "at",
                format!("{} is later than the service's clock ({now})", event.at),
            );
        }
        match (self.status(), event.kind) {
            (FaultStatus::Closed, _) => {
                return bad(
                    "kind",
                    format!("{} is closed: nothing follows the closing", self.fault().id),
                );
            }
            (FaultStatus::Open, FaultEventKind::Closed) => {
                return bad(
                    "kind",
                    format!(
                        "{} is not resolved: resolve it before closing it",
                        self.fault().id
                    ),
                );
            }
            (FaultStatus::Resolved, FaultEventKind::Resolved) => {
                return bad("kind", format!("{} is resolved already", self.fault().id));
            }
            _ => {}
        }
        let resolved = self
            .events()
            .iter()
            .find(|e| e.kind == FaultEventKind::Resolved);
        if let Some(r) =
            resolved.filter(|r| event.kind == FaultEventKind::Closed && event.at < r.at)
        {
            return bad(
                "at",
                format!(
                    "closing at {} is before the resolution at {}",
                    event.at, r.at
                ),
            );
        }
        // Reports from the field arrive late and out of order: the event takes its place in
        // time (after those at the same instant), keeping the invariant.
        let place = self.events().partition_point(|e| e.at <= event.at);
        self.data.events.insert(place, event);
        Ok(())
    }
}

/// Each kind's details are present when required and absent otherwise.
fn check_details(e: &FaultEvent) -> Checked<()> {
    use FaultEventKind as K;
    let fields = [
        (
            "partNumber",
            e.part_number.as_deref(),
            e.kind == K::PartRequested,
        ),
        (
            "confirmedBy",
            e.confirmed_by.as_deref(),
            e.kind == K::Resolved,
        ),
        ("to", e.to.as_deref(), e.kind == K::Escalated),
        ("reason", e.reason.as_deref(), e.kind == K::Escalated),
    ];
    for (name, value, wanted) in fields {
        match (value, wanted) {
            (None, true) => {
                return Err(FieldError::new(
                    name,
                    format!("'{name}' is required for kind '{}'", e.kind.as_str()),
                ));
            }
            (Some(v), true) if v.trim().is_empty() || v.chars().count() > 200 => {
                return Err(FieldError::new(name, "1 to 200 characters"));
            }
            (Some(_), false) => {
                return Err(FieldError::new(
                    name,
                    format!("'{name}' does not belong to kind '{}'", e.kind.as_str()),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}
