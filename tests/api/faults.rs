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

#[tokio::test]
async fn a_remote_first_fault_is_planned_when_remote_support_fails() {
    let app = spawn_app();
    app.publish_plan().await;
    // Level 3 at 09:15: served by phone and remote login first, not planned.
    let body = json!({"siteId": "S-0001", "deviceId": "D-0001", "level": 3,
                      "reportedAt": "2026-11-30T09:15:00+08:00"});
    let r = app.post("/v1/faults", Role::Dispatcher, body).await;
    assert_eq!(r.status, 201);
    let out = r.json();
    assert!(out["plan"].is_null());
    assert!(
        out["notPlanned"].as_str().unwrap().contains("remoteFailed"),
        "{out}"
    );
    let milestones: Vec<&str> = out["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["milestone"].as_str().unwrap())
        .collect();
    // No visit milestones yet (a warranty device also has "resolve": fixed within a day).
    assert!(
        milestones.starts_with(&["respond", "solution"]),
        "{milestones:?}"
    );
    assert!(!milestones.contains(&"dispatch") && !milestones.contains(&"onSite"));
    let id = out["faultId"].as_str().unwrap().to_owned();
    // Remote support fails at 09:20: on site by 09:50 (30 minutes, at every site), dispatch
    // by 10:20; the fault is re-planned into today's plan at once.
    let r = app
        .post(
            &format!("/v1/faults/{id}/events"),
            Role::Dispatcher,
            json!({"kind": "remoteFailed", "at": "2026-11-30T09:20:00+08:00"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let view = r.json();
    let deadline = |m: &str| {
        view["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["milestone"] == m)
            .map(|x| x["deadline"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        deadline("onSite").as_deref(),
        Some("2026-11-30T09:50:00+08:00")
    );
    assert_eq!(
        deadline("dispatch").as_deref(),
        Some("2026-11-30T10:20:00+08:00")
    );
    let plan = app
        .get(&format!("/v1/plans/{DAY}"), Role::Viewer)
        .await
        .json();
    app.check_plan(&plan["plan"]);
    let fault = plan["plan"]["faults"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fault"] == id.as_str())
        .expect("the fault is in today's plan");
    assert_eq!(fault["deadline"], "2026-11-30T09:50:00+08:00");
}

#[tokio::test]
async fn the_remote_promise_report_lists_the_sites_out_of_reach() {
    let app = spawn_app();
    let r = app.get("/v1/reports/remote-promise", Role::Manager).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    let v = r.json();
    assert_eq!(v["limitMinutes"], 30);
    // Recomputed here: a site is out of reach when every service point with an engineer on
    // shift or on call today is more than 30 minutes' drive away.
    let world = app.state.world();
    let ctx = world.context();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let cal = &ctx.config().calendar;
    let bases: Vec<usize> = ctx
        .scenario()
        .engineers()
        .iter()
        .filter(|e| {
            matches!(
                e.availability(date, cal),
                fieldplan::domain::engineer::Availability::Shift(_)
            ) || (e.on_call.contains(&date) && !e.is_absent(date))
        })
        .filter_map(|e| ctx.service_point_point(&e.home))
        .collect();
    let out: usize = ctx
        .scenario()
        .sites()
        .iter()
        .filter(|s| {
            let p = ctx.site_point(&s.id).unwrap();
            bases.iter().all(|&b| ctx.travel(b, p).1 > 30 * 60)
        })
        .count();
    assert_eq!(v["sites"], ctx.scenario().sites().len());
    assert_eq!(v["outOfReach"], out);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), ctx.scenario().sites().len());
    assert_eq!(rows.iter().filter(|r| r["keepable"] == false).count(), out);
    // Farthest first.
    let minutes: Vec<f64> = rows
        .iter()
        .map(|r| r["driveMinutes"].as_f64().unwrap())
        .collect();
    assert!(minutes.windows(2).all(|w| w[0] >= w[1]));
    let csv = app
        .get("/v1/reports/remote-promise?format=csv", Role::Manager)
        .await;
    assert_eq!(csv.status, 200);
    let bad = app
        .get("/v1/reports/remote-promise?date=yesterday", Role::Manager)
        .await;
    crate::support::assert_problem(&bad, 422);
}

#[tokio::test]
async fn a_level_1_fault_just_before_midnight_calls_out_from_the_next_days_plan() {
    // At 23:50 nobody can leave before midnight (30 minutes to leave): Tuesday's plan serves
    // it, with an on-call engineer called out from midnight (a DR device: this week's rota
    // has DR engineers on call).
    let app = spawn_app();
    app.set_now("2026-11-30T23:50:00+08:00");
    let body = json!({"siteId": "S-0004", "deviceId": "D-0006", "level": 1,
                      "reportedAt": "2026-11-30T23:50:00+08:00"});
    let r = app.post("/v1/faults", Role::Dispatcher, body).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let out = r.json();
    assert_eq!(out["plan"]["date"], "2026-12-01", "{out}");
    let id = out["faultId"].as_str().unwrap();
    let published = app.get("/v1/plans/2026-12-01", Role::Viewer).await.json();
    app.check_plan(&published["plan"]);
    let task = format!("T-REP-{id}");
    let route = published["plan"]["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["stops"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["task"] == task.as_str())
        })
        .expect("the repair is planned");
    assert!(route["callOut"].is_object(), "{route}");
    assert_eq!(route["engineer"], out["engineerId"]);
    let departure = route["departure"].as_str().unwrap();
    assert!(
        ("2026-12-01T00:20:00+08:00"..="2026-12-01T00:30:00+08:00").contains(&departure),
        "{departure}"
    );
    // Monday has no plan: nothing was published for it.
    assert_eq!(
        app.get("/v1/plans/2026-11-30", Role::Viewer).await.status,
        404
    );
}
