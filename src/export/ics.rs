//! iCalendar (RFC 5545) feed of one engineer's visits.
//!
//! - One VEVENT per visit (phone callbacks included, at the desk), times in local time with
//!   `TZID=Asia/Shanghai` and a hand-written `VTIMEZONE` for it (CST, +08:00, no daylight
//!   saving since 1991): the `icalendar` crate writes `TZID=` but no `VTIMEZONE`.
//! - `UID:task-<task id>@fieldplan`, the same in every version, so a calendar that subscribes
//!   to the feed updates an event when the roster is re-planned instead of adding a second.
//! - `SEQUENCE` is the roster's version less one (0 for the first publication), so it grows
//!   with each published version.
//! - A visit of the previous version that this version no longer gives the engineer is
//!   emitted with `STATUS:CANCELLED` (at its old time), so clients remove it.
//! - `DTSTAMP` is the roster's publication instant (or the start of its horizon), never the
//!   clock, so the same roster always gives the same bytes.

use crate::domain::ids::EngineerId;
use crate::domain::task::TaskKind;
use crate::plan::roster::{Roster, Visit};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use std::collections::BTreeSet;

/// The time zone of every local time in the feeds.
pub const TZID: &str = "Asia/Shanghai";

/// The customer service hotline, the contact on every visit.
pub const HOTLINE: &str = "400-800-5228";

/// RFC 5545 needs a VTIMEZONE for each TZID used. China has kept +08:00 all year since 1991.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\n\
TZID:Asia/Shanghai\r\n\
X-LIC-LOCATION:Asia/Shanghai\r\n\
BEGIN:STANDARD\r\n\
TZOFFSETFROM:+0800\r\n\
TZOFFSETTO:+0800\r\n\
TZNAME:CST\r\n\
DTSTART:19700101T000000\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n";

/// The stable UID of a task's visit.
pub fn uid(task: &crate::domain::ids::TaskId) -> String {
    format!("task-{}@fieldplan", task.as_str())
}

/// The SEQUENCE of a roster version (0 for version 1).
pub fn sequence(version: u32) -> u32 {
    version.saturating_sub(1)
}

fn kind_label(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::Inspection => "巡检 Inspection",
        TaskKind::PhoneCallback => "电话回访 Phone callback",
        TaskKind::OnSiteCallback => "上门回访 On-site callback",
        TaskKind::FaultRepair => "维修 Repair",
        TaskKind::SparePartDelivery => "备件 Spare part",
        TaskKind::Installation => "安装 Installation",
        TaskKind::LoanCollection => "备用机回收 Loan unit collection",
    }
}

fn stamp(roster: &Roster) -> DateTime<Utc> {
    roster.published_at.unwrap_or_else(|| {
        let start: NaiveDate = roster.horizon.first();
        chrono_tz::Asia::Shanghai
            .from_local_datetime(&start.and_hms_opt(0, 0, 0).expect("midnight"))
            .single()
            .expect("Shanghai has no gaps")
            .with_timezone(&Utc)
    })
}

fn event(visit: &Visit, seq: u32, stamp: DateTime<Utc>, status: EventStatus) -> Event {
    let device = match (&visit.device, &visit.device_model) {
        (Some(id), Some(model)) => format!("{id} {model}"),
        (Some(id), None) => id.to_string(),
        _ => "-".to_string(),
    };
    let family = visit.family.map_or(String::new(), |f| format!(" ({f})"));
    let description = format!(
        "Task {task}: {kind}\nDevice: {device}{family}\nSite: {zh} / {en}\nAddress: {addr}\n\
         Contact: {zh}, via hotline {HOTLINE}\nDue {due}, window {from} to {to}{late}",
        task = visit.task,
        kind = kind_label(visit.kind),
        zh = visit.site_name.zh(),
        en = visit.site_name.en(),
        addr = visit.address.zh(),
        due = visit.due,
        from = visit.window.first(),
        to = visit.window.last(),
        late = if visit.late_days > 0 {
            format!(" ({} days late)", visit.late_days)
        } else {
            String::new()
        },
    );
    let location = if visit.on_site {
        format!("{} {}", visit.site_name.zh(), visit.address.zh())
    } else {
        format!("电话 Phone: {}", visit.site_name.zh())
    };
    let mut e = Event::with_uid(&uid(&visit.task));
    e.summary(&format!(
        "{}: {}",
        kind_label(visit.kind),
        visit.site_name.zh()
    ))
    .description(&description)
    .location(&location)
    .sequence(seq)
    .timestamp(stamp)
    .status(status)
    .append_property(
        Property::new("DTSTART", visit.start.format("%Y%m%dT%H%M%S").to_string())
            .add_parameter("TZID", TZID)
            .done(),
    )
    .append_property(
        Property::new("DTEND", visit.end.format("%Y%m%dT%H%M%S").to_string())
            .add_parameter("TZID", TZID)
            .done(),
    );
    if visit.on_site {
        e.add_property(
            "GEO",
            format!("{:.6};{:.6}", visit.location.lat(), visit.location.lon()),
        );
    }
    e.done()
}

/// The calendar of `engineer` in `roster`; with `previous` (the version before), the visits
/// it no longer has are emitted as cancelled.
pub fn engineer_calendar(
    roster: &Roster,
    engineer: &EngineerId,
    previous: Option<&Roster>,
) -> String {
    let seq = sequence(roster.version);
    let stamp = stamp(roster);
    let name = roster
        .days
        .iter()
        .find(|d| &d.engineer == engineer)
        .map_or(engineer.to_string(), |d| {
            format!("{} {}", d.engineer_name.zh(), engineer)
        });
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//fieldplan//roster//EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    cal.append_property(Property::new("X-WR-CALNAME", format!("fieldplan {name}")));
    cal.append_property(Property::new("X-WR-TIMEZONE", TZID));
    let current: BTreeSet<&str> = roster
        .visits_of(engineer)
        .map(|(_, v)| v.task.as_str())
        .collect();
    for (_, v) in roster.visits_of(engineer) {
        cal.push(event(v, seq, stamp, EventStatus::Confirmed));
    }
    if let Some(prev) = previous {
        for (_, v) in prev.visits_of(engineer) {
            if !current.contains(v.task.as_str()) {
                cal.push(event(v, seq, stamp, EventStatus::Cancelled));
            }
        }
    }
    let text = cal.to_string();
    // The VTIMEZONE goes before the first component (after the calendar's properties).
    let at = text
        .find("BEGIN:VEVENT")
        .or_else(|| text.find("END:VCALENDAR"))
        .expect("a calendar ends");
    let mut out = String::with_capacity(text.len() + VTIMEZONE.len());
    out.push_str(&text[..at]);
    out.push_str(VTIMEZONE);
    out.push_str(&text[at..]);
    out
}
