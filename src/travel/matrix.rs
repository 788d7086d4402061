//! [`TravelMatrix`]: the answer of every travel model.

use super::error::TravelError;
use rayon::prelude::*;

/// Distances (metres) and durations (seconds) between `n` points, row-major: entry `(i, j)`
/// is the trip from point `i` to point `j`.
///
/// Invariants: both vectors hold exactly `n * n` entries and the diagonal is zero for the
/// models of this module (a user-supplied matrix keeps the diagonal it was given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TravelMatrix {
    n: usize,
    metres: Vec<u32>,
    seconds: Vec<u32>,
}

impl TravelMatrix {
    /// A matrix from row-major vectors of `n * n` entries each.
    pub fn from_vecs(n: usize, metres: Vec<u32>, seconds: Vec<u32>) -> Result<Self, TravelError> {
        let cells = n.checked_mul(n).ok_or(TravelError::InvalidConfig {
            field: "n",
            value: n as f64,
            reason: "n * n overflows",
        })?;
        for (what, len) in [("metres", metres.len()), ("seconds", seconds.len())] {
            if len != cells {
                return Err(TravelError::Parse {
                    origin: "travel matrix".into(),
                    location: what.into(),
                    message: format!("{len} entries for {n} points, expected {cells}"),
                });
            }
        }
        Ok(Self { n, metres, seconds })
    }

    /// Number of points (rows and columns).
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Metres from point `i` to point `j`. Panics if an index is `>= len()`.
    #[inline]
    pub fn distance(&self, i: usize, j: usize) -> u32 {
        assert!(i < self.n && j < self.n, "index out of the travel matrix");
        self.metres[i * self.n + j]
    }

    /// Seconds from point `i` to point `j`. Panics if an index is `>= len()`.
    #[inline]
    pub fn duration(&self, i: usize, j: usize) -> u32 {
        assert!(i < self.n && j < self.n, "index out of the travel matrix");
        self.seconds[i * self.n + j]
    }

    /// `(metres, seconds)` from point `i` to point `j`, `None` if an index is out of range.
    pub fn get(&self, i: usize, j: usize) -> Option<(u32, u32)> {
        (i < self.n && j < self.n)
            .then(|| (self.metres[i * self.n + j], self.seconds[i * self.n + j]))
    }

    /// All distances, row-major.
    pub fn metres(&self) -> &[u32] {
        &self.metres
    }

    /// All durations, row-major.
    pub fn seconds(&self) -> &[u32] {
        &self.seconds
    }

    /// Is `(i, j)` equal to `(j, i)` for both distances and durations?
    pub fn is_symmetric(&self) -> bool {
        let n = self.n;
        (0..n).all(|i| {
            (i + 1..n).all(|j| {
                self.metres[i * n + j] == self.metres[j * n + i]
                    && self.seconds[i * n + j] == self.seconds[j * n + i]
            })
        })
    }

    /// Builds an `n x n` matrix row by row in parallel: `row(i, metres_row, seconds_row)`
    /// fills row `i`. If rows fail, one of their errors is returned.
    pub(crate) fn build_rows<F>(n: usize, row: F) -> Result<Self, TravelError>
    where
        F: Fn(usize, &mut [u32], &mut [u32]) -> Result<(), TravelError> + Sync,
    {
        Self::build_rows_with(n, || (), |_, i, m, s| row(i, m, s))
    }

    /// As [`Self::build_rows`], with per-thread scratch made by `init`.
    pub(crate) fn build_rows_with<S, I, F>(n: usize, init: I, row: F) -> Result<Self, TravelError>
    where
        I: Fn() -> S + Sync + Send,
        F: Fn(&mut S, usize, &mut [u32], &mut [u32]) -> Result<(), TravelError> + Sync + Send,
    {
        let cells = n.checked_mul(n).ok_or(TravelError::InvalidConfig {
            field: "points",
            value: n as f64,
            reason: "too many points for one matrix",
        })?;
        let mut metres = vec![0u32; cells];
        let mut seconds = vec![0u32; cells];
        if n > 0 {
            metres
                .par_chunks_mut(n)
                .zip(seconds.par_chunks_mut(n))
                .enumerate()
                .try_for_each_init(init, |scratch, (i, (m, s))| row(scratch, i, m, s))?;
        }
        Ok(Self { n, metres, seconds })
    }
}
