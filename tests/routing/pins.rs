//! Pins: a job pinned to a vehicle is served by that vehicle or not at all, whatever the
//! cheaper choice, for any number of vehicles (pins are a constraint of their own, not skill
//! bits); the checker reports a pinned job on another vehicle.

use crate::support::{assemble, line_problem, t, window};
use fieldplan::solve::routing::check::{Violation, check, earliest_schedule};
use fieldplan::solve::routing::{
    Job, Pair, Problem, RoutePlan, Solution, SolveStats, SolverConfig, Vehicle, solve,
};
use std::time::Duration;

fn config() -> SolverConfig {
    SolverConfig {
        max_work: Some(2_000_000),
        ..SolverConfig::default().with_time_limit(Duration::from_secs(60))
    }
}

/// Vehicle 0 at location 0, vehicle 1 at location 9; job 0 at location 1 (next to vehicle
/// 0), job 1 at location 8 (next to vehicle 1). Unpinned, each goes to its neighbour.
fn crossed() -> Problem {
    line_problem(
        10,
        vec![Job::at(1, t(5)), Job::at(8, t(5))],
        vec![
            Vehicle::at(0, window(0, 1_000)),
            Vehicle::at(9, window(0, 1_000)),
        ],
        Vec::new(),
        false,
    )
}

fn route_of(s: &Solution, job: usize) -> Option<usize> {
    s.routes
        .iter()
        .find(|r| r.jobs.contains(&job))
        .map(|r| r.vehicle)
}

#[test]
fn a_pinned_job_goes_to_its_vehicle_even_when_another_is_nearer() {
    let free = solve(&crossed(), &config());
    check(&crossed(), &free).expect("valid");
    assert_eq!((route_of(&free, 0), route_of(&free, 1)), (Some(0), Some(1)));
    assert_eq!(free.distance.0, 2 * (10 + 10));
    // Crossed pins: each job to the far vehicle, 80 units there and 80 back.
    let p = crossed().with_pins([(0, 1), (1, 0)]).unwrap();
    let s = solve(&p, &config());
    check(&p, &s).expect("valid");
    assert_eq!((route_of(&s, 0), route_of(&s, 1)), (Some(1), Some(0)));
    assert_eq!(s.distance.0, 2 * (80 + 80));
}

#[test]
fn the_checker_reports_a_pinned_job_on_another_vehicle() {
    let p = crossed().with_pins([(0, 1)]).unwrap();
    // The unpinned problem's answer, job 0 on vehicle 0, is wrong under the pin.
    let good = assemble(&crossed(), &[(0, vec![0]), (1, vec![1])], &[]).unwrap();
    let routes = good
        .routes
        .iter()
        .map(|r| RoutePlan {
            schedule: earliest_schedule(&p, r.vehicle, &r.jobs).expect("times fit"),
            ..r.clone()
        })
        .collect();
    let s = Solution {
        routes,
        stats: SolveStats::default(),
        ..good
    };
    let v = check(&p, &s).unwrap_err();
    assert!(
        v.contains(&Violation::PinBroken {
            job: 0,
            vehicle: 0,
            pinned: 1
        }),
        "{v:?}"
    );
    assert!(
        Violation::PinBroken {
            job: 0,
            vehicle: 0,
            pinned: 1
        }
        .to_string()
        .contains("pinned to vehicle 1")
    );
}

#[test]
fn pins_out_of_range_or_splitting_a_pair_are_refused() {
    assert!(crossed().with_pins([(2, 0)]).is_err());
    assert!(crossed().with_pins([(0, 2)]).is_err());
    let paired = line_problem(
        10,
        vec![Job::at(1, t(5)), Job::at(8, t(5))],
        vec![
            Vehicle::at(0, window(0, 1_000)),
            Vehicle::at(9, window(0, 1_000)),
        ],
        vec![Pair {
            pickup: 0,
            delivery: 1,
        }],
        false,
    );
    let e = paired.clone().with_pins([(0, 0), (1, 1)]).unwrap_err();
    assert_eq!(e.field, "pins[1]");
    assert!(paired.with_pins([(0, 1), (1, 1)]).is_ok());
}

#[test]
fn seventy_vehicles_each_serve_the_job_pinned_to_them() {
    // Skill bits would cap this at 56 pinned vehicles (64 bits less 8 device families).
    let n = 70;
    let jobs = (0..n).map(|i| Job::at(1 + i % 5, t(5))).collect();
    let vehicles = (0..n).map(|_| Vehicle::at(0, window(0, 1_000))).collect();
    // Job i to vehicle n - 1 - i: nothing about the line suggests that assignment.
    let p = line_problem(6, jobs, vehicles, Vec::new(), false)
        .with_pins((0..n).map(|i| (i, n - 1 - i)))
        .unwrap();
    let s = solve(&p, &config());
    check(&p, &s).expect("valid");
    assert!(s.unassigned.is_empty());
    for i in 0..n {
        assert_eq!(route_of(&s, i), Some(n - 1 - i), "job {i}");
    }
}
