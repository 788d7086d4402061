//! [`PlanningContext`]: the scenario, the configuration, the settings and the travel matrix
//! between every service point and site, computed once and shared by every plan and
//! re-plan (the service keeps one per scenario).
//!
//! Points are numbered service points first (in scenario order), then sites.

use super::error::PlanError;
use super::settings::PlanSettings;
use crate::domain::DomainConfig;
use crate::domain::geo::LatLon;
use crate::domain::ids::{ServicePointId, SiteId};
use crate::scenario::Scenario;
use crate::travel::{TravelMatrix, TravelModel, TravelPoint};
use std::collections::BTreeMap;

/// A cached planning context. Cheap to share (`&`), immutable.
#[derive(Debug)]
pub struct PlanningContext {
    scenario: Scenario,
    config: DomainConfig,
    settings: PlanSettings,
    matrix: TravelMatrix,
    coords: Vec<LatLon>,
    service_points: BTreeMap<ServicePointId, usize>,
    sites: BTreeMap<SiteId, usize>,
    travel_model: String,
}

impl PlanningContext {
    /// Computes the travel matrix of every service point and site with `model`.
    pub fn new(
        scenario: Scenario,
        config: DomainConfig,
        model: &dyn TravelModel,
        settings: PlanSettings,
    ) -> Result<Self, PlanError> {
        let mut points = Vec::new();
        let mut coords = Vec::new();
        let mut service_points = BTreeMap::new();
        let mut sites = BTreeMap::new();
        for sp in scenario.service_points() {
            service_points.insert(sp.id.clone(), points.len());
            points.push(TravelPoint::from_place(sp.location, sp.area_type));
            coords.push(sp.location);
        }
        for s in scenario.sites() {
            sites.insert(s.id.clone(), points.len());
            points.push(TravelPoint::from_place(s.location, s.area_type));
            coords.push(s.location);
        }
        let matrix = model.matrix(&points)?;
        Ok(Self {
            scenario,
            config,
            settings,
            matrix,
            coords,
            service_points,
            sites,
            travel_model: model.name().to_owned(),
        })
    }

    /// With the default settings and the geodesic model.
    pub fn geodesic(scenario: Scenario, config: DomainConfig) -> Result<Self, PlanError> {
        let model = crate::travel::Geodesic::new(crate::travel::GeodesicConfig::default())?;
        Self::new(scenario, config, &model, PlanSettings::default())
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn config(&self) -> &DomainConfig {
        &self.config
    }

    pub fn settings(&self) -> &PlanSettings {
        &self.settings
    }

    pub fn travel_model(&self) -> &str {
        &self.travel_model
    }

    /// The point of a service point.
    pub fn service_point_point(&self, id: &ServicePointId) -> Option<usize> {
        self.service_points.get(id).copied()
    }

    /// The point of a site.
    pub fn site_point(&self, id: &SiteId) -> Option<usize> {
        self.sites.get(id).copied()
    }

    pub fn points(&self) -> usize {
        self.coords.len()
    }

    pub fn coords(&self, point: usize) -> LatLon {
        self.coords[point]
    }

    /// `(metres, seconds)` from one point to another.
    pub fn travel(&self, from: usize, to: usize) -> (u32, u32) {
        (
            self.matrix.distance(from, to),
            self.matrix.duration(from, to),
        )
    }

    /// The point nearest to a position (great-circle), for positions reported off the map.
    pub fn nearest_point(&self, at: LatLon) -> usize {
        let mut best = (f64::INFINITY, 0);
        for (i, c) in self.coords.iter().enumerate() {
            let d = c.haversine_m(at);
            if d < best.0 {
                best = (d, i);
            }
        }
        best.1
    }
}
