//! Concatenable time segments: the earliest/latest start, minimal duration and time warp of a
//! sequence of visits, merged in O(1) (Vidal et al. 2013, "A hybrid genetic algorithm with
//! adaptive diversity management for a large class of vehicle routing problems with
//! time-windows"; the merge follows PyVRP's `DurationSegment::merge`).
//!
//! A segment stands for visits `first ..= last` served back to back with waiting allowed.
//! Invariant: `warp == 0` iff the visits can be served inside their windows when the segment
//! starts anywhere in `[early, late]`; then the segment takes `duration` (service, travel and
//! waiting) when it starts at `early`.

use crate::solve::routing::problem::LocationId;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub first: LocationId,
    pub last: LocationId,
    pub duration: i64,
    pub warp: i64,
    pub early: i64,
    pub late: i64,
}

impl Segment {
    /// One visit of `service` at `location` that must start in `[early, late]`.
    #[inline]
    pub fn visit(location: LocationId, service: i64, early: i64, late: i64) -> Self {
        Self {
            first: location,
            last: location,
            duration: service,
            warp: 0,
            early,
            late,
        }
    }

    /// `self` followed by `next`, the drive from `self.last` to `next.first` taking `edge`.
    #[inline]
    pub fn then_over(&self, edge: i64, next: &Segment) -> Segment {
        let at_next = self.duration - self.warp + edge;
        let wait = (next.early - at_next - self.late).max(0);
        let warp = (self.early + at_next - next.late).max(0);
        Segment {
            first: self.first,
            last: next.last,
            duration: self.duration + next.duration + edge + wait,
            warp: self.warp + next.warp + warp,
            early: (next.early - at_next).max(self.early) - wait,
            late: (next.late - at_next).min(self.late) + warp,
        }
    }

    /// Feasible: no time warp.
    #[inline]
    pub fn feasible(&self) -> bool {
        self.warp == 0
    }

    /// The earliest time the segment ends (service of the last visit done, or arrival when the
    /// last visit is the end depot).
    #[inline]
    pub fn earliest_end(&self) -> i64 {
        self.early + self.duration
    }
}
