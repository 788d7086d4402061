//! The day's tasks: cadence tasks whose window holds the date (or that are overdue), open
//! faults with their on-site deadlines, installation steps ready that day (their predecessor
//! done on an earlier day, never before the project's start), extra tasks, roster pins; and
//! what leaving each out costs.
//!
//! Drop penalties only rank tasks against each other (the objective puts dropped penalties
//! above travel): overdue cadence tasks first, then by days left in their window, fewest
//! first; fault repairs whose deadline is after today above every cadence task. A fault
//! whose deadline falls on the plan date, and a roster-pinned task, is mandatory.
//!
//! # Spare parts
//!
//! A visit needs a spare part ([`TaskRef::part_pickup`]), picked up at a service point
//! earlier on the same route (a solver pickup-delivery pair), when it is
//! - a **spare-part delivery** (`TaskDetail::SparePartDelivery`): at the service point the
//!   task names;
//!   A delivery made from a `partRequested` naming its part (`domain::parts::Delivery`)
//!   names the service point nearest the site by drive time with the part available in the
//!   context's stock snapshot ([`PlanningContext::holders_by_drive`]), or the one the
//!   manufacturer sends it to; the visit brings and fits the part;
//! - the **repair of a fault whose handling recorded `PART_REQUESTED` without naming the
//!   part** (an engineer on site found a part is needed) and that is not resolved: at the
//!   service point nearest the site by drive time, or at the pinned engineer's home service
//!   point when the roster pins the repair. A named part has its own delivery visit instead.
//!
//! The pickup takes [`PlanSettings::part_pickup_minutes`](super::PlanSettings) and has no
//! opening hours of its own (service points are staffed whenever engineers work).

use super::context::PlanningContext;
use super::error::PlanError;
use super::inputs::{DayInputs, FaultInput, ProgressEvent};
use super::model::{CadenceInfo, FaultInfo, PartPickup, TaskRef};
use crate::domain::DomainConfig;
use crate::domain::cadence::DueSlot;
use crate::domain::dates::{DateRange, add_days};
use crate::domain::duration::Minutes;
use crate::domain::engineer::Role;
use crate::domain::fault::{Fault, FaultEvent, FaultEventKind};
use crate::domain::ids::{FaultId, TaskId};
use crate::domain::instant::Instant;
use crate::domain::sla::{Milestone, Outcome, SlaContext};
use crate::domain::task::{Task, TaskDetail, TaskKind};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Penalty of a fault repair whose deadline is after the plan date, per level above 5.
pub const FAULT_PENALTY_PER_LEVEL: i64 = 1_000_000;
/// Penalty of a spare-part delivery due after the plan date.
pub const DELIVERY_PENALTY: i64 = 500_000;
/// Base penalty of an overdue cadence task, plus this per day overdue (up to 60 days).
pub const OVERDUE_PENALTY: i64 = 200_000;
pub const OVERDUE_PER_DAY: i64 = 2_000;
/// Cadence task in its window: base plus this over (1 + days left).
pub const IN_WINDOW_BASE: i64 = 10_000;
pub const IN_WINDOW_URGENCY: i64 = 100_000;
/// Installation step inside its dates, per minute of its work. A project the hospital waits
/// for outranks the cadence backlog minute for minute (an overdue inspection is worth at most
/// 320,000 for 90-120 minutes, under 3,600 a minute) and yields to fault repairs. A flat
/// value would lose a four-hour step to the shorter visits that fill the same time on an
/// over-subscribed day, day after day.
pub const INSTALLATION_PENALTY_PER_MINUTE: i64 = 4_000;

/// The day's tasks, split by how they are served.
#[derive(Clone, Debug, Default)]
pub struct DayTasks {
    /// On-site visits, in a stable order (faults, then the rest by task id).
    pub visits: Vec<TaskRef>,
    /// Phone callbacks (desk work, no travel).
    pub phone: Vec<TaskRef>,
    pub warnings: Vec<String>,
}

/// The latest arrival on site that meets the fault's SLA: the earliest of the open on-site
/// deadline, the open solution deadline of a level visited at once (its solution is given on
/// site, so a level-1 fault with a 4 h solution target needs an engineer there within 4 h;
/// a level visited only if needed may get its solution by phone or remote login, so its
/// solution deadline is no arrival deadline) and the open resolve deadline less the repair
/// time. `None` when nothing is due.
pub fn on_site_deadline(
    cfg: &DomainConfig,
    fault: &Fault,
    ctx: SlaContext,
    events: &[FaultEvent],
    repair: Minutes,
    as_of: Instant,
) -> Option<Instant> {
    let statuses = cfg.sla.assess(fault, ctx, events, as_of);
    let open = |m: Milestone| {
        statuses
            .iter()
            .find(|s| s.milestone == m && matches!(s.outcome, Outcome::Pending | Outcome::Missed))
            .map(|s| s.deadline)
    };
    let at_once = cfg.sla.level(fault.level).visit == crate::domain::sla::Visit::AtOnce;
    [
        open(Milestone::OnSite),
        open(Milestone::Solution).filter(|_| at_once),
        open(Milestone::Resolve).map(|r| r - repair),
    ]
    .into_iter()
    .flatten()
    .min()
}

fn end_of(date: NaiveDate) -> Instant {
    Instant::start_of(add_days(date, 1)).expect("Shanghai midnights exist")
}

/// The repair task of a fault.
pub fn fault_task(
    ctx: &PlanningContext,
    f: &FaultInput,
    date: NaiveDate,
) -> Result<TaskRef, PlanError> {
    let scenario = ctx.scenario();
    let cfg = ctx.config();
    let device = scenario
        .device(&f.device)
        .ok_or_else(|| PlanError::unknown("device", &f.device))?;
    let site = scenario
        .site(&f.site)
        .ok_or_else(|| PlanError::unknown("site", &f.site))?;
    if device.site() != &site.id {
        return Err(PlanError::invalid(
            "fault.site",
            format!(
                "device {} is at {}, not {}",
                f.device,
                device.site(),
                f.site
            ),
        ));
    }
    let family = device.family();
    let repair = *cfg.durations.fault_repair.get(family);
    let fault = Fault {
        id: f.fault.clone(),
        device: f.device.clone(),
        level: f.level,
        reported: f.reported_at,
        description: String::new(),
    };
    let sla = SlaContext {
        under_warranty: device.under_warranty(f.reported_at.date()),
        area: site.area_type,
    };
    let as_of = Instant::start_of(date).expect("Shanghai midnights exist");
    let deadline = on_site_deadline(cfg, &fault, sla, &f.events, repair, as_of);
    let drop_penalty = match deadline {
        Some(d) if d < end_of(date) => None,
        _ => Some(FAULT_PENALTY_PER_LEVEL * (5 - i64::from(f.level.number()))),
    };
    let part_pickup = if needs_part(&f.events) {
        let site_point = ctx
            .site_point(&site.id)
            .ok_or_else(|| PlanError::unknown("site", &site.id))?;
        ctx.nearest_service_point(site_point)
            .map(|service_point| PartPickup {
                service_point,
                minutes: ctx.settings().part_pickup_minutes,
                part_number: None,
                ordered: false,
            })
    } else {
        None
    };
    Ok(TaskRef {
        task: f.task_id(),
        kind: TaskKind::FaultRepair,
        site: site.id.clone(),
        device: Some(f.device.clone()),
        family: Some(family),
        duration_minutes: repair.get(),
        deadline,
        drop_penalty,
        pinned: None,
        cadence: None,
        fault: Some(FaultInfo {
            fault: f.fault.clone(),
            level: f.level,
            reported_at: f.reported_at,
            remote_failed: f
                .events
                .iter()
                .find(|e| e.kind == FaultEventKind::RemoteFailed)
                .map(|e| e.at),
        }),
        part_pickup,
        companions: Vec::new(),
    })
}

/// Does a fault's repair fetch a spare part itself (a part requested without its number,
/// not resolved since)? A named part comes with its own delivery (`domain::parts`).
pub fn needs_part(events: &[FaultEvent]) -> bool {
    let requested = events
        .iter()
        .rposition(|e| e.kind == FaultEventKind::PartRequested && e.part_number.is_none());
    let resolved = events
        .iter()
        .rposition(|e| e.kind == FaultEventKind::Resolved);
    match (requested, resolved) {
        (Some(r), Some(d)) => r > d,
        (r, _) => r.is_some(),
    }
}

fn cadence_penalty(due: &DueSlot, date: NaiveDate, weight_pct: i64) -> i64 {
    let base = if due.overdue {
        let days = (date - due.slot.closes()).num_days().clamp(0, 60);
        OVERDUE_PENALTY + OVERDUE_PER_DAY * days
    } else {
        let left = (due.slot.closes() - date).num_days().max(0);
        IN_WINDOW_BASE + IN_WINDOW_URGENCY / (1 + left)
    };
    base * weight_pct / 100
}

fn cadence_info(due: &DueSlot) -> CadenceInfo {
    CadenceInfo {
        due: due.slot.due,
        window: due.slot.window,
        overdue: due.overdue,
    }
}

/// A task as the planner sees it on `date`; `None` if it is not for that date (a window
/// not yet open, an installation outside its dates). A pickup takes `pickup_minutes`.
pub fn task_ref(task: &Task, date: NaiveDate, pickup_minutes: u32) -> Option<TaskRef> {
    let mut r = TaskRef {
        task: task.id.clone(),
        kind: task.kind(),
        site: task.site.clone(),
        device: None,
        family: task.required_skill(),
        duration_minutes: task.duration.get(),
        deadline: None,
        drop_penalty: None,
        pinned: None,
        cadence: None,
        fault: None,
        part_pickup: None,
        companions: Vec::new(),
    };
    match &task.detail {
        TaskDetail::Inspection { device, due, .. } => {
            if !due.overdue && !due.slot.window.contains(date) {
                return None;
            }
            r.device = Some(device.clone());
            r.drop_penalty = Some(cadence_penalty(due, date, 100));
            r.cadence = Some(cadence_info(due));
        }
        TaskDetail::PhoneCallback { due } | TaskDetail::OnSiteCallback { due } => {
            if !due.overdue && !due.slot.window.contains(date) {
                return None;
            }
            r.drop_penalty = Some(cadence_penalty(due, date, 80));
            r.cadence = Some(cadence_info(due));
        }
        TaskDetail::FaultRepair {
            device,
            fault,
            level,
            reported,
            deadline,
            ..
        } => {
            r.device = Some(device.clone());
            r.deadline = *deadline;
            r.drop_penalty = match deadline {
                Some(d) if *d < end_of(date) => None,
                _ => Some(FAULT_PENALTY_PER_LEVEL * (5 - i64::from(level.number()))),
            };
            // A stored repair task carries no handling: only its level may call out.
            r.fault = Some(FaultInfo {
                fault: fault.clone(),
                level: *level,
                reported_at: *reported,
                remote_failed: None,
            });
        }
        TaskDetail::SparePartDelivery {
            device,
            deadline,
            pickup,
            part_number,
            ordered,
            ..
        } => {
            r.device = Some(device.clone());
            r.part_pickup = Some(PartPickup {
                service_point: pickup.clone(),
                minutes: pickup_minutes,
                part_number: part_number.clone(),
                ordered: *ordered,
            });
            r.deadline = Some(*deadline);
            r.drop_penalty = (*deadline >= end_of(date)).then_some(DELIVERY_PENALTY);
        }
        TaskDetail::LoanCollection {
            device, deadline, ..
        } => {
            r.device = Some(device.clone());
            r.deadline = Some(*deadline);
            r.drop_penalty = (*deadline >= end_of(date)).then_some(DELIVERY_PENALTY);
        }
        TaskDetail::Installation { device, window, .. } => {
            if !window.contains(date) {
                return None;
            }
            r.device = Some(device.clone());
            r.drop_penalty = Some(INSTALLATION_PENALTY_PER_MINUTE * i64::from(task.duration.get()));
        }
    }
    Some(r)
}

/// Who goes along with the lead engineer on `task`'s visit: a customer-service colleague on
/// an on-site callback (`plan.toml`), a second engineer on a heavy installation step
/// (`installation.toml`); nobody otherwise.
fn companions(ctx: &PlanningContext, task: &Task) -> Vec<Role> {
    match &task.detail {
        TaskDetail::OnSiteCallback { .. } => ctx.settings().on_site_callback_companions.clone(),
        TaskDetail::Installation { family, phase, .. } => {
            let n = ctx.config().installation.engineers(*phase, *family);
            vec![Role::FieldEngineer; n.saturating_sub(1)]
        }
        _ => Vec::new(),
    }
}

/// The faults to plan: the inputs', then the scenario's unresolved ones not already given;
/// those of a remote-first level only once a visit is needed (`sla::Visit`).
pub fn faults_to_plan(ctx: &PlanningContext, inputs: &DayInputs) -> Vec<FaultInput> {
    let mut out = inputs.faults.clone();
    if inputs.include_scenario_faults {
        let given: BTreeSet<FaultId> = out.iter().map(|f| f.fault.clone()).collect();
        for rec in ctx.scenario().faults() {
            let f = rec.fault();
            if rec.is_resolved() || given.contains(&f.id) {
                continue;
            }
            let Some(device) = ctx.scenario().device(&f.device) else {
                continue;
            };
            out.push(FaultInput {
                fault: f.id.clone(),
                site: device.site().clone(),
                device: f.device.clone(),
                level: f.level,
                reported_at: f.reported,
                events: rec.events().to_vec(),
            });
        }
    }
    out.retain(|f| visit_needed(ctx.config(), f));
    out
}

/// Is a visit to this fault needed yet (at once, or after `remoteFailed` / `needsVisit`)?
pub fn visit_needed(cfg: &DomainConfig, f: &FaultInput) -> bool {
    let fault = Fault {
        id: f.fault.clone(),
        device: f.device.clone(),
        level: f.level,
        reported: f.reported_at,
        description: String::new(),
    };
    cfg.sla.visit_needed(&fault, &f.events).is_some()
}

/// Everything to plan on `date`.
pub fn collect(
    ctx: &PlanningContext,
    date: NaiveDate,
    inputs: &DayInputs,
) -> Result<DayTasks, PlanError> {
    let done: BTreeSet<&TaskId> = inputs
        .progress
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::Done { task, .. } => Some(task),
            _ => None,
        })
        // A repair an on-call engineer went to the night before is hers, not the day's.
        .chain(
            inputs
                .carried_call_outs
                .iter()
                .filter_map(|t| t.task.as_ref()),
        )
        .collect();
    let mut by_id: BTreeMap<TaskId, TaskRef> = BTreeMap::new();
    let mut faults = Vec::new();
    for f in faults_to_plan(ctx, inputs) {
        let t = fault_task(ctx, &f, date)?;
        if !done.contains(&t.task) && !by_id.contains_key(&t.task) {
            faults.push(t.task.clone());
            by_id.insert(t.task.clone(), t);
        }
    }
    let day = DateRange::new(date, date).expect("one day");
    let cadence = ctx.scenario().due_tasks(ctx.config(), day);
    // Installation steps whose predecessor was done before `date` (domain::installation).
    let installing = ctx.scenario().installation_tasks(ctx.config(), date);
    for task in cadence.iter().chain(&installing).chain(&inputs.extra_tasks) {
        if ctx.scenario().site(&task.site).is_none() {
            return Err(PlanError::unknown("site", &task.site));
        }
        if done.contains(&task.id) || by_id.contains_key(&task.id) {
            continue;
        }
        if let Some(mut r) = task_ref(task, date, ctx.settings().part_pickup_minutes) {
            r.companions = companions(ctx, task);
            by_id.insert(task.id.clone(), r);
        }
    }
    let mut warnings = Vec::new();
    for pin in inputs.roster.iter().filter(|p| p.date == date) {
        if ctx.scenario().engineer(&pin.engineer).is_none() {
            return Err(PlanError::unknown("engineer", &pin.engineer));
        }
        match by_id.get_mut(&pin.task) {
            Some(t) if t.kind != TaskKind::PhoneCallback => {
                t.pinned = Some(pin.engineer.clone());
                t.drop_penalty = None;
                // A repair's part comes from the pinned engineer's own service point.
                if t.kind == TaskKind::FaultRepair
                    && let Some(p) = &mut t.part_pickup
                    && let Some(e) = ctx.scenario().engineer(&pin.engineer)
                {
                    p.service_point = e.home.clone();
                }
            }
            Some(_) => warnings.push(format!(
                "roster pin of {} ignored: phone callbacks are desk work",
                pin.task
            )),
            None => warnings.push(format!(
                "roster pin of {} to {} ignored: the task is not due on {date}",
                pin.task, pin.engineer
            )),
        }
    }
    let mut out = DayTasks {
        warnings,
        ..DayTasks::default()
    };
    for id in &faults {
        out.visits.push(by_id.remove(id).expect("inserted above"));
    }
    for (_, t) in by_id {
        if t.kind == TaskKind::PhoneCallback {
            out.phone.push(t);
        } else {
            out.visits.push(t);
        }
    }
    Ok(out)
}
