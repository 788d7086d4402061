//! Day after day through the API: faults handled until closed (the handling rules and the
//! SLA milestones at the clock's now), work reported done that counts the next day, repair
//! visits that resolve their fault, and the reports over what happened.

use crate::support::{DAY, assert_problem, at, spawn_app};
use fieldplan::store::Role;
use serde_json::{Value, json};

fn level1(reported: &str) -> Value {
    json!({"siteId": "S-0001", "deviceId": "D-0001", "level": 1,
           "reportedAt": at(reported)})
}

/// The milestone `name` of a fault view.
fn milestone<'a>(fault: &'a Value, name: &str) -> &'a Value {
    fault["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["milestone"] == name)
        .unwrap_or_else(|| panic!("no milestone {name} in {fault}"))
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fault"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
// One story from report to closure, step by step: split, it would no longer read as one.
#[allow(clippy::too_many_lines)]
async fn a_fault_is_handled_until_closed_by_the_rules() {
    let app = spawn_app();
    let r = app
        .post("/v1/faults", Role::Dispatcher, level1("09:15"))
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let id = r.json()["faultId"].as_str().unwrap().to_owned();
    let events = format!("/v1/faults/{id}/events");
    let open = app.get("/v1/faults?status=open", Role::Viewer).await.json();
    assert!(ids(&open).contains(&id));

    // Rules, each refusal naming its field.
    let r = app
        .post(
            &events,
            Role::Dispatcher,
            json!({"kind": "closed", "at": at("09:18")}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["kind"]);
    assert!(
        r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not resolved")
    );
    let r = app
        .post(
            &events,
            Role::Dispatcher,
            json!({"kind": "responded", "at": at("09:10")}),
        )
        .await;
    assert_eq!(r.error_fields(), ["at"]);
    let r = app
        .post(
            &events,
            Role::Dispatcher,
            json!({"kind": "responded", "at": at("09:30")}),
        )
        .await;
    assert_eq!(r.error_fields(), ["at"]);
    let r = app
        .post(
            &events,
            Role::Dispatcher,
            json!({"kind": "partRequested", "at": at("09:19")}),
        )
        .await;
    assert_eq!(r.error_fields(), ["partNumber"]);
    let r = app
        .post(
            &events,
            Role::Viewer,
            json!({"kind": "responded", "at": at("09:19")}),
        )
        .await;
    assert_problem(&r, 403);
    let r = app
        .post(
            "/v1/faults/F-9999/events",
            Role::Dispatcher,
            json!({"kind": "responded", "at": at("09:19")}),
        )
        .await;
    assert_problem(&r, 404);

    // Responded in time: met. The level-1 respond target is 1 h.
    app.set_now(&at("10:00"));
    let r = app
        .post(
            &events,
            Role::Dispatcher,
            json!({"kind": "responded", "at": at("09:40")}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let respond = milestone(&r.json(), "respond").clone();
    assert_eq!(respond["status"], "met");
    assert_eq!(respond["deadline"], at("10:15"));
    assert_eq!(respond["at"], at("09:40"));
    assert_eq!(milestone(&r.json(), "resolve")["status"], "pending");

    // Evening: the 8 h resolve target (17:15) passed unmet.
    app.set_now(&at("18:00"));
    let f = app
        .get(&format!("/v1/faults/{id}"), Role::Viewer)
        .await
        .json();
    assert_eq!(milestone(&f, "resolve")["status"], "missed");
    for (kind, time, extra) in [
        ("onSite", "12:00", json!({})),
        (
            "resolved",
            "17:30",
            json!({"confirmedBy": "customer: Dr Wang"}),
        ),
    ] {
        let mut body = json!({"kind": kind, "at": at(time)});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let r = app.post(&events, Role::Dispatcher, body).await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    }
    let f = app
        .get(&format!("/v1/faults/{id}"), Role::Viewer)
        .await
        .json();
    assert_eq!(f["status"], "resolved");
    let resolve = milestone(&f, "resolve");
    assert_eq!(resolve["status"], "late");
    assert_eq!(resolve["minutesLate"], 15);
    let r = app
        .post(
            &events,
            Role::Dispatcher,
            json!({"kind": "resolved", "at": at("17:40"), "confirmedBy": "x"}),
        )
        .await;
    assert_eq!(r.error_fields(), ["kind"]);
    let r = app
        .post(
            &events,
            Role::Dispatcher,
            json!({"kind": "closed", "at": at("17:45")}),
        )
        .await;
    assert_eq!(r.json()["status"], "closed");
    let r = app
        .post(
            &events,
            Role::Dispatcher,
            json!({"kind": "responded", "at": at("17:50")}),
        )
        .await;
    assert_eq!(r.error_fields(), ["kind"]);

    let closed = app
        .get("/v1/faults?status=closed&level=1", Role::Viewer)
        .await
        .json();
    assert!(ids(&closed).contains(&id));
    let open = app.get("/v1/faults?status=open", Role::Viewer).await.json();
    assert!(!ids(&open).contains(&id));
    let r = app.get("/v1/faults?level=9&colour=red", Role::Viewer).await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["colour", "level"]);

    // The SLA report counts it: level 1, resolve late; CSV opens in Excel.
    let sla = app
        .get(
            &format!("/v1/reports/sla?from={DAY}&to={DAY}"),
            Role::Manager,
        )
        .await
        .json();
    let row = sla["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["level"] == 1 && r["milestone"] == "resolve")
        .expect("a level-1 resolve row")
        .clone();
    assert!(row["late"].as_u64().unwrap() >= 1);
    let total: u64 = ["met", "late", "missed", "pending", "notNeeded"]
        .iter()
        .map(|k| row[*k].as_u64().unwrap())
        .sum();
    assert_eq!(row["due"].as_u64().unwrap(), total);
    let csv = app
        .get(
            &format!("/v1/reports/sla?from={DAY}&to={DAY}&format=csv"),
            Role::Manager,
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.bytes
            .starts_with(b"\xEF\xBB\xBFlevel,milestone,due,met,late,missed")
    );
}

/// The first stop of `kind` in a published plan: (engineer, task, device).
fn stop_of_kind(plan: &Value, kind: &str) -> (String, String, Option<String>) {
    plan["plan"]["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| {
            let stop = r["stops"].as_array()?.iter().find(|s| s["kind"] == kind)?;
            Some((
                r["engineer"].as_str()?.to_owned(),
                stop["task"].as_str()?.to_owned(),
                stop["device"].as_str().map(str::to_owned),
            ))
        })
        .unwrap_or_else(|| panic!("no {kind} stop"))
}

/// Every task id a plan carries, routed or left out.
fn task_ids(plan: &Value) -> Vec<String> {
    let mut out: Vec<String> = plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap().iter())
        .map(|s| s["task"].as_str().unwrap().to_owned())
        .collect();
    for key in ["unassigned", "desk"] {
        if let Some(list) = plan[key].as_array() {
            out.extend(list.iter().map(|u| u["task"].as_str().unwrap().to_owned()));
        }
    }
    out
}

#[tokio::test]
async fn an_inspection_reported_done_counts_the_next_day() {
    let app = spawn_app();
    let plan = app.publish_plan().await;
    let (engineer, task, device) = stop_of_kind(&plan, "inspection");
    let device = device.expect("an inspection names its device");
    app.set_now(&at("15:00"));
    let uri = format!("/v1/engineers/{engineer}/events");
    for (kind, time) in [
        ("arrived", "10:00"),
        ("started", "10:05"),
        ("done", "11:00"),
    ] {
        let r = app
            .post(
                &uri,
                Role::Dispatcher,
                json!({"kind": kind, "at": at(time), "taskId": task}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    }
    // Done once only.
    let r = app
        .post(
            &uri,
            Role::Dispatcher,
            json!({"kind": "done", "at": at("11:30"), "taskId": task}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["taskId"]);

    let done = app
        .get(
            &format!("/v1/tasks?status=done&from={DAY}&to={DAY}"),
            Role::Viewer,
        )
        .await
        .json();
    let item = done["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == task.as_str())
        .expect("the completion is listed")
        .clone();
    assert_eq!(item["engineer"], engineer.as_str());
    assert_eq!(item["completedAt"], at("11:00"));
    let history = app
        .get(&format!("/v1/devices/{device}/history"), Role::Viewer)
        .await
        .json();
    assert!(
        history["inspections"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["date"] == DAY && i["engineer"] == engineer.as_str())
    );

    // The next morning's plan does not carry the inspection, and the next one is due whole
    // months (1, 2 or 3 by the device's age) after the actual visit.
    let r = app.plan_next_day().await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let next = r.json();
    app.check_plan(&next["plan"]);
    assert!(!task_ids(&next["plan"]).contains(&task));
    let open = app
        .get(
            &format!("/v1/tasks?status=open&device={device}&from=2026-12-01&to=2027-03-31"),
            Role::Viewer,
        )
        .await
        .json();
    let inspections: Vec<&Value> = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "inspection")
        .collect();
    let first = inspections.first().expect("a next inspection");
    assert!(
        ["2026-12-30", "2027-01-30", "2027-02-28"].contains(&first["due"].as_str().unwrap()),
        "{first}"
    );
    assert_eq!(first["status"], "open");
}

#[tokio::test]
async fn a_repair_visit_puts_the_engineer_on_site_and_resolves_the_fault() {
    let app = spawn_app();
    let out = app
        .post("/v1/faults", Role::Dispatcher, level1("09:15"))
        .await
        .json();
    let (id, engineer) = (
        out["faultId"].as_str().unwrap().to_owned(),
        out["engineerId"].as_str().unwrap().to_owned(),
    );
    let task = format!("T-REP-{id}");
    app.set_now(&at("13:00"));
    let uri = format!("/v1/engineers/{engineer}/events");
    for (kind, time) in [
        ("arrived", "11:00"),
        ("started", "11:05"),
        ("done", "12:30"),
    ] {
        let r = app
            .post(
                &uri,
                Role::Dispatcher,
                json!({"kind": kind, "at": at(time), "taskId": task}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    }
    let f = app
        .get(&format!("/v1/faults/{id}"), Role::Viewer)
        .await
        .json();
    assert_eq!(f["status"], "resolved");
    let kinds: Vec<&str> = f["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["onSite", "resolved"]);
    assert_eq!(f["events"][1]["confirmedBy"], engineer.as_str());
    assert_eq!(milestone(&f, "resolve")["status"], "met");

    // A resolved fault leaves the following plans.
    let r = app.plan_next_day().await;
    assert_eq!(r.status, 201);
    assert!(!task_ids(&r.json()["plan"]).contains(&task));
    // The engineers' report counts the visit on that day.
    let report = app
        .get(
            &format!("/v1/reports/engineers?from={DAY}&to={DAY}"),
            Role::Manager,
        )
        .await
        .json();
    let row = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["engineer"] == engineer.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["visitsDone"], 1);
    assert_eq!(row["arrivals"], 1);
    let inspections = app
        .get(
            &format!("/v1/reports/inspections?from={DAY}&to=2026-12-31"),
            Role::Manager,
        )
        .await
        .json();
    assert_eq!(
        inspections["rows"].as_array().unwrap().len(),
        9,
        "nine districts"
    );
}

#[tokio::test]
async fn a_missed_deadline_is_announced_once() {
    let app = spawn_app();
    // On the system's clock, the clock cannot be moved.
    let r = app
        .post("/v1/clock", Role::Manager, json!({"now": at("10:30")}))
        .await;
    assert_problem(&r, 409);
    let state = app.state.clone().with_manual_clock(app.clock.clone());
    let mut alerts = state.subscribe_alerts();
    let r = app
        .post("/v1/faults", Role::Dispatcher, level1("09:15"))
        .await;
    let id = r.json()["faultId"].as_str().unwrap().to_owned();
    // Level 1: respond within 1 h (10:15). At 10:30 nobody has responded.
    let r = app
        .post("/v1/clock", Role::Manager, json!({"now": at("10:30")}))
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    let r = app
        .post("/v1/clock", Role::Manager, json!({"now": at("10:31")}))
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .post("/v1/clock", Role::Manager, json!({"now": at("10:00")}))
        .await;
    assert_eq!(r.error_fields(), ["now"]);
    let mut missed = Vec::new();
    while let Ok(a) = alerts.try_recv() {
        if a.kind == "faultMissed" && a.fault_id == id {
            missed.push(a.milestone);
        }
    }
    let respond = missed
        .iter()
        .filter(|m| **m == fieldplan::domain::sla::Milestone::Respond);
    assert_eq!(respond.count(), 1, "{missed:?}");
    let listed = app.get("/v1/alerts", Role::Viewer).await.json();
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["faultId"] == id.as_str()
                && a["milestone"] == "respond"
                && a["kind"] == "faultMissed")
    );
}
