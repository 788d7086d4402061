//! Scenarios: the data the planning service runs on (service points, sites, devices,
//! engineers, history, open faults), their files, and the seeded generator of the Nanchang
//! scenario.
//!
//! A [`Scenario`] is checked as a whole when built: ids are unique and every reference
//! (a device's site, a site's district, an engineer's home) resolves; every problem is
//! reported at once. [`Scenario::load`] / [`Scenario::save`] read and write a directory of
//! JSON files ([`files`]); [`load_config`] reads `config/*.toml` into a
//! [`DomainConfig`](crate::domain::DomainConfig). [`map`] holds the approximate map of
//! Nanchang that the generator places sites on and `fieldplan scenario check` holds them
//! against.

mod check;
mod config_files;
pub mod files;
pub mod generate;
pub mod map;

pub use check::Finding;
pub use config_files::{load_config, optional_part};
pub use files::ScenarioError;

use crate::domain::DomainConfig;
use crate::domain::dates::DateRange;
use crate::domain::device::Device;
use crate::domain::district::District;
use crate::domain::due_tasks::due_tasks;
use crate::domain::engineer::Engineer;
use crate::domain::fault::FaultRecord;
use crate::domain::fault_model::FaultModel;
use crate::domain::history::{CallbackRecord, Completion, History, InspectionRecord, Record};
use crate::domain::ids::{DeviceId, EngineerId, ServicePointId, SiteId};
use crate::domain::installation::InstallationRecord;
use crate::domain::instant::Instant;
use crate::domain::service_point::ServicePoint;
use crate::domain::site::Site;
use crate::domain::sla::{MilestoneStatus, SlaContext};
use crate::domain::task::Task;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the scenario is and the moment it starts from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioMeta {
    pub name: String,
    pub description: String,
    /// All sites, devices and people are invented.
    pub synthetic: bool,
    /// The generator's seed (`fieldplan scenario generate --seed`).
    pub seed: u64,
    /// "Now": the planning service starts from this instant.
    pub reference_instant: Instant,
    /// The planning horizon: `horizon.from` is the reference date.
    pub horizon: DateRange,
    /// History (inspections, callbacks) is complete from this date on.
    pub history_from: NaiveDate,
}

/// The parts of a scenario, before the cross-checks.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ScenarioParts {
    pub meta: Option<ScenarioMeta>,
    pub districts: Vec<District>,
    pub service_points: Vec<ServicePoint>,
    pub sites: Vec<Site>,
    pub devices: Vec<Device>,
    pub engineers: Vec<Engineer>,
    pub inspections: Vec<InspectionRecord>,
    pub callbacks: Vec<CallbackRecord>,
    pub faults: Vec<FaultRecord>,
    pub fault_model: FaultModel,
    /// Installation projects with their steps done (the service's, not the scenario files').
    pub installations: Vec<InstallationRecord>,
}

fn index<K: Ord>(ids: impl Iterator<Item = K>) -> BTreeMap<K, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

/// A checked scenario. Invariants: unique ids; every reference resolves; every district has
/// a service point.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    parts: ScenarioParts,
    meta: ScenarioMeta,
    sites: BTreeMap<SiteId, usize>,
    devices: BTreeMap<DeviceId, usize>,
    service_points: BTreeMap<ServicePointId, usize>,
    engineers: BTreeMap<EngineerId, usize>,
    /// `parts.engineers[..field_engineers]` are the field engineers, the rest the
    /// customer-service staff (each group in file order).
    field_engineers: usize,
    history: History,
}

impl Scenario {
    /// Checks the parts; all problems at once.
    pub fn new(mut parts: ScenarioParts) -> Result<Self, Vec<Finding>> {
        let meta = check::check(&parts)?;
        // Field engineers first, then customer-service staff (a stable sort).
        parts.engineers.sort_by_key(|e| !e.role.is_field_engineer());
        let field_engineers = parts
            .engineers
            .iter()
            .take_while(|e| e.role.is_field_engineer())
            .count();
        let history = History::new(&parts.inspections, &parts.callbacks);
        Ok(Self {
            sites: index(parts.sites.iter().map(|s| s.id.clone())),
            devices: index(parts.devices.iter().map(|d| d.id().clone())),
            service_points: index(parts.service_points.iter().map(|s| s.id.clone())),
            engineers: index(parts.engineers.iter().map(|e| e.id.clone())),
            field_engineers,
            history,
            meta,
            parts,
        })
    }

    pub fn meta(&self) -> &ScenarioMeta {
        &self.meta
    }

    pub fn districts(&self) -> &[District] {
        &self.parts.districts
    }

    pub fn service_points(&self) -> &[ServicePoint] {
        &self.parts.service_points
    }

    pub fn sites(&self) -> &[Site] {
        &self.parts.sites
    }

    pub fn devices(&self) -> &[Device] {
        &self.parts.devices
    }

    /// The field engineers (device work).
    pub fn engineers(&self) -> &[Engineer] {
        &self.parts.engineers[..self.field_engineers]
    }

    /// The customer-service staff who go along on on-site callbacks.
    pub fn customer_service(&self) -> &[Engineer] {
        &self.parts.engineers[self.field_engineers..]
    }

    pub fn inspections(&self) -> &[InspectionRecord] {
        &self.parts.inspections
    }

    pub fn callbacks(&self) -> &[CallbackRecord] {
        &self.parts.callbacks
    }

    pub fn faults(&self) -> &[FaultRecord] {
        &self.parts.faults
    }

    pub fn fault_model(&self) -> &FaultModel {
        &self.parts.fault_model
    }

    /// The SLA terms of a fault: warranty on the day it was reported, and its site's area.
    /// `None` when the device is unknown.
    pub fn sla_context(&self, fault: &crate::domain::fault::Fault) -> Option<SlaContext> {
        let device = self.device(&fault.device)?;
        Some(SlaContext {
            under_warranty: device.under_warranty(fault.reported.date()),
            area: self.site_of(device).area_type,
        })
    }

    /// Every milestone of a fault with its deadline and outcome, judged by the SLA table at
    /// `as_of` (empty when the device is unknown).
    pub fn milestones(
        &self,
        cfg: &DomainConfig,
        record: &FaultRecord,
        as_of: Instant,
    ) -> Vec<MilestoneStatus> {
        self.sla_context(record.fault())
            .map_or_else(Vec::new, |ctx| {
                cfg.sla.assess(record.fault(), ctx, record.events(), as_of)
            })
    }

    /// Adds a fault record, or replaces the one with its id (a fault's events grew). The
    /// places and the rest stay as they are: what the service changes as faults arrive and
    /// progress. Refused (the scenario unchanged) when the fault's device is unknown.
    pub fn put_fault(&mut self, record: FaultRecord) -> Result<(), String> {
        let device = &record.fault().device;
        if self.device(device).is_none() {
            return Err(format!("no device {device}"));
        }
        match self
            .parts
            .faults
            .iter_mut()
            .find(|f| f.fault().id == record.fault().id)
        {
            Some(f) => *f = record,
            None => self.parts.faults.push(record),
        }
        Ok(())
    }

    /// Adds completed work to the history the cadence engine reads. Refused (the scenario
    /// unchanged) when its device, site or engineer is unknown.
    pub fn add_completion(&mut self, c: &Completion) -> Result<(), String> {
        if let Some(d) = c.device.as_ref().filter(|d| self.device(d).is_none()) {
            return Err(format!("no device {d}"));
        }
        if self.site(&c.site).is_none() {
            return Err(format!("no site {}", c.site));
        }
        if self.engineer(&c.engineer).is_none() {
            return Err(format!("no engineer {}", c.engineer));
        }
        match c.record() {
            Record::Inspection(r) => self.parts.inspections.push(r),
            Record::Callback(r) => self.parts.callbacks.push(r),
        }
        self.history = History::new(&self.parts.inspections, &self.parts.callbacks);
        Ok(())
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// Installation projects, in creation order.
    pub fn installations(&self) -> &[InstallationRecord] {
        &self.parts.installations
    }

    pub fn installation(&self, id: &str) -> Option<&InstallationRecord> {
        self.parts.installations.iter().find(|r| r.id() == id)
    }

    /// The installation project a task is a step of, if any.
    pub fn installation_of(
        &self,
        task: &crate::domain::ids::TaskId,
    ) -> Option<&InstallationRecord> {
        self.parts
            .installations
            .iter()
            .find(|r| r.step(task).is_some())
    }

    /// Adds an installation project, or replaces the one with its id (a step was done), with
    /// its devices as they now are (added or replaced). Refused (the scenario unchanged) when
    /// the site is unknown or a device is not at it.
    pub fn put_installation(
        &mut self,
        record: InstallationRecord,
        devices: Vec<Device>,
    ) -> Result<(), String> {
        let site = &record.project.site;
        if self.site(site).is_none() {
            return Err(format!("no site {site}"));
        }
        if let Some(d) = devices.iter().find(|d| d.site() != site) {
            return Err(format!("device {} is not at {site}", d.id()));
        }
        for d in devices {
            match self.devices.get(d.id()) {
                Some(&i) => self.parts.devices[i] = d,
                None => {
                    self.devices
                        .insert(d.id().clone(), self.parts.devices.len());
                    self.parts.devices.push(d);
                }
            }
        }
        match self
            .parts
            .installations
            .iter_mut()
            .find(|r| r.id() == record.id())
        {
            Some(r) => *r = record,
            None => self.parts.installations.push(record),
        }
        Ok(())
    }

    /// The installation steps to plan on `date` (see [`InstallationRecord::tasks_on`]).
    pub fn installation_tasks(&self, cfg: &DomainConfig, date: NaiveDate) -> Vec<Task> {
        self.parts
            .installations
            .iter()
            .flat_map(|r| r.tasks_on(date, &cfg.installation))
            .collect()
    }

    pub fn site(&self, id: &SiteId) -> Option<&Site> {
        self.sites.get(id).map(|&i| &self.parts.sites[i])
    }

    pub fn device(&self, id: &DeviceId) -> Option<&Device> {
        self.devices.get(id).map(|&i| &self.parts.devices[i])
    }

    pub fn service_point(&self, id: &ServicePointId) -> Option<&ServicePoint> {
        self.service_points
            .get(id)
            .map(|&i| &self.parts.service_points[i])
    }

    /// A member of the staff: a field engineer or a customer-service colleague.
    pub fn engineer(&self, id: &EngineerId) -> Option<&Engineer> {
        self.engineers.get(id).map(|&i| &self.parts.engineers[i])
    }

    /// The site of a device.
    pub fn site_of(&self, device: &Device) -> &Site {
        self.site(device.site())
            .expect("checked: every device's site exists")
    }

    /// Inspections and callbacks due in `horizon` (the scenario's own by default: pass
    /// `self.meta().horizon`), with durations from the configuration.
    pub fn due_tasks(&self, cfg: &DomainConfig, horizon: DateRange) -> Vec<Task> {
        due_tasks(self.sites(), self.devices(), &self.history, cfg, horizon)
    }

    /// Repair tasks of the faults still open at the reference instant that need a visit
    /// (`sla::Visit`), each with its earliest SLA deadline not yet reached.
    pub fn open_fault_tasks(&self, cfg: &DomainConfig) -> Vec<Task> {
        use crate::domain::sla::Outcome;
        let now = self.meta.reference_instant;
        self.faults()
            .iter()
            .filter(|f| !f.is_resolved())
            .filter(|f| cfg.sla.visit_needed(f.fault(), f.events()).is_some())
            .map(|record| {
                let fault = record.fault();
                let device = self.device(&fault.device).expect("checked");
                let site = self.site_of(device);
                let deadline = self
                    .milestones(cfg, record, now)
                    .into_iter()
                    .filter(|s| matches!(s.outcome, Outcome::Pending | Outcome::Missed))
                    .map(|s| s.deadline)
                    .min();
                crate::domain::task::Task::fault_repair(
                    record,
                    site.id.clone(),
                    device.family(),
                    deadline,
                    &cfg.durations,
                )
            })
            .collect()
    }

    pub fn into_parts(self) -> ScenarioParts {
        self.parts
    }

    pub fn parts(&self) -> &ScenarioParts {
        &self.parts
    }
}
