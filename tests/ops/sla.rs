//! The SLA, recomputed by the test from `config/sla.toml` and the scenario's files: each
//! milestone's deadline (the level's target from the report; under warranty the stricter of
//! it and the warranty's; after a failed remote attempt, at any site, on site within the
//! remote-failure limit) and its outcome from the fault's events at the clock's now.
//!
//! Remote first: a level whose `visit` is `"if_needed"` has no dispatch or on-site
//! milestone until the first `remoteFailed`, `needsVisit`, `dispatched` or `onSite` event
//! (the moment a visit became needed); its dispatch target counts from that moment.

use super::{Service, parse, repo};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::Value;
use std::collections::BTreeMap;

const MILESTONES: [&str; 5] = ["respond", "dispatch", "solution", "onSite", "resolve"];

/// `"1h30m"`, `"1d"`, `"0m"` or a bare number of minutes.
fn minutes(v: &toml::Value) -> i64 {
    if let Some(n) = v.as_integer() {
        return n;
    }
    let s = v.as_str().unwrap();
    let (mut total, mut n) = (0, 0);
    for c in s.chars() {
        match c {
            '0'..='9' => n = n * 10 + i64::from(c.to_digit(10).unwrap()),
            'd' => (total, n) = (total + n * 1440, 0),
            'h' => (total, n) = (total + n * 60, 0),
            'm' => (total, n) = (total + n, 0),
            _ => panic!("duration {s}"),
        }
    }
    total + n
}

/// The SLA table's target of a milestone for a level (or the warranty), in minutes.
fn target(table: &toml::Value, section: &str, milestone: &str) -> Option<i64> {
    let key = match milestone {
        "onSite" => "on_site",
        m => m,
    };
    table.get(section)?.get(key).map(minutes)
}

/// One recomputed milestone.
#[derive(Debug, PartialEq)]
pub struct Fact {
    pub fault: String,
    /// The fault is still open.
    pub open: bool,
    pub level: u64,
    pub milestone: &'static str,
    pub deadline: NaiveDateTime,
    pub status: &'static str,
}

fn read(file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo(file)).unwrap()).unwrap()
}

/// The events that reach a milestone (its own and the later ones that imply it).
fn reaches(milestone: &str, kind: &str) -> bool {
    match milestone {
        "respond" => !matches!(kind, "remoteFailed" | "needsVisit" | "escalated" | "closed"),
        "dispatch" => matches!(kind, "dispatched" | "onSite"),
        "solution" => matches!(kind, "solutionGiven" | "resolved"),
        "onSite" => kind == "onSite",
        _ => kind == "resolved",
    }
}

/// Recomputes every fault's milestones at `as_of` and compares them with the service's.
pub fn check_faults(s: &mut Service, end: NaiveDate) -> Vec<Fact> {
    let table: toml::Value =
        toml::from_str(&std::fs::read_to_string(repo("config/sla.toml")).unwrap()).unwrap();
    let devices: BTreeMap<String, Value> = read("data/nanchang/devices.json")
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap().to_owned(), d.clone()))
        .collect();
    let as_of = end.and_hms_opt(7, 0, 0).unwrap();
    let mut facts = Vec::new();
    let mut offset = 0;
    loop {
        let page = s.get(&format!("/v1/faults?limit=500&offset={offset}"));
        let items = page["items"].as_array().unwrap().clone();
        offset += items.len();
        for f in &items {
            let got = recompute(&table, &devices, f, as_of);
            for fact in &got {
                let m = f["milestones"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|m| m["milestone"] == fact.milestone)
                    .unwrap_or_else(|| {
                        panic!("{}: no {} milestone", f["fault"]["id"], fact.milestone)
                    });
                assert_eq!(parse(m["deadline"].as_str().unwrap()), fact.deadline, "{f}");
                assert_eq!(m["status"], fact.status, "{}: {}", fact.milestone, f);
            }
            assert_eq!(got.len(), f["milestones"].as_array().unwrap().len(), "{f}");
            facts.extend(got);
        }
        if items.is_empty() || offset as u64 >= page["total"].as_u64().unwrap() {
            return facts;
        }
    }
}

fn recompute(
    table: &toml::Value,
    devices: &BTreeMap<String, Value>,
    f: &Value,
    as_of: NaiveDateTime,
) -> Vec<Fact> {
    let fault = &f["fault"];
    let level = fault["level"].as_u64().unwrap();
    let reported = parse(fault["reported"].as_str().unwrap());
    let device = &devices[fault["device"].as_str().unwrap()];
    let date = |k: &str| device[k].as_str().unwrap().parse::<NaiveDate>().unwrap();
    let warranty = date("installed") <= reported.date() && reported.date() <= date("warrantyEnd");
    let events: Vec<(String, NaiveDateTime)> = f["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                parse(e["at"].as_str().unwrap()),
            )
        })
        .collect();
    let first = |m: &str| {
        events
            .iter()
            .filter(|(k, _)| reaches(m, k))
            .map(|(_, t)| *t)
            .min()
    };
    let resolved = first("resolve");
    let section = format!("level{level}");
    let at_once = table[section.as_str()]
        .get("visit")
        .is_none_or(|v| v.as_str() == Some("at_once"));
    let needed = if at_once {
        Some(reported)
    } else {
        events
            .iter()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "remoteFailed" | "needsVisit" | "dispatched" | "onSite"
                )
            })
            .map(|(_, t)| *t)
            .min()
    };
    let mut out = Vec::new();
    for m in MILESTONES {
        let visit = matches!(m, "dispatch" | "onSite");
        if visit && needed.is_none() {
            continue;
        }
        let mut t = target(table, &section, m);
        if warranty && matches!(m, "respond" | "onSite" | "resolve") {
            t = match (t, target(table, "warranty", m)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let from = match (m, needed) {
            ("dispatch", Some(need)) if !at_once => need,
            _ => reported,
        };
        let mut deadline = t.map(|t| from + Duration::minutes(t));
        if m == "onSite" {
            let limit = target(table, "remote_failure", "onSite");
            let failed = events
                .iter()
                .find(|(k, _)| k == "remoteFailed")
                .map(|e| e.1);
            if let (Some(limit), Some(failed)) = (limit, failed) {
                let due = failed + Duration::minutes(limit);
                deadline = Some(deadline.map_or(due, |d| d.min(due)));
            }
        }
        let Some(deadline) = deadline else { continue };
        let status = match first(m) {
            Some(at) if at <= deadline => "met",
            Some(_) => "late",
            None if matches!(m, "dispatch" | "onSite")
                && resolved.is_some_and(|r| r <= deadline) =>
            {
                "notNeeded"
            }
            None if as_of > deadline => "missed",
            None => "pending",
        };
        out.push(Fact {
            fault: fault["id"].as_str().unwrap().to_owned(),
            open: f["status"] == "open",
            level,
            milestone: m,
            deadline,
            status,
        });
    }
    out
}

/// The SLA report over `from..=to` counts exactly the recomputed milestones due then.
pub fn check_report(s: &mut Service, facts: &[Fact], from: NaiveDate, to: NaiveDate) {
    let mut want: BTreeMap<(u64, &str), BTreeMap<&str, u64>> = BTreeMap::new();
    for f in facts
        .iter()
        .filter(|f| f.deadline.date() >= from && f.deadline.date() <= to)
    {
        *want
            .entry((f.level, f.milestone))
            .or_default()
            .entry(f.status)
            .or_default() += 1;
    }
    let report = s.get(&format!("/v1/reports/sla?from={from}&to={to}"));
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), want.len(), "{report}");
    for row in rows {
        let key = (
            row["level"].as_u64().unwrap(),
            row["milestone"].as_str().unwrap(),
        );
        let counts = want
            .iter()
            .find(|(k, _)| k.0 == key.0 && k.1 == key.1)
            .map(|(_, c)| c)
            .unwrap_or_else(|| panic!("unexpected row {row}"));
        for status in ["met", "late", "missed", "pending", "notNeeded"] {
            assert_eq!(
                row[status].as_u64().unwrap(),
                counts.get(status).copied().unwrap_or(0),
                "{status} in {row}"
            );
        }
    }
}

/// Alerts: each sent once per fault, milestone and kind; every milestone of an open fault
/// that is missed now was announced `faultMissed`, and each `faultMissed` is of a milestone
/// that is missed or was reached late, or that a report made after the alert (`touched`:
/// the clock at each report about a fault) showed reached in time.
pub fn check_alerts(
    s: &mut Service,
    facts: &[Fact],
    touched: &BTreeMap<String, Vec<NaiveDateTime>>,
) {
    let alerts = s.get("/v1/alerts");
    let mut sent = std::collections::BTreeSet::new();
    for a in alerts["items"].as_array().unwrap() {
        let key = (
            a["faultId"].as_str().unwrap().to_owned(),
            a["milestone"].as_str().unwrap().to_owned(),
            a["kind"].as_str().unwrap().to_owned(),
        );
        assert!(sent.insert(key.clone()), "alert sent twice: {a}");
        if key.2 == "faultMissed" {
            let fact = facts
                .iter()
                .find(|f| f.fault == key.0 && f.milestone == key.1)
                .unwrap_or_else(|| panic!("faultMissed of no milestone: {a}"));
            let raised = parse(a["raisedAt"].as_str().unwrap());
            let overtaken = touched
                .get(&key.0)
                .is_some_and(|t| t.iter().any(|t| *t >= raised));
            assert!(
                matches!(fact.status, "missed" | "late") || overtaken,
                "{a} but {fact:?}"
            );
        }
    }
    for f in facts.iter().filter(|f| f.open && f.status == "missed") {
        let key = (
            f.fault.clone(),
            f.milestone.to_owned(),
            "faultMissed".to_owned(),
        );
        assert!(sent.contains(&key), "{f:?} was never announced");
    }
}
