//! Criterion benches of the routing engine: the exact schedule of one route (with and without
//! a break, the O(n) and O(n²) paths), the evaluation of every insertion position of one job
//! and one local-search descent on a constructed Solomon solution, and a short full solve of
//! Solomon C101 on a fixed, deterministic work budget.

use criterion::{Criterion, criterion_group, criterion_main};
use fieldplan::io::solomon::{Instance, SolomonObjective};
use fieldplan::solve::routing::bench::Fixture;
use fieldplan::solve::routing::{
    self, Break, Distance, Job, JobId, Matrix, Problem, ProblemInput, SolverConfig, Time,
    TimeWindow, Vehicle, schedule,
};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// 20 jobs on a circle of radius 50 around the depot, visited in circle order; wide windows
/// so that the route is feasible. `rest_break` adds a break the route needs.
fn circle_route(rest_break: Option<Break>) -> (Problem, Vec<JobId>) {
    let n = 20;
    let points: Vec<(f64, f64)> = std::iter::once((0.0, 0.0))
        .chain((0..n).map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            (50.0 * a.cos(), 50.0 * a.sin())
        }))
        .collect();
    let edge = |i: usize, j: usize| {
        let (a, b) = (points[i], points[j]);
        ((a.0 - b.0).hypot(a.1 - b.1) * 100.0).ceil() as i64
    };
    let jobs = (1..=n)
        .map(|loc| Job {
            windows: vec![TimeWindow::new(Time(0), Time(1_000_000))],
            ..Job::at(loc, Time(1_000))
        })
        .collect();
    let vehicle = Vehicle {
        rest_break,
        ..Vehicle::at(0, TimeWindow::new(Time(0), Time(1_000_000)))
    };
    let problem = Problem::new(ProblemInput {
        distances: Matrix::from_fn(n + 1, |i, j| Distance(edge(i, j))),
        durations: Matrix::from_fn(n + 1, |i, j| Time(edge(i, j))),
        jobs,
        vehicles: vec![vehicle],
        pairs: Vec::new(),
        groups: Vec::new(),
        minimize_vehicles: false,
    })
    .expect("a valid bench problem");
    let route = (0..n).collect();
    (problem, route)
}

fn bench_schedule(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule_20_jobs");
    let cases = [
        ("no_break", None),
        (
            "with_break",
            Some(Break {
                window: TimeWindow::new(Time(10_000), Time(12_000)),
                duration: Time(3_000),
            }),
        ),
    ];
    for (name, rest_break) in cases {
        let (problem, route) = circle_route(rest_break);
        assert!(
            schedule(&problem, 0, &route).is_ok(),
            "the bench route is feasible"
        );
        group.bench_function(name, |b| {
            b.iter(|| schedule(black_box(&problem), 0, black_box(&route)))
        });
    }
    group.finish();
}

/// A bundled Solomon instance.
fn solomon(name: &str, objective: SolomonObjective) -> Problem {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/solomon")
        .join(name);
    Instance::read(&path)
        .expect("a bundled instance")
        .to_problem(objective)
}

/// Every insertion position of one job into the construction of R101 (O(1) each) and of
/// RC201 (long routes), the job taken out first.
fn bench_insertion(c: &mut Criterion) {
    let mut group = c.benchmark_group("insertion_one_job");
    for name in ["R101.txt", "RC201.txt"] {
        let problem = solomon(name, SolomonObjective::Distance);
        let mut fixture = Fixture::construct(&problem, 1);
        let job = problem.num_jobs() / 2;
        fixture.take_out(&[job]);
        assert!(fixture.best_insertion(job).is_some(), "the job fits back");
        group.bench_function(name.trim_end_matches(".txt"), |b| {
            b.iter(|| fixture.best_insertion(black_box(job)))
        });
    }
    group.finish();
}

/// One local-search descent from every job of the construction of R101.
fn bench_local_search(c: &mut Criterion) {
    let problem = solomon("R101.txt", SolomonObjective::Distance);
    let mut fixture = Fixture::construct(&problem, 1);
    let constructed = fixture.objective();
    assert!(fixture.descend() < constructed, "the descent improves");
    let mut group = c.benchmark_group("local_search");
    group.sample_size(20);
    group.bench_function("r101_descend", |b| b.iter(|| fixture.descend()));
    group.finish();
}

fn bench_solve(c: &mut Criterion) {
    let problem = solomon("C101.txt", SolomonObjective::Hierarchical);
    // The work budget, not the clock, ends the search: the same work on every run.
    let config = SolverConfig {
        max_work: Some(2_000_000),
        ..SolverConfig::default().with_time_limit(Duration::from_secs(30))
    };
    let mut group = c.benchmark_group("solve");
    group.sample_size(10);
    group.bench_function("c101_fixed_budget", |b| {
        b.iter(|| routing::solve(black_box(&problem), &config))
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_schedule,
    bench_insertion,
    bench_local_search,
    bench_solve
);
criterion_main!(benches);
