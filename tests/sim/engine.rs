//! One replication worked out by hand: one engineer, fixed arrivals, no noise.

use crate::support::{arrival, donghu_dr_device, one_engineer_world, one_engineer_world_with};
use fieldplan::domain::fault::FaultLevel;
use fieldplan::domain::sla::{Milestone, Outcome};
use fieldplan::sim::engine::run_replication;
use fieldplan::sim::metrics::RepOutcome;
use fieldplan::sim::policy::policy_for;
use fieldplan::sim::world::StaffedWorld;
use fieldplan::sim::{PolicyKind, arrivals::Arrival};
use std::sync::atomic::AtomicBool;

/// 2026-11-30 is a Monday; times are minutes from its local midnight.
const MON_1000: i64 = 600;
const DAY: i64 = 1440;

fn run(world: &StaffedWorld, arrivals: &[Arrival]) -> RepOutcome {
    let mut policy = policy_for(PolicyKind::Baseline, world, 0).start();
    run_replication(
        world,
        &mut *policy,
        7,
        arrivals,
        &mut || {},
        &AtomicBool::new(false),
    )
    .expect("not cancelled")
}

fn drive(world: &StaffedWorld, device: usize) -> i64 {
    let site = world.base.devices[device].site;
    world
        .base
        .travel(world.home[0], world.base.site_place[site])
}

#[test]
fn fault_in_shift_is_reached_after_the_planned_drive() {
    let world = one_engineer_world(2);
    let dev = donghu_dr_device(&world);
    let d = drive(&world, dev);
    assert!(
        d > 0 && d < 60,
        "an urban Donghu site is a short drive: {d} min"
    );
    // Level 3 is remote first (config/sla.toml): the remote attempt fails after 45 min,
    // then the visit is needed: on site within 30 min of the failure, dispatch within 1 h.
    let out = run(&world, &[arrival(MON_1000, dev, FaultLevel::L3)]);
    let f = &out.faults[0];
    let failed = MON_1000 + 45;
    assert_eq!(f.responded, MON_1000 + 10);
    assert_eq!(
        f.assigned,
        Some(failed),
        "assigned at once when the visit is needed: idle engineer on shift"
    );
    assert_eq!(f.departed, Some(failed));
    assert_eq!(f.arrived, Some(failed + d));
    // A DR repair takes 2 h (config/durations.toml).
    assert_eq!(f.resolved, Some(failed + d + 120));
    assert_eq!(f.sla_met(), Some(d <= 30));
    let e = &out.engineers[0];
    assert_eq!(e.busy_in_shift, 2 * d + 120, "there, repair, back home");
    assert_eq!(e.overtime, 0);
    assert_eq!(e.tasks_done, 1);
}

#[test]
fn second_fault_at_the_same_site_waits_for_the_first_repair() {
    let world = one_engineer_world(2);
    let dev = donghu_dr_device(&world);
    let d = drive(&world, dev);
    let out = run(
        &world,
        &[
            arrival(MON_1000, dev, FaultLevel::L3),
            arrival(MON_1000 + 30, dev, FaultLevel::L3),
        ],
    );
    // Remote first: visits needed 45 min after each report.
    let second = &out.faults[1];
    assert_eq!(second.assigned, Some(MON_1000 + 30 + 45));
    // Same place: no drive; starts when the first repair ends.
    let first_end = MON_1000 + 45 + d + 120;
    assert_eq!(second.departed, Some(first_end));
    assert_eq!(second.arrived, Some(first_end));
    assert_eq!(second.resolved, Some(first_end + 120));
}

#[test]
fn urgent_fault_at_night_calls_out_the_on_call_engineer() {
    let world = one_engineer_world(2);
    let dev = donghu_dr_device(&world);
    let d = drive(&world, dev);
    let at = 22 * 60; // Monday 22:00, after the shift; the only engineer is on call.
    let out = run(&world, &[arrival(at, dev, FaultLevel::L1)]);
    let f = &out.faults[0];
    // The on-call response, 30 min (config/oncall.toml), then the drive.
    assert_eq!(f.departed, Some(at + 30));
    assert_eq!(f.arrived, Some(at + 30 + d));
    assert_eq!(f.resolved, Some(at + 30 + d + 120));
    let resolve = f
        .milestones
        .iter()
        .find(|m| m.milestone == Milestone::Resolve)
        .expect("level 1 has a resolve deadline");
    assert!(matches!(resolve.outcome, Outcome::Met { .. }));
    let e = &out.engineers[0];
    assert_eq!(e.overtime, 2 * d + 120, "a night call-out is overtime");
    assert_eq!(e.busy_in_shift, 0);
}

#[test]
fn a_minor_fault_whose_remote_attempt_failed_at_night_calls_out() {
    let world = one_engineer_world(3);
    let dev = donghu_dr_device(&world);
    let d = drive(&world, dev);
    // Monday 20:00, level 4: remote support fails at 20:45; the product's on-call rule
    // (config/oncall.toml `remote_failed`) calls the on-call engineer out then.
    let failed = 20 * 60 + 45;
    let out = run(&world, &[arrival(20 * 60, dev, FaultLevel::L4)]);
    let f = &out.faults[0];
    assert_eq!(f.assigned, Some(failed));
    assert_eq!(f.departed, Some(failed + 30));
    assert_eq!(f.arrived, Some(failed + 30 + d));
}

#[test]
fn minor_fault_after_the_shift_waits_for_the_next_morning() {
    // Failed remote attempts call nobody out here: only level 1 does.
    let world = one_engineer_world_with(3, |cfg| cfg.on_call.remote_failed = false);
    let dev = donghu_dr_device(&world);
    let d = drive(&world, dev);
    let at = 20 * 60; // Monday 20:00, level 4: no call-out.
    let out = run(&world, &[arrival(at, dev, FaultLevel::L4)]);
    let f = &out.faults[0];
    let tue_0830 = DAY + 8 * 60 + 30;
    assert_eq!(
        f.assigned,
        Some(DAY),
        "the Tuesday day plan takes it at midnight"
    );
    assert_eq!(f.departed, Some(tue_0830));
    assert_eq!(f.arrived, Some(tue_0830 + d));
    assert_eq!(f.resolved, Some(tue_0830 + d + 120));
}

#[test]
fn fault_on_an_unreachable_skill_stays_open_and_misses_its_deadlines() {
    let world = one_engineer_world(2);
    let scenario = &world.base.scenario;
    let bio = scenario
        .devices()
        .iter()
        .position(|d| d.family() == fieldplan::domain::family::DeviceFamily::BiochemistryAnalyser)
        .unwrap();
    let out = run(&world, &[arrival(MON_1000, bio, FaultLevel::L2)]);
    let f = &out.faults[0];
    assert_eq!(f.assigned, None, "E-01 is trained on DR only");
    assert_eq!(f.arrived, None);
    assert_eq!(f.sla_met(), Some(false));
}

#[test]
fn remote_fix_needs_no_engineer() {
    let world = one_engineer_world(2);
    let dev = donghu_dr_device(&world);
    let mut a = arrival(MON_1000, dev, FaultLevel::L4);
    a.remote = true;
    let out = run(&world, &[a]);
    let f = &out.faults[0];
    assert_eq!(f.resolved, Some(MON_1000 + 45));
    assert_eq!(f.arrived, None);
    assert_eq!(out.engineers[0].tasks_done, 0);
    assert_eq!(f.sla_met(), Some(true));
}
