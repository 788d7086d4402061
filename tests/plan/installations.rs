//! Installation projects in the day plan: each step is planned only on a day after its
//! predecessor was reported done, never before the project's start, and the independent
//! checker reports a plan that breaks either rule. The small scenario: E-01 (DR) at SP-DH
//! (and E-101, a second DR engineer, where the hardware installation needs two),
//! the new DR D-0010 at S-0002.

use crate::support::{assert_valid, at, config, crowd_context, d, monday, request, small_context};
use fieldplan::domain::dates::DateRange;
use fieldplan::domain::device::Device;
use fieldplan::domain::family::DeviceFamily;
use fieldplan::domain::ids::{DeviceId, EngineerId, SiteId, TaskId};
use fieldplan::domain::installation::{InstallationDraft, InstallationRecord, NewDevice, StepDone};
use fieldplan::domain::instant::Instant;
use fieldplan::plan::{DayInputs, Plan, PlanningContext, ViolationCode, check, plan_day};

fn project(start: chrono::NaiveDate) -> (InstallationRecord, Vec<Device>) {
    let draft = InstallationDraft {
        site: SiteId::new("S-0002").unwrap(),
        start,
        devices: vec![NewDevice {
            family: DeviceFamily::Dr,
            model: "GX-DR 560".into(),
            serial: Some("DR5601234".into()),
        }],
        created_at: at(2026, 11, 27, 9, 0),
        config: config().installation,
    };
    let (p, devices) = draft
        .build("I-0001", &[DeviceId::new("D-0010").unwrap()])
        .unwrap();
    (InstallationRecord::new(p), devices)
}

fn with(ctx: &PlanningContext, r: &InstallationRecord, devices: &[Device]) -> PlanningContext {
    let devices = r
        .project
        .devices
        .iter()
        .map(|id| devices.iter().find(|d| d.id() == id).unwrap())
        .map(|d| r.device_now(d).unwrap())
        .collect();
    ctx.with_change(|s| s.put_installation(r.clone(), devices))
        .unwrap()
}

fn done(r: &mut InstallationRecord, step: &str, when: Instant) {
    r.complete(StepDone {
        task: TaskId::new(format!("T-INS-D-0010-{step}")).unwrap(),
        at: when,
        engineer: EngineerId::new("E-01").unwrap(),
    })
    .unwrap();
}

fn plan(ctx: &PlanningContext, date: chrono::NaiveDate) -> Plan {
    plan_day(ctx, &request(date, 3), &DayInputs::default()).unwrap()
}

/// The installation stops of a plan, by their lead: (task, minutes).
fn installing(plan: &Plan) -> Vec<(String, i64)> {
    plan.routes
        .iter()
        .flat_map(|r| &r.stops)
        .filter(|s| s.task.task.as_str().starts_with("T-INS-") && s.member == 0)
        .map(|s| (s.task.task.to_string(), s.end.minutes_since(s.start)))
        .collect()
}

fn codes(plan: &Plan, ctx: &PlanningContext) -> Vec<ViolationCode> {
    check(plan, ctx).into_iter().map(|v| v.code).collect()
}

#[test]
fn installation_steps_are_planned_one_day_after_another_and_pass_the_checker() {
    // Two DR engineers: the DR hardware installation takes both (installation.toml).
    let base = crowd_context(1);
    let (mut r, devices) = project(monday());
    let before = with(&base, &r, &devices);
    // Monday, the start: the unboxing check (1 h) only.
    let mon = plan(&before, monday());
    assert_valid(&mon, &before);
    assert_eq!(installing(&mon), [("T-INS-D-0010-UNBOX-1".to_owned(), 60)]);

    done(&mut r, "UNBOX-1", at(2026, 11, 30, 10, 0));
    let after = with(&base, &r, &devices);
    // The same day again: nothing (done, and its successor waits for the next day).
    let again = plan(&after, monday());
    assert_valid(&again, &after);
    assert!(installing(&again).is_empty());
    // Tuesday: the first day part of the hardware installation (8 h in two parts of 4 h).
    let tue = plan(&after, d(2026, 12, 1));
    assert_valid(&tue, &after);
    assert_eq!(
        installing(&tue),
        [("T-INS-D-0010-HW-1".to_owned(), 240)],
        "left out: {:?}",
        tue.unassigned
    );
    let hardware: Vec<_> = tue
        .routes
        .iter()
        .flat_map(|r| r.stops.iter().map(move |s| (&r.engineer, s)))
        .filter(|(_, s)| s.task.task.as_str() == "T-INS-D-0010-HW-1")
        .collect();
    assert_eq!(hardware.len(), 2, "two engineers");
    assert_ne!(hardware[0].0, hardware[1].0);
    assert_eq!(hardware[0].1.start, hardware[1].1.start);

    // The checker, on its own records: against the project before the unboxing was done,
    // Tuesday's plan puts the hardware before its predecessor.
    assert!(codes(&tue, &before).contains(&ViolationCode::PrecedenceBroken));
    // Nor may a step start before its predecessor's report of that day.
    let (mut late, _) = project(monday());
    done(&mut late, "UNBOX-1", at(2026, 12, 1, 17, 0));
    assert!(codes(&tue, &with(&base, &late, &devices)).contains(&ViolationCode::PrecedenceBroken));
}

#[test]
fn with_one_dr_engineer_the_two_person_hardware_installation_is_left_out_once() {
    let base = small_context();
    let (mut r, devices) = project(monday());
    done(&mut r, "UNBOX-1", at(2026, 11, 30, 10, 0));
    let ctx = with(&base, &r, &devices);
    let tue = plan(&ctx, d(2026, 12, 1));
    assert_valid(&tue, &ctx);
    assert!(installing(&tue).is_empty());
    let left: Vec<_> = tue
        .unassigned
        .iter()
        .filter(|u| u.task.task.as_str() == "T-INS-D-0010-HW-1")
        .collect();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].reason, fieldplan::plan::ReasonCode::SkillMissing);
    assert!(
        left[0].detail.contains("needs 2 people"),
        "{}",
        left[0].detail
    );
}

#[test]
fn nothing_of_a_project_is_planned_before_its_start() {
    let base = small_context();
    let (r, devices) = project(d(2026, 12, 1));
    let ctx = with(&base, &r, &devices);
    let mon = plan(&ctx, monday());
    assert_valid(&mon, &ctx);
    assert!(installing(&mon).is_empty());
    // A plan that does (made for a project starting Monday) is reported.
    let (early, _) = project(monday());
    let early_plan = plan(&with(&base, &early, &devices), monday());
    assert_eq!(installing(&early_plan).len(), 1);
    assert!(codes(&early_plan, &ctx).contains(&ViolationCode::InstallationTooEarly));
}

#[test]
fn inspections_of_a_new_device_start_at_its_acceptance() {
    let base = small_context();
    let (mut r, devices) = project(monday());
    let winter = DateRange::new(d(2026, 12, 1), d(2027, 1, 31)).unwrap();
    let inspections = |ctx: &PlanningContext| -> Vec<String> {
        ctx.scenario()
            .due_tasks(&config(), winter)
            .into_iter()
            .map(|t| t.id.to_string())
            .filter(|id| id.starts_with("T-INSP-D-0010"))
            .collect()
    };
    assert!(inspections(&with(&base, &r, &devices)).is_empty());
    for (step, day) in [
        ("UNBOX-1", 30),
        ("HW-1", 31),
        ("HW-2", 32),
        ("SW-1", 33),
        ("ACC-1", 34),
    ] {
        let date = d(2026, 11, 1) + chrono::Days::new(day - 1);
        done(
            &mut r,
            step,
            Instant::local(date, chrono::NaiveTime::from_hms_opt(15, 0, 0).unwrap()).unwrap(),
        );
    }
    // Accepted on Friday 4 December: the first inspection is due a month later, 4 January;
    // the second on 4 February, whose window (5 days before) opens on 30 January.
    let ctx = with(&base, &r, &devices);
    let dev = ctx
        .scenario()
        .device(&DeviceId::new("D-0010").unwrap())
        .unwrap();
    assert_eq!(dev.accepted(), Some(d(2026, 12, 4)));
    assert_eq!(
        inspections(&ctx),
        ["T-INSP-D-0010-20270104", "T-INSP-D-0010-20270204"]
    );
}
