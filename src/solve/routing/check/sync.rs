//! Synchronised groups: every member of a group is routed, or none is; members ride distinct
//! vehicles (their slot's skills are checked with every job's, in [`super::load`]); and all
//! start at the same instant.

use super::Violation;
use crate::solve::routing::problem::{JobId, Problem, VehicleId};
use crate::solve::routing::schedule::Schedule;
use crate::solve::routing::solution::Solution;
use crate::solve::routing::units::Time;

/// The reported start of each routed member of group `g`, in member order; empty when none is
/// routed. `Err` with the violation when the group is split or two members share a vehicle.
pub fn member_starts(
    problem: &Problem,
    g: usize,
    routes: &[(VehicleId, Vec<JobId>)],
    schedules: &[Schedule],
) -> Result<Vec<Time>, Violation> {
    let members = &problem.groups[g].jobs;
    let mut seats: Vec<(VehicleId, Time)> = Vec::with_capacity(members.len());
    for &m in members {
        for ((v, jobs), s) in routes.iter().zip(schedules) {
            if let Some(pos) = jobs.iter().position(|&j| j == m)
                && let Some(visit) = s.visits.get(pos)
            {
                seats.push((*v, visit.start));
            }
        }
    }
    if seats.is_empty() {
        return Ok(Vec::new());
    }
    if seats.len() != members.len() {
        return Err(Violation::GroupSplit {
            group: g,
            routed: seats.len(),
            members: members.len(),
        });
    }
    for (i, &(v, _)) in seats.iter().enumerate() {
        if seats[..i].iter().any(|&(w, _)| w == v) {
            return Err(Violation::GroupSharesVehicle {
                group: g,
                vehicle: v,
            });
        }
    }
    Ok(seats.into_iter().map(|(_, start)| start).collect())
}

/// Checks every group of `problem` in `solution`, adding to `violations`.
pub(super) fn check_groups(
    problem: &Problem,
    solution: &Solution,
    violations: &mut Vec<Violation>,
) {
    let routes: Vec<(VehicleId, Vec<JobId>)> = solution
        .routes
        .iter()
        .map(|r| (r.vehicle, r.jobs.clone()))
        .collect();
    let schedules: Vec<Schedule> = solution.routes.iter().map(|r| r.schedule.clone()).collect();
    for g in 0..problem.groups.len() {
        match member_starts(problem, g, &routes, &schedules) {
            Err(v) => violations.push(v),
            Ok(starts) => {
                if starts.iter().any(|&s| s != starts[0]) {
                    violations.push(Violation::GroupNotTogether { group: g, starts });
                }
            }
        }
    }
}
