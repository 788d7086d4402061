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

    /// The entries from `from` to every location, in order.
    #[inline]
    pub fn row(&self, from: LocationId) -> &[T] {
        &self.data[from * self.size..(from + 1) * self.size]
    }
}

impl<T: Copy + Default + PartialEq> Matrix<T> {
    /// Is entry (i, j) entry (j, i) for every pair?
    pub fn is_symmetric(&self) -> bool {
        (0..self.size).all(|i| (0..i).all(|j| self.get(i, j) == self.get(j, i)))
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
            bits |= Self::of(i).0;
        }
        Some(Skills(bits))
    }

    /// The set of skill `i` alone (`i` below [`Self::MAX_SKILLS`]): the one place a skill
    /// (a device family's index) becomes a bit.
    #[inline]
    pub const fn of(i: usize) -> Self {
        assert!(i < Self::MAX_SKILLS, "a skill index is below 64");
        Skills(1 << i)
    }

    /// Does this set hold skill `i`?
    #[inline]
    pub fn has(self, i: usize) -> bool {
        i < Self::MAX_SKILLS && self.covers(Self::of(i))
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

    /// The latest time the vehicle may reach its end location and end its working day: its
    /// latest end, capped by its longest working day.
    pub fn latest_return(&self) -> Time {
        self.latest_end()
            .min(self.max_work.map_or(Time::MAX, |m| self.shift.start + m))
    }
}

/// A pickup that must be served before its delivery, by the same vehicle.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pair {
    pub pickup: JobId,
    pub delivery: JobId,
}

/// The most people a synchronised group may need.
pub const MAX_TEAM: usize = 4;

/// Jobs served together by several people arriving together: one member job per person, all
/// started at the same instant on different routes. Each member carries its own skills, the
/// role or training its slot needs (an on-site callback: a customer-service colleague and a
/// technical engineer, who both sign the callback sheet).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub jobs: Vec<JobId>,
}

/// Everything [`Problem::new`] needs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProblemInput {
    pub distances: Matrix<Distance>,
    pub durations: Matrix<Time>,
    pub jobs: Vec<Job>,
    pub vehicles: Vec<Vehicle>,
    pub pairs: Vec<Pair>,
    /// Synchronised visits of several people (see [`Group`]).
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Put the number of vehicles used in the objective, right after dropped jobs.
    pub minimize_vehicles: bool,
}

impl ProblemInput {
    /// Adds a visit needing `slots.len()` people who start together: one copy of `job` per
    /// slot, each requiring that slot's skills (a role or a training), grouped. Returns the
    /// member job ids, in slot order. One slot adds a plain job.
    pub fn add_team_visit(&mut self, job: &Job, slots: &[Skills]) -> Vec<JobId> {
        let first = self.jobs.len();
        self.jobs.extend(slots.iter().map(|&skills| Job {
            skills,
            ..job.clone()
        }));
        let members: Vec<JobId> = (first..self.jobs.len()).collect();
        if members.len() > 1 {
            self.groups.push(Group {
                jobs: members.clone(),
            });
        }
        members
    }

    /// A small problem for unit tests: `size` locations whose drives take `distance(i, j)` and
    /// `duration(i, j)`, the given jobs and vehicles, no pairs or groups, distance first.
    #[cfg(test)]
    pub(crate) fn of_drives(
        size: usize,
        distance: impl Fn(usize, usize) -> i64,
        duration: impl Fn(usize, usize) -> i64,
        jobs: Vec<Job>,
        vehicles: Vec<Vehicle>,
    ) -> Self {
        Self {
            distances: Matrix::from_fn(size, |i, j| Distance(distance(i, j))),
            durations: Matrix::from_fn(size, |i, j| Time(duration(i, j))),
            jobs,
            vehicles,
            pairs: Vec::new(),
            groups: Vec::new(),
            minimize_vehicles: false,
        }
    }
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
    pub groups: Vec<Group>,
    pub minimize_vehicles: bool,
    /// Per job: its role in a pair.
    pub pair_roles: Vec<PairRole>,
    /// Per job: the index of its synchronised group, if any.
    pub group_of: Vec<Option<usize>>,
    /// Per job: the hull of its windows clipped by its deadline, the single window the
    /// constant-time checks use.
    pub hull_windows: Vec<TimeWindow>,
    /// Per job: does it need the exact schedule check (several windows)?
    pub multi_window: Vec<bool>,
    /// Per job: the one vehicle that may serve it, if pinned ([`Problem::with_pins`]). A
    /// constraint of its own, not skill bits, so any number of vehicles may have pins.
    pub pinned: Vec<Option<VehicleId>>,
}

impl Problem {
    /// Validates `input`. Invariants afterwards: matrices are square and cover every location;
    /// windows are sorted, disjoint and non-empty after the deadline; durations, demands and
    /// penalties are non-negative; each job is in at most one pair or group, never both; a
    /// group has two members or more, all mandatory or all optional.
    pub fn new(input: ProblemInput) -> Result<Self, ProblemError> {
        let ProblemInput {
            distances,
            durations,
            jobs,
            vehicles,
            pairs,
            groups,
            minimize_vehicles,
        } = input;
        check_matrices(&distances, &durations)?;
        let n = distances.size();
        if vehicles.is_empty() && jobs.iter().any(Job::is_mandatory) {
            return Err(invalid("vehicles", "is empty but some jobs are mandatory"));
        }
        let mut hull_windows = Vec::with_capacity(jobs.len());
        let mut multi_window = Vec::with_capacity(jobs.len());
        for (j, job) in jobs.iter().enumerate() {
            let (hull, multi) = check_job(j, job, n)?;
            hull_windows.push(hull);
            multi_window.push(multi);
        }
        for (v, veh) in vehicles.iter().enumerate() {
            check_vehicle(v, veh, n)?;
        }
        let pair_roles = pair_roles(&pairs, &jobs)?;
        let group_of = group_index(&groups, &jobs, &pair_roles)?;
        let pinned = vec![None; jobs.len()];
        Ok(Self {
            distances,
            durations,
            jobs,
            vehicles,
            pairs,
            groups,
            minimize_vehicles,
            pair_roles,
            group_of,
            hull_windows,
            multi_window,
            pinned,
        })
    }

    /// Pins each `(job, vehicle)`: only that vehicle may serve the job. A pickup-delivery
    /// pair must be pinned to the same vehicle, or only one of its jobs pinned (the pair
    /// shares a route).
    pub fn with_pins(
        mut self,
        pins: impl IntoIterator<Item = (JobId, VehicleId)>,
    ) -> Result<Self, ProblemError> {
        for (j, v) in pins {
            if j >= self.jobs.len() {
                return Err(invalid(
                    "pins",
                    format!("job {j} is not below {}", self.jobs.len()),
                ));
            }
            if v >= self.vehicles.len() {
                return Err(invalid(
                    format!("pins[{j}]"),
                    format!("vehicle {v} is not below {}", self.vehicles.len()),
                ));
            }
            self.pinned[j] = Some(v);
        }
        for pair in &self.pairs {
            if let (Some(a), Some(b)) = (self.pinned[pair.pickup], self.pinned[pair.delivery]) {
                if a != b {
                    return Err(invalid(
                        format!("pins[{}]", pair.delivery),
                        format!("pinned to vehicle {b}, its pickup to vehicle {a}"),
                    ));
                }
            }
        }
        Ok(self)
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

    /// Can vehicle `v` serve job `j` at all (skills and pin)?
    #[inline]
    pub fn can_serve(&self, v: VehicleId, j: JobId) -> bool {
        self.vehicles[v].skills.covers(self.jobs[j].skills) && self.pin_allows(v, j)
    }

    /// Is job `j` unpinned, or pinned to vehicle `v`?
    #[inline]
    pub fn pin_allows(&self, v: VehicleId, j: JobId) -> bool {
        self.pinned[j].is_none_or(|p| p == v)
    }
}

/// Both matrices square, of the same size, not empty, without negative entries.
fn check_matrices(
    distances: &Matrix<Distance>,
    durations: &Matrix<Time>,
) -> Result<(), ProblemError> {
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
    Ok(())
}

/// Validates job `j` on `n` locations; returns the hull of its windows that open by its
/// deadline (clipped by it) and whether more than one such window remains.
fn check_job(j: usize, job: &Job, n: usize) -> Result<(TimeWindow, bool), ProblemError> {
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
    let usable: Vec<&TimeWindow> = job.windows.iter().filter(|w| w.start <= deadline).collect();
    let hull = match (usable.first(), usable.last()) {
        (Some(first), Some(last)) => TimeWindow::new(first.start, last.end.min(deadline)),
        _ if job.windows.is_empty() => TimeWindow::new(Time::MIN, deadline),
        _ => TimeWindow::new(Time::MAX, Time::MIN),
    };
    if hull.start > hull.end {
        return Err(invalid(f("deadline"), "closes before every window opens"));
    }
    Ok((hull, usable.len() > 1))
}

/// Validates vehicle `v` on `n` locations.
fn check_vehicle(v: usize, veh: &Vehicle, n: usize) -> Result<(), ProblemError> {
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
    Ok(())
}

/// Each job's role in a pair; every pair names two distinct existing jobs not in another pair,
/// both mandatory or both optional.
fn pair_roles(pairs: &[Pair], jobs: &[Job]) -> Result<Vec<PairRole>, ProblemError> {
    let mut roles = vec![PairRole::Single; jobs.len()];
    for (p, pair) in pairs.iter().enumerate() {
        for (name, j) in [("pickup", pair.pickup), ("delivery", pair.delivery)] {
            if j >= jobs.len() {
                return Err(invalid(
                    format!("pairs[{p}].{name}"),
                    format!("job {j} does not exist"),
                ));
            }
            if roles[j] != PairRole::Single {
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
        roles[pair.pickup] = PairRole::Pickup {
            delivery: pair.delivery,
        };
        roles[pair.delivery] = PairRole::Delivery {
            pickup: pair.pickup,
        };
    }
    Ok(roles)
}

/// Each job's group; every group has at least two existing jobs, none in a pair or in another
/// group, all mandatory or all optional.
fn group_index(
    groups: &[Group],
    jobs: &[Job],
    roles: &[PairRole],
) -> Result<Vec<Option<usize>>, ProblemError> {
    let mut group_of = vec![None; jobs.len()];
    for (g, group) in groups.iter().enumerate() {
        if group.jobs.len() < 2 || group.jobs.len() > MAX_TEAM {
            return Err(invalid(
                format!("groups[{g}].jobs"),
                format!("a synchronised visit needs 2 to {MAX_TEAM} jobs"),
            ));
        }
        for (m, &j) in group.jobs.iter().enumerate() {
            let field = format!("groups[{g}].jobs[{m}]");
            if j >= jobs.len() {
                return Err(invalid(field, format!("job {j} does not exist")));
            }
            if roles[j] != PairRole::Single {
                return Err(invalid(
                    field,
                    format!("job {j} is in a pickup-delivery pair"),
                ));
            }
            if group_of[j].is_some() {
                return Err(invalid(field, format!("job {j} is already in a group")));
            }
            if jobs[j].is_mandatory() != jobs[group.jobs[0]].is_mandatory() {
                return Err(invalid(
                    field,
                    "members must all be mandatory or all optional",
                ));
            }
            group_of[j] = Some(g);
        }
    }
    Ok(group_of)
}
