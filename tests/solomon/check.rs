//! `check_solomon` applies the rules of `check_solution.py`.

use crate::{data, tiny};
use fieldplan::io::solomon::{Instance, SolomonObjective};
use fieldplan::io::solomon_check::{SolomonViolation, check_solomon};
use fieldplan::solve::routing::{self, SolverConfig, check::check};

fn instance(depot_due: u32) -> Instance {
    Instance::parse(&tiny(depot_due)).expect("valid")
}

#[test]
fn scores_feasible_routes_in_double_precision() {
    let score = check_solomon(&instance(100), &[vec![1, 2], vec![3]]);
    assert!(score.feasible(), "{:?}", score.violations);
    assert_eq!(score.vehicles, 2);
    assert!((score.distance - 40.0).abs() < 1e-12);
}

#[test]
fn ignores_empty_routes_and_strips_depots_at_the_ends() {
    let score = check_solomon(
        &instance(100),
        &[vec![], vec![0, 0], vec![0, 1, 2, 0], vec![3]],
    );
    assert!(score.feasible(), "{:?}", score.violations);
    assert_eq!(score.vehicles, 2);
}

#[test]
fn accepts_a_service_starting_exactly_at_the_due_date() {
    // Customer 2 is reached at 11 <= 12; with its due date at 11 it is still on time.
    let text = tiny(100).replace("2 6 8 5 10 12 1", "2 6 8 5 10 11 1");
    let i = Instance::parse(&text).expect("valid");
    assert!(check_solomon(&i, &[vec![1, 2], vec![3]]).feasible());
}

#[test]
fn reports_a_late_arrival() {
    // 3 then 2: customer 2 reached at 10 + sqrt(40) > 12.
    let score = check_solomon(&instance(100), &[vec![3, 2], vec![1]]);
    assert!(matches!(
        score.violations.as_slice(),
        [SolomonViolation::LateArrival {
            route: 1,
            customer: 2,
            ..
        }]
    ));
}

#[test]
fn reports_a_late_return() {
    let score = check_solomon(&instance(21), &[vec![1, 2], vec![3]]);
    assert_eq!(
        score.violations,
        vec![SolomonViolation::LateReturn {
            route: 1,
            arrival: 22.0,
            due: 21.0
        }]
    );
}

#[test]
fn reports_an_overloaded_route() {
    let score = check_solomon(&instance(100), &[vec![1, 2, 3]]);
    assert_eq!(
        score.violations,
        vec![SolomonViolation::OverCapacity {
            route: 1,
            load: 14.0,
            capacity: 10.0
        }]
    );
}

#[test]
fn reports_depot_visits_and_unknown_customers() {
    let score = check_solomon(&instance(100), &[vec![0, 1, 0, 2, 0], vec![3, 9]]);
    assert_eq!(
        score.violations,
        vec![
            SolomonViolation::DepotMidRoute {
                route: 1,
                position: 2
            },
            SolomonViolation::UnknownCustomer {
                route: 2,
                customer: 9,
                position: 2
            },
        ]
    );
}

#[test]
fn reports_customers_served_twice_or_never() {
    let score = check_solomon(&instance(100), &[vec![1, 2], vec![2]]);
    assert_eq!(
        score.violations,
        vec![
            SolomonViolation::ServedTwice {
                customer: 2,
                first_route: 1,
                route: 2
            },
            SolomonViolation::NotServed { customers: vec![3] },
        ]
    );
    assert_eq!(
        score.violations[1].to_string(),
        "1 customer(s) not served: 3"
    );
}

#[test]
fn reports_more_routes_than_the_fleet() {
    let score = check_solomon(&instance(100), &[vec![1], vec![2], vec![3]]);
    assert_eq!(
        score.violations,
        vec![SolomonViolation::TooManyVehicles { used: 3, fleet: 2 }]
    );
}

#[test]
fn solver_answers_on_c101_pass_both_checkers() {
    let i = Instance::read(&data("C101.txt")).expect("C101");
    for objective in [SolomonObjective::Hierarchical, SolomonObjective::Distance] {
        let problem = i.to_problem(objective);
        let config = SolverConfig::default().with_time_limit(std::time::Duration::from_millis(200));
        let solution = routing::solve(&problem, &config);
        check(&problem, &solution).expect("the routing checker accepts the answer");
        let routes: Vec<Vec<usize>> = solution
            .routes
            .iter()
            .map(|r| r.jobs.iter().map(|&j| j + 1).collect())
            .collect();
        let score = check_solomon(&i, &routes);
        assert!(score.feasible(), "{:?}", score.violations);
        assert!((score.distance - i.routes_distance(&routes)).abs() < 1e-9);
    }
}
