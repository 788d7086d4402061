//! The index-based routing problem: locations are matrix indices, nothing here knows about
//! coordinates, sites or engineers. [`Problem::new`] is the only way to build one and rejects
//! inconsistent data with an error naming the field, so the search can rely on its invariants.

use super::units::{Cost, Distance, Load, Time};
use serde::{Deserialize, Serialize};

pub type LocationId = usize;
pub type JobId = usize;
pub type VehicleId = usize;

/// A square matrix indexed by location.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Matrix<T> {
    size: usize,
    data: Vec<T>,
}

impl<T: Copy + Default> Matrix<T> {
    /// A `size` x `size` matrix of default values.
    pub fn new(size: usize) -> Self {
        Self {
            size,
            data: vec![T::default(); size * size],
        }
    }

    /// A matrix from its rows; `None` if they do not form a square.
    pub fn from_rows(rows: Vec<Vec<T>>) -> Option<Self> {
        let size = rows.len();
        if rows.iter().any(|r| r.len() != size) {
            return None;
        }
        Some(Self {
            size,
            data: rows.into_iter().flatten().collect(),
        })
    }

    /// A matrix whose entry (i, j) is `f(i, j)`.
    pub fn from_fn(size: usize, mut f: impl FnMut(usize, usize) -> T) -> Self {
        let mut data = Vec::with_capacity(size * size);
        for i in 0..size {
            for j in 0..size {
                data.push(f(i, j));
            }
        }
        Self { size, data }
    }

    #[inline]
    pub fn get(&self, from: LocationId, to: LocationId) -> T {
        self.data[from * self.size + to]
    }

    pub fn set(&mut self, from: LocationId, to: LocationId, value: T) {
        self.data[from * self.size + to] = value;
    }

    pub fn size(&self) -> usize {
        self.size
    }
}

/// An interval of time in which something must *start*: `start <= end`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeWindow {
    pub start: Time,
    pub end: Time,
}

impl TimeWindow {
    pub const fn new(start: Time, end: Time) -> Self {
        Self { start, end }
    }

    /// A window that never binds.
    pub const fn always() -> Self {
        Self {
            start: Time::MIN,
            end: Time::MAX,
        }
    }

    pub fn contains(&self, t: Time) -> bool {
        self.start <= t && t <= self.end
    }
}

/// A set of skills, at most 64 distinct ones (device families are far fewer).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Skills(pub u64);

impl Skills {
    pub const NONE: Skills = Skills(0);
    pub const MAX_SKILLS: usize = 64;

    /// The set of the given skill indices; `None` if one is 64 or more.
    pub fn from_indices(indices: impl IntoIterator<Item = usize>) -> Option<Self> {
        let mut bits = 0u64;
        for i in indices {
            if i >= Self::MAX_SKILLS {
                return None;
            }
            bits |= 1 << i;
        }
        Some(Skills(bits))
    }

    /// Does this set hold every skill of `required`?
    #[inline]
    pub fn covers(self, required: Skills) -> bool {
        required.0 & !self.0 == 0
    }
}

/// A visit to serve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub location: LocationId,
    /// Time spent on site.
    pub service: Time,
    /// Service must start inside one of these windows (sorted, disjoint); empty means any time.
    pub windows: Vec<TimeWindow>,
    /// Amount delivered from the start depot (or, for a pickup, picked up and carried to its
    /// delivery).
    pub demand: Load,
    pub skills: Skills,
    /// `None`: the job is mandatory. `Some(p)`: it may be left out at cost `p`.
    pub drop_penalty: Option<Cost>,
    /// Hard latest start, on top of the windows.
    pub deadline: Option<Time>,
}

impl Job {
    /// A mandatory job at `location` with no window, skill or demand.
    pub fn at(location: LocationId, service: Time) -> Self {
        Self {
            location,
            service,
            windows: Vec::new(),
            demand: Load::ZERO,
            skills: Skills::NONE,
            drop_penalty: None,
            deadline: None,
        }
    }

    pub fn is_mandatory(&self) -> bool {
        self.drop_penalty.is_none()
    }
}

/// Time past the end of the shift, allowed up to `max` at `cost_per_unit` each time unit.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overtime {
    pub max: Time,
    pub cost_per_unit: Cost,
}

/// A break of `duration` that must start inside `window`, taken wherever the vehicle is.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Break {
    pub window: TimeWindow,
    pub duration: Time,
}

/// A vehicle (an engineer with a car) and its working day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vehicle {
    pub start: LocationId,
    pub end: LocationId,
    /// Leave `start` no earlier than `shift.start`; be back at `end` by `shift.end` (plus
    /// overtime, if allowed).
    pub shift: TimeWindow,
    pub skills: Skills,
    pub capacity: Load,
    /// Longest time from leaving `start` to reaching `end`, waiting and breaks included.
    pub max_work: Option<Time>,
    pub overtime: Option<Overtime>,
    pub rest_break: Option<Break>,
    /// Travel cost = `cost_per_distance` x distance + `cost_per_travel_time` x driving time.
    pub cost_per_distance: i64,
    pub cost_per_travel_time: i64,
}

impl Vehicle {
    /// A vehicle based at `depot` with the given shift, unlimited skills and capacity, and a
    /// travel cost of one per distance unit.
    pub fn at(depot: LocationId, shift: TimeWindow) -> Self {
        Self {
            start: depot,
            end: depot,
            shift,
            skills: Skills(u64::MAX),
            capacity: Load::MAX,
            max_work: None,
            overtime: None,
            rest_break: None,
            cost_per_distance: 1,
            cost_per_travel_time: 0,
        }
    }

    /// The latest time the vehicle may reach its end location.
    pub fn latest_end(&self) -> Time {
        self.shift.end + self.overtime.map_or(Time::ZERO, |o| o.max)
    }
}

/// A pickup that must be served before its delivery, by the same vehicle.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pair {
    pub pickup: JobId,
    pub delivery: JobId,
}

/// Everything [`Problem::new`] needs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProblemInput {
    pub distances: Matrix<Distance>,
    pub durations: Matrix<Time>,
    pub jobs: Vec<Job>,
    pub vehicles: Vec<Vehicle>,
    pub pairs: Vec<Pair>,
    /// Put the number of vehicles used in the objective, right after dropped jobs.
    pub minimize_vehicles: bool,
}

/// What is wrong with a problem: the field, as a path such as `jobs[3].windows`, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ProblemError {
    pub field: String,
    pub message: String,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ProblemError {
    ProblemError {
        field: field.into(),
        message: message.into(),
    }
}

/// What a job is to its pair, if anything.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PairRole {
    Single,
    Pickup { delivery: JobId },
    Delivery { pickup: JobId },
}

/// A validated routing problem.
#[derive(Clone, Debug)]
pub struct Problem {
    pub distances: Matrix<Distance>,
    pub durations: Matrix<Time>,
    pub jobs: Vec<Job>,
    pub vehicles: Vec<Vehicle>,
    pub pairs: Vec<Pair>,
    pub minimize_vehicles: bool,
    /// Per job: its role in a pair.
    pub pair_roles: Vec<PairRole>,
    /// Per job: the hull of its windows clipped by its deadline, the single window the
    /// constant-time checks use.
    pub hull_windows: Vec<TimeWindow>,
    /// Per job: does it need the exact schedule check (several windows)?
    pub multi_window: Vec<bool>,
}

impl Problem {
    /// Validates `input`. Invariants afterwards: matrices are square and cover every location;
    /// windows are sorted, disjoint and non-empty after the deadline; durations, demands and
    /// penalties are non-negative; each job is in at most one pair.
    pub fn new(input: ProblemInput) -> Result<Self, ProblemError> {
        let ProblemInput {
            distances,
            durations,
            jobs,
            vehicles,
            pairs,
            minimize_vehicles,
        } = input;
        let n = distances.size();
        if durations.size() != n {
            return Err(invalid(
                "durations",
                format!("is {0}x{0} but distances is {n}x{n}", durations.size()),
            ));
        }
        if n == 0 {
            return Err(invalid("distances", "has no location"));
        }
        if distances.data.iter().any(|d| d.0 < 0) {
            return Err(invalid("distances", "holds a negative distance"));
        }
        if durations.data.iter().any(|d| d.0 < 0) {
            return Err(invalid("durations", "holds a negative duration"));
        }
        if vehicles.is_empty() && jobs.iter().any(Job::is_mandatory) {
            return Err(invalid("vehicles", "is empty but some jobs are mandatory"));
        }
        let mut hull_windows = Vec::with_capacity(jobs.len());
        let mut multi_window = Vec::with_capacity(jobs.len());
        for (j, job) in jobs.iter().enumerate() {
            let f = |name: &str| format!("jobs[{j}].{name}");
            if job.location >= n {
                return Err(invalid(
                    f("location"),
                    format!("{} is not below {n}", job.location),
                ));
            }
            if job.service < Time::ZERO {
                return Err(invalid(f("service"), "is negative"));
            }
            if job.demand < Load::ZERO {
                return Err(invalid(f("demand"), "is negative"));
            }
            if job.drop_penalty.is_some_and(|p| p < Cost::ZERO) {
                return Err(invalid(f("dropPenalty"), "is negative"));
            }
            for (w, tw) in job.windows.iter().enumerate() {
                if tw.start > tw.end {
                    return Err(invalid(
                        format!("jobs[{j}].windows[{w}]"),
                        format!("start {} is after end {}", tw.start, tw.end),
                    ));
                }
                if w > 0 && job.windows[w - 1].end >= tw.start {
                    return Err(invalid(
                        format!("jobs[{j}].windows[{w}]"),
                        "overlaps or precedes the window before it",
                    ));
                }
            }
            // The windows that open by the deadline; the hull spans them, clipped by it.
            let deadline = job.deadline.unwrap_or(Time::MAX);
            let usable: Vec<&TimeWindow> =
                job.windows.iter().filter(|w| w.start <= deadline).collect();
            let hull = match (usable.first(), usable.last()) {
                (Some(first), Some(last)) => TimeWindow::new(first.start, last.end.min(deadline)),
                _ if job.windows.is_empty() => TimeWindow::new(Time::MIN, deadline),
                _ => TimeWindow::new(Time::MAX, Time::MIN),
            };
            if hull.start > hull.end {
                return Err(invalid(f("deadline"), "closes before every window opens"));
            }
            let usable = usable.len();
            hull_windows.push(hull);
            multi_window.push(usable > 1);
        }
        for (v, veh) in vehicles.iter().enumerate() {
            let f = |name: &str| format!("vehicles[{v}].{name}");
            if veh.start >= n {
                return Err(invalid(
                    f("start"),
                    format!("{} is not below {n}", veh.start),
                ));
            }
            if veh.end >= n {
                return Err(invalid(f("end"), format!("{} is not below {n}", veh.end)));
            }
            if veh.shift.start > veh.shift.end {
                return Err(invalid(f("shift"), "starts after it ends"));
            }
            if veh.capacity < Load::ZERO {
                return Err(invalid(f("capacity"), "is negative"));
            }
            if veh.max_work.is_some_and(|m| m < Time::ZERO) {
                return Err(invalid(f("maxWork"), "is negative"));
            }
            if let Some(o) = veh.overtime
                && (o.max < Time::ZERO || o.cost_per_unit < Cost::ZERO)
            {
                return Err(invalid(f("overtime"), "has a negative maximum or cost"));
            }
            if let Some(b) = veh.rest_break
                && (b.duration < Time::ZERO || b.window.start > b.window.end)
            {
                return Err(invalid(
                    f("restBreak"),
                    "has a negative duration or an empty window",
                ));
            }
            if veh.cost_per_distance < 0 || veh.cost_per_travel_time < 0 {
                return Err(invalid(
                    f("costPerDistance"),
                    "travel costs must not be negative",
                ));
            }
        }
        let mut pair_roles = vec![PairRole::Single; jobs.len()];
        for (p, pair) in pairs.iter().enumerate() {
            for (name, j) in [("pickup", pair.pickup), ("delivery", pair.delivery)] {
                if j >= jobs.len() {
                    return Err(invalid(
                        format!("pairs[{p}].{name}"),
                        format!("job {j} does not exist"),
                    ));
                }
                if pair_roles[j] != PairRole::Single {
                    return Err(invalid(
                        format!("pairs[{p}].{name}"),
                        format!("job {j} is already in a pair"),
                    ));
                }
            }
            if pair.pickup == pair.delivery {
                return Err(invalid(
                    format!("pairs[{p}]"),
                    "pickup and delivery are the same job",
                ));
            }
            if jobs[pair.pickup].is_mandatory() != jobs[pair.delivery].is_mandatory() {
                return Err(invalid(
                    format!("pairs[{p}]"),
                    "pickup and delivery must both be mandatory or both optional",
                ));
            }
            pair_roles[pair.pickup] = PairRole::Pickup {
                delivery: pair.delivery,
            };
            pair_roles[pair.delivery] = PairRole::Delivery {
                pickup: pair.pickup,
            };
        }
        Ok(Self {
            distances,
            durations,
            jobs,
            vehicles,
            pairs,
            minimize_vehicles,
            pair_roles,
            hull_windows,
            multi_window,
        })
    }

    pub fn num_jobs(&self) -> usize {
        self.jobs.len()
    }

    pub fn num_vehicles(&self) -> usize {
        self.vehicles.len()
    }

    #[inline]
    pub fn distance(&self, from: LocationId, to: LocationId) -> Distance {
        self.distances.get(from, to)
    }

    #[inline]
    pub fn duration(&self, from: LocationId, to: LocationId) -> Time {
        self.durations.get(from, to)
    }

    /// Can vehicle `v` serve job `j` at all (skills)?
    #[inline]
    pub fn can_serve(&self, v: VehicleId, j: JobId) -> bool {
        self.vehicles[v].skills.covers(self.jobs[j].skills)
    }
}
