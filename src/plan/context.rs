//! [`PlanningContext`]: the scenario, the configuration, the settings and the travel matrix
//! between every service point and site, computed once and shared by every plan and
//! re-plan (the service keeps one per scenario).
//!
//! Points are numbered service points first (in scenario order), then sites.
//!
//! A position off these points (an engineer's reported location) is measured on the fly
//! ([`PlanningContext::travel_from`]) by the context's own travel model when it was built with
//! [`PlanningContext::shared`] (or [`PlanningContext::geodesic`]); a context built with
//! [`PlanningContext::new`] only borrows its model, and measures such positions with the
//! default geodesic model instead.

use super::error::PlanError;
use super::settings::PlanSettings;
use crate::domain::DomainConfig;
use crate::domain::geo::LatLon;
use crate::domain::ids::{ServicePointId, SiteId};
use crate::domain::parts::{PartNumber, Stock};
use crate::scenario::Scenario;
use crate::travel::{PlaceNumbering, TravelMatrix, TravelModel, TravelPoint};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The model kept for positions measured on the fly.
#[derive(Clone)]
struct KeptModel(Arc<dyn TravelModel>);

impl std::fmt::Debug for KeptModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeptModel({})", self.0.name())
    }
}

/// A cached planning context. Cheap to share (`&`), immutable; [`Self::with_change`] makes a
/// changed copy that shares the travel matrix.
#[derive(Clone, Debug)]
pub struct PlanningContext {
    scenario: Scenario,
    config: DomainConfig,
    settings: PlanSettings,
    /// Shared by every copy: the places never change after construction.
    matrix: Arc<TravelMatrix>,
    coords: Vec<LatLon>,
    travel_points: Vec<TravelPoint>,
    service_points: BTreeMap<ServicePointId, usize>,
    sites: BTreeMap<SiteId, usize>,
    travel_model: String,
    /// Measures positions off the points (see the module doc).
    model: KeptModel,
    /// The stock snapshot plans are made with (empty: stock not modelled).
    stock: Arc<Stock>,
}

impl PlanningContext {
    /// Computes the travel matrix of every service point and site with `model`.
    pub fn new(
        scenario: Scenario,
        config: DomainConfig,
        model: &dyn TravelModel,
        settings: PlanSettings,
    ) -> Result<Self, PlanError> {
        let mut coords = Vec::new();
        let mut service_points = BTreeMap::new();
        let mut sites = BTreeMap::new();
        let numbering =
            PlaceNumbering::new(scenario.service_points().len(), scenario.sites().len());
        for (i, sp) in scenario.service_points().iter().enumerate() {
            service_points.insert(sp.id.clone(), numbering.service_point(i));
            coords.push(sp.location);
        }
        for (i, s) in scenario.sites().iter().enumerate() {
            sites.insert(s.id.clone(), numbering.site(i));
            coords.push(s.location);
        }
        let points: Vec<TravelPoint> = Self::places(&scenario)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        let matrix = model.matrix(&points)?;
        let fallback = crate::travel::Geodesic::new(crate::travel::GeodesicConfig::default())?;
        Ok(Self {
            scenario,
            config,
            settings,
            matrix: Arc::new(matrix),
            coords,
            travel_points: points,
            service_points,
            sites,
            travel_model: model.name().to_owned(),
            model: KeptModel(Arc::new(fallback)),
            stock: Arc::new(Stock::default()),
        })
    }

    /// Like [`Self::new`], keeping `model` to measure reported positions on the fly.
    pub fn shared(
        scenario: Scenario,
        config: DomainConfig,
        model: Arc<dyn TravelModel>,
        settings: PlanSettings,
    ) -> Result<Self, PlanError> {
        let mut ctx = Self::new(scenario, config, &model, settings)?;
        ctx.model = KeptModel(model);
        Ok(ctx)
    }

    /// The places travel is measured between, in point order (service points, then sites),
    /// with their ids: what a [`crate::travel::TravelSource`] is loaded for.
    pub fn places(scenario: &Scenario) -> Vec<(String, TravelPoint)> {
        let ids = scenario
            .service_points()
            .iter()
            .map(|sp| sp.id.as_str())
            .chain(scenario.sites().iter().map(|s| s.id.as_str()));
        let points = PlaceNumbering::points(scenario.service_points(), scenario.sites());
        ids.map(str::to_owned).zip(points).collect()
    }

    /// The travel model kept for positions measured on the fly (see the module doc); the
    /// same model every other part of the product should measure the places with.
    pub fn model(&self) -> Arc<dyn TravelModel> {
        self.model.0.clone()
    }

    /// The travel matrix of the points, shared by every copy made by [`Self::with_change`].
    pub fn matrix(&self) -> &Arc<TravelMatrix> {
        &self.matrix
    }

    /// With the default settings and the geodesic model.
    pub fn geodesic(scenario: Scenario, config: DomainConfig) -> Result<Self, PlanError> {
        let model = crate::travel::Geodesic::new(crate::travel::GeodesicConfig::default())?;
        Self::shared(scenario, config, Arc::new(model), PlanSettings::default())
    }

    /// `(metres, seconds)` from a position off the points to each of `to` (points), measured
    /// now by the context's model (see the module doc). The position takes the area type of
    /// the nearest point.
    pub fn travel_from(&self, at: LatLon, to: &[usize]) -> Result<Vec<(u32, u32)>, PlanError> {
        let area = self.travel_points[self.nearest_point(at)].area();
        let from = TravelPoint::new(at.lat(), at.lon(), area)
            .map_err(|e| PlanError::invalid("position", e.to_string()))?;
        let targets: Vec<TravelPoint> = to.iter().map(|&p| self.travel_points[p]).collect();
        Ok(self.model.0.row(from, &targets)?)
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// A copy whose scenario `change` has changed; the travel matrix is shared, not
    /// recomputed. Invariant: the points stay valid, because [`Scenario`]'s changing methods
    /// ([`Scenario::put_fault`], [`Scenario::add_completion`]) add no place.
    pub fn with_change<E>(
        &self,
        change: impl FnOnce(&mut Scenario) -> Result<(), E>,
    ) -> Result<Self, E> {
        let mut next = self.clone();
        change(&mut next.scenario)?;
        debug_assert_eq!(
            next.scenario.sites().len() + next.scenario.service_points().len(),
            self.points()
        );
        Ok(next)
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

    /// The service point with the shortest drive to `point` (ties: scenario order).
    pub fn nearest_service_point(&self, point: usize) -> Option<ServicePointId> {
        self.scenario
            .service_points()
            .iter()
            .filter_map(|sp| {
                let p = self.service_points.get(&sp.id)?;
                Some((self.matrix.duration(*p, point), *p, &sp.id))
            })
            .min_by_key(|&(d, p, _)| (d, p))
            .map(|(_, _, id)| id.clone())
    }

    /// A copy that plans with `stock` (see [`Self::stock`]).
    pub fn with_stock(&self, stock: Stock) -> Self {
        let mut next = self.clone();
        next.stock = Arc::new(stock);
        next
    }

    /// The stock snapshot given to the plans: spare-part pickups are planned at service
    /// points it lists with the part available, and the checker holds them to it.
    pub fn stock(&self) -> &Stock {
        &self.stock
    }

    /// The service points by drive time to `point`, shortest first (ties: point order).
    pub fn service_points_by_drive(&self, point: usize) -> Vec<ServicePointId> {
        let mut all: Vec<(u32, usize, &ServicePointId)> = self
            .service_points
            .iter()
            .map(|(id, &p)| (self.matrix.duration(p, point), p, id))
            .collect();
        all.sort();
        all.into_iter().map(|(_, _, id)| id.clone()).collect()
    }

    /// The service points with `part` available in [`Self::stock`], by drive time to
    /// `point`, nearest first.
    pub fn holders_by_drive(&self, point: usize, part: &PartNumber) -> Vec<ServicePointId> {
        let holders = self.stock.holders(part);
        self.service_points_by_drive(point)
            .into_iter()
            .filter(|sp| holders.contains(sp))
            .collect()
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
