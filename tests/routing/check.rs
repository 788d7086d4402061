//! The checker catches every kind of violation and accepts what is valid.

use crate::support::{assemble, line_problem, t, window};
use fieldplan::solve::routing::check::{Violation, check, earliest_schedule};
use fieldplan::solve::routing::schedule::{BreakTimes, VisitTimes};
use fieldplan::solve::routing::{
    Break, Cost, Distance, Job, JobId, Load, Overtime, Pair, Problem, RoutePlan, Skills, Solution,
    SolveStats, Vehicle, VehicleId,
};

/// Jobs 0-2 single (job 1 has two windows, job 2 a deadline and skill 0), 3 -> 4 an optional
/// pickup-delivery pair. Vehicle 0 has skill 0, vehicle 1 none.
fn jobs() -> Vec<Job> {
    vec![
        Job {
            windows: vec![window(0, 100)],
            demand: Load(3),
            ..Job::at(1, t(5))
        },
        Job {
            windows: vec![window(0, 10), window(50, 80)],
            demand: Load(3),
            ..Job::at(2, t(5))
        },
        Job {
            deadline: Some(t(300)),
            demand: Load(2),
            skills: Skills(1),
            ..Job::at(3, t(5))
        },
        Job {
            demand: Load(4),
            drop_penalty: Some(Cost(100)),
            ..Job::at(4, t(5))
        },
        Job {
            drop_penalty: Some(Cost(100)),
            ..Job::at(5, t(5))
        },
    ]
}

fn vehicle(skills: u64) -> Vehicle {
    Vehicle {
        skills: Skills(skills),
        capacity: Load(10),
        ..Vehicle::at(0, window(0, 400))
    }
}

fn problem_with(v0: Vehicle, minimize_vehicles: bool) -> Problem {
    line_problem(
        6,
        jobs(),
        vec![v0, vehicle(0)],
        vec![Pair {
            pickup: 3,
            delivery: 4,
        }],
        minimize_vehicles,
    )
}

fn problem() -> Problem {
    problem_with(vehicle(1), false)
}

/// All five jobs on vehicle 0: 0 at 10, 1 waits for its second window (50), 2 at 65, the pair
/// at 80 and 95, back at 150; distance 100.
fn full(problem: &Problem) -> Solution {
    assemble(problem, &[(0, vec![0, 1, 2, 3, 4])], &[]).expect("feasible")
}

/// A solution timed by the checker but not verified, for routes that break static rules.
fn unchecked(
    problem: &Problem,
    routes: &[(VehicleId, Vec<JobId>)],
    unassigned: &[JobId],
) -> Solution {
    let routes: Vec<RoutePlan> = routes
        .iter()
        .map(|(v, jobs)| RoutePlan {
            vehicle: *v,
            jobs: jobs.clone(),
            schedule: earliest_schedule(problem, *v, jobs).expect("timing feasible"),
        })
        .collect();
    Solution {
        distance: routes.iter().map(|r| r.schedule.distance).sum(),
        routes,
        unassigned: unassigned.to_vec(),
        objective: Default::default(),
        stats: SolveStats::default(),
    }
}

fn violations(problem: &Problem, solution: &Solution) -> Vec<Violation> {
    check(problem, solution).expect_err("the solution must be rejected")
}

#[track_caller]
fn assert_reports(problem: &Problem, solution: &Solution, expected: Violation) {
    let found = violations(problem, solution);
    assert!(
        found.contains(&expected),
        "expected {expected:?} among {found:?}"
    );
}

#[test]
fn accepts_a_valid_solution_and_recomputes_its_objective() {
    let p = problem();
    let s = full(&p);
    let visits = &s.routes[0].schedule.visits;
    assert_eq!(visits[1].start, t(50), "job 1 waits for its second window");
    let report = check(&p, &s).expect("valid");
    assert_eq!(report.served, 5);
    assert_eq!(report.vehicles_used, 1);
    assert_eq!(report.distance, Distance(100));
    assert_eq!(report.objective.travel, Cost(100));
    assert_eq!(report.objective.vehicles, 0);
}

#[test]
fn counts_dropped_penalties_and_vehicles_when_minimised() {
    let p = problem_with(vehicle(1), true);
    let s = assemble(&p, &[(0, vec![0, 2]), (1, vec![1])], &[3, 4]).expect("feasible");
    let report = check(&p, &s).expect("valid");
    assert_eq!(report.objective.dropped_penalty, Cost(200));
    assert_eq!(report.objective.vehicles, 2);
    assert_eq!(report.objective.unserved_mandatory, 0);
}

#[test]
fn counts_unserved_mandatory_jobs() {
    let p = problem();
    let s = assemble(&p, &[(0, vec![0, 3, 4])], &[1, 2]).expect("feasible");
    assert_eq!(
        check(&p, &s).expect("valid").objective.unserved_mandatory,
        2
    );
}

#[test]
fn reports_a_job_both_routed_and_unassigned() {
    let p = problem();
    let mut s = full(&p);
    s.unassigned.push(0);
    assert_reports(&p, &s, Violation::JobRepeated { job: 0, times: 2 });
}

#[test]
fn reports_a_job_neither_routed_nor_unassigned() {
    let p = problem();
    let s = assemble(&p, &[(0, vec![0, 1, 3, 4])], &[]).expect("feasible");
    assert_reports(&p, &s, Violation::JobMissing { job: 2 });
}

#[test]
fn reports_an_unknown_job() {
    let p = problem();
    let mut s = full(&p);
    s.unassigned.push(99);
    assert_reports(&p, &s, Violation::UnknownJob { job: 99 });
}

#[test]
fn reports_a_vehicle_with_two_routes() {
    let p = problem();
    let s = assemble(&p, &[(0, vec![0, 1, 2]), (0, vec![3, 4])], &[]).expect("feasible");
    assert_reports(&p, &s, Violation::VehicleReused { vehicle: 0 });
}

#[test]
fn reports_an_unknown_vehicle() {
    let p = problem();
    let mut s = full(&p);
    s.routes[0].vehicle = 7;
    assert_reports(&p, &s, Violation::UnknownVehicle { vehicle: 7 });
}

#[test]
fn reports_an_empty_route() {
    let p = problem();
    let mut s = full(&p);
    s.routes.push(RoutePlan {
        vehicle: 1,
        jobs: Vec::new(),
        schedule: earliest_schedule(&p, 1, &[]).expect("empty route"),
    });
    assert_reports(&p, &s, Violation::EmptyRoute { vehicle: 1 });
}

#[test]
fn reports_a_missing_skill() {
    let p = problem();
    let s = unchecked(&p, &[(0, vec![0, 1, 3, 4]), (1, vec![2])], &[]);
    assert_reports(&p, &s, Violation::SkillMissing { job: 2, vehicle: 1 });
}

#[test]
fn counts_single_demands_on_board_from_departure() {
    let p = problem_with(
        Vehicle {
            capacity: Load(7),
            ..vehicle(1)
        },
        false,
    );
    let s = unchecked(&p, &[(0, vec![0, 1, 2, 3, 4])], &[]);
    assert_reports(
        &p,
        &s,
        Violation::CapacityExceeded {
            vehicle: 0,
            after_visits: 0,
            load: Load(8),
            capacity: Load(7),
        },
    );
}

#[test]
fn counts_a_pickup_on_board_until_its_delivery() {
    let p = problem_with(
        Vehicle {
            capacity: Load(6),
            ..vehicle(1)
        },
        false,
    );
    // On board: 6 at departure, 3 after job 0, 7 after the pickup.
    let s = unchecked(&p, &[(0, vec![0, 3, 1, 4])], &[2]);
    let found = violations(&p, &s);
    assert_eq!(
        found,
        vec![Violation::CapacityExceeded {
            vehicle: 0,
            after_visits: 2,
            load: Load(7),
            capacity: Load(6),
        }]
    );
}

#[test]
fn reports_a_delivery_before_its_pickup() {
    let p = problem();
    let s = unchecked(&p, &[(0, vec![0, 1, 2, 4, 3])], &[]);
    assert_reports(
        &p,
        &s,
        Violation::DeliveryBeforePickup {
            pickup: 3,
            delivery: 4,
            vehicle: 0,
        },
    );
}

#[test]
fn reports_a_pair_split_between_route_and_unassigned() {
    let p = problem();
    let s = unchecked(&p, &[(0, vec![0, 1, 2, 3])], &[4]);
    assert_reports(
        &p,
        &s,
        Violation::PairSplit {
            pickup: 3,
            delivery: 4,
            vehicle: 0,
        },
    );
}

#[test]
fn reports_a_departure_before_the_shift() {
    let p = problem();
    let mut s = full(&p);
    s.routes[0].schedule.departure = t(-5);
    assert_reports(
        &p,
        &s,
        Violation::EarlyDeparture {
            vehicle: 0,
            departure: t(-5),
            shift_start: t(0),
        },
    );
}

#[test]
fn accepts_a_late_departure_that_keeps_arrivals_consistent() {
    let p = problem();
    let mut s = full(&p);
    let schedule = &mut s.routes[0].schedule;
    schedule.departure = t(20);
    schedule.visits[0].arrival = t(30);
    schedule.visits[0].start = t(30);
    schedule.visits[0].end = t(35);
    schedule.visits[1].arrival = t(45);
    check(&p, &s).expect("waiting at the depot instead of on site is fine");
}

#[test]
fn reports_an_arrival_that_ignores_travel_time() {
    let p = problem();
    let mut s = full(&p);
    s.routes[0].schedule.visits[1].arrival = t(20);
    assert_reports(
        &p,
        &s,
        Violation::WrongArrival {
            vehicle: 0,
            job: Some(1),
            reported: t(20),
            expected: t(25),
        },
    );
}

#[test]
fn reports_a_start_between_windows() {
    let p = problem();
    let mut s = full(&p);
    let v = &mut s.routes[0].schedule.visits[1];
    v.start = t(30);
    v.end = t(35);
    assert_reports(
        &p,
        &s,
        Violation::OutsideWindows {
            vehicle: 0,
            job: 1,
            start: t(30),
        },
    );
}

#[test]
fn reports_a_start_before_arrival() {
    let p = problem();
    let mut s = full(&p);
    let v = &mut s.routes[0].schedule.visits[0];
    v.start = t(5);
    v.end = t(10);
    assert_reports(
        &p,
        &s,
        Violation::StartBeforeArrival {
            vehicle: 0,
            job: 0,
            start: t(5),
            arrival: t(10),
        },
    );
}

#[test]
fn reports_a_start_after_the_deadline() {
    let p = problem();
    let mut s = assemble(&p, &[(0, vec![2])], &[0, 1, 3, 4]).expect("feasible");
    let schedule = &mut s.routes[0].schedule;
    schedule.visits[0].start = t(310);
    schedule.visits[0].end = t(315);
    schedule.arrival = t(345);
    assert_eq!(
        violations(&p, &s),
        vec![Violation::AfterDeadline {
            vehicle: 0,
            job: 2,
            start: t(310),
            deadline: t(300),
        }]
    );
}

#[test]
fn reports_a_service_shorter_than_its_duration() {
    let p = problem();
    let mut s = full(&p);
    s.routes[0].schedule.visits[0].end = t(14);
    assert_reports(
        &p,
        &s,
        Violation::WrongServiceEnd {
            vehicle: 0,
            job: 0,
            reported: t(14),
            expected: t(15),
        },
    );
}

#[test]
fn reports_a_return_after_max_work() {
    let p = problem();
    let s = full(&p);
    let tight = problem_with(
        Vehicle {
            max_work: Some(t(100)),
            ..vehicle(1)
        },
        false,
    );
    assert_reports(
        &tight,
        &s,
        Violation::LateReturn {
            vehicle: 0,
            returns: t(150),
            latest: t(100),
        },
    );
}

#[test]
fn charges_overtime_past_the_shift_end() {
    let p = problem_with(
        Vehicle {
            overtime: Some(Overtime {
                max: t(50),
                cost_per_unit: Cost(2),
            }),
            ..Vehicle::at(0, window(0, 120))
        },
        false,
    );
    let mut s = full(&p);
    let report = check(&p, &s).expect("valid");
    assert_eq!(report.overtime, t(30));
    assert_eq!(report.objective.overtime, Cost(60));
    s.routes[0].schedule.overtime = t(0);
    assert_reports(
        &p,
        &s,
        Violation::WrongRouteTotal {
            vehicle: 0,
            what: "overtime",
            reported: 0,
            expected: 30,
        },
    );
}

#[test]
fn reports_wrong_distances_and_objective() {
    let p = problem();
    let mut s = full(&p);
    s.routes[0].schedule.distance = Distance(99);
    assert_reports(
        &p,
        &s,
        Violation::WrongRouteTotal {
            vehicle: 0,
            what: "distance",
            reported: 99,
            expected: 100,
        },
    );
    let mut s = full(&p);
    s.distance = Distance(101);
    assert_reports(
        &p,
        &s,
        Violation::WrongTotalDistance {
            reported: Distance(101),
            expected: Distance(100),
        },
    );
    let mut s = full(&p);
    s.objective.travel = Cost(90);
    let found = violations(&p, &s);
    assert!(
        matches!(found.as_slice(), [Violation::WrongObjective { reported, expected }]
            if reported.travel == Cost(90) && expected.travel == Cost(100)),
        "{found:?}"
    );
}

/// Vehicle 0 with a break of 20 that must start in [10, 60].
fn break_problem() -> Problem {
    problem_with(
        Vehicle {
            rest_break: Some(Break {
                window: window(10, 60),
                duration: t(20),
            }),
            ..vehicle(1)
        },
        false,
    )
}

#[test]
fn accepts_the_break_the_checker_places() {
    let p = break_problem();
    let s = full(&p);
    let b = s.routes[0]
        .schedule
        .rest_break
        .expect("the route needs its break");
    assert!(b.start >= t(10) && b.start <= t(60));
    assert_eq!(b.end - b.start, t(20));
    check(&p, &s).expect("valid");
}

#[test]
fn reports_a_missing_break() {
    let p = break_problem();
    let mut s = full(&p);
    s.routes[0].schedule = earliest_schedule(&problem(), 0, &s.routes[0].jobs).expect("feasible");
    assert_reports(
        &p,
        &s,
        Violation::MissingBreak {
            vehicle: 0,
            returns: t(150),
            window: window(10, 60),
        },
    );
}

#[test]
fn reports_a_break_for_a_vehicle_without_one() {
    let p = break_problem();
    let s = full(&p);
    assert_reports(&problem(), &s, Violation::UnexpectedBreak { vehicle: 0 });
}

#[test]
fn reports_a_break_outside_its_window() {
    let p = break_problem();
    let mut s = full(&p);
    let b = s.routes[0].schedule.rest_break.as_mut().expect("a break");
    b.start = t(70);
    b.end = t(90);
    assert_reports(
        &p,
        &s,
        Violation::BreakOutsideWindow {
            vehicle: 0,
            start: t(70),
            window: window(10, 60),
        },
    );
}

#[test]
fn reports_a_break_overlapping_the_previous_service() {
    let p = break_problem();
    // Job 0 at 10-15, then a break from 12 (before the service ends) before driving home.
    let mut s = assemble(&p, &[(0, vec![0])], &[1, 2, 3, 4]).expect("feasible");
    let schedule = &mut s.routes[0].schedule;
    schedule.visits[0] = VisitTimes {
        arrival: t(10),
        start: t(10),
        end: t(15),
    };
    schedule.rest_break = Some(BreakTimes {
        after_visits: 1,
        start: t(12),
        end: t(32),
    });
    schedule.arrival = t(42);
    assert_reports(
        &p,
        &s,
        Violation::BreakOverlapsService {
            vehicle: 0,
            job: Some(0),
        },
    );
}

#[test]
fn reports_a_service_started_during_the_break() {
    let p = break_problem();
    let mut s = assemble(&p, &[(0, vec![0])], &[1, 2, 3, 4]).expect("feasible");
    let schedule = &mut s.routes[0].schedule;
    // Break on arrival at job 0 (10-30), but the service starts at 20.
    schedule.rest_break = Some(BreakTimes {
        after_visits: 0,
        start: t(10),
        end: t(30),
    });
    schedule.visits[0].start = t(20);
    schedule.visits[0].end = t(25);
    schedule.arrival = t(35);
    assert_eq!(
        violations(&p, &s),
        vec![Violation::BreakOverlapsService {
            vehicle: 0,
            job: Some(0),
        }]
    );
}

#[test]
fn reports_a_break_taken_while_driving() {
    let p = break_problem();
    let mut s = assemble(&p, &[(0, vec![0])], &[1, 2, 3, 4]).expect("feasible");
    let schedule = &mut s.routes[0].schedule;
    schedule.rest_break = Some(BreakTimes {
        after_visits: 0,
        start: t(5),
        end: t(25),
    });
    schedule.visits[0].arrival = t(10);
    schedule.visits[0].start = t(25);
    schedule.visits[0].end = t(30);
    schedule.arrival = t(40);
    assert_reports(
        &p,
        &s,
        Violation::BreakWhileDriving {
            vehicle: 0,
            start: t(5),
            arrival: t(10),
        },
    );
}

#[test]
fn violations_name_the_job_and_vehicle() {
    let text = Violation::SkillMissing { job: 2, vehicle: 1 }.to_string();
    assert!(
        text.contains("job 2") && text.contains("vehicle 1"),
        "{text}"
    );
    let text = Violation::OutsideWindows {
        vehicle: 0,
        job: 4,
        start: t(30),
    }
    .to_string();
    assert!(
        text.contains("job 4") && text.contains("vehicle 0"),
        "{text}"
    );
}
