//! What was done before the planning horizon: completed inspections and callbacks.

use super::ids::{DeviceId, EngineerId, SiteId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A preventive inspection completed on a local date.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InspectionRecord {
    pub device: DeviceId,
    pub date: NaiveDate,
    pub engineer: EngineerId,
}

/// Phone or on-site.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CallbackKind {
    Phone,
    OnSite,
}

/// A callback completed on a local date. `unsolved`: a phone callback that could not solve
/// the customer's problem, escalated to the customer-service manager, who arranges an on-site
/// callback (the source's callback rules).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallbackRecord {
    pub site: SiteId,
    pub kind: CallbackKind,
    pub date: NaiveDate,
    pub engineer: EngineerId,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsolved: bool,
}

/// How a callback ended: the customer's problem solved on the phone, or not (then an
/// on-site callback follows).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CallbackOutcome {
    Solved,
    Unsolved,
}

impl std::str::FromStr for CallbackOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "solved" => Ok(Self::Solved),
            "unsolved" => Ok(Self::Unsolved),
            _ => Err(format!("'{s}' is not an outcome (solved, unsolved)")),
        }
    }
}

/// Completed visits, indexed for the cadence engine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    inspections: BTreeMap<DeviceId, Vec<NaiveDate>>,
    callbacks: BTreeMap<(SiteId, CallbackKind), Vec<NaiveDate>>,
    /// Dates of phone callbacks recorded unsolved, per customer.
    unsolved: BTreeMap<SiteId, Vec<NaiveDate>>,
}

impl History {
    pub fn new<'a>(
        inspections: impl IntoIterator<Item = &'a InspectionRecord>,
        callbacks: impl IntoIterator<Item = &'a CallbackRecord>,
    ) -> Self {
        let mut h = Self::default();
        for r in inspections {
            h.inspections
                .entry(r.device.clone())
                .or_default()
                .push(r.date);
        }
        for r in callbacks {
            h.callbacks
                .entry((r.site.clone(), r.kind))
                .or_default()
                .push(r.date);
            if r.unsolved && r.kind == CallbackKind::Phone {
                h.unsolved.entry(r.site.clone()).or_default().push(r.date);
            }
        }
        h.inspections.values_mut().for_each(|v| v.sort());
        h.callbacks.values_mut().for_each(|v| v.sort());
        h.unsolved.values_mut().for_each(|v| v.sort());
        h
    }

    /// Inspection dates of a device, in order.
    pub fn inspections(&self, device: &DeviceId) -> &[NaiveDate] {
        self.inspections.get(device).map_or(&[], Vec::as_slice)
    }

    pub fn last_inspection(&self, device: &DeviceId) -> Option<NaiveDate> {
        self.inspections(device).last().copied()
    }

    /// Callback dates of a customer, in order.
    pub fn callbacks(&self, site: &SiteId, kind: CallbackKind) -> &[NaiveDate] {
        self.callbacks
            .get(&(site.clone(), kind))
            .map_or(&[], Vec::as_slice)
    }

    /// Dates of the customer's phone callbacks recorded unsolved, in order.
    pub fn unsolved_phone_callbacks(&self, site: &SiteId) -> &[NaiveDate] {
        self.unsolved.get(site).map_or(&[], Vec::as_slice)
    }

    pub fn last_callback(&self, site: &SiteId, kind: CallbackKind) -> Option<NaiveDate> {
        self.callbacks(site, kind).last().copied()
    }
}

/// Cadence work reported done: an inspection of a device or a callback of a customer.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CompletedKind {
    Inspection,
    PhoneCallback,
    OnSiteCallback,
}

impl CompletedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CompletedKind::Inspection => "inspection",
            CompletedKind::PhoneCallback => "phoneCallback",
            CompletedKind::OnSiteCallback => "onSiteCallback",
        }
    }
}

impl std::str::FromStr for CompletedKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            CompletedKind::Inspection,
            CompletedKind::PhoneCallback,
            CompletedKind::OnSiteCallback,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| {
            format!("'{s}' is not a completed kind (inspection, phoneCallback, onSiteCallback)")
        })
    }
}

/// A completed inspection or callback: what was done, where, by whom, when. `task` is the
/// planned task it completed (none for history imported from another system). Invariant
/// (kept by [`Completion::new`]): an inspection names its device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Completion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<super::ids::TaskId>,
    pub kind: CompletedKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceId>,
    pub site: SiteId,
    pub engineer: EngineerId,
    pub at: super::instant::Instant,
    /// A callback's outcome, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<CallbackOutcome>,
}

impl Completion {
    /// This completion with its outcome; only a phone callback may be unsolved (an on-site
    /// callback is the escalation itself, an inspection has no customer problem to solve).
    pub fn with_outcome(mut self, outcome: CallbackOutcome) -> super::error::Checked<Self> {
        if outcome == CallbackOutcome::Unsolved && self.kind != CompletedKind::PhoneCallback {
            return Err(super::error::FieldError::new(
                "outcome",
                "only a phone callback is recorded unsolved",
            ));
        }
        self.outcome = Some(outcome);
        Ok(self)
    }

    pub fn new(
        task: Option<super::ids::TaskId>,
        kind: CompletedKind,
        device: Option<DeviceId>,
        site: SiteId,
        engineer: EngineerId,
        at: super::instant::Instant,
    ) -> super::error::Checked<Self> {
        if kind == CompletedKind::Inspection && device.is_none() {
            return Err(super::error::FieldError::new(
                "device",
                "an inspection names its device",
            ));
        }
        Ok(Self {
            task,
            kind,
            device,
            site,
            engineer,
            at,
            outcome: None,
        })
    }

    /// The record the cadence engine reads: an inspection of the device or a callback of
    /// the customer on the local date of the completion.
    pub fn record(&self) -> Record {
        let date = self.at.date();
        match (self.kind, &self.device) {
            (CompletedKind::Inspection, Some(device)) => Record::Inspection(InspectionRecord {
                device: device.clone(),
                date,
                engineer: self.engineer.clone(),
            }),
            (kind, _) => Record::Callback(CallbackRecord {
                site: self.site.clone(),
                kind: if kind == CompletedKind::OnSiteCallback {
                    CallbackKind::OnSite
                } else {
                    CallbackKind::Phone
                },
                date,
                engineer: self.engineer.clone(),
                unsolved: self.outcome == Some(CallbackOutcome::Unsolved),
            }),
        }
    }
}

/// A history record of either kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    Inspection(InspectionRecord),
    Callback(CallbackRecord),
}
