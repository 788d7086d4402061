//! Two-person visits: synchronised groups, worked out by hand, checked by the checker, and
//! matched by exhaustive search on tiny instances.

use crate::generators::{instance_with_groups, seeded};
use crate::support::{assemble_synchronised, t, window};
use fieldplan::solve::routing::check::{Violation, check};
use fieldplan::solve::routing::{
    self, Cost, Distance, Group, Job, JobId, Matrix, Objective, Overtime, Pair, Problem,
    ProblemInput, Skills, Solution, SolverConfig, Time, Vehicle, VehicleId,
};
use proptest::prelude::*;
use std::time::Duration;

/// Skill bits: the customer-service role and the engineer's training.
const SERVICE: Skills = Skills(1);
const ENGINEER: Skills = Skills(2);

/// On a line (location `i` at `10 i`, distance = duration = `10 |i - j|`): job 0, an
/// engineer's repair at location 2 that must start by 30 (service 30); jobs 1 and 2, an
/// on-site callback at location 1 (service 20) needing the customer-service colleague
/// (job 1) and the engineer (job 2) together. Vehicle 0 is the colleague, based at 0, shift
/// [0, 60] with up to 100 of overtime at 2 a unit; vehicle 1 the engineer, based at 3, shift
/// [0, 200].
fn callback_problem() -> Problem {
    let d = |i: usize, j: usize| 10 * (i as i64 - j as i64).abs();
    let mut input = ProblemInput {
        distances: Matrix::from_fn(4, |i, j| Distance(d(i, j))),
        durations: Matrix::from_fn(4, |i, j| Time(d(i, j))),
        jobs: vec![Job {
            windows: vec![window(0, 30)],
            skills: ENGINEER,
            ..Job::at(2, t(30))
        }],
        vehicles: vec![
            Vehicle {
                skills: SERVICE,
                overtime: Some(Overtime {
                    max: t(100),
                    cost_per_unit: Cost(2),
                }),
                ..Vehicle::at(0, window(0, 60))
            },
            Vehicle {
                skills: ENGINEER,
                ..Vehicle::at(3, window(0, 200))
            },
        ],
        pairs: Vec::new(),
        groups: Vec::new(),
        minimize_vehicles: false,
    };
    let members = input.add_team_visit(&Job::at(1, t(20)), &[SERVICE, ENGINEER]);
    assert_eq!(members, vec![1, 2]);
    Problem::new(input).expect("a valid problem")
}

fn config(seed: u64) -> SolverConfig {
    SolverConfig {
        max_work: Some(2_000_000),
        ..SolverConfig::default()
            .with_seed(seed)
            .with_threads(1)
            .with_time_limit(Duration::from_secs(30))
    }
}

/// Worked by hand. The engineer cannot do the callback first: arriving at 20 (from 30) it
/// would start at 20 at the earliest, end at 40 and reach the repair at 50, after its latest
/// start 30. So the engineer repairs first (arrive 10, serve 10-40), reaches the callback at
/// 50 and returns at 90: travel 10 + 10 + 20 = 40. The colleague arrives at 10 but must wait
/// for the engineer: both start at 50; the colleague ends at 70 and is back at 80, 20 past the
/// shift: overtime cost 40, travel 20. Objective: travel 60, overtime 40, nothing left out.
#[test]
fn a_two_person_callback_waits_for_the_engineer() {
    let problem = callback_problem();
    let solution = routing::solve(&problem, &config(1));
    let report = check(&problem, &solution).expect("the solver's answer passes the checker");
    let expected = Objective {
        overtime: Cost(40),
        travel: Cost(60),
        ..Objective::default()
    };
    assert_eq!(report.objective, expected);
    let routes: Vec<(VehicleId, Vec<JobId>)> = solution
        .routes
        .iter()
        .map(|r| (r.vehicle, r.jobs.clone()))
        .collect();
    assert_eq!(routes, vec![(0, vec![1]), (1, vec![0, 2])]);
    assert_eq!(solution.routes[0].schedule.visits[0].start, t(50));
    assert_eq!(solution.routes[1].schedule.visits[1].start, t(50));
    assert_eq!(solution.routes[0].schedule.arrival, t(80));
    // The exhaustive search agrees.
    assert_eq!(optimum(&problem).0, expected);
}

#[test]
fn the_checker_rejects_members_apart_split_or_on_one_vehicle() {
    let problem = callback_problem();
    let good =
        assemble_synchronised(&problem, &[(0, vec![1]), (1, vec![0, 2])], &[]).expect("feasible");
    assert!(check(&problem, &good).is_ok());
    // The colleague starts at 10 instead of waiting: apart.
    let mut apart = good.clone();
    let v = &mut apart.routes[0].schedule;
    v.departure = t(0);
    v.visits[0].arrival = t(10);
    v.visits[0].start = t(10);
    v.visits[0].end = t(30);
    v.arrival = t(40);
    v.overtime = t(0);
    apart.objective.overtime = Cost(0);
    let violations = check(&problem, &apart).expect_err("members apart");
    assert!(
        violations
            .iter()
            .any(|v| matches!(v, Violation::GroupNotTogether { group: 0, .. })),
        "{violations:?}"
    );
    // The colleague's member left out, the engineer's routed.
    let split = Solution {
        routes: vec![good.routes[1].clone()],
        unassigned: vec![1],
        ..good.clone()
    };
    let violations = check(&problem, &split).expect_err("a split group");
    assert!(
        violations.contains(&Violation::GroupSplit {
            group: 0,
            routed: 1,
            members: 2
        }),
        "{violations:?}"
    );
}

#[test]
fn two_members_on_one_vehicle_are_refused_by_the_checker() {
    // Both members without skills, so one vehicle could serve both.
    let mut input = ProblemInput {
        distances: Matrix::from_fn(2, |i, j| Distance(10 * (i as i64 - j as i64).abs())),
        durations: Matrix::from_fn(2, |i, j| Time(10 * (i as i64 - j as i64).abs())),
        jobs: Vec::new(),
        vehicles: vec![Vehicle::at(0, window(0, 100)); 2],
        pairs: Vec::new(),
        groups: Vec::new(),
        minimize_vehicles: false,
    };
    input.add_team_visit(&Job::at(1, t(0)), &[Skills::NONE, Skills::NONE]);
    let problem = Problem::new(input).expect("valid");
    let one = crate::support::assemble(&problem, &[(0, vec![0, 1])], &[]).expect("timed");
    let violations = check(&problem, &one).expect_err("one vehicle for two people");
    assert!(violations.contains(&Violation::GroupSharesVehicle {
        group: 0,
        vehicle: 0
    }));
    // The solver sends two.
    let solution = routing::solve(&problem, &config(3));
    check(&problem, &solution).expect("passes");
    assert_eq!(solution.routes.len(), 2);
    assert!(solution.unassigned.is_empty());
}

#[test]
fn a_group_is_validated_like_a_pair() {
    let base = || ProblemInput {
        distances: Matrix::from_fn(2, |_, _| Distance(0)),
        durations: Matrix::from_fn(2, |_, _| Time(0)),
        jobs: vec![Job::at(1, t(5)); 3],
        vehicles: vec![Vehicle::at(0, window(0, 100))],
        pairs: Vec::new(),
        groups: Vec::new(),
        minimize_vehicles: false,
    };
    let error = |input: ProblemInput| Problem::new(input).expect_err("invalid").field;
    let mut alone = base();
    alone.groups = vec![Group { jobs: vec![0] }];
    assert_eq!(error(alone), "groups[0].jobs");
    let mut paired = base();
    paired.pairs = vec![Pair {
        pickup: 0,
        delivery: 1,
    }];
    paired.groups = vec![Group { jobs: vec![1, 2] }];
    assert_eq!(error(paired), "groups[0].jobs[0]");
    let mut twice = base();
    twice.groups = vec![Group { jobs: vec![0, 1] }, Group { jobs: vec![1, 2] }];
    assert_eq!(error(twice), "groups[1].jobs[0]");
    let mut mixed = base();
    mixed.jobs[2].drop_penalty = Some(Cost(10));
    mixed.groups = vec![Group { jobs: vec![0, 2] }];
    assert_eq!(error(mixed), "groups[0].jobs[1]");
    let mut unknown = base();
    unknown.groups = vec![Group { jobs: vec![0, 7] }];
    assert_eq!(error(unknown), "groups[0].jobs[1]");
}

/// Every feasible sequence of each vehicle (checked alone by the checker's timing), by job
/// mask: a necessary condition for a synchronised plan. Prefixes are not pruned: a pickup
/// alone, or a route without the stop its break needs, fails where its extension passes.
fn sequences(problem: &Problem, vehicle: VehicleId) -> Vec<(usize, Vec<JobId>)> {
    fn extend(
        problem: &Problem,
        vehicle: VehicleId,
        sequence: &mut Vec<JobId>,
        used: usize,
        out: &mut Vec<(usize, Vec<JobId>)>,
    ) {
        if crate::support::evaluate_route(problem, vehicle, sequence).is_some() {
            out.push((used, sequence.clone()));
        }
        for j in 0..problem.num_jobs() {
            if used & (1 << j) == 0 {
                sequence.push(j);
                extend(problem, vehicle, sequence, used | (1 << j), out);
                sequence.pop();
            }
        }
    }
    let mut out = vec![(0, Vec::new())];
    for j in 0..problem.num_jobs() {
        extend(problem, vehicle, &mut vec![j], 1 << j, &mut out);
    }
    out
}

/// The optimum by brute force: every combination of feasible sequences, one per vehicle, on
/// disjoint jobs, timed together by the checker's synchronised timing and checked whole.
/// Routes interact through the groups, so the per-route dynamic programme of
/// `brute_force.rs` does not apply.
fn optimum(problem: &Problem) -> (Objective, Solution) {
    let n = problem.num_jobs();
    assert!(n <= 6, "exhaustive search is for tiny instances");
    let per_vehicle: Vec<Vec<(usize, Vec<JobId>)>> = (0..problem.num_vehicles())
        .map(|v| sequences(problem, v))
        .collect();
    let mut best: Option<(Objective, Solution)> = None;
    let mut chosen: Vec<(VehicleId, Vec<JobId>)> = Vec::new();
    combine(problem, &per_vehicle, 0, &mut chosen, &mut best);
    best.expect("leaving every job out is always possible")
}

fn combine(
    problem: &Problem,
    per_vehicle: &[Vec<(usize, Vec<JobId>)>],
    used: usize,
    chosen: &mut Vec<(VehicleId, Vec<JobId>)>,
    best: &mut Option<(Objective, Solution)>,
) {
    let v = chosen.len();
    if v == per_vehicle.len() {
        let unassigned: Vec<JobId> = (0..problem.num_jobs())
            .filter(|j| used & (1 << j) == 0)
            .collect();
        if let Some(solution) = assemble_synchronised(problem, chosen, &unassigned)
            && let Ok(report) = check(problem, &solution)
            && best.as_ref().is_none_or(|(b, _)| report.objective < *b)
        {
            *best = Some((report.objective, solution));
        }
        return;
    }
    for (mask, jobs) in &per_vehicle[v] {
        if mask & used == 0 {
            chosen.push((v, jobs.clone()));
            combine(problem, per_vehicle, used | mask, chosen, best);
            chosen.pop();
        }
    }
}

proptest! {
    #![proptest_config(seeded(24, Some(32)))]

    /// On random tiny instances with two-person groups, the solver's answer passes the checker
    /// and reaches the exhaustive optimum.
    #[test]
    fn solver_matches_exhaustive_search_with_groups(spec in instance_with_groups(2..=5, 2..=3)) {
        let problem = spec.build();
        let (best, witness) = optimum(&problem);
        prop_assert!(check(&problem, &witness).is_ok());
        let solution = routing::solve(&problem, &config(1));
        let report = check(&problem, &solution);
        prop_assert!(report.is_ok(), "solver answer rejected: {:?}", report);
        prop_assert_eq!(
            report.unwrap().objective,
            best,
            "solver {:?} unassigned {:?}; optimum {:?} unassigned {:?}",
            solution.routes.iter().map(|r| (r.vehicle, r.jobs.clone())).collect::<Vec<_>>(),
            solution.unassigned,
            witness.routes.iter().map(|r| (r.vehicle, r.jobs.clone())).collect::<Vec<_>>(),
            witness.unassigned
        );
    }
}

proptest! {
    #![proptest_config(seeded(24, Some(32)))]

    /// On larger random instances with groups, every answer passes the checker, with one
    /// thread or two.
    #[test]
    fn every_answer_with_groups_passes_the_checker(
        spec in instance_with_groups(4..=12, 2..=4),
        threads in prop_oneof![3 => Just(1usize), 1 => Just(2usize)],
    ) {
        let problem = spec.build();
        let solution = routing::solve(&problem, &SolverConfig { threads, ..config(5) });
        if let Err(violations) = check(&problem, &solution) {
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            prop_assert!(false, "violations: {list:#?}\nsolution: {solution:#?}");
        }
    }

    /// The solver's synchronised timing and the checker's agree on feasibility and on every
    /// route's return, for random routes.
    #[test]
    fn synchronised_timings_agree_with_the_checker(
        spec in instance_with_groups(2..=8, 2..=3),
        keys in proptest::collection::vec((any::<u16>(), 0usize..4), 8),
    ) {
        let problem = spec.build();
        let v = problem.num_vehicles();
        let mut routes: Vec<(VehicleId, Vec<JobId>)> = (0..v).map(|v| (v, Vec::new())).collect();
        let mut order: Vec<JobId> = (0..problem.num_jobs()).collect();
        order.sort_by_key(|&j| keys[j].0);
        let mut unassigned = Vec::new();
        for j in order {
            match keys[j].1 {
                r if r < v => routes[r].1.push(j),
                _ => unassigned.push(j),
            }
        }
        let ours = routing::schedule_routes(&problem, &routes);
        let theirs = fieldplan::solve::routing::check::earliest_synchronised(&problem, &routes);
        let static_ok = routes.iter().all(|(v, jobs)| {
            fieldplan::solve::routing::schedule::check_static(&problem, *v, jobs).is_ok()
        });
        if static_ok {
            prop_assert_eq!(ours.is_ok(), theirs.is_some(), "{:?}", routes);
        }
        if let (Ok(ours), Some(theirs)) = (ours, theirs) {
            for (a, b) in ours.iter().zip(&theirs) {
                prop_assert_eq!(a.arrival, b.arrival);
            }
            let nonempty: Vec<(VehicleId, Vec<JobId>)> =
                routes.iter().filter(|(_, j)| !j.is_empty()).cloned().collect();
            if let Some(solution) = assemble_synchronised(&problem, &nonempty, &unassigned) {
                prop_assert!(check(&problem, &solution).is_ok());
            }
        }
    }
}
