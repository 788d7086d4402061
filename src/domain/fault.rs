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
    /// An engineer was assigned and set off.
    Dispatched,
    /// A solution (a fix plan, a workaround, a loan machine) was given.
    SolutionGiven,
    /// Phone and remote support could not solve it: an engineer must go.
    RemoteFailed,
    /// An engineer arrived on site.
    Arrived,
    /// On site, the engineer found that a spare part is needed: the next visit brings it
    /// (picked up at a service point first). The source: "not fixed within 24 h on site: the
    /// manufacturer's spare parts are brought in".
    PartRequested,
    /// The device works again.
    Resolved,
}

/// One event of a fault's history.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultEvent {
    pub kind: FaultEventKind,
    pub at: Instant,
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
        self.events()
            .iter()
            .any(|e| e.kind == FaultEventKind::Resolved)
    }
}
