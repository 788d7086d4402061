//! Sweeps: determinism per seed, staffing, the target, cancel, the chart.

use crate::support::nanchang;
use fieldplan::sim::staffing::select_engineers;
use fieldplan::sim::{
    PolicyKind, SimConfig, SweepConfig, SweepParams, SweepResult, Target, chart_svg,
    parse_staff_range, run_sweep,
};
use std::collections::BTreeSet;
use std::process::Command;
use std::sync::atomic::AtomicBool;

fn params(staff: Vec<usize>, reps: u32, seed: u64, days: u32) -> SweepParams {
    SweepParams {
        staff,
        reps,
        seed,
        sim: SimConfig {
            days,
            ..SimConfig::default()
        },
        target: Target::default(),
        policy: PolicyKind::Baseline,
        plan_work: fieldplan::sim::config::DEFAULT_PLAN_WORK,
    }
}

fn sweep(p: SweepParams) -> SweepResult {
    let (scenario, cfg) = nanchang();
    let cfg = SweepConfig::new(scenario, cfg, p).expect("valid parameters");
    run_sweep(&cfg, &|_, _| {}, &AtomicBool::new(false))
}

#[test]
fn replications_agree_with_their_seed_and_differ_across_seeds() {
    let a = sweep(params(vec![10], 2, 5, 21));
    let b = sweep(params(vec![10], 2, 5, 21));
    assert_eq!(a.levels, b.levels, "same seed, same answer");
    let reps = &a.levels[0].replications;
    assert_ne!(reps[0], reps[1], "replications have their own seeds");
    let c = sweep(params(vec![10], 2, 6, 21));
    assert_ne!(a.levels[0].replications, c.levels[0].replications);
}

#[test]
fn more_engineers_never_lower_level_1_attainment_beyond_the_noise() {
    let r = sweep(params(vec![6, 10, 14, 18], 4, 1, 42));
    assert_eq!(r.levels.len(), 4);
    for w in r.levels.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        // Common random numbers: the same faults at every headcount; allow a few faults'
        // worth of noise from the plans changing.
        assert!(
            b.on_site[0].mean >= a.on_site[0].mean - 0.05,
            "{} engineers: {:.3}, {}: {:.3}",
            a.headcount,
            a.on_site[0].mean,
            b.headcount,
            b.on_site[0].mean
        );
        assert!(b.utilisation.mean < a.utilisation.mean);
        assert!(b.faults == a.faults, "the same faults at every headcount");
    }
    let svg = chart_svg(&r);
    assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
    assert!(svg.contains("inspections in window"));
}

#[test]
fn smallest_headcount_is_the_first_meeting_the_target() {
    let mut p = params(vec![2, 12], 1, 3, 21);
    p.target.fault_share = 0.5;
    p.target.inspection_share = 0.5;
    let r = sweep(p);
    let first = r
        .levels
        .iter()
        .find(|l| l.meets_target)
        .map(|l| l.headcount);
    assert_eq!(r.smallest_meeting_target, first);
    assert!(r.levels[1].meets_target, "12 engineers handle 3 weeks");
}

#[test]
fn cancelled_sweep_returns_no_unfinished_headcount() {
    let (scenario, cfg) = nanchang();
    let cfg = SweepConfig::new(scenario, cfg, params(vec![4, 8], 2, 1, 30)).unwrap();
    let r = run_sweep(&cfg, &|_, _| {}, &AtomicBool::new(true));
    assert!(r.cancelled);
    assert!(r.levels.is_empty());
}

#[test]
fn progress_counts_engineer_days_up_to_the_total() {
    let (scenario, cfg) = nanchang();
    let cfg = SweepConfig::new(scenario, cfg, params(vec![3, 5], 2, 1, 10)).unwrap();
    assert_eq!(cfg.total_units(), (3 + 5) * 10 * 2);
    let last = std::sync::Mutex::new((0, 0));
    run_sweep(
        &cfg,
        &|done, total| {
            let mut l = last.lock().unwrap();
            l.0 = l.0.max(done);
            l.1 = total;
        },
        &AtomicBool::new(false),
    );
    assert_eq!(*last.lock().unwrap(), (160, 160));
}

#[test]
fn staffing_scales_districts_and_clones_beyond_the_scenario() {
    let (scenario, _) = nanchang();
    let own = scenario.engineers().len();
    let small = select_engineers(&scenario, 18);
    assert_eq!(small.len(), 18);
    let ids: BTreeSet<_> = small.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids.len(), 18);
    assert!(small.iter().all(|e| scenario.engineer(&e.id).is_some()));
    let homes: BTreeSet<_> = small.iter().map(|e| e.home.clone()).collect();
    assert_eq!(
        homes.len(),
        scenario.service_points().len(),
        "every district staffed"
    );
    let big = select_engineers(&scenario, own + 6);
    assert_eq!(big.len(), own + 6);
    let ids: BTreeSet<_> = big.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids.len(), own + 6, "clones get their own ids");
    // Seats follow devices, so a busy district may clone while a quiet one leaves someone out.
    assert!(big.iter().filter(|e| e.id.as_str().contains("-C")).count() >= 6);
    assert_eq!(
        select_engineers(&scenario, 18),
        small,
        "a deterministic rule"
    );
}

#[test]
fn staff_ranges_parse_and_bad_ones_say_why() {
    assert_eq!(
        parse_staff_range("18..36", 2).unwrap(),
        vec![18, 20, 22, 24, 26, 28, 30, 32, 34, 36]
    );
    assert_eq!(parse_staff_range("5..10", 3).unwrap(), vec![5, 8, 10]);
    assert_eq!(parse_staff_range("7", 1).unwrap(), vec![7]);
    let err = parse_staff_range("36..18", 2).unwrap_err();
    assert!(err.to_string().contains("36..18"), "{err}");
    assert!(parse_staff_range("a..b", 2).is_err());
    assert!(parse_staff_range("0..4", 2).is_err());
    assert!(parse_staff_range("4..8", 0).is_err());
}

#[test]
fn cli_rejects_a_reversed_staff_range_with_a_clear_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_fieldplan"))
        .args(["simulate", "--staff", "36..18", "--out"])
        .arg(std::env::temp_dir().join("fieldplan-sim-never-written"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--staff") && err.contains("36..18"), "{err}");
}

#[test]
fn cli_writes_results_csv_and_chart() {
    let dir = std::env::temp_dir().join(format!("fieldplan-sim-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_fieldplan"))
        .current_dir(crate::support::repo())
        .args([
            "simulate", "--days", "14", "--staff", "8..12", "--step", "4", "--reps", "2", "--seed",
            "1", "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("staff"), "{stdout}");
    let csv = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "header and two headcounts:\n{csv}");
    assert!(csv.starts_with("headcount,reps,"));
    let svg = std::fs::read_to_string(dir.join("chart.svg")).unwrap();
    assert!(svg.contains("<svg"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn real_planner_policy_is_deterministic_and_serves_faults() {
    let mut p = params(vec![10], 1, 2, 10);
    p.policy = PolicyKind::Planner;
    let a = sweep(p.clone());
    let b = sweep(p);
    assert_eq!(
        a.policy, "planner",
        "the planner sets up on a staffed scenario"
    );
    assert_eq!(
        a.levels, b.levels,
        "fixed work budgets: same seed, same answer"
    );
    let rep = &a.levels[0].replications[0];
    let faults: u32 = rep.faults.iter().sum();
    assert!(faults > 0);
    assert!(rep.on_site.iter().any(|s| *s > 0.0), "{rep:?}");
    assert!(rep.inspections > 0.5, "{rep:?}");
}
