//! Shared helpers: the Nanchang scenario and a one-engineer world without cadence tasks.

use fieldplan::domain::DomainConfig;
use fieldplan::domain::day_time::LocalWindow;
use fieldplan::domain::engineer::Engineer;
use fieldplan::domain::family::DeviceFamily;
use fieldplan::domain::fault::FaultLevel;
use fieldplan::domain::week::Week;
use fieldplan::scenario::{Scenario, load_config};
use fieldplan::sim::arrivals::Arrival;
use fieldplan::sim::world::{Base, SimMinute, StaffedWorld};
use fieldplan::sim::{NoiseConfig, SimConfig};
use std::path::Path;
use std::sync::{Arc, OnceLock};

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn nanchang() -> (Arc<Scenario>, Arc<DomainConfig>) {
    static DATA: OnceLock<(Arc<Scenario>, Arc<DomainConfig>)> = OnceLock::new();
    DATA.get_or_init(|| {
        let scenario = Scenario::load(repo().join("data/nanchang")).expect("scenario loads");
        let cfg = load_config(repo().join("config")).expect("config loads");
        (Arc::new(scenario), Arc::new(cfg))
    })
    .clone()
}

/// A world of the Nanchang places with no cadence task, no noise, and one engineer: E-01
/// (home SP-DH, DR only, Monday to Friday 08:30-17:30), with no leave and no days off.
/// The simulation starts on Monday 2026-11-30.
pub fn one_engineer_world(days: u32) -> StaffedWorld {
    one_engineer_world_with(days, |_| {})
}

/// [`one_engineer_world`] with the domain configuration changed by `change`.
pub fn one_engineer_world_with(
    days: u32,
    change: impl FnOnce(&mut fieldplan::domain::DomainConfig),
) -> StaffedWorld {
    let (scenario, mut cfg) = nanchang();
    change(std::sync::Arc::make_mut(&mut cfg));
    let sim = SimConfig {
        days,
        noise: NoiseConfig::NONE,
        ..SimConfig::default()
    };
    let mut base = Base::new(scenario.clone(), cfg, sim);
    base.cadence.clear();
    let mut e: Engineer = scenario.engineers()[0].clone();
    assert_eq!(e.id.as_str(), "E-01");
    let shift = LocalWindow::parse("08:30-17:30").unwrap();
    e.shifts = Week::from_fn(|d| {
        use chrono::Weekday::*;
        (!matches!(d, Sat | Sun)).then_some(shift)
    });
    e.days_off.clear();
    e.leave.clear();
    e.on_call.clear();
    StaffedWorld::with_engineers(Arc::new(base), vec![e])
}

/// Index of the first DR device at an urban site of Donghu (the engineer's district).
pub fn donghu_dr_device(world: &StaffedWorld) -> usize {
    let scenario = &world.base.scenario;
    scenario
        .devices()
        .iter()
        .position(|d| {
            let site = scenario.site_of(d);
            d.family() == DeviceFamily::Dr
                && site.district.as_str() == "DH"
                && site.area_type == fieldplan::domain::geo::AreaType::Urban
        })
        .expect("Donghu has DR devices")
}

pub fn arrival(at: SimMinute, device: usize, level: FaultLevel) -> Arrival {
    Arrival {
        at,
        device,
        level,
        remote: false,
        respond_after: 10,
        remote_after: 45,
    }
}
