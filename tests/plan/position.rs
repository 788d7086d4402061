//! Re-planning from a reported position: the rest of the route starts where the engineer
//! says they are, with the travel from there measured on the fly; older reports are ignored.

use crate::support::{inspection, monday, request, small_context};
use fieldplan::domain::geo::LatLon;
use fieldplan::domain::ids::{DeviceId, EngineerId, FaultId, ServicePointId, SiteId};
use fieldplan::domain::instant::Instant;
use fieldplan::plan::replan::insert_fault;
use fieldplan::plan::{
    DayInputs, FaultInput, Plan, PlanningContext, ProgressEvent, ViolationCode, check,
    check_replan, plan_day,
};

fn e01() -> EngineerId {
    EngineerId::new("E-01").unwrap()
}

/// Two DR inspections at S-0001 and one at S-0002.
fn morning_plan(ctx: &PlanningContext) -> Plan {
    let inputs = DayInputs {
        extra_tasks: vec![
            inspection("D-0001", "S-0001", true),
            inspection("D-0003", "S-0001", true),
            inspection("D-0005", "S-0002", true),
        ],
        ..DayInputs::default()
    };
    plan_day(ctx, &request(monday(), 1), &inputs).unwrap()
}

/// A level-4 fault on the DR D-0004 (S-0001): due days later, it does not force anything.
fn mild_fault(reported: Instant) -> FaultInput {
    FaultInput {
        fault: FaultId::new("F-POS").unwrap(),
        site: SiteId::new("S-0001").unwrap(),
        device: DeviceId::new("D-0004").unwrap(),
        level: 4u8.try_into().unwrap(),
        reported_at: reported,
        events: Vec::new(),
    }
}

/// About 9 km south of the service point: stuck in traffic on the wrong side of town.
fn far_south() -> LatLon {
    LatLon::new(28.600, 115.900).unwrap()
}

fn minutes_after(t: Instant, m: i64) -> Instant {
    Instant::from_naive(t.naive_local() + chrono::TimeDelta::minutes(m)).unwrap()
}

#[test]
fn replan_starts_the_route_from_the_reported_position() {
    let ctx = small_context();
    let plan = morning_plan(&ctx);
    let first = &plan.route(&e01()).unwrap().stops[0];
    // Before the first visit starts, the engineer reports being far south.
    let now = minutes_after(first.start, -5);
    let reported = minutes_after(now, -2);
    let progress = vec![ProgressEvent::Position {
        engineer: e01(),
        at: reported,
        position: far_south(),
    }];
    let out = insert_fault(&ctx, &plan, &progress, &mild_fault(now), now).unwrap();
    let v = check_replan(&plan, &out.plan, &progress, &ctx);
    assert!(v.is_empty(), "{v:#?}");
    let route = out.plan.route(&e01()).unwrap();
    let restart = route.restart.expect("restarted from the position");
    assert_eq!(restart.location, far_south());
    assert_eq!(restart.at, now, "from max(now, report, shift start)");
    assert_eq!(restart.after_stops, 0);
    assert_eq!(route.departure, plan.route(&e01()).unwrap().departure);
    // The first stop's travel is from the position, as the context's model measures it.
    let s = &route.stops[0];
    let point = ctx.site_point(&s.task.site).unwrap();
    let (m, sec) = ctx.travel_from(far_south(), &[point]).unwrap()[0];
    assert_eq!((s.travel_metres, s.travel_seconds), (m, sec));
    assert!(s.arrival.timestamp() >= now.timestamp() + i64::from(sec));
    // Much further than from the service point: the first visit moves later.
    let home = ctx
        .service_point_point(&ServicePointId::new("SP-DH").unwrap())
        .unwrap();
    assert!(sec > ctx.travel(home, point).1);
    assert!(s.start > first.start);
}

#[test]
fn position_after_a_done_visit_restarts_after_it() {
    let ctx = small_context();
    let plan = morning_plan(&ctx);
    let first = plan.route(&e01()).unwrap().stops[0].clone();
    // Done half an hour early; the next visit (same site) was planned right after.
    let done = minutes_after(first.end, -30);
    let now = minutes_after(done, 20);
    let progress = vec![
        ProgressEvent::Done {
            engineer: e01(),
            task: first.task.task.clone(),
            at: done,
        },
        ProgressEvent::Position {
            engineer: e01(),
            at: minutes_after(done, 15),
            position: far_south(),
        },
    ];
    let out = insert_fault(&ctx, &plan, &progress, &mild_fault(now), now).unwrap();
    let v = check_replan(&plan, &out.plan, &progress, &ctx);
    assert!(v.is_empty(), "{v:#?}");
    let route = out.plan.route(&e01()).unwrap();
    let restart = route.restart.expect("restarted");
    assert_eq!(restart.after_stops, 1);
    assert_eq!(restart.at, now);
    assert!(route.stops[0].frozen && !route.stops[1].frozen);
    // A later re-plan without a new report keeps starting from there.
    let fault2 = FaultInput {
        fault: FaultId::new("F-POS2").unwrap(),
        device: DeviceId::new("D-0003").unwrap(),
        ..mild_fault(now)
    };
    let again = insert_fault(&ctx, &out.plan, &progress, &fault2, now).unwrap();
    let v = check_replan(&out.plan, &again.plan, &progress, &ctx);
    assert!(v.is_empty(), "{v:#?}");
    let r2 = again.plan.route(&e01()).unwrap();
    assert_eq!(r2.restart.map(|r| r.location), Some(far_south()));
}

#[test]
fn a_position_older_than_the_frozen_stops_is_ignored() {
    let ctx = small_context();
    let plan = morning_plan(&ctx);
    let first = plan.route(&e01()).unwrap().stops[0].clone();
    let now = minutes_after(first.end, 10);
    let progress = vec![
        ProgressEvent::Done {
            engineer: e01(),
            task: first.task.task.clone(),
            at: first.end,
        },
        ProgressEvent::Position {
            engineer: e01(),
            at: minutes_after(first.end, -30),
            position: far_south(),
        },
    ];
    let out = insert_fault(&ctx, &plan, &progress, &mild_fault(now), now).unwrap();
    let v = check_replan(&plan, &out.plan, &progress, &ctx);
    assert!(v.is_empty(), "{v:#?}");
    let route = out.plan.route(&e01()).unwrap();
    assert!(route.restart.is_none());
    // The next stop's travel is from the done visit's site, by the matrix.
    let (a, b) = (
        ctx.site_point(&route.stops[0].task.site).unwrap(),
        ctx.site_point(&route.stops[1].task.site).unwrap(),
    );
    assert_eq!(route.stops[1].travel_seconds, ctx.travel(a, b).1);
}

#[test]
fn checker_verifies_the_travel_from_a_restart() {
    let ctx = small_context();
    let plan = morning_plan(&ctx);
    let first = &plan.route(&e01()).unwrap().stops[0];
    let now = minutes_after(first.start, -5);
    let progress = vec![ProgressEvent::Position {
        engineer: e01(),
        at: now,
        position: far_south(),
    }];
    let out = insert_fault(&ctx, &plan, &progress, &mild_fault(now), now).unwrap();
    let mut bad = out.plan.clone();
    let r = bad.routes.iter_mut().find(|r| r.engineer == e01()).unwrap();
    r.restart = None;
    let codes: Vec<ViolationCode> = check(&bad, &ctx).iter().map(|v| v.code).collect();
    assert!(codes.contains(&ViolationCode::TravelMismatch), "{codes:?}");
}
