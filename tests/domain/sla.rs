//! The SLA engine: deadlines across midnight and year ends, warranty, remote failure, the
//! outcome of each milestone, and the configuration file.

use crate::support::{at, d, repo};
use fieldplan::domain::duration::Minutes;
use fieldplan::domain::fault::{Fault, FaultEvent, FaultEventKind, FaultLevel};
use fieldplan::domain::geo::AreaType;
use fieldplan::domain::ids::{DeviceId, FaultId};
use fieldplan::domain::instant::Instant;
use fieldplan::domain::sla::{Milestone, Outcome, SlaConfig, SlaContext};

fn fault(level: FaultLevel, reported: Instant) -> Fault {
    Fault {
        id: FaultId::new("F-0001").unwrap(),
        device: DeviceId::new("D-0001").unwrap(),
        level,
        reported,
        description: String::new(),
    }
}

const CITY: SlaContext = SlaContext {
    under_warranty: false,
    area: AreaType::Urban,
};
const COUNTY: SlaContext = SlaContext {
    under_warranty: false,
    area: AreaType::County,
};
const WARRANTY: SlaContext = SlaContext {
    under_warranty: true,
    area: AreaType::County,
};

fn ev(kind: FaultEventKind, at: Instant) -> FaultEvent {
    FaultEvent::new(kind, at)
}

#[test]
fn level_one_deadlines_cross_midnight() {
    let sla = SlaConfig::default();
    let f = fault(FaultLevel::L1, at(2026, 12, 3, 22, 30));
    let dl = sla.deadlines(&f, CITY);
    assert_eq!(dl.get(Milestone::Respond), Some(at(2026, 12, 3, 23, 30)));
    assert_eq!(dl.get(Milestone::Dispatch), Some(at(2026, 12, 3, 22, 30)));
    assert_eq!(dl.get(Milestone::Solution), Some(at(2026, 12, 4, 2, 30)));
    assert_eq!(dl.get(Milestone::Resolve), Some(at(2026, 12, 4, 6, 30)));
    assert_eq!(dl.get(Milestone::OnSite), None);
    assert_eq!(dl.earliest(), Some(at(2026, 12, 3, 22, 30)));
    assert_eq!(
        dl.get(Milestone::Resolve).unwrap().to_string(),
        "2026-12-04T06:30:00+08:00"
    );
}

#[test]
fn deadlines_cross_the_year_end_and_a_leap_day() {
    let sla = SlaConfig::default();
    let f = fault(FaultLevel::L4, at(2026, 12, 31, 20, 0));
    assert_eq!(
        sla.deadlines(&f, CITY).get(Milestone::Solution),
        Some(at(2027, 1, 2, 20, 0))
    );
    let f = fault(FaultLevel::L2, at(2028, 2, 28, 23, 15));
    let visit = [ev(FaultEventKind::NeedsVisit, at(2028, 2, 28, 23, 30))];
    assert_eq!(
        sla.deadlines_with(&f, CITY, &visit).get(Milestone::OnSite),
        Some(at(2028, 2, 29, 23, 15))
    );
}

#[test]
fn level_targets_follow_the_source_table() {
    let sla = SlaConfig::default();
    let t0 = at(2026, 12, 1, 9, 0);
    let hours = |level, m| {
        sla.deadlines(&fault(level, t0), COUNTY)
            .get(m)
            .map(|t| t.minutes_since(t0) / 60)
    };
    assert_eq!(hours(FaultLevel::L2, Milestone::Respond), Some(1));
    // Level 2 is visited "if needed": no visit milestones until a visit is needed.
    assert_eq!(hours(FaultLevel::L2, Milestone::OnSite), None);
    assert_eq!(hours(FaultLevel::L2, Milestone::Dispatch), None);
    assert_eq!(hours(FaultLevel::L1, Milestone::Dispatch), Some(0));
    assert_eq!(hours(FaultLevel::L3, Milestone::Respond), Some(2));
    assert_eq!(hours(FaultLevel::L3, Milestone::Solution), Some(24));
    assert_eq!(hours(FaultLevel::L4, Milestone::Solution), Some(48));
    assert_eq!(hours(FaultLevel::L4, Milestone::Resolve), None);
}

#[test]
fn warranty_devices_get_the_stricter_promise() {
    let sla = SlaConfig::default();
    let t0 = at(2026, 12, 1, 9, 0);
    let l4 = sla.deadlines(&fault(FaultLevel::L4, t0), WARRANTY);
    // Remote first: the warranty's on-site promise holds once a visit is needed.
    assert_eq!(l4.get(Milestone::OnSite), None);
    let visit = [ev(FaultEventKind::NeedsVisit, at(2026, 12, 1, 15, 0))];
    let l4v = sla.deadlines_with(&fault(FaultLevel::L4, t0), WARRANTY, &visit);
    assert_eq!(l4v.get(Milestone::OnSite), Some(at(2026, 12, 2, 9, 0)));
    assert_eq!(l4.get(Milestone::Resolve), Some(at(2026, 12, 2, 9, 0)));
    assert_eq!(l4.get(Milestone::Respond), Some(at(2026, 12, 1, 11, 0)));
    let l1 = sla.deadlines(&fault(FaultLevel::L1, t0), WARRANTY);
    assert_eq!(l1.get(Milestone::Respond), Some(at(2026, 12, 1, 10, 0)));
    assert_eq!(l1.get(Milestone::Resolve), Some(at(2026, 12, 1, 17, 0)));
}

#[test]
fn remote_failure_asks_for_an_engineer_within_thirty_minutes_at_every_site() {
    let sla = SlaConfig::default();
    let f = fault(FaultLevel::L3, at(2026, 12, 1, 23, 50));
    let events = [
        ev(FaultEventKind::Responded, at(2026, 12, 2, 0, 10)),
        ev(FaultEventKind::RemoteFailed, at(2026, 12, 2, 0, 40)),
    ];
    let city = sla.deadlines_with(&f, CITY, &events);
    assert_eq!(city.get(Milestone::OnSite), Some(at(2026, 12, 2, 1, 10)));
    // The source sets no area limit: the county site gets the same promise.
    let county = sla.deadlines_with(&f, COUNTY, &events);
    assert_eq!(county.get(Milestone::OnSite), Some(at(2026, 12, 2, 1, 10)));
    // Dispatch (1 h) counts from the failure, the moment a visit became needed.
    assert_eq!(
        county.get(Milestone::Dispatch),
        Some(at(2026, 12, 2, 1, 40))
    );
}

#[test]
fn remote_first_levels_have_no_visit_milestones_until_a_visit_is_needed() {
    let sla = SlaConfig::default();
    // Level 3 at 09:00: respond by 11:00, a solution by 09:00 the next day; no dispatch,
    // no visit. A dispatcher's needsVisit at 10:00: dispatch by 11:00; level 3 has no
    // on-site target of its own and no remote failure, so still no on-site deadline.
    let f = fault(FaultLevel::L3, at(2026, 12, 1, 9, 0));
    let dl = sla.deadlines(&f, COUNTY);
    let got: Vec<Milestone> = dl.iter().map(|(m, _)| m).collect();
    assert_eq!(got, vec![Milestone::Respond, Milestone::Solution]);
    assert_eq!(dl.get(Milestone::Solution), Some(at(2026, 12, 2, 9, 0)));
    let needs = [ev(FaultEventKind::NeedsVisit, at(2026, 12, 1, 10, 0))];
    let dl = sla.deadlines_with(&f, COUNTY, &needs);
    assert_eq!(dl.get(Milestone::Dispatch), Some(at(2026, 12, 1, 11, 0)));
    assert_eq!(dl.get(Milestone::OnSite), None);
    // Level 1 is visited at once: dispatch at the report, no event needed.
    let l1 = sla.deadlines(&fault(FaultLevel::L1, at(2026, 12, 1, 9, 0)), COUNTY);
    assert_eq!(l1.get(Milestone::Dispatch), Some(at(2026, 12, 1, 9, 0)));
    // Reading the shipped file gives the same rules (visit = "if_needed" on levels 2-4).
    let text = std::fs::read_to_string(repo().join("config/sla.toml")).unwrap();
    let shipped = SlaConfig::from_toml_str(&text).unwrap();
    assert_eq!(shipped.deadlines_with(&f, COUNTY, &needs), dl);
    // An older file still names the promise `urban_on_site`; it now holds everywhere.
    let old = text.replace("on_site = \"30m\"", "urban_on_site = \"30m\"");
    assert_eq!(SlaConfig::from_toml_str(&old).unwrap(), shipped);
}

#[test]
fn assessment_reports_met_late_missed_pending_and_not_needed() {
    let sla = SlaConfig::default();
    let f = fault(FaultLevel::L2, at(2026, 12, 1, 22, 0));
    // A visit needed at 23:00: dispatch due at 00:00, done at 00:30.
    let events = [
        ev(FaultEventKind::Responded, at(2026, 12, 1, 22, 45)),
        ev(FaultEventKind::NeedsVisit, at(2026, 12, 1, 23, 0)),
        ev(FaultEventKind::Dispatched, at(2026, 12, 2, 0, 30)),
    ];
    let report = sla.assess(&f, COUNTY, &events, at(2026, 12, 2, 8, 0));
    let outcome = |m| report.iter().find(|s| s.milestone == m).unwrap().outcome;
    assert_eq!(
        outcome(Milestone::Respond),
        Outcome::Met {
            at: at(2026, 12, 1, 22, 45)
        }
    );
    assert_eq!(
        outcome(Milestone::Dispatch),
        Outcome::Late {
            at: at(2026, 12, 2, 0, 30),
            minutes_late: 30
        }
    );
    assert_eq!(outcome(Milestone::OnSite), Outcome::Pending);
    let later = sla.assess(&f, COUNTY, &events, at(2026, 12, 3, 0, 0));
    assert!(later.iter().any(|s| s.outcome == Outcome::Missed));

    // Resolved by phone in an hour: no dispatch or visit needed, and the resolution
    // counts as the solution.
    let remote = [
        ev(FaultEventKind::NeedsVisit, at(2026, 12, 1, 22, 10)),
        ev(FaultEventKind::Resolved, at(2026, 12, 1, 22, 40)),
    ];
    let report = sla.assess(&f, COUNTY, &remote, at(2026, 12, 3, 0, 0));
    let outcome = |m| report.iter().find(|s| s.milestone == m).unwrap().outcome;
    assert_eq!(outcome(Milestone::Dispatch), Outcome::NotNeeded);
    assert_eq!(outcome(Milestone::OnSite), Outcome::NotNeeded);
    assert!(matches!(outcome(Milestone::Solution), Outcome::Met { .. }));
    assert!(matches!(outcome(Milestone::Respond), Outcome::Met { .. }));
}

#[test]
fn the_shipped_sla_file_is_the_default_and_bad_files_name_the_field() {
    let text = std::fs::read_to_string(repo().join("config/sla.toml")).unwrap();
    assert_eq!(
        SlaConfig::from_toml_str(&text).unwrap(),
        SlaConfig::default()
    );

    let bad = text.replacen("solution = \"24h\"", "solution = \"30m\"", 1);
    let e = SlaConfig::from_toml_str(&bad).unwrap_err();
    assert_eq!(e.field, "level2.solution", "{e}");
    let bad = text.replacen("respond = \"1h\"", "respond = \"1 hour\"", 1);
    let e = SlaConfig::from_toml_str(&bad).unwrap_err();
    assert!(e.message.contains("1 hour"), "{e}");
    assert!(e.message.contains("respond"), "{e}");
    let mut changed = SlaConfig::default();
    changed.level1.resolve = Some(Minutes::hours(6));
    assert!(changed.check().is_ok());
    let _ = d(2026, 1, 1);
}
