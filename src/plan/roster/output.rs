//! The roster as the service publishes it: engineer-days with timed visits, the tasks left
//! out with their reason, KPIs, timings and the model's size. Serialize/Deserialize, so it is
//! the `roster.json` file and the body of `GET /v1/rosters/{id}`.

use crate::domain::dates::DateRange;
use crate::domain::day_time::LocalWindow;
use crate::domain::family::DeviceFamily;
use crate::domain::geo::LatLon;
use crate::domain::ids::{DeviceId, EngineerId, ServicePointId, SiteId, TaskId};
use crate::domain::name::Name;
use crate::domain::reason::ReasonCode;
use crate::domain::task::TaskKind;
use crate::solve::roster::lp::LpSize;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A published roster. `version` grows with each publication of the same horizon; calendar
/// feeds derive their SEQUENCE from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Roster {
    pub version: u32,
    /// When it was published (the calendars' DTSTAMP); `None` until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub horizon: DateRange,
    pub seed: u64,
    pub days: Vec<EngineerDay>,
    /// Phone callbacks at the service centre's desk, per agent and day (never an engineer's
    /// time).
    #[serde(default)]
    pub desk: Vec<DeskDay>,
    pub left_out: Vec<LeftOut>,
    pub engineers: Vec<EngineerSummary>,
    pub kpis: Kpis,
    pub timings: Timings,
    pub model: ModelStats,
}

impl Roster {
    /// Every visit, with its engineer-day.
    pub fn visits(&self) -> impl Iterator<Item = (&EngineerDay, &Visit)> {
        self.days
            .iter()
            .flat_map(|d| d.visits.iter().map(move |v| (d, v)))
    }

    /// The visits of one engineer.
    pub fn visits_of<'a>(
        &'a self,
        engineer: &'a EngineerId,
    ) -> impl Iterator<Item = (&'a EngineerDay, &'a Visit)> + 'a {
        self.visits().filter(move |(d, _)| &d.engineer == engineer)
    }
}

/// One engineer's working day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineerDay {
    pub engineer: EngineerId,
    pub engineer_name: Name,
    pub date: NaiveDate,
    pub home: ServicePointId,
    pub shift: LocalWindow,
    /// Leaves the service point (after the desk work), and is back.
    pub depart: NaiveTime,
    pub back: NaiveTime,
    /// The route's visits (phone callbacks are the desk's, in [`Roster::desk`]).
    pub visits: Vec<Visit>,
    pub work_minutes: u32,
    pub travel_minutes: u32,
    pub travel_metres: u32,
    /// Minutes of the shift (less lunch) left free: at least the fault reserve.
    pub free_minutes: u32,
    /// The reserve the district asks for, in minutes.
    pub reserve_minutes: u32,
}

/// One customer-service agent's phone callbacks on one date, back to back inside the desk
/// hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeskDay {
    pub date: NaiveDate,
    /// The agent's number at the desk, from 1.
    pub agent: usize,
    pub calls: Vec<Visit>,
}

/// A task at a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    pub task: TaskId,
    pub kind: TaskKind,
    /// False for phone callbacks (desk work of a customer-service agent).
    pub on_site: bool,
    pub site: SiteId,
    pub site_name: Name,
    pub address: Name,
    pub location: LatLon,
    pub device: Option<DeviceId>,
    pub device_model: Option<String>,
    pub family: Option<DeviceFamily>,
    /// Local times in Asia/Shanghai.
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub due: NaiveDate,
    pub window: DateRange,
    pub late_days: u32,
}

/// A task the roster does not place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeftOut {
    pub task: TaskId,
    pub kind: TaskKind,
    pub site: SiteId,
    pub window: Option<DateRange>,
    pub reason: ReasonCode,
    /// Its window continues after the horizon: the next roster can still do it on time.
    pub deferrable: bool,
}

/// Work of one engineer over the horizon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineerSummary {
    pub engineer: EngineerId,
    pub days_worked: u32,
    pub days_available: u32,
    pub visits: u32,
    pub work_minutes: u32,
    pub travel_minutes: u32,
    pub travel_metres: u64,
}

/// Mean, spread and range of a quantity over engineers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spread {
    pub mean: f64,
    pub std_dev: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(values: &[f64]) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Self {
            mean,
            std_dev: var.sqrt(),
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// What the roster achieves.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kpis {
    pub tasks: usize,
    pub placed: usize,
    pub placed_in_window: usize,
    /// Share of all tasks placed inside their window, percent.
    pub in_window_pct: f64,
    pub late: usize,
    pub late_days_total: u64,
    pub left_out: usize,
    pub left_out_deferrable: usize,
    pub left_out_by_reason: BTreeMap<ReasonCode, usize>,
    pub inspections: usize,
    /// Inspections with a skilled engineer available on a day of their window in the horizon.
    pub inspections_doable_on_time: usize,
    pub inspections_doable_placed_in_window: usize,
    /// The target: at least 98.
    pub inspections_doable_in_window_pct: f64,
    pub travel_km: f64,
    pub travel_hours: f64,
    /// Work (service and travel) per engineer over the horizon, hours.
    pub work_hours_per_engineer: Spread,
    pub engineer_days_used: usize,
    pub engineer_days_available: usize,
    /// Minutes kept free for faults over all working engineer-days (lunch excluded).
    pub free_minutes: u64,
    /// The reserve the districts ask for over the same days.
    pub reserve_minutes: u64,
    /// The smallest free share of a used engineer-day's shift.
    pub min_free_share: f64,
}

/// Where the time went, seconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Timings {
    pub build: f64,
    pub seeds_and_candidates: f64,
    pub lp: f64,
    pub rounding_and_repair: f64,
    pub routing: f64,
    pub total: f64,
}

/// The model's size and how the solve went.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelStats {
    pub tasks: usize,
    pub engineer_days: usize,
    pub pools: usize,
    /// Blocks of days: one LP per pool and block.
    pub blocks: usize,
    /// All pools' LPs together.
    pub lp_total: LpSize,
    pub lp_largest: LpSize,
    pub lp_solved: usize,
    pub lp_failed: usize,
    pub seed_rounds: usize,
    /// Tasks the rounding could not place and the repair took.
    pub repaired: usize,
    /// Engineer-days the consolidation emptied into others (LP method).
    #[serde(default)]
    pub consolidated: usize,
    /// Tasks moved to a day where they add less travel than they saved (LP method).
    #[serde(default)]
    pub relocated: usize,
    pub routed_days: usize,
    pub route_solves: usize,
    /// Tasks the routing dropped (then moved by the repair, or left out).
    pub route_dropped: usize,
    pub backend: String,
}
