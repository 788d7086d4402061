//! Spare parts: a visit that needs a part is preceded on the same route by the pickup at a
//! service point (a pickup-delivery pair); the checker verifies the order, the engineer and
//! the pickup's travel and length; re-plans keep the pair together.

use crate::support::{assert_valid, at, inspection, monday, part_delivery, parts_context, request};
use fieldplan::domain::fault::{FaultEvent, FaultEventKind};
use fieldplan::domain::ids::{DeviceId, FaultId, ServicePointId, SiteId, TaskId};
use fieldplan::domain::task::Task;
use fieldplan::plan::replan::insert_fault;
use fieldplan::plan::{
    DayInputs, FaultInput, Plan, PlanningContext, ProgressEvent, StopKind, ViolationCode, check,
    check_replan, plan_day,
};

fn sp(id: &str) -> ServicePointId {
    ServicePointId::new(id).unwrap()
}

/// Seconds of driving between two context points named by service point or site id.
fn drive(ctx: &PlanningContext, from: usize, to: usize) -> i64 {
    i64::from(ctx.travel(from, to).1)
}

fn point_sp(ctx: &PlanningContext, id: &str) -> usize {
    ctx.service_point_point(&sp(id)).unwrap()
}

fn point_site(ctx: &PlanningContext, id: &str) -> usize {
    ctx.site_point(&SiteId::new(id).unwrap()).unwrap()
}

/// A level-3 fault on the DR D-0005 at S-0002 whose handling asked for a part.
fn fault_needing_part(id: &str) -> FaultInput {
    let reported = at(2026, 11, 29, 9, 0);
    FaultInput {
        fault: FaultId::new(id).unwrap(),
        site: SiteId::new("S-0002").unwrap(),
        device: DeviceId::new("D-0005").unwrap(),
        level: 3u8.try_into().unwrap(),
        reported_at: reported,
        events: vec![
            FaultEvent::new(FaultEventKind::OnSite, at(2026, 11, 29, 11, 0)),
            FaultEvent::new(FaultEventKind::PartRequested, at(2026, 11, 29, 12, 0)),
        ],
    }
}

fn delivery_plan(ctx: &PlanningContext) -> Plan {
    let inputs = DayInputs {
        extra_tasks: vec![part_delivery("T-PART-1", "SP-XH", None)],
        ..DayInputs::default()
    };
    plan_day(ctx, &request(monday(), 1), &inputs).unwrap()
}

#[test]
fn spare_part_delivery_is_picked_up_at_its_service_point_before_the_visit() {
    let ctx = parts_context();
    let plan = delivery_plan(&ctx);
    assert_valid(&plan, &ctx);
    assert!(plan.unassigned.is_empty(), "{:?}", plan.unassigned);
    let route = plan
        .route(&fieldplan::domain::ids::EngineerId::new("E-01").unwrap())
        .unwrap();
    assert_eq!(route.stops.len(), 2);
    let (pickup, visit) = (&route.stops[0], &route.stops[1]);
    assert_eq!(pickup.stop_kind, StopKind::PartPickup);
    assert_eq!(visit.stop_kind, StopKind::Visit);
    assert_eq!(pickup.task.task.as_str(), "T-PART-1");
    assert_eq!(pickup.location, ctx.coords(point_sp(&ctx, "SP-XH")));
    // By hand: leave Donghu at 08:30, drive to Xihu, 10 min pickup, drive to S-0001 (open
    // from 08:00), 30 min delivery.
    let (dh, xh, s1) = (
        point_sp(&ctx, "SP-DH"),
        point_sp(&ctx, "SP-XH"),
        point_site(&ctx, "S-0001"),
    );
    let t0 = at(2026, 11, 30, 8, 30).timestamp();
    assert_eq!(pickup.start.timestamp(), t0 + drive(&ctx, dh, xh));
    assert_eq!(pickup.end.timestamp(), pickup.start.timestamp() + 600);
    assert_eq!(
        visit.start.timestamp(),
        pickup.end.timestamp() + drive(&ctx, xh, s1)
    );
    assert_eq!(plan.kpis.stops, 1);
    assert_eq!(plan.kpis.part_pickups, 1);
    // `find_stop` is the visit; the pickup has its own lookup.
    let id = TaskId::new("T-PART-1").unwrap();
    assert_eq!(plan.find_stop(&id).unwrap().1, visit);
    assert_eq!(plan.find_pickup(&id).unwrap().1, pickup);
}

#[test]
fn pickup_stops_serialise_as_part_pickup_and_visits_omit_the_kind() {
    let ctx = parts_context();
    let plan = delivery_plan(&ctx);
    let v = serde_json::to_value(&plan).unwrap();
    let stops = v["routes"][0]["stops"].as_array().unwrap();
    assert_eq!(stops[0]["stopKind"], "PART_PICKUP");
    assert_eq!(stops[0]["partPickup"]["servicePoint"], "SP-XH");
    assert!(stops[1].get("stopKind").is_none());
    let back: Plan = serde_json::from_value(v).unwrap();
    assert_eq!(back, plan);
}

#[test]
fn fault_with_a_requested_part_is_picked_up_at_the_nearest_service_point() {
    let ctx = parts_context();
    let inputs = DayInputs {
        faults: vec![fault_needing_part("F-PART")],
        extra_tasks: vec![inspection("D-0001", "S-0001", true)],
        ..DayInputs::default()
    };
    let plan = plan_day(&ctx, &request(monday(), 1), &inputs).unwrap();
    assert_valid(&plan, &ctx);
    let id = TaskId::new("T-REP-F-PART").unwrap();
    let (r_visit, visit) = plan.find_stop(&id).expect("the repair is planned");
    let (r_pick, pickup) = plan.find_pickup(&id).expect("its part is picked up");
    assert_eq!(r_visit.engineer, r_pick.engineer);
    assert!(pickup.end <= visit.arrival);
    // S-0002 is nearer Xihu than Donghu: the part comes from SP-XH.
    let s2 = point_site(&ctx, "S-0002");
    assert!(ctx.travel(point_sp(&ctx, "SP-XH"), s2).1 < ctx.travel(point_sp(&ctx, "SP-DH"), s2).1);
    assert_eq!(
        visit.task.part_pickup.as_ref().unwrap().service_point,
        sp("SP-XH")
    );
    // A fault without the event needs no part.
    let mut plain = fault_needing_part("F-PLAIN");
    plain.events.clear();
    let plan = plan_day(
        &ctx,
        &request(monday(), 1),
        &DayInputs {
            faults: vec![plain],
            ..DayInputs::default()
        },
    )
    .unwrap();
    assert_valid(&plan, &ctx);
    assert_eq!(plan.kpis.part_pickups, 0);
}

#[test]
fn checker_rejects_a_visit_before_its_pickup_and_a_pickup_on_another_route() {
    let ctx = parts_context();
    let plan = delivery_plan(&ctx);
    let codes =
        |p: &Plan| -> Vec<ViolationCode> { check(p, &ctx).iter().map(|v| v.code).collect() };

    let mut swapped = plan.clone();
    swapped.routes[0].stops.swap(0, 1);
    let c = codes(&swapped);
    assert!(c.contains(&ViolationCode::PickupMissing), "{c:?}");
    assert!(c.contains(&ViolationCode::PickupWithoutVisit), "{c:?}");

    let e1 = plan
        .routes
        .iter()
        .position(|r| r.engineer.as_str() == "E-01")
        .unwrap();
    let e2 = 1 - e1;
    let mut moved = plan.clone();
    let pickup = moved.routes[e1].stops.remove(0);
    moved.routes[e2].stops.push(pickup);
    let c = codes(&moved);
    assert!(c.contains(&ViolationCode::PickupMissing), "{c:?}");
    assert!(c.contains(&ViolationCode::PickupWithoutVisit), "{c:?}");

    let mut dropped = plan.clone();
    dropped.routes[e1].stops.remove(0);
    assert!(codes(&dropped).contains(&ViolationCode::PickupMissing));
}

#[test]
fn replan_keeps_a_frozen_pickup_and_its_visit_together() {
    let ctx = parts_context();
    let plan = delivery_plan(&ctx);
    let route = plan
        .route(&fieldplan::domain::ids::EngineerId::new("E-01").unwrap())
        .unwrap();
    let pickup_start = route.stops[0].start;
    // Just after the pickup started: it is frozen, the delivery is not.
    let now = fieldplan::domain::instant::Instant::from_naive(
        pickup_start.naive_local() + chrono::TimeDelta::minutes(1),
    )
    .unwrap();
    let mut fault = fault_needing_part("F-NEW");
    fault.events.clear();
    fault.level = 1u8.try_into().unwrap();
    fault.reported_at = now;
    let out = insert_fault(&ctx, &plan, &[], &fault, now).unwrap();
    let v = check_replan(&plan, &out.plan, &[], &ctx);
    assert!(v.is_empty(), "{v:#?}");
    let id = TaskId::new("T-PART-1").unwrap();
    let (r_pick, p) = out.plan.find_pickup(&id).unwrap();
    let (r_visit, _) = out.plan.find_stop(&id).expect("the delivery stays planned");
    assert!(p.frozen);
    assert_eq!(r_pick.engineer, r_visit.engineer);
}

#[test]
fn replan_inserts_a_fault_needing_a_part_with_its_pickup() {
    let ctx = parts_context();
    let plan = delivery_plan(&ctx);
    let now = at(2026, 11, 30, 8, 0);
    let mut fault = fault_needing_part("F-NEW");
    fault.reported_at = at(2026, 11, 30, 7, 0);
    for e in &mut fault.events {
        e.at = at(2026, 11, 30, 7, 30);
    }
    let progress: Vec<ProgressEvent> = Vec::new();
    let out = insert_fault(&ctx, &plan, &progress, &fault, now).unwrap();
    let v = check_replan(&plan, &out.plan, &progress, &ctx);
    assert!(v.is_empty(), "{v:#?}");
    let id = TaskId::new("T-REP-F-NEW").unwrap();
    let (r_visit, visit) = out.plan.find_stop(&id).expect("the fault is placed");
    let (r_pick, pickup) = out.plan.find_pickup(&id).expect("with its pickup");
    assert_eq!(r_visit.engineer, r_pick.engineer);
    assert!(pickup.end <= visit.arrival);
    assert_eq!(out.assigned_engineer.as_ref(), Some(&r_visit.engineer));
}

#[test]
fn pickups_of_named_parts_are_held_to_the_stock_snapshot() {
    use fieldplan::domain::parts::{PartNumber, Stock};
    let part = PartNumber::new("DR-FPD-4343").unwrap();
    // SP-XH is the nearer service point to S-0002 (see above) but holds none: the nearest
    // stocking one is SP-DH.
    let ctx = parts_context().with_stock(Stock::new([
        (sp("SP-DH"), part.clone(), 1),
        (sp("SP-XH"), part.clone(), 0),
    ]));
    let s2 = point_site(&ctx, "S-0002");
    assert_eq!(
        ctx.service_points_by_drive(s2),
        vec![sp("SP-XH"), sp("SP-DH")]
    );
    assert_eq!(ctx.holders_by_drive(s2, &part), vec![sp("SP-DH")]);
    let codes =
        |p: &Plan| -> Vec<ViolationCode> { check(p, &ctx).iter().map(|v| v.code).collect() };
    let plan_of = |tasks: Vec<Task>| {
        let inputs = DayInputs {
            extra_tasks: tasks,
            ..DayInputs::default()
        };
        plan_day(&ctx, &request(monday(), 1), &inputs).unwrap()
    };

    let good = plan_of(vec![part_delivery("T-PD-1", "SP-DH", Some("DR-FPD-4343"))]);
    assert_valid(&good, &ctx);
    assert!(good.find_pickup(&TaskId::new("T-PD-1").unwrap()).is_some());

    let unstocked = plan_of(vec![part_delivery("T-PD-1", "SP-XH", Some("DR-FPD-4343"))]);
    assert!(codes(&unstocked).contains(&ViolationCode::PartNotStocked));

    let twice = plan_of(vec![
        part_delivery("T-PD-1", "SP-DH", Some("DR-FPD-4343")),
        part_delivery("T-PD-2", "SP-DH", Some("DR-FPD-4343")),
    ]);
    // The planner plans both (the tasks name their pickup); one unit is on the shelf.
    assert_eq!(twice.kpis.part_pickups, 2);
    let c = codes(&twice);
    assert!(c.contains(&ViolationCode::StockExceeded), "{c:?}");

    // Every delivery given to the plan is in it.
    let given = vec![part_delivery("T-PD-1", "SP-DH", Some("DR-FPD-4343"))];
    assert!(fieldplan::plan::check_deliveries_present(&good, &given).is_empty());
    let mut lost = good.clone();
    for r in &mut lost.routes {
        r.stops.retain(|s| s.task.task.as_str() != "T-PD-1");
    }
    let v = fieldplan::plan::check_deliveries_present(&lost, &given);
    assert_eq!(v[0].code, ViolationCode::DeliveryMissing);
}
