//! The service's clock bounds what a client may report or plan, and inputs that once broke a
//! whole day (reported positions, far-off instants) leave it working.

use crate::support::{DAY, assert_problem, spawn_app};
use fieldplan::store::Role;
use serde_json::{Value, json};

fn fault_at(reported_at: &str) -> Value {
    json!({"siteId": "S-0001", "deviceId": "D-0001", "level": 1, "reportedAt": reported_at})
}

/// The `code` of the problem's error on `field`.
fn code_of(p: &Value, field: &str) -> String {
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == field)
        .unwrap_or_else(|| panic!("no error on {field}: {p}"))["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_second_fault_of_a_day_that_has_ended_is_planned_on_today() {
    // Regression: the second fault of 2026-11-30 reported after that day answered 500
    // ("distances: has no location"): nobody could work any more and the re-plan built an
    // empty problem.
    // At 23:25 an engineer called now could still leave before midnight: today's plan (at
    // 23:30 and later, tomorrow's plan serves a fault).
    let app = spawn_app();
    app.set_now("2026-11-30T23:25:00+08:00");
    let first = app
        .post(
            "/v1/faults",
            Role::Dispatcher,
            fault_at("2026-11-30T23:10:00+08:00"),
        )
        .await;
    assert_eq!(
        first.status,
        201,
        "{}",
        String::from_utf8_lossy(&first.bytes)
    );
    let second = app
        .post(
            "/v1/faults",
            Role::Dispatcher,
            fault_at("2026-11-30T23:20:00+08:00"),
        )
        .await;
    assert_eq!(
        second.status,
        201,
        "{}",
        String::from_utf8_lossy(&second.bytes)
    );
    assert_eq!(second.json()["plan"]["version"], 2);
    // Nobody is on shift at 23:25, and nobody on call for a biochemistry analyser: the
    // fault waits, unassigned with its reason.
    let plan = app
        .get(&format!("/v1/plans/{DAY}"), Role::Viewer)
        .await
        .json();
    app.check_plan(&plan["plan"]);
    let id = second.json()["faultId"].as_str().unwrap().to_owned();
    let waiting = plan["plan"]["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["task"].as_str().unwrap().ends_with(&id));
    assert!(waiting, "{}", plan["plan"]["unassigned"]);
    let rec = app
        .get(&format!("/v1/faults/{id}/recommendations"), Role::Viewer)
        .await;
    assert_eq!(rec.status, 200, "{}", String::from_utf8_lossy(&rec.bytes));

    // The next morning the same fault is served from the new day's plan, not the old one.
    app.set_now("2026-12-01T00:10:00+08:00");
    let third = app
        .post(
            "/v1/faults",
            Role::Dispatcher,
            fault_at("2026-11-30T23:50:00+08:00"),
        )
        .await;
    assert_eq!(
        third.status,
        201,
        "{}",
        String::from_utf8_lossy(&third.bytes)
    );
    assert_eq!(third.json()["plan"]["date"], "2026-12-01");
}

#[tokio::test]
async fn reported_positions_leave_fault_reporting_working() {
    // Regression: positions of several engineers made every later fault of the day panic
    // (a reported position lacked the travel to other engineers' start points).
    let app = spawn_app();
    app.publish_plan().await;
    for e in ["E-02", "E-10", "E-20", "E-25", "E-30"] {
        let r = app
            .post(
                &format!("/v1/engineers/{e}/events"),
                Role::Dispatcher,
                json!({"kind": "position", "at": "2026-11-30T09:10:00+08:00",
                       "position": {"lat": 28.70, "lon": 115.85}}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    }
    for minute in [15, 16] {
        let r = app
            .post(
                "/v1/faults",
                Role::Dispatcher,
                fault_at(&format!("2026-11-30T09:{minute}:00+08:00")),
            )
            .await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
        assert!(r.json()["plan"]["version"].is_u64(), "{}", r.json());
        let id = r.json()["faultId"].as_str().unwrap().to_owned();
        let rec = app
            .get(&format!("/v1/faults/{id}/recommendations"), Role::Viewer)
            .await;
        assert_eq!(rec.status, 200, "{}", String::from_utf8_lossy(&rec.bytes));
    }
    let plan = app
        .get(&format!("/v1/plans/{DAY}"), Role::Viewer)
        .await
        .json();
    app.check_plan(&plan["plan"]);
}

#[tokio::test]
async fn instants_far_off_or_ahead_of_the_clock_are_refused_and_not_stored() {
    let app = spawn_app();
    for (at, why) in [
        ("9999-12-31T23:59:59+08:00", "invalid"),
        ("0001-01-01T00:00:00+08:00", "invalid"),
        ("2100-01-01T00:00:00+08:00", "out_of_range"),
        ("2026-11-30T09:21:00+08:00", "out_of_range"),
        ("2026-11-22T09:00:00+08:00", "out_of_range"),
        ("2026-11-30T09:15:60+08:00", "invalid"),
    ] {
        let r = app.post("/v1/faults", Role::Dispatcher, fault_at(at)).await;
        assert_problem(&r, 422);
        assert_eq!(r.error_fields(), ["reportedAt"], "{at}");
        assert_eq!(code_of(&r.json(), "reportedAt"), why, "{at}");
    }
    // Nothing was stored: the first valid fault gets the first free id.
    let r = app
        .post(
            "/v1/faults",
            Role::Dispatcher,
            fault_at("2026-11-30T09:15:00+08:00"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let first = r.json()["faultId"].as_str().unwrap().to_owned();
    let f = app.get(&format!("/v1/faults/{first}"), Role::Viewer).await;
    assert_eq!(f.json()["fault"]["reported"], "2026-11-30T09:15:00+08:00");

    // Progress reports are bounded the same way.
    let r = app
        .post(
            "/v1/engineers/E-02/events",
            Role::Dispatcher,
            json!({"kind": "position", "at": "2026-12-01T09:10:00+08:00",
                   "position": {"lat": 28.70, "lon": 115.85}}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["at"]);
}

#[tokio::test]
async fn days_that_have_ended_or_lie_far_ahead_cannot_be_planned() {
    let app = spawn_app();
    for (body, path, field) in [
        (json!({"date": "2026-11-29"}), "/v1/plans", "date"),
        (json!({"date": "2099-01-01"}), "/v1/plans", "date"),
        (json!({"date": "+10000-01-01"}), "/v1/plans", "date"),
        (
            json!({"from": "2026-11-01", "to": "2026-11-07"}),
            "/v1/rosters",
            "from",
        ),
    ] {
        let r = app.post(path, Role::Planner, body.clone()).await;
        assert_problem(&r, 422);
        assert_eq!(r.error_fields(), [field], "{body}");
    }
    let r = app
        .post("/v1/plans", Role::Planner, json!({"date": "2026-11-29"}))
        .await;
    let detail = r.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(detail.contains("has ended"), "{detail}");
}
