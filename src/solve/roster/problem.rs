//! The index-based assignment problem: tasks, engineers and engineer-days ("bins") as
//! indices, days counted from the first day of the horizon. Nothing here knows sites or ids.

use crate::solve::routing::Skills;
use std::sync::Arc;

/// A day index: 0 is the first day of the horizon.
pub type Day = i32;

/// One task to place on an engineer-day.
#[derive(Clone, Debug, PartialEq)]
pub struct ATask {
    /// Place index of the site.
    pub place: usize,
    /// Minutes of work (on site, or at the desk for a phone callback).
    pub work: u32,
    /// False for phone callbacks: desk time, no travel.
    pub on_site: bool,
    /// Index of the skill (device family) it needs, if any.
    pub skill: Option<usize>,
    /// On-time window in day indices, inclusive; may reach outside `0..days`.
    pub window: (Day, Day),
    /// The due date, a day index (may be outside the horizon).
    pub due: Day,
    /// The window closed before the horizon: do it as soon as possible.
    pub overdue: bool,
    /// The pool (district) the task belongs to.
    pub pool: usize,
    /// Priority weight (1 normal; more for overdue or large customers).
    pub weight: f64,
}

impl ATask {
    /// Does the window keep going after the horizon (so leaving it out defers, not misses)?
    pub fn deferrable(&self, days: Day) -> bool {
        !self.overdue && self.window.1 >= days
    }

    /// The days of the horizon it may be placed on without lateness (all days if overdue,
    /// each then late).
    pub fn horizon_days(&self, days: Day) -> std::ops::RangeInclusive<Day> {
        if self.overdue {
            0..=days - 1
        } else {
            self.window.0.max(0)..=self.window.1.min(days - 1)
        }
    }

    /// Days late if done on `day` (0 inside the window).
    pub fn late_days(&self, day: Day) -> u32 {
        (day - self.window.1).max(0) as u32
    }

    pub fn in_window(&self, day: Day) -> bool {
        !self.overdue && self.window.0 <= day && day <= self.window.1
    }
}

/// An engineer, as the model sees one.
#[derive(Clone, Debug, PartialEq)]
pub struct AEngineer {
    /// Place index of the home service point.
    pub home: usize,
    pub pool: usize,
    pub skills: Skills,
}

impl AEngineer {
    pub fn can_do(&self, task: &ATask) -> bool {
        task.skill.is_none_or(|s| self.skills.has(s))
    }
}

/// One engineer on one working day.
#[derive(Clone, Debug, PartialEq)]
pub struct Bin {
    pub engineer: usize,
    pub day: Day,
    /// Minutes for work and travel: the shift, less the lunch break and the fault reserve.
    pub capacity: u32,
}

/// The whole assignment problem.
#[derive(Clone, Debug)]
pub struct AssignProblem {
    pub tasks: Vec<ATask>,
    pub engineers: Vec<AEngineer>,
    /// Sorted by (day, engineer).
    pub bins: Vec<Bin>,
    /// Days in the horizon.
    pub days: Day,
    /// Pools (districts): their number, and each one's home place for spill-over distances.
    pub pool_homes: Vec<usize>,
    /// Per place and day: can a visit happen there that day (the site is open long enough)?
    pub open: Vec<Vec<bool>>,
    pub estimate: Estimate,
}

impl AssignProblem {
    /// Can task `t` be done in bin `b` at all (skill, site open, not before the window)?
    /// Lateness is allowed here; the callers decide how much.
    pub fn compatible(&self, t: usize, b: usize) -> bool {
        let task = &self.tasks[t];
        let bin = &self.bins[b];
        self.engineers[bin.engineer].can_do(task)
            && (task.overdue || bin.day >= task.window.0)
            && (!task.on_site || self.open[task.place][bin.day as usize])
    }

    /// Bins of day `day` (bins are sorted by day).
    pub fn bins_of_day(&self, day: Day) -> std::ops::Range<usize> {
        let lo = self.bins.partition_point(|b| b.day < day);
        let hi = self.bins.partition_point(|b| b.day <= day);
        lo..hi
    }
}

/// A trip between two places: `(metres, seconds)`, `None` when it cannot be measured.
pub type TripFn = dyn Fn(usize, usize) -> Option<(u32, u32)> + Send + Sync;

/// Travel estimates between places for the model, from a trip function over place indices
/// (the domain side gives straight-line geodesic estimates; the routing engine later uses the
/// configured travel model). A place to itself is no trip; a trip that cannot be measured
/// counts as a quarter of `u32::MAX`, far enough never to be chosen and safe to add.
#[derive(Clone)]
pub struct Estimate {
    trip: Arc<TripFn>,
    places: usize,
}

impl std::fmt::Debug for Estimate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Estimate")
            .field("places", &self.places)
            .finish_non_exhaustive()
    }
}

impl Estimate {
    /// Estimates between `places` places, `trip(a, b)` measuring the trip from `a` to `b`.
    pub fn new(
        places: usize,
        trip: impl Fn(usize, usize) -> Option<(u32, u32)> + Send + Sync + 'static,
    ) -> Self {
        Self {
            trip: Arc::new(trip),
            places,
        }
    }

    /// (metres, minutes) from place `a` to place `b`.
    pub fn trip(&self, a: usize, b: usize) -> (u32, u32) {
        if a == b {
            return (0, 0);
        }
        let (m, s) = (self.trip)(a, b).unwrap_or((u32::MAX / 4, u32::MAX / 4));
        (m, s.div_ceil(60))
    }

    pub fn metres(&self, a: usize, b: usize) -> u32 {
        self.trip(a, b).0
    }

    pub fn len(&self) -> usize {
        self.places
    }

    pub fn is_empty(&self) -> bool {
        self.places == 0
    }
}
