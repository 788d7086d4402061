//! Shared helpers: the Nanchang context (built once), a small hand-built scenario, requests.

use chrono::{NaiveDate, NaiveTime};
use fieldplan::domain::DomainConfig;
use fieldplan::domain::instant::Instant;
use fieldplan::plan::{Plan, PlanRequest, PlanningContext, check};
use fieldplan::scenario::{Scenario, ScenarioParts, load_config};
use serde_json::json;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> Instant {
    Instant::local(d(y, m, day), NaiveTime::from_hms_opt(h, min, 0).unwrap()).unwrap()
}

/// The plan date of the tests: Monday 30 November 2026, the scenario's reference date.
pub fn monday() -> NaiveDate {
    d(2026, 11, 30)
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn config() -> DomainConfig {
    load_config(repo().join("config")).unwrap()
}

/// The Nanchang context, built once per test binary.
pub fn nanchang() -> &'static PlanningContext {
    static CTX: OnceLock<PlanningContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let scenario = Scenario::load(repo().join("data/nanchang")).unwrap();
        PlanningContext::geodesic(scenario, config()).unwrap()
    })
}

/// A request on a small fixed work budget: deterministic and quick.
pub fn request(date: NaiveDate, seed: u64) -> PlanRequest {
    PlanRequest {
        date,
        time_limit: Duration::from_secs(10),
        seed,
        threads: 1,
        max_work: Some(3_000_000),
    }
}

/// The Nanchang day plan of the tests (seed 2, fixed budget), made once.
pub fn nanchang_plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let inputs = fieldplan::plan::DayInputs::default();
        fieldplan::plan::plan_day(nanchang(), &request(monday(), 2), &inputs).unwrap()
    })
}

/// Asserts the checker finds nothing.
pub fn assert_valid(plan: &Plan, ctx: &PlanningContext) {
    let v = check(plan, ctx);
    assert!(v.is_empty(), "checker: {v:#?}");
}

/// One engineer (E-01, DR only, 08:30-17:30 Monday to Friday, 2 h overtime a week) at the
/// Donghu service point; site S-0001 (about 2.4 km away, closed 12:00-14:00) with DR devices
/// D-0001, D-0003, D-0004; site S-0002 (about 3.6 km away, open 08:30-17:30) with a
/// biochemistry analyser D-0002 and a DR D-0005. Everything was inspected and called back on
/// 29 November, so nothing of the cadence is due on the 30th: tests add their own tasks.
pub fn small_context() -> PlanningContext {
    small(false, &[], 0, None)
}

/// [`parts_context`] plus a customer-service colleague, E-C01 (08:30-17:30 weekdays), based
/// at `home` (`SP-DH` or `SP-XH`), and `crowd` more DR engineers as [`crowd_context`].
pub fn team_context(home: &str, crowd: usize) -> PlanningContext {
    small(true, &[], crowd, Some(home))
}

/// [`small_context`] with E-01 on call from Saturday 28 November to Sunday 6 December.
pub fn on_call_context() -> PlanningContext {
    small(false, &on_call_week(), 0, None)
}

/// The dates of [`on_call_context`]'s rota: Saturday 28 November to Sunday 6 December.
fn on_call_week() -> Vec<NaiveDate> {
    (28..=36)
        .map(|n| d(2026, 11, 1) + chrono::Days::new(n - 1))
        .collect()
}

/// [`on_call_context`] with `rest` after a night call-out instead of the configured one.
pub fn on_call_context_resting(rest: fieldplan::domain::duration::Minutes) -> PlanningContext {
    let ctx = on_call_context();
    let mut config = config();
    config.on_call.rest = rest;
    PlanningContext::geodesic(ctx.scenario().clone(), config).unwrap()
}

/// [`small_context`] plus a Xihu service point SP-XH (south-west, about 2.4 km from S-0002)
/// with engineer E-02 (biochemistry only, 08:30-17:30 weekdays): spare parts can come from
/// a service point other than E-01's home.
pub fn parts_context() -> PlanningContext {
    small(true, &[], 0, None)
}

/// [`small_context`] plus `n` more DR engineers at SP-DH, E-101 on (08:30-17:30 weekdays, no
/// overtime), and one DR device each at S-0002, D-1001 on (inspected on 29 November).
pub fn crowd_context(n: usize) -> PlanningContext {
    small(false, &[], n, None)
}

fn small(
    xihu: bool,
    on_call: &[NaiveDate],
    crowd: usize,
    colleague: Option<&str>,
) -> PlanningContext {
    let meta = json!({
        "name": "small", "description": "hand-built", "synthetic": true, "seed": 0,
        "referenceInstant": "2026-11-30T08:00:00+08:00",
        "horizon": {"from": "2026-11-30", "to": "2026-12-06"},
        "historyFrom": "2025-01-01"
    });
    let name = |zh: &str, en: &str| json!({"zh": zh, "en": en});
    let mut districts = json!([{
        "code": "DH", "name": name("东湖区", "Donghu District"), "kind": "district",
        "areaType": "urban", "seat": name("东湖区政府", "Donghu seat"),
        "seatLocation": {"lat": 28.684, "lon": 115.899}
    }]);
    let mut service_points = json!([{
        "id": "SP-DH", "name": name("东湖区服务站", "Donghu Service Point"), "district": "DH",
        "address": name("八一大道31号", "31 Bayi Avenue"), "location": {"lat": 28.684, "lon": 115.899},
        "areaType": "urban"
    }]);
    if xihu {
        districts.as_array_mut().unwrap().push(json!({
            "code": "XH", "name": name("西湖区", "Xihu District"), "kind": "district",
            "areaType": "urban", "seat": name("西湖区政府", "Xihu seat"),
            "seatLocation": {"lat": 28.660, "lon": 115.850}
        }));
        service_points.as_array_mut().unwrap().push(json!({
            "id": "SP-XH", "name": name("西湖区服务站", "Xihu Service Point"), "district": "XH",
            "address": name("孺子路1号", "1 Ruzi Road"), "location": {"lat": 28.660, "lon": 115.850},
            "areaType": "urban"
        }));
    }
    let weekdays = |w: serde_json::Value| json!({"mon": w.clone(), "tue": w.clone(), "wed": w.clone(), "thu": w.clone(), "fri": w});
    let sites = json!([
        {
            "id": "S-0001", "name": name("一号医院", "Hospital One"), "address": name("一路1号", "1 First Road"),
            "district": "DH", "location": {"lat": 28.700, "lon": 115.912}, "areaType": "urban",
            "tier": "normal", "opening": weekdays(json!(["08:00-12:00", "14:00-17:30"])),
            "closedOnPublicHolidays": true
        },
        {
            "id": "S-0002", "name": name("二号诊所", "Clinic Two"), "address": name("二路2号", "2 Second Road"),
            "district": "DH", "location": {"lat": 28.660, "lon": 115.875}, "areaType": "urban",
            "tier": "normal", "opening": weekdays(json!(["08:30-17:30"])),
            "closedOnPublicHolidays": true
        }
    ]);
    let device = |id: &str, site: &str, family: &str| {
        json!({
            "id": id, "site": site, "family": family, "model": "M-1", "serial": format!("SN{id}"),
            "installed": "2026-06-10", "accepted": "2026-06-15", "warrantyEnd": "2027-06-09"
        })
    };
    let mut device_ids: Vec<String> = ["D-0001", "D-0002", "D-0003", "D-0004", "D-0005"]
        .map(String::from)
        .to_vec();
    let mut devices = json!([
        device("D-0001", "S-0001", "dr"),
        device("D-0002", "S-0002", "biochemistryAnalyser"),
        device("D-0003", "S-0001", "dr"),
        device("D-0004", "S-0001", "dr"),
        device("D-0005", "S-0002", "dr"),
    ]);
    let mut engineers = json!([{
        "id": "E-01", "name": name("付伟", "Fu Wei"), "home": "SP-DH", "skills": ["dr"],
        "shifts": weekdays(json!("08:30-17:30")), "overtimePerWeek": "2h",
        "onCall": on_call
    }]);
    if xihu {
        engineers.as_array_mut().unwrap().push(json!({
            "id": "E-02", "name": name("王芳", "Wang Fang"), "home": "SP-XH",
            "skills": ["biochemistryAnalyser"],
            "shifts": weekdays(json!("08:30-17:30")), "overtimePerWeek": "2h"
        }));
    }
    if let Some(home) = colleague {
        engineers.as_array_mut().unwrap().push(json!({
            "id": "E-C01", "name": name("龚婷", "Gong Ting"), "role": "customerService",
            "home": home, "shifts": weekdays(json!("08:30-17:30")), "overtimePerWeek": "2h"
        }));
    }
    for i in 1..=crowd {
        let id = format!("D-{}", 1000 + i);
        devices
            .as_array_mut()
            .unwrap()
            .push(device(&id, "S-0002", "dr"));
        device_ids.push(id);
        engineers.as_array_mut().unwrap().push(json!({
            "id": format!("E-{}", 100 + i), "name": name("工程师", &format!("Engineer {i}")),
            "home": "SP-DH", "skills": ["dr"],
            "shifts": weekdays(json!("08:30-17:30")), "overtimePerWeek": "0m"
        }));
    }
    let inspections: Vec<_> = device_ids
        .iter()
        .map(|dv| json!({"device": dv, "date": "2026-11-29", "engineer": "E-01"}))
        .collect();
    let callbacks: Vec<_> = ["S-0001", "S-0002"]
        .iter()
        .flat_map(|s| {
            ["phone", "onSite"]
                .map(|k| json!({"site": s, "kind": k, "date": "2026-11-29", "engineer": "E-01"}))
        })
        .collect();
    let parts = ScenarioParts {
        meta: Some(serde_json::from_value(meta).unwrap()),
        districts: serde_json::from_value(districts).unwrap(),
        service_points: serde_json::from_value(service_points).unwrap(),
        sites: serde_json::from_value(sites).unwrap(),
        devices: serde_json::from_value(devices).unwrap(),
        engineers: serde_json::from_value(engineers).unwrap(),
        inspections: serde_json::from_value(json!(inspections)).unwrap(),
        callbacks: serde_json::from_value(json!(callbacks)).unwrap(),
        faults: Vec::new(),
        fault_model: Default::default(),
        installations: Vec::new(),
    };
    let scenario = Scenario::new(parts).unwrap();
    PlanningContext::geodesic(scenario, config()).unwrap()
}

/// An inspection task of a device of the small scenario, due on the plan date.
pub fn inspection(device: &str, site: &str, dr: bool) -> fieldplan::domain::task::Task {
    use fieldplan::domain::cadence::DueSlot;
    let due: DueSlot = serde_json::from_value(json!({
        "slot": {"due": "2026-12-02", "window": {"from": "2026-11-27", "to": "2026-12-07"}, "month": 6},
        "overdue": false
    }))
    .unwrap();
    let family = if dr { "dr" } else { "biochemistryAnalyser" };
    let detail = serde_json::from_value(json!({
        "kind": "inspection", "device": device, "family": family, "due": due
    }))
    .unwrap();
    fieldplan::domain::task::Task::new(
        fieldplan::domain::ids::TaskId::new(format!("T-INSP-{device}")).unwrap(),
        fieldplan::domain::ids::SiteId::new(site).unwrap(),
        detail,
        &config().durations,
    )
}

/// A spare-part delivery `id` for the DR D-0001 at S-0001, its part (`part`, if named) fetched
/// at `pickup`, due tomorrow (so optional today).
pub fn part_delivery(id: &str, pickup: &str, part: Option<&str>) -> fieldplan::domain::task::Task {
    let mut detail = json!({
        "kind": "sparePartDelivery", "device": "D-0001", "family": "dr", "pickup": pickup,
        "deadline": "2026-12-01T18:00:00+08:00"
    });
    if let Some(part) = part {
        detail["partNumber"] = json!(part);
    }
    fieldplan::domain::task::Task::new(
        fieldplan::domain::ids::TaskId::new(id).unwrap(),
        fieldplan::domain::ids::SiteId::new("S-0001").unwrap(),
        serde_json::from_value(detail).unwrap(),
        &config().durations,
    )
}

/// A task of the small scenario from its JSON detail (`{"kind": ..., ...}`).
pub fn task(id: &str, site: &str, detail: serde_json::Value) -> fieldplan::domain::task::Task {
    fieldplan::domain::task::Task::new(
        fieldplan::domain::ids::TaskId::new(id).unwrap(),
        fieldplan::domain::ids::SiteId::new(site).unwrap(),
        serde_json::from_value(detail).unwrap(),
        &config().durations,
    )
}
