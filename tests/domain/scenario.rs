//! The Nanchang scenario: determinism, the shipped files, loading errors, the scaled
//! variant, and the tasks the planner gets from it.

use crate::support::{d, repo, temp_dir};
use fieldplan::domain::geo::AreaType;
use fieldplan::domain::task::{TaskDetail, TaskKind};
use fieldplan::scenario::generate::{GenerateOptions, generate};
use fieldplan::scenario::map::Map;
use fieldplan::scenario::{Scenario, ScenarioError, load_config};
use std::collections::BTreeMap;

fn nanchang() -> Scenario {
    Scenario::load(repo().join("data/nanchang")).unwrap()
}

#[test]
fn the_same_seed_gives_byte_identical_files_and_another_seed_does_not() {
    let a = generate(&GenerateOptions::default()).unwrap().to_files();
    let b = generate(&GenerateOptions::default()).unwrap().to_files();
    assert_eq!(a, b);
    let other = GenerateOptions {
        seed: 2,
        ..GenerateOptions::default()
    };
    assert_ne!(generate(&other).unwrap().to_files(), a);
}

#[test]
fn the_shipped_files_are_what_the_generator_writes() {
    let generated = generate(&GenerateOptions::default()).unwrap();
    for (name, text) in generated.to_files() {
        let shipped = std::fs::read_to_string(repo().join("data/nanchang").join(name)).unwrap();
        assert!(
            shipped == text,
            "data/nanchang/{name} differs: run `fieldplan scenario generate --seed 1 --out data/nanchang`"
        );
    }
}

#[test]
fn nanchang_has_nine_districts_and_the_expected_sizes() {
    let s = nanchang();
    assert_eq!(s.districts().len(), 9);
    assert_eq!(s.service_points().len(), 9);
    assert_eq!(s.sites().len(), 250);
    assert!(
        (500..=700).contains(&s.devices().len()),
        "{}",
        s.devices().len()
    );
    assert_eq!(s.engineers().len(), 30);
    assert!(!s.inspections().is_empty() && !s.callbacks().is_empty());
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for site in s.sites() {
        *per.entry(site.district.as_str()).or_default() += 1;
    }
    for urban in ["DH", "XH", "QYP", "QSH", "HGT"] {
        assert!(per[urban] >= 25, "{urban}: {}", per[urban]);
    }
    for county in ["NCX", "JX", "AY"] {
        assert!(per[county] <= 20, "{county}: {}", per[county]);
    }
    // Counties are County; Xinjian is both.
    let areas = |code: &str| -> Vec<AreaType> {
        s.sites()
            .iter()
            .filter(|x| x.district.as_str() == code)
            .map(|x| x.area_type)
            .collect()
    };
    assert!(areas("JX").iter().all(|a| *a == AreaType::County));
    assert!(areas("DH").iter().all(|a| *a == AreaType::Urban));
    let xj = areas("XJ");
    assert!(xj.contains(&AreaType::Urban) && xj.contains(&AreaType::County));
    // Every site lies inside the prefecture: 115 deg 27'-116 deg 35' E, 28 deg 10'-29 deg 11' N
    // (topchinatravel.com, "Nanchang facts"); the map test below holds each to its district.
    let (west, east) = (115.0 + 27.0 / 60.0, 116.0 + 35.0 / 60.0);
    let (south, north) = (28.0 + 10.0 / 60.0, 29.0 + 11.0 / 60.0);
    for x in s.sites() {
        let (lat, lon) = (x.location.lat(), x.location.lon());
        assert!(
            (west..=east).contains(&lon) && (south..=north).contains(&lat),
            "{} at {lat}, {lon}",
            x.id
        );
    }
}

#[test]
fn devices_span_all_three_cadence_intervals() {
    let s = nanchang();
    let reference = s.meta().horizon.first();
    let ages: Vec<u32> = s
        .devices()
        .iter()
        .map(|x| x.age_months(reference))
        .collect();
    let first_year = ages.iter().filter(|a| **a < 12).count();
    let second = ages.iter().filter(|a| (12..24).contains(*a)).count();
    let older = ages.iter().filter(|a| **a >= 24).count();
    assert!(
        first_year > 50 && second > 50 && older > 150,
        "{first_year} {second} {older}"
    );
    assert!(ages.iter().all(|a| *a < 49));
    assert!(s.devices().iter().any(|x| x.under_warranty(reference)));
}

#[test]
fn engineers_cover_both_skills_at_every_service_point_and_take_turns_on_call() {
    use fieldplan::domain::family::DeviceFamily;
    let s = nanchang();
    for sp in s.service_points() {
        let team: Vec<_> = s.engineers().iter().filter(|e| e.home == sp.id).collect();
        assert!(!team.is_empty(), "{}", sp.id);
        for f in DeviceFamily::ALL {
            assert!(team.iter().any(|e| e.skills.has(f)), "{} lacks {f}", sp.id);
        }
        for day in s.meta().horizon.iter() {
            let on_call = team.iter().filter(|e| e.on_call.contains(&day)).count();
            assert!(on_call <= 1, "{} {day}", sp.id);
        }
    }
    assert!(s.engineers().iter().any(|e| !e.leave.is_empty()));
}

#[test]
fn save_and_load_round_trip() {
    let s = nanchang();
    let dir = temp_dir("round-trip");
    s.save(&dir).unwrap();
    assert_eq!(Scenario::load(&dir).unwrap(), s);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn load_errors_name_the_file_and_the_field() {
    let s = nanchang();
    let dir = temp_dir("bad-lat");
    s.save(&dir).unwrap();
    let sites = dir.join("sites.json");
    let text = std::fs::read_to_string(&sites).unwrap();
    let lat = format!("\"lat\":{}", s.sites()[1].location.lat());
    std::fs::write(&sites, text.replacen(&lat, "\"lat\":95.5", 1)).unwrap();
    let err = Scenario::load(&dir).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("sites.json") && msg.contains("[1].location"),
        "{msg}"
    );
    assert!(msg.contains("lat: 95.5 is not in [-90, 90]"), "{msg}");

    s.save(&dir).unwrap();
    let devices = dir.join("devices.json");
    let text = std::fs::read_to_string(&devices).unwrap();
    std::fs::write(
        &devices,
        text.replacen("\"site\":\"S-0001\"", "\"site\":\"S-9999\"", 1),
    )
    .unwrap();
    match Scenario::load(&dir).unwrap_err() {
        ScenarioError::Invalid(problems) => {
            assert_eq!(problems.len(), 1);
            assert_eq!(problems[0].file, "devices.json");
            assert_eq!(problems[0].error.field, "[0].site");
        }
        other => panic!("{other}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_scaled_variant_has_the_asked_sizes_and_more_service_points() {
    let opts = GenerateOptions {
        sites: 5000,
        engineers: 200,
        ..GenerateOptions::default()
    };
    let s = generate(&opts).unwrap();
    assert_eq!(s.sites().len(), 5000);
    assert_eq!(s.engineers().len(), 200);
    assert!(s.service_points().len() > 9);
    assert!(s.devices().len() > 10_000);
    assert_eq!(s.sites()[4999].id.as_str(), "S-5000");
    let misplaced = Map::nanchang().misplaced(&s);
    assert!(misplaced.is_empty(), "{}", misplaced[0]);
}

#[test]
fn every_site_lies_in_its_district_and_on_land() {
    let s = nanchang();
    let misplaced = Map::nanchang().misplaced(&s);
    assert!(
        misplaced.is_empty(),
        "{} misplaced, first: {}",
        misplaced.len(),
        misplaced[0]
    );
}

/// County sites stand at the township they are named after (within a few km: the
/// generator's spread around a township), never downtown.
#[test]
fn county_sites_stand_at_the_township_they_are_named_after() {
    let s = nanchang();
    let map = Map::nanchang();
    let mut county_sites = 0;
    for site in s.sites().iter().filter(|x| x.area_type == AreaType::County) {
        let towns = map.townships(&site.district);
        let district = s
            .districts()
            .iter()
            .find(|d| d.code == site.district)
            .unwrap();
        let seat = district.seat.en();
        let (town, at) = towns
            .iter()
            .map(|t| (t.en.as_str(), t.at))
            .chain(std::iter::once((seat, district.seat_location)))
            .find(|(name, _)| site.name.en().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{} is named after no township", site.name.en()));
        let km = site.location.haversine_m(at) / 1000.0;
        let limit = if town == seat { 10.0 } else { 3.0 };
        assert!(km < limit, "{} is {km:.1} km from {town}", site.id);
        county_sites += 1;
    }
    assert!(county_sites > 40, "{county_sites}");
}

#[test]
fn the_planner_gets_inspections_callbacks_and_repairs_with_durations() {
    let s = nanchang();
    let cfg = load_config(repo().join("config")).unwrap();
    let tasks = s.due_tasks(&cfg, s.meta().horizon);
    let count = |k: TaskKind| tasks.iter().filter(|t| t.kind() == k).count();
    assert!(count(TaskKind::Inspection) > 200);
    assert!(count(TaskKind::PhoneCallback) > 20);
    assert!(count(TaskKind::OnSiteCallback) > 0);
    for t in &tasks {
        assert_eq!(t.needs_travel(), t.kind() != TaskKind::PhoneCallback);
        assert_eq!(t.duration, t.detail.duration(&cfg.durations));
        if let TaskDetail::Inspection { due, .. } = &t.detail {
            assert!(due.overdue || due.slot.window.overlaps(s.meta().horizon));
        }
    }
    let ids: std::collections::BTreeSet<_> = tasks.iter().map(|t| &t.id).collect();
    assert_eq!(ids.len(), tasks.len(), "task ids are unique");
    let json = serde_json::to_string(&tasks[0]).unwrap();
    assert!(
        json.contains("\"kind\":\"inspection\"") || json.contains("\"kind\":\"phoneCallback\""),
        "{json}"
    );
    assert!(json.contains("\"duration\":"), "{json}");
    let repairs = s.open_fault_tasks(&cfg);
    assert!(repairs.iter().all(|t| t.kind() == TaskKind::FaultRepair));
    let _ = d(2026, 11, 30);
}

#[test]
fn the_shipped_config_loads_and_matches_the_defaults() {
    let cfg = load_config(repo().join("config")).unwrap();
    let defaults = fieldplan::domain::DomainConfig::default();
    assert_eq!(cfg.sla, defaults.sla);
    assert_eq!(cfg.cadence, defaults.cadence);
    assert_eq!(cfg.durations, defaults.durations);
    let dir = temp_dir("bad-config");
    for f in [
        "sla.toml",
        "cadence.toml",
        "durations.toml",
        "holidays.toml",
    ] {
        std::fs::copy(repo().join("config").join(f), dir.join(f)).unwrap();
    }
    let text = std::fs::read_to_string(dir.join("durations.toml")).unwrap();
    std::fs::write(
        dir.join("durations.toml"),
        text.replacen("dr = \"2h\"", "dr = \"0m\"", 1),
    )
    .unwrap();
    let msg = load_config(&dir).unwrap_err().to_string();
    assert!(
        msg.contains("durations.toml") && msg.contains("fault_repair.dr"),
        "{msg}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Worked by hand: S-0001 is a normal customer, so it gets no on-site callback by cadence.
/// A phone callback there on 2026-11-28 recorded `unsolved` is escalated: with
/// `escalation_days = 7` (config/cadence.toml) an on-site callback falls due on 12-05, its
/// window 11-28..12-05, inside the horizon 11-30..12-27. Recorded `solved`, or followed by an
/// on-site callback on 11-29, nothing is due.
#[test]
fn an_unsolved_phone_callback_brings_an_on_site_callback_within_the_escalation_days() {
    use fieldplan::domain::history::{CallbackOutcome, CompletedKind, Completion};
    use fieldplan::domain::ids::{EngineerId, SiteId};
    use fieldplan::domain::instant::Instant;
    let cfg = load_config(repo().join("config")).unwrap();
    assert_eq!(cfg.cadence.on_site_callback.escalation_days, 7);
    let site = SiteId::new("S-0001").unwrap();
    let call = |kind, date, outcome: Option<CallbackOutcome>| {
        let at = Instant::local(date, chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap()).unwrap();
        let c = Completion::new(
            None,
            kind,
            None,
            site.clone(),
            EngineerId::new("E-02").unwrap(),
            at,
        )
        .unwrap();
        match outcome {
            Some(o) => c.with_outcome(o).unwrap(),
            None => c,
        }
    };
    let on_site_tasks =
        |s: &Scenario| -> Vec<(String, bool, chrono::NaiveDate, chrono::NaiveDate)> {
            s.due_tasks(&cfg, s.meta().horizon)
                .into_iter()
                .filter(|t| t.site == site)
                .filter_map(|t| match t.detail {
                    TaskDetail::OnSiteCallback { due } => Some((
                        t.id.as_str().to_owned(),
                        due.overdue,
                        due.slot.window.first(),
                        due.slot.window.last(),
                    )),
                    _ => None,
                })
                .collect()
        };
    let mut plain = nanchang();
    assert!(on_site_tasks(&plain).is_empty(), "a normal customer");
    let unsolved = call(
        CompletedKind::PhoneCallback,
        d(2026, 11, 28),
        Some(CallbackOutcome::Unsolved),
    );
    let mut escalated = nanchang();
    escalated.add_completion(&unsolved).unwrap();
    assert_eq!(
        on_site_tasks(&escalated),
        vec![(
            "T-OCB-S-0001-20261205".to_owned(),
            false,
            d(2026, 11, 28),
            d(2026, 12, 5)
        )]
    );
    let task = escalated
        .due_tasks(&cfg, escalated.meta().horizon)
        .into_iter()
        .find(|t| t.id.as_str() == "T-OCB-S-0001-20261205")
        .unwrap();
    assert_eq!(task.kind(), TaskKind::OnSiteCallback);
    escalated
        .add_completion(&call(CompletedKind::OnSiteCallback, d(2026, 11, 29), None))
        .unwrap();
    assert!(on_site_tasks(&escalated).is_empty(), "done on 11-29");
    let solved = call(
        CompletedKind::PhoneCallback,
        d(2026, 11, 28),
        Some(CallbackOutcome::Solved),
    );
    plain.add_completion(&solved).unwrap();
    assert!(on_site_tasks(&plain).is_empty(), "solved on the phone");
    // Only a phone callback is recorded unsolved.
    let wrong = call(CompletedKind::OnSiteCallback, d(2026, 11, 28), None)
        .with_outcome(CallbackOutcome::Unsolved)
        .unwrap_err();
    assert_eq!(wrong.field, "outcome");
}
