//! One-to-many Dijkstra on the CSR adjacency, lexicographic on (milliseconds, decimetres): the
//! fastest path, and among equally fast ones the shortest, so that the metres reported for a
//! two-way road graph are symmetric too.

use super::network::RoadNetwork;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Cost of a path: time in milliseconds, length in decimetres. `u64::MAX` in both when the
/// target was not reached.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PathCost {
    pub millis: u64,
    pub decimetres: u64,
}

impl PathCost {
    pub const UNREACHED: PathCost = PathCost {
        millis: u64::MAX,
        decimetres: u64::MAX,
    };

    pub fn is_reached(&self) -> bool {
        self.millis != u64::MAX
    }
}

/// Reusable scratch for searches on one network (one per thread).
///
/// Invariant between runs: `cost[v]` and `settled[v]` are at their reset values for every `v`
/// not in `touched`.
pub(crate) struct Search {
    cost: Vec<PathCost>,
    settled: Vec<bool>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(PathCost, u32)>>,
    /// The source of the last run, whose results are still in `cost`.
    pub(crate) last_source: Option<u32>,
}

impl Search {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            cost: vec![PathCost::UNREACHED; n],
            settled: vec![false; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            last_source: None,
        }
    }

    /// Settles nodes from `source` until the `distinct_targets` nodes marked in `is_target` are
    /// all settled (or the graph is exhausted).
    pub(crate) fn run(
        &mut self,
        net: &RoadNetwork,
        source: u32,
        is_target: &[bool],
        distinct_targets: usize,
    ) {
        for &v in &self.touched {
            self.cost[v as usize] = PathCost::UNREACHED;
            self.settled[v as usize] = false;
        }
        self.touched.clear();
        self.heap.clear();
        self.last_source = Some(source);

        let start = PathCost {
            millis: 0,
            decimetres: 0,
        };
        self.cost[source as usize] = start;
        self.touched.push(source);
        self.heap.push(Reverse((start, source)));
        let mut remaining = distinct_targets;
        while let Some(Reverse((c, v))) = self.heap.pop() {
            let vi = v as usize;
            if self.settled[vi] || c != self.cost[vi] {
                continue;
            }
            self.settled[vi] = true;
            if is_target[vi] {
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
            let (lo, hi) = (net.first_out[vi] as usize, net.first_out[vi + 1] as usize);
            for k in lo..hi {
                let w = net.head[k];
                let next = PathCost {
                    millis: c.millis + u64::from(net.millis[k]),
                    decimetres: c.decimetres + u64::from(net.decimetres[k]),
                };
                let wi = w as usize;
                if next < self.cost[wi] {
                    if !self.cost[wi].is_reached() {
                        self.touched.push(w);
                    }
                    self.cost[wi] = next;
                    self.heap.push(Reverse((next, w)));
                }
            }
        }
    }

    /// The cost to `v` found by the last run if `v` was settled, else `UNREACHED`.
    pub(crate) fn cost(&self, v: u32) -> PathCost {
        if self.settled[v as usize] {
            self.cost[v as usize]
        } else {
            PathCost::UNREACHED
        }
    }
}
