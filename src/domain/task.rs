//! Tasks the planner schedules: what, where, how long, and by when.
//!
//! Each kind carries exactly the data it needs ([`TaskDetail`]); the duration comes from the
//! [`DurationTable`] by kind and device family. Phone callbacks need an engineer's or
//! agent's time but no travel; spare-part deliveries are picked up at a service point
//! before the site.

use super::cadence::DueSlot;
use super::dates::DateRange;
use super::duration::Minutes;
use super::durations::DurationTable;
use super::family::DeviceFamily;
use super::fault::{FaultLevel, FaultRecord};
use super::ids::{DeviceId, FaultId, ServicePointId, SiteId, TaskId};
use super::instant::Instant;
use super::parts::PartNumber;
use serde::{Deserialize, Serialize};

/// What every repair task's id starts with, before its fault's id.
const REPAIR_PREFIX: &str = "T-REP-";

/// The kinds of task.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TaskKind {
    Inspection,
    PhoneCallback,
    OnSiteCallback,
    FaultRepair,
    SparePartDelivery,
    Installation,
    /// Taking a loan unit back once its fault is resolved (`domain::parts`).
    LoanCollection,
}

/// On-site phases of an installation project that need an engineer.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InstallationPhase {
    UnboxingCheck,
    HardwareInstallation,
    SoftwareCommissioning,
    AcceptanceTest,
    Training,
    /// The trial-run report and the application for final acceptance, one week before the
    /// trial run ends (`domain::installation`).
    TrialRunReport,
}

/// What a task is, with the data of its kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum TaskDetail {
    /// Preventive inspection (巡检) of one device.
    Inspection {
        device: DeviceId,
        family: DeviceFamily,
        due: DueSlot,
    },
    /// Phone callback (电话回访) to a customer.
    PhoneCallback { due: DueSlot },
    /// On-site callback (上门回访) at a customer.
    OnSiteCallback { due: DueSlot },
    /// Repair of a reported fault; `deadline` is the earliest open SLA deadline.
    FaultRepair {
        device: DeviceId,
        family: DeviceFamily,
        fault: FaultId,
        level: FaultLevel,
        reported: Instant,
        deadline: Option<Instant>,
    },
    /// A spare part (or, without `partNumber`, a loan unit) taken from `pickup` to the
    /// device.
    SparePartDelivery {
        device: DeviceId,
        family: DeviceFamily,
        pickup: ServicePointId,
        fault: Option<FaultId>,
        deadline: Instant,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part_number: Option<PartNumber>,
        /// The part was ordered from the manufacturer to `pickup`.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        ordered: bool,
    },
    /// A loan unit taken back from the site once its fault is resolved.
    LoanCollection {
        device: DeviceId,
        family: DeviceFamily,
        fault: FaultId,
        deadline: Instant,
    },
    /// One on-site visit of an installation project, inside a window of dates.
    Installation {
        device: DeviceId,
        family: DeviceFamily,
        phase: InstallationPhase,
        window: DateRange,
    },
}

impl TaskDetail {
    pub fn kind(&self) -> TaskKind {
        match self {
            TaskDetail::Inspection { .. } => TaskKind::Inspection,
            TaskDetail::PhoneCallback { .. } => TaskKind::PhoneCallback,
            TaskDetail::OnSiteCallback { .. } => TaskKind::OnSiteCallback,
            TaskDetail::FaultRepair { .. } => TaskKind::FaultRepair,
            TaskDetail::SparePartDelivery { .. } => TaskKind::SparePartDelivery,
            TaskDetail::Installation { .. } => TaskKind::Installation,
            TaskDetail::LoanCollection { .. } => TaskKind::LoanCollection,
        }
    }

    /// The device family the task concerns (none for callbacks, which are per customer).
    pub fn family(&self) -> Option<DeviceFamily> {
        match self {
            TaskDetail::Inspection { family, .. }
            | TaskDetail::FaultRepair { family, .. }
            | TaskDetail::SparePartDelivery { family, .. }
            | TaskDetail::Installation { family, .. }
            | TaskDetail::LoanCollection { family, .. } => Some(*family),
            TaskDetail::PhoneCallback { .. } | TaskDetail::OnSiteCallback { .. } => None,
        }
    }

    /// The time it takes, from the table.
    pub fn duration(&self, table: &DurationTable) -> Minutes {
        match self {
            TaskDetail::Inspection { family, .. } => *table.inspection.get(*family),
            TaskDetail::PhoneCallback { .. } => table.callback.phone,
            TaskDetail::OnSiteCallback { .. } => table.callback.on_site,
            TaskDetail::FaultRepair { family, .. } => *table.fault_repair.get(*family),
            TaskDetail::SparePartDelivery { family, .. }
            | TaskDetail::LoanCollection { family, .. } => *table.spare_part_delivery.get(*family),
            TaskDetail::Installation { family, .. } => *table.installation.get(*family),
        }
    }
}

/// A task at a customer site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: TaskId,
    pub site: SiteId,
    #[serde(flatten)]
    pub detail: TaskDetail,
    pub duration: Minutes,
}

impl Task {
    /// A task whose duration comes from the table.
    pub fn new(id: TaskId, site: SiteId, detail: TaskDetail, table: &DurationTable) -> Self {
        let duration = detail.duration(table);
        Self {
            id,
            site,
            detail,
            duration,
        }
    }

    pub fn kind(&self) -> TaskKind {
        self.detail.kind()
    }

    /// Whether an engineer must travel to the site (all but phone callbacks).
    pub fn needs_travel(&self) -> bool {
        self.kind() != TaskKind::PhoneCallback
    }

    /// The skill the task needs, if any.
    pub fn required_skill(&self) -> Option<DeviceFamily> {
        self.detail.family()
    }

    /// The id of a fault's repair task: `T-REP-<fault>` (the one home of that rule).
    pub fn repair_id(fault: &FaultId) -> TaskId {
        TaskId::new(format!("{REPAIR_PREFIX}{fault}")).expect("fault ids are valid id text")
    }

    /// The fault a repair task's id names, if it is one.
    pub fn repaired_fault(task: &TaskId) -> Option<FaultId> {
        FaultId::new(task.as_str().strip_prefix(REPAIR_PREFIX)?).ok()
    }

    /// A repair task for an open fault.
    pub fn fault_repair(
        record: &FaultRecord,
        site: SiteId,
        family: DeviceFamily,
        deadline: Option<Instant>,
        table: &DurationTable,
    ) -> Self {
        let f = record.fault();
        let id = Self::repair_id(&f.id);
        Self::new(
            id,
            site,
            TaskDetail::FaultRepair {
                device: f.device.clone(),
                family,
                fault: f.id.clone(),
                level: f.level,
                reported: f.reported,
                deadline,
            },
            table,
        )
    }
}
