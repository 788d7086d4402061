//! The road-network model: shortest travel times on an OpenStreetMap road graph.
//!
//! Points are snapped to their nearest graph node (grid index, exact haversine nearest). The
//! trip from point `i` to point `j` is an *access leg* from `i` to its node (straight line at
//! [`RoadModelConfig::access_kmh`]), the fastest road path between the nodes (ties: the
//! shorter), and the access leg from `j`'s node to `j`. Times are summed in milliseconds and
//! lengths in decimetres, then rounded up once to seconds and metres: rounding up keeps the
//! triangle inequality exact for durations. On a graph whose roads are all two-way the matrix is
//! symmetric.
//!
//! Many-to-many: one Dijkstra per point (rows in parallel with rayon), each stopping as soon as
//! every target node is settled. Cost `O(P * (E + V log V))` for `P` points in the worst case;
//! targets spread over the whole network make each search close to one-to-all. Consecutive
//! rows from the same node reuse the previous search.

mod network;
mod osm;
mod search;
mod snap;

pub use network::{Direction, RoadEdge, RoadGraph, RoadGraphBuilder, RoadNetwork, RoadNode};
pub use osm::{OsmOptions, RoadClass, parse_maxspeed};
pub use search::PathCost;

use super::TravelModel;
use super::error::TravelError;
use super::hash::Fnv64;
use super::matrix::TravelMatrix;
use super::point::TravelPoint;
use petgraph::graph::NodeIndex;
use rayon::prelude::*;
use search::Search;
use std::sync::Arc;

/// Parameters of the [`RoadModel`].
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct RoadModelConfig {
    /// Speed of the straight leg between a point and its road node, km/h, > 0.
    pub access_kmh: f64,
    /// A point farther than this from every road node is an error, metres, > 0.
    pub max_snap_metres: f64,
}

impl Default for RoadModelConfig {
    /// 15 km/h access legs, points at most 5 km from the network.
    fn default() -> Self {
        Self {
            access_kmh: 15.0,
            max_snap_metres: 5_000.0,
        }
    }
}

/// Where a point joins the road network.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Snap {
    pub node: NodeIndex,
    /// Straight-line distance from the point to the node.
    pub metres: f64,
}

/// Travel on a road network. Cheap to clone (the network is shared).
#[derive(Clone, Debug)]
pub struct RoadModel {
    network: Arc<RoadNetwork>,
    config: RoadModelConfig,
    fingerprint: u64,
}

impl RoadModel {
    pub fn new(network: Arc<RoadNetwork>, config: RoadModelConfig) -> Result<Self, TravelError> {
        if !(config.access_kmh.is_finite() && config.access_kmh > 0.0) {
            return Err(TravelError::InvalidConfig {
                field: "access_kmh",
                value: config.access_kmh,
                reason: "must be finite and > 0",
            });
        }
        if !(config.max_snap_metres.is_finite() && config.max_snap_metres > 0.0) {
            return Err(TravelError::InvalidConfig {
                field: "max_snap_metres",
                value: config.max_snap_metres,
                reason: "must be finite and > 0",
            });
        }
        let mut h = Fnv64::new();
        h.write(b"road-model-v1");
        h.write_u64(network.fingerprint());
        h.write_f64(config.access_kmh);
        h.write_f64(config.max_snap_metres);
        Ok(Self {
            network,
            config,
            fingerprint: h.finish(),
        })
    }

    pub fn network(&self) -> &Arc<RoadNetwork> {
        &self.network
    }

    pub fn config(&self) -> &RoadModelConfig {
        &self.config
    }

    /// The road node of each point (in parallel); an error for a point too far from the roads.
    pub fn snap(&self, points: &[TravelPoint]) -> Result<Vec<Snap>, TravelError> {
        points
            .par_iter()
            .enumerate()
            .map(|(index, p)| {
                let (node, metres) = self.network.nearest_node(p.lat(), p.lon());
                if metres > self.config.max_snap_metres {
                    return Err(TravelError::SnapTooFar {
                        index,
                        lat: p.lat(),
                        lon: p.lon(),
                        metres,
                        max_metres: self.config.max_snap_metres,
                    });
                }
                Ok(Snap { node, metres })
            })
            .collect()
    }
}

impl TravelModel for RoadModel {
    fn matrix(&self, points: &[TravelPoint]) -> Result<TravelMatrix, TravelError> {
        let snaps = self.snap(points)?;
        let net = self.network.as_ref();
        let access_mps = self.config.access_kmh / 3.6;
        // Access legs in the search's units: milliseconds (rounded up) and decimetres.
        let access: Vec<(u64, u64)> = snaps
            .iter()
            .map(|s| {
                (
                    (s.metres / access_mps * 1000.0).ceil() as u64,
                    (s.metres * 10.0).round() as u64,
                )
            })
            .collect();
        let mut is_target = vec![false; net.node_count()];
        let mut distinct = 0;
        for s in &snaps {
            if !is_target[s.node.index()] {
                is_target[s.node.index()] = true;
                distinct += 1;
            }
        }
        TravelMatrix::build_rows_with(
            points.len(),
            || Search::new(net.node_count()),
            |search, i, metres, seconds| {
                let source = snaps[i].node.index() as u32;
                if search.last_source != Some(source) {
                    search.run(net, source, &is_target, distinct);
                }
                for (j, s) in snaps.iter().enumerate() {
                    if i == j {
                        continue;
                    }
                    let path = search.cost(s.node.index() as u32);
                    if !path.is_reached() {
                        return Err(if search.overflowed {
                            TravelError::Overflow {
                                from: i,
                                to: j,
                                what: "road path time over 49 days",
                            }
                        } else {
                            TravelError::Unreachable { from: i, to: j }
                        });
                    }
                    let ms = access[i].0 + path.millis + access[j].0;
                    let dm = access[i].1 + path.decimetres + access[j].1;
                    let overflow = |what| TravelError::Overflow {
                        from: i,
                        to: j,
                        what,
                    };
                    seconds[j] =
                        u32::try_from(ms.div_ceil(1000)).map_err(|_| overflow("seconds"))?;
                    metres[j] = u32::try_from(dm.div_ceil(10)).map_err(|_| overflow("metres"))?;
                }
                Ok(())
            },
        )
    }

    fn name(&self) -> &str {
        "road"
    }

    fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}
