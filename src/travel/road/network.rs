//! The road graph: a petgraph `DiGraph` kept for inspection and tests, compiled to a compact
//! forward-star (CSR) adjacency for the searches, with a grid index for snapping.

use super::search::{PathCost, Search};
use super::snap::GridIndex;
use crate::travel::error::{PointError, TravelError};
use crate::travel::hash::Fnv64;
use crate::travel::point::TravelPoint;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

/// A road node (a junction or a way end) at a WGS84 position.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct RoadNode {
    pub lat: f64,
    pub lon: f64,
    /// The OpenStreetMap node id, 0 for a node built in code.
    pub osm_id: i64,
}

/// A directed road segment: time in milliseconds (rounded up, at least 1) and length in
/// decimetres.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RoadEdge {
    pub millis: u32,
    pub decimetres: u32,
}

/// The road graph type: nodes are positions, edges directed segments.
pub type RoadGraph = DiGraph<RoadNode, RoadEdge, u32>;

/// Which way traffic may use a road.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Direction {
    Both,
    /// From the first node to the second only.
    Forward,
    /// From the second node to the first only.
    Backward,
}

/// Collects nodes and roads, then [`RoadGraphBuilder::build`]s a [`RoadNetwork`].
#[derive(Clone, Debug, Default)]
pub struct RoadGraphBuilder {
    graph: RoadGraph,
}

impl RoadGraphBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(nodes: usize, edges: usize) -> Self {
        Self {
            graph: RoadGraph::with_capacity(nodes, edges),
        }
    }

    /// Adds a node at a checked position.
    pub fn add_node(&mut self, lat: f64, lon: f64, osm_id: i64) -> Result<NodeIndex, PointError> {
        let p = TravelPoint::new(lat, lon, crate::travel::SpeedClass::County)?;
        Ok(self.graph.add_node(RoadNode {
            lat: p.lat(),
            lon: p.lon(),
            osm_id,
        }))
    }

    /// Adds one directed segment of `metres` driven in `seconds` (both finite, >= 0 and at
    /// most 1,000,000). Its time is rounded up to whole milliseconds and is at least 1 ms, an
    /// invariant the search relies on.
    pub fn add_edge(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        metres: f64,
        seconds: f64,
    ) -> Result<(), TravelError> {
        for (field, value) in [("edge metres", metres), ("edge seconds", seconds)] {
            if !(value.is_finite() && (0.0..=1.0e6).contains(&value)) {
                return Err(TravelError::InvalidConfig {
                    field,
                    value,
                    reason: "must be finite, >= 0 and at most 1,000,000",
                });
            }
        }
        for node in [from, to] {
            if node.index() >= self.graph.node_count() {
                return Err(TravelError::InvalidConfig {
                    field: "edge node",
                    value: node.index() as f64,
                    reason: "no such node",
                });
            }
        }
        self.graph.add_edge(
            from,
            to,
            RoadEdge {
                millis: ((seconds * 1000.0).ceil() as u32).max(1),
                decimetres: (metres * 10.0).round() as u32,
            },
        );
        Ok(())
    }

    /// Adds a road of `metres` at `kmh` between two nodes, in the given direction(s).
    pub fn add_road(
        &mut self,
        a: NodeIndex,
        b: NodeIndex,
        metres: f64,
        kmh: f64,
        direction: Direction,
    ) -> Result<(), TravelError> {
        if !(kmh.is_finite() && kmh > 0.0) {
            return Err(TravelError::InvalidConfig {
                field: "road speed (km/h)",
                value: kmh,
                reason: "must be finite and > 0",
            });
        }
        let seconds = metres / (kmh / 3.6);
        if direction != Direction::Backward {
            self.add_edge(a, b, metres, seconds)?;
        }
        if direction != Direction::Forward {
            self.add_edge(b, a, metres, seconds)?;
        }
        Ok(())
    }

    /// Adds a straight road (its length is the haversine distance of its ends).
    pub fn add_straight_road(
        &mut self,
        a: NodeIndex,
        b: NodeIndex,
        kmh: f64,
        direction: Direction,
    ) -> Result<(), TravelError> {
        let (Some(na), Some(nb)) = (self.graph.node_weight(a), self.graph.node_weight(b)) else {
            return Err(TravelError::InvalidConfig {
                field: "road node",
                value: a.index().max(b.index()) as f64,
                reason: "no such node",
            });
        };
        let metres = crate::travel::point::haversine_metres(
            geo::Point::new(na.lon, na.lat),
            geo::Point::new(nb.lon, nb.lat),
        );
        self.add_road(a, b, metres, kmh, direction)
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Keeps the largest strongly connected component (so every node reaches every other) and
    /// compiles the search structures.
    pub fn build(self) -> Result<RoadNetwork, TravelError> {
        let total = self.graph.node_count();
        if total == 0 || self.graph.edge_count() == 0 {
            return Err(TravelError::EmptyNetwork("no road segment".into()));
        }
        let components = petgraph::algo::kosaraju_scc(&self.graph);
        let largest = components
            .iter()
            .max_by_key(|c| c.len())
            .expect("a non-empty graph has a component");
        let mut keep = vec![false; total];
        for n in largest {
            keep[n.index()] = true;
        }
        let graph = self
            .graph
            .filter_map(|i, n| keep[i.index()].then_some(*n), |_, e| Some(*e));
        if graph.edge_count() == 0 {
            return Err(TravelError::EmptyNetwork(
                "no two nodes are joined both ways".into(),
            ));
        }
        Ok(RoadNetwork::compile(graph, total))
    }
}

/// A strongly connected road graph ready for snapping and shortest-path searches.
///
/// Invariants: every node reaches every other node; `first_out` has `node_count + 1` entries
/// and the edges leaving node `v` are `first_out[v]..first_out[v + 1]` of `head`, `millis` and
/// `decimetres`.
#[derive(Clone, Debug)]
pub struct RoadNetwork {
    graph: RoadGraph,
    dropped_nodes: usize,
    pub(crate) first_out: Vec<u32>,
    pub(crate) head: Vec<u32>,
    pub(crate) millis: Vec<u32>,
    pub(crate) decimetres: Vec<u32>,
    index: GridIndex,
    fingerprint: u64,
}

impl RoadNetwork {
    fn compile(graph: RoadGraph, total_before: usize) -> Self {
        let n = graph.node_count();
        let m = graph.edge_count();
        let mut first_out = vec![0u32; n + 1];
        for e in graph.edge_references() {
            first_out[e.source().index() + 1] += 1;
        }
        for v in 0..n {
            first_out[v + 1] += first_out[v];
        }
        let mut fill = first_out.clone();
        let (mut head, mut millis, mut decimetres) = (vec![0u32; m], vec![0u32; m], vec![0u32; m]);
        for e in graph.edge_references() {
            let slot = &mut fill[e.source().index()];
            let k = *slot as usize;
            *slot += 1;
            head[k] = e.target().index() as u32;
            millis[k] = e.weight().millis;
            decimetres[k] = e.weight().decimetres;
        }
        let coords: Vec<(f64, f64)> = graph.node_weights().map(|w| (w.lat, w.lon)).collect();
        let index = GridIndex::new(&coords);
        let mut h = Fnv64::new();
        h.write(b"road-v1");
        for (lat, lon) in &coords {
            h.write_f64(*lat);
            h.write_f64(*lon);
        }
        for k in 0..m {
            h.write_u32(head[k]);
            h.write_u32(millis[k]);
            h.write_u32(decimetres[k]);
        }
        for f in &first_out {
            h.write_u32(*f);
        }
        Self {
            dropped_nodes: total_before - n,
            graph,
            first_out,
            head,
            millis,
            decimetres,
            index,
            fingerprint: h.finish(),
        }
    }

    /// The graph after pruning (node indices are the network's node ids).
    pub fn graph(&self) -> &RoadGraph {
        &self.graph
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Nodes left out because they were not in the largest strongly connected component.
    pub fn dropped_nodes(&self) -> usize {
        self.dropped_nodes
    }

    /// A stable hash of the graph (positions, edges and weights), for cache keys.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn node(&self, v: NodeIndex) -> Option<&RoadNode> {
        self.graph.node_weight(v)
    }

    /// The node nearest to a position (haversine metres; ties: the lower index) and its
    /// distance.
    pub fn nearest_node(&self, lat: f64, lon: f64) -> (NodeIndex, f64) {
        let (v, d) = self.index.nearest(lat, lon);
        (NodeIndex::new(v as usize), d)
    }

    /// The fastest path from `from` to `to` (ties: the shorter), `None` if a node is unknown.
    pub fn shortest_path(&self, from: NodeIndex, to: NodeIndex) -> Option<PathCost> {
        self.one_to_many(from, &[to])?.into_iter().next()
    }

    /// Fastest paths from `from` to each of `targets`; `None` if a node is unknown.
    pub fn one_to_many(&self, from: NodeIndex, targets: &[NodeIndex]) -> Option<Vec<PathCost>> {
        let n = self.node_count();
        if from.index() >= n || targets.iter().any(|t| t.index() >= n) {
            return None;
        }
        let mut is_target = vec![false; n];
        let mut distinct = 0;
        for t in targets {
            if !is_target[t.index()] {
                is_target[t.index()] = true;
                distinct += 1;
            }
        }
        let mut search = Search::new(n);
        search.run(self, from.index() as u32, &is_target, distinct);
        Some(
            targets
                .iter()
                .map(|t| search.cost(t.index() as u32))
                .collect(),
        )
    }
}
