//! The simulated world, index-based: places (service points, then sites) with a travel
//! matrix in whole minutes and metres, devices, the cadence tasks due in the horizon, and
//! the staffed engineers. Built once per sweep ([`Base`]) and once per headcount
//! ([`StaffedWorld`]).

use super::config::SimConfig;
use super::staffing::select_engineers;
use crate::domain::DomainConfig;
use crate::domain::dates::{DateRange, add_days};
use crate::domain::day_time::LocalWindow;
use crate::domain::engineer::Engineer;
use crate::domain::family::DeviceFamily;
use crate::domain::fault_model::FaultModel;
use crate::domain::geo::AreaType;
use crate::domain::ids::TaskId;
use crate::domain::instant::Instant;
use crate::domain::sla::SlaContext;
use crate::domain::task::{TaskDetail, TaskKind};
use crate::plan::PlanningContext;
use crate::scenario::Scenario;
use crate::travel::{
    Geodesic, GeodesicConfig, TravelError, TravelMatrix, TravelModel, TravelPoint,
};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Minutes since local midnight of the first simulated date.
pub type SimMinute = i64;
/// Index of a place in the travel matrix.
pub type Loc = usize;

pub const DAY: SimMinute = 1440;

/// A cadence task (inspection or on-site callback) due in the horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct CadenceTask {
    /// The cadence engine's task id (`T-INSP-<device>-<due>`, `T-OCB-<site>-<due>`), the
    /// same the day planner gives the slot.
    pub id: TaskId,
    pub kind: TaskKind,
    pub site: usize,
    /// The device for inspections.
    pub device: Option<usize>,
    pub skill: Option<DeviceFamily>,
    pub service: SimMinute,
    /// The on-time window, in simulated day numbers (may start before day 0).
    pub opens_day: i64,
    pub closes_day: i64,
}

/// One device, for fault arrivals and the SLA.
#[derive(Clone, Debug, PartialEq)]
pub struct SimDevice {
    pub site: usize,
    pub family: DeviceFamily,
    pub installed: NaiveDate,
    pub warranty_end: NaiveDate,
}

/// The travel model of a simulation and the matrix of the scenario's places (service points,
/// then sites: [`PlanningContext::places`]) it gave, checked before the sweep starts.
#[derive(Clone)]
pub struct SimTravel {
    pub model: Arc<dyn TravelModel>,
    matrix: Arc<TravelMatrix>,
}

impl std::fmt::Debug for SimTravel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SimTravel({}, {} places)",
            self.model.name(),
            self.matrix.len()
        )
    }
}

impl SimTravel {
    /// Measures the places of `scenario` with `model`.
    pub fn new(scenario: &Scenario, model: Arc<dyn TravelModel>) -> Result<Self, TravelError> {
        let points: Vec<TravelPoint> = PlanningContext::places(scenario)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        let matrix = Arc::new(model.matrix(&points)?);
        Ok(Self { model, matrix })
    }

    /// The default geodesic model.
    pub fn geodesic(scenario: &Scenario) -> Self {
        let model = Geodesic::new(GeodesicConfig::default()).expect("default config is valid");
        Self::new(scenario, Arc::new(model)).expect("geodesic never fails on checked points")
    }
}

/// Everything that does not depend on the headcount.
#[derive(Debug)]
pub struct Base {
    pub scenario: Arc<Scenario>,
    pub cfg: Arc<DomainConfig>,
    pub sim: SimConfig,
    /// How the places were measured; the planner policy plans with the same model.
    pub travel: SimTravel,
    /// The planner policy's settings (`plan.toml`; the defaults unless set).
    pub plan: crate::plan::PlanSettings,
    pub fault_model: FaultModel,
    pub start: NaiveDate,
    pub days: u32,
    /// Local midnight of the first date.
    pub epoch: Instant,
    /// Minutes between places (rounded up), row-major.
    minutes: Vec<u32>,
    metres: Vec<u32>,
    n_places: usize,
    /// Service point index -> place.
    pub service_point_place: Vec<Loc>,
    /// Site index -> place (`service_points.len() + site index`).
    pub site_place: Vec<Loc>,
    pub site_area: Vec<AreaType>,
    pub devices: Vec<SimDevice>,
    pub cadence: Vec<CadenceTask>,
    /// Open windows of each site on each simulated day, minutes from the epoch.
    pub site_windows: Vec<Vec<Vec<(SimMinute, SimMinute)>>>,
}

impl Base {
    /// Builds the shared world of a scenario for the horizon in `sim`.
    pub fn new(scenario: Arc<Scenario>, cfg: Arc<DomainConfig>, sim: SimConfig) -> Self {
        let travel = SimTravel::geodesic(&scenario);
        Self::with_travel(scenario, cfg, sim, travel)
    }

    /// [`Self::new`] with the places measured by `travel` (see [`SimTravel`]).
    pub fn with_travel(
        scenario: Arc<Scenario>,
        cfg: Arc<DomainConfig>,
        sim: SimConfig,
        travel: SimTravel,
    ) -> Self {
        let start = sim.start.unwrap_or(scenario.meta().horizon.first());
        let days = sim.days;
        let epoch = Instant::start_of(start).expect("Shanghai midnights exist");
        let fault_model = sim
            .faults
            .model
            .clone()
            .unwrap_or_else(|| scenario.fault_model().clone());
        let matrix = travel.matrix.clone();
        let n_places = matrix.len();
        let minutes = matrix.seconds().iter().map(|s| s.div_ceil(60)).collect();
        let metres = matrix.metres().to_vec();
        let n_sp = scenario.service_points().len();
        let places = crate::travel::PlaceNumbering::new(n_sp, scenario.sites().len());
        let site_index: BTreeMap<_, usize> = scenario
            .sites()
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let device_index: BTreeMap<_, usize> = scenario
            .devices()
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id().clone(), i))
            .collect();
        let devices = scenario
            .devices()
            .iter()
            .map(|d| SimDevice {
                site: site_index[d.site()],
                family: d.family(),
                installed: d.installed(),
                warranty_end: d.warranty_end(),
            })
            .collect();
        let last = add_days(start, i64::from(days) - 1);
        let horizon = DateRange::new(start, last).expect("days >= 1");
        let day_of = |d: NaiveDate| (d - start).num_days();
        let cadence = scenario
            .due_tasks(&cfg, horizon)
            .into_iter()
            .filter_map(|t| {
                let (device, due) = match &t.detail {
                    TaskDetail::Inspection { device, due, .. } => (Some(device_index[device]), due),
                    TaskDetail::OnSiteCallback { due } => (None, due),
                    _ => return None,
                };
                Some(CadenceTask {
                    id: t.id.clone(),
                    kind: t.kind(),
                    site: site_index[&t.site],
                    device,
                    skill: t.required_skill(),
                    service: i64::from(t.duration.get()),
                    opens_day: day_of(due.slot.opens()),
                    closes_day: day_of(due.slot.closes()),
                })
            })
            .collect();
        let site_windows = scenario
            .sites()
            .iter()
            .map(|s| {
                (0..days)
                    .map(|d| {
                        let date = add_days(start, i64::from(d));
                        let base = i64::from(d) * DAY;
                        s.open_windows(date, &cfg.calendar)
                            .iter()
                            .map(|w: &LocalWindow| {
                                (
                                    base + i64::from(w.start().minutes()),
                                    base + i64::from(w.end().minutes()),
                                )
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        Self {
            service_point_place: (0..n_sp).map(|i| places.service_point(i)).collect(),
            site_place: (0..scenario.sites().len())
                .map(|i| places.site(i))
                .collect(),
            site_area: scenario.sites().iter().map(|s| s.area_type).collect(),
            scenario,
            cfg,
            sim,
            travel,
            plan: crate::plan::PlanSettings::default(),
            fault_model,
            start,
            days,
            epoch,
            minutes,
            metres,
            n_places,
            devices,
            cadence,
            site_windows,
        }
    }

    /// Planned driving minutes between places.
    #[inline]
    pub fn travel(&self, a: Loc, b: Loc) -> SimMinute {
        i64::from(self.minutes[a * self.n_places + b])
    }

    /// Road metres between places.
    #[inline]
    pub fn metres(&self, a: Loc, b: Loc) -> u64 {
        u64::from(self.metres[a * self.n_places + b])
    }

    pub fn date(&self, day: i64) -> NaiveDate {
        add_days(self.start, day)
    }

    pub fn instant(&self, t: SimMinute) -> Instant {
        let t = u32::try_from(t.max(0)).expect("horizons are far below 8000 years");
        self.epoch + crate::domain::duration::Minutes::new(t)
    }

    /// The SLA context of a device on the day of a report.
    pub fn sla_context(&self, device: usize, day: i64) -> SlaContext {
        let d = &self.devices[device];
        let date = self.date(day);
        SlaContext {
            under_warranty: d.installed <= date && date <= d.warranty_end,
            area: self.site_area[d.site],
        }
    }

    /// The earliest start `>= t` at `site` on day `day` such that `service` fits inside one
    /// open window; `None` if no window of that day fits.
    pub fn window_start(
        &self,
        site: usize,
        day: i64,
        t: SimMinute,
        service: SimMinute,
    ) -> Option<SimMinute> {
        let windows = self.site_windows[site].get(usize::try_from(day).ok()?)?;
        windows.iter().find_map(|&(a, b)| {
            let s = t.max(a);
            (s + service <= b).then_some(s)
        })
    }
}

/// A headcount's world: the shared base and the engineers chosen for it.
#[derive(Debug)]
pub struct StaffedWorld {
    pub base: Arc<Base>,
    pub engineers: Vec<Engineer>,
    /// Home place of each engineer.
    pub home: Vec<Loc>,
    /// District index (of the scenario's service points) of each engineer.
    pub district: Vec<usize>,
}

impl StaffedWorld {
    /// The world with `headcount` engineers chosen by [`select_engineers`].
    pub fn new(base: Arc<Base>, headcount: usize) -> Self {
        let engineers = select_engineers(&base.scenario, headcount);
        Self::with_engineers(base, engineers)
    }

    /// The world with exactly these engineers (their homes must be scenario service points).
    pub fn with_engineers(base: Arc<Base>, engineers: Vec<Engineer>) -> Self {
        let sp_index: BTreeMap<_, usize> = base
            .scenario
            .service_points()
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let district = engineers.iter().map(|e| sp_index[&e.home]).collect();
        let home = engineers
            .iter()
            .map(|e| base.service_point_place[sp_index[&e.home]])
            .collect();
        Self {
            base,
            engineers,
            home,
            district,
        }
    }
}
