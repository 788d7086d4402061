//! Several instances on one PostgreSQL database (skipped without `FIELDPLAN_TEST_PG`): each
//! instance is a store of its own (its own pool), as two `fieldplan serve` processes are.

use super::backends::{START, fresh_pg_schema, pg_url};
use chrono::NaiveDate;
use fieldplan::domain::clock::ManualClock;
use fieldplan::domain::fault::FaultLevel;
use fieldplan::domain::ids::DeviceId;
use fieldplan::domain::instant::Instant;
use fieldplan::store::{FaultDraft, JobStatus, Notice, PgStore, RecordKind, Store};
use serde_json::json;
use std::sync::{Arc, mpsc};
use std::time::Duration;

/// Two stores on one fresh schema, or `None` without a test database.
fn two_instances() -> Option<(Arc<PgStore>, Arc<PgStore>)> {
    let url = fresh_pg_schema(&pg_url()?);
    let clock = Arc::new(ManualClock::new(Instant::parse(START).unwrap()));
    let a = Arc::new(PgStore::open_with_clock(&url, clock.clone()).unwrap());
    let b = Arc::new(PgStore::open_with_clock(&url, clock).unwrap());
    Some((a, b))
}

#[test]
fn instances_publishing_one_date_at_once_never_share_nor_skip_a_version() {
    let Some((a, b)) = two_instances() else {
        return;
    };
    let date: NaiveDate = "2026-11-30".parse().unwrap();
    let (threads, each) = (4, 6);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let store: Arc<PgStore> = if t % 2 == 0 { a.clone() } else { b.clone() };
            std::thread::spawn(move || {
                (0..each)
                    .map(|i| {
                        let json = format!(r#"{{"thread":{t},"i":{i}}}"#);
                        store.publish_plan(date, "optimise", &json).unwrap().version
                    })
                    .collect::<Vec<u32>>()
            })
        })
        .collect();
    let mut versions: Vec<u32> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    versions.sort_unstable();
    let expected: Vec<u32> = (1..=threads * each).collect();
    assert_eq!(versions, expected);
    // And the stored history is the same gap-free run, each version what its publisher wrote.
    for v in 1..=threads * each {
        let stored = a.plan_version(date, v).unwrap().unwrap();
        assert!(stored.json.starts_with(r#"{"thread":"#));
    }
    assert_eq!(
        b.latest_plan(date).unwrap().unwrap().version,
        threads * each
    );
}

#[test]
fn instances_reporting_faults_at_once_get_distinct_consecutive_ids() {
    let Some((a, b)) = two_instances() else {
        return;
    };
    a.put_records(RecordKind::Sites, &[json!({"id": "S-1"})])
        .unwrap();
    a.put_records(RecordKind::Devices, &[json!({"id": "D-1", "site": "S-1"})])
        .unwrap();
    let handles: Vec<_> = [a.clone(), b.clone(), a, b]
        .into_iter()
        .map(|store| {
            std::thread::spawn(move || {
                (0..5)
                    .map(|_| {
                        let draft = FaultDraft {
                            device: DeviceId::new("D-1").unwrap(),
                            level: FaultLevel::L3,
                            reported: Instant::parse(START).unwrap(),
                            description: String::new(),
                        };
                        store.append_fault(&draft).unwrap().fault().id.to_string()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut ids: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    ids.sort();
    let expected: Vec<String> = (1..=20).map(|n| format!("F-{n:04}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn an_instance_hears_what_another_wrote_and_not_its_own() {
    let Some((a, b)) = two_instances() else {
        return;
    };
    let (tx, heard) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    a.watch(Box::new(move |n| {
        let _ = tx.lock().unwrap().send(n);
    }))
    .unwrap();
    let date: NaiveDate = "2026-11-30".parse().unwrap();
    a.publish_plan(date, "mine", "{}").unwrap();
    let theirs = b.publish_plan(date, "theirs", "{}").unwrap();
    a.put_records(RecordKind::Sites, &[json!({"id": "S-1"})])
        .unwrap();
    a.put_records(RecordKind::Devices, &[json!({"id": "D-1", "site": "S-1"})])
        .unwrap();
    let draft = FaultDraft {
        device: DeviceId::new("D-1").unwrap(),
        level: FaultLevel::L1,
        reported: Instant::parse(START).unwrap(),
        description: "smoke".into(),
    };
    let fault = b.append_fault(&draft).unwrap();
    let wait = Duration::from_secs(10);
    assert_eq!(
        heard.recv_timeout(wait).unwrap(),
        Notice::PlanPublished {
            date,
            version: 2,
            etag: theirs.etag,
            reason: "theirs".into(),
            created_at: theirs.created_at,
        }
    );
    assert_eq!(heard.recv_timeout(wait).unwrap(), Notice::Fault(fault));
    assert!(
        heard.recv_timeout(Duration::from_millis(300)).is_err(),
        "nothing else"
    );
}

#[test]
fn a_job_whose_lease_ran_out_is_claimed_once_by_another_instance_and_cancelled_from_any() {
    let Some((a, b)) = two_instances() else {
        return;
    };
    let lease = Duration::from_millis(400);
    let a = Arc::into_inner(a).unwrap().with_job_lease(lease);
    let b = Arc::new(Arc::into_inner(b).unwrap().with_job_lease(lease));
    let request = json!({"date": "2026-11-30"});
    a.create_job("J-1", "optimise", &request).unwrap();
    assert_eq!(
        a.renew_job_lease("J-1").unwrap(),
        Some(false),
        "A holds its job"
    );
    assert_eq!(b.claim_abandoned_job().unwrap(), None, "the lease holds");
    // A stops renewing (its process died).
    std::thread::sleep(lease + Duration::from_millis(200));
    let claimed = b.claim_abandoned_job().unwrap().expect("claimed");
    assert_eq!(
        (claimed.id.as_str(), claimed.status),
        ("J-1", JobStatus::Running)
    );
    assert_eq!(claimed.request, request);
    assert_eq!(b.claim_abandoned_job().unwrap(), None, "claimed once");
    // A, back from a stall, has lost it: it cannot renew nor record an outcome.
    assert_eq!(a.renew_job_lease("J-1").unwrap(), None);
    a.update_job("J-1", JobStatus::Failed, None, Some("late"))
        .unwrap();
    assert_eq!(a.job("J-1").unwrap().unwrap().status, JobStatus::Running);
    // A cancel asked on A reaches B at its next renewal.
    assert!(a.request_job_cancel("J-1").unwrap());
    assert_eq!(b.renew_job_lease("J-1").unwrap(), Some(true));
    b.update_job("J-1", JobStatus::Cancelled, None, None)
        .unwrap();
    assert_eq!(a.job("J-1").unwrap().unwrap().status, JobStatus::Cancelled);
    assert!(!a.request_job_cancel("J-1").unwrap(), "finished");
    assert_eq!(b.claim_abandoned_job().unwrap(), None, "finished jobs stay");
}

#[test]
fn instances_claiming_at_once_take_different_jobs() {
    let Some((a, b)) = two_instances() else {
        return;
    };
    let lease = Duration::from_millis(1000);
    let a = Arc::new(Arc::into_inner(a).unwrap().with_job_lease(lease));
    let b = Arc::new(Arc::into_inner(b).unwrap().with_job_lease(lease));
    for i in 0..6 {
        a.create_job(&format!("J-{i}"), "optimise", &json!({}))
            .unwrap();
    }
    std::thread::sleep(lease + Duration::from_millis(200));
    let claimers: Vec<_> = [a.clone(), b.clone(), a, b]
        .into_iter()
        .map(|s| {
            std::thread::spawn(move || {
                let mut got = Vec::new();
                while let Some(j) = s.claim_abandoned_job().unwrap() {
                    got.push(j.id);
                    // Renewed, so the lease of a claimed job does not run out meanwhile.
                    s.renew_job_lease(got.last().unwrap()).unwrap();
                }
                got
            })
        })
        .collect();
    let mut all: Vec<String> = claimers
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    all.sort();
    assert_eq!(all, (0..6).map(|i| format!("J-{i}")).collect::<Vec<_>>());
}
