//! On call, 7 x 24 (`config/oncall.toml`: level 1 calls out, 30 min to leave, night
//! 22:00-06:00, 4 h of rest; a call-out costs 100,000 units plus its driving at the planner's
//! cost per metre and per second). The small
//! scenario's E-01 (DR, 08:30-17:30 weekdays, Donghu service point) is on call from Saturday
//! 28 November to Sunday 6 December. Answers worked out by hand from the drive `t` between
//! SP-DH and S-0002 (the travel model measures it; nothing about the site is hard-coded).

use crate::support::{
    assert_valid, at, d, inspection, monday, on_call_context, on_call_context_resting, request,
};
use fieldplan::domain::duration::Minutes;
use fieldplan::domain::ids::{DeviceId, EngineerId, FaultId, ServicePointId, SiteId, TaskId};
use fieldplan::domain::instant::Instant;
use fieldplan::plan::check_after;
use fieldplan::plan::oncall::carried;
use fieldplan::plan::replan::{insert_fault, recommend};
use fieldplan::plan::{
    DayInputs, FaultInput, Plan, PlanningContext, ViolationCode, check, check_replan, plan_day,
};

fn fault(id: &str, level: u8, reported: Instant) -> FaultInput {
    FaultInput {
        fault: FaultId::new(id).unwrap(),
        site: SiteId::new("S-0002").unwrap(),
        device: DeviceId::new("D-0005").unwrap(),
        level: level.try_into().unwrap(),
        reported_at: reported,
        events: Vec::new(),
    }
}

/// `(metres, seconds)` from SP-DH to S-0002 and back.
fn drive(ctx: &PlanningContext) -> ((u32, u32), (u32, u32)) {
    let home = ctx
        .service_point_point(&ServicePointId::new("SP-DH").unwrap())
        .unwrap();
    let site = ctx.site_point(&SiteId::new("S-0002").unwrap()).unwrap();
    (ctx.travel(home, site), ctx.travel(site, home))
}

fn plus(t: Instant, seconds: i64) -> i64 {
    t.timestamp() + seconds
}

fn day_plan(ctx: &PlanningContext, date: chrono::NaiveDate, faults: Vec<FaultInput>) -> Plan {
    let inputs = DayInputs {
        faults,
        extra_tasks: vec![inspection("D-0001", "S-0001", true)],
        ..DayInputs::default()
    };
    let plan = plan_day(ctx, &request(date, 1), &inputs).unwrap();
    assert_valid(&plan, ctx);
    plan
}

fn codes(p: &Plan, ctx: &PlanningContext) -> Vec<ViolationCode> {
    check(p, ctx).into_iter().map(|v| v.code).collect()
}

#[test]
fn night_fault_at_03_00_calls_out_and_the_shift_starts_after_the_rest() {
    let ctx = on_call_context();
    // Level 1 at 03:00 under warranty: solution by 07:00, resolved by 11:00 (two hours of
    // repair: on site by 09:00), so on site by 07:00; the shift (08:30 + t) cannot make it.
    // Called at 03:00, E-01 leaves at 03:30, arrives 03:30 + t, repairs until 05:30 + t,
    // is home at 05:30 + t + t'. The trip touches the night: her shift leaves no earlier
    // than 09:30 + t + t'.
    let plan = day_plan(
        &ctx,
        monday(),
        vec![fault("F-0001", 1, at(2026, 11, 30, 3, 0))],
    );
    let ((m, t), (m_back, t_back)) = drive(&ctx);
    let (t, t_back) = (i64::from(t), i64::from(t_back));
    let call = plan
        .routes
        .iter()
        .find(|r| r.is_call_out())
        .expect("a call-out");
    assert_eq!(call.engineer.as_str(), "E-01");
    assert_eq!(call.departure, at(2026, 11, 30, 3, 30));
    let stop = &call.stops[0];
    assert_eq!(stop.task.task.as_str(), "T-REP-F-0001");
    assert_eq!(stop.task.deadline, Some(at(2026, 11, 30, 7, 0)));
    assert_eq!(stop.arrival.timestamp(), plus(at(2026, 11, 30, 3, 30), t));
    assert!(stop.flags.is_empty());
    let back = plus(at(2026, 11, 30, 5, 30), t + t_back);
    assert_eq!(call.return_at.timestamp(), back);
    let c = call.call_out.unwrap();
    assert!(c.night);
    assert_eq!(c.called_at, at(2026, 11, 30, 3, 0));
    let st = ctx.settings();
    let driving =
        st.cost_per_metre * i64::from(m + m_back) + st.cost_per_travel_second * (t + t_back);
    assert_eq!(c.cost, 100_000 + driving);
    let shift = plan.route(&EngineerId::new("E-01").unwrap()).unwrap();
    assert!(!shift.is_call_out());
    assert_eq!(shift.shift_start, at(2026, 11, 30, 8, 30));
    assert!(shift.departure.timestamp() >= back + 4 * 3600);
    assert_eq!(shift.stops.len(), 1, "the inspection is still done");
    assert_eq!(plan.kpis.call_outs, 1);
    assert_eq!(plan.kpis.fault_deadlines_met, 1);
    assert_eq!(plan.kpis.engineers_on_shift, 1);
}

#[test]
fn level_2_at_night_waits_for_the_shift() {
    let ctx = on_call_context();
    // Level 2 at 00:30, a visit asked for at 00:40: on site within 24 h of the report;
    // only level 1 calls out.
    let mut f = fault("F-0002", 2, at(2026, 11, 30, 0, 30));
    f.events = vec![fieldplan::domain::fault::FaultEvent::new(
        fieldplan::domain::fault::FaultEventKind::NeedsVisit,
        at(2026, 11, 30, 0, 40),
    )];
    let plan = day_plan(&ctx, monday(), vec![f]);
    assert!(plan.routes.iter().all(|r| !r.is_call_out()));
    assert!(
        plan.find_stop(&TaskId::new("T-REP-F-0002").unwrap())
            .is_some()
    );
    assert_eq!(plan.kpis.call_outs, 0);
}

#[test]
fn a_level_3_fault_waits_for_remote_support_and_its_solution_is_no_arrival_deadline() {
    let ctx = on_call_context();
    // Level 3 at 07:00: remote first, so not planned at all.
    let f = fault("F-0006", 3, at(2026, 11, 30, 7, 0));
    let plan = day_plan(&ctx, monday(), vec![f.clone()]);
    assert!(plan.faults.is_empty());
    // A dispatcher asks for a visit at 07:30: planned. D-0005 is under warranty: on site
    // within 24 h and fixed within a day, so on site by 05:00 on 1 December (two hours of
    // repair): not due that day, so optional.
    let needs_visit = vec![fieldplan::domain::fault::FaultEvent::new(
        fieldplan::domain::fault::FaultEventKind::NeedsVisit,
        at(2026, 11, 30, 7, 30),
    )];
    let mut needs = f.clone();
    needs.events = needs_visit.clone();
    let plan = day_plan(&ctx, monday(), vec![needs]);
    assert_eq!(plan.faults.len(), 1);
    assert_eq!(plan.faults[0].deadline, Some(at(2026, 12, 1, 5, 0)));
    // Out of warranty the 24 h solution (07:00 on 1 December) may be given remotely: no
    // arrival deadline at all; a level-1 fault's 4 h solution is one.
    let sla_ctx = fieldplan::domain::sla::SlaContext {
        under_warranty: false,
        area: fieldplan::domain::geo::AreaType::County,
    };
    let as_fault = |level: u8| fieldplan::domain::fault::Fault {
        id: FaultId::new("F-0006").unwrap(),
        device: DeviceId::new("D-0005").unwrap(),
        level: level.try_into().unwrap(),
        reported: at(2026, 11, 30, 7, 0),
        description: String::new(),
    };
    let repair = fieldplan::domain::duration::Minutes::hours(2);
    let deadline = |level| {
        fieldplan::plan::on_site_deadline(
            ctx.config(),
            &as_fault(level),
            sla_ctx,
            &needs_visit,
            repair,
            at(2026, 11, 30, 7, 30),
        )
    };
    assert_eq!(deadline(3), None);
    assert_eq!(deadline(1), Some(at(2026, 11, 30, 11, 0)));
    // Remote support failed at 07:30 instead: on site by 08:00 (30 minutes, at every site).
    // The shift cannot make it (08:30 + t). A failed remote attempt calls the on-call
    // engineer out whatever the level (config/oncall.toml `remote_failed`): called at the
    // failure, she leaves at 08:00 and arrives at 08:00 + t, late but before the shift.
    let mut failed = f;
    failed.events = vec![fieldplan::domain::fault::FaultEvent::new(
        fieldplan::domain::fault::FaultEventKind::RemoteFailed,
        at(2026, 11, 30, 7, 30),
    )];
    let plan = day_plan(&ctx, monday(), vec![failed]);
    assert_eq!(plan.faults[0].deadline, Some(at(2026, 11, 30, 8, 0)));
    assert!(!plan.faults[0].deadline_met);
    assert_eq!(plan.kpis.call_outs, 1);
    let ((_, t), _) = drive(&ctx);
    let call = plan.routes.iter().find(|r| r.is_call_out()).unwrap();
    assert_eq!(call.call_out.unwrap().called_at, at(2026, 11, 30, 7, 30));
    assert_eq!(call.departure, at(2026, 11, 30, 8, 0));
    assert_eq!(
        plan.faults[0].eta.map(|e| e.timestamp()),
        Some(plus(at(2026, 11, 30, 8, 0), i64::from(t)))
    );
}

#[test]
fn sunday_fault_calls_out_the_engineer_on_call_at_midday() {
    let ctx = on_call_context();
    // Sunday 6 December, nobody on shift. Level 1 at 12:00: E-01 leaves 12:30, arrives
    // 12:30 + t; not a night call-out; no lunch on a call-out.
    let sunday = d(2026, 12, 6);
    let plan = day_plan(
        &ctx,
        sunday,
        vec![fault("F-0003", 1, at(2026, 12, 6, 12, 0))],
    );
    let ((_, t), _) = drive(&ctx);
    assert_eq!(plan.routes.len(), 1);
    let call = &plan.routes[0];
    assert!(call.is_call_out() && !call.call_out.unwrap().night);
    assert!(call.lunch.is_none());
    assert_eq!(
        call.stops[0].arrival.timestamp(),
        plus(at(2026, 12, 6, 12, 30), i64::from(t))
    );
    assert_eq!(plan.kpis.engineers_on_shift, 0);
}

#[test]
fn replan_at_night_calls_out_and_recommendations_offer_it() {
    let ctx = on_call_context();
    let plan = day_plan(&ctx, monday(), Vec::new());
    // At 00:40 a level-1 fault reported at 00:30 (on site by 04:30): the shift would arrive
    // at 08:30 + t, too late; E-01 on call leaves 01:10 (called at 00:40, the re-plan's now).
    let now = at(2026, 11, 30, 0, 40);
    let f = fault("F-0004", 1, at(2026, 11, 30, 0, 30));
    let ((_, t), _) = drive(&ctx);
    let recs = recommend(&ctx, &plan, &[], &f, now, 5).unwrap();
    assert_eq!(recs.len(), 2, "{recs:?}");
    assert!(recs[0].call_out && recs[0].deadline_met);
    assert_eq!(
        recs[0].eta.timestamp(),
        plus(at(2026, 11, 30, 1, 10), i64::from(t))
    );
    assert!(!recs[1].call_out && !recs[1].deadline_met);
    assert!(recs[0].cost >= 100_000);

    let out = insert_fault(&ctx, &plan, &[], &f, now).unwrap();
    assert!(out.deadline_met);
    assert_eq!(out.assigned_engineer.as_ref().unwrap().as_str(), "E-01");
    assert_eq!(out.eta, Some(recs[0].eta));
    assert!(out.plan.routes.iter().any(|r| r.is_call_out()));
    assert_valid(&out.plan, &ctx);
    assert!(check_replan(&plan, &out.plan, &[], &ctx).is_empty());
}

#[test]
fn nobody_on_call_serves_the_night_fault_from_the_shift_late() {
    // E-01 on call, but a fault of Monday night on Tuesday's date with E-01 absent: the
    // rota skips absent engineers. Here: the small context without a rota.
    let ctx = crate::support::small_context();
    let plan = day_plan(
        &ctx,
        monday(),
        vec![fault("F-0005", 1, at(2026, 11, 30, 3, 0))],
    );
    assert!(plan.routes.iter().all(|r| !r.is_call_out()));
    let (_, s) = plan
        .find_stop(&TaskId::new("T-REP-F-0005").unwrap())
        .unwrap();
    assert!(s.flags.contains(&fieldplan::plan::Flag::DeadlineMissed));
}

#[test]
fn checker_catches_broken_on_call_rules() {
    let ctx = on_call_context();
    let plan = day_plan(
        &ctx,
        monday(),
        vec![fault("F-0001", 1, at(2026, 11, 30, 3, 0))],
    );
    let ci = plan.routes.iter().position(|r| r.is_call_out()).unwrap();
    let si = plan.routes.iter().position(|r| !r.is_call_out()).unwrap();

    // The shift leaves before the rest is over.
    let mut p = plan.clone();
    p.routes[si].departure = at(2026, 11, 30, 8, 30);
    assert!(codes(&p, &ctx).contains(&ViolationCode::RestBroken));

    // Left before the response time.
    let mut p = plan.clone();
    p.routes[ci].call_out.as_mut().unwrap().called_at = at(2026, 11, 30, 3, 10);
    assert!(codes(&p, &ctx).contains(&ViolationCode::CallOutTooEarly));

    // A level-2 fault may not call out.
    let mut p = plan.clone();
    p.routes[ci].stops[0].task.fault.as_mut().unwrap().level = 2.try_into().unwrap();
    assert!(codes(&p, &ctx).contains(&ViolationCode::CallOutNotAllowed));

    // The night flag is the night rule's.
    let mut p = plan.clone();
    p.routes[ci].call_out.as_mut().unwrap().night = false;
    assert!(codes(&p, &ctx).contains(&ViolationCode::ShiftMismatch));

    // Not on call: the same plan in the context without a rota.
    let off = crate::support::small_context();
    assert!(codes(&plan, &off).contains(&ViolationCode::NotOnCall));
}

/// E-01's Monday with a level-1 fault reported at 23:00 and re-planned then: its call-out
/// leaves Monday and comes back Tuesday. Returns Monday's plan and the return instant.
fn monday_night_call_out(ctx: &PlanningContext) -> (Plan, Instant) {
    let plan = day_plan(ctx, monday(), Vec::new());
    let now = at(2026, 11, 30, 23, 0);
    let f = fault("F-0006", 1, now);
    let out = insert_fault(ctx, &plan, &[], &f, now).unwrap();
    assert_valid(&out.plan, ctx);
    let call = out
        .plan
        .routes
        .iter()
        .find(|r| r.is_call_out())
        .expect("a call-out");
    // Called at 23:00, she leaves 23:30, repairs two hours from 23:30 + t and is home after
    // midnight: 01:30 + t + t' on Tuesday.
    let (_, (_, t_back)) = drive(ctx);
    let ((_, t), _) = drive(ctx);
    assert_eq!(call.departure, at(2026, 11, 30, 23, 30));
    let back = at(2026, 12, 1, 1, 30).timestamp() + i64::from(t) + i64::from(t_back);
    assert_eq!(call.return_at.timestamp(), back);
    assert!(call.call_out.unwrap().night);
    let back = call.return_at;
    (out.plan, back)
}

#[test]
fn a_call_out_back_after_midnight_delays_the_next_days_shift() {
    // Ten hours of rest: back at 01:30 + t + t' on Tuesday, E-01's Tuesday shift (08:30)
    // leaves no earlier than 11:30 + t + t'.
    let ctx = on_call_context_resting(Minutes::hours(10));
    let (monday_plan, back) = monday_night_call_out(&ctx);
    let tuesday = d(2026, 12, 1);
    let carried = carried(&ctx, &monday_plan, tuesday);
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0].return_at, back);
    let rest_end = back.timestamp() + 10 * 3600;

    let inputs = DayInputs {
        extra_tasks: vec![inspection("D-0001", "S-0001", true)],
        carried_call_outs: carried.clone(),
        ..DayInputs::default()
    };
    let plan = plan_day(&ctx, &request(tuesday, 1), &inputs).unwrap();
    assert_valid(&plan, &ctx);
    assert!(check_after(&monday_plan, &plan, &ctx).is_empty());
    assert_eq!(plan.carried_call_outs, carried);
    let shift = plan.route(&EngineerId::new("E-01").unwrap()).unwrap();
    assert_eq!(shift.shift_start, at(2026, 12, 1, 8, 30));
    assert!(shift.departure.timestamp() >= rest_end, "{shift:?}");
    assert_eq!(shift.stops.len(), 1, "the inspection is still done");
    // The repair she went to on Monday night is not planned again.
    let repair = TaskId::new("T-REP-F-0006").unwrap();
    assert!(plan.find_stop(&repair).is_none());
    assert!(plan.unassigned.iter().all(|u| u.task.task != repair));

    // A fault re-planned on Tuesday morning keeps the rest: level 1 at 09:00, on site by
    // 13:00, which E-01 still makes after her rest, on shift.
    let now = at(2026, 12, 1, 9, 0);
    let out = insert_fault(&ctx, &plan, &[], &fault("F-0007", 1, now), now).unwrap();
    assert_valid(&out.plan, &ctx);
    assert!(check_after(&monday_plan, &out.plan, &ctx).is_empty());
    let (route, stop) = out
        .plan
        .find_stop(&TaskId::new("T-REP-F-0007").unwrap())
        .expect("planned");
    assert!(!route.is_call_out());
    assert!(stop.arrival.timestamp() >= rest_end, "{stop:?}");
    assert!(route.departure.timestamp() >= rest_end);

    // Planned without the call-out, Tuesday breaks the rest, and the checker against
    // Monday's plan says so.
    let forgot = DayInputs {
        carried_call_outs: Vec::new(),
        ..inputs
    };
    let plan = plan_day(&ctx, &request(tuesday, 1), &forgot).unwrap();
    assert!(check(&plan, &ctx).is_empty());
    let after: Vec<ViolationCode> = check_after(&monday_plan, &plan, &ctx)
        .into_iter()
        .map(|v| v.code)
        .collect();
    assert!(
        after.contains(&ViolationCode::CallOutNotCarried),
        "{after:?}"
    );
    assert!(after.contains(&ViolationCode::RestBroken), "{after:?}");

    // Carried but not kept: the plan's own check finds it.
    let mut p = out.plan.clone();
    let si = p
        .routes
        .iter()
        .position(|r| r.engineer.as_str() == "E-01" && !r.is_call_out())
        .unwrap();
    p.routes[si].departure = at(2026, 12, 1, 8, 30);
    assert!(codes(&p, &ctx).contains(&ViolationCode::RestBroken));
}

#[test]
fn a_short_rest_carried_past_midnight_leaves_the_next_shift_as_it_was() {
    // The configured four hours after a call-out back at 01:30 + t + t' pass midnight, so
    // Tuesday's plan carries it, but they end long before her 08:30 shift: not delayed.
    let ctx = on_call_context();
    let (monday_plan, back) = monday_night_call_out(&ctx);
    let tuesday = d(2026, 12, 1);
    let carried = carried(&ctx, &monday_plan, tuesday);
    assert_eq!(carried.len(), 1);
    let inputs = DayInputs {
        extra_tasks: vec![inspection("D-0001", "S-0001", true)],
        carried_call_outs: carried,
        ..DayInputs::default()
    };
    let plan = plan_day(&ctx, &request(tuesday, 1), &inputs).unwrap();
    assert_valid(&plan, &ctx);
    let shift = plan.route(&EngineerId::new("E-01").unwrap()).unwrap();
    assert!(back.timestamp() + 4 * 3600 < at(2026, 12, 1, 8, 30).timestamp());
    assert!(shift.departure < at(2026, 12, 1, 9, 0), "{shift:?}");
    // Wednesday carries nothing from Tuesday's plan, which has no call-out of its own.
    assert!(fieldplan::plan::oncall::carried(&ctx, &plan, d(2026, 12, 2)).is_empty());
}
