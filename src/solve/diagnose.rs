//! Why a job is left out: a diagnosis per job that looks at the job alone, never at the
//! rest of the plan (in the manner of vrp's `unassignment_reason.rs`).
//!
//! The causes are tried in order, the first that holds is the answer:
//! 1. no vehicle has every skill the job needs ([`Cause::Skill`]);
//! 2. some vehicle could serve it alone (a delivery with its pickup), from its start, inside its shift (overtime
//!    included): the job fits, the others took the time ([`Cause::Capacity`]);
//! 3. it could be served alone if its deadline were lifted ([`Cause::Deadline`]);
//! 4. no vehicle reaches it inside one of its windows and gets back in time
//!    ([`Cause::Windows`]).

use super::routing::problem::PairRole;
use super::routing::schedule::earliest_start;
use super::routing::{JobId, Problem, Time, VehicleId, schedule};

/// Why a job could not be placed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cause {
    Skill,
    Deadline,
    Windows,
    Capacity,
}

/// The first cause that holds for `job` (see the module doc).
pub fn diagnose(problem: &Problem, job: JobId) -> Cause {
    let able: Vec<VehicleId> = (0..problem.num_vehicles())
        .filter(|&v| problem.can_serve(v, job))
        .collect();
    if able.is_empty() {
        return Cause::Skill;
    }
    // A delivery is served alone together with its pickup.
    let alone: Vec<JobId> = match problem.pair_roles[job] {
        PairRole::Delivery { pickup } => vec![pickup, job],
        _ => vec![job],
    };
    if able.iter().any(|&v| schedule(problem, v, &alone).is_ok()) {
        return Cause::Capacity;
    }
    let has_deadline = problem.jobs[job].deadline.is_some();
    if has_deadline
        && able
            .iter()
            .any(|&v| alone_without_deadline(problem, v, job))
    {
        Cause::Deadline
    } else {
        Cause::Windows
    }
}

/// Could `v` serve `job` alone if the job had no deadline? Breaks are ignored (they can be
/// taken before leaving or after coming back), so this errs on the side of "yes".
fn alone_without_deadline(problem: &Problem, v: VehicleId, job: JobId) -> bool {
    let veh = &problem.vehicles[v];
    let j = &problem.jobs[job];
    let arrival = veh.shift.start + problem.duration(veh.start, j.location);
    let start = if j.windows.is_empty() {
        Some(arrival)
    } else {
        j.windows
            .iter()
            .find(|w| w.end >= arrival)
            .map(|w| w.start.max(arrival))
    };
    let Some(start) = start else {
        return false;
    };
    let back = start + j.service + problem.duration(j.location, veh.end);
    let latest = veh.latest_return();
    back <= latest
}

/// The earliest start of `job` for a vehicle leaving its start at `depart` from `from`, if
/// any window (and the deadline) allows it. A small helper for callers that estimate ETAs.
pub fn earliest_alone_start(
    problem: &Problem,
    from: super::routing::LocationId,
    depart: Time,
    job: JobId,
) -> Option<Time> {
    let arrival = depart + problem.duration(from, problem.jobs[job].location);
    earliest_start(problem, job, arrival)
}
