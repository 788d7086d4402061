//! The real planner as the simulation's policy, worked out by hand: one engineer, no noise.

use crate::support::{arrival, donghu_dr_device, nanchang, one_engineer_world};
use fieldplan::domain::fault::FaultLevel;
use fieldplan::domain::ids::{DeviceId, FaultId};
use fieldplan::plan::replan::insert_fault;
use fieldplan::plan::{DayInputs, FaultInput, PlanRequest, PlanningContext, check_replan};
use fieldplan::sim::PolicyKind;
use fieldplan::sim::engine::run_replication;
use fieldplan::sim::policy::policy_for;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// Monday 2026-11-30, 16:00, in minutes from the simulation's epoch.
const MON_1600: i64 = 16 * 60;

/// D-0006 at S-0004 (Donghu, urban) is open 13:30-17:30 on weekdays: a two-hour DR repair
/// must start by 15:30 to end inside the opening hours.
#[test]
fn planner_policy_reaches_a_level_1_fault_reported_after_the_last_opening_slot() {
    let world = one_engineer_world(2);
    let dev = donghu_dr_device(&world);
    let site = world.base.devices[dev].site;
    assert_eq!(world.base.scenario.sites()[site].id.as_str(), "S-0004");
    assert_eq!(
        world.base.window_start(site, 0, MON_1600, 120),
        None,
        "no opening window is left for a two-hour visit"
    );
    let drive = world
        .base
        .travel(world.home[0], world.base.site_place[site]);
    // Back home by 16:00 + drive + 2 h + drive <= 17:30 + 2 h of overtime.
    assert!(drive <= 45, "{drive} min");
    let mut policy = policy_for(PolicyKind::Planner, &world, 200_000).start();
    assert_eq!(policy.name(), "planner");
    let out = run_replication(
        &world,
        &mut *policy,
        7,
        &[arrival(MON_1600, dev, FaultLevel::L1)],
        &mut || {},
        &AtomicBool::new(false),
    )
    .expect("not cancelled");
    let f = &out.faults[0];
    // Before, the re-plan left it out (no opening window) and it waited for Tuesday's plan.
    assert_eq!(f.assigned, Some(MON_1600));
    assert_eq!(f.departed, Some(MON_1600));
    assert_eq!(f.arrived, Some(MON_1600 + drive));
    assert_eq!(f.resolved, Some(MON_1600 + drive + 120));
    assert_eq!(f.on_site_within(240, 2 * 1440), Some(true));
}

/// The same fault re-planned into a Nanchang day plan: placed after the site's closing time,
/// on site by its deadline (16:00 + 4 h), and the plan checks.
#[test]
fn replan_places_a_fault_repair_outside_opening_hours_and_the_plan_checks() {
    let (scenario, cfg) = nanchang();
    let ctx = PlanningContext::geodesic((*scenario).clone(), (*cfg).clone()).unwrap();
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let request = PlanRequest {
        date: monday,
        time_limit: Duration::from_secs(10),
        seed: 1,
        threads: 1,
        max_work: Some(200_000),
    };
    let plan = fieldplan::plan::plan_day(&ctx, &request, &DayInputs::default()).unwrap();
    let at = |h: u32, m: u32| {
        fieldplan::domain::instant::Instant::local(
            monday,
            chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap(),
        )
        .unwrap()
    };
    let fault = FaultInput {
        fault: FaultId::new("F-9001").unwrap(),
        site: fieldplan::domain::ids::SiteId::new("S-0004").unwrap(),
        device: DeviceId::new("D-0006").unwrap(),
        level: FaultLevel::L1,
        reported_at: at(16, 0),
        events: Vec::new(),
    };
    let now = at(16, 0);
    let out = insert_fault(&ctx, &plan, &[], &fault, now).unwrap();
    let v = check_replan(&plan, &out.plan, &[], &ctx);
    assert!(v.is_empty(), "{v:#?}");
    assert_eq!(out.deadline, Some(at(20, 0)));
    assert!(out.deadline_met, "{:?}", out.plan.unassigned);
    let (_, stop) = out.plan.find_stop(&out.task).expect("placed");
    assert!(
        stop.end > at(17, 30),
        "ends after the site closes: {}",
        stop.end
    );
}
