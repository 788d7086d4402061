//! Installation projects: a step is planned only once its predecessor is reported done, and
//! starts no earlier than that report (so never earlier on the same day than its
//! predecessor's end), nor before the project's start; a trial-run report no earlier than
//! its window opens. Read from the scenario's records, not from the planner's task list.

use super::*;
use crate::domain::installation::InstallationRecord;
use crate::domain::task::InstallationPhase;

pub(super) fn check_installations(out: &mut Out, ctx: &PlanningContext, plan: &Plan) {
    let scenario = ctx.scenario();
    for r in &plan.routes {
        for s in r.stops.iter().filter(|s| !s.is_pickup()) {
            if s.task.kind != TaskKind::Installation {
                continue;
            }
            let t = &s.task.task;
            let Some(record) = scenario.installation_of(t) else {
                out.add(
                    ViolationCode::PrecedenceBroken,
                    Some(&r.engineer),
                    Some(t),
                    "no installation project has this step".into(),
                );
                continue;
            };
            check_step(out, ctx, plan, record, &r.engineer, s);
        }
    }
}

fn check_step(
    out: &mut Out,
    ctx: &PlanningContext,
    plan: &Plan,
    record: &InstallationRecord,
    engineer: &EngineerId,
    s: &Stop,
) {
    let t = &s.task.task;
    let step = record.step(t).expect("found by this step");
    let mut early = |detail: String| {
        out.0.push(Violation {
            code: ViolationCode::InstallationTooEarly,
            engineer: Some(engineer.clone()),
            task: Some(t.clone()),
            detail,
        });
    };
    if s.start.date() < record.project.start {
        early(format!(
            "starts {} before the project's start on {}",
            s.start, record.project.start
        ));
    }
    if step.phase == InstallationPhase::TrialRunReport
        && let Some(accepted) = record.accepted(&step.device)
    {
        let opens = ctx.config().installation.trial_run(accepted).report.first();
        if s.start.date() < opens {
            early(format!("the trial-run report's window opens on {opens}"));
        }
    }
    let Some(before) = &step.after else {
        return;
    };
    match record.done_at(before) {
        None => out.add(
            ViolationCode::PrecedenceBroken,
            Some(engineer),
            Some(t),
            format!("planned before its predecessor {before} is reported done"),
        ),
        Some(done) if done > s.start => out.add(
            ViolationCode::PrecedenceBroken,
            Some(engineer),
            Some(t),
            format!(
                "starts at {} before its predecessor {before} was done at {done}",
                s.start
            ),
        ),
        Some(_) => {}
    }
    if let Some((_, p)) = plan.find_stop(before)
        && p.end > s.start
    {
        out.add(
            ViolationCode::PrecedenceBroken,
            Some(engineer),
            Some(t),
            format!(
                "starts at {} before its predecessor {before} ends at {}",
                s.start, p.end
            ),
        );
    }
}
