//! Durability: data written through the store is there after reopening the file; a fault
//! posted to the `fieldplan serve` binary survives SIGKILL.

use crate::socket::{http, temp_dir};
use crate::support::{START, repo};
use fieldplan::domain::fault::FaultLevel;
use fieldplan::domain::ids::DeviceId;
use fieldplan::domain::instant::Instant;
use fieldplan::store::{FaultDraft, RecordKind, Role, SqliteStore, Store};
use std::process::Child;

// Shared with tests/ops, tests/soak and tests/cluster.
#[allow(dead_code)]
#[path = "../common/serve.rs"]
mod serve;

#[test]
fn what_the_store_wrote_is_there_after_reopening() {
    let dir = temp_dir("reopen");
    let db = dir.join("fieldplan.db");
    let date = "2026-11-30".parse().unwrap();
    let (fault, plan) = {
        let store = SqliteStore::open(&db).unwrap();
        let config = fieldplan::scenario::load_config(repo("config")).unwrap();
        fieldplan::api::seed_store(&store, &repo("data/nanchang"), &config).unwrap();
        store
            .add_token("ab".repeat(32).as_str(), Role::Planner, "t")
            .unwrap();
        let fault = store
            .append_fault(&FaultDraft {
                device: DeviceId::new("D-0001").unwrap(),
                level: FaultLevel::L2,
                reported: Instant::parse("2026-11-30T10:00:00+08:00").unwrap(),
                description: "error E42".into(),
            })
            .unwrap();
        let plan = store
            .publish_plan(date, "test", r#"{"routes":[]}"#)
            .unwrap();
        store
            .append_event(
                "E-01",
                "arrived",
                fault.fault().reported,
                &serde_json::json!({"k": 1}),
            )
            .unwrap();
        (fault, plan)
    };
    let store = SqliteStore::open(&db).unwrap();
    assert!(!store.is_empty().unwrap());
    assert_eq!(store.fault(fault.fault().id.as_str()).unwrap(), Some(fault));
    assert_eq!(store.latest_plan(date).unwrap(), Some(plan));
    assert_eq!(
        store.token_grant(&"ab".repeat(32)).unwrap().map(|g| g.role),
        Some(Role::Planner)
    );
    assert_eq!(store.events(Some("E-01")).unwrap().len(), 1);
    assert_eq!(store.events_on(date).unwrap().len(), 1);
    assert!(
        store
            .events_on("2026-12-01".parse().unwrap())
            .unwrap()
            .is_empty()
    );
    assert!(store.get(RecordKind::Sites, "S-0001").unwrap().is_some());
    assert_eq!(store.schema_version().unwrap(), 11);
    // The next version continues the numbering; old versions refuse changes.
    assert_eq!(store.publish_plan(date, "again", "{}").unwrap().version, 2);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn append_only_tables_refuse_updates() {
    let dir = temp_dir("append-only");
    let db = dir.join("fieldplan.db");
    {
        let store = SqliteStore::open(&db).unwrap();
        store
            .publish_plan("2026-11-30".parse().unwrap(), "t", "{}")
            .unwrap();
    }
    let conn = raw_update(&db, "UPDATE plan_versions SET body = x'00'");
    assert!(conn.contains("immutable"), "{conn}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Runs one statement on the file directly; the error text, or "ok".
fn raw_update(db: &std::path::Path, sql: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(sql, [])
        .map_or_else(|e| e.to_string(), |_| "ok".to_owned())
}

pub struct Server {
    pub child: Child,
    pub addr: String,
}

pub fn start_server(db: &std::path::Path) -> Server {
    let (child, addr) = serve::spawn_clocked(db, START, false);
    Server { child, addr }
}

#[test]
fn a_fault_posted_to_the_binary_survives_sigkill() {
    let dir = temp_dir("sigkill");
    let db = dir.join("fieldplan.db");
    let token = serve::token(&db, "dispatcher");

    let mut server = start_server(&db);
    let body = r#"{"siteId":"S-0001","deviceId":"D-0001","level":1,"reportedAt":"2026-11-30T09:15:00+08:00"}"#;
    let (status, reply) = http(&server.addr, "POST", "/v1/faults", Some(&token), Some(body));
    assert_eq!(status, 201, "{reply}");
    let reply: serde_json::Value = serde_json::from_str(&reply).unwrap();
    let id = reply["faultId"].as_str().unwrap().to_owned();
    // SIGKILL: no chance to flush anything.
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let mut server = start_server(&db);
    let (status, reply) = http(
        &server.addr,
        "GET",
        &format!("/v1/faults/{id}"),
        Some(&token),
        None,
    );
    assert_eq!(status, 200, "{reply}");
    assert!(reply.contains(&id));
    let (status, reply) = http(
        &server.addr,
        "GET",
        "/v1/plans/2026-11-30",
        Some(&token),
        None,
    );
    assert_eq!(status, 200, "{reply}");
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
