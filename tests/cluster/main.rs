//! Two `fieldplan serve` instances on loopback and one PostgreSQL database (skipped without
//! `FIELDPLAN_TEST_PG`; `.ci/run` starts a cluster). For about a minute, faults and progress
//! reports go alternately to both; one instance is killed with SIGKILL while it solves a plan
//! job. Afterwards: the date has one gap-free version history, every acknowledged write is
//! stored, the killed instance's job was finished by the other, and the event streams of both
//! instances carried every version published while they were up.

// Shared with the other socket tests; its temporary directories are not needed here.
#[allow(dead_code)]
#[path = "../common/http.rs"]
mod http_client;

#[path = "../common/serve.rs"]
mod serve;

use http_client::http;
use serde_json::{Value, json};
use serve::{repo, token};
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-30T12:00:00+08:00";
const DAY: &str = "2026-11-30";

/// A URL of the test database whose connections use a new, empty schema.
fn fresh_schema(url: &str) -> (String, String) {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let schema = format!("c_{hex}");
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    (
        format!("{url}{sep}options=-csearch_path%3D{schema}"),
        schema,
    )
}

/// A killed-on-drop `fieldplan serve` on the shared database.
struct Instance {
    child: Child,
    addr: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(db: &str) -> Instance {
    let (child, addr) = serve::spawn(db, NOW);
    Instance { child, addr }
}

/// The plan versions of [`DAY`] that an event stream of `addr` announced, as they come.
fn subscribe(addr: &str, token: &str) -> Arc<Mutex<Vec<u32>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /v1/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n"
    )
    .unwrap();
    let out = seen.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { return };
            let Some(data) = line.strip_prefix("data:") else {
                continue;
            };
            if let Ok(v) = serde_json::from_str::<Value>(data.trim()) {
                if v["date"] == DAY && v["version"].is_u64() {
                    let n = u32::try_from(v["version"].as_u64().unwrap()).unwrap();
                    out.lock().unwrap().push(n);
                }
            }
        }
    });
    seen
}

fn call(addr: &str, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let text = body.map(|b| b.to_string());
    let (status, reply) = http(addr, method, path, Some(token), text.as_deref());
    (status, serde_json::from_str(&reply).unwrap_or(Value::Null))
}

/// `(device, site)` of the scenario's devices.
fn devices() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo("data/nanchang/devices.json")).unwrap();
    let all: Vec<Value> = serde_json::from_str(&text).unwrap();
    all.iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_owned(),
                d["site"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn latest_version(addr: &str, token: &str) -> u32 {
    let (status, v) = call(addr, "GET", &format!("/v1/plans/{DAY}"), token, None);
    assert_eq!(status, 200, "{v}");
    u32::try_from(v["version"].as_u64().unwrap()).unwrap()
}

/// Waits (bounded) until `seen` holds `version`.
fn wait_for(seen: &Mutex<Vec<u32>>, version: u32) {
    let start = Instant::now();
    while !seen.lock().unwrap().contains(&version) && start.elapsed() < Duration::from_secs(15) {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What the workload wrote and had acknowledged.
#[derive(Default)]
struct Acked {
    faults: Vec<String>,
    progress: Vec<i64>,
}

/// One fault or one progress report, to `addr`; `i` picks which and what.
fn write_one(addr: &str, tokens: &HashMap<&str, String>, i: usize, acked: &mut Acked) {
    let devices = devices();
    if i % 2 == 0 {
        let (device, site) = &devices[(i * 37) % devices.len()];
        // Before the instances' clocks (12:00), at most 7 days before: 02:00 to 11:59.
        let minutes = 1 + i % 600;
        let body = json!({
            "siteId": site, "deviceId": device, "level": 2 + (i / 2) % 2,
            "reportedAt": format!("2026-11-30T{:02}:{:02}:00+08:00", 11 - minutes / 60, 59 - minutes % 60),
        });
        let (status, v) = call(
            addr,
            "POST",
            "/v1/faults",
            &tokens["dispatcher"],
            Some(body),
        );
        assert_eq!(status, 201, "fault {i} on {addr}: {v}");
        acked.faults.push(v["faultId"].as_str().unwrap().to_owned());
    } else {
        let engineer = format!("E-{:02}", 1 + (i / 2) % 30);
        let body = json!({"kind": "position", "at": "2026-11-30T11:30:00+08:00",
                          "position": {"lat": 28.68, "lon": 115.89}});
        let path = format!("/v1/engineers/{engineer}/events");
        let (status, v) = call(addr, "POST", &path, &tokens["dispatcher"], Some(body));
        assert_eq!(status, 201, "progress {i} on {addr}: {v}");
        acked.progress.push(v["seq"].as_i64().unwrap());
    }
}

#[test]
fn two_instances_share_one_history_and_finish_a_killed_instances_job() {
    let Some(url) = std::env::var("FIELDPLAN_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("FIELDPLAN_TEST_PG not set: skipped");
        return;
    };
    let (db, schema) = fresh_schema(&url);
    let tokens: HashMap<&str, String> = ["dispatcher", "planner", "manager"]
        .into_iter()
        .map(|r| (r, token(&db, r)))
        .collect();
    // The first start loads the scenario; the second finds it loaded.
    let a = spawn(&db);
    let mut b = Some(spawn(&db));
    let b_addr = b.as_ref().unwrap().addr.clone();
    let seen_a = subscribe(&a.addr, &tokens["manager"]);
    let seen_b = subscribe(&b_addr, &tokens["manager"]);
    std::thread::sleep(Duration::from_millis(300));
    let (status, v) = call(
        &a.addr,
        "POST",
        "/v1/plans",
        &tokens["planner"],
        Some(json!({"date": DAY, "timeLimitMs": 2000, "seed": 1})),
    );
    assert_eq!(status, 201, "{v}");

    let mut acked = Acked::default();
    let start = Instant::now();
    let mut job = None;
    let mut i = 0;
    while start.elapsed() < Duration::from_secs(60) {
        let to_b = i % 4 >= 2 && b.is_some();
        let addr = if to_b { b_addr.clone() } else { a.addr.clone() };
        write_one(&addr, &tokens, i, &mut acked);
        i += 1;
        // About four writes a second: a dispatch centre's busy hour, not a flood.
        std::thread::sleep(Duration::from_millis(250));
        if job.is_none() && start.elapsed() > Duration::from_secs(25) {
            // A plan job on B (longer than the synchronous limit), then B dies solving it,
            // once its stream has every version so far.
            let (status, v) = call(
                &b_addr,
                "POST",
                "/v1/plans",
                &tokens["planner"],
                Some(json!({"date": DAY, "timeLimitMs": 8000, "seed": 2})),
            );
            assert_eq!(status, 202, "{v}");
            job = Some(v["id"].as_str().unwrap().to_owned());
            let before = latest_version(&a.addr, &tokens["manager"]);
            wait_for(&seen_b, before);
            std::thread::sleep(Duration::from_millis(500));
            let (_, j) = call(
                &b_addr,
                "GET",
                &format!("/v1/jobs/{}", job.as_ref().unwrap()),
                &tokens["manager"],
                None,
            );
            assert_eq!(j["status"], "running", "killed while solving: {j}");
            let killed_at = latest_version(&a.addr, &tokens["manager"]);
            drop(b.take());
            *seen_b.lock().unwrap() = check_stream("B", &seen_b, killed_at);
        }
    }
    let job = job.expect("the job was started");

    // The killed instance's job: claimed by A once B's lease ran out, solved, published.
    let deadline = Instant::now() + Duration::from_secs(90);
    let finished = loop {
        let (_, j) = call(
            &a.addr,
            "GET",
            &format!("/v1/jobs/{job}"),
            &tokens["manager"],
            None,
        );
        if j["status"] != "running" && j["status"] != "queued" {
            break j;
        }
        assert!(Instant::now() < deadline, "job {job} never finished: {j}");
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(finished["status"], "succeeded", "{finished}");

    // One gap-free history of the date, each version readable.
    let last = latest_version(&a.addr, &tokens["manager"]);
    let mut pg = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let stored: Vec<i32> = pg
        .query(
            &format!("SELECT version FROM {schema}.plan_versions WHERE date = $1 ORDER BY version"),
            &[&DAY],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        stored,
        (1..=i32::try_from(last).unwrap()).collect::<Vec<_>>()
    );
    assert!(finished["result"]["version"].as_u64().unwrap() <= u64::from(last));

    // Every acknowledged write is stored.
    for id in &acked.faults {
        let (status, v) = call(
            &a.addr,
            "GET",
            &format!("/v1/faults/{id}"),
            &tokens["manager"],
            None,
        );
        assert_eq!(status, 200, "fault {id}: {v}");
    }
    let seqs: BTreeSet<i64> = pg
        .query(&format!("SELECT seq FROM {schema}.progress_events"), &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(acked.progress.iter().all(|s| seqs.contains(s)));
    assert!(
        acked.faults.len() >= 10 && acked.progress.len() >= 10,
        "{} writes",
        i
    );

    // A's stream carried every version, each once.
    wait_for(&seen_a, last);
    check_stream("A", &seen_a, last);
}

/// The versions a stream announced: exactly 1..=`last`, each once.
fn check_stream(name: &str, seen: &Mutex<Vec<u32>>, last: u32) -> Vec<u32> {
    let mut got = seen.lock().unwrap().clone();
    got.sort_unstable();
    assert_eq!(got, (1..=last).collect::<Vec<_>>(), "the stream of {name}");
    got
}
