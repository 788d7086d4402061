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

/// A callback completed on a local date.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallbackRecord {
    pub site: SiteId,
    pub kind: CallbackKind,
    pub date: NaiveDate,
    pub engineer: EngineerId,
}

/// Completed visits, indexed for the cadence engine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    inspections: BTreeMap<DeviceId, Vec<NaiveDate>>,
    callbacks: BTreeMap<(SiteId, CallbackKind), Vec<NaiveDate>>,
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
        }
        h.inspections.values_mut().for_each(|v| v.sort());
        h.callbacks.values_mut().for_each(|v| v.sort());
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

    pub fn last_callback(&self, site: &SiteId, kind: CallbackKind) -> Option<NaiveDate> {
        self.callbacks(site, kind).last().copied()
    }
}
