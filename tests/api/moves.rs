//! `POST /v1/plans/{date}/moves`: a visit moved to another engineer is pinned there, the day
//! is re-planned (checked by the independent plan checker) and published; a move the rules
//! forbid is refused with the planner's reason and publishes nothing.

use crate::support::{DAY, TestApp, assert_problem, spawn_app};
use fieldplan::store::Role;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Engineer id to skills (device families), from the master data.
async fn skills(app: &TestApp) -> BTreeMap<String, Vec<String>> {
    let r = app.get("/v1/engineers?limit=500", Role::Viewer).await;
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            // Customer-service staff have no skills.
            let s = e["skills"].as_array().cloned().unwrap_or_default();
            let s = s.iter().map(|x| x.as_str().unwrap().to_owned()).collect();
            (e["id"].as_str().unwrap().to_owned(), s)
        })
        .collect()
}

/// Task id to engineer, for every visit of a plan.
fn assignments(plan: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for r in plan["routes"].as_array().unwrap() {
        for s in r["stops"].as_array().unwrap() {
            // Visits by their lead (a companion's stop carries `member`).
            if s.get("stopKind").is_none() && s.get("member").is_none() {
                out.insert(
                    s["task"].as_str().unwrap().to_owned(),
                    r["engineer"].as_str().unwrap().to_owned(),
                );
            }
        }
    }
    out
}

/// A planned inspection and an engineer on shift, other than its own, for whom `fits` holds:
/// the least busy such engineer (a full day cannot take one more visit).
fn pick(
    plan: &Value,
    skills: &BTreeMap<String, Vec<String>>,
    fits: impl Fn(&str, &[String]) -> bool,
) -> Option<(String, String, String)> {
    let routes = plan["routes"].as_array().unwrap();
    let mut best: Option<(u64, (String, String, String))> = None;
    for r in routes {
        for s in r["stops"].as_array().unwrap() {
            let Some(family) = s["family"].as_str() else {
                continue;
            };
            if s["kind"] != "inspection" {
                continue;
            }
            // Customer-service staff take no visit of their own.
            for other in routes.iter().filter(|o| o.get("role").is_none()) {
                let e = other["engineer"].as_str().unwrap();
                let busy = other["kpis"]["serviceSeconds"].as_u64().unwrap();
                if e != r["engineer"]
                    && fits(family, &skills[e])
                    && best.as_ref().is_none_or(|(b, _)| busy < *b)
                {
                    let task = s["task"].as_str().unwrap().to_owned();
                    let from = r["engineer"].as_str().unwrap().to_owned();
                    best = Some((busy, (task, from, e.to_owned())));
                }
            }
        }
    }
    best.map(|(_, p)| p)
}

fn moves_uri() -> String {
    format!("/v1/plans/{DAY}/moves")
}

#[tokio::test]
async fn a_moved_visit_is_pinned_to_its_new_engineer_and_the_others_stay() {
    let app = spawn_app();
    let v1 = app.publish_plan().await;
    let skills = skills(&app).await;
    let (task, from, to) = pick(&v1["plan"], &skills, |f, s| s.iter().any(|x| x == f))
        .expect("a visit another engineer could do");
    let body = json!({"taskId": task, "engineerId": to, "timeLimitMs": 300});
    let r = app.post(&moves_uri(), Role::Dispatcher, body).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    let v2 = r.json();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["reason"], format!("move {task} to {to}"));
    assert_eq!(
        r.header("location"),
        Some(format!("/v1/plans/{DAY}/versions/2").as_str())
    );
    app.check_plan(&v2["plan"]);
    let before = assignments(&v1["plan"]);
    let after = assignments(&v2["plan"]);
    assert_eq!(after[&task], to, "moved from {from}");
    // Every visit of the other engineers stays with its engineer; the new engineer's own
    // visits may make room (to someone else, or left out with a reason); none vanishes.
    let unassigned: Vec<&str> = v2["plan"]["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["task"].as_str().unwrap())
        .collect();
    for (t, e) in &before {
        match after.get(t) {
            _ if t == &task => {}
            None => assert!(unassigned.contains(&t.as_str()), "{t} vanished"),
            Some(_) if e == &to => {}
            Some(now) => assert_eq!(now, e, "{t} moved from {e}"),
        }
    }
    // The latest version is the moved one.
    let latest = app.get(&format!("/v1/plans/{DAY}"), Role::Viewer).await;
    assert_eq!(latest.json()["version"], 2);
}

#[tokio::test]
async fn a_move_to_an_engineer_without_the_skill_is_refused_with_the_reason() {
    let app = spawn_app();
    let v1 = app.publish_plan().await;
    let skills = skills(&app).await;
    let (task, _, to) = pick(&v1["plan"], &skills, |f, s| !s.iter().any(|x| x == f))
        .expect("a visit some engineer on shift cannot do");
    let body = json!({"taskId": task, "engineerId": to, "timeLimitMs": 300});
    let r = app.post(&moves_uri(), Role::Dispatcher, body).await;
    assert_problem(&r, 422);
    let p = r.json();
    assert_eq!(p["errors"][0]["field"], "engineerId", "{p}");
    assert_eq!(p["errors"][0]["code"], "SKILL_MISSING", "{p}");
    let latest = app.get(&format!("/v1/plans/{DAY}"), Role::Viewer).await;
    assert_eq!(latest.json()["version"], 1, "nothing published");
}

#[tokio::test]
async fn bad_moves_are_problems() {
    let app = spawn_app();
    let uri = moves_uri();
    let body = json!({"taskId": "T-NONE", "engineerId": "E-01"});
    assert_problem(&app.post(&uri, Role::Dispatcher, body.clone()).await, 404);
    let v1 = app.publish_plan().await;
    let route = &v1["plan"]["routes"][0];
    let own = route["engineer"].as_str().unwrap();
    let task = route["stops"][0]["task"].as_str().unwrap();
    let r = app.post(&uri, Role::Dispatcher, body).await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["taskId"]);
    let r = app
        .post(
            &uri,
            Role::Dispatcher,
            json!({"taskId": task, "engineerId": "E-99"}),
        )
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["engineerId"]);
    let same = json!({"taskId": task, "engineerId": own});
    assert_problem(&app.post(&uri, Role::Dispatcher, same.clone()).await, 409);
    let r = app
        .post(&uri, Role::Dispatcher, json!({"taskId": 3, "x": 1}))
        .await;
    assert_problem(&r, 422);
    assert_eq!(r.error_fields(), ["engineerId", "taskId", "x"]);
    assert_problem(&app.post(&uri, Role::Viewer, same.clone()).await, 403);
    assert_problem(&app.post(&uri, Role::Manager, same).await, 403);
}
