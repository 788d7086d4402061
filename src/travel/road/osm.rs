//! Loading an OpenStreetMap extract (`.osm.pbf`) into a [`RoadNetwork`].
//!
//! Two passes over the file, each decoding blobs in parallel (rayon):
//! 1. ways with a drivable `highway=*` class, not closed to cars (`access`, `motor_vehicle`,
//!    `motorcar` = `no`/`private`), with their direction (`oneway`, implied on motorways and
//!    roundabouts) and speed (`maxspeed` when it parses, else the class default);
//! 2. the positions of the nodes those ways use.
//!
//! Shape nodes are contracted: a graph node is a way end or a node shared by two ways (or used
//! twice by one), so a road between junctions is one edge whose length sums its shape. A way
//! that refers to a node missing from the extract (clipped at the border) is cut there.

use super::network::{Direction, RoadGraphBuilder, RoadNetwork};
use crate::travel::error::TravelError;
use crate::travel::point::haversine_metres;
use petgraph::graph::NodeIndex;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// The drivable OpenStreetMap `highway` classes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoadClass {
    Motorway,
    MotorwayLink,
    Trunk,
    TrunkLink,
    Primary,
    PrimaryLink,
    Secondary,
    SecondaryLink,
    Tertiary,
    TertiaryLink,
    Unclassified,
    Residential,
    LivingStreet,
    Service,
}

impl RoadClass {
    pub const ALL: [RoadClass; 14] = [
        RoadClass::Motorway,
        RoadClass::MotorwayLink,
        RoadClass::Trunk,
        RoadClass::TrunkLink,
        RoadClass::Primary,
        RoadClass::PrimaryLink,
        RoadClass::Secondary,
        RoadClass::SecondaryLink,
        RoadClass::Tertiary,
        RoadClass::TertiaryLink,
        RoadClass::Unclassified,
        RoadClass::Residential,
        RoadClass::LivingStreet,
        RoadClass::Service,
    ];

    /// The class of a `highway=*` value; `None` for roads a car cannot use.
    pub fn from_highway(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.tag() == value)
    }

    /// The `highway=*` value.
    pub fn tag(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway",
            RoadClass::MotorwayLink => "motorway_link",
            RoadClass::Trunk => "trunk",
            RoadClass::TrunkLink => "trunk_link",
            RoadClass::Primary => "primary",
            RoadClass::PrimaryLink => "primary_link",
            RoadClass::Secondary => "secondary",
            RoadClass::SecondaryLink => "secondary_link",
            RoadClass::Tertiary => "tertiary",
            RoadClass::TertiaryLink => "tertiary_link",
            RoadClass::Unclassified => "unclassified",
            RoadClass::Residential => "residential",
            RoadClass::LivingStreet => "living_street",
            RoadClass::Service => "service",
        }
    }

    /// Free-flow speed assumed when a way has no usable `maxspeed`, km/h.
    pub fn default_kmh(self) -> f64 {
        match self {
            RoadClass::Motorway => 100.0,
            RoadClass::MotorwayLink => 60.0,
            RoadClass::Trunk => 80.0,
            RoadClass::TrunkLink => 50.0,
            RoadClass::Primary => 60.0,
            RoadClass::PrimaryLink => 40.0,
            RoadClass::Secondary => 50.0,
            RoadClass::SecondaryLink => 35.0,
            RoadClass::Tertiary => 40.0,
            RoadClass::TertiaryLink => 30.0,
            RoadClass::Unclassified => 30.0,
            RoadClass::Residential => 25.0,
            RoadClass::LivingStreet => 10.0,
            RoadClass::Service => 15.0,
        }
    }

    fn position(self) -> usize {
        Self::ALL.iter().position(|c| *c == self).expect("in ALL")
    }
}

/// How the loader turns tags into speeds.
#[derive(Clone, Debug, PartialEq)]
pub struct OsmOptions {
    /// Speed per class (km/h), indexed like [`RoadClass::ALL`].
    speeds_kmh: [f64; 14],
    /// Use a way's `maxspeed` when it parses (clamped to 5..=130 km/h).
    pub use_maxspeed: bool,
}

impl Default for OsmOptions {
    fn default() -> Self {
        Self {
            speeds_kmh: RoadClass::ALL.map(RoadClass::default_kmh),
            use_maxspeed: true,
        }
    }
}

impl OsmOptions {
    /// Sets the speed of a class; rejects speeds that are not finite and > 0.
    pub fn with_speed(mut self, class: RoadClass, kmh: f64) -> Result<Self, TravelError> {
        if !(kmh.is_finite() && kmh > 0.0) {
            return Err(TravelError::InvalidConfig {
                field: "road class speed (km/h)",
                value: kmh,
                reason: "must be finite and > 0",
            });
        }
        self.speeds_kmh[class.position()] = kmh;
        Ok(self)
    }

    pub fn speed_kmh(&self, class: RoadClass) -> f64 {
        self.speeds_kmh[class.position()]
    }
}

/// A `maxspeed` value in km/h: `"60"`, `"60 km/h"`, `"30 mph"`, `"50;60"` (the first);
/// `None` for `"none"`, `"signals"`, country codes such as `"CN:urban"` and the like.
pub fn parse_maxspeed(value: &str) -> Option<f64> {
    let first = value.split(';').next()?.trim();
    let digits = first
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(first.len());
    let number: f64 = first[..digits].parse().ok()?;
    let factor = match first[digits..].trim() {
        "" | "km/h" | "kmh" | "kph" => 1.0,
        "mph" => 1.609_344,
        _ => return None,
    };
    let kmh = number * factor;
    (kmh.is_finite() && kmh > 0.0).then_some(kmh)
}

/// An OSM node id and its `(lat, lon)`.
type NodePosition = (i64, (f64, f64));

/// A drivable way from pass 1.
struct WayRecord {
    refs: Vec<i64>,
    kmh: f64,
    direction: Direction,
}

impl RoadNetwork {
    /// Loads the drivable roads of an `.osm.pbf` extract (see the module doc of `osm`).
    pub fn from_osm_pbf(
        path: impl AsRef<Path>,
        options: &OsmOptions,
    ) -> Result<RoadNetwork, TravelError> {
        let path = path.as_ref();
        let osm_err = |e: osmpbf::Error| TravelError::Osm {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        if !path.is_file() {
            return Err(TravelError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }

        // Pass 1: drivable ways.
        let ways: Vec<WayRecord> = osmpbf::BlobReader::from_path(path)
            .map_err(osm_err)?
            .par_bridge()
            .map(|blob| -> Result<Vec<WayRecord>, osmpbf::Error> {
                let mut out = Vec::new();
                if let osmpbf::BlobDecode::OsmData(block) = blob?.decode()? {
                    for group in block.groups() {
                        for way in group.ways() {
                            if let Some(rec) = way_record(&way, options) {
                                out.push(rec);
                            }
                        }
                    }
                }
                Ok(out)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(osm_err)?
            .into_iter()
            .flatten()
            .collect();
        if ways.is_empty() {
            return Err(TravelError::EmptyNetwork(format!(
                "{}: no drivable way",
                path.display()
            )));
        }

        // Uses per node: a way end counts twice, so ends and shared nodes reach 2.
        let mut uses: HashMap<i64, u8> = HashMap::new();
        for w in &ways {
            let last = w.refs.len() - 1;
            for (k, id) in w.refs.iter().enumerate() {
                let add = if k == 0 || k == last { 2 } else { 1 };
                let u = uses.entry(*id).or_insert(0);
                *u = u.saturating_add(add);
            }
        }

        // Pass 2: positions of the nodes the ways use.
        let coords: HashMap<i64, (f64, f64)> = osmpbf::BlobReader::from_path(path)
            .map_err(osm_err)?
            .par_bridge()
            .map(|blob| -> Result<Vec<NodePosition>, osmpbf::Error> {
                let mut out = Vec::new();
                if let osmpbf::BlobDecode::OsmData(block) = blob?.decode()? {
                    for group in block.groups() {
                        for n in group.dense_nodes() {
                            if uses.contains_key(&n.id()) {
                                out.push((n.id(), (n.lat(), n.lon())));
                            }
                        }
                        for n in group.nodes() {
                            if uses.contains_key(&n.id()) {
                                out.push((n.id(), (n.lat(), n.lon())));
                            }
                        }
                    }
                }
                Ok(out)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(osm_err)?
            .into_iter()
            .flatten()
            .collect();

        let junctions = uses.values().filter(|u| **u >= 2).count();
        let mut builder = RoadGraphBuilder::with_capacity(junctions, 2 * ways.len());
        let mut node_of: HashMap<i64, NodeIndex> = HashMap::with_capacity(junctions);
        for w in &ways {
            let mut last: Option<NodeIndex> = None;
            let mut prev: Option<(f64, f64)> = None;
            let mut metres = 0.0;
            for id in &w.refs {
                let Some(&(lat, lon)) = coords.get(id) else {
                    // Clipped at the extract's border: cut the way here.
                    (last, prev, metres) = (None, None, 0.0);
                    continue;
                };
                if let Some((plat, plon)) = prev {
                    metres +=
                        haversine_metres(geo::Point::new(plon, plat), geo::Point::new(lon, lat));
                }
                prev = Some((lat, lon));
                if uses[id] < 2 {
                    continue;
                }
                let v = match node_of.get(id) {
                    Some(v) => *v,
                    None => {
                        let v = builder
                            .add_node(lat, lon, *id)
                            .map_err(|e| TravelError::Osm {
                                path: path.to_path_buf(),
                                message: format!("node {id}: {e}"),
                            })?;
                        node_of.insert(*id, v);
                        v
                    }
                };
                if let Some(u) = last
                    && u != v
                {
                    builder.add_road(u, v, metres, w.kmh, w.direction)?;
                }
                (last, metres) = (Some(v), 0.0);
            }
        }
        builder.build()
    }
}

fn way_record(way: &osmpbf::Way<'_>, options: &OsmOptions) -> Option<WayRecord> {
    let (mut class, mut oneway, mut maxspeed, mut roundabout) = (None, None, None, false);
    for (k, v) in way.tags() {
        match k {
            "highway" => class = Some(RoadClass::from_highway(v)?),
            "access" | "motor_vehicle" | "motorcar" if matches!(v, "no" | "private") => {
                return None;
            }
            "area" if v == "yes" => return None,
            "oneway" => oneway = Some(v),
            "maxspeed" => maxspeed = parse_maxspeed(v),
            "junction" => roundabout = matches!(v, "roundabout" | "circular"),
            _ => {}
        }
    }
    let class = class?;
    let direction = match oneway {
        Some("yes" | "true" | "1") => Direction::Forward,
        Some("-1" | "reverse") => Direction::Backward,
        Some(_) => Direction::Both,
        None if roundabout || matches!(class, RoadClass::Motorway | RoadClass::MotorwayLink) => {
            Direction::Forward
        }
        None => Direction::Both,
    };
    let kmh = match maxspeed {
        Some(s) if options.use_maxspeed => s.clamp(5.0, 130.0),
        _ => options.speed_kmh(class),
    };
    let refs: Vec<i64> = way.refs().collect();
    (refs.len() >= 2).then_some(WayRecord {
        refs,
        kmh,
        direction,
    })
}
