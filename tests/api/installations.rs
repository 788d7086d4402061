//! `POST /v1/installations`, `GET /v1/installations[/{id}]`: a project's devices and steps,
//! the day plan taking up its first phase (through the checker), an engineer's `done`
//! completing it, and problem documents for bad input.

use crate::support::{DAY, assert_problem, at, spawn_app};
use fieldplan::store::Role;
use serde_json::{Value, json};

fn body() -> Value {
    json!({
        "siteId": "S-0001",
        "devices": [
            {"family": "dr", "model": "GX-DR 560"},
            {"family": "biochemistryAnalyser", "model": "BA-800", "serial": "BA8000123"}
        ],
        "start": DAY
    })
}

/// The route (engineer) and stop of `task` in a plan envelope, if routed.
fn routed(plan: &Value, task: &str) -> Option<(String, Value)> {
    plan["plan"]["routes"].as_array()?.iter().find_map(|r| {
        let s = r["stops"].as_array()?.iter().find(|s| s["task"] == task)?;
        Some((r["engineer"].as_str()?.to_owned(), s.clone()))
    })
}

#[tokio::test]
async fn a_project_is_created_planned_and_its_first_phase_done() {
    let app = spawn_app();
    let r = app
        .post("/v1/installations", Role::Dispatcher, body())
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let p = r.json();
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.header("location"),
        Some(format!("/v1/installations/{id}").as_str())
    );
    assert_eq!(p["status"], "open");
    let devices = p["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 2);
    assert!(
        devices
            .iter()
            .all(|d| d["accepted"].is_null() && d["installed"] == DAY)
    );
    assert_eq!(devices[1]["serial"], "BA8000123");
    // A DR: 1 + 2 (hardware in two day parts) + 1 + 1 + 1 + report; an analyser: 6.
    let steps = p["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 13);
    let dr = devices[0]["id"].as_str().unwrap().to_owned();
    let unbox = format!("T-INS-{dr}-UNBOX-1");
    assert_eq!(steps[0]["taskId"], unbox.as_str());
    assert_eq!(steps[0]["status"], "ready");
    assert_eq!(steps[0]["readyFrom"], DAY);
    assert_eq!(steps[1]["status"], "waiting");
    assert_eq!(steps[1]["after"], unbox.as_str());
    // The devices are stored, installed and not accepted.
    let stored = app.get(&format!("/v1/devices/{dr}"), Role::Viewer).await;
    assert_eq!(stored.status, 200);
    assert!(stored.json().get("accepted").is_none());
    let list = app.get("/v1/installations", Role::Viewer).await.json();
    assert_eq!(list["items"][0]["id"], id.as_str());

    // Today's plan takes the unboxing check up (checked by the independent checker).
    let plan = app.publish_plan().await;
    let (engineer, stop) = routed(&plan, &unbox).expect("the unboxing check is planned");
    assert_eq!(stop["site"], "S-0001");
    let hw = format!("T-INS-{dr}-HW-1");
    assert!(routed(&plan, &hw).is_none());
    app.set_now(&at("17:00"));
    let uri = format!("/v1/engineers/{engineer}/events");
    let done = json!({"kind": "done", "at": at("16:00"), "taskId": unbox});
    let r = app.post(&uri, Role::Dispatcher, done.clone()).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let again = app.post(&uri, Role::Dispatcher, done).await;
    assert_problem(&again, 422);

    let p = app
        .get(&format!("/v1/installations/{id}"), Role::Viewer)
        .await
        .json();
    assert_eq!(p["steps"][0]["status"], "done");
    assert_eq!(p["steps"][0]["doneBy"], engineer.as_str());
    assert_eq!(p["steps"][0]["doneAt"], at("16:00"));
    assert_eq!(p["steps"][1]["status"], "ready");
    assert_eq!(p["steps"][1]["readyFrom"], "2026-12-01");

    // The next day's plan carries the hardware installation, not the unboxing again.
    let r = app.plan_next_day().await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let next = r.json();
    app.check_plan(&next["plan"]);
    let text = next["plan"].to_string();
    assert!(
        text.contains(&hw),
        "the hardware installation is planned or listed"
    );
    assert!(!text.contains(&unbox));
}

#[tokio::test]
async fn bad_installations_are_refused_with_problem_documents() {
    let app = spawn_app();
    let with = |k: &str, v: Value| {
        let mut b = body();
        b[k] = v;
        b
    };
    for (b, field) in [
        (with("siteId", json!("S-9999")), "siteId"),
        (with("devices", json!([])), "devices"),
        (with("start", json!("2026-11-20")), "start"),
    ] {
        let r = app.post("/v1/installations", Role::Planner, b).await;
        assert_problem(&r, 422);
        assert_eq!(r.error_fields(), [field]);
    }
    let r = app
        .post(
            "/v1/installations",
            Role::Dispatcher,
            with("devices", json!([{"family": "ct", "model": "X"}])),
        )
        .await;
    assert_problem(&r, 422);
    let fields = r.error_fields();
    assert!(
        fields.len() == 1 && fields[0].starts_with("devices") && fields[0].ends_with("family"),
        "{fields:?}"
    );
    // Every problem at once.
    let r = app
        .post(
            "/v1/installations",
            Role::Dispatcher,
            json!({"siteId": "S-9999", "devices": [], "start": "2026-11-01", "extra": 1}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["devices", "extra", "siteId", "start"]);
    // Roles: viewers and engineers may not create one; nothing was stored.
    for role in [Role::Viewer, Role::Engineer, Role::Manager] {
        assert_problem(&app.post("/v1/installations", role, body()).await, 403);
    }
    let list = app.get("/v1/installations", Role::Viewer).await.json();
    assert_eq!(list["items"], json!([]));
    assert_problem(
        &app.get("/v1/installations/I-9999", Role::Viewer).await,
        404,
    );
}
