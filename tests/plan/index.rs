//! The index-level urgent insertion (`solve::replan`) and diagnosis on tiny line instances
//! whose answers are plain arithmetic.

use fieldplan::solve::diagnose::{Cause, diagnose};
use fieldplan::solve::replan::{RepairConfig, Stability, Urgent, insert_urgent, offers};
use fieldplan::solve::routing::{
    Cost, Distance, Job, Matrix, Problem, ProblemInput, Skills, Time, TimeWindow, Vehicle,
};

/// Locations on a line, 10 time units apart; one vehicle at 0 with shift [0, 100]; jobs at
/// locations 1..=n, service 10, optional at `penalty`; the last job is the urgent one.
fn line(n: usize, penalty: i64) -> Problem {
    let size = n + 1;
    let d = |i: usize, j: usize| (i as i64 - j as i64).abs() * 10;
    let jobs = (1..=n)
        .map(|loc| Job {
            drop_penalty: Some(Cost(penalty)),
            ..Job::at(loc, Time(10))
        })
        .collect();
    Problem::new(ProblemInput {
        distances: Matrix::from_fn(size, |i, j| Distance(d(i, j))),
        durations: Matrix::from_fn(size, |i, j| Time(d(i, j))),
        jobs,
        vehicles: vec![Vehicle::at(0, TimeWindow::new(Time(0), Time(100)))],
        pairs: Vec::new(),
        groups: Vec::new(),
        minimize_vehicles: false,
    })
    .unwrap()
}

#[test]
fn cheapest_insertion_meets_the_target() {
    // Route 0 -> 1 -> 2 -> 0 (jobs 0 and 1 at locations 1 and 2); urgent job 2 at location 3,
    // target 50. Appended (1, 2, 3) it starts at 50; between the two (1, 3, 2) at 40. Both add
    // 20 of travel: the tie goes to the earlier start.
    let p = line(3, 100);
    let routes = vec![vec![0, 1]];
    let urgent = Urgent {
        job: 2,
        target: Some(Time(50)),
    };
    let out = insert_urgent(
        &p,
        &routes,
        urgent,
        &Stability::none(3),
        RepairConfig::default(),
    )
    .unwrap();
    assert_eq!(out.routes, vec![vec![0, 2, 1]]);
    assert!(out.meets_target && out.unassigned.is_empty());
}

#[test]
fn displacement_makes_room_when_the_day_is_full() {
    // Shift [0, 100]: 0 -> 1 -> 2 -> 3 -> 0 takes 30 + 30 service + 30 back = 90; the urgent
    // job at location 4 (target 45) fits only if a visit goes: drop the cheapest one.
    let p = line(4, 100);
    let routes = vec![vec![0, 1, 2]];
    let urgent = Urgent {
        job: 3,
        target: Some(Time(45)),
    };
    let out = insert_urgent(
        &p,
        &routes,
        urgent,
        &Stability::none(4),
        RepairConfig::default(),
    )
    .unwrap();
    assert!(out.meets_target);
    let route = &out.routes[0];
    assert!(route.contains(&3));
    assert_eq!(out.unassigned.len() + route.len(), 4);
    assert!(!out.unassigned.is_empty());
    let o = offers(&p, &routes, urgent, &Stability::none(4), 1_000_000).unwrap();
    assert_eq!(o.len(), 1);
    assert!(o[0].meets_target && !o[0].displaced.is_empty());
}

#[test]
fn unreachable_target_gives_the_earliest_start() {
    // Target 5 is before anyone can reach location 3 (30); the job still goes in, first.
    let p = line(3, 100);
    let routes = vec![vec![0, 1]];
    let urgent = Urgent {
        job: 2,
        target: Some(Time(5)),
    };
    let out = insert_urgent(
        &p,
        &routes,
        urgent,
        &Stability::none(3),
        RepairConfig::default(),
    )
    .unwrap();
    assert!(!out.meets_target);
    assert_eq!(out.placed, Some((0, 0)));
}

#[test]
fn diagnosis_names_skill_deadline_window_and_capacity() {
    let mut input = ProblemInput {
        distances: Matrix::from_fn(3, |i, j| Distance((i as i64 - j as i64).abs() * 10)),
        durations: Matrix::from_fn(3, |i, j| Time((i as i64 - j as i64).abs() * 10)),
        jobs: vec![Job::at(1, Time(10)); 4],
        vehicles: vec![Vehicle {
            skills: Skills(1),
            ..Vehicle::at(0, TimeWindow::new(Time(0), Time(100)))
        }],
        pairs: Vec::new(),
        groups: Vec::new(),
        minimize_vehicles: false,
    };
    input.jobs[0].skills = Skills(2);
    input.jobs[1].deadline = Some(Time(5));
    input.jobs[2].windows = vec![TimeWindow::new(Time(95), Time(99))];
    let p = Problem::new(input).unwrap();
    assert_eq!(diagnose(&p, 0), Cause::Skill);
    assert_eq!(diagnose(&p, 1), Cause::Deadline);
    assert_eq!(diagnose(&p, 2), Cause::Windows);
    assert_eq!(diagnose(&p, 3), Cause::Capacity);
}
