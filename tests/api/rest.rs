//! Rest carried over midnight through the service: Tuesday's plan is published on Monday
//! evening; a level-1 fault at 23:00 calls an on-call engineer out until after midnight;
//! with ten hours of rest after a night call-out (a configuration of this test), Tuesday's
//! plan is published again ("rest after call-out"), carries the call-out, starts her shift
//! after the rest and keeps every visit with its engineer.

use crate::support::{TestApp, repo, spawn_app_in};
use fieldplan::api::Settings;
use fieldplan::api::planning::DayPlanner;
use fieldplan::domain::ids::EngineerId;
use fieldplan::plan::{Plan, check, check_after};
use fieldplan::store::Role;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const MONDAY: &str = "2026-11-30";
const TUESDAY: &str = "2026-12-01";

/// A copy of `config/` whose `oncall.toml` rests ten hours after a night call-out.
fn config_resting_ten_hours() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fieldplan-rest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(repo("config")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let oncall = dir.join("oncall.toml");
    let text = std::fs::read_to_string(&oncall).unwrap();
    assert!(text.contains("rest = \"4h\""));
    std::fs::write(&oncall, text.replace("rest = \"4h\"", "rest = \"10h\"")).unwrap();
    dir
}

/// An engineer on call on Monday with a route on Tuesday's plan, and a device of one of her
/// families at a site of her home service point's district.
fn engineer_and_device(tuesday: &Plan) -> (String, String, String) {
    let read = |f: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(repo(&format!("data/nanchang/{f}"))).unwrap())
            .unwrap()
    };
    let (engineers, points, sites, devices) = (
        read("engineers.json"),
        read("service_points.json"),
        read("sites.json"),
        read("devices.json"),
    );
    let district_of = |sp: &Value| {
        points
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == *sp)
            .map(|p| p["district"].clone())
            .unwrap()
    };
    for e in engineers.as_array().unwrap() {
        let on_call = e["onCall"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d == MONDAY));
        let id = EngineerId::new(e["id"].as_str().unwrap()).unwrap();
        if !on_call || tuesday.route(&id).is_none() {
            continue;
        }
        let district = district_of(&e["home"]);
        let family = &e["skills"][0];
        let device = devices.as_array().unwrap().iter().find(|d| {
            d["family"] == *family
                && sites
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["id"] == d["site"] && s["district"] == district)
        });
        if let Some(d) = device {
            let id = |v: &Value| v.as_str().unwrap().to_owned();
            return (id(&e["id"]), id(&d["id"]), id(&d["site"]));
        }
    }
    panic!("nobody on call on {MONDAY} works on {TUESDAY}");
}

async fn plan_of(app: &TestApp, date: &str) -> (Value, Plan) {
    let v = app
        .get(&format!("/v1/plans/{date}"), Role::Viewer)
        .await
        .json();
    let plan = serde_json::from_value(v["plan"].clone()).unwrap();
    (v, plan)
}

/// Plans and publishes Tuesday (`POST /v1/plans`); returns the plan.
async fn plan_tuesday(app: &TestApp) -> Plan {
    let r = app
        .post(
            "/v1/plans",
            Role::Planner,
            json!({"date": TUESDAY, "timeLimitMs": 300, "seed": 7}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    plan_of(app, TUESDAY).await.1
}

/// The engineer of each lead visit.
fn leads(plan: &Plan) -> BTreeMap<String, String> {
    plan.routes
        .iter()
        .flat_map(|r| {
            r.stops
                .iter()
                .filter(|s| !s.is_pickup() && s.member == 0)
                .map(|s| (s.task.task.to_string(), r.engineer.to_string()))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_night_call_out_past_midnight_republishes_the_next_day_after_the_rest() {
    let config = config_resting_ten_hours();
    let app = spawn_app_in(Arc::new(DayPlanner), Settings::default(), &config);
    app.set_now(&format!("{MONDAY}T20:00:00+08:00"));
    let before = plan_tuesday(&app).await;
    assert!(before.carried_call_outs.is_empty());
    let (engineer, device, site) = engineer_and_device(&before);

    let mut events = app.state.subscribe();
    app.set_now(&format!("{MONDAY}T23:00:00+08:00"));
    let body = json!({"siteId": site, "deviceId": device, "level": 1,
                      "reportedAt": format!("{MONDAY}T23:00:00+08:00")});
    let r = app.post("/v1/faults", Role::Dispatcher, body).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    assert_eq!(r.json()["engineerId"], engineer.as_str(), "{}", r.json());
    let (_, monday) = plan_of(&app, MONDAY).await;
    let call = monday
        .routes
        .iter()
        .find(|r| r.is_call_out() && r.engineer.as_str() == engineer)
        .expect("her call-out");
    assert!(call.return_at.date() > monday.date, "{call:?}");

    // Tuesday is published again, off the fault's path.
    let again = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let p = events.recv().await.unwrap();
            if p.date.to_string() == TUESDAY {
                return p;
            }
        }
    })
    .await
    .expect("Tuesday published again");
    assert_eq!(again.reason, "rest after call-out");
    let (v, after) = plan_of(&app, TUESDAY).await;
    assert_eq!(v["version"], 2);
    let world = app.state.world();
    let ctx = world.context();
    assert!(check(&after, ctx).is_empty(), "{:#?}", check(&after, ctx));
    assert!(check_after(&monday, &after, ctx).is_empty());
    assert_eq!(after.carried_call_outs, vec![call.call_out_trip().unwrap()]);
    let shift = after
        .routes
        .iter()
        .find(|r| r.engineer.as_str() == engineer && !r.is_call_out())
        .expect("her Tuesday shift");
    let rest_end = call.return_at.timestamp() + 10 * 3600;
    assert!(shift.stops.is_empty() || shift.departure.timestamp() >= rest_end);
    // Before, she left at the start of her shift, before the rest's end.
    let old = before.route(&shift.engineer).unwrap();
    assert!(old.departure.timestamp() < rest_end);
    // Everyone else keeps her visits; hers stay hers, or are left out for the dispatcher.
    let now = leads(&after);
    for (task, e) in leads(&before) {
        if e == engineer && !now.contains_key(&task) {
            assert!(
                after
                    .unassigned
                    .iter()
                    .any(|u| u.task.task.as_str() == task)
            );
        } else {
            assert_eq!(now.get(&task), Some(&e), "{task} left {e}");
        }
    }
    // And the next plan of Tuesday made from scratch carries it too.
    app.set_now(&format!("{TUESDAY}T06:00:00+08:00"));
    let fresh = plan_tuesday(&app).await;
    assert_eq!(fresh.carried_call_outs, after.carried_call_outs);
    assert!(check_after(&monday, &fresh, ctx).is_empty());
}
