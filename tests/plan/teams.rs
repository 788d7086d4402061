//! Two-person visits in the day plan and the re-plan (issue 15 §6): an on-site callback takes
//! the engineer and a customer-service colleague (a DR hardware installation two engineers:
//! `installations.rs`); all start together on distinct routes, or the task is left out once. The independent
//! checker reports a team split, apart, or served by the wrong role.

use crate::support::{assert_valid, at, monday, request, small_context, task, team_context};
use fieldplan::domain::ids::{DeviceId, EngineerId, FaultId, TaskId};
use fieldplan::domain::instant::Instant;
use fieldplan::plan::replan::insert_fault;
use fieldplan::plan::{
    DayInputs, FaultInput, Plan, PlanningContext, ReasonCode, Stop, ViolationCode, check, plan_day,
};
use serde_json::json;

const CALLBACK: &str = "T-OCB-S-0002-TEST";

/// An on-site callback at S-0002 (open 08:30-17:30), due this week.
fn on_site_callback() -> fieldplan::domain::task::Task {
    task(
        CALLBACK,
        "S-0002",
        json!({"kind": "onSiteCallback", "due": {
            "slot": {"due": "2026-12-02", "window": {"from": "2026-11-27", "to": "2026-12-07"}, "month": 6},
            "overdue": false
        }}),
    )
}

fn plan_with(ctx: &PlanningContext, tasks: Vec<fieldplan::domain::task::Task>) -> Plan {
    let inputs = DayInputs {
        extra_tasks: tasks,
        ..DayInputs::default()
    };
    plan_day(ctx, &request(monday(), 1), &inputs).unwrap()
}

/// The visit stops of a task: (engineer, stop), in member order.
fn members<'a>(plan: &'a Plan, id: &str) -> Vec<(&'a EngineerId, &'a Stop)> {
    let mut out: Vec<_> = plan
        .routes
        .iter()
        .flat_map(|r| r.stops.iter().map(move |s| (&r.engineer, s)))
        .filter(|(_, s)| s.task.task.as_str() == id && !s.is_pickup())
        .collect();
    out.sort_by_key(|(_, s)| s.member);
    out
}

fn secs(t: Instant, s: i64) -> Instant {
    t.plus(chrono::TimeDelta::seconds(s))
}

/// Worked by hand: the callback needs a field engineer of any training and a colleague. The
/// colleague E-C01 leaves SP-DH at 08:30; E-02, based at SP-XH nearer to S-0002, is the
/// cheaper engineer (E-01 shares the colleague's longer drive), and would arrive first, so the
/// visit starts when the colleague arrives and E-02 leaves later by the difference (she
/// waits at her service point, not outside).
#[test]
fn an_on_site_callback_sends_the_engineer_and_a_colleague_who_start_together() {
    let ctx = team_context("SP-DH", 0);
    let plan = plan_with(&ctx, vec![on_site_callback()]);
    assert_valid(&plan, &ctx);
    let m = members(&plan, CALLBACK);
    assert_eq!(m.len(), 2, "{:#?}", plan.unassigned);
    assert_eq!((m[0].0.as_str(), m[0].1.member), ("E-02", 0));
    assert_eq!((m[1].0.as_str(), m[1].1.member), ("E-C01", 1));
    let site = ctx.site_point(&"S-0002".parse().unwrap()).unwrap();
    let dh = ctx.service_point_point(&"SP-DH".parse().unwrap()).unwrap();
    let xh = ctx.service_point_point(&"SP-XH".parse().unwrap()).unwrap();
    let (from_dh, from_xh) = (ctx.travel(dh, site).1, ctx.travel(xh, site).1);
    assert!(from_xh < from_dh, "E-02 is nearer");
    let start = secs(at(2026, 11, 30, 8, 30), i64::from(from_dh));
    assert_eq!(m[0].1.start, start);
    assert_eq!(m[1].1.start, start);
    let lead = plan.route(&EngineerId::new("E-02").unwrap()).unwrap();
    assert_eq!(lead.departure, secs(start, -i64::from(from_xh)));
    assert_eq!(plan.kpis.team_visits, 1);
    assert_eq!(plan.kpis.customer_service_on_shift, 1);
    assert_eq!(plan.kpis.engineers_on_shift, 2, "E-01 and E-02");
}

#[test]
fn without_a_colleague_on_shift_the_callback_is_left_out_once_and_says_why() {
    let ctx = small_context();
    let plan = plan_with(&ctx, vec![on_site_callback()]);
    assert_valid(&plan, &ctx);
    assert!(members(&plan, CALLBACK).is_empty());
    let left: Vec<_> = plan
        .unassigned
        .iter()
        .filter(|u| u.task.task.as_str() == CALLBACK)
        .collect();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].reason, ReasonCode::NoEngineerOnShift);
    assert!(
        left[0].detail.contains("customer-service"),
        "{}",
        left[0].detail
    );
}

#[test]
fn the_checker_reports_a_team_apart_split_or_served_by_the_wrong_role() {
    let ctx = team_context("SP-XH", 0);
    let plan = plan_with(&ctx, vec![on_site_callback()]);
    assert_valid(&plan, &ctx);
    let codes =
        |p: &Plan| -> Vec<ViolationCode> { check(p, &ctx).iter().map(|v| v.code).collect() };
    let find = |p: &mut Plan, member: usize| -> (usize, usize) {
        p.routes
            .iter()
            .enumerate()
            .find_map(|(r, route)| {
                route
                    .stops
                    .iter()
                    .position(|s| s.task.task.as_str() == CALLBACK && s.member == member)
                    .map(|i| (r, i))
            })
            .unwrap()
    };
    // The colleague a minute late.
    let mut apart = plan.clone();
    let (r, i) = find(&mut apart, 1);
    let s = &mut apart.routes[r].stops[i];
    s.start = secs(s.start, 60);
    s.end = secs(s.end, 60);
    assert!(codes(&apart).contains(&ViolationCode::TeamNotTogether));
    // The colleague's stop gone.
    let mut split = plan.clone();
    let (r, i) = find(&mut split, 1);
    split.routes[r].stops.remove(i);
    assert!(codes(&split).contains(&ViolationCode::TeamIncomplete));
    // The members' roles swapped: the colleague leads, the engineer goes along.
    let mut swapped = plan.clone();
    let (r0, i0) = find(&mut swapped, 0);
    let (r1, i1) = find(&mut swapped, 1);
    swapped.routes[r0].stops[i0].member = 1;
    swapped.routes[r1].stops[i1].member = 0;
    assert!(codes(&swapped).contains(&ViolationCode::RoleMismatch));
}

/// A level-1 fault at S-0001 reported at 08:00 goes to E-01, the only DR engineer; the
/// callback's two people keep their common start, or both leave the plan together.
#[test]
fn an_urgent_re_plan_keeps_a_team_together() {
    let ctx = team_context("SP-XH", 0);
    let plan = plan_with(&ctx, vec![on_site_callback()]);
    let before = members(&plan, CALLBACK);
    assert_eq!(before.len(), 2);
    let fault = FaultInput {
        fault: FaultId::new("F-TEAM-1").unwrap(),
        site: "S-0001".parse().unwrap(),
        device: DeviceId::new("D-0001").unwrap(),
        level: 1u8.try_into().unwrap(),
        reported_at: at(2026, 11, 30, 8, 0),
        events: Vec::new(),
    };
    let out = insert_fault(&ctx, &plan, &[], &fault, at(2026, 11, 30, 8, 0)).unwrap();
    assert_valid(&out.plan, &ctx);
    assert!(out.deadline_met);
    let after = members(&out.plan, CALLBACK);
    match after.len() {
        2 => {
            assert_eq!(after[0].1.start, after[1].1.start);
            assert_eq!(
                after[1].1.start, before[1].1.start,
                "the colleague's start holds"
            );
        }
        0 => assert!(
            out.plan
                .unassigned
                .iter()
                .any(|u| u.task.task == TaskId::new(CALLBACK).unwrap())
        ),
        n => panic!("{n} members of a team of two"),
    }
}
