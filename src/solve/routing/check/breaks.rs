//! The rest break: its rule (window, duration, position) and the gap that holds it.

use super::{Violation, add};
use crate::solve::routing::problem::{JobId, Problem, VehicleId};
use crate::solve::routing::schedule::{BreakTimes, Schedule};
use crate::solve::routing::units::Time;

/// The reported break against the vehicle's rule: allowed at all, at a real position, inside
/// its window, of its duration. Returns the break to time the gaps with.
pub(super) fn check_break_rule(
    problem: &Problem,
    vehicle: VehicleId,
    visits: usize,
    s: &Schedule,
    violations: &mut Vec<Violation>,
) -> Option<BreakTimes> {
    let veh = &problem.vehicles[vehicle];
    match (s.rest_break, veh.rest_break) {
        (Some(_), None) => {
            violations.push(Violation::UnexpectedBreak { vehicle });
            None
        }
        (Some(b), Some(rule)) => {
            if b.after_visits > visits {
                violations.push(Violation::BreakPosition {
                    vehicle,
                    after_visits: b.after_visits,
                    visits,
                });
            }
            if !rule.window.contains(b.start) {
                violations.push(Violation::BreakOutsideWindow {
                    vehicle,
                    start: b.start,
                    window: rule.window,
                });
            }
            if b.end != add(b.start, rule.duration) {
                violations.push(Violation::WrongBreakDuration {
                    vehicle,
                    start: b.start,
                    end: b.end,
                    duration: rule.duration,
                });
            }
            Some(b)
        }
        (None, _) => None,
    }
}

/// One gap of the route around the break taken in it: when the vehicle may leave
/// (`prev_end`), the direct arrival (`prev_end + drive`), the reported arrival, whether the
/// gap ends at the route's end, and the job before it.
#[derive(Copy, Clone)]
pub(super) struct GapTiming {
    pub prev_end: Time,
    pub direct: Time,
    pub drive: Time,
    pub reported: Time,
    pub at_end: bool,
    pub previous: Option<JobId>,
}

/// The earliest the service may start (or the route's work ends) after a gap holding break
/// `b`: taken before driving on, on arrival, or (at the end location) reported as the
/// arrival; anything else overlaps a service or a drive, or misreports the arrival.
pub(super) fn ready_after_break(
    vehicle: VehicleId,
    job: Option<JobId>,
    b: BreakTimes,
    g: GapTiming,
    violations: &mut Vec<Violation>,
) -> Time {
    let GapTiming {
        prev_end,
        direct,
        drive,
        reported,
        at_end,
        previous,
    } = g;
    let wrong_arrival = |expected: Time| Violation::WrongArrival {
        vehicle,
        job,
        reported,
        expected,
    };
    let before_driving = reported == add(b.end, drive) && b.start >= prev_end;
    let on_arrival = reported == direct && b.start >= direct;
    // At the end location the arrival may be reported as the end of the break.
    let at_end = at_end && reported == b.end && b.start >= direct;
    if before_driving {
        reported
    } else if on_arrival {
        reported.max(b.end)
    } else if at_end {
        b.end
    } else {
        if reported == add(b.end, drive) {
            violations.push(Violation::BreakOverlapsService {
                vehicle,
                job: previous,
            });
        } else if reported == direct {
            violations.push(Violation::BreakWhileDriving {
                vehicle,
                start: b.start,
                arrival: direct,
            });
        } else {
            violations.push(wrong_arrival(direct));
        }
        reported.max(b.end)
    }
}
