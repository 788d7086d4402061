//! Time and travel: each stop's travel from the previous place, its times and duration, the
//! opening hours of its site, the deadline flag of a fault, and the drive home.

use super::*;

/// Each stop in turn from home (or a restart position): skills and pins, travel from the
/// previous place, times, opening hours and deadline flags; then the drive home.
pub(super) fn check_stops(
    out: &mut Out,
    ctx: &PlanningContext,
    plan: &Plan,
    r: &EngineerRoute,
    engineer: &Engineer,
    home: usize,
) {
    let e_id = Some(&r.engineer);
    // The previous place: a context point, or the restart position.
    let mut prev_point = Ok(home);
    let mut prev_end = r.departure;
    let travel = |from: Result<usize, crate::domain::geo::LatLon>, to: usize| match from {
        Ok(p) => ctx.travel(p, to),
        Err(at) => ctx
            .travel_from(at, &[to])
            .ok()
            .and_then(|v| v.first().copied())
            .unwrap_or((u32::MAX, u32::MAX)),
    };
    let restart_at = |i: usize| r.restart.filter(|x| x.after_stops == i);
    super::pickups::check_pickups(out, &r.engineer, &r.stops);
    for (i, s) in r.stops.iter().enumerate() {
        let t = Some(&s.task.task);
        if let Some(x) = restart_at(i) {
            if i > 0 && x.at < r.stops[i - 1].end {
                out.add(
                    ViolationCode::RestartBeforeStopEnd,
                    e_id,
                    t,
                    format!("restart at {} before the previous stop ends", x.at),
                );
            }
            prev_point = Err(x.location);
            prev_end = x.at;
        }
        super::skills::check_task_for(out, &r.engineer, engineer, &s.task, s.member);
        let pickup = s.task.part_pickup.as_ref().filter(|_| s.is_pickup());
        let point = match pickup {
            Some(p) => ctx.service_point_point(&p.service_point),
            None => ctx.site_point(&s.task.site),
        };
        let Some(point) = point else {
            out.add(ViolationCode::UnknownSite, e_id, t, s.task.site.to_string());
            continue;
        };
        let (m, sec) = travel(prev_point, point);
        if (m, sec) != (s.travel_metres, s.travel_seconds) {
            out.add(
                ViolationCode::TravelMismatch,
                e_id,
                t,
                format!(
                    "matrix {m} m {sec} s, stop says {} m {} s",
                    s.travel_metres, s.travel_seconds
                ),
            );
        }
        let lunch_here = r.lunch.filter(|l| l.after_stops == i);
        let lunch_len = lunch_here.map_or(0, |l| secs(l.start, l.end));
        if !s.frozen {
            let gap = (prev_end, i64::from(sec), lunch_len);
            check_stop_times(out, ctx, plan, &r.engineer, s, pickup, gap);
        }
        if !s.is_pickup() {
            check_deadline_flag(out, e_id, s);
        }
        prev_point = Ok(point);
        prev_end = s.end;
    }
    if let Some(last) = r.stops.last() {
        let (prev_point, last_end) = match restart_at(r.stops.len()) {
            Some(x) => (Err(x.location), x.at.max(last.end)),
            None => (prev_point, last.end),
        };
        let back = i64::from(travel(prev_point, home).1);
        let lunch_after = r
            .lunch
            .filter(|l| l.after_stops == r.stops.len())
            .map_or(0, |l| secs(l.start, l.end));
        if r.return_at.timestamp() < plus(last_end, back + lunch_after) {
            out.add(
                ViolationCode::ReturnTooEarly,
                e_id,
                None,
                format!(
                    "back at {} but the last stop ends {}",
                    r.return_at, last.end
                ),
            );
        }
    }
}

/// A stop's own times (not frozen): arrival after the previous end plus the drive (`gap`:
/// previous end, drive seconds, lunch seconds taken before it), start after arrival, its
/// duration, and inside its site's opening hours (faults at any hour).
pub(super) fn check_stop_times(
    out: &mut Out,
    ctx: &PlanningContext,
    plan: &Plan,
    id: &EngineerId,
    s: &Stop,
    pickup: Option<&PartPickup>,
    (prev_end, sec, lunch_len): (Instant, i64, i64),
) {
    let (e_id, t) = (Some(id), Some(&s.task.task));
    if s.arrival.timestamp() < plus(prev_end, sec) {
        out.add(
            ViolationCode::ArrivalTooEarly,
            e_id,
            t,
            format!(
                "arrives {} but the previous stop ends {prev_end} and the drive is {sec} s",
                s.arrival
            ),
        );
    }
    if s.start.timestamp() < plus(prev_end, sec + lunch_len) {
        out.add(
            ViolationCode::ArrivalTooEarly,
            e_id,
            t,
            "no room for the drive and the lunch before the start".into(),
        );
    }
    if s.start < s.arrival {
        out.add(ViolationCode::StartBeforeArrival, e_id, t, String::new());
    }
    let minutes = pickup.map_or(s.task.duration_minutes, |p| p.minutes);
    if secs(s.start, s.end) != i64::from(minutes) * 60 {
        out.add(
            ViolationCode::WrongDuration,
            e_id,
            t,
            format!("{} s for {minutes} min", secs(s.start, s.end)),
        );
    }
    if !s.is_pickup() && s.task.kind != TaskKind::FaultRepair {
        check_opening(out, ctx, plan, id, s);
    }
}

pub(super) fn check_opening(
    out: &mut Out,
    ctx: &PlanningContext,
    plan: &Plan,
    id: &EngineerId,
    s: &Stop,
) {
    let Some(site) = ctx.scenario().site(&s.task.site) else {
        out.add(
            ViolationCode::UnknownSite,
            Some(id),
            Some(&s.task.task),
            String::new(),
        );
        return;
    };
    let inside = site
        .open_windows(plan.date, &ctx.config().calendar)
        .iter()
        .any(|w| {
            let (open, close) = w.on(plan.date);
            open <= s.start && s.end <= close
        });
    if !inside {
        out.add(
            ViolationCode::SiteClosed,
            Some(id),
            Some(&s.task.task),
            format!(
                "{}..{} is outside the opening hours of {}",
                s.start, s.end, site.id
            ),
        );
    }
}

pub(super) fn check_deadline_flag(out: &mut Out, id: Option<&EngineerId>, s: &Stop) {
    let late = s.task.deadline.is_some_and(|d| s.arrival > d);
    let flagged = s.flags.contains(&Flag::DeadlineMissed);
    if late != flagged {
        out.add(
            ViolationCode::DeadlineFlag,
            id,
            Some(&s.task.task),
            format!(
                "arrival {} deadline {:?} flagged {flagged}",
                s.arrival, s.task.deadline
            ),
        );
    }
}
