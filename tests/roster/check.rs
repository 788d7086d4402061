//! An independent checker of rosters: it re-derives every rule from the scenario data and the
//! configuration, and shares no code with the model (only the data types and the domain's
//! availability and opening-hours rules).

use super::support::{World, world};
use chrono::{NaiveDate, NaiveTime};
use fieldplan::domain::engineer::{Availability, Engineer};
use fieldplan::domain::task::{Task, TaskDetail};
use fieldplan::plan::roster::{EngineerDay, Roster};
use std::collections::BTreeMap;

fn window_of(task: &Task) -> (NaiveDate, NaiveDate, bool) {
    match &task.detail {
        TaskDetail::Inspection { due, .. }
        | TaskDetail::PhoneCallback { due }
        | TaskDetail::OnSiteCallback { due } => {
            (due.slot.window.first(), due.slot.window.last(), due.overdue)
        }
        _ => panic!("not a cadence task"),
    }
}

fn minutes(t: NaiveTime) -> i64 {
    (t - NaiveTime::MIN).num_minutes()
}

/// Every violation found, as text (empty: the roster keeps the rules).
pub fn check_roster(roster: &Roster, engineers: &[Engineer], tasks: &[Task]) -> Vec<String> {
    let w = world();
    let cal = &w.config.calendar;
    let mut errors = Vec::new();
    let by_id: BTreeMap<&str, &Task> = tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    let engs: BTreeMap<&str, &Engineer> = engineers.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &roster.left_out {
        *seen.entry(l.task.as_str()).or_default() += 1;
    }
    for day in &roster.days {
        let Some(eng) = engs.get(day.engineer.as_str()) else {
            errors.push(format!("{}: unknown engineer", day.engineer));
            continue;
        };
        let shift = match eng.availability(day.date, cal) {
            Availability::Shift(s) => s,
            other => {
                errors.push(format!(
                    "{} on {}: not working ({other:?})",
                    day.engineer, day.date
                ));
                continue;
            }
        };
        let (s0, s1) = (
            i64::from(shift.start().minutes()),
            i64::from(shift.end().minutes()),
        );
        let mut busy = 0;
        let mut last_end = i64::MIN;
        let mut visits: Vec<_> = day.visits.iter().collect();
        visits.sort_by_key(|v| v.start);
        for v in visits {
            *seen.entry(v.task.as_str()).or_default() += 1;
            let Some(task) = by_id.get(v.task.as_str()) else {
                errors.push(format!("{}: not a task of the input", v.task));
                continue;
            };
            let here = format!("{} ({} on {})", v.task, day.engineer, day.date);
            if v.start.date() != day.date || v.end.date() != day.date {
                errors.push(format!("{here}: times off the day"));
            }
            let (a, b) = (minutes(v.start.time()), minutes(v.end.time()));
            if b - a != i64::from(task.duration.get()) {
                errors.push(format!(
                    "{here}: lasts {} min, not {}",
                    b - a,
                    task.duration
                ));
            }
            if a < s0 || b > s1 {
                errors.push(format!("{here}: {a}-{b} outside the shift {s0}-{s1}"));
            }
            if a < last_end {
                errors.push(format!("{here}: overlaps the previous visit"));
            }
            last_end = b;
            busy += b - a;
            if !task.needs_travel() {
                errors.push(format!(
                    "{here}: a phone callback is desk work, not an engineer's"
                ));
            }
            if let Some(f) = task.required_skill() {
                if !eng.skills.has(f) {
                    errors.push(format!("{here}: lacks the skill {f}"));
                }
            }
            if v.site != task.site {
                errors.push(format!("{here}: at {} instead of {}", v.site, task.site));
            }
            let (first, last, overdue) = window_of(task);
            let late = (day.date - last).num_days().max(0);
            if day.date < first && !overdue {
                errors.push(format!("{here}: before its window opens on {first}"));
            }
            if late as u32 != v.late_days {
                errors.push(format!(
                    "{here}: reports {} days late, is {late}",
                    v.late_days
                ));
            }
            if task.needs_travel() {
                let site = w.scenario.site(&task.site).unwrap();
                let open = site.open_windows(day.date, cal);
                if !open.iter().any(|o| {
                    i64::from(o.start().minutes()) <= a && b <= i64::from(o.end().minutes())
                }) {
                    errors.push(format!(
                        "{here}: {a}-{b} outside the opening hours {open:?}"
                    ));
                }
            }
        }
        check_capacity(w, eng, day, (s0, s1), busy, &mut errors);
    }
    check_desk(roster, &by_id, &mut seen, &mut errors);
    for t in tasks {
        match seen.get(t.id.as_str()) {
            Some(1) => {}
            Some(n) => errors.push(format!("{}: appears {n} times", t.id)),
            None => errors.push(format!("{}: neither placed nor left out", t.id)),
        }
    }
    errors
}

/// The desk: only phone callbacks, on a date of their window, inside the desk hours of the
/// planner's settings, lasting their duration, never two at once for one agent, agents
/// numbered within the desk's headcount.
fn check_desk<'a>(
    roster: &'a Roster,
    by_id: &BTreeMap<&str, &Task>,
    seen: &mut BTreeMap<&'a str, usize>,
    errors: &mut Vec<String>,
) {
    let settings = fieldplan::plan::PlanSettings::default();
    let (open, close) = (
        i64::from(settings.desk_hours.start().minutes()),
        i64::from(settings.desk_hours.end().minutes()),
    );
    for day in &roster.desk {
        if day.agent == 0 || day.agent > settings.desk_agents {
            errors.push(format!(
                "desk agent {} on {}: no such agent",
                day.agent, day.date
            ));
        }
        let mut last_end = i64::MIN;
        let mut calls: Vec<_> = day.calls.iter().collect();
        calls.sort_by_key(|c| c.start);
        for c in calls {
            *seen.entry(c.task.as_str()).or_default() += 1;
            let here = format!("{} (desk agent {} on {})", c.task, day.agent, day.date);
            let Some(task) = by_id.get(c.task.as_str()) else {
                errors.push(format!("{here}: not a task of the input"));
                continue;
            };
            if !matches!(task.detail, TaskDetail::PhoneCallback { .. }) || c.on_site {
                errors.push(format!("{here}: only phone callbacks are desk work"));
            }
            let (first, last, _) = window_of(task);
            if day.date < first || day.date > last {
                errors.push(format!("{here}: outside its window {first}..{last}"));
            }
            let (a, b) = (minutes(c.start.time()), minutes(c.end.time()));
            if c.start.date() != day.date || b - a != i64::from(task.duration.get()) {
                errors.push(format!("{here}: wrong day or length"));
            }
            if a < open || b > close {
                errors.push(format!("{here}: {a}-{b} outside the desk hours"));
            }
            if a < last_end {
                errors.push(format!("{here}: overlaps the agent's previous call"));
            }
            last_end = b;
        }
    }
}

/// Capacity: work and driving within the shift less lunch and the fault reserve.
fn check_capacity(
    w: &World,
    eng: &Engineer,
    day: &EngineerDay,
    (s0, s1): (i64, i64),
    busy: i64,
    errors: &mut Vec<String>,
) {
    let len = s1 - s0;
    let share = w.roster.reserve.share(
        w.scenario
            .service_point(&eng.home)
            .unwrap()
            .district
            .as_str(),
    );
    let reserve = (len as f64 * share).ceil() as i64;
    let lunch = if len >= i64::from(w.roster.lunch.min_shift.get()) {
        i64::from(w.roster.lunch.duration.get())
    } else {
        0
    };
    let used = busy + i64::from(day.travel_minutes);
    if used > len - lunch - reserve {
        errors.push(format!(
            "{} on {}: {used} min of work and travel over the capacity {}",
            day.engineer,
            day.date,
            len - lunch - reserve
        ));
    }
}
