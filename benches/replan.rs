//! Criterion benches of urgent re-planning: one fault inserted into a full day
//! (`insert_fault`) and the top-5 recommendations (`recommend`), on
//! - the Nanchang scenario, densified to about 30 engineers and 300 stops (20-minute
//!   inspections of every device on top of the day's own tasks), and
//! - a scaled scenario (`scenario::generate`, 900 sites, 110 engineers, about 100 on shift)
//!   densified the same way to about 1,000 stops.
//!
//! Before criterion runs, each setup prints the plan's size and the p50 / p99 / max latency
//! of `insert_fault` over 200 different faults (one per device, in turn), the figure the
//! service's latency target is about, with what the latency buys: faults placed by their
//! deadline, repairs that spent their whole work limit, and visits displaced by a fault and
//! not placed again. Figures are in `benches/README.md`.
//!
//! First of all, `http` measures `POST /v1/faults` through the whole service (`api::app`) on
//! Nanchang and on a scaled scenario of 5,000 sites, printing p50 / p99 / max (no criterion).
//! `REPLAN_BENCH=http` runs only that part, `REPLAN_BENCH=direct` only the rest.

#[path = "replan/http.rs"]
mod http;

use criterion::{Criterion, criterion_group, criterion_main};
use fieldplan::domain::cadence::DueSlot;
use fieldplan::domain::duration::Minutes;
use fieldplan::domain::family::PerFamily;
use fieldplan::domain::ids::{FaultId, TaskId};
use fieldplan::domain::instant::Instant;
use fieldplan::domain::reason::ReasonCode;
use fieldplan::domain::task::{Task, TaskDetail};
use fieldplan::plan::replan::{insert_fault, recommend};
use fieldplan::plan::{DayInputs, FaultInput, Plan, PlanRequest, PlanningContext, plan_day};
use fieldplan::scenario::generate::{GenerateOptions, generate};
use fieldplan::scenario::{Scenario, load_config};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant as Clock};

struct Setup {
    name: &'static str,
    ctx: PlanningContext,
    plan: Plan,
    now: Instant,
    faults: Vec<FaultInput>,
}

fn date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

/// A day with short inspections of every device: dense routes.
fn setup(name: &'static str, scenario: Scenario, work: u64) -> Setup {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = load_config(root.join("config")).unwrap();
    config.durations.inspection = PerFamily::from_fn(|_| Minutes::new(20));
    config.durations.callback.on_site = Minutes::new(20);
    let due: DueSlot = serde_json::from_value(serde_json::json!({
        "slot": {"due": "2026-12-02", "window": {"from": "2026-11-27", "to": "2026-12-07"}, "month": 6},
        "overdue": false
    }))
    .unwrap();
    let extra: Vec<Task> = scenario
        .devices()
        .iter()
        .map(|d| {
            Task::new(
                TaskId::new(format!("T-XI-{}", d.id())).unwrap(),
                d.site().clone(),
                TaskDetail::Inspection {
                    device: d.id().clone(),
                    family: d.family(),
                    due,
                },
                &config.durations,
            )
        })
        .collect();
    let faults: Vec<FaultInput> = scenario
        .devices()
        .iter()
        .step_by(3)
        .take(200)
        .enumerate()
        .map(|(i, d)| FaultInput {
            fault: FaultId::new(format!("F-B{i:04}")).unwrap(),
            site: d.site().clone(),
            device: d.id().clone(),
            level: 1u8.try_into().unwrap(),
            reported_at: Instant::parse("2026-11-30T10:30:00+08:00").unwrap(),
            events: Vec::new(),
        })
        .collect();
    let ctx = PlanningContext::geodesic(scenario, config).unwrap();
    let request = PlanRequest {
        date: date(),
        time_limit: Duration::from_secs(60),
        seed: 2,
        threads: 1,
        max_work: Some(work),
    };
    let inputs = DayInputs {
        extra_tasks: extra,
        ..DayInputs::default()
    };
    let started = Clock::now();
    let plan = plan_day(&ctx, &request, &inputs).unwrap();
    let planned = started.elapsed().as_secs_f64();
    let now = Instant::parse("2026-11-30T11:00:00+08:00").unwrap();
    let (mut met, mut at_limit, mut displaced) = (0, 0, 0);
    let limit = ctx.settings().repair.max_work;
    let mut times: Vec<f64> = faults
        .iter()
        .map(|f| {
            let t = Clock::now();
            let out = insert_fault(&ctx, &plan, &[], f, now).unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            met += usize::from(out.deadline_met);
            at_limit += usize::from(out.work >= limit);
            displaced += (out.plan.unassigned.iter())
                .filter(|u| u.reason == ReasonCode::DisplacedByFault)
                .count();
            black_box(out);
            ms
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    eprintln!(
        "{name}: {} engineers on shift, {} stops (plan {planned:.1} s); insert_fault over {} \
         faults: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; deadline met {met}, repair work at \
         its limit ({limit}) {at_limit}, visits displaced and left out {displaced}",
        plan.kpis.engineers_on_shift,
        plan.kpis.stops,
        times.len(),
        pct(0.5),
        pct(0.99),
        times.last().unwrap()
    );
    Setup {
        name,
        ctx,
        plan,
        now,
        faults,
    }
}

fn bench_setup(c: &mut Criterion, s: &Setup) {
    let fault = &s.faults[0];
    c.bench_function(&format!("insert_fault/{}", s.name), |b| {
        b.iter(|| insert_fault(&s.ctx, &s.plan, &[], black_box(fault), s.now).unwrap())
    });
    c.bench_function(&format!("recommend5/{}", s.name), |b| {
        b.iter(|| recommend(&s.ctx, &s.plan, &[], black_box(fault), s.now, 5).unwrap())
    });
}

fn replan(c: &mut Criterion) {
    let part = std::env::var("REPLAN_BENCH").unwrap_or_default();
    if part != "direct" {
        http::run();
    }
    if part == "http" {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let nanchang = Scenario::load(root.join("data/nanchang")).unwrap();
    let small = setup("nanchang-30x300", nanchang, 20_000_000);
    bench_setup(c, &small);
    let scaled = generate(&GenerateOptions {
        sites: 900,
        engineers: 110,
        ..GenerateOptions::default()
    })
    .unwrap();
    let large = setup("scaled-100x1000", scaled, 40_000_000);
    bench_setup(c, &large);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = replan
}
criterion_main!(benches);
