//! Skills, pins, load and pickup-and-delivery pairs: what does not depend on time.

use super::Violation;
use crate::solve::routing::problem::{JobId, PairRole, Problem, VehicleId};
use crate::solve::routing::units::Load;

/// Skills, pins, load and pairs: what does not depend on time.
pub(super) fn check_static(
    problem: &Problem,
    vehicle: VehicleId,
    jobs: &[JobId],
    violations: &mut Vec<Violation>,
) {
    let veh = &problem.vehicles[vehicle];
    let position = |job: JobId| jobs.iter().position(|&j| j == job);
    for &j in jobs {
        if !veh.skills.covers(problem.jobs[j].skills) {
            violations.push(Violation::SkillMissing { job: j, vehicle });
        }
        if let Some(pinned) = problem.pinned[j].filter(|&p| p != vehicle) {
            violations.push(Violation::PinBroken {
                job: j,
                vehicle,
                pinned,
            });
        }
    }
    // Load on board at departure: every single job's demand.
    let mut load: i64 = jobs
        .iter()
        .filter(|&&j| matches!(problem.pair_roles[j], PairRole::Single))
        .map(|&j| problem.jobs[j].demand.0)
        .fold(0i64, i64::saturating_add);
    let over = |load: i64, after_visits: usize, violations: &mut Vec<Violation>| {
        if load > veh.capacity.0 {
            violations.push(Violation::CapacityExceeded {
                vehicle,
                after_visits,
                load: Load(load),
                capacity: veh.capacity,
            });
        }
    };
    over(load, 0, violations);
    for (pos, &j) in jobs.iter().enumerate() {
        match problem.pair_roles[j] {
            PairRole::Single => load = load.saturating_sub(problem.jobs[j].demand.0),
            PairRole::Pickup { delivery } => {
                load = load.saturating_add(problem.jobs[j].demand.0);
                match position(delivery) {
                    None => violations.push(Violation::PairSplit {
                        pickup: j,
                        delivery,
                        vehicle,
                    }),
                    Some(d) if d < pos => violations.push(Violation::DeliveryBeforePickup {
                        pickup: j,
                        delivery,
                        vehicle,
                    }),
                    Some(_) => {}
                }
            }
            PairRole::Delivery { pickup } => {
                match position(pickup) {
                    // Only a pickup already on board can be dropped.
                    Some(p) if p < pos => load = load.saturating_sub(problem.jobs[pickup].demand.0),
                    Some(_) => {} // reported at the pickup
                    None => violations.push(Violation::PairSplit {
                        pickup,
                        delivery: j,
                        vehicle,
                    }),
                }
            }
        }
        over(load, pos + 1, violations);
    }
}
