//! The one seam between the HTTP layer and the planner: [`Planner`]. Plans cross it as JSON
//! values, so the store and the handlers do not depend on the planner's types; wiring a
//! different planner changes this file only.
//!
//! [`InterimPlanner`] stands in until `plan::plan_day` / `plan::replan` land: it lists the
//! day's tasks as not yet planned, and sends a fault to the nearest skilled engineer on
//! shift (straight-line distance at 30 km/h).

use crate::domain::DomainConfig;
use crate::domain::dates::DateRange;
use crate::domain::engineer::{Availability, Engineer};
use crate::domain::fault::FaultRecord;
use crate::domain::ids::EngineerId;
use crate::domain::instant::Instant;
use crate::scenario::Scenario;
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// What the planner plans from: the scenario (faults included) and the rules.
pub struct World {
    pub scenario: Scenario,
    pub config: DomainConfig,
}

/// How to run one optimisation.
#[derive(Clone, Debug)]
pub struct SolveSettings {
    pub date: NaiveDate,
    pub time_limit: Duration,
    pub seed: u64,
    /// Set to stop the solver early; it then returns its best plan so far.
    pub cancel: Arc<AtomicBool>,
}

/// The answer to a fault: the new plan and what the dispatcher needs to know.
#[derive(Clone, Debug)]
pub struct FaultReplan {
    pub plan: Value,
    pub engineer: Option<EngineerId>,
    pub eta: Option<Instant>,
    /// What changed against the previous plan.
    pub diff: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanningError {
    #[error("{0}")]
    Unplannable(String),
}

/// Plans days and re-plans them around faults. Blocking and CPU-heavy: call it on a blocking
/// thread.
pub trait Planner: Send + Sync + 'static {
    fn plan_day(&self, world: &World, settings: &SolveSettings) -> Result<Value, PlanningError>;

    fn insert_fault(
        &self,
        world: &World,
        current: Option<&Value>,
        fault: &FaultRecord,
        now: Instant,
        settings: &SolveSettings,
    ) -> Result<FaultReplan, PlanningError>;

    fn recommend(
        &self,
        world: &World,
        current: Option<&Value>,
        fault: &FaultRecord,
        now: Instant,
    ) -> Result<Vec<Value>, PlanningError>;
}

/// The stand-in planner (see the module doc).
pub struct InterimPlanner;

const SPEED_KM_PER_H: f64 = 30.0;

fn on_shift(e: &Engineer, date: NaiveDate, cfg: &DomainConfig) -> bool {
    matches!(
        e.availability(date, &cfg.calendar),
        Availability::Shift(_) | Availability::OnCall
    )
}

/// Skilled engineers available on the fault's day, nearest first: (engineer, km).
fn candidates<'a>(
    world: &'a World,
    fault: &FaultRecord,
    date: NaiveDate,
) -> Vec<(&'a Engineer, f64)> {
    let s = &world.scenario;
    let Some(device) = s.device(&fault.fault().device) else {
        return vec![];
    };
    let site = s.site_of(device);
    let mut out: Vec<(&Engineer, f64)> = s
        .engineers()
        .iter()
        .filter(|e| e.skills.has(device.family()) && on_shift(e, date, &world.config))
        .filter_map(|e| {
            let home = s.service_point(&e.home)?;
            Some((e, home.location.haversine_m(site.location) / 1000.0))
        })
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.id.cmp(&b.0.id)));
    out
}

fn eta(now: Instant, km: f64) -> Instant {
    let minutes = (km / SPEED_KM_PER_H * 60.0).ceil() as u32;
    now + crate::domain::duration::Minutes::new(minutes)
}

impl Planner for InterimPlanner {
    fn plan_day(&self, world: &World, settings: &SolveSettings) -> Result<Value, PlanningError> {
        let date = settings.date;
        let day =
            DateRange::new(date, date).map_err(|e| PlanningError::Unplannable(e.to_string()))?;
        let mut tasks = world.scenario.due_tasks(&world.config, day);
        tasks.extend(world.scenario.open_fault_tasks(&world.config));
        let engineers: Vec<Value> = world
            .scenario
            .engineers()
            .iter()
            .filter(|e| on_shift(e, date, &world.config))
            .map(|e| json!({"engineer": e.id, "stops": []}))
            .collect();
        let unassigned: Vec<Value> = tasks
            .iter()
            .map(|t| json!({"task": t.id, "reason": "PLANNER_PENDING"}))
            .collect();
        Ok(json!({
            "date": date,
            "planner": "interim",
            "seed": settings.seed,
            "routes": engineers,
            "unassigned": unassigned,
        }))
    }

    fn insert_fault(
        &self,
        world: &World,
        current: Option<&Value>,
        fault: &FaultRecord,
        now: Instant,
        settings: &SolveSettings,
    ) -> Result<FaultReplan, PlanningError> {
        let mut plan = match current {
            Some(p) => p.clone(),
            None => self.plan_day(world, settings)?,
        };
        let best = candidates(world, fault, settings.date).into_iter().next();
        let task_id = format!("T-REP-{}", fault.fault().id);
        let start = now.max(fault.fault().reported);
        let (engineer, eta) = match best {
            Some((e, km)) => (Some(e.id.clone()), Some(eta(start, km))),
            None => (None, None),
        };
        let stop = json!({"task": task_id, "fault": fault.fault().id, "eta": eta});
        let placed = engineer.as_ref().and_then(|id| {
            plan.get_mut("routes")?
                .as_array_mut()?
                .iter_mut()
                .find(|r| r.get("engineer").and_then(Value::as_str) == Some(id.as_str()))?
                .get_mut("stops")?
                .as_array_mut()
                .map(|stops| stops.insert(0, stop.clone()))
        });
        if placed.is_none() {
            if let Some(u) = plan.get_mut("unassigned").and_then(Value::as_array_mut) {
                u.push(json!({"task": task_id, "reason": "NO_ENGINEER_AVAILABLE"}));
            }
        }
        let diff = json!({
            "added": [{"task": task_id, "engineer": engineer}],
            "moved": [],
            "removed": [],
        });
        Ok(FaultReplan {
            plan,
            engineer,
            eta,
            diff,
        })
    }

    fn recommend(
        &self,
        world: &World,
        _current: Option<&Value>,
        fault: &FaultRecord,
        now: Instant,
    ) -> Result<Vec<Value>, PlanningError> {
        let start = now.max(fault.fault().reported);
        Ok(candidates(world, fault, start.date())
            .into_iter()
            .take(5)
            .enumerate()
            .map(|(rank, (e, km))| {
                json!({
                    "rank": rank + 1,
                    "engineerId": e.id,
                    "distanceKm": (km * 10.0).round() / 10.0,
                    "eta": eta(start, km),
                })
            })
            .collect())
    }
}
