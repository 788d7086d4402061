//! The cadence engine: which preventive inspections and callbacks are due, and whether past
//! ones were done on time.
//!
//! Every cadence is a series of [`Slot`]s counted in whole months from a fixed anchor (the
//! device's acceptance for inspections, the customer's first sale for callbacks), each with a
//! date window around its due date. Counting from the anchor, never from the previous due
//! date, keeps month ends from drifting (see [`crate::domain::dates`]).
//!
//! Inspections follow the device's age at the previous slot (the source's table):
//! every month in months 0-12, every 2 months in months 12-24, every 3 months after, so the
//! slots fall at months 1, 2, ..., 12, 14, 16, ..., 24, 27, 30, ... after acceptance.
//! Phone callbacks: the first within one month of each sale, then every quarter from the
//! customer's first sale. On-site callbacks: large customers every 6 months, very large
//! every 3 months.
//!
//! A completed visit satisfies every slot whose window had opened by then, so an overdue slot
//! is done once, not once per missed month ([`due`]). Compliance ([`compliance`]) matches the
//! completions to the slots one to one.

mod callbacks;
mod compliance;
mod config;
mod due;
mod inspections;
mod slot;

pub use callbacks::{
    escalation_slots, on_site_callback_slots, on_site_callback_slots_after, phone_callback_slots,
};
pub use compliance::{
    SlotCompliance, SlotOutcome, compliance, inspection_compliance, on_site_callback_compliance,
};
pub use config::{CadenceConfig, InspectionBand, OnSiteCallbackCadence, PhoneCallbackCadence};
pub use due::{DueSlot, due_in_horizon};
pub use inspections::{inspection_slots, inspection_slots_after};
pub use slot::Slot;
