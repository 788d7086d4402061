//! Urgent re-planning and recommendations: frozen stops kept, deadlines reached when
//! feasible, late faults flagged and placed, diffs exact, offers ranked consistently.

use crate::support::{at, inspection, monday, nanchang, nanchang_plan, request, small_context};
use fieldplan::domain::ids::{DeviceId, EngineerId, FaultId, TaskId};
use fieldplan::domain::instant::Instant;
use fieldplan::plan::replan::{insert_fault, recommend};
use fieldplan::plan::{
    Change, DayInputs, FaultInput, Flag, Plan, PlanningContext, ProgressEvent, check_replan,
    plan_day,
};
use std::collections::BTreeMap;

fn fault_at(
    ctx: &PlanningContext,
    id: &str,
    device: &str,
    level: u8,
    reported: Instant,
) -> FaultInput {
    let device = DeviceId::new(device).unwrap();
    let site = ctx.scenario().device(&device).unwrap().site().clone();
    FaultInput {
        fault: FaultId::new(id).unwrap(),
        site,
        device,
        level: level.try_into().unwrap(),
        reported_at: reported,
        events: Vec::new(),
    }
}

/// The diff recomputed here from the two plans, independently of `plan::diff`.
fn expected_changes(before: &Plan, after: &Plan) -> Vec<(String, String)> {
    let index = |p: &Plan| -> BTreeMap<String, (String, Instant)> {
        let mut m = BTreeMap::new();
        for r in &p.routes {
            for s in &r.stops {
                m.insert(s.task.task.to_string(), (r.engineer.to_string(), s.start));
            }
        }
        m
    };
    let (b, a) = (index(before), index(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys {
        let kind = match (b.get(k), a.get(k)) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (Some(x), Some(y)) if x.0 != y.0 => "moved",
            (Some(x), Some(y)) if x.1 != y.1 => "retimed",
            _ => continue,
        };
        out.push((k.clone(), kind.to_owned()));
    }
    out
}

fn kinds(changes: &[Change]) -> Vec<(String, String)> {
    changes
        .iter()
        .map(|c| {
            let kind = match c {
                Change::Added { .. } => "added",
                Change::Removed { .. } => "removed",
                Change::Moved { .. } => "moved",
                Change::Retimed { .. } => "retimed",
            };
            (c.task().to_string(), kind.to_owned())
        })
        .collect()
}

fn small_plan(ctx: &PlanningContext) -> Plan {
    let inputs = DayInputs {
        extra_tasks: vec![
            inspection("D-0001", "S-0001", true),
            inspection("D-0003", "S-0001", true),
            inspection("D-0004", "S-0001", true),
        ],
        ..DayInputs::default()
    };
    plan_day(ctx, &request(monday(), 1), &inputs).unwrap()
}

#[test]
fn can_insert_fault_before_deadline_keeping_frozen_stops() {
    let ctx = small_context();
    let plan = small_plan(&ctx);
    let e = EngineerId::new("E-01").unwrap();
    let first = &plan.routes[0].stops[0];
    let progress = vec![
        ProgressEvent::Arrived {
            engineer: e.clone(),
            task: first.task.task.clone(),
            at: first.arrival,
        },
        ProgressEvent::Started {
            engineer: e.clone(),
            task: first.task.task.clone(),
            at: first.start,
        },
    ];
    // Level 1 at 09:00, under warranty: a solution (given on site) by 13:00, resolved by 17:00
    // (on site by 15:00 with two hours of repair), so on site by 13:00.
    let fault = fault_at(&ctx, "F-0100", "D-0005", 1, at(2026, 11, 30, 9, 0));
    let now = at(2026, 11, 30, 9, 0);
    let out = insert_fault(&ctx, &plan, &progress, &fault, now).unwrap();
    let v = check_replan(&plan, &out.plan, &progress, &ctx);
    assert!(v.is_empty(), "{v:#?}");
    assert_eq!(out.deadline, Some(at(2026, 11, 30, 13, 0)));
    assert!(out.deadline_met);
    assert!(out.eta.unwrap() <= out.deadline.unwrap());
    assert_eq!(out.assigned_engineer.as_ref(), Some(&e));
    let kept = &out.plan.routes[0].stops[0];
    assert!(kept.frozen);
    assert_eq!(kept.task.task, first.task.task);
    assert_eq!(
        (kept.arrival, kept.start, kept.end),
        (first.arrival, first.start, first.end)
    );
    assert_eq!(kinds(&out.diff.changes), expected_changes(&plan, &out.plan));
    assert!(
        out.diff
            .changes
            .iter()
            .any(|c| matches!(c, Change::Added { task, .. } if task.as_str() == "T-REP-F-0100"))
    );
}

#[test]
fn unmeetable_fault_is_placed_as_early_as_possible_and_flagged() {
    let ctx = small_context();
    let plan = small_plan(&ctx);
    // Level 1 at 04:00: resolve by 12:00, on site by 10:00; it is 11:00 already.
    let fault = fault_at(&ctx, "F-0101", "D-0005", 1, at(2026, 11, 30, 4, 0));
    let now = at(2026, 11, 30, 11, 0);
    let out = insert_fault(&ctx, &plan, &[], &fault, now).unwrap();
    let v = check_replan(&plan, &out.plan, &[], &ctx);
    assert!(v.is_empty(), "{v:#?}");
    assert!(!out.deadline_met);
    assert!(out.flags.contains(&Flag::DeadlineMissed));
    let eta = out.eta.expect("placed, not dropped");
    // As early as possible: no offer arrives earlier.
    let recs = recommend(&ctx, &plan, &[], &fault, now, 5).unwrap();
    assert_eq!(recs.len(), 1);
    assert!(!recs[0].deadline_met);
    assert!(eta <= recs[0].eta, "{eta} vs {}", recs[0].eta);
}

#[test]
fn nanchang_replan_keeps_frozen_stops_and_reports_an_exact_diff() {
    let ctx = nanchang();
    let plan = nanchang_plan();
    let now = at(2026, 11, 30, 11, 0);
    let mut progress = Vec::new();
    for r in plan.routes.iter().take(5) {
        let s = &r.stops[0];
        progress.push(ProgressEvent::Done {
            engineer: r.engineer.clone(),
            task: s.task.task.clone(),
            at: s.end,
        });
    }
    let fault = fault_at(ctx, "F-0900", "D-0100", 1, at(2026, 11, 30, 10, 45));
    let out = insert_fault(ctx, plan, &progress, &fault, now).unwrap();
    let v = check_replan(plan, &out.plan, &progress, ctx);
    assert!(v.is_empty(), "{v:#?}");
    assert_eq!(kinds(&out.diff.changes), expected_changes(plan, &out.plan));
    let recs = recommend(ctx, plan, &progress, &fault, now, 3).unwrap();
    if recs
        .first()
        .is_some_and(|r| r.deadline_met && r.displaced.is_empty())
    {
        assert!(out.deadline_met, "an engineer could make it: {recs:#?}");
    }
    if out.deadline_met {
        assert!(out.eta.unwrap() <= out.deadline.unwrap());
    } else {
        assert!(out.flags.contains(&Flag::DeadlineMissed));
    }
    // Stops that had started by 11:00 are frozen and unchanged.
    for r in &plan.routes {
        for s in r.stops.iter().filter(|s| s.start <= now) {
            let (r2, s2) = out.plan.find_stop_of(&s.task.task, &r.engineer).unwrap();
            assert_eq!(r2.engineer, r.engineer);
            assert!(s2.frozen);
            assert_eq!(s2.start, s.start);
        }
    }
    // The same call gives the same answer.
    let again = insert_fault(ctx, plan, &progress, &fault, now).unwrap();
    assert_eq!(again, out);
}

#[test]
fn recommendations_are_ranked_by_deadline_then_eta_then_cost() {
    let ctx = nanchang();
    let plan = nanchang_plan();
    let now = at(2026, 11, 30, 9, 30);
    let fault = fault_at(ctx, "F-0901", "D-0200", 2, at(2026, 11, 30, 9, 0));
    let recs = recommend(ctx, plan, &[], &fault, now, 8).unwrap();
    assert!(!recs.is_empty() && recs.len() <= 8);
    let family = ctx.scenario().device(&fault.device).unwrap().family();
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r.rank, i + 1);
        assert!(
            ctx.scenario()
                .engineer(&r.engineer)
                .unwrap()
                .skills
                .has(family)
        );
        assert!(r.eta <= r.start);
        assert!(r.eta >= now);
    }
    for w in recs.windows(2) {
        let key = |r: &fieldplan::plan::replan::Recommendation| {
            (!r.deadline_met, r.displaced.len(), r.eta, r.cost)
        };
        assert!(key(&w[0]) <= key(&w[1]), "{:?} before {:?}", w[0], w[1]);
    }
    // Asking does not commit anything: the task is still unknown to the plan.
    assert!(
        plan.find_stop(&TaskId::new("T-REP-F-0901").unwrap())
            .is_none()
    );
}
