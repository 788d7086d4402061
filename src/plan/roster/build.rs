//! The domain side of the roster: scenario data and tasks in, the index-based
//! [`AssignProblem`] out, and the answer back as a [`Roster`](super::Roster) with ids, names and times.

use crate::domain::calendar::HolidayCalendar;
use crate::domain::dates::DateRange;
use crate::domain::day_time::LocalWindow;
use crate::domain::device::Device;
use crate::domain::engineer::{Availability, Engineer};
use crate::domain::family::DeviceFamily;
use crate::domain::ids::{DeviceId, ServicePointId, SiteId};
use crate::domain::service_point::ServicePoint;
use crate::domain::site::{CustomerTier, Site};
use crate::domain::task::{Task, TaskDetail};
use crate::solve::roster::config::RosterConfig;
use crate::solve::roster::problem::{AEngineer, ATask, AssignProblem, Bin, Day, Estimate};
use crate::solve::roster::routing::usable_minutes;
use crate::solve::routing::Skills;
use crate::travel::{Geodesic, GeodesicConfig, PlaceNumbering, TravelPoint};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The scenario data a roster needs (borrowed; `Scenario` gives each slice).
#[derive(Copy, Clone, Debug)]
pub struct RosterData<'a> {
    pub engineers: &'a [Engineer],
    pub sites: &'a [Site],
    pub service_points: &'a [ServicePoint],
    pub devices: &'a [Device],
    pub calendar: &'a HolidayCalendar,
}

/// What the model's indices stand for.
pub struct RosterModel<'a> {
    pub problem: AssignProblem,
    pub data: RosterData<'a>,
    pub horizon: DateRange,
    /// Tasks the model plans (index = model task) and those it does not support.
    pub tasks: Vec<&'a Task>,
    pub unsupported: Vec<&'a Task>,
    /// Phone callbacks: the customer-service desk's, not the model's (see `desk.rs`).
    pub desk: Vec<&'a Task>,
    pub places: PlaceNumbering,
    pub sp_index: BTreeMap<&'a ServicePointId, usize>,
    pub devices: BTreeMap<&'a DeviceId, &'a Device>,
    /// Per bin: the engineer's shift that day and the district's reserve share.
    pub shifts: Vec<(LocalWindow, f64)>,
    pub pool_codes: Vec<String>,
}

impl<'a> RosterModel<'a> {
    pub fn date(&self, day: Day) -> NaiveDate {
        crate::domain::dates::add_days(self.horizon.first(), i64::from(day))
    }

    fn day_of(horizon: DateRange, date: NaiveDate) -> Day {
        (date - horizon.first()).num_days() as Day
    }

    pub fn new(
        data: RosterData<'a>,
        cfg: &RosterConfig,
        horizon: DateRange,
        tasks: &'a [Task],
    ) -> Self {
        let sp_index: BTreeMap<&ServicePointId, usize> = data
            .service_points
            .iter()
            .enumerate()
            .map(|(i, s)| (&s.id, i))
            .collect();
        let site_index: BTreeMap<&SiteId, usize> = data
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| (&s.id, i))
            .collect();
        let places = PlaceNumbering::new(data.service_points.len(), data.sites.len());
        let points = PlaceNumbering::points(data.service_points, data.sites);

        let pool_codes: Vec<String> = data
            .service_points
            .iter()
            .map(|s| s.district.as_str().to_string())
            .chain(data.sites.iter().map(|s| s.district.as_str().to_string()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let pool_of = |code: &str| {
            pool_codes
                .binary_search_by(|c| c.as_str().cmp(code))
                .expect("collected")
        };
        let pool_homes: Vec<usize> = pool_codes
            .iter()
            .map(|code| {
                data.service_points
                    .iter()
                    .position(|s| s.district.as_str() == code)
                    .unwrap_or(0)
            })
            .collect();

        let engineers: Vec<AEngineer> = data
            .engineers
            .iter()
            .map(|e| {
                let home = sp_index[&e.home];
                AEngineer {
                    home,
                    pool: pool_of(data.service_points[home].district.as_str()),
                    skills: Skills::from_indices(e.skills.iter().map(|f| f.index()))
                        .expect("device families are fewer than 64"),
                }
            })
            .collect();
        let days = horizon.len_days() as Day;
        let (bins, shifts) = bins(data, cfg, horizon, &engineers);
        let devices: BTreeMap<&DeviceId, &Device> =
            data.devices.iter().map(|d| (d.id(), d)).collect();
        let TaskModel {
            model_tasks,
            unsupported,
            desk,
            atasks,
            site_work,
        } = task_model(data, horizon, tasks, &site_index, &pool_of);
        let open = open_days(data, horizon, &site_work);
        let geodesic =
            Geodesic::new(GeodesicConfig::default()).expect("default geodesic config is valid");
        let estimate = Estimate::new(points.len(), move |a, b| {
            geodesic.trip(&points[a], &points[b]).ok()
        });
        Self {
            problem: AssignProblem {
                tasks: atasks,
                engineers,
                bins,
                days,
                pool_homes,
                open,
                estimate,
            },
            data,
            horizon,
            tasks: model_tasks,
            unsupported,
            desk,
            places,
            sp_index,
            devices,
            shifts,
            pool_codes,
        }
    }

    /// The travel point of a place (a service point, or a site).
    pub fn place_point(&self, place: usize) -> TravelPoint {
        match self.places.site_of(place) {
            Some(s) => {
                let site = &self.data.sites[s];
                TravelPoint::from_place(site.location, site.area_type)
            }
            None => {
                let sp = &self.data.service_points[place];
                TravelPoint::from_place(sp.location, sp.area_type)
            }
        }
    }

    pub fn site(&self, t: usize) -> &'a Site {
        let place = self.problem.tasks[t].place;
        &self.data.sites[self.places.site_of(place).expect("tasks are at sites")]
    }

    /// Is some engineer with the skill working on a day of the task's window in the horizon?
    pub fn doable_on_time(&self, t: usize) -> bool {
        let p = &self.problem;
        let task = &p.tasks[t];
        !task.overdue
            && task.horizon_days(p.days).any(|d| {
                p.bins_of_day(d)
                    .any(|b| p.engineers[p.bins[b].engineer].can_do(task))
            })
    }
}

/// The model's engineer-days: every working day of every engineer in the horizon, with its
/// capacity (the shift less the fault reserve and lunch), and per bin the shift and the
/// district's reserve share.
fn bins(
    data: RosterData,
    cfg: &RosterConfig,
    horizon: DateRange,
    engineers: &[AEngineer],
) -> (Vec<Bin>, Vec<(LocalWindow, f64)>) {
    let mut bins = Vec::new();
    let mut shifts = Vec::new();
    for (day, date) in horizon.iter().enumerate() {
        for (i, e) in data.engineers.iter().enumerate() {
            if let Availability::Shift(w) = e.availability(date, data.calendar) {
                let share = cfg
                    .reserve
                    .share(data.service_points[engineers[i].home].district.as_str());
                let lunch = if cfg.lunch.fits(w) {
                    cfg.lunch.duration.get()
                } else {
                    0
                };
                bins.push(Bin {
                    engineer: i,
                    day: day as Day,
                    capacity: usable_minutes(w, share).saturating_sub(lunch),
                });
                shifts.push((w, share));
            }
        }
    }
    (bins, shifts)
}

/// The tasks the model plans, those it does not support, the phone callbacks (desk work),
/// the model form of the first, and per site the longest on-site work (for the opening test).
struct TaskModel<'a> {
    model_tasks: Vec<&'a Task>,
    unsupported: Vec<&'a Task>,
    desk: Vec<&'a Task>,
    atasks: Vec<ATask>,
    site_work: Vec<u32>,
}

fn task_model<'a>(
    data: RosterData,
    horizon: DateRange,
    tasks: &'a [Task],
    site_index: &BTreeMap<&SiteId, usize>,
    pool_of: &dyn Fn(&str) -> usize,
) -> TaskModel<'a> {
    let places = PlaceNumbering::new(data.service_points.len(), data.sites.len());
    let mut model_tasks = Vec::new();
    let mut unsupported = Vec::new();
    let mut desk = Vec::new();
    let mut atasks = Vec::new();
    let mut site_work = vec![0u32; data.sites.len()];
    for task in tasks {
        let due = match &task.detail {
            TaskDetail::Inspection { due, .. } | TaskDetail::OnSiteCallback { due } => due,
            TaskDetail::PhoneCallback { .. } if site_index.contains_key(&task.site) => {
                desk.push(task);
                continue;
            }
            _ => {
                unsupported.push(task);
                continue;
            }
        };
        let Some(&s) = site_index.get(&task.site) else {
            unsupported.push(task);
            continue;
        };
        let site = &data.sites[s];
        let on_site = task.needs_travel();
        if on_site {
            site_work[s] = site_work[s].max(task.duration.get());
        }
        let weight = if due.overdue {
            2.0
        } else if matches!(task.detail, TaskDetail::OnSiteCallback { .. })
            && site.tier == CustomerTier::VeryLarge
        {
            1.5
        } else {
            1.0
        };
        atasks.push(ATask {
            place: places.site(s),
            work: task.duration.get(),
            on_site,
            skill: task.required_skill().map(DeviceFamily::index),
            window: (
                RosterModel::day_of(horizon, due.slot.window.first()),
                RosterModel::day_of(horizon, due.slot.window.last()),
            ),
            due: RosterModel::day_of(horizon, due.slot.due),
            overdue: due.overdue,
            pool: pool_of(site.district.as_str()),
            weight,
        });
        model_tasks.push(task);
    }
    TaskModel {
        model_tasks,
        unsupported,
        desk,
        atasks,
        site_work,
    }
}

/// Per place and day: can a visit happen (service points always; a site when one opening
/// window that day is as long as its longest on-site work)?
fn open_days(data: RosterData, horizon: DateRange, site_work: &[u32]) -> Vec<Vec<bool>> {
    let (ns, days) = (data.service_points.len(), horizon.len_days() as usize);
    let mut open = vec![vec![true; days]; ns];
    for (s, site) in data.sites.iter().enumerate() {
        open.push(
            horizon
                .iter()
                .map(|date| {
                    site.open_windows(date, data.calendar)
                        .iter()
                        .any(|w| w.length_minutes() >= site_work[s])
                })
                .collect(),
        );
    }
    open
}
