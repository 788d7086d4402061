//! The drives the search reads: distance and driving time of one pair of locations side by side.
//!
//! The search nearly always wants both figures of the same pair (the travel of a move, then its
//! timing), and on problems of a thousand locations most of its time was spent waiting for
//! them from the problem's two 64-bit matrices, 8 MB each. [`Drives`] keeps both entries of a
//! pair in one 32-bit cell: one cache line for both reads, and a quarter of the memory, so more
//! of it stays in the caches. It is built when every entry fits in 32 bits (nearly always:
//! metres and seconds, or Solomon's distances scaled by a million); otherwise the search reads
//! the problem's matrices. Either way [`Drives::leg`] gives the same figures.

use crate::solve::routing::problem::{LocationId, Problem};

/// The distance and the driving time of one drive.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Leg {
    pub distance: i64,
    pub duration: i64,
}

/// One cell of the compact matrix.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
struct Cell {
    distance: i32,
    duration: i32,
}

impl Cell {
    #[inline]
    fn leg(self) -> Leg {
        Leg {
            distance: i64::from(self.distance),
            duration: i64::from(self.duration),
        }
    }
}

/// Every drive of a problem. Invariant: `leg(a, b)` is `(problem.distance(a, b),
/// problem.duration(a, b))` for every pair.
pub struct Drives<'p> {
    problem: &'p Problem,
    /// Row-major cells when every entry fits in 32 bits.
    compact: Option<Vec<Cell>>,
    size: usize,
    /// Are both matrices symmetric? Then the two drives through a location are read from its
    /// own row (see [`Drives::through`]).
    symmetric: bool,
}

impl<'p> Drives<'p> {
    pub fn new(problem: &'p Problem) -> Self {
        let size = problem.distances.size();
        let fits = |v: i64| i32::try_from(v).is_ok();
        let mut compact = Some(Vec::with_capacity(size * size));
        'rows: for a in 0..size {
            for b in 0..size {
                let (d, t) = (problem.distance(a, b).0, problem.duration(a, b).0);
                match &mut compact {
                    Some(cells) if fits(d) && fits(t) => cells.push(Cell {
                        distance: d as i32,
                        duration: t as i32,
                    }),
                    _ => {
                        compact = None;
                        break 'rows;
                    }
                }
            }
        }
        let symmetric = problem.distances.is_symmetric() && problem.durations.is_symmetric();
        Self {
            problem,
            compact,
            size,
            symmetric,
        }
    }

    /// The drive from `a` to `b`.
    #[inline]
    pub fn leg(&self, a: LocationId, b: LocationId) -> Leg {
        match &self.compact {
            Some(cells) => cells[a * self.size + b].leg(),
            None => Leg {
                distance: self.problem.distance(a, b).0,
                duration: self.problem.duration(a, b).0,
            },
        }
    }

    /// The drives `a -> l` and `l -> b`. On symmetric matrices both come from `l`'s row, which
    /// stays in the cache while one location is tried along a route.
    #[inline]
    pub fn through(&self, a: LocationId, l: LocationId, b: LocationId) -> (Leg, Leg) {
        if self.symmetric {
            if let Some(cells) = &self.compact {
                let row = &cells[l * self.size..(l + 1) * self.size];
                return (row[a].leg(), row[b].leg());
            }
            return (self.leg(l, a), self.leg(l, b));
        }
        (self.leg(a, l), self.leg(l, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::routing::TimeWindow;
    use crate::solve::routing::problem::{Job, ProblemInput, Vehicle};
    use crate::solve::routing::units::Time;

    fn problem(
        distance: impl Fn(usize, usize) -> i64,
        duration: impl Fn(usize, usize) -> i64,
    ) -> Problem {
        Problem::new(ProblemInput::of_drives(
            4,
            distance,
            duration,
            (1..4).map(|l| Job::at(l, Time(1))).collect(),
            vec![Vehicle::at(0, TimeWindow::new(Time(0), Time(1000)))],
        ))
        .expect("a valid problem")
    }

    /// Every leg and every pair of legs through a location, compact or not, symmetric or not,
    /// is the problem's own figures.
    #[test]
    fn legs_are_the_problems_entries() {
        let cases = [
            problem(
                |i, j| (i as i64 - j as i64).abs() * 7,
                |i, j| (i + j) as i64 * 3,
            ),
            problem(|i, j| (3 * i + j) as i64, |i, j| (i + 5 * j) as i64),
            // Too long for 32 bits: read from the problem's matrices.
            problem(|i, j| (i + j) as i64 * (1 << 40), |i, j| (i * j) as i64),
        ];
        for (k, p) in cases.iter().enumerate() {
            let drives = Drives::new(p);
            assert_eq!(drives.compact.is_some(), k < 2);
            assert_eq!(drives.symmetric, k != 1);
            let expect = |a: usize, b: usize| Leg {
                distance: p.distance(a, b).0,
                duration: p.duration(a, b).0,
            };
            for a in 0..4 {
                for l in 0..4 {
                    assert_eq!(drives.leg(a, l), expect(a, l));
                    for b in 0..4 {
                        assert_eq!(drives.through(a, l, b), (expect(a, l), expect(l, b)));
                    }
                }
            }
        }
    }
}
