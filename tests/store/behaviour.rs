//! Each test runs on every backend and, where both run, checks they agree.

use super::backends::{Backend, empty, seeded};
use chrono::NaiveDate;
use fieldplan::domain::fault::{FaultEvent, FaultLevel};
use fieldplan::domain::history::Completion;
use fieldplan::domain::ids::DeviceId;
use fieldplan::domain::instant::Instant;
use fieldplan::store::{
    FaultDraft, IdempotencyClaim, JobStatus, KeptAnswer, RecordKind, Role, StoreError, TokenGrant,
};
use serde_json::{Value, json};

fn at(s: &str) -> Instant {
    Instant::parse(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn draft(device: &str, reported: &str) -> FaultDraft {
    FaultDraft {
        device: DeviceId::new(device).unwrap(),
        level: FaultLevel::L2,
        reported: at(reported),
        description: "no power".into(),
    }
}

/// `f` on each backend; the answers of all backends, for comparing.
fn on_each<T>(all: &[Backend], f: impl Fn(&Backend) -> T) -> Vec<T> {
    all.iter().map(f).collect()
}

#[test]
fn a_seeded_scenario_reads_back_the_same_on_every_engine() {
    let all = seeded();
    let answers = on_each(&all, |b| {
        assert!(!b.store.is_empty().unwrap(), "{}", b.name);
        let parts = b.store.scenario_parts().unwrap();
        // Records come back in the order they were written, on both engines.
        let json = |v: Result<Value, serde_json::Error>| v.unwrap();
        (
            json(serde_json::to_value(&parts.sites)),
            json(serde_json::to_value(&parts.devices)),
            json(serde_json::to_value(&parts.engineers)),
            json(serde_json::to_value(&parts.faults)),
            b.store.list(RecordKind::Tasks, 5, 3).unwrap(),
        )
    });
    // Every device of the bundled scenario, none lost or added.
    let bundled = fieldplan::scenario::Scenario::load(super::backends::repo("data/nanchang"))
        .unwrap()
        .devices()
        .len();
    assert_eq!(answers[0].1.as_array().unwrap().len(), bundled);
    assert_eq!(answers[0].4.items.len(), 5);
    assert!(answers.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn put_records_replaces_by_id_and_refuses_unknown_references() {
    for b in empty() {
        let s = b.store.as_ref();
        let site = json!({"id": "S-1", "name": "first"});
        s.put_records(RecordKind::Sites, &[site]).unwrap();
        s.put_records(
            RecordKind::Sites,
            &[json!({"id": "S-1", "name": "renamed"})],
        )
        .unwrap();
        let page = s.list(RecordKind::Sites, 10, 0).unwrap();
        assert_eq!(page.total, 1, "{}", b.name);
        assert_eq!(page.items[0]["name"], "renamed", "{}", b.name);
        let orphan = json!({"id": "D-1", "site": "S-404"});
        let refused = s.put_records(
            RecordKind::Devices,
            &[json!({"id": "D-0", "site": "S-1"}), orphan],
        );
        assert!(
            matches!(&refused, Err(StoreError::Rejected(m)) if m.starts_with("record 1 (D-1)")),
            "{}: {refused:?}",
            b.name
        );
        // All or none: the good first record was not kept either.
        assert_eq!(
            s.get(RecordKind::Devices, "D-0").unwrap(),
            None,
            "{}",
            b.name
        );
    }
}

#[test]
fn faults_are_numbered_after_the_stored_ones_and_keep_their_events() {
    for b in seeded() {
        let s = b.store.as_ref();
        let before = s.faults().unwrap().len();
        let f = s
            .append_fault(&draft("D-0001", "2026-11-30T09:00:00+08:00"))
            .unwrap();
        assert_eq!(
            f.fault().id.as_str(),
            format!("F-{:04}", before + 1),
            "{}",
            b.name
        );
        let unknown = s.append_fault(&draft("D-9999", "2026-11-30T09:00:00+08:00"));
        assert!(
            matches!(unknown, Err(StoreError::Rejected(_))),
            "{}",
            b.name
        );

        let id = f.fault().id.to_string();
        let responded: FaultEvent =
            serde_json::from_value(json!({"kind": "responded", "at": "2026-11-30T09:10:00+08:00"}))
                .unwrap();
        let now = at("2026-11-30T09:20:00+08:00");
        let after = s.append_fault_event(&id, &responded, now).unwrap();
        assert_eq!(after.events().len(), 1, "{}", b.name);
        // A domain rule refuses an event before the report, naming the field.
        let early: FaultEvent = serde_json::from_value(
            json!({"kind": "dispatched", "at": "2026-11-30T08:00:00+08:00"}),
        )
        .unwrap();
        let refused = s.append_fault_event(&id, &early, now);
        assert!(
            matches!(refused, Err(StoreError::Refused(_))),
            "{}: {refused:?}",
            b.name
        );
        let stored = s.fault(&id).unwrap().unwrap();
        assert_eq!(stored, after, "{}", b.name);
        assert_eq!(s.faults().unwrap().len(), before + 1, "{}", b.name);
        assert!(s.append_fault_event("F-9999", &responded, now).is_err());
    }
}

#[test]
fn a_task_is_completed_once_and_alerts_are_recorded_once() {
    for b in seeded() {
        let s = b.store.as_ref();
        let task = s.list(RecordKind::Tasks, 1, 0).unwrap().items[0].clone();
        let c: Completion = serde_json::from_value(json!({
            "task": task["id"], "kind": "inspection", "device": task["device"],
            "site": task["site"], "engineer": "E-01", "at": "2026-11-30T10:00:00+08:00"
        }))
        .unwrap();
        let first = s.append_completion(&c, "progress").unwrap();
        let again = s.append_completion(&c, "progress");
        assert!(
            matches!(again, Err(StoreError::Refused(_))),
            "{}: {again:?}",
            b.name
        );
        // All or none.
        assert!(
            s.append_completions(std::slice::from_ref(&c), "import")
                .is_err()
        );
        assert_eq!(s.completions().unwrap(), vec![c.clone()], "{}", b.name);
        assert!(first > 0);

        let alert = json!({"fault": "F-0001"});
        assert!(
            s.record_alert("F-0001", "arrival", "faultAtRisk", &alert)
                .unwrap()
        );
        assert!(
            !s.record_alert("F-0001", "arrival", "faultAtRisk", &alert)
                .unwrap()
        );
        assert!(
            s.record_alert("F-0001", "arrival", "faultMissed", &alert)
                .unwrap()
        );
        assert_eq!(s.alerts().unwrap().len(), 2, "{}", b.name);
    }
}

#[test]
fn an_idempotency_scope_is_new_then_running_then_answered() {
    for b in empty() {
        let s = b.store.as_ref();
        let keep = chrono::TimeDelta::hours(24);
        assert_eq!(
            s.claim_idempotency("k", "h1", keep).unwrap(),
            IdempotencyClaim::New
        );
        assert_eq!(
            s.claim_idempotency("k", "h1", keep).unwrap(),
            IdempotencyClaim::Running
        );
        assert_eq!(
            s.claim_idempotency("k", "h2", keep).unwrap(),
            IdempotencyClaim::OtherBody
        );
        let answer = KeptAnswer {
            status: 201,
            content_type: Some("application/json".into()),
            location: None,
            body: b"{}".to_vec(),
        };
        s.finish_idempotency("k", &answer).unwrap();
        assert_eq!(
            s.claim_idempotency("k", "h1", keep).unwrap(),
            IdempotencyClaim::Answered(answer),
            "{}",
            b.name
        );
        assert_eq!(
            s.claim_idempotency("u", "h", keep).unwrap(),
            IdempotencyClaim::New
        );
        assert_eq!(s.release_idempotency(None).unwrap(), 1, "{}", b.name);
        // Older than `keep`: forgotten.
        b.clock.advance(chrono::TimeDelta::hours(25));
        assert_eq!(
            s.claim_idempotency("k", "h2", keep).unwrap(),
            IdempotencyClaim::New
        );
    }
}

#[test]
fn progress_events_are_kept_in_order_and_found_by_local_date() {
    for b in seeded() {
        let s = b.store.as_ref();
        let e = |t: &str| json!({"kind": "arrived", "at": t});
        let a = s
            .append_event("E-01", "arrived", at("2026-11-30T23:30:00+08:00"), &e("a"))
            .unwrap();
        let c = s
            .append_event("E-02", "arrived", at("2026-12-01T00:10:00+08:00"), &e("c"))
            .unwrap();
        assert!(a < c);
        let unknown = s.append_event("E-99", "arrived", at(super::backends::START), &e("x"));
        assert!(
            matches!(unknown, Err(StoreError::Rejected(_))),
            "{}",
            b.name
        );
        assert_eq!(s.events(None).unwrap().len(), 2, "{}", b.name);
        assert_eq!(s.events(Some("E-02")).unwrap()[0].seq, c, "{}", b.name);
        let on_30 = s.events_on(day("2026-11-30")).unwrap();
        assert_eq!(on_30.len(), 1, "{}", b.name);
        assert_eq!(on_30[0].json, e("a"), "{}", b.name);
    }
}

#[test]
fn plan_versions_are_numbered_per_date_with_the_same_etags_on_every_engine() {
    let all = empty();
    let answers = on_each(&all, |b| {
        let s = b.store.as_ref();
        let (d1, d2) = (day("2026-11-30"), day("2026-12-01"));
        assert_eq!(s.latest_plan(d1).unwrap(), None);
        let v1 = s.publish_plan(d1, "optimise", r#"{"routes":[]}"#).unwrap();
        let v2 = s
            .publish_plan(d1, "fault F-0001", r#"{"routes":[1]}"#)
            .unwrap();
        let other = s.publish_plan(d2, "optimise", r#"{"routes":[]}"#).unwrap();
        assert_eq!(
            (v1.version, v2.version, other.version),
            (1, 2, 1),
            "{}",
            b.name
        );
        assert_eq!(s.latest_plan(d1).unwrap().as_ref(), Some(&v2), "{}", b.name);
        assert_eq!(
            s.plan_version(d1, 1).unwrap().as_ref(),
            Some(&v1),
            "{}",
            b.name
        );
        assert_eq!(s.plan_version(d1, 3).unwrap(), None);
        assert_ne!(v1.etag, other.etag, "the date is part of the tag");
        (v1.etag, v2.etag, v2.json)
    });
    assert!(answers.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn jobs_move_through_their_states_and_a_restart_fails_unfinished_ones() {
    for b in empty() {
        let s = b.store.as_ref();
        let request = json!({"date": "2026-11-30"});
        s.create_job("J-1", "optimise", &request).unwrap();
        s.create_job("J-2", "optimise", &request).unwrap();
        s.update_job("J-1", JobStatus::Running, None, None).unwrap();
        let result = json!({"version": 3});
        s.update_job("J-1", JobStatus::Succeeded, Some(&result), None)
            .unwrap();
        let j1 = s.job("J-1").unwrap().unwrap();
        assert_eq!((j1.status, j1.result), (JobStatus::Succeeded, Some(result)));
        assert_eq!(j1.request, request, "{}", b.name);
        let j2 = if s.is_shared() {
            // Another instance may be running it: it is claimed again once its lease runs
            // out (`concurrent`), never failed by a starting instance.
            assert_eq!(s.fail_unfinished_jobs("restart").unwrap(), 0, "{}", b.name);
            let j2 = s.job("J-2").unwrap().unwrap();
            assert_eq!(j2.status, JobStatus::Queued, "{}", b.name);
            j2
        } else {
            assert_eq!(s.fail_unfinished_jobs("restart").unwrap(), 1, "{}", b.name);
            let j2 = s.job("J-2").unwrap().unwrap();
            assert_eq!(j2.status, JobStatus::Failed, "{}", b.name);
            assert_eq!(j2.error.as_deref(), Some("restart"));
            j2
        };
        assert_eq!(j2.request, request, "{}", b.name);
        assert_eq!(s.job("J-3").unwrap(), None);
    }
}

#[test]
fn roster_publications_are_numbered_across_rosters() {
    for b in empty() {
        let s = b.store.as_ref();
        s.put_roster("R-1", &json!({"days": 7})).unwrap();
        assert!(
            s.put_roster("R-1", &json!({})).is_err(),
            "ids are never reused"
        );
        assert_eq!(s.roster("R-1").unwrap(), Some(json!({"days": 7})));
        let p1 = s
            .publish_roster("R-1", day("2026-12-01"), day("2026-12-07"))
            .unwrap();
        let p2 = s
            .publish_roster("R-1", day("2026-12-08"), day("2026-12-14"))
            .unwrap();
        assert_eq!((p1.version, p2.version), (1, 2), "{}", b.name);
        let unknown = s.publish_roster("R-9", day("2026-12-01"), day("2026-12-07"));
        assert!(
            matches!(unknown, Err(StoreError::Rejected(_))),
            "{}",
            b.name
        );
        assert_eq!(s.roster_publications().unwrap(), vec![p1, p2], "{}", b.name);
    }
}

#[test]
fn tokens_grant_their_role_until_revoked_and_bind_only_stored_engineers() {
    for b in seeded() {
        let s = b.store.as_ref();
        let (viewer, engineer) = ("aa".repeat(32), "bb".repeat(32));
        s.add_token(&viewer, Role::Viewer, "wall screen").unwrap();
        let e01 = fieldplan::domain::ids::EngineerId::new("E-01").unwrap();
        let bound = TokenGrant::new(Role::Engineer, Some(e01), None).unwrap();
        let id = s.add_token_grant(&engineer, &bound, "phone").unwrap();
        assert_eq!(s.token_grant(&engineer).unwrap(), Some(bound), "{}", b.name);
        let e99 = fieldplan::domain::ids::EngineerId::new("E-99").unwrap();
        let stranger = TokenGrant::new(Role::Engineer, Some(e99), None).unwrap();
        let refused = s.add_token_grant(&"cc".repeat(32), &stranger, "");
        assert!(
            matches!(refused, Err(StoreError::Rejected(_))),
            "{}",
            b.name
        );
        assert_eq!(s.tokens().unwrap().len(), 2, "{}", b.name);
        assert!(s.revoke_token(&id).unwrap());
        assert!(!s.revoke_token(&id).unwrap(), "revoked once");
        assert_eq!(s.token_grant(&engineer).unwrap(), None, "{}", b.name);
        let listed = s.tokens().unwrap();
        assert!(listed.iter().any(|t| t.id == id && t.revoked_at.is_some()));
    }
}

#[test]
fn an_installation_is_stored_with_its_devices_and_its_steps_done_in_order() {
    use fieldplan::domain::family::DeviceFamily;
    use fieldplan::domain::ids::{EngineerId, SiteId, TaskId};
    use fieldplan::domain::installation::{InstallationDraft, NewDevice, StepDone};
    let all = seeded();
    let answers = on_each(&all, |b| {
        let devices_before = b.store.list(RecordKind::Devices, 1, 0).unwrap().total;
        let mut d = InstallationDraft {
            site: SiteId::new("S-9999").unwrap(),
            start: day("2026-12-01"),
            devices: vec![NewDevice {
                family: DeviceFamily::BiochemistryAnalyser,
                model: "BA-800".into(),
                serial: None,
            }],
            created_at: at("2026-11-30T10:00:00+08:00"),
            config: Default::default(),
        };
        let refused = b.store.create_installation(&d);
        assert!(
            matches!(refused, Err(StoreError::Rejected(_))),
            "{}",
            b.name
        );
        d.site = SiteId::new("S-0001").unwrap();
        let made = b.store.create_installation(&d).unwrap();
        assert_eq!(made.record.id(), "I-0001");
        let device = made.devices[0].id().clone();
        assert!(
            b.store
                .get(RecordKind::Devices, device.as_str())
                .unwrap()
                .is_some()
        );
        assert_eq!(
            b.store.list(RecordKind::Devices, 1, 0).unwrap().total,
            devices_before + 1
        );
        let step = |s: &str, when: &str| StepDone {
            task: TaskId::new(format!("T-INS-{device}-{s}-1")).unwrap(),
            at: at(when),
            engineer: EngineerId::new("E-01").unwrap(),
        };
        // Out of order: refused by the rule, nothing stored.
        let r = b
            .store
            .complete_installation_step("I-0001", &step("HW", "2026-12-01T10:00:00+08:00"));
        assert!(matches!(r, Err(StoreError::Refused(_))), "{}", b.name);
        for (s, when) in [
            ("UNBOX", "2026-12-01T10:00:00+08:00"),
            ("HW", "2026-12-02T10:00:00+08:00"),
            ("SW", "2026-12-03T10:00:00+08:00"),
            ("ACC", "2026-12-04T10:00:00+08:00"),
        ] {
            b.store
                .complete_installation_step("I-0001", &step(s, when))
                .unwrap();
        }
        // The acceptance test accepted the stored device; the commissioning installed it.
        let stored = b
            .store
            .get(RecordKind::Devices, device.as_str())
            .unwrap()
            .unwrap();
        assert_eq!(stored["accepted"], "2026-12-04");
        assert_eq!(stored["installed"], "2026-12-03");
        let again = b
            .store
            .complete_installation_step("I-0001", &step("ACC", "2026-12-04T11:00:00+08:00"));
        assert!(matches!(again, Err(StoreError::Refused(_))), "{}", b.name);
        let read = b.store.installations().unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].done.len(), 4);
        assert_eq!(b.store.scenario_parts().unwrap().installations, read);
        serde_json::to_value(&read).unwrap()
    });
    assert!(answers.windows(2).all(|w| w[0] == w[1]));
}
