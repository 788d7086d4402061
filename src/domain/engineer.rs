//! Field engineers: home service point, skills, weekly shifts, absences, overtime, on-call.

use super::calendar::{DayKind, HolidayCalendar};
use super::dates::DateRange;
use super::day_time::LocalWindow;
use super::duration::Minutes;
use super::error::{Checked, FieldError};
use super::family::DeviceFamily;
use super::ids::{EngineerId, ServicePointId};
use super::name::Name;
use super::week::{ALL_DAYS, Week};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The device families an engineer is trained on; never empty for a field engineer
/// ([`Engineer::check`]), empty for customer-service staff.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BTreeSet<DeviceFamily>", into = "BTreeSet<DeviceFamily>")]
pub struct Skills(BTreeSet<DeviceFamily>);

impl Skills {
    pub fn new(families: impl IntoIterator<Item = DeviceFamily>) -> Checked<Self> {
        let set: BTreeSet<_> = families.into_iter().collect();
        if set.is_empty() {
            return Err(FieldError::new(
                "skills",
                "an engineer needs at least one skill",
            ));
        }
        Ok(Self(set))
    }

    /// No family at all (customer-service staff).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, family: DeviceFamily) -> bool {
        self.0.contains(&family)
    }

    pub fn iter(&self) -> impl Iterator<Item = DeviceFamily> + '_ {
        self.0.iter().copied()
    }
}

impl TryFrom<BTreeSet<DeviceFamily>> for Skills {
    type Error = FieldError;
    fn try_from(set: BTreeSet<DeviceFamily>) -> Checked<Self> {
        Skills::new(set)
    }
}

impl From<Skills> for BTreeSet<DeviceFamily> {
    fn from(s: Skills) -> Self {
        s.0
    }
}

/// What a member of the service staff does on site (domain.md, callback rules: an on-site
/// callback is signed by a customer-service colleague and a technical engineer, so both go).
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// A technical engineer, trained per device family ([`Skills`]).
    #[default]
    FieldEngineer,
    /// A customer-service colleague: no device work, goes along on on-site callbacks.
    CustomerService,
}

impl Role {
    pub fn is_field_engineer(&self) -> bool {
        *self == Role::FieldEngineer
    }
}

/// Why an engineer is away for a stretch of days.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LeaveKind {
    Annual,
    Sick,
    Training,
}

/// Days away, inclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Leave {
    pub dates: DateRange,
    pub kind: LeaveKind,
}

/// An engineer's working time on one local date.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Availability {
    /// Works the shift.
    Shift(LocalWindow),
    /// No shift, but on call for urgent faults (weekend or holiday duty).
    OnCall,
    Off,
}

/// A member of the service staff: a field engineer, or (with `role: customerService`) a
/// customer-service colleague who goes along on on-site callbacks. Invariants: at least one
/// weekday has a shift; a field engineer has at least one skill, a colleague none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Engineer {
    pub id: EngineerId,
    pub name: Name,
    /// Omitted for a field engineer.
    #[serde(default, skip_serializing_if = "Role::is_field_engineer")]
    pub role: Role,
    /// Starts and ends each working day here.
    pub home: ServicePointId,
    /// Omitted for customer-service staff.
    #[serde(default, skip_serializing_if = "Skills::is_empty")]
    pub skills: Skills,
    /// The usual shift of each weekday; days without one are off.
    pub shifts: Week<Option<LocalWindow>>,
    /// Single days off beyond the weekly pattern.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub days_off: BTreeSet<NaiveDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leave: Vec<Leave>,
    /// Overtime that may be planned in one week (Monday to Sunday).
    pub overtime_per_week: Minutes,
    /// Dates of on-call duty (nights, weekends, holidays: reachable for urgent faults).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub on_call: BTreeSet<NaiveDate>,
}

impl Engineer {
    /// Checks the invariants serde cannot see.
    pub fn check(&self) -> Checked<()> {
        if ALL_DAYS.iter().all(|d| self.shifts.get(*d).is_none()) {
            return Err(FieldError::new(
                "shifts",
                "at least one weekday needs a shift",
            ));
        }
        match (self.role, self.skills.is_empty()) {
            (Role::FieldEngineer, true) => Err(FieldError::new(
                "skills",
                "an engineer needs at least one skill",
            )),
            (Role::CustomerService, false) => Err(FieldError::new(
                "skills",
                "customer-service staff have no device skills",
            )),
            _ => Ok(()),
        }
    }

    pub fn is_absent(&self, date: NaiveDate) -> bool {
        self.days_off.contains(&date) || self.leave.iter().any(|l| l.dates.contains(date))
    }

    /// The usual shift of a working weekday, used on adjusted working days (调休): the
    /// Monday shift, else the first weekday that has one.
    fn standard_shift(&self) -> Option<LocalWindow> {
        ALL_DAYS.iter().find_map(|d| *self.shifts.get(*d))
    }

    /// What the engineer does on a local date: absences first, then holidays (off unless
    /// on call), adjusted working days (the standard shift), then the weekly pattern.
    pub fn availability(&self, date: NaiveDate, calendar: &HolidayCalendar) -> Availability {
        if self.is_absent(date) {
            return Availability::Off;
        }
        let shift = match calendar.day_kind(date) {
            DayKind::Holiday(_) => None,
            DayKind::AdjustedWorkday(_) => self.standard_shift(),
            DayKind::Working | DayKind::Weekend => *self.shifts.get(date.weekday()),
        };
        match shift {
            Some(w) => Availability::Shift(w),
            None if self.on_call.contains(&date) => Availability::OnCall,
            None => Availability::Off,
        }
    }
}
