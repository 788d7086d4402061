use crate::support::{DAY, spawn_app};
use fieldplan::store::Role;
use serde_json::json;

fn fault() -> serde_json::Value {
    json!({"siteId": "S-0001", "deviceId": "D-0001", "level": 1,
           "reportedAt": "2026-11-30T09:15:00+08:00", "description": "no power"})
}

#[tokio::test]
async fn a_fault_is_recorded_replanned_and_published() {
    let app = spawn_app();
    let mut events = app.state.subscribe();
    let r = app.post("/v1/faults", Role::Dispatcher, fault()).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let out = r.json();
    let id = out["faultId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("F-"));
    assert_eq!(
        r.header("location"),
        Some(format!("/v1/faults/{id}").as_str())
    );
    assert!(out["engineerId"].as_str().unwrap().starts_with("E-"));
    assert!(out["eta"].as_str().unwrap().ends_with("+08:00"));
    let deadlines = out["deadlines"].as_array().unwrap();
    assert!(!deadlines.is_empty());
    assert!(
        deadlines
            .iter()
            .all(|d| d["deadline"].as_str().unwrap().ends_with("+08:00"))
    );
    assert_eq!(out["plan"]["date"], DAY);
    assert_eq!(out["plan"]["version"], 1);
    let published = app
        .get(&format!("/v1/plans/{DAY}"), Role::Viewer)
        .await
        .json();
    app.check_plan(&published["plan"]);
    assert!(out["diff"].is_object());
    // Announced to subscribers, readable afterwards.
    let published = events.try_recv().unwrap();
    assert_eq!(published.version, 1);
    assert!(published.reason.contains(&id));
    let f = app.get(&format!("/v1/faults/{id}"), Role::Viewer).await;
    assert_eq!(f.status, 200);
    assert_eq!(f.json()["fault"]["description"], "no power");
    let rec = app
        .get(&format!("/v1/faults/{id}/recommendations"), Role::Viewer)
        .await;
    assert_eq!(rec.status, 200);
    assert!(!rec.json()["recommendations"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn consecutive_faults_get_new_ids_and_versions() {
    let app = spawn_app();
    let a = app
        .post("/v1/faults", Role::Dispatcher, fault())
        .await
        .json();
    let b = app
        .post("/v1/faults", Role::Dispatcher, fault())
        .await
        .json();
    assert_ne!(a["faultId"], b["faultId"]);
    assert_eq!(b["plan"]["version"], 2);
}

/// The first planned stop of the published plan: (engineer, task).
fn first_stop(plan: &serde_json::Value) -> (String, String) {
    plan["plan"]["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| {
            let stop = r["stops"].as_array()?.first()?;
            Some((
                r["engineer"].as_str()?.to_owned(),
                stop["task"].as_str()?.to_owned(),
            ))
        })
        .expect("a planned stop")
}

#[tokio::test]
async fn progress_events_are_recorded_in_order() {
    let app = spawn_app();
    let plan = app.publish_plan().await;
    let (engineer, task) = first_stop(&plan);
    let uri = format!("/v1/engineers/{engineer}/events");
    app.set_now("2026-11-30T10:45:00+08:00");
    for (kind, at) in [
        ("arrived", "09:40"),
        ("started", "09:45"),
        ("done", "10:30"),
    ] {
        let r = app
            .post(
                &uri,
                Role::Dispatcher,
                json!({"kind": kind, "at": format!("2026-11-30T{at}:00+08:00"), "taskId": task}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    }
    let list = app.get(&uri, Role::Viewer).await.json();
    let kinds: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["arrived", "started", "done"]);
    assert_eq!(list["items"][0]["task"], task.as_str());
    // A task not on this engineer's route is refused.
    let r = app
        .post(
            &uri,
            Role::Dispatcher,
            json!({"kind": "done", "at": "2026-11-30T10:30:00+08:00", "taskId": "T-REP-F-9999"}),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.error_fields(), ["taskId"]);
    let r = app
        .post(
            "/v1/engineers/E-77/events",
            Role::Dispatcher,
            json!({"kind": "done", "at": "2026-11-30T10:30:00+08:00", "taskId": task}),
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn a_fault_after_progress_keeps_the_reported_visits() {
    let app = spawn_app();
    let plan = app.publish_plan().await;
    let (engineer, task) = first_stop(&plan);
    let r = app
        .post(
            &format!("/v1/engineers/{engineer}/events"),
            Role::Dispatcher,
            json!({"kind": "started", "at": "2026-11-30T09:00:00+08:00", "taskId": task}),
        )
        .await;
    assert_eq!(r.status, 201);
    let out = app.post("/v1/faults", Role::Dispatcher, fault()).await;
    assert_eq!(out.status, 201, "{}", String::from_utf8_lossy(&out.bytes));
    let latest = app
        .get(&format!("/v1/plans/{DAY}"), Role::Viewer)
        .await
        .json();
    assert_eq!(latest["version"], 2);
    app.check_plan(&latest["plan"]);
    let route = latest["plan"]["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["engineer"] == engineer.as_str())
        .unwrap()
        .clone();
    assert!(
        route["stops"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["task"] == task.as_str())
    );
}
