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
    /// Per job: the other jobs nearest in travel and time ([`timed_neighbours`]), nearest
    /// first: local search's moves and the granular insertion look at these, the ruins at
    /// [`Context::neighbours`] (SISR's strings are about place). See benches/README.md,
    /// "Routing: neighbours in time".
    pub timed_neighbours: Vec<Vec<JobId>>,
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
        let n = problem.num_jobs();
        let neighbours: Vec<Vec<JobId>> = (0..n)
            .map(|j| {
                let lj = problem.jobs[j].location;
                nearest(n, j, |k| {
                    let lk = problem.jobs[k].location;
                    (problem.distance(lj, lk).0 + problem.distance(lk, lj).0) as f64
                })
            })
            .collect();
        let timed_neighbours = timed_neighbours(problem);
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
            timed_neighbours,
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

/// Weights of the least wait and the least time warp between two jobs in their proximity,
/// as Vidal et al. (2013, "A hybrid genetic algorithm with adaptive diversity management for a
/// large class of vehicle routing problems with time-windows", section 4.4) and PyVRP set them.
const WAIT_WEIGHT: f64 = 0.2;
const WARP_WEIGHT: f64 = 1.0;

/// Per job, the [`NEIGHBOURS`] other jobs of least proximity: the distance between two jobs
/// plus, converted to distance at the matrix's mean speed, a fifth of the least wait and all
/// of the least time warp that one job's visit right after the other's implies (over the hull
/// of their windows), the smaller of the two orders (Vidal et al. 2013; PyVRP's symmetric
/// proximity). Near places whose windows cannot follow one another are far.
fn timed_neighbours(problem: &Problem) -> Vec<Vec<JobId>> {
    let n = problem.num_jobs();
    let (mut metres, mut seconds) = (0.0f64, 0.0f64);
    for i in 0..n {
        for k in 0..n {
            let (li, lk) = (problem.jobs[i].location, problem.jobs[k].location);
            metres += problem.distance(li, lk).0 as f64;
            seconds += problem.duration(li, lk).0 as f64;
        }
    }
    let speed = if seconds > 0.0 { metres / seconds } else { 1.0 };
    let follows = |i: JobId, k: JobId| -> f64 {
        let (ji, jk) = (&problem.jobs[i], &problem.jobs[k]);
        let (wi, wk) = (&problem.hull_windows[i], &problem.hull_windows[k]);
        let drive = problem.duration(ji.location, jk.location).0 as f64;
        let service = ji.service.0 as f64;
        let wait = (wk.start.0 as f64 - wi.end.0 as f64 - service - drive).max(0.0);
        let warp = (wi.start.0 as f64 + service + drive - wk.end.0 as f64).max(0.0);
        problem.distance(ji.location, jk.location).0 as f64
            + speed * (WAIT_WEIGHT * wait + WARP_WEIGHT * warp)
    };
    // Symmetric, so each unordered pair is weighed once.
    let mut proximity = vec![0.0f64; n * n];
    for j in 0..n {
        for k in j + 1..n {
            let p = follows(j, k).min(follows(k, j));
            proximity[j * n + k] = p;
            proximity[k * n + j] = p;
        }
    }
    (0..n)
        .map(|j| nearest(n, j, |k| proximity[j * n + k]))
        .collect()
}

/// The [`NEIGHBOURS`] jobs other than `j` (of `n`) of least `key`, least first; ties go to the
/// lower index, so the lists do not depend on the order of a sort.
fn nearest(n: usize, j: JobId, key: impl Fn(JobId) -> f64) -> Vec<JobId> {
    let order = |a: &(f64, JobId), b: &(f64, JobId)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    let mut others: Vec<(f64, JobId)> = (0..n).filter(|&k| k != j).map(|k| (key(k), k)).collect();
    let keep = NEIGHBOURS.max(1).min(others.len());
    if keep < others.len() {
        others.select_nth_unstable_by(keep, order);
        others.truncate(keep);
    }
    others.sort_by(order);
    others.into_iter().map(|(_, k)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::routing::TimeWindow;
    use crate::solve::routing::problem::{Job, ProblemInput, Vehicle};
    use crate::solve::routing::units::Time;

    /// On a line: the depot at 0, jobs at 10, 12 and 30, driving as long as the distance. The
    /// job at 12 is open two hundred units after the one at 10 closes, the one at 30 right
    /// after it.
    fn line() -> Problem {
        let x = [0i64, 10, 12, 30];
        let job = |location, start, end| Job {
            windows: vec![TimeWindow::new(Time(start), Time(end))],
            ..Job::at(location, Time(5))
        };
        Problem::new(ProblemInput::of_drives(
            4,
            |i, j| (x[i] - x[j]).abs(),
            |i, j| (x[i] - x[j]).abs(),
            vec![job(1, 0, 10), job(2, 200, 210), job(3, 40, 60)],
            vec![Vehicle::at(0, TimeWindow::new(Time(0), Time(1000)))],
        ))
        .expect("a valid problem")
    }

    #[test]
    fn a_near_place_whose_window_cannot_follow_is_far() {
        let problem = line();
        let ctx = Context::new(&problem);
        assert_eq!(ctx.neighbours[0], vec![1, 2]);
        // 0 -> 1: 2 units of drive and at least 183 of wait (36.6); 0 -> 2: 20 and 5 (21).
        assert_eq!(ctx.timed_neighbours[0], vec![2, 1]);
        // From the job at 30, 1 is the nearer place (18 against 20) but 0 the nearer in time:
        // 0 -> 2 costs 20 + 0.2 * 5, 2 -> 1 costs 18 + 0.2 * 117.
        assert_eq!(ctx.neighbours[2], vec![1, 0]);
        assert_eq!(ctx.timed_neighbours[2], vec![0, 1]);
    }
}
