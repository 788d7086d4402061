//! The real planner as the simulation's policy: the day planner ([`crate::plan::plan_day`])
//! at local midnight of each day, and urgent re-planning ([`crate::plan::replan::insert_fault`])
//! at each fault's arrival, given the engineers' progress reports of the day.
//!
//! Per headcount, [`PlannerMaker`] builds one planning context (the scenario with the staffed
//! engineers, the travel matrix); every replication starts its own [`Planner`], which keeps
//! the day's plan and the day's progress. What the planner does not cover is left to the
//! baseline: the roster (weekly shifts and an on-call rotation; the LP roster is not wired
//! yet), and urgent faults reported when no shift of the day is left (the on-call engineer is
//! called out). Searches run on a fixed work budget (`max_work`), so replications stay
//! deterministic on a busy machine.
//!
//! What the adapter keeps in step between the plan and the simulation:
//! - a stop the engineer has set off for is under way: it is frozen before a re-plan (the
//!   engine sets off at once and waits on site, often before the planned start);
//! - progress goes to a re-plan only for tasks the plan routes for that engineer (a call-out
//!   of the night that runs past midnight is not in the day's plan);
//! - an urgent fault that the re-plan cannot bring on site by its deadline within the shifts
//!   and their overtime goes to the baseline's call-out (the nearest free skilled engineer,
//!   or the on-call one), as at night;
//! - routes handed back keep the tasks the plan does not know (such call-outs) in front, and
//!   every planned stop not yet started in the simulation, frozen in the plan or not (an
//!   engineer running late has not started a stop whose planned start has passed).

use super::baseline::Baseline;
use super::policy::{
    Policy, PolicyMaker, Progress, ProgressStage, RosterDay, RouteChanges, SimTask, View,
};
use super::world::StaffedWorld;
use crate::domain::duration::Minutes;
use crate::domain::ids::{EngineerId, TaskId};
use crate::domain::instant::Instant;
use crate::plan::replan::insert_fault;
use crate::plan::{DayInputs, FaultInput, Plan, PlanRequest, PlanningContext, ProgressEvent};
use crate::scenario::Scenario;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// The planning context of one headcount.
pub struct PlannerMaker {
    ctx: Arc<PlanningContext>,
    epoch: Instant,
    engineers: Arc<Vec<EngineerId>>,
    max_work: u64,
}

impl PlannerMaker {
    /// The context of `world`'s engineers; day plans search `max_work` work units.
    pub fn new(world: &StaffedWorld, max_work: u64) -> Result<Self, String> {
        let base = &world.base;
        let mut parts = base.scenario.parts().clone();
        // The headcount's engineers, and the customer-service colleagues who go along on
        // on-site callbacks (not part of the sweep: the simulation moves engineers only).
        parts.engineers = world.engineers.clone();
        parts
            .engineers
            .extend(base.scenario.customer_service().iter().cloned());
        // The simulation brings its own faults.
        parts.faults.clear();
        // Past visits of engineers not on this staff keep their dates; who did them is only
        // informational, so they are credited to the first engineer.
        let staffed: std::collections::BTreeSet<&EngineerId> =
            world.engineers.iter().map(|e| &e.id).collect();
        let first = world
            .engineers
            .first()
            .map(|e| e.id.clone())
            .ok_or("no engineer")?;
        for r in &mut parts.inspections {
            if !staffed.contains(&r.engineer) {
                r.engineer = first.clone();
            }
        }
        for r in &mut parts.callbacks {
            if !staffed.contains(&r.engineer) {
                r.engineer = first.clone();
            }
        }
        let scenario = Scenario::new(parts).map_err(|problems| {
            format!(
                "the staffed scenario does not check: {}",
                problems
                    .iter()
                    .map(|p| format!("{p:?}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
        let ctx = PlanningContext::shared(
            scenario,
            (*base.cfg).clone(),
            base.travel.model.clone(),
            base.plan.clone(),
        )
        .map_err(|e| e.to_string())?;
        Ok(Self {
            ctx: Arc::new(ctx),
            epoch: base.epoch,
            engineers: Arc::new(world.engineers.iter().map(|e| e.id.clone()).collect()),
            max_work,
        })
    }
}

impl PolicyMaker for PlannerMaker {
    fn name(&self) -> &str {
        "planner"
    }

    fn start(&self) -> Box<dyn Policy> {
        Box::new(Planner {
            ctx: self.ctx.clone(),
            epoch: self.epoch,
            engineers: self.engineers.clone(),
            max_work: self.max_work,
            baseline: Baseline::default(),
            plan: None,
            progress: Vec::new(),
            task_ids: Vec::new(),
            under_way: vec![None; self.engineers.len()],
        })
    }
}

/// One replication's planner: the day's plan and progress.
pub struct Planner {
    ctx: Arc<PlanningContext>,
    epoch: Instant,
    engineers: Arc<Vec<EngineerId>>,
    max_work: u64,
    baseline: Baseline,
    plan: Option<Plan>,
    progress: Vec<ProgressEvent>,
    /// The domain id of every task seen so far, by simulation index.
    task_ids: Vec<TaskId>,
    /// Per engineer: the task (simulation index) she last set off for.
    under_way: Vec<Option<usize>>,
}

impl Planner {
    fn learn_tasks(&mut self, tasks: &[SimTask]) {
        let known = self.task_ids.len();
        self.task_ids
            .extend(tasks[known.min(tasks.len())..].iter().map(|t| t.id.clone()));
    }

    fn fault_input(&self, view: &View, k: usize) -> Option<FaultInput> {
        let t = &view.tasks[k];
        let f = t.fault?;
        let base = &view.world.base;
        let fault = crate::domain::task::Task::repaired_fault(&t.id)?;
        Some(FaultInput {
            fault,
            site: base.scenario.sites()[t.site].id.clone(),
            device: base.scenario.devices()[f.device].id().clone(),
            level: f.level,
            reported_at: base.instant(f.reported),
            events: Vec::new(),
        })
    }

    /// Tasks the simulation lets the policy place: open or planned but not started.
    fn assignable(view: &View) -> Vec<bool> {
        let mut a = vec![false; view.tasks.len()];
        for &k in view.open {
            a[k] = true;
        }
        for s in view.engineers {
            for &k in &s.route {
                a[k] = true;
            }
        }
        a
    }

    /// `plan` with every stop an engineer has set off for and not finished frozen, and the
    /// stops before it.
    fn freeze_under_way(&self, view: &View, plan: &Plan) -> Plan {
        let assignable = Self::assignable(view);
        let mut plan = plan.clone();
        for (id, &k) in self.engineers.iter().zip(&self.under_way) {
            let Some(k) = k.filter(|&k| !assignable[k] && !view.done[k]) else {
                continue;
            };
            let task = &view.tasks[k].id;
            let Some(r) = plan.routes.iter_mut().find(|r| &r.engineer == id) else {
                continue;
            };
            if let Some(last) = r.stops.iter().rposition(|s| &s.task.task == task) {
                for s in &mut r.stops[..=last] {
                    s.frozen = true;
                }
            }
        }
        plan
    }

    /// The progress of tasks `plan` routes for the engineer who reports it.
    fn progress_on(&self, plan: &Plan) -> Vec<ProgressEvent> {
        self.progress
            .iter()
            .filter(|e| {
                e.task().is_some_and(|t| {
                    plan.routes.iter().any(|r| {
                        &r.engineer == e.engineer() && r.stops.iter().any(|s| &s.task.task == t)
                    })
                })
            })
            .cloned()
            .collect()
    }

    /// The plan's routes as route changes: every stop the simulation has not started, in
    /// order, after the tasks of the engineer's route that the plan does not know.
    fn changes(&self, view: &View, plan: &Plan) -> RouteChanges {
        let assignable = Self::assignable(view);
        let index: HashMap<&TaskId, usize> = view
            .tasks
            .iter()
            .enumerate()
            .filter(|(k, _)| assignable[*k])
            .map(|(k, t)| (&t.id, k))
            .collect();
        let by_engineer: HashMap<&EngineerId, usize> = self
            .engineers
            .iter()
            .enumerate()
            .map(|(e, id)| (id, e))
            .collect();
        let known: HashSet<&TaskId> = plan
            .routes
            .iter()
            .flat_map(|r| r.stops.iter().map(|s| &s.task.task))
            .chain(plan.unassigned.iter().map(|u| &u.task.task))
            .collect();
        let mut routes: Vec<Vec<usize>> = view
            .engineers
            .iter()
            .map(|st| {
                st.route
                    .iter()
                    .copied()
                    .filter(|&k| !known.contains(&view.tasks[k].id))
                    .collect()
            })
            .collect();
        for r in &plan.routes {
            let Some(&e) = by_engineer.get(&r.engineer) else {
                continue;
            };
            routes[e].extend(
                r.stops
                    .iter()
                    .filter(|s| !s.is_pickup())
                    .filter_map(|s| index.get(&s.task.task).copied()),
            );
        }
        routes
            .into_iter()
            .enumerate()
            .filter(|(e, r)| *r != view.engineers[*e].route)
            .collect()
    }
}

impl Policy for Planner {
    fn name(&self) -> &str {
        "planner"
    }

    fn roster(&mut self, world: &StaffedWorld, first: i64, days: u32) -> Vec<Vec<RosterDay>> {
        self.baseline.roster(world, first, days)
    }

    fn plan_day(&mut self, view: &View) -> RouteChanges {
        self.learn_tasks(view.tasks);
        let base = &view.world.base;
        let date = base.date(view.day);
        let now = base.instant(view.now);
        let assignable = Self::assignable(view);
        let first = self.engineers.first().cloned();
        // The day before's call-outs whose rest reaches into this day.
        let carried = self
            .plan
            .as_ref()
            .map(|p| crate::plan::oncall::carried(&self.ctx, p, date))
            .unwrap_or_default();
        let mut inputs = DayInputs {
            include_scenario_faults: false,
            carried_call_outs: carried,
            ..DayInputs::default()
        };
        for (k, t) in view.tasks.iter().enumerate() {
            if t.fault.is_some() && assignable[k] {
                inputs.faults.extend(self.fault_input(view, k));
            } else if t.cadence.is_some() && view.done[k] {
                if let Some(engineer) = first.clone() {
                    inputs.progress.push(ProgressEvent::Done {
                        engineer,
                        task: t.id.clone(),
                        at: now,
                    });
                }
            }
        }
        for (e, id) in self.engineers.iter().enumerate() {
            let allowance = i64::from(view.world.engineers[e].overtime_per_week.get());
            let used = (allowance - view.engineers[e].overtime_left).max(0);
            inputs
                .overtime_used
                .insert(id.clone(), Minutes::new(used as u32));
        }
        let request = PlanRequest {
            date,
            time_limit: Duration::from_secs(60),
            seed: 1,
            threads: 1,
            max_work: Some(self.max_work),
        };
        self.progress.clear();
        match crate::plan::plan_day(&self.ctx, &request, &inputs) {
            Ok(plan) => {
                let changes = self.changes(view, &plan);
                self.plan = Some(plan);
                changes
            }
            Err(_) => {
                self.plan = None;
                self.baseline.plan_day(view)
            }
        }
    }

    fn insert_fault(&mut self, view: &View, k: usize) -> RouteChanges {
        self.learn_tasks(view.tasks);
        let task = &view.tasks[k];
        let Some(f) = task.fault else {
            return Vec::new();
        };
        let urgent = view
            .world
            .base
            .cfg
            .on_call
            .calls_out(f.level, f.remote_failed);
        let on_shift_now = view.roster.iter().any(|r| {
            r.shift
                .is_some_and(|(s, end)| s <= view.now && view.now < end)
        });
        let shift_left = view
            .roster
            .iter()
            .any(|r| r.shift.is_some_and(|(_, end)| end > view.now));
        // Nights (before the first shift or after the last): urgent faults go to the on-call
        // engineer, the others wait for the day's shifts; the day planner has no call-outs.
        if urgent && !on_shift_now {
            return self.baseline.insert_fault(view, k);
        }
        let (Some(plan), true) = (&self.plan, shift_left) else {
            return Vec::new();
        };
        let Some(input) = self.fault_input(view, k) else {
            return Vec::new();
        };
        let now = view.world.base.instant(view.now);
        let plan = self.freeze_under_way(view, plan);
        let progress = self.progress_on(&plan);
        match insert_fault(&self.ctx, &plan, &progress, &input, now) {
            Ok(out) if out.deadline_met || !urgent => {
                let changes = self.changes(view, &out.plan);
                self.plan = Some(out.plan);
                changes
            }
            // Late or left out: the baseline calls someone out; the plan stays without it.
            Ok(_) | Err(_) => self.baseline.insert_fault(view, k),
        }
    }

    fn progress(&mut self, report: &Progress) {
        let (Some(engineer), Some(task)) = (
            self.engineers.get(report.engineer),
            self.task_ids.get(report.task),
        ) else {
            return;
        };
        let (engineer, task) = (engineer.clone(), task.clone());
        if report.kind == ProgressStage::Departed {
            self.under_way[report.engineer] = Some(report.task);
        }
        let at = self.epoch + Minutes::new(u32::try_from(report.at.max(0)).unwrap_or(u32::MAX));
        self.progress.push(match report.kind {
            ProgressStage::Departed => return,
            ProgressStage::Arrived => ProgressEvent::Arrived { engineer, task, at },
            ProgressStage::Started => ProgressEvent::Started { engineer, task, at },
            ProgressStage::Done => ProgressEvent::Done { engineer, task, at },
        });
    }
}
