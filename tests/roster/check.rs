//! An independent checker of rosters: it re-derives every rule from the scenario data and the
//! configuration, and shares no code with the model (only the data types and the domain's
//! availability and opening-hours rules).

use super::support::world;
use chrono::{NaiveDate, NaiveTime};
use fieldplan::domain::engineer::{Availability, Engineer};
use fieldplan::domain::task::{Task, TaskDetail};
use fieldplan::plan::roster::Roster;
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
        // Capacity: work and driving within the shift less lunch and the fault reserve.
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
    for t in tasks {
        match seen.get(t.id.as_str()) {
            Some(1) => {}
            Some(n) => errors.push(format!("{}: appears {n} times", t.id)),
            None => errors.push(format!("{}: neither placed nor left out", t.id)),
        }
    }
    errors
}
