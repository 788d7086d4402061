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

/// Across an engineer's routes of the day and the call-outs carried from the evening before:
/// no call-out overlaps another route of hers, and a shift starting after a call-out starts
/// after its return (plus the rest after a night call-out).
pub(super) fn check_rest(out: &mut Out, ctx: &PlanningContext, plan: &Plan) {
    let routes = plan.routes.iter().enumerate();
    let trips: Vec<(Option<usize>, CallOutTrip)> = plan
        .carried_call_outs
        .iter()
        .map(|t| (None, t.clone()))
        .chain(routes.filter_map(|(i, r)| Some((Some(i), r.call_out_trip()?))))
        .collect();
    for (i, a) in &trips {
        for (j, b) in plan.routes.iter().enumerate() {
            if *i == Some(j) || a.engineer != b.engineer {
                continue;
            }
            let (a0, a1) = (a.departure, a.return_at.max(a.departure));
            let (b0, b1) = (b.departure, b.return_at.max(b.departure));
            if a0 < b1 && b0 < a1 && !b.stops.is_empty() {
                out.add(
                    ViolationCode::CallOutOverlap,
                    Some(&a.engineer),
                    None,
                    format!("call-out {a0}..{a1} overlaps her route {b0}..{b1}"),
                );
            }
            if !b.is_call_out() {
                rest_kept(out, ctx, a, b);
            }
        }
    }
}

/// A shift route `b` that starts after the call-out `a` left leaves after her return, plus
/// the rest after a night call-out.
fn rest_kept(out: &mut Out, ctx: &PlanningContext, a: &CallOutTrip, b: &EngineerRoute) {
    if a.departure >= b.shift_start || b.stops.is_empty() {
        return;
    }
    let earliest = ctx
        .config()
        .on_call
        .shift_not_before(a.departure, a.return_at);
    if b.departure < earliest {
        out.add(
            ViolationCode::RestBroken,
            Some(&a.engineer),
            None,
            format!(
                "back from a call-out at {}, her shift leaves at {}, not before {earliest}",
                a.return_at, b.departure
            ),
        );
    }
}

/// The plan of a day against the plan of the day before (`previous`): each call-out there
/// whose rest reaches into this day is carried here (`CALL_OUT_NOT_CARRIED`), and her shift
/// here keeps the rest (`REST_BROKEN`), re-derived from `previous`'s routes alone.
pub fn check_after(previous: &Plan, plan: &Plan, ctx: &PlanningContext) -> Vec<Violation> {
    let mut out = Out(Vec::new());
    let Ok(midnight) = crate::domain::instant::Instant::start_of(plan.date) else {
        return out.0;
    };
    let cfg = &ctx.config().on_call;
    for a in previous
        .routes
        .iter()
        .filter_map(EngineerRoute::call_out_trip)
    {
        if cfg.shift_not_before(a.departure, a.return_at) <= midnight {
            continue;
        }
        if !plan.carried_call_outs.contains(&a) {
            out.add(
                ViolationCode::CallOutNotCarried,
                Some(&a.engineer),
                None,
                format!(
                    "her call-out {}..{} of {} is not carried into {}",
                    a.departure, a.return_at, previous.date, plan.date
                ),
            );
        }
        for b in plan
            .routes
            .iter()
            .filter(|b| b.engineer == a.engineer && !b.is_call_out())
        {
            rest_kept(&mut out, ctx, &a, b);
        }
    }
    out.0
}
