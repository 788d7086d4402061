//! Spare parts (the route's capacity to carry them): each pickup before its visit, on the
//! same route.

use super::*;

/// Pickup before visit, same route: each visit needing a part has its pickup earlier, each
/// pickup its visit later.
pub(super) fn check_pickups(out: &mut Out, id: &EngineerId, stops: &[Stop]) {
    for (i, s) in stops.iter().enumerate() {
        let t = &s.task.task;
        if s.is_pickup() {
            let visit_later = stops[i + 1..]
                .iter()
                .any(|x| !x.is_pickup() && &x.task.task == t);
            if !visit_later || s.task.part_pickup.is_none() {
                out.add(
                    ViolationCode::PickupWithoutVisit,
                    Some(id),
                    Some(t),
                    "a part pickup with no visit of its task after it on the same route".into(),
                );
            }
        } else if s.task.part_pickup.is_some() {
            let pickup_before = stops[..i]
                .iter()
                .any(|x| x.is_pickup() && &x.task.task == t);
            if !pickup_before {
                out.add(
                    ViolationCode::PickupMissing,
                    Some(id),
                    Some(t),
                    "the visit needs a part but no pickup precedes it on the route".into(),
                );
            }
        }
    }
}
