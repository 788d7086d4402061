//! The desk: calls inside the desk hours, one at a time per agent.

use super::*;

/// Desk calls inside the desk hours, one call at a time per agent.
pub(super) fn check_desk(out: &mut Out, ctx: &PlanningContext, plan: &Plan) {
    let desk = ctx.settings().desk_hours.on(plan.date);
    let mut by_agent: BTreeMap<usize, Vec<(Instant, Instant, &TaskId)>> = BTreeMap::new();
    for d in &plan.desk {
        if d.start < desk.0 || d.end > desk.1 {
            out.add(
                ViolationCode::DeskOutsideHours,
                None,
                Some(&d.task.task),
                String::new(),
            );
        }
        by_agent
            .entry(d.agent)
            .or_default()
            .push((d.start, d.end, &d.task.task));
    }
    for calls in by_agent.values_mut() {
        calls.sort();
        for w in calls.windows(2) {
            if w[1].0 < w[0].1 {
                out.add(
                    ViolationCode::DeskOverlap,
                    None,
                    Some(w[1].2),
                    String::new(),
                );
            }
        }
    }
}
