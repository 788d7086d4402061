//! Rosters through the API: built as a job, read with KPIs and as CSV, published; day plans
//! of a rostered date keep its visits on their engineers; engineers' calendar feeds.

use crate::support::{TestApp, assert_problem, spawn_app};
use fieldplan::store::Role;
use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Builds a roster over `from..=to` through `POST /v1/rosters`; its id.
pub(crate) async fn build(app: &TestApp, from: &str, to: &str, seed: u64) -> String {
    let r = app
        .post(
            "/v1/rosters",
            Role::Planner,
            json!({"from": from, "to": to, "seed": seed, "timeLimitMs": 500}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.bytes));
    let job = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.header("location"),
        Some(format!("/v1/jobs/{job}").as_str())
    );
    let mut v = Value::Null;
    for _ in 0..2400 {
        v = app
            .get(&format!("/v1/jobs/{job}"), Role::Viewer)
            .await
            .json();
        if v["status"] != "running" && v["status"] != "queued" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(v["status"], "succeeded", "{v}");
    assert_eq!(v["kind"], "roster");
    v["result"]["id"].as_str().unwrap().to_owned()
}

async fn roster(app: &TestApp, id: &str) -> Value {
    let r = app.get(&format!("/v1/rosters/{id}"), Role::Viewer).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    r.json()
}

pub(crate) async fn publish(app: &TestApp, id: &str) -> Value {
    let r = app
        .post(
            &format!("/v1/rosters/{id}/publish"),
            Role::Planner,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    r.json()
}

/// `(engineer, date, task, onSite, lateDays, window contains date)` of every visit.
fn visits(roster: &Value) -> Vec<(String, String, String, bool, u64, bool)> {
    let mut out = Vec::new();
    for d in roster["roster"]["days"].as_array().unwrap() {
        let date = d["date"].as_str().unwrap().to_owned();
        for v in d["visits"].as_array().unwrap() {
            let w = &v["window"];
            let in_window = w["from"].as_str().unwrap() <= date.as_str()
                && date.as_str() <= w["to"].as_str().unwrap();
            out.push((
                d["engineer"].as_str().unwrap().to_owned(),
                date.clone(),
                v["task"].as_str().unwrap().to_owned(),
                v["onSite"].as_bool().unwrap(),
                v["lateDays"].as_u64().unwrap(),
                in_window,
            ));
        }
    }
    out
}

fn parse(text: &str) -> IcalCalendar {
    let mut cals: Vec<IcalCalendar> =
        ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
            .collect::<Result<_, _>>()
            .expect("a valid iCalendar file");
    assert_eq!(cals.len(), 1);
    cals.remove(0)
}

fn value(e: &IcalEvent, name: &str) -> String {
    e.properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
        .unwrap_or_default()
}

async fn calendar(app: &TestApp, engineer: &str) -> IcalCalendar {
    let r = app
        .get(
            &format!("/v1/engineers/{engineer}/calendar.ics"),
            Role::Viewer,
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    assert_eq!(
        r.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    parse(&String::from_utf8(r.bytes).unwrap())
}

#[tokio::test]
async fn roster_requests_name_every_invalid_field() {
    let app = spawn_app();
    let r = app
        .post(
            "/v1/rosters",
            Role::Planner,
            json!({"from": "2026-13-01", "timeLimitMs": 0, "color": "red"}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["color", "from", "timeLimitMs", "to"]);
    let backwards = json!({"from": "2026-12-02", "to": "2026-12-01"});
    let r = app.post("/v1/rosters", Role::Planner, backwards).await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["to"]);
    let long = json!({"from": "2026-12-01", "to": "2027-03-01"});
    let r = app.post("/v1/rosters", Role::Planner, long).await;
    assert_problem(&r, 422);
    assert_eq!(r.json()["errors"][0]["code"], "out_of_range");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roster_is_built_as_a_job_and_read_with_kpis_and_as_csv() {
    let app = spawn_app();
    let id = build(&app, "2026-11-30", "2026-12-01", 1).await;
    let v = roster(&app, &id).await;
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["from"], "2026-11-30");
    assert_eq!(v["to"], "2026-12-01");
    assert_eq!(v["publications"], json!([]));
    assert!(v["kpis"]["placed"].as_u64().unwrap() > 0, "{}", v["kpis"]);
    let r = app
        .get(&format!("/v1/rosters/{id}.csv"), Role::Viewer)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(r.bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(r.bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("engineer,engineer_name,date,"), "{text}");
    assert_eq!(text.lines().count(), 1 + visits(&v).len());
    assert_problem(&app.get("/v1/rosters/R-none.csv", Role::Viewer).await, 404);
    assert_problem(
        &app.post("/v1/rosters/R-none/publish", Role::Planner, json!({}))
            .await,
        404,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_plan_of_a_rostered_date_keeps_the_visits_on_their_rostered_engineers() {
    let app = spawn_app();
    let date = "2026-12-01";
    let id = build(&app, date, date, 1).await;
    let p = publish(&app, &id).await;
    assert_eq!(p["version"], 1);
    assert_eq!(p["rosterId"], id.as_str());
    assert_eq!(roster(&app, &id).await["publications"], json!([1]));
    let pins: Vec<_> = visits(&roster(&app, &id).await)
        .into_iter()
        .filter(|v| v.3 && v.4 == 0 && v.5)
        .collect();
    assert!(!pins.is_empty());
    let r = app
        .post(
            "/v1/plans",
            Role::Planner,
            json!({"date": date, "timeLimitMs": 2000, "seed": 1}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let plan = r.json()["plan"].clone();
    app.check_plan(&plan);
    let mut on: BTreeMap<String, String> = BTreeMap::new();
    for route in plan["routes"].as_array().unwrap() {
        // Each task's lead (a companion's stop carries `member`).
        for s in route["stops"].as_array().unwrap() {
            if let (Some(t), false) = (s["task"].as_str(), s["member"].is_u64()) {
                on.insert(t.to_owned(), route["engineer"].as_str().unwrap().to_owned());
            }
        }
    }
    for (engineer, _, task, ..) in &pins {
        assert_eq!(on.get(task), Some(engineer), "{task}: {}", plan["warnings"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendars_keep_uids_raise_sequence_and_cancel_what_a_republication_removes() {
    let app = spawn_app();
    assert_problem(
        &app.get("/v1/engineers/E-none/calendar.ics", Role::Viewer)
            .await,
        404,
    );
    let a = build(&app, "2026-11-30", "2026-12-02", 1).await;
    let ra = roster(&app, &a).await;
    let engineer = visits(&ra)[0].0.clone();
    // Known engineer, nothing published yet.
    assert_problem(
        &app.get(
            &format!("/v1/engineers/{engineer}/calendar.ics"),
            Role::Viewer,
        )
        .await,
        404,
    );
    assert_eq!(publish(&app, &a).await["version"], 1);
    let b = build(&app, "2026-12-01", "2026-12-02", 2).await;
    let rb = roster(&app, &b).await;

    // The published state before and after B: per engineer, task -> date.
    let before: Vec<_> = visits(&ra);
    let mut after: Vec<_> = visits(&rb);
    let in_b: BTreeSet<String> = after.iter().map(|v| v.2.clone()).collect();
    after.extend(
        before
            .iter()
            .filter(|v| v.1.as_str() < "2026-12-01" && !in_b.contains(&v.2))
            .cloned(),
    );
    let tasks_of =
        |vs: &[(String, String, String, bool, u64, bool)], e: &str| -> BTreeSet<String> {
            vs.iter()
                .filter(|v| v.0 == e)
                .map(|v| v.2.clone())
                .collect()
        };
    // An engineer losing visits to the republication, keeping as many as possible.
    let engineers: BTreeSet<String> = before.iter().map(|v| v.0.clone()).collect();
    let (some_lost, kept, engineer) = engineers
        .iter()
        .map(|e| {
            let (b, a) = (tasks_of(&before, e), tasks_of(&after, e));
            (
                b.difference(&a).count() > 0,
                b.intersection(&a).count(),
                e.clone(),
            )
        })
        .max()
        .unwrap();
    assert!(some_lost, "the republication moves nothing");

    let first = calendar(&app, &engineer).await;
    let uids1: BTreeSet<String> = first.events.iter().map(|e| value(e, "UID")).collect();
    let expected: BTreeSet<String> = tasks_of(&before, &engineer)
        .iter()
        .map(|t| format!("task-{t}@fieldplan"))
        .collect();
    assert_eq!(uids1, expected);
    for e in &first.events {
        assert_eq!(value(e, "SEQUENCE"), "0");
        assert_eq!(value(e, "STATUS"), "CONFIRMED");
    }

    assert_eq!(publish(&app, &b).await["version"], 2);
    let second = calendar(&app, &engineer).await;
    let mut confirmed = BTreeSet::new();
    let mut cancelled = BTreeSet::new();
    for e in &second.events {
        assert_eq!(value(e, "SEQUENCE"), "1");
        match value(e, "STATUS").as_str() {
            "CONFIRMED" => confirmed.insert(value(e, "UID")),
            "CANCELLED" => cancelled.insert(value(e, "UID")),
            s => panic!("status {s}"),
        };
    }
    let uid = |t: &String| format!("task-{t}@fieldplan");
    let now: BTreeSet<String> = tasks_of(&after, &engineer).iter().map(uid).collect();
    let gone: BTreeSet<String> = tasks_of(&before, &engineer)
        .difference(&tasks_of(&after, &engineer))
        .map(uid)
        .collect();
    assert_eq!(confirmed, now);
    assert_eq!(cancelled, gone);
    // Kept visits keep their UIDs.
    assert_eq!(uids1.intersection(&confirmed).count(), kept);
}
