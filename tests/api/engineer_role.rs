//! The `engineer` role: a token bound to one engineer reads that engineer's route, calendar
//! and progress and reports its progress; everything else, and any other engineer, is 403.

use crate::support::{DAY, ENGINEER, assert_problem, engineer_token, repo, spawn_app};
use axum::http::Method;
use fieldplan::store::{Role, SqliteStore, Store};
use serde_json::{Value, json};

/// Another engineer than [`ENGINEER`], on duty on `DAY` too.
const OTHER: &str = "E-07";

fn position_report() -> Value {
    json!({"kind": "position", "at": "2026-11-30T09:10:00+08:00",
           "position": {"lat": 28.68, "lon": 115.89}})
}

#[tokio::test]
async fn me_names_the_engineer_of_the_token() {
    let app = spawn_app();
    let me = app.get("/v1/me", Role::Engineer).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["role"], "engineer");
    assert_eq!(me.json()["engineer"], ENGINEER);
    assert_eq!(
        app.get("/v1/me", Role::Viewer).await.json()["engineer"],
        Value::Null
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engineer_reads_its_own_route_as_a_viewer_does() {
    let app = spawn_app();
    app.publish_plan().await;
    let uri = format!("/v1/plans/{DAY}/engineers/{ENGINEER}");
    let own = app.get(&uri, Role::Engineer).await;
    let viewer = app.get(&uri, Role::Viewer).await;
    assert_eq!(own.status, viewer.status);
    assert_eq!(own.bytes, viewer.bytes);
    assert_eq!(own.status, 200, "{}", String::from_utf8_lossy(&own.bytes));
    assert_eq!(own.json()["engineerId"], ENGINEER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engineer_reads_its_own_calendar_as_a_viewer_does() {
    let app = spawn_app();
    let uri = format!("/v1/engineers/{ENGINEER}/calendar.ics");
    // Allowed, though there is nothing to show yet.
    assert_problem(&app.get(&uri, Role::Engineer).await, 404);
    let id = crate::rosters::build(&app, DAY, DAY, 1).await;
    crate::rosters::publish(&app, &id).await;
    let own = app.get(&uri, Role::Engineer).await;
    assert_eq!(own.status, 200, "{}", String::from_utf8_lossy(&own.bytes));
    assert!(
        own.header("content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
    assert_eq!(own.bytes, app.get(&uri, Role::Viewer).await.bytes);
}

#[tokio::test]
async fn an_engineer_reports_and_reads_its_own_progress() {
    let app = spawn_app();
    let uri = format!("/v1/engineers/{ENGINEER}/events");
    let r = app.post(&uri, Role::Engineer, position_report()).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    assert_eq!(r.json()["engineer"], ENGINEER);
    let listed = app.get(&uri, Role::Engineer).await;
    assert_eq!(listed.status, 200);
    let items = listed.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["event"], "position");
    // The dispatcher still reports for anyone; other roles still may not.
    let r = app.post(&uri, Role::Dispatcher, position_report()).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
    assert_problem(&app.post(&uri, Role::Viewer, position_report()).await, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engineer_is_refused_another_engineers_route_calendar_and_progress() {
    let app = spawn_app();
    app.publish_plan().await;
    for uri in [
        format!("/v1/plans/{DAY}/engineers/{OTHER}"),
        format!("/v1/engineers/{OTHER}/calendar.ics"),
        format!("/v1/engineers/{OTHER}/events"),
    ] {
        let r = app.get(&uri, Role::Engineer).await;
        assert_problem(&r, 403);
        assert!(
            r.json()["detail"].as_str().unwrap().contains(ENGINEER),
            "{uri}"
        );
        // The other engineer's own token reads it.
        let theirs = engineer_token(&app.state, OTHER);
        let r = app.call_with(Method::GET, &uri, Some(&theirs), None).await;
        assert_ne!(r.status, 403, "{uri}");
    }
    let uri = format!("/v1/engineers/{OTHER}/events");
    assert_problem(
        &app.post(&uri, Role::Engineer, position_report()).await,
        403,
    );
    // Refused before the body is read: a malformed body is still 403, not 400.
    let r = app
        .call(
            Method::POST,
            &uri,
            Some(Role::Engineer),
            Some(json!("not a report")),
        )
        .await;
    assert_problem(&r, 403);
    assert!(app.state.store().events(Some(OTHER)).unwrap().is_empty());
}

#[tokio::test]
async fn an_engineer_may_do_nothing_else() {
    let app = spawn_app();
    let own = format!("/v1/engineers/{ENGINEER}");
    let reads = [
        format!("/v1/plans/{DAY}"),
        format!("/v1/plans/{DAY}/versions/1"),
        "/v1/faults/x".to_owned(),
        "/v1/faults/F-0001/recommendations".to_owned(),
        "/v1/jobs/J-1".to_owned(),
        "/v1/events".to_owned(),
        "/v1/rosters/R-1".to_owned(),
        "/v1/simulations/J-1".to_owned(),
        "/v1/simulations/J-1/chart.svg".to_owned(),
        "/v1/sites".to_owned(),
        "/v1/sites/S-0001".to_owned(),
        "/v1/devices/D-0001".to_owned(),
        "/v1/engineers".to_owned(),
        own.clone(),
        "/v1/tasks".to_owned(),
        "/v1/service-points".to_owned(),
    ];
    for uri in &reads {
        assert_problem(&app.get(uri, Role::Engineer).await, 403);
    }
    let fault = json!({"siteId": "S-0001", "deviceId": "D-0001", "level": 1,
                       "reportedAt": "2026-11-30T09:15:00+08:00"});
    let changes = [
        ("/v1/faults".to_owned(), fault),
        (
            "/v1/plans".to_owned(),
            json!({"date": DAY, "timeLimitMs": 100}),
        ),
        (
            format!("/v1/plans/{DAY}/moves"),
            json!({"taskId": "T-1", "engineerId": ENGINEER}),
        ),
        ("/v1/rosters".to_owned(), json!({"from": DAY, "to": DAY})),
        ("/v1/rosters/R-1/publish".to_owned(), json!({})),
        ("/v1/simulations".to_owned(), json!({})),
    ];
    for (uri, body) in changes {
        assert_problem(&app.post(&uri, Role::Engineer, body).await, 403);
    }
    for uri in ["/v1/jobs/J-1", "/v1/simulations/J-1"] {
        assert_problem(&app.delete(uri, Role::Engineer).await, 403);
    }
    assert!(
        app.state
            .store()
            .faults()
            .unwrap()
            .iter()
            .all(|f| { f.fault().reported.to_string() != "2026-11-30T09:15:00+08:00" })
    );
}

#[test]
fn token_create_binds_an_engineer_of_the_database_and_only_for_role_engineer() {
    let dir = crate::socket::temp_dir("engineer-token");
    let db = dir.join("fieldplan.db");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_fieldplan"))
            .arg("token")
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    let (code, out, err) = run(&["create", "--role", "engineer"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty() && err.contains("--engineer"), "{err}");
    let (code, _, err) = run(&["create", "--role", "viewer", "--engineer", ENGINEER]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--engineer") && err.contains("viewer"),
        "{err}"
    );
    // An engineer the database does not hold.
    let (code, out, err) = run(&["create", "--role", "engineer", "--engineer", ENGINEER]);
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty() && err.contains(ENGINEER), "{err}");
    {
        let store = SqliteStore::open(&db).unwrap();
        let config = fieldplan::scenario::load_config(repo("config")).unwrap();
        fieldplan::api::seed_store(&store, &repo("data/nanchang"), &config).unwrap();
        assert!(
            store.tokens().unwrap().is_empty(),
            "nothing created by the refusals"
        );
    }
    let (code, _, err) = run(&["create", "--role", "engineer", "--engineer", "E-99"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("E-99"), "{err}");
    let (code, token, err) = run(&["create", "--role", "engineer", "--engineer", ENGINEER]);
    assert_eq!(code, Some(0), "{err}");
    let (_, list, _) = run(&["list"]);
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!((rows[0][1], rows[0][6]), ("engineer", ENGINEER), "{list}");
    let store = SqliteStore::open(&db).unwrap();
    let grant = store
        .token_grant(&fieldplan::api::auth::token_hash(token.trim()))
        .unwrap()
        .unwrap();
    assert_eq!(grant.role, Role::Engineer);
    assert_eq!(grant.engineer.unwrap().as_str(), ENGINEER);
    let _ = std::fs::remove_dir_all(dir);
}
