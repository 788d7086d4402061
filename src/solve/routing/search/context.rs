//! Data the search derives once from a [`Problem`]: per-job segments, vehicle classes,
//! neighbour lists.

use super::drives::Drives;
use super::segment::Segment;
use crate::solve::routing::problem::{JobId, PairRole, Problem, VehicleId};

/// Neighbours kept per job (granular neighbourhoods, Toth & Vigo 2003).
pub const NEIGHBOURS: usize = 40;

pub struct Context<'p> {
    pub problem: &'p Problem,
    /// Per job: a one-visit segment over the hull of its windows.
    pub job_segment: Vec<Segment>,
    /// Per vehicle: its start (departure fixed at `shift.start`) and end (by the latest end).
    pub start_segment: Vec<Segment>,
    pub end_segment: Vec<Segment>,
    /// Per vehicle: the class of identical vehicles it belongs to (first member's index).
    pub class: Vec<VehicleId>,
    /// Per job: does a route holding it need the exact schedule check?
    pub exact_job: Vec<bool>,
    /// Does the problem have synchronised groups? Routes holding a member are then timed
    /// together (see [`super::state::State::resync`]).
    pub has_groups: bool,
    /// Per vehicle: does its route need the exact schedule check (it has a break)?
    pub exact_vehicle: Vec<bool>,
    /// Per job: the nearest other jobs, nearest first.
    pub neighbours: Vec<Vec<JobId>>,
    /// Typical travel cost of one job: the scale for annealing temperatures.
    pub cost_scale: f64,
    /// Per job: what placing it is worth, per second of work it needs, when it is optional
    /// (see [`Context::value_density`]); infinite for mandatory ones.
    pub value_density: Vec<f64>,
    /// Does the problem have optional jobs (a drop penalty to choose which to serve by)?
    pub has_optional: bool,
    /// Distance and driving time of every pair of locations, as the search reads them.
    pub drives: Drives<'p>,
}

impl<'p> Context<'p> {
    pub fn new(problem: &'p Problem) -> Self {
        let job_segment = problem
            .jobs
            .iter()
            .zip(&problem.hull_windows)
            .map(|(j, w)| Segment::visit(j.location, j.service.0, w.start.0, w.end.0))
            .collect();
        let start_segment = problem
            .vehicles
            .iter()
            .map(|v| Segment::visit(v.start, 0, v.shift.start.0, v.shift.start.0))
            .collect();
        let end_segment = problem
            .vehicles
            .iter()
            .map(|v| {
                let latest = v.latest_end().min(
                    v.max_work
                        .map_or(crate::solve::routing::Time::MAX, |m| v.shift.start + m),
                );
                Segment::visit(v.end, 0, crate::solve::routing::Time::MIN.0, latest.0)
            })
            .collect();
        let mut class = Vec::with_capacity(problem.num_vehicles());
        for (v, veh) in problem.vehicles.iter().enumerate() {
            let same = (0..v).find(|&w| problem.vehicles[w] == *veh);
            class.push(same.map_or(v, |w| class[w]));
        }
        let exact_job = (0..problem.num_jobs())
            .map(|j| {
                problem.multi_window[j]
                    || problem.pair_roles[j] != PairRole::Single
                    || problem.group_of[j].is_some()
            })
            .collect();
        let has_groups = !problem.groups.is_empty();
        let exact_vehicle = problem
            .vehicles
            .iter()
            .map(|v| v.rest_break.is_some())
            .collect();
        let neighbours: Vec<Vec<JobId>> = (0..problem.num_jobs())
            .map(|j| {
                let lj = problem.jobs[j].location;
                let mut others: Vec<JobId> = (0..problem.num_jobs()).filter(|&k| k != j).collect();
                others.sort_by_key(|&k| {
                    let lk = problem.jobs[k].location;
                    (problem.distance(lj, lk).0 + problem.distance(lk, lj).0, k)
                });
                others.truncate(NEIGHBOURS.max(1));
                others
            })
            .collect();
        let cost_scale = Self::typical_job_cost(problem);
        let value_density = (0..problem.num_jobs())
            .map(|j| Self::value_density(problem, &neighbours, j))
            .collect();
        let has_optional = problem.jobs.iter().any(|j| !j.is_mandatory());
        Self {
            problem,
            job_segment,
            start_segment,
            end_segment,
            class,
            exact_job,
            has_groups,
            exact_vehicle,
            neighbours,
            cost_scale,
            value_density,
            has_optional,
            drives: Drives::new(problem),
        }
    }

    /// The jobs placed together with `j`: its pair partner, or its group's members, and itself.
    pub fn unit_of(problem: &Problem, j: JobId) -> Vec<JobId> {
        let mut unit = match problem.pair_roles[j] {
            PairRole::Single => vec![j],
            PairRole::Pickup { delivery } => vec![j, delivery],
            PairRole::Delivery { pickup } => vec![pickup, j],
        };
        if let Some(g) = problem.group_of[j] {
            unit = problem.groups[g].jobs.clone();
        }
        unit
    }

    /// The drop penalty of the unit of `j` (the job, its pair partner or its group) per second
    /// of the work serving it takes: service plus the drive from the nearest other job. A
    /// day with more optional work than hours is a knapsack, and this is the greedy
    /// knapsack's ratio (profit per unit of capacity; in the team orienteering problem with
    /// time windows, Vansteenwegen et al. 2009 insert by a ratio of score to time consumed).
    /// Infinite when any job of the unit is mandatory.
    fn value_density(problem: &Problem, neighbours: &[Vec<JobId>], j: JobId) -> f64 {
        let unit = Self::unit_of(problem, j);
        let mut penalty = 0i64;
        let mut seconds = 0i64;
        for &m in &unit {
            let Some(c) = problem.jobs[m].drop_penalty else {
                return f64::INFINITY;
            };
            penalty += c.0;
            let lm = problem.jobs[m].location;
            let approach = neighbours[m]
                .first()
                .map_or(0, |&k| problem.duration(problem.jobs[k].location, lm).0);
            seconds += problem.jobs[m].service.0 + approach;
        }
        penalty as f64 / seconds.max(1) as f64
    }

    /// Mean over jobs of the cost of reaching it from its nearest neighbour, with the first
    /// vehicle's travel cost rates; at least 1.
    fn typical_job_cost(problem: &Problem) -> f64 {
        let Some(v) = problem.vehicles.first() else {
            return 1.0;
        };
        let n = problem.num_jobs();
        if n == 0 {
            return 1.0;
        }
        let mut total = 0f64;
        for j in 0..n {
            let lj = problem.jobs[j].location;
            let nearest = (0..n)
                .filter(|&k| k != j)
                .map(|k| {
                    let lk = problem.jobs[k].location;
                    v.cost_per_distance * problem.distance(lk, lj).0
                        + v.cost_per_travel_time * problem.duration(lk, lj).0
                })
                .min()
                .unwrap_or_else(|| {
                    v.cost_per_distance * problem.distance(v.start, lj).0
                        + v.cost_per_travel_time * problem.duration(v.start, lj).0
                });
            total += nearest as f64;
        }
        (total / n as f64).max(1.0)
    }
}
