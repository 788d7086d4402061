//! Shifts: the route's engineer works that day on this shift, within the overtime allowed.

use super::*;

/// The route's engineer works that day on this shift, within the overtime allowed, and
/// neither leaves before the shift nor comes back after shift end plus overtime.
pub(super) fn check_shift(
    out: &mut Out,
    ctx: &PlanningContext,
    date: NaiveDate,
    r: &EngineerRoute,
    engineer: &Engineer,
) {
    let (calendar, settings) = (&ctx.config().calendar, ctx.settings());
    let e_id = Some(&r.engineer);
    match engineer.availability(date, calendar) {
        Availability::Shift(w) => {
            let (start, end) = w.on(date);
            if start != r.shift_start || end != r.shift_end {
                out.add(
                    ViolationCode::ShiftMismatch,
                    e_id,
                    None,
                    format!("shift {w}, route says {}..{}", r.shift_start, r.shift_end),
                );
            }
        }
        other => out.add(
            ViolationCode::NotOnShift,
            e_id,
            None,
            format!("{other:?} on {date}"),
        ),
    }
    if r.max_overtime_minutes > settings.overtime_per_day_minutes
        || r.max_overtime_minutes > engineer.overtime_per_week.get()
    {
        out.add(
            ViolationCode::OvertimeExceeded,
            e_id,
            None,
            format!("{} min allowed", r.max_overtime_minutes),
        );
    }
    if r.departure < r.shift_start {
        out.add(
            ViolationCode::EarlyDeparture,
            e_id,
            None,
            format!("{}", r.departure),
        );
    }
    let latest = plus(r.shift_end, i64::from(r.max_overtime_minutes) * 60);
    if r.return_at.timestamp() > latest {
        out.add(
            ViolationCode::OvertimeExceeded,
            e_id,
            None,
            format!(
                "back at {}, later than shift end plus overtime",
                r.return_at
            ),
        );
    }
}
