//! KPIs and fault statuses, recomputed from a plan's routes alone (so every re-plan gets
//! fresh figures by the same rules).

use super::model::{EngineerKpis, EngineerRoute, FaultStatus, Plan, PlanKpis, TaskRef};
use crate::domain::task::TaskKind;

fn secs(a: crate::domain::instant::Instant, b: crate::domain::instant::Instant) -> i64 {
    b.timestamp() - a.timestamp()
}

/// The KPIs of one route.
pub fn route_kpis(r: &EngineerRoute) -> EngineerKpis {
    let travel_seconds: u64 = r
        .stops
        .iter()
        .map(|s| u64::from(s.travel_seconds))
        .sum::<u64>()
        + if r.stops.is_empty() {
            0
        } else {
            u64::from(r.return_travel_seconds)
        };
    let travel_metres: u64 = r
        .stops
        .iter()
        .map(|s| u64::from(s.travel_metres))
        .sum::<u64>()
        + if r.stops.is_empty() {
            0
        } else {
            u64::from(r.return_travel_metres)
        };
    let service_seconds: u64 = r
        .stops
        .iter()
        .map(|s| secs(s.start, s.end).max(0) as u64)
        .sum();
    let shift = secs(r.shift_start, r.shift_end).max(1) as f64;
    let with_deadline: Vec<_> = r
        .stops
        .iter()
        .filter(|s| !s.is_pickup() && s.task.deadline.is_some())
        .collect();
    let part_pickups = r.stops.iter().filter(|s| s.is_pickup()).count();
    EngineerKpis {
        stops: r.stops.len() - part_pickups,
        part_pickups,
        travel_seconds,
        travel_km: travel_metres as f64 / 1000.0,
        service_seconds,
        work_seconds: secs(r.departure, r.return_at).max(0) as u64,
        overtime_seconds: secs(r.shift_end, r.return_at).max(0) as u64,
        utilisation: service_seconds as f64 / shift,
        fault_deadlines: with_deadline.len(),
        fault_deadlines_met: with_deadline
            .iter()
            .filter(|s| s.task.deadline.is_some_and(|d| s.arrival <= d))
            .count(),
    }
}

fn fault_of(t: &TaskRef) -> Option<FaultStatus> {
    t.fault.as_ref().map(|f| FaultStatus {
        task: t.task.clone(),
        fault: f.fault.clone(),
        level: f.level,
        deadline: t.deadline,
        engineer: None,
        eta: None,
        deadline_met: false,
    })
}

/// Every fault repair of the plan, planned or not, in task order.
pub fn fault_statuses(plan: &Plan) -> Vec<FaultStatus> {
    let mut out = Vec::new();
    for r in &plan.routes {
        for s in r.stops.iter().filter(|s| !s.is_pickup()) {
            if let Some(mut f) = fault_of(&s.task) {
                f.engineer = Some(r.engineer.clone());
                f.eta = Some(s.arrival);
                f.deadline_met = s.task.deadline.is_none_or(|d| s.arrival <= d);
                out.push(f);
            }
        }
    }
    out.extend(plan.unassigned.iter().filter_map(|u| fault_of(&u.task)));
    out.sort_by(|a, b| a.task.cmp(&b.task));
    out
}

/// Recomputes every route's KPIs, the totals and the fault statuses.
pub fn refresh(plan: &mut Plan) {
    for r in &mut plan.routes {
        r.kpis = route_kpis(r);
    }
    plan.faults = fault_statuses(plan);
    let mut k = PlanKpis {
        engineers_on_shift: plan
            .routes
            .iter()
            .filter(|r| !r.is_call_out() && r.role.is_field_engineer())
            .count(),
        customer_service_on_shift: plan
            .routes
            .iter()
            .filter(|r| !r.role.is_field_engineer())
            .count(),
        team_visits: plan
            .routes
            .iter()
            .flat_map(|r| &r.stops)
            .filter(|s| !s.is_pickup() && s.member == 0 && s.task.team_size() > 1)
            .count(),
        engineers_used: plan
            .routes
            .iter()
            .filter(|r| !r.stops.is_empty() && r.role.is_field_engineer())
            .map(|r| &r.engineer)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        call_outs: plan.routes.iter().filter(|r| r.is_call_out()).count(),
        call_out_cost: plan
            .routes
            .iter()
            .filter_map(|r| r.call_out)
            .map(|c| c.cost)
            .sum(),
        desk_calls: plan.desk.len(),
        unassigned: plan.unassigned.len(),
        ..PlanKpis::default()
    };
    let mut service = 0u64;
    let mut shift = 0i64;
    for r in &plan.routes {
        k.stops += r.kpis.stops;
        k.part_pickups += r.kpis.part_pickups;
        k.travel_seconds += r.kpis.travel_seconds;
        k.travel_km += r.kpis.travel_km;
        k.overtime_seconds += r.kpis.overtime_seconds;
        service += r.kpis.service_seconds;
        if !r.is_call_out() {
            shift += secs(r.shift_start, r.shift_end).max(0);
        }
        for s in r.stops.iter().filter(|s| !s.is_pickup()) {
            if s.task.kind == TaskKind::Inspection {
                k.inspections_planned += 1;
                if s.task.cadence.is_some_and(|c| !c.overdue) {
                    k.inspections_in_window += 1;
                }
            }
        }
    }
    k.utilisation = if shift > 0 {
        service as f64 / shift as f64
    } else {
        0.0
    };
    let due: Vec<_> = plan
        .faults
        .iter()
        .filter(|f| f.deadline.is_some())
        .collect();
    k.fault_deadlines = due.len();
    k.fault_deadlines_met = due.iter().filter(|f| f.deadline_met).count();
    plan.kpis = k;
}
