//! The one seam between the HTTP layer and the planner: [`Planner`]. Plans cross it as the
//! planner's own [`Plan`] and progress as [`ProgressEvent`]: a shape the two sides disagree on
//! fails to compile, not silently at run time.
//!
//! [`DayPlanner`] is the real one: [`crate::plan::plan_day_cancellable`] for a day,
//! [`crate::plan::replan::insert_fault`] and [`crate::plan::replan::recommend`] for faults,
//! with the progress reports of the day. Progress that does not match the current plan (a task
//! planned for someone else, or not at all) is left out rather than failing the re-plan.
//! A day plan (and the first plan of a day made by a fault) takes the published roster's
//! assignments of its date as pins ([`SolveSettings::pins`]); a re-plan of an existing plan
//! keeps its stops where they are, so it needs none.

use crate::domain::DomainConfig;
use crate::domain::fault::FaultRecord;
use crate::domain::ids::EngineerId;
use crate::domain::instant::Instant;
use crate::plan::replan::{Recommendation, insert_fault, recommend};
use crate::plan::{
    DayInputs, FaultInput, Plan, PlanError, PlanRequest, PlanningContext, ProgressEvent,
    RosterAssignment, plan_day_cancellable,
};
use crate::scenario::Scenario;
use chrono::NaiveDate;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// What the planner plans from: the scenario (faults included), the rules and travel times,
/// and the stock snapshot with the open spare-part deliveries and loan visits
/// ([`super::parts`]).
pub struct PlanningWorld {
    context: PlanningContext,
    parts: Arc<PartsWork>,
}

/// The visits the service's parts, loan and DOA cases need ([`super::parts`]).
#[derive(Clone, Debug, Default)]
pub struct PartsWork {
    /// Each task with the first date it may be planned on.
    pub tasks: Vec<(NaiveDate, crate::domain::task::Task)>,
    /// What a plan before that date must say (a part on order from the manufacturer).
    pub notes: Vec<(NaiveDate, String)>,
}

impl PlanningWorld {
    /// Computes the travel matrix (geodesic) of the scenario's places.
    pub fn new(scenario: Scenario, config: DomainConfig) -> Result<Self, PlanError> {
        Ok(Self {
            context: PlanningContext::geodesic(scenario, config)?,
            parts: Arc::default(),
        })
    }

    /// Measures the scenario's places (and positions off them) with `model` (a loaded
    /// [`crate::travel::TravelSource`]), and plans under `settings` (`plan.toml`).
    pub fn with_model(
        scenario: Scenario,
        config: DomainConfig,
        model: Arc<dyn crate::travel::TravelModel>,
        settings: crate::plan::PlanSettings,
    ) -> Result<Self, PlanError> {
        Ok(Self {
            context: PlanningContext::shared(scenario, config, model, settings)?,
            parts: Arc::default(),
        })
    }

    pub fn scenario(&self) -> &Scenario {
        self.context.scenario()
    }

    pub fn config(&self) -> &DomainConfig {
        self.context.config()
    }

    pub fn context(&self) -> &PlanningContext {
        &self.context
    }

    /// The world after `change` to its scenario (a fault, a fault's events, completed work):
    /// no place is added, so the travel matrix is shared, not recomputed.
    pub fn with_change<E>(
        &self,
        change: impl FnOnce(&mut Scenario) -> Result<(), E>,
    ) -> Result<Self, E> {
        Ok(Self {
            context: self.context.with_change(change)?,
            parts: self.parts.clone(),
        })
    }

    /// The world with a new stock snapshot and the visits of the open cases.
    pub fn with_parts(&self, stock: crate::domain::parts::Stock, work: PartsWork) -> Self {
        Self {
            context: self.context.with_stock(stock),
            parts: Arc::new(work),
        }
    }

    /// The case visits that may be planned on `date`.
    pub fn parts_tasks(&self, date: NaiveDate) -> Vec<crate::domain::task::Task> {
        let from_date = self.parts.tasks.iter().filter(|(from, _)| *from <= date);
        from_date.map(|(_, t)| t.clone()).collect()
    }

    /// The notes a plan of `date` carries (parts still on order).
    pub fn parts_notes(&self, date: NaiveDate) -> Vec<String> {
        let before = self.parts.notes.iter().filter(|(from, _)| date < *from);
        before.map(|(_, n)| n.clone()).collect()
    }
}

/// How to run one optimisation.
#[derive(Clone, Debug)]
pub struct SolveSettings {
    pub date: NaiveDate,
    pub time_limit: Duration,
    pub seed: u64,
    /// Set to stop the solver early; it then returns its best plan so far.
    pub cancel: Arc<AtomicBool>,
    /// The published roster's assignments of `date` (empty when no roster covers it): each
    /// pinned task is mandatory and stays on its engineer.
    pub pins: Vec<RosterAssignment>,
    /// A fixed work budget instead of the time limit's (the same plan on any machine, under
    /// any load: reproducible runs and tests).
    pub max_work: Option<u64>,
    /// The service's clock: no on-call engineer is called before it.
    pub now: Option<Instant>,
    /// The day before's call-outs whose rest reaches into `date` (see
    /// [`super::rest::carried_into`]).
    pub carried_call_outs: Vec<crate::plan::CallOutTrip>,
}

/// The answer to a fault: the new plan and what the dispatcher needs to know.
#[derive(Clone, Debug)]
pub struct FaultReplan {
    pub plan: Plan,
    pub engineer: Option<EngineerId>,
    pub eta: Option<Instant>,
    /// What changed against the previous plan.
    pub diff: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanningError {
    /// The request cannot be planned (unknown references, a fault already planned).
    #[error("{0}")]
    Unplannable(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<PlanError> for PlanningError {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::Unknown { .. } | PlanError::Invalid { .. } => {
                PlanningError::Unplannable(e.to_string())
            }
            e => PlanningError::Internal(e.to_string()),
        }
    }
}

fn internal(e: impl std::fmt::Display) -> PlanningError {
    PlanningError::Internal(e.to_string())
}

/// Plans days and re-plans them around faults. Blocking and CPU-heavy: call it on a blocking
/// thread. `progress` holds the stored progress reports of the plan's day.
pub trait Planner: Send + Sync + 'static {
    fn plan_day(
        &self,
        world: &PlanningWorld,
        progress: &[ProgressEvent],
        settings: &SolveSettings,
    ) -> Result<Plan, PlanningError>;

    fn insert_fault(
        &self,
        world: &PlanningWorld,
        current: Option<&Plan>,
        progress: &[ProgressEvent],
        fault: &FaultRecord,
        now: Instant,
        settings: &SolveSettings,
    ) -> Result<FaultReplan, PlanningError>;

    fn recommend(
        &self,
        world: &PlanningWorld,
        current: Option<&Plan>,
        progress: &[ProgressEvent],
        fault: &FaultRecord,
        now: Instant,
    ) -> Result<Vec<Recommendation>, PlanningError>;
}

/// The planner of [`crate::plan`].
pub struct DayPlanner;

/// Recommendations returned for a fault.
const RECOMMENDATIONS: usize = 5;

fn request(settings: &SolveSettings) -> PlanRequest {
    PlanRequest {
        time_limit: settings.time_limit,
        seed: settings.seed,
        max_work: settings.max_work,
        ..PlanRequest::new(settings.date)
    }
}

/// The reports that fit `plan`: each task report on a stop of the reporting engineer.
fn fitting(plan: &Plan, progress: &[ProgressEvent]) -> Vec<ProgressEvent> {
    progress
        .iter()
        .filter(|e| match e.task() {
            None => true,
            Some(t) => plan.find_stop_of(t, e.engineer()).is_some(),
        })
        .cloned()
        .collect()
}

fn fault_input(world: &PlanningWorld, record: &FaultRecord) -> Result<FaultInput, PlanningError> {
    let f = record.fault();
    let device = world
        .scenario()
        .device(&f.device)
        .ok_or_else(|| PlanningError::Unplannable(format!("no device {}", f.device)))?;
    Ok(FaultInput {
        fault: f.id.clone(),
        site: device.site().clone(),
        device: f.device.clone(),
        level: f.level,
        reported_at: f.reported,
        events: record.events().to_vec(),
    })
}

impl DayPlanner {
    fn day(
        &self,
        world: &PlanningWorld,
        progress: &[ProgressEvent],
        settings: &SolveSettings,
    ) -> Result<Plan, PlanningError> {
        let inputs = DayInputs {
            roster: settings.pins.clone(),
            include_scenario_faults: true,
            extra_tasks: world.parts_tasks(settings.date),
            progress: progress.to_vec(),
            now: settings.now,
            carried_call_outs: settings.carried_call_outs.clone(),
            ..DayInputs::default()
        };
        let mut plan = plan_day_cancellable(
            world.context(),
            &request(settings),
            &inputs,
            Some(settings.cancel.clone()),
        )?;
        plan.warnings.extend(world.parts_notes(settings.date));
        Ok(plan)
    }
}

impl Planner for DayPlanner {
    fn plan_day(
        &self,
        world: &PlanningWorld,
        progress: &[ProgressEvent],
        settings: &SolveSettings,
    ) -> Result<Plan, PlanningError> {
        self.day(world, progress, settings)
    }

    fn insert_fault(
        &self,
        world: &PlanningWorld,
        current: Option<&Plan>,
        progress: &[ProgressEvent],
        fault: &FaultRecord,
        now: Instant,
        settings: &SolveSettings,
    ) -> Result<FaultReplan, PlanningError> {
        let Some(current) = current else {
            // No plan yet: plan the day, the fault included (it is in the scenario).
            let plan = self.day(world, progress, settings)?;
            let status = plan.faults.iter().find(|s| s.fault == fault.fault().id);
            let diff = crate::plan::diff(
                &Plan {
                    routes: Vec::new(),
                    desk: Vec::new(),
                    unassigned: Vec::new(),
                    faults: Vec::new(),
                    warnings: Vec::new(),
                    ..plan.clone()
                },
                &plan,
            );
            return Ok(FaultReplan {
                engineer: status.and_then(|s| s.engineer.clone()),
                eta: status.and_then(|s| s.eta),
                diff: serde_json::to_value(diff).map_err(internal)?,
                plan,
            });
        };
        let progress = fitting(current, progress);
        let input = fault_input(world, fault)?;
        let out = insert_fault(world.context(), current, &progress, &input, now)?;
        Ok(FaultReplan {
            engineer: out.assigned_engineer.clone(),
            eta: out.eta,
            diff: serde_json::to_value(&out.diff).map_err(internal)?,
            plan: out.plan,
        })
    }

    fn recommend(
        &self,
        world: &PlanningWorld,
        current: Option<&Plan>,
        progress: &[ProgressEvent],
        fault: &FaultRecord,
        now: Instant,
    ) -> Result<Vec<Recommendation>, PlanningError> {
        let Some(current) = current else {
            return Ok(Vec::new());
        };
        let progress = fitting(current, progress);
        let mut input = fault_input(world, fault)?;
        // A fault already in the plan is recommended for as if it were new.
        let task = input.task_id();
        let mut plan = current.clone();
        for r in &mut plan.routes {
            r.stops.retain(|s| s.task.task != task);
        }
        plan.unassigned.retain(|u| u.task.task != task);
        // Its call-out, if it had one, is gone with it.
        plan.routes
            .retain(|r| !(r.is_call_out() && r.stops.is_empty()));
        input.events.clear();
        Ok(recommend(
            world.context(),
            &plan,
            &progress,
            &input,
            now,
            RECOMMENDATIONS,
        )?)
    }
}
