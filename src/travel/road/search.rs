//! One-to-many Dijkstra on the CSR adjacency: the fastest path, and among equally fast ones the
//! shortest, so that the metres reported for a two-way road graph are symmetric too.
//!
//! The heap holds single `u64` keys, `millis << 32 | node`. That orders by time alone, yet the
//! tie-break on length is exact: every edge takes at least 1 ms (a [`RoadGraphBuilder`]
//! invariant), so every predecessor of a node on a fastest path is settled, with its final
//! length, before the node itself. Path times are limited to `u32::MAX` ms (49.7 days); a
//! longer path is not followed and flags [`Search::overflowed`].
//!
//! [`RoadGraphBuilder`]: super::RoadGraphBuilder

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

const UNSEEN: u32 = u32::MAX;

/// Reusable scratch for searches on one network (one per thread).
///
/// Invariant between runs: `millis[v] == UNSEEN` and `!settled[v]` for every `v` not in
/// `touched`.
pub(crate) struct Search {
    millis: Vec<u32>,
    decimetres: Vec<u64>,
    settled: Vec<bool>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<u64>>,
    /// The source of the last run, whose results are still held.
    pub(crate) last_source: Option<u32>,
    /// The last run dropped a path longer than `u32::MAX` ms.
    pub(crate) overflowed: bool,
}

impl Search {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            millis: vec![UNSEEN; n],
            decimetres: vec![0; n],
            settled: vec![false; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            last_source: None,
            overflowed: false,
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
            self.millis[v as usize] = UNSEEN;
            self.settled[v as usize] = false;
        }
        self.touched.clear();
        self.heap.clear();
        self.last_source = Some(source);
        self.overflowed = false;

        self.millis[source as usize] = 0;
        self.decimetres[source as usize] = 0;
        self.touched.push(source);
        self.heap.push(Reverse(u64::from(source)));
        let mut remaining = distinct_targets;
        while let Some(Reverse(key)) = self.heap.pop() {
            let v = key as u32;
            let vi = v as usize;
            let t = (key >> 32) as u32;
            if self.settled[vi] || t != self.millis[vi] {
                continue;
            }
            self.settled[vi] = true;
            if is_target[vi] {
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
            let len = self.decimetres[vi];
            let (lo, hi) = (net.first_out[vi] as usize, net.first_out[vi + 1] as usize);
            for k in lo..hi {
                let w = net.head[k];
                let wi = w as usize;
                let Some(nt) = t.checked_add(net.millis[k]).filter(|&x| x != UNSEEN) else {
                    self.overflowed = true;
                    continue;
                };
                let nl = len + u64::from(net.decimetres[k]);
                let old = self.millis[wi];
                if nt < old || (nt == old && nl < self.decimetres[wi] && !self.settled[wi]) {
                    if old == UNSEEN {
                        self.touched.push(w);
                    }
                    self.millis[wi] = nt;
                    self.decimetres[wi] = nl;
                    if nt < old {
                        self.heap.push(Reverse(u64::from(nt) << 32 | u64::from(w)));
                    }
                }
            }
        }
    }

    /// The cost to `v` found by the last run if `v` was settled, else `UNREACHED`.
    pub(crate) fn cost(&self, v: u32) -> PathCost {
        let vi = v as usize;
        if self.settled[vi] {
            PathCost {
                millis: u64::from(self.millis[vi]),
                decimetres: self.decimetres[vi],
            }
        } else {
            PathCost::UNREACHED
        }
    }
}
