//! Spare parts against stock, and deliveries: a pickup of a named part is at a service point
//! whose stock snapshot ([`PlanningContext::stock`]) holds it, and no service point gives
//! more units of a part than its shelf holds; a delivery due on the plan date and left out is
//! flagged `DEADLINE_MISSED` (a planned one is held to its deadline flag by `time`); every
//! delivery and loan task the plan was given appears in it ([`check_deliveries_present`]).
//!
//! Frozen pickups are past: the part has left the shelf and the snapshot no longer counts
//! it, so they are not held to the snapshot.

use super::*;
use crate::domain::ids::ServicePointId;
use crate::domain::parts::PartNumber;
use crate::domain::task::Task;

/// Pickups of named parts against the stock snapshot (none when stock is not modelled).
pub(super) fn check_stock(out: &mut Out, ctx: &PlanningContext, plan: &Plan) {
    let stock = ctx.stock();
    if stock.is_empty() {
        return;
    }
    let mut taken: BTreeMap<(ServicePointId, PartNumber), u32> = BTreeMap::new();
    for r in &plan.routes {
        for s in r.stops.iter().filter(|s| s.is_pickup() && !s.frozen) {
            let Some(p) = &s.task.part_pickup else {
                continue;
            };
            let Some(part) = &p.part_number else {
                continue;
            };
            let on_shelf = stock.available(&p.service_point, part);
            if on_shelf == 0 && !p.ordered {
                out.add(
                    ViolationCode::PartNotStocked,
                    Some(&r.engineer),
                    Some(&s.task.task),
                    format!("{} holds no {part}", p.service_point),
                );
            }
            if !p.ordered {
                *taken
                    .entry((p.service_point.clone(), part.clone()))
                    .or_default() += 1;
            }
        }
    }
    for ((sp, part), n) in taken {
        let on_shelf = stock.available(&sp, &part);
        if n > on_shelf && on_shelf > 0 {
            out.add(
                ViolationCode::StockExceeded,
                None,
                None,
                format!("{n} pickups of {part} at {sp}, which holds {on_shelf}"),
            );
        }
    }
}

/// A delivery (a visit with a pickup, or a loan collection) due by the end of the plan date
/// and left out carries `DEADLINE_MISSED`.
pub(super) fn check_unplanned_deliveries(out: &mut Out, plan: &Plan) {
    let Ok(end) = Instant::start_of(crate::domain::dates::add_days(plan.date, 1)) else {
        return;
    };
    for u in &plan.unassigned {
        let t = &u.task;
        let delivery = t.part_pickup.is_some() || t.kind == TaskKind::LoanCollection;
        let due_today = t.deadline.is_some_and(|d| d < end) && t.drop_penalty.is_none();
        if delivery && t.fault.is_none() && due_today && !u.flags.contains(&Flag::DeadlineMissed) {
            out.add(
                ViolationCode::DeadlineFlag,
                None,
                Some(&t.task),
                "a delivery due today is left out without DEADLINE_MISSED".into(),
            );
        }
    }
}

/// Every spare-part delivery, loan delivery and loan collection among `tasks` (what the plan
/// was given for its date) is in the plan, on a route or left out with a reason.
pub fn check_deliveries_present(plan: &Plan, tasks: &[Task]) -> Vec<Violation> {
    let mut out = Out(Vec::new());
    for t in tasks {
        let delivery = matches!(
            t.kind(),
            TaskKind::SparePartDelivery | TaskKind::LoanCollection
        );
        let present =
            plan.find_stop(&t.id).is_some() || plan.unassigned.iter().any(|u| u.task.task == t.id);
        if delivery && !present {
            out.add(
                ViolationCode::DeliveryMissing,
                None,
                Some(&t.id),
                format!(
                    "{:?} given to the plan but neither planned nor left out",
                    t.kind()
                ),
            );
        }
    }
    out.0
}
