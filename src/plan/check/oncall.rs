//! On call: a call-out is an on-call engineer's trip to one fault outside her shift, and her
//! shift starts after it (after the rest, when it touched the night). Rules from
//! [`crate::domain::oncall`] and `config/oncall.toml`, re-derived here from the engineer's
//! data and the configuration alone.

use super::*;
use crate::domain::oncall::on_call;

/// A call-out route: her rota, the fault's level, the response time, outside her shift,
/// the trip's own window.
pub(super) fn check_call_out(
    out: &mut Out,
    ctx: &PlanningContext,
    date: NaiveDate,
    r: &EngineerRoute,
    engineer: &Engineer,
) {
    let Some(c) = r.call_out else { return };
    let cfg = &ctx.config().on_call;
    let e_id = Some(&r.engineer);
    if !on_call(engineer, date) {
        out.add(
            ViolationCode::NotOnCall,
            e_id,
            None,
            format!("not on call on {date}"),
        );
    }
    let visits: Vec<&Stop> = r.stops.iter().filter(|s| !s.is_pickup()).collect();
    let allowed = |s: &Stop| {
        s.task.kind == TaskKind::FaultRepair
            && s.task.fault.as_ref().is_some_and(|f| {
                cfg.call_from(f.level, f.reported_at, f.remote_failed)
                    .is_some()
            })
    };
    if visits.len() != 1 || r.stops.len() != 1 || !allowed(visits[0]) {
        out.add(
            ViolationCode::CallOutNotAllowed,
            e_id,
            r.stops.first().map(|s| &s.task.task),
            format!(
                "a call-out serves one fault of levels {:?} or whose remote attempt failed",
                cfg.levels.iter().map(|l| l.number()).collect::<Vec<_>>()
            ),
        );
    }
    let reported = visits
        .first()
        .and_then(|s| s.task.fault.as_ref())
        .and_then(|f| cfg.call_from(f.level, f.reported_at, f.remote_failed));
    if reported.is_some_and(|t| c.called_at < t) || r.departure < c.called_at + cfg.response {
        out.add(
            ViolationCode::CallOutTooEarly,
            e_id,
            None,
            format!(
                "called at {}, left at {}: the response time is {}",
                c.called_at, r.departure, cfg.response
            ),
        );
    }
    if r.shift_start != r.departure
        || r.shift_end != r.return_at
        || r.max_overtime_minutes != 0
        || r.lunch.is_some()
        || c.night != cfg.is_night(r.departure, r.return_at)
    {
        out.add(
            ViolationCode::ShiftMismatch,
            e_id,
            None,
            "a call-out's window is the trip itself, without lunch or overtime, and its \
             night flag is the night rule's"
                .into(),
        );
    }
    if let Availability::Shift(w) = engineer.availability(date, &ctx.config().calendar) {
        let (start, end) = w.on(date);
        if r.departure >= start && r.departure < end {
            out.add(
                ViolationCode::CallOutDuringShift,
                e_id,
                None,
                format!("leaves at {} during her shift {w}", r.departure),
            );
        }
    }
}

/// Across an engineer's routes of the day: no two overlap, and a shift starting after a
/// call-out starts after its return (plus the rest after a night call-out).
pub(super) fn check_rest(out: &mut Out, ctx: &PlanningContext, plan: &Plan) {
    let cfg = &ctx.config().on_call;
    for (i, a) in plan.routes.iter().enumerate() {
        if !a.is_call_out() {
            continue;
        }
        for (j, b) in plan.routes.iter().enumerate() {
            if i == j || a.engineer != b.engineer {
                continue;
            }
            let busy = |r: &EngineerRoute| (r.departure, r.return_at.max(r.departure));
            let ((a0, a1), (b0, b1)) = (busy(a), busy(b));
            if a0 < b1 && b0 < a1 && !b.stops.is_empty() {
                out.add(
                    ViolationCode::CallOutOverlap,
                    Some(&a.engineer),
                    None,
                    format!("call-out {a0}..{a1} overlaps her route {b0}..{b1}"),
                );
            }
            if !b.is_call_out() && a.departure < b.shift_start {
                let earliest = cfg.shift_not_before(a.departure, a.return_at);
                if b.departure < earliest {
                    out.add(
                        ViolationCode::RestBroken,
                        Some(&a.engineer),
                        None,
                        format!(
                            "back from a call-out at {}, her shift leaves at {}, not before \
                             {earliest}",
                            a.return_at, b.departure
                        ),
                    );
                }
            }
        }
    }
}
