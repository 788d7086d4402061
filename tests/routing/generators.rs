//! proptest generators of small rich instances. Specs are plain data so that proptest can
//! shrink them; [`InstanceSpec::build`] turns one into a valid [`Problem`].
//!
//! Locations are random points; distance and duration are the Euclidean distance rounded up,
//! which keeps the triangle inequality (`ceil` is subadditive).

use fieldplan::solve::routing::{
    Break, Cost, Distance, Group, Job, Load, Matrix, Overtime, Pair, Problem, ProblemInput, Skills,
    Time, TimeWindow, Vehicle,
};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// The seed CI runs the property tests with, so that a red run can be replayed.
const FIXED_SEED: u64 = 20_261_124;

/// The seed of every property test: fixed, so that every run tries the same cases, unless
/// `PROPTEST_RNG_SEED` picks another.
fn rng_seed() -> RngSeed {
    match ProptestConfig::default().rng_seed {
        RngSeed::Random => RngSeed::Fixed(FIXED_SEED),
        chosen => chosen,
    }
}

/// The settings of a block of property tests: `cases` cases from [`rng_seed`], shrinking at
/// most `max_shrink_iters` steps (`None`: proptest's default), no failure files written.
pub fn seeded(cases: u32, max_shrink_iters: Option<u32>) -> ProptestConfig {
    let default = ProptestConfig::default();
    ProptestConfig {
        cases,
        max_shrink_iters: max_shrink_iters.unwrap_or(default.max_shrink_iters),
        failure_persistence: None,
        rng_seed: rng_seed(),
        ..default
    }
}

#[derive(Clone, Debug)]
pub struct JobSpec {
    pub point: usize,
    pub service: i64,
    /// First window: start and length.
    pub first: (i64, i64),
    /// Second window: gap after the first and length.
    pub second: Option<(i64, i64)>,
    /// Deadline as an offset from the first window's start.
    pub deadline: Option<i64>,
    pub penalty: Option<i64>,
    pub demand: i64,
    pub skills: u64,
}

#[derive(Clone, Debug)]
pub struct VehicleSpec {
    pub depot: usize,
    pub shift_start: i64,
    pub shift_length: i64,
    pub skills: u64,
    pub capacity: i64,
    pub max_work: Option<i64>,
    /// Maximum and cost per unit.
    pub overtime: Option<(i64, i64)>,
    /// Window start, window length, duration.
    pub rest_break: Option<(i64, i64, i64)>,
    pub cost_per_distance: i64,
    pub cost_per_travel_time: i64,
}

#[derive(Clone, Debug)]
pub struct InstanceSpec {
    pub points: Vec<(i64, i64)>,
    pub jobs: Vec<JobSpec>,
    pub vehicles: Vec<VehicleSpec>,
    /// Job indices (taken modulo the job count); pairs reusing a job are skipped.
    pub pairs: Vec<(usize, usize)>,
    /// Two-person groups as job indices (taken modulo the job count); groups reusing a job
    /// (or a paired one) are skipped. The second member moves to the first's site.
    pub groups: Vec<(usize, usize)>,
    pub minimize_vehicles: bool,
}

fn job_spec() -> impl Strategy<Value = JobSpec> {
    (
        (0usize..64, 0i64..25, (0i64..250, 15i64..160)),
        proptest::option::weighted(0.4, (5i64..80, 15i64..120)),
        proptest::option::weighted(0.25, 0i64..250),
        proptest::option::weighted(0.4, 20i64..300),
        0i64..6,
        prop_oneof![4 => Just(0u64), 1 => 1u64..4],
    )
        .prop_map(
            |((point, service, first), second, deadline, penalty, demand, skills)| JobSpec {
                point,
                service,
                first,
                second,
                deadline,
                penalty,
                demand,
                skills,
            },
        )
}

fn vehicle_spec() -> impl Strategy<Value = VehicleSpec> {
    (
        (0usize..2, 0i64..40, 250i64..500),
        prop_oneof![2 => Just(3u64), 1 => 0u64..4],
        8i64..30,
        proptest::option::weighted(0.3, 150i64..450),
        proptest::option::weighted(0.3, (0i64..120, 1i64..4)),
        proptest::option::weighted(0.4, (40i64..200, 0i64..100, 5i64..30)),
        (1i64..3, 0i64..2),
    )
        .prop_map(
            |(
                (depot, shift_start, shift_length),
                skills,
                capacity,
                max_work,
                overtime,
                rest_break,
                (cost_per_distance, cost_per_travel_time),
            )| VehicleSpec {
                depot,
                shift_start,
                shift_length,
                skills,
                capacity,
                max_work,
                overtime,
                rest_break,
                cost_per_distance,
                cost_per_travel_time,
            },
        )
}

/// Instances of `jobs` jobs and `vehicles` vehicles, with up to two pickup-delivery pairs.
pub fn instance(
    jobs: std::ops::RangeInclusive<usize>,
    vehicles: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = InstanceSpec> {
    (
        proptest::collection::vec((0i64..=100, 0i64..=100), 2..=10),
        proptest::collection::vec(job_spec(), jobs),
        proptest::collection::vec(vehicle_spec(), vehicles),
        proptest::collection::vec((0usize..16, 0usize..16), 0..=2),
        any::<bool>(),
    )
        .prop_map(
            |(points, jobs, vehicles, pairs, minimize_vehicles)| InstanceSpec {
                points,
                jobs,
                vehicles,
                pairs,
                groups: Vec::new(),
                minimize_vehicles,
            },
        )
}

/// [`instance`]s with one or two two-person groups.
pub fn instance_with_groups(
    jobs: std::ops::RangeInclusive<usize>,
    vehicles: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = InstanceSpec> {
    (
        instance(jobs, vehicles),
        proptest::collection::vec((0usize..16, 0usize..16), 1..=2),
    )
        .prop_map(|(spec, groups)| InstanceSpec { groups, ..spec })
}

impl InstanceSpec {
    /// The problem this spec describes. Always valid: windows are built sorted and disjoint,
    /// deadlines never precede the first window, paired jobs share their drop penalty.
    pub fn build(&self) -> Problem {
        let n = self.points.len();
        let edge = |i: usize, j: usize| {
            let (a, b) = (self.points[i], self.points[j]);
            (((a.0 - b.0).pow(2) + (a.1 - b.1).pow(2)) as f64)
                .sqrt()
                .ceil() as i64
        };
        let mut jobs: Vec<Job> = self
            .jobs
            .iter()
            .map(|s| {
                let (start, length) = s.first;
                let mut windows = vec![TimeWindow::new(Time(start), Time(start + length))];
                if let Some((gap, length2)) = s.second {
                    let start2 = start + length + gap;
                    windows.push(TimeWindow::new(Time(start2), Time(start2 + length2)));
                }
                Job {
                    location: s.point % n,
                    service: Time(s.service),
                    windows,
                    demand: Load(s.demand),
                    skills: Skills(s.skills),
                    drop_penalty: s.penalty.map(Cost),
                    deadline: s.deadline.map(|d| Time(start + d)),
                }
            })
            .collect();
        let mut pairs = Vec::new();
        let mut paired = vec![false; jobs.len()];
        for &(a, b) in &self.pairs {
            let (pickup, delivery) = (a % jobs.len(), b % jobs.len());
            if pickup == delivery || paired[pickup] || paired[delivery] {
                continue;
            }
            paired[pickup] = true;
            paired[delivery] = true;
            jobs[delivery].drop_penalty = jobs[pickup].drop_penalty;
            pairs.push(Pair { pickup, delivery });
        }
        let mut groups = Vec::new();
        let mut taken = paired;
        for &(a, b) in &self.groups {
            let (first, second) = (a % jobs.len(), b % jobs.len());
            if first == second || taken[first] || taken[second] {
                continue;
            }
            taken[first] = true;
            taken[second] = true;
            jobs[second].drop_penalty = jobs[first].drop_penalty;
            jobs[second].location = jobs[first].location;
            groups.push(Group {
                jobs: vec![first, second],
            });
        }
        let vehicles = self
            .vehicles
            .iter()
            .map(|s| {
                let depot = s.depot % n;
                Vehicle {
                    start: depot,
                    end: depot,
                    shift: TimeWindow::new(
                        Time(s.shift_start),
                        Time(s.shift_start + s.shift_length),
                    ),
                    skills: Skills(s.skills),
                    capacity: Load(s.capacity),
                    max_work: s.max_work.map(Time),
                    overtime: s.overtime.map(|(max, cost)| Overtime {
                        max: Time(max),
                        cost_per_unit: Cost(cost),
                    }),
                    rest_break: s.rest_break.map(|(start, length, duration)| Break {
                        window: TimeWindow::new(Time(start), Time(start + length)),
                        duration: Time(duration),
                    }),
                    cost_per_distance: s.cost_per_distance,
                    cost_per_travel_time: s.cost_per_travel_time,
                }
            })
            .collect();
        Problem::new(ProblemInput {
            distances: Matrix::from_fn(n, |i, j| Distance(edge(i, j))),
            durations: Matrix::from_fn(n, |i, j| Time(edge(i, j))),
            jobs,
            vehicles,
            pairs,
            groups,
            minimize_vehicles: self.minimize_vehicles,
        })
        .expect("generated specs are valid problems")
    }
}
