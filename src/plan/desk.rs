//! Phone callbacks: desk work of the service centre, no travel. They are scheduled back to
//! back for [`PlanSettings::desk_agents`](super::PlanSettings) agents inside the desk hours,
//! most urgent first (highest drop penalty, then task id); what does not fit is left out with
//! `NO_CAPACITY`.

use super::clock::{DayClock, minutes};
use super::model::{DeskCall, ReasonCode, TaskRef, UnassignedTask};
use super::settings::PlanSettings;

/// Schedules the calls; returns the desk plan and the calls left out.
pub fn schedule_desk(
    settings: &PlanSettings,
    clock: &DayClock,
    mut calls: Vec<TaskRef>,
) -> (Vec<DeskCall>, Vec<UnassignedTask>) {
    calls.sort_by(|a, b| {
        b.drop_penalty
            .unwrap_or(i64::MAX)
            .cmp(&a.drop_penalty.unwrap_or(i64::MAX))
            .then_with(|| a.task.cmp(&b.task))
    });
    let hours = clock.window(settings.desk_hours);
    let mut free = vec![hours.start; settings.desk_agents];
    let mut desk = Vec::new();
    let mut left = Vec::new();
    for call in calls {
        let length = minutes(call.duration_minutes);
        // The agent free first (lowest number on ties).
        let agent = (0..free.len()).min_by_key(|&a| (free[a], a));
        match agent {
            Some(a) if free[a] + length <= hours.end => {
                desk.push(DeskCall {
                    agent: a + 1,
                    start: clock.instant(free[a]),
                    end: clock.instant(free[a] + length),
                    task: call,
                });
                free[a] += length;
            }
            _ => left.push(UnassignedTask {
                task: call,
                reason: ReasonCode::NoCapacity,
                detail: "the phone desk is fully booked".into(),
                flags: Vec::new(),
            }),
        }
    }
    (desk, left)
}
