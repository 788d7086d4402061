//! Day planning and urgent re-planning: domain state in, solver problems built, plans out.
//!
//! (The full API documentation is at the end of this page.)

mod assemble;
mod build;
pub mod check;
mod clock;
mod context;
mod day;
mod desk;
pub mod diff;
mod error;
mod inputs;
mod kpis;
mod model;
pub mod replan;
mod settings;
mod tasks;

pub use check::{Violation, ViolationCode, check, check_replan};
pub use clock::DayClock;
pub use context::PlanningContext;
pub use day::{plan_day, plan_day_cancellable};
pub use diff::{Change, PlanDiff, diff};
pub use error::PlanError;
pub use inputs::{DayInputs, FaultInput, PlanRequest, ProgressEvent, RosterAssignment};
pub use kpis::refresh as refresh_kpis;
pub use model::{
    CadenceInfo, DeskCall, EngineerKpis, EngineerRoute, FaultInfo, FaultStatus, Flag, Lunch, Plan,
    PlanKpis, PlanStats, ReasonCode, Stop, StopStatus, TaskRef, UnassignedTask,
};
pub use settings::PlanSettings;
pub use tasks::on_site_deadline;
