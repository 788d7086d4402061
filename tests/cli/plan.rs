//! `fieldplan plan --export vroom FILE` and `--routes vroom FILE` on the bundled scenario.

use crate::{fieldplan, scratch, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Output;

/// Runs `fieldplan plan` for 30 November 2026 on the bundled scenario, with `more` arguments.
fn plan_day(more: &[&str]) -> Output {
    plan_on("2026-11-30", more)
}

/// Runs `fieldplan plan` for `date` on the bundled scenario, with `more` arguments.
fn plan_on(date: &str, more: &[&str]) -> Output {
    let repo = |path: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(path)
            .to_string_lossy()
            .into_owned()
    };
    let (data, config) = (repo("data/nanchang"), repo("config"));
    let mut args = vec!["plan", "--date", date, "--data", &data, "--config", &config];
    args.extend(more);
    fieldplan(&args)
}

#[test]
fn export_vroom_writes_every_engineer_and_routed_task_of_the_day() {
    let dir = scratch("plan_export_vroom");
    let (problem, plan) = (dir.join("problem.json"), dir.join("plan.json"));
    let out = plan_day(&["--export", "vroom", problem.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = plan_day(&[
        "--time-limit",
        "0.3",
        "--check",
        "--out",
        plan.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("plan check: no violation"));

    let v: Value = serde_json::from_str(&std::fs::read_to_string(&problem).unwrap()).unwrap();
    let p: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let engineers: BTreeSet<&str> = v["vehicles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["description"].as_str().unwrap())
        .collect();
    assert_eq!(engineers.len(), v["vehicles"].as_array().unwrap().len());
    // Every person on shift: field engineers and customer-service colleagues.
    assert_eq!(
        engineers.len() as u64,
        p["kpis"]["engineersOnShift"].as_u64().unwrap()
            + p["kpis"]["customerServiceOnShift"].as_u64().unwrap()
    );
    let mut tasks = BTreeSet::new();
    for j in v["jobs"].as_array().unwrap() {
        assert!(tasks.insert(j["description"].as_str().unwrap()), "{j}");
        let priority = j["priority"].as_u64().unwrap();
        assert!((1..=100).contains(&priority), "{j}");
    }
    for s in v["shipments"].as_array().unwrap() {
        assert_eq!(s["pickup"]["description"], s["delivery"]["description"]);
        assert!(tasks.insert(s["delivery"]["description"].as_str().unwrap()));
    }
    // Every shift route's stop is a task of the problem, served by an engineer of it; but
    // two-person visits, which VROOM cannot hold (`plan::vroom`), are not exported.
    let mut teams = 0;
    for r in p["routes"].as_array().unwrap() {
        if r.get("callOut").is_some() {
            continue;
        }
        assert!(engineers.contains(r["engineer"].as_str().unwrap()), "{r}");
        for s in r["stops"].as_array().unwrap() {
            let task = s["task"].as_str().unwrap();
            if s.get("companions").is_some() {
                teams += 1;
                assert!(!tasks.contains(task), "{s}");
            } else {
                assert!(tasks.contains(task), "{s}");
            }
        }
    }
    assert!(teams > 0, "the Monday has on-site callbacks");
    let n = v["matrices"]["car"]["durations"].as_array().unwrap().len();
    assert_eq!(
        v["matrices"]["car"]["distances"].as_array().unwrap().len(),
        n
    );
}

#[test]
fn bad_export_and_routes_arguments_exit_with_code_2() {
    let dir = scratch("plan_export_bad");
    let file = dir.join("x.json");
    let out = plan_day(&["--export", "csv", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--export") && stderr(&out).contains("vroom"));
    std::fs::write(
        &file,
        r#"{"code": 0, "routes": [{"vehicle": 1, "steps": []}]}"#,
    )
    .unwrap();
    let out = plan_day(&["--routes", "vroom", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("x.json") && message.contains("routes[0].description"),
        "{message}"
    );
}

#[test]
fn previous_carries_a_call_out_past_midnight_into_the_next_day() {
    let dir = scratch("plan_previous");
    let (monday, tuesday) = (dir.join("monday.json"), dir.join("tuesday.json"));
    let out = plan_day(&["--time-limit", "0.3", "--out", monday.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Monday's plan with a night call-out of the first engineer with work, back at 05:00 on
    // Tuesday: with the configured four hours of rest, her Tuesday leaves at 09:00 or later.
    let mut p: Value = serde_json::from_str(&std::fs::read_to_string(&monday).unwrap()).unwrap();
    let routes = p["routes"].as_array_mut().unwrap();
    let mut call = routes
        .iter()
        .find(|r| !r["stops"].as_array().unwrap().is_empty() && r.get("role").is_none())
        .unwrap()
        .clone();
    let engineer = call["engineer"].as_str().unwrap().to_owned();
    call["departure"] = "2026-11-30T23:30:00+08:00".into();
    call["returnAt"] = "2026-12-01T05:00:00+08:00".into();
    call["callOut"] =
        serde_json::json!({"calledAt": "2026-11-30T23:00:00+08:00", "night": true, "cost": 1});
    routes.push(call);
    std::fs::write(&monday, p.to_string()).unwrap();

    let out = plan_on(
        "2026-12-01",
        &[
            "--time-limit",
            "0.3",
            "--check",
            "--previous",
            monday.to_str().unwrap(),
            "--out",
            tuesday.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("plan check: no violation"));
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&tuesday).unwrap()).unwrap();
    let carried = t["carriedCallOuts"].as_array().unwrap();
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0]["engineer"], engineer.as_str());
    let shift = t["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["engineer"] == engineer.as_str())
        .expect("her Tuesday shift");
    let departure = shift["departure"].as_str().unwrap();
    assert!(departure >= "2026-12-01T09:00:00+08:00", "{departure}");

    // A plan that is not of the day before, or not a plan: a clear error, exit non-zero.
    let out = plan_on("2026-12-02", &["--previous", monday.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not of the day before"),
        "{}",
        stderr(&out)
    );
    std::fs::write(dir.join("junk.json"), "{}").unwrap();
    let out = plan_on(
        "2026-12-01",
        &["--previous", dir.join("junk.json").to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not a plan"), "{}", stderr(&out));
}
