//! Breaks: the lunch inside its window, of its length, overlapping no visit.

use super::*;

/// The lunch starts inside its window and lasts its length, overlaps no visit, and is there
/// when a route with nothing frozen works past the window's start, having left before its
/// end.
pub(super) fn check_lunch(
    out: &mut Out,
    ctx: &PlanningContext,
    date: NaiveDate,
    r: &EngineerRoute,
) {
    let settings = ctx.settings();
    let lunch_window = settings.lunch.window.on(date);
    let e_id = Some(&r.engineer);
    match r.lunch {
        Some(l) => {
            if l.start < lunch_window.0 || l.start > lunch_window.1 {
                out.add(
                    ViolationCode::LunchOutsideWindow,
                    e_id,
                    None,
                    format!("lunch at {}", l.start),
                );
            }
            if secs(l.start, l.end) != i64::from(settings.lunch.duration.get()) * 60 {
                out.add(
                    ViolationCode::LunchOutsideWindow,
                    e_id,
                    None,
                    "wrong length".into(),
                );
            }
            for s in &r.stops {
                if l.start < s.end && s.start < l.end {
                    out.add(
                        ViolationCode::LunchOverlap,
                        e_id,
                        Some(&s.task.task),
                        String::new(),
                    );
                }
            }
        }
        None => {
            let frozen = r.stops.iter().any(|s| s.frozen);
            // A route leaving after the window has closed had its lunch before.
            let works_through = r.return_at > lunch_window.0 && r.departure < lunch_window.1;
            if !frozen && !r.stops.is_empty() && works_through {
                out.add(ViolationCode::LunchMissing, e_id, None, String::new());
            }
        }
    }
}
