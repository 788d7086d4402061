//! Shared helpers: the Nanchang scenario, hand-made engineers and tasks, a roster request.

use chrono::NaiveDate;
use fieldplan::domain::DomainConfig;
use fieldplan::domain::cadence::{DueSlot, Slot};
use fieldplan::domain::dates::DateRange;
use fieldplan::domain::engineer::Engineer;
use fieldplan::domain::family::DeviceFamily;
use fieldplan::domain::ids::{DeviceId, SiteId, TaskId};
use fieldplan::domain::task::{Task, TaskDetail};
use fieldplan::plan::roster::{
    RosterConfig, RosterData, RosterRequest, RosterRun, build_roster_run,
};
use fieldplan::scenario::{Scenario, load_config};
use fieldplan::travel::{Geodesic, GeodesicConfig};
use std::path::Path;
use std::sync::OnceLock;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub struct World {
    pub scenario: Scenario,
    pub config: DomainConfig,
    pub roster: RosterConfig,
}

pub fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let text = std::fs::read_to_string(repo().join("config/roster.toml")).unwrap();
        World {
            scenario: Scenario::load(repo().join("data/nanchang")).unwrap(),
            config: load_config(repo().join("config")).unwrap(),
            roster: RosterConfig::from_toml_str(&text).unwrap(),
        }
    })
}

/// An engineer at `home` working 08:30-17:30 Monday to Friday.
pub fn engineer(id: &str, home: &str, skills: &[&str]) -> Engineer {
    let json = serde_json::json!({
        "id": id,
        "name": {"zh": format!("工程师{id}"), "en": format!("Engineer {id}")},
        "home": home,
        "skills": skills,
        "shifts": {"mon": "08:30-17:30", "tue": "08:30-17:30", "wed": "08:30-17:30",
                   "thu": "08:30-17:30", "fri": "08:30-17:30"},
        "overtimePerWeek": "0m"
    });
    serde_json::from_value(json).unwrap()
}

/// An inspection of a (possibly invented) device at `site`, due on `due`, on time within
/// `days` days either side.
pub fn inspection(
    site: &str,
    device: &str,
    family: DeviceFamily,
    due: NaiveDate,
    days: u32,
) -> Task {
    let slot = Slot::around(due, 0, days, days);
    let detail = TaskDetail::Inspection {
        device: DeviceId::new(device).unwrap(),
        family,
        due: DueSlot {
            slot,
            overdue: false,
        },
    };
    let id = TaskId::new(format!("T-INSP-{device}-{}", due.format("%Y%m%d"))).unwrap();
    Task::new(
        id,
        SiteId::new(site).unwrap(),
        detail,
        &world().config.durations,
    )
}

pub fn phone_callback(site: &str, due: NaiveDate, days: u32) -> Task {
    let slot = Slot::around(due, 0, days, days);
    let id = TaskId::new(format!("T-PCB-{site}-{}", due.format("%Y%m%d"))).unwrap();
    let detail = TaskDetail::PhoneCallback {
        due: DueSlot {
            slot,
            overdue: false,
        },
    };
    Task::new(
        id,
        SiteId::new(site).unwrap(),
        detail,
        &world().config.durations,
    )
}

/// Builds a roster of `tasks` over `horizon` with `engineers` and the Nanchang places.
pub fn run(engineers: &[Engineer], tasks: &[Task], horizon: DateRange, seed: u64) -> RosterRun {
    let w = world();
    let travel = Geodesic::new(GeodesicConfig::default()).unwrap();
    // The LP's wall-clock limit (a safety net in production: past it, a block falls back to
    // costs) would make the roster depend on the machine's load; tests solve every LP out.
    let mut config = w.roster.clone();
    config.model.lp_time_limit_seconds = 3600.0;
    let req = RosterRequest {
        data: RosterData {
            engineers,
            sites: w.scenario.sites(),
            service_points: w.scenario.service_points(),
            devices: w.scenario.devices(),
            calendar: &w.config.calendar,
        },
        config: &config,
        horizon,
        tasks,
        travel: &travel,
        seed,
        version: 1,
        cancel: None,
    };
    build_roster_run(&req).unwrap()
}

/// The Nanchang roster of the scenario's four weeks, built once.
pub fn nanchang() -> &'static (Vec<Task>, RosterRun) {
    static R: OnceLock<(Vec<Task>, RosterRun)> = OnceLock::new();
    R.get_or_init(|| {
        let w = world();
        let horizon = w.scenario.meta().horizon;
        let tasks = w.scenario.due_tasks(&w.config, horizon);
        let run = run(w.scenario.engineers(), &tasks, horizon, 1);
        (tasks, run)
    })
}
