//! Pins of a re-plan: what was frozen before, or reported by progress, stays as it was.

use super::*;

/// [`check`], plus what a re-plan must keep from `before` given the progress reports: a
/// stop frozen before is unchanged (same engineer, same times); a stop that progress reports
/// is frozen, on the same engineer, and its reported instants are its times (arrival,
/// start, end).
pub fn check_replan(
    before: &Plan,
    after: &Plan,
    progress: &[ProgressEvent],
    ctx: &PlanningContext,
) -> Vec<Violation> {
    let mut out = Out(check(after, ctx));
    for r in &before.routes {
        for so in r.stops.iter().filter(|s| s.frozen) {
            let t = &so.task.task;
            let found = if so.is_pickup() {
                after.find_pickup(t)
            } else {
                after.find_stop(t)
            };
            match found {
                Some((rn, sn)) if rn.engineer == r.engineer && sn.frozen && sn == so => {}
                _ => out.add(
                    ViolationCode::FrozenChanged,
                    Some(&r.engineer),
                    Some(t),
                    "a stop frozen before changed or left the routes".into(),
                ),
            }
        }
    }
    for e in progress {
        let Some(t) = e.task() else {
            continue;
        };
        let Some((rn, sn)) = after.find_stop(t) else {
            out.add(
                ViolationCode::ProgressNotFrozen,
                Some(e.engineer()),
                Some(t),
                "a reported task is not on any route".into(),
            );
            continue;
        };
        let reported = match e {
            ProgressEvent::Arrived { at, .. } => sn.arrival == *at,
            ProgressEvent::Started { at, .. } => sn.start == *at,
            ProgressEvent::Done { at, .. } => sn.end == *at,
            ProgressEvent::Position { .. } => true,
        };
        if !sn.frozen || &rn.engineer != e.engineer() || !reported {
            out.add(
                ViolationCode::ProgressNotFrozen,
                Some(e.engineer()),
                Some(t),
                format!(
                    "frozen {}, on {}, times as reported {reported}",
                    sn.frozen, rn.engineer
                ),
            );
        }
    }
    out.0
}
