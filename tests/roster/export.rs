//! The feeds, read back with parsers that are not the writers: the `ical` crate for the
//! calendars, the `csv` reader for the CSV.

use super::support::nanchang;
use fieldplan::domain::ids::EngineerId;
use fieldplan::export::csv::{BOM, roster_csv};
use fieldplan::export::ics::engineer_calendar;
use fieldplan::plan::roster::Roster;
use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use std::collections::BTreeMap;

fn parse(text: &str) -> IcalCalendar {
    let mut cals: Vec<IcalCalendar> =
        ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
            .collect::<Result<_, _>>()
            .expect("a valid iCalendar file");
    assert_eq!(cals.len(), 1);
    cals.remove(0)
}

fn prop<'a>(e: &'a IcalEvent, name: &str) -> Option<&'a ical::property::Property> {
    e.properties.iter().find(|p| p.name == name)
}

fn value(e: &IcalEvent, name: &str) -> String {
    prop(e, name)
        .and_then(|p| p.value.clone())
        .unwrap_or_default()
}

/// The busiest engineer of the Nanchang roster.
fn busiest(roster: &Roster) -> EngineerId {
    let mut n: BTreeMap<&EngineerId, usize> = BTreeMap::new();
    for (d, _) in roster.visits() {
        *n.entry(&d.engineer).or_default() += 1;
    }
    n.into_iter()
        .max_by_key(|(e, n)| (*n, std::cmp::Reverse(*e)))
        .unwrap()
        .0
        .clone()
}

#[test]
fn calendar_has_one_event_per_visit_with_stable_uids_and_shanghai_times() {
    let roster = &nanchang().1.roster;
    let eng = busiest(roster);
    let text = engineer_calendar(roster, &eng, None);
    assert!(text.contains("\r\n"), "lines end with CRLF");
    let cal = parse(&text);
    assert_eq!(cal.timezones.len(), 1);
    let tzid = cal.timezones[0]
        .properties
        .iter()
        .find(|p| p.name == "TZID")
        .unwrap();
    assert_eq!(tzid.value.as_deref(), Some("Asia/Shanghai"));
    let visits: Vec<_> = roster.visits_of(&eng).map(|(_, v)| v).collect();
    assert_eq!(cal.events.len(), visits.len());
    for (e, v) in cal.events.iter().zip(&visits) {
        assert_eq!(value(e, "UID"), format!("task-{}@fieldplan", v.task));
        assert_eq!(value(e, "SEQUENCE"), "0");
        assert_eq!(value(e, "STATUS"), "CONFIRMED");
        let start = prop(e, "DTSTART").unwrap();
        assert_eq!(
            start.value.as_deref(),
            Some(v.start.format("%Y%m%dT%H%M%S").to_string().as_str())
        );
        let params = start.params.as_ref().unwrap();
        assert!(
            params
                .iter()
                .any(|(k, vs)| k == "TZID" && vs == &["Asia/Shanghai"])
        );
        assert!(value(e, "SUMMARY").contains(v.site_name.zh()));
        assert!(value(e, "LOCATION").contains(v.site_name.zh()));
        let desc = value(e, "DESCRIPTION");
        assert!(
            desc.contains(v.task.as_str()) && desc.contains("400-800-5228"),
            "{desc}"
        );
        if let Some(dev) = &v.device {
            assert!(desc.contains(dev.as_str()));
        }
        if v.on_site {
            assert_eq!(
                value(e, "GEO"),
                format!("{:.6};{:.6}", v.location.lat(), v.location.lon())
            );
        }
    }
    // Same roster, same bytes.
    assert_eq!(engineer_calendar(roster, &eng, None), text);
}

#[test]
fn a_replan_keeps_uids_raises_sequence_and_cancels_what_is_gone() {
    let v1 = nanchang().1.roster.clone();
    let eng = busiest(&v1);
    let mut v2 = v1.clone();
    v2.version = 2;
    let day = v2.days.iter_mut().find(|d| d.engineer == eng).unwrap();
    let gone = day.visits.remove(0);
    let cal1 = parse(&engineer_calendar(&v1, &eng, None));
    let cal2 = parse(&engineer_calendar(&v2, &eng, Some(&v1)));
    let uids = |c: &IcalCalendar| {
        c.events
            .iter()
            .map(|e| value(e, "UID"))
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(
        uids(&cal1),
        uids(&cal2),
        "every old UID is still there (updated or cancelled)"
    );
    let seq = |c: &IcalCalendar| {
        c.events
            .iter()
            .map(|e| value(e, "SEQUENCE").parse::<u32>().unwrap())
            .max()
            .unwrap()
    };
    assert!(seq(&cal2) > seq(&cal1));
    let cancelled: Vec<_> = cal2
        .events
        .iter()
        .filter(|e| value(e, "STATUS") == "CANCELLED")
        .collect();
    assert_eq!(cancelled.len(), 1);
    assert_eq!(
        value(cancelled[0], "UID"),
        format!("task-{}@fieldplan", gone.task)
    );
}

#[test]
fn csv_has_a_bom_and_round_trips_chinese_names() {
    let roster = &nanchang().1.roster;
    let bytes = roster_csv(roster);
    assert!(bytes.starts_with(BOM));
    let mut r = csv::Reader::from_reader(&bytes[BOM.len()..]);
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().unwrap();
    let visits: Vec<_> = roster.visits().collect();
    assert_eq!(rows.len(), visits.len());
    for (row, (day, v)) in rows.iter().zip(&visits) {
        assert_eq!(&row[col("task")], v.task.as_str());
        assert_eq!(&row[col("site_name")], v.site_name.zh());
        assert_eq!(&row[col("engineer_name")], day.engineer_name.zh());
        assert!(
            row[col("site_name")]
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        );
    }
}
