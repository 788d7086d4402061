//! How a violation reads.

use super::Violation;
use std::fmt;

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        assignment(self, f)
            .or_else(|| timing(self, f))
            .or_else(|| breaks_and_totals(self, f))
            .expect("every violation has a text")
    }
}

/// Jobs, vehicles, skills, load and pairs; `None` for the other violations.
fn assignment(v: &Violation, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
    use Violation::*;
    Some(match v {
        UnknownVehicle { vehicle } => write!(f, "route of unknown vehicle {vehicle}"),
        VehicleReused { vehicle } => write!(f, "vehicle {vehicle} drives more than one route"),
        EmptyRoute { vehicle } => write!(f, "vehicle {vehicle} has an empty route"),
        UnknownJob { job } => write!(f, "unknown job {job}"),
        JobRepeated { job, times } => {
            write!(
                f,
                "job {job} appears {times} times in routes and unassigned"
            )
        }
        JobMissing { job } => write!(f, "job {job} is neither routed nor unassigned"),
        SkillMissing { job, vehicle } => {
            write!(f, "vehicle {vehicle} lacks a skill job {job} requires")
        }
        PinBroken {
            job,
            vehicle,
            pinned,
        } => write!(
            f,
            "vehicle {vehicle} serves job {job}, which is pinned to vehicle {pinned}"
        ),
        CapacityExceeded {
            vehicle,
            after_visits,
            load,
            capacity,
        } => write!(
            f,
            "vehicle {vehicle}: load {load} exceeds capacity {capacity} after {after_visits} visit(s)"
        ),
        PairSplit {
            pickup,
            delivery,
            vehicle,
        } => write!(
            f,
            "pickup {pickup} and delivery {delivery} are not both on the route of vehicle {vehicle}"
        ),
        DeliveryBeforePickup {
            pickup,
            delivery,
            vehicle,
        } => write!(
            f,
            "vehicle {vehicle} serves delivery {delivery} before its pickup {pickup}"
        ),
        _ => return None,
    })
}

/// Arrivals and service times; `None` for the other violations.
fn timing(v: &Violation, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
    use Violation::*;
    Some(match v {
        ScheduleLength {
            vehicle,
            visits,
            jobs,
        } => write!(
            f,
            "vehicle {vehicle}: schedule has {visits} visit(s) for {jobs} job(s)"
        ),
        EarlyDeparture {
            vehicle,
            departure,
            shift_start,
        } => write!(
            f,
            "vehicle {vehicle} departs at {departure}, before its shift starts at {shift_start}"
        ),
        WrongArrival {
            vehicle,
            job,
            reported,
            expected,
        } => match job {
            Some(j) => write!(
                f,
                "vehicle {vehicle}: arrival at job {j} reported {reported}, expected {expected}"
            ),
            None => write!(
                f,
                "vehicle {vehicle}: arrival at its end reported {reported}, expected {expected}"
            ),
        },
        StartBeforeArrival {
            vehicle,
            job,
            start,
            arrival,
        } => write!(
            f,
            "vehicle {vehicle} starts job {job} at {start}, before arriving at {arrival}"
        ),
        OutsideWindows {
            vehicle,
            job,
            start,
        } => write!(
            f,
            "vehicle {vehicle} starts job {job} at {start}, outside its windows"
        ),
        AfterDeadline {
            vehicle,
            job,
            start,
            deadline,
        } => write!(
            f,
            "vehicle {vehicle} starts job {job} at {start}, after its deadline {deadline}"
        ),
        WrongServiceEnd {
            vehicle,
            job,
            reported,
            expected,
        } => write!(
            f,
            "vehicle {vehicle}: job {job} ends at {reported}, expected {expected}"
        ),
        _ => return None,
    })
}

/// Breaks, returns, totals, groups and the objective; `None` for the other violations.
fn breaks_and_totals(v: &Violation, f: &mut fmt::Formatter<'_>) -> Option<fmt::Result> {
    use Violation::*;
    Some(match v {
        UnexpectedBreak { vehicle } => {
            write!(f, "vehicle {vehicle} takes a break it does not have")
        }
        MissingBreak {
            vehicle,
            returns,
            window,
        } => write!(
            f,
            "vehicle {vehicle} returns at {returns}, after its break window [{}, {}] opens, without a break",
            window.start, window.end
        ),
        BreakPosition {
            vehicle,
            after_visits,
            visits,
        } => write!(
            f,
            "vehicle {vehicle}: break after visit {after_visits} of a route of {visits}"
        ),
        BreakOutsideWindow {
            vehicle,
            start,
            window,
        } => write!(
            f,
            "vehicle {vehicle}: break starts at {start}, outside its window [{}, {}]",
            window.start, window.end
        ),
        WrongBreakDuration {
            vehicle,
            start,
            end,
            duration,
        } => write!(
            f,
            "vehicle {vehicle}: break from {start} to {end} does not last {duration}"
        ),
        BreakOverlapsService { vehicle, job } => match job {
            Some(j) => write!(
                f,
                "vehicle {vehicle}: break overlaps the service of job {j}"
            ),
            None => write!(f, "vehicle {vehicle}: break starts before departure"),
        },
        BreakWhileDriving {
            vehicle,
            start,
            arrival,
        } => write!(
            f,
            "vehicle {vehicle}: break starts at {start} while driving (arrival at {arrival})"
        ),
        LateReturn {
            vehicle,
            returns,
            latest,
        } => write!(
            f,
            "vehicle {vehicle} returns at {returns}, after its latest end {latest}"
        ),
        WrongRouteTotal {
            vehicle,
            what,
            reported,
            expected,
        } => write!(
            f,
            "vehicle {vehicle}: {what} reported {reported}, expected {expected}"
        ),
        WrongTotalDistance { reported, expected } => {
            write!(f, "total distance reported {reported}, expected {expected}")
        }
        GroupSplit {
            group,
            routed,
            members,
        } => write!(
            f,
            "group {group}: {routed} of its {members} members are routed"
        ),
        GroupSharesVehicle { group, vehicle } => {
            write!(f, "group {group}: two members ride vehicle {vehicle}")
        }
        GroupNotTogether { group, starts } => {
            write!(
                f,
                "group {group}: members start at {starts:?}, not together"
            )
        }
        WrongObjective { reported, expected } => {
            write!(f, "objective reported {reported:?}, expected {expected:?}")
        }

        _ => return None,
    })
}
