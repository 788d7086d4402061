//! Day planning and urgent re-planning: domain state in, solver problems built, plans out.
//!
//! (The full API documentation is at the end of this page.)

mod assemble;
mod build;
mod clock;
mod context;
mod day;
mod desk;
mod error;
mod inputs;
mod kpis;
mod model;
mod settings;
mod tasks;

pub use clock::DayClock;
pub use context::PlanningContext;
pub use day::plan_day;
pub use error::PlanError;
pub use inputs::{DayInputs, FaultInput, PlanRequest, ProgressEvent, RosterAssignment};
pub use kpis::refresh as refresh_kpis;
pub use model::{
    CadenceInfo, DeskCall, EngineerKpis, EngineerRoute, FaultInfo, FaultStatus, Flag, Lunch, Plan,
    PlanKpis, PlanStats, ReasonCode, Stop, StopStatus, TaskRef, UnassignedTask,
};
pub use settings::PlanSettings;
pub use tasks::on_site_deadline;
