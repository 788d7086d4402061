//! Spare parts, loan units and dead-on-arrival (DOA) replacements: the source's promises
//! beyond the visit (`shared/domain.md`, "Spare parts", "Dead on arrival", "Warranty").
//!
//! - **Parts within 24 h.** "接到用户备件申请或换货申请后,24小时内给提供备件或进行维修": a part
//!   request is delivered within [`PartsConfig::delivery_hours`] of the request, picked up
//!   at the service point nearest the site (by drive time) that has one available (the plan
//!   ring chooses it: it knows drive times). Stock is reserved at the request (so two requests
//!   never count on the same unit) and taken out at the pickup.
//! - **Stocked nowhere.** The part is ordered from the manufacturer ("预先与厂家达成关键设备备件
//!   提供协议"): it arrives [`PartsConfig::manufacturer_lead_hours`] after the request at the
//!   nearest service point, and its delivery is due `delivery_hours` after that arrival and is
//!   flagged [`DeliveryFlag::ManufacturerOrder`].
//! - **Not fixed 24 h after arrival.** "到达现场后24小时内不能解决的,提供原厂的备品备件支持": a
//!   part requested when the engineer first arrived on site
//!   [`PartsConfig::not_fixed_hours`] or more before, the fault still open, is the
//!   manufacturer's original part: ordered from the manufacturer even when a service point
//!   stocks one, flagged [`DeliveryFlag::ManufacturerPartsRule`].
//! - **Loan units.** "不能正常使用的必须提供备用机": a device that cannot be used (a fault of a
//!   level in [`PartsConfig::loan_levels`], or on request) gets a loan unit of its family from
//!   the nearest service point's pool, and the unit is collected once the fault is resolved.
//!   No unit free: the loan is recorded [`LoanStatus::NoUnit`], never a negative pool.
//! - **DOA.** "将产品或者部件在第二个工作日发出 ... 客户必须在收到替换备件后15个工作日之内将坏损
//!   的产品或者部件返回": the replacement ships on the next working day after the report (the
//!   report's day counted as the first, the source's "second working day"), by the holiday
//!   calendar; the broken unit's return is due 15 working days after the replacement is
//!   received.
//!
//! Records here are plain data with their rules; the store keeps them as JSON, the API and the
//! planner read them.

use super::calendar::HolidayCalendar;
use super::durations::DurationTable;
use super::error::{Checked, FieldError};
use super::family::DeviceFamily;
use super::fault::{FaultEventKind, FaultLevel, FaultRecord};
use super::ids::{DeviceId, FaultId, ServicePointId, SiteId, TaskId};
use super::instant::Instant;
use super::task::{Task, TaskDetail};
use chrono::{NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A manufacturer's part number: 2 to 40 of `A-Z`, `0-9`, `-`, `.`, starting with a letter
/// or digit (`DR-FPD-4343`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartNumber(String);

impl PartNumber {
    pub fn new(value: impl Into<String>) -> Checked<Self> {
        let v: String = value.into();
        let ok_char =
            |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '.';
        let first_ok = v
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if !(2..=40).contains(&v.len()) || !first_ok || !v.chars().all(ok_char) {
            return Err(FieldError::new(
                "partNumber",
                format!(
                    "'{v}' is not a part number (2 to 40 of A-Z, 0-9, '-', '.', \
                     starting with a letter or digit)"
                ),
            ));
        }
        Ok(Self(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PartNumber {
    type Error = FieldError;
    fn try_from(v: String) -> Checked<Self> {
        Self::new(v)
    }
}

impl From<PartNumber> for String {
    fn from(p: PartNumber) -> String {
        p.0
    }
}

impl std::str::FromStr for PartNumber {
    type Err = FieldError;
    fn from_str(s: &str) -> Checked<Self> {
        Self::new(s)
    }
}

impl fmt::Display for PartNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One row of a stock import: how many of a part a service point holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StockRow {
    pub service_point: ServicePointId,
    pub part_number: PartNumber,
    pub quantity: u32,
}

/// What the planner is told about stock: the units of each part available (on the shelf and
/// not reserved) at each service point. Empty: stock is not modelled (every service point
/// serves every part, as before stock existed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stock {
    available: BTreeMap<(ServicePointId, PartNumber), u32>,
}

impl Stock {
    pub fn new(rows: impl IntoIterator<Item = (ServicePointId, PartNumber, u32)>) -> Self {
        Self {
            available: rows
                .into_iter()
                .map(|(sp, part, n)| ((sp, part), n))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.available.is_empty()
    }

    pub fn available(&self, sp: &ServicePointId, part: &PartNumber) -> u32 {
        self.available
            .get(&(sp.clone(), part.clone()))
            .copied()
            .unwrap_or(0)
    }

    /// The service points with at least one unit of `part` available.
    pub fn holders(&self, part: &PartNumber) -> Vec<ServicePointId> {
        self.available
            .iter()
            .filter(|((_, p), n)| p == part && **n > 0)
            .map(|((sp, _), _)| sp.clone())
            .collect()
    }
}

/// The pool of loan units of one family at one service point (`config/parts.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoanPool {
    pub service_point: ServicePointId,
    pub family: DeviceFamily,
    pub units: u32,
}

/// The rules of parts, loans and DOA (`config/parts.toml`; defaults from the source).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PartsConfig {
    /// A part is delivered within this of its request (the source: 24 h).
    pub delivery_hours: u32,
    /// From the order to the part's arrival from the manufacturer (ours: the source is silent).
    pub manufacturer_lead_hours: u32,
    /// Not fixed this long after the engineer's first arrival: the manufacturer's parts
    /// (the source: 24 h).
    pub not_fixed_hours: u32,
    /// Fault levels whose device cannot be used: each gets a loan unit.
    pub loan_levels: Vec<FaultLevel>,
    /// A DOA replacement ships this many working days after the report (the source: the
    /// next working day).
    pub doa_ship_working_days: u32,
    /// The broken unit is due back this many working days after the replacement arrived.
    pub doa_return_working_days: u32,
    /// Loan units per service point and family.
    pub loan_pool: Vec<LoanPool>,
}

impl Default for PartsConfig {
    fn default() -> Self {
        Self {
            delivery_hours: 24,
            manufacturer_lead_hours: 72,
            not_fixed_hours: 24,
            loan_levels: vec![FaultLevel::L1],
            doa_ship_working_days: 1,
            doa_return_working_days: 15,
            loan_pool: Vec::new(),
        }
    }
}

impl PartsConfig {
    pub fn from_toml_str(text: &str) -> Checked<Self> {
        let cfg: PartsConfig =
            toml::from_str(text).map_err(|e| FieldError::new("", e.to_string()))?;
        for (name, v, max) in [
            ("delivery_hours", cfg.delivery_hours, 24 * 14),
            (
                "manufacturer_lead_hours",
                cfg.manufacturer_lead_hours,
                24 * 90,
            ),
            ("not_fixed_hours", cfg.not_fixed_hours, 24 * 14),
            ("doa_ship_working_days", cfg.doa_ship_working_days, 30),
            ("doa_return_working_days", cfg.doa_return_working_days, 90),
        ] {
            if v == 0 || v > max {
                return Err(FieldError::new(name, format!("{v} is not in 1..={max}")));
            }
        }
        Ok(cfg)
    }

    /// Does a fault of this level leave its device unusable (a loan unit is due)?
    pub fn lends_for(&self, level: FaultLevel) -> bool {
        self.loan_levels.contains(&level)
    }

    /// Is the source's manufacturer-parts rule in force for `fault` at `at`: an engineer
    /// first arrived `not_fixed_hours` or more before `at` and the fault is still open?
    pub fn manufacturer_rule(&self, fault: &FaultRecord, at: Instant) -> bool {
        let arrived = fault
            .events()
            .iter()
            .find(|e| e.kind == FaultEventKind::OnSite)
            .map(|e| e.at);
        !fault.is_resolved() && arrived.is_some_and(|a| at >= a.plus(hours(self.not_fixed_hours)))
    }
}

fn hours(h: u32) -> TimeDelta {
    TimeDelta::hours(i64::from(h))
}

/// Where a delivery's part comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "from",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PartSource {
    /// A unit reserved at this service point.
    Stock { service_point: ServicePointId },
    /// Ordered from the manufacturer; it arrives at `service_point` at `arrives`.
    Manufacturer {
        service_point: ServicePointId,
        arrives: Instant,
    },
}

impl PartSource {
    /// Where the engineer picks the part up.
    pub fn service_point(&self) -> &ServicePointId {
        match self {
            PartSource::Stock { service_point }
            | PartSource::Manufacturer { service_point, .. } => service_point,
        }
    }
}

/// Where a delivery stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeliveryStatus {
    /// Waiting for its pickup (the part is reserved, or on order).
    Planned,
    /// The engineer reported the delivery visit begun: the part left the shelf.
    PickedUp,
    /// The delivery visit is done.
    Delivered,
}

/// What a dispatcher must notice about a delivery.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryFlag {
    /// Stocked nowhere: ordered from the manufacturer.
    ManufacturerOrder,
    /// Not fixed within 24 h of the engineer's arrival: the manufacturer's parts.
    ManufacturerPartsRule,
    /// Delivered after its due time, or not delivered and past it.
    Late,
}

/// A spare part on its way to a device (`partRequested`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// `PD-<fault>-<n>`, n counting the fault's part requests from 1.
    pub id: String,
    pub fault: FaultId,
    pub device: DeviceId,
    pub site: SiteId,
    pub family: DeviceFamily,
    pub part_number: PartNumber,
    pub requested_at: Instant,
    /// The promise: `delivery_hours` after the request, or after the manufacturer's part
    /// arrives.
    pub due: Instant,
    pub source: PartSource,
    pub status: DeliveryStatus,
    /// Set at the first visit report (`arrived`, `started` or `done`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picked_up_at: Option<Instant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<Instant>,
    /// The source's manufacturer-parts rule chose the manufacturer.
    #[serde(default)]
    pub manufacturer_rule: bool,
}

impl Delivery {
    pub fn id_for(fault: &FaultId, n: usize) -> String {
        format!("PD-{fault}-{n}")
    }

    /// Its task's id (`T-` and its own id).
    pub fn task_id(&self) -> TaskId {
        TaskId::new(format!("T-{}", self.id)).expect("delivery ids are id text")
    }

    /// The due time of a part taken from stock at `requested`, or arriving from the
    /// manufacturer at `arrives`.
    pub fn due_after(cfg: &PartsConfig, requested: Instant, arrives: Option<Instant>) -> Instant {
        arrives.unwrap_or(requested).plus(hours(cfg.delivery_hours))
    }

    /// The first date it can be planned on: the request's date, or for a part on order the
    /// day after it arrives (a pickup has no time window of its own, so a part arriving
    /// during the day is fetched from the next morning on), or the arrival date at midnight.
    pub fn plannable_from(&self) -> NaiveDate {
        match &self.source {
            PartSource::Stock { .. } => self.requested_at.date(),
            PartSource::Manufacturer { arrives, .. } => {
                if arrives.time() == chrono::NaiveTime::MIN {
                    arrives.date()
                } else {
                    super::dates::add_days(arrives.date(), 1)
                }
            }
        }
    }

    pub fn flags(&self, now: Instant) -> Vec<DeliveryFlag> {
        let mut f = Vec::new();
        if matches!(self.source, PartSource::Manufacturer { .. }) {
            f.push(DeliveryFlag::ManufacturerOrder);
        }
        if self.manufacturer_rule {
            f.push(DeliveryFlag::ManufacturerPartsRule);
        }
        let late = match self.delivered_at {
            Some(d) => d > self.due,
            None => now > self.due,
        };
        if late {
            f.push(DeliveryFlag::Late);
        }
        f
    }

    /// The visit that brings the part, for the planner (none once delivered).
    pub fn task(&self, table: &DurationTable) -> Option<Task> {
        (self.status != DeliveryStatus::Delivered).then(|| {
            Task::new(
                self.task_id(),
                self.site.clone(),
                TaskDetail::SparePartDelivery {
                    device: self.device.clone(),
                    family: self.family,
                    pickup: self.source.service_point().clone(),
                    fault: Some(self.fault.clone()),
                    deadline: self.due,
                    part_number: Some(self.part_number.clone()),
                    ordered: matches!(self.source, PartSource::Manufacturer { .. }),
                },
                table,
            )
        })
    }
}

/// Where a loan stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LoanStatus {
    /// No unit of the family was free in any pool: a dispatcher must find one.
    NoUnit,
    /// A unit is taken from the pool and on its way.
    Delivering,
    /// The unit is at the customer.
    OnSite,
    /// The fault is resolved: the unit is to be collected.
    Collecting,
    /// Back in its pool.
    Returned,
}

/// A loan unit for a device that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Loan {
    /// `LN-<fault>`: one loan per fault.
    pub id: String,
    pub fault: FaultId,
    pub device: DeviceId,
    pub site: SiteId,
    pub family: DeviceFamily,
    pub requested_at: Instant,
    /// Due on site `delivery_hours` after the request.
    pub due: Instant,
    /// The pool the unit comes from and returns to (`None`: no unit was free).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_point: Option<ServicePointId>,
    pub status: LoanStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<Instant>,
    /// When the fault was resolved: collection from then on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collect_from: Option<Instant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<Instant>,
}

impl Loan {
    pub fn id_for(fault: &FaultId) -> String {
        format!("LN-{fault}")
    }

    pub fn delivery_task_id(&self) -> TaskId {
        TaskId::new(format!("T-{}", self.id)).expect("loan ids are id text")
    }

    pub fn collection_task_id(&self) -> TaskId {
        TaskId::new(format!("T-{}-BACK", self.id)).expect("loan ids are id text")
    }

    /// The visit it needs next, if any: the unit's delivery (picked up at its pool) or its
    /// collection (a plain visit, due `delivery_hours` after the resolution).
    pub fn task(&self, cfg: &PartsConfig, table: &DurationTable) -> Option<Task> {
        let sp = self.service_point.clone()?;
        let detail = match self.status {
            LoanStatus::Delivering => TaskDetail::SparePartDelivery {
                device: self.device.clone(),
                family: self.family,
                pickup: sp,
                fault: Some(self.fault.clone()),
                deadline: self.due,
                part_number: None,
                ordered: false,
            },
            LoanStatus::Collecting => TaskDetail::LoanCollection {
                device: self.device.clone(),
                family: self.family,
                fault: self.fault.clone(),
                deadline: self.collect_from?.plus(hours(cfg.delivery_hours)),
            },
            _ => return None,
        };
        let id = match self.status {
            LoanStatus::Delivering => self.delivery_task_id(),
            _ => self.collection_task_id(),
        };
        Some(Task::new(id, self.site.clone(), detail, table))
    }
}

/// Where a DOA case stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DoaStatus {
    /// Recorded; the replacement ships on `shipsOn`.
    Recorded,
    Shipped,
    /// The customer received the replacement: the broken unit is due back.
    Received,
    /// The broken unit is back.
    Returned,
}

impl DoaStatus {
    /// The status an event moves to, if allowed from `self` (each step once, in order).
    pub fn after(self, event: DoaEvent) -> Option<DoaStatus> {
        use DoaStatus as S;
        match (self, event) {
            (S::Recorded, DoaEvent::Shipped) => Some(S::Shipped),
            (S::Recorded | S::Shipped, DoaEvent::Received) => Some(S::Received),
            (S::Received, DoaEvent::Returned) => Some(S::Returned),
            _ => None,
        }
    }
}

/// A step of a DOA case.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DoaEvent {
    Shipped,
    Received,
    Returned,
}

/// A device damaged on arrival: its replacement and the broken unit's return.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Doa {
    /// `DOA-<device>`: one per device.
    pub id: String,
    pub device: DeviceId,
    pub site: SiteId,
    pub recorded_at: Instant,
    /// The replacement ships on this working day.
    pub ships_on: NaiveDate,
    pub status: DoaStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipped_at: Option<Instant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<Instant>,
    /// The broken unit is due back by the end of this working day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_due: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_at: Option<Instant>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Doa {
    pub fn id_for(device: &DeviceId) -> String {
        format!("DOA-{device}")
    }

    /// A new case recorded at `at`: the replacement ships `doa_ship_working_days` working
    /// days after the report's date.
    pub fn record(
        cfg: &PartsConfig,
        calendar: &HolidayCalendar,
        device: DeviceId,
        site: SiteId,
        at: Instant,
        note: String,
    ) -> Self {
        Self {
            id: Self::id_for(&device),
            device,
            site,
            recorded_at: at,
            ships_on: calendar.working_days_after(at.date(), cfg.doa_ship_working_days),
            status: DoaStatus::Recorded,
            shipped_at: None,
            received_at: None,
            return_due: None,
            returned_at: None,
            note,
        }
    }

    /// Applies a step at `at`; `Err` names the rule it breaks.
    pub fn apply(
        &mut self,
        cfg: &PartsConfig,
        calendar: &HolidayCalendar,
        event: DoaEvent,
        at: Instant,
    ) -> Checked<()> {
        let next = self.status.after(event).ok_or_else(|| {
            FieldError::new(
                "kind",
                format!("{:?} cannot follow status {:?}", event, self.status),
            )
        })?;
        if at < self.recorded_at {
            return Err(FieldError::new(
                "at",
                format!(
                    "{at} is before the case was recorded ({})",
                    self.recorded_at
                ),
            ));
        }
        match event {
            DoaEvent::Shipped => self.shipped_at = Some(at),
            DoaEvent::Received => {
                self.received_at = Some(at);
                self.return_due =
                    Some(calendar.working_days_after(at.date(), cfg.doa_return_working_days));
            }
            DoaEvent::Returned => self.returned_at = Some(at),
        }
        self.status = next;
        Ok(())
    }

    /// The broken unit is not back and its return day has ended before `today`.
    pub fn return_overdue(&self, today: NaiveDate) -> bool {
        self.status == DoaStatus::Received && self.return_due.is_some_and(|d| d < today)
    }

    /// The replacement has not shipped and its shipping day has ended before `today`.
    pub fn shipping_overdue(&self, today: NaiveDate) -> bool {
        self.status == DoaStatus::Recorded && self.ships_on < today
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Instant {
        Instant::parse(s).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Autumn 2026 as `config/holidays.toml` has it: Mid-Autumn 25-27 September and
    /// National Day 1-7 October off; Sunday 20 September and Saturday 10 October worked.
    fn calendar() -> HolidayCalendar {
        HolidayCalendar::from_toml_str(
            r#"
years = [2026]
[[holiday]]
name = "Mid-Autumn"
from = "2026-09-25"
to = "2026-09-27"
[[holiday]]
name = "National Day"
from = "2026-10-01"
to = "2026-10-07"
[[workday]]
date = "2026-09-20"
name = "National Day"
[[workday]]
date = "2026-10-10"
name = "National Day"
"#,
        )
        .unwrap()
    }

    #[test]
    fn part_numbers_are_checked() {
        assert!(PartNumber::new("DR-FPD-4343").is_ok());
        assert!(PartNumber::new("KC.600-LAMP").is_ok());
        for bad in ["", "x", "-DR", "dr-fpd", "DR FPD", &"A".repeat(41)] {
            assert!(PartNumber::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn doa_replacement_ships_on_the_next_working_day_across_a_holiday() {
        let cfg = PartsConfig::default();
        let cal = calendar();
        let device = DeviceId::new("D-0001").unwrap();
        let site = SiteId::new("S-0001").unwrap();
        // Reported Wednesday 30 September: 1-7 October are off, Thursday 8 October is the
        // next working day.
        let doa = Doa::record(
            &cfg,
            &cal,
            device.clone(),
            site.clone(),
            at("2026-09-30T16:00:00+08:00"),
            String::new(),
        );
        assert_eq!(doa.ships_on, d("2026-10-08"));
        // Reported Thursday 24 September: Mid-Autumn (Friday 25 to Sunday 27) is off, so
        // Monday 28.
        let doa = Doa::record(
            &cfg,
            &cal,
            device,
            site,
            at("2026-09-24T10:00:00+08:00"),
            String::new(),
        );
        assert_eq!(doa.ships_on, d("2026-09-28"));
    }

    #[test]
    fn doa_return_falls_due_15_working_days_after_receipt() {
        let cfg = PartsConfig::default();
        let cal = calendar();
        let mut doa = Doa::record(
            &cfg,
            &cal,
            DeviceId::new("D-0001").unwrap(),
            SiteId::new("S-0001").unwrap(),
            at("2026-09-23T09:00:00+08:00"),
            String::new(),
        );
        doa.apply(
            &cfg,
            &cal,
            DoaEvent::Shipped,
            at("2026-09-24T09:00:00+08:00"),
        )
        .unwrap();
        doa.apply(
            &cfg,
            &cal,
            DoaEvent::Received,
            at("2026-09-28T15:00:00+08:00"),
        )
        .unwrap();
        // By hand, from Monday 28 September: Tue 29 (1), Wed 30 (2); 1-7 October off;
        // Thu 8 (3), Fri 9 (4), Sat 10 worked (5), Mon 12..Fri 16 (6-10), Mon 19..Fri 23
        // (11-15).
        assert_eq!(doa.return_due, Some(d("2026-10-23")));
        assert!(!doa.return_overdue(d("2026-10-23")));
        assert!(doa.return_overdue(d("2026-10-24")));
        // Steps come once and in order.
        assert!(
            doa.apply(
                &cfg,
                &cal,
                DoaEvent::Shipped,
                at("2026-09-29T09:00:00+08:00")
            )
            .is_err()
        );
        doa.apply(
            &cfg,
            &cal,
            DoaEvent::Returned,
            at("2026-10-20T09:00:00+08:00"),
        )
        .unwrap();
        assert!(!doa.return_overdue(d("2026-10-24")));
    }

    #[test]
    fn a_manufacturer_part_is_due_24_hours_after_it_arrives() {
        let cfg = PartsConfig::default();
        let requested = at("2026-12-07T10:00:00+08:00");
        // 72 h lead: arrives Thursday 10:00, due Friday 10:00; plannable from Friday.
        let arrives = requested.plus(hours(cfg.manufacturer_lead_hours));
        assert_eq!(arrives, at("2026-12-10T10:00:00+08:00"));
        let due = Delivery::due_after(&cfg, requested, Some(arrives));
        assert_eq!(due, at("2026-12-11T10:00:00+08:00"));
        assert_eq!(
            Delivery::due_after(&cfg, requested, None),
            at("2026-12-08T10:00:00+08:00")
        );
    }

    #[test]
    fn the_manufacturer_parts_rule_holds_24_hours_after_the_first_arrival_until_resolved() {
        use crate::domain::fault::{Fault, FaultEvent};
        let cfg = PartsConfig::default();
        let fault = Fault {
            id: FaultId::new("F-0001").unwrap(),
            device: DeviceId::new("D-0001").unwrap(),
            level: FaultLevel::L2,
            reported: at("2026-12-07T08:00:00+08:00"),
            description: String::new(),
        };
        let arrived = FaultEvent::new(FaultEventKind::OnSite, at("2026-12-07T09:00:00+08:00"));
        let again = FaultEvent::new(FaultEventKind::OnSite, at("2026-12-08T08:00:00+08:00"));
        let open = FaultRecord::new(fault.clone(), vec![arrived.clone(), again]).unwrap();
        // The first arrival counts: 09:00 on Monday, so from 09:00 on Tuesday.
        assert!(!cfg.manufacturer_rule(&open, at("2026-12-08T08:59:00+08:00")));
        assert!(cfg.manufacturer_rule(&open, at("2026-12-08T09:00:00+08:00")));
        // Never before anyone arrived, never once resolved.
        let none = FaultRecord::new(fault.clone(), vec![]).unwrap();
        assert!(!cfg.manufacturer_rule(&none, at("2026-12-20T09:00:00+08:00")));
        let mut fixed = FaultEvent::new(FaultEventKind::Resolved, at("2026-12-08T10:00:00+08:00"));
        fixed.confirmed_by = Some("Dr. Wu".into());
        let resolved = FaultRecord::new(fault, vec![arrived, fixed]).unwrap();
        assert!(!cfg.manufacturer_rule(&resolved, at("2026-12-09T09:00:00+08:00")));
    }

    #[test]
    fn stock_lists_the_holders_of_a_part() {
        let sp = |s: &str| ServicePointId::new(s).unwrap();
        let part = PartNumber::new("DR-FPD-4343").unwrap();
        let stock = Stock::new([
            (sp("SP-DH"), part.clone(), 0),
            (sp("SP-XH"), part.clone(), 2),
            (sp("SP-JX"), PartNumber::new("KC-LAMP").unwrap(), 1),
        ]);
        assert_eq!(stock.holders(&part), vec![sp("SP-XH")]);
        assert_eq!(stock.available(&sp("SP-DH"), &part), 0);
    }
}
