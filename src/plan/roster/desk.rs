//! Phone callbacks in the roster: desk work of the service centre's customer-service agents
//! (the source: callbacks are made by customer-service staff), never an engineer's time. The
//! same rule as the day plan's desk ([`crate::plan::desk`]): `desk_agents` agents inside the
//! desk hours of [`PlanSettings`], calls back to back. Over the horizon each call goes to the
//! first day of its window (in the horizon) with an agent free long enough, the agent free
//! first; calls are taken by window end, then due date, then task id. What fits nowhere is
//! left out with `NO_CAPACITY`, deferrable when its window goes on past the horizon.

use super::output::{DeskDay, LeftOut, Visit};
use crate::domain::cadence::Slot;
use crate::domain::dates::DateRange;
use crate::domain::reason::ReasonCode;
use crate::domain::site::Site;
use crate::domain::task::{Task, TaskDetail};
use crate::plan::settings::PlanSettings;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::BTreeMap;

/// The desk days of the horizon and the calls left out.
pub fn roster_desk(
    calls: &[&Task],
    sites: &[Site],
    horizon: DateRange,
    settings: &PlanSettings,
) -> (Vec<DeskDay>, Vec<LeftOut>) {
    let hours = settings.desk_hours;
    let (open, close) = (hours.start().minutes(), hours.end().minutes());
    let days: Vec<NaiveDate> = horizon.iter().collect();
    // Per day and agent: when the agent is next free.
    let mut free = vec![vec![open; settings.desk_agents]; days.len()];
    let mut desk: BTreeMap<(NaiveDate, usize), Vec<Visit>> = BTreeMap::new();
    let mut left = Vec::new();
    let site_of: BTreeMap<_, _> = sites.iter().map(|s| (&s.id, s)).collect();
    let mut order: Vec<&Task> = calls.to_vec();
    order.sort_by_key(|t| {
        let slot = slot(t);
        (slot.window.last(), slot.due, t.id.clone())
    });
    for task in order {
        let slot = slot(task);
        let length = task.duration.get();
        let placed = days.iter().enumerate().find_map(|(d, &date)| {
            if !slot.window.contains(date) {
                return None;
            }
            let agent = (0..free[d].len()).min_by_key(|&a| (free[d][a], a))?;
            (free[d][agent] + length <= close).then_some((d, date, agent))
        });
        let (Some((d, date, agent)), Some(site)) = (placed, site_of.get(&task.site)) else {
            left.push(LeftOut {
                task: task.id.clone(),
                kind: task.kind(),
                site: task.site.clone(),
                window: Some(slot.window),
                reason: ReasonCode::NoCapacity,
                deferrable: slot.window.last() > horizon.last(),
            });
            continue;
        };
        let start = free[d][agent];
        free[d][agent] = start + length;
        desk.entry((date, agent + 1)).or_default().push(Visit {
            task: task.id.clone(),
            kind: task.kind(),
            on_site: false,
            site: site.id.clone(),
            site_name: site.name.clone(),
            address: site.address.clone(),
            location: site.location,
            device: None,
            device_model: None,
            family: None,
            start: at(date, start),
            end: at(date, start + length),
            due: slot.due,
            window: slot.window,
            late_days: 0,
        });
    }
    let days = desk
        .into_iter()
        .map(|((date, agent), calls)| DeskDay { date, agent, calls })
        .collect();
    (days, left)
}

/// `minutes` after midnight on `date` (the desk closes by midnight).
fn at(date: NaiveDate, minutes: u32) -> NaiveDateTime {
    let seconds = minutes.min(1439) * 60;
    date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0).expect("in a day"))
}

/// The due slot of a phone callback.
fn slot(task: &Task) -> Slot {
    match &task.detail {
        TaskDetail::PhoneCallback { due } => due.slot,
        _ => unreachable!("the desk takes phone callbacks only"),
    }
}
