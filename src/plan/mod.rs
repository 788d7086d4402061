//! Day planning and urgent re-planning: domain state in, solver problems built, plans out.
//!
//! # API (for the service)
//!
//! ```text
//! let ctx = PlanningContext::new(scenario, config, &travel_model, PlanSettings::default())?;
//!     // or PlanningContext::geodesic(scenario, config); keep one per scenario: it caches
//!     // the travel matrix of every service point and site, so re-plans never recompute it
//! plan_day(&ctx, &PlanRequest { date, time_limit, seed, threads, max_work }, &DayInputs {..})
//!     -> Result<Plan, PlanError>
//! replan::insert_fault(&ctx, &plan, &[ProgressEvent], &FaultInput, now)
//!     -> Result<ReplanOutcome { plan, diff, task, assigned_engineer, eta, deadline,
//!                               deadline_met, flags, work }, PlanError>
//! replan::recommend(&ctx, &plan, &[ProgressEvent], &FaultInput, now, k)
//!     -> Result<Vec<Recommendation { rank, engineer, eta, start, deadline_met, cost,
//!                                    displaced, retimed }>, PlanError>
//! day_problem(&ctx, date, &DayInputs) -> Result<DayProblem, PlanError>  // what the search gets
//! plan_day_with_routes(&ctx, &request, &DayInputs, &[GivenRoute])       // another solver's routes
//! check(&plan, &ctx) -> Vec<Violation>                 // independent checker
//! check_replan(&before, &after, &progress, &ctx) -> Vec<Violation>
//! diff(&before, &after) -> PlanDiff                    // added / removed / moved / retimed
//! ```
//!
//! Every type here is `Serialize + Deserialize` in camelCase; instants are RFC 3339 with the
//! `+08:00` offset; coordinates are `{"lat", "lon"}`; reason codes and flags are
//! SCREAMING_SNAKE_CASE (`SKILL_MISSING`, `DEADLINE_MISSED`, ...). A [`Plan`] read back from
//! storage can be re-planned: each stop carries its task data ([`TaskRef`]).
//!
//! [`DayInputs`]: roster pins (`(task, engineer, date)`: the task becomes mandatory and only
//! that engineer may take it, through a skill bit of their own), open faults
//! ([`FaultInput`]; the scenario's unresolved faults are added unless
//! `includeScenarioFaults` is false), extra tasks (deliveries, installation visits),
//! overtime already used this week, progress (tasks reported done are not planned).
//!
//! # How a day is planned ([`plan_day`])
//!
//! 1. **Tasks** (`tasks.rs`): cadence tasks whose window holds the date, or overdue; open
//!    faults with their on-site deadline ([`on_site_deadline`]: the earliest open on-site,
//!    solution, and resolve-less-repair deadline, from the SLA engine); extra tasks;
//!    pins. Drop penalties rank optional tasks (overdue first, then by days left); faults
//!    due that day and pinned tasks are mandatory.
//!    A visit needing a spare part (a spare-part delivery; a fault repair whose handling
//!    recorded `PART_REQUESTED`) also gets a pickup at a service point, see `tasks.rs`.
//! 2. **Phone callbacks** go to the service centre's desk (`desk.rs`): no travel, agents
//!    and hours from [`PlanSettings`], most urgent first.
//! 3. **Crews**: engineers whose availability that day is a shift (leave, days off and
//!    public holidays excluded), from and back to their service point, with a lunch break
//!    (start window and length in the settings) and overtime up to the daily cap and what is
//!    left of the weekly allowance.
//! 4. **Pre-diagnosis**: a visit whose site is closed that day (or has no opening window
//!    long enough) is `SITE_CLOSED`; with nobody on shift, or a pinned engineer off,
//!    `NO_ENGINEER_ON_SHIFT`; with nobody trained on the device family, `SKILL_MISSING`.
//! 5. **Search** (`build.rs`, [`crate::solve::routing`]): opening hours become start windows
//!    `[open, close - duration]`, skills a bitset, fault deadlines hard latest starts; no
//!    overtime in this pass. A part's pickup and its visit are a pickup-delivery pair (same
//!    route, pickup first); the plan shows the pickup as a stop with `stopKind: PART_PICKUP`
//!    at the service point, and the checker verifies the order and the engineer. Then each mandatory visit left out, and each fault whose deadline
//!    was already lost, is inserted with overtime allowed by
//!    [`crate::solve::replan::insert_urgent`] (meeting its deadline if anyone can, else at its
//!    earliest start, flagged `DEADLINE_MISSED`).
//! 6. **Diagnosis** of what is left out, job by job ([`crate::solve::diagnose`]):
//!    `SKILL_MISSING`, `NO_CAPACITY` (fits alone), `DEADLINE_UNREACHABLE`,
//!    `WINDOW_UNREACHABLE`.
//! 7. **KPIs** per engineer and in total (travel time and km, work, overtime, utilisation,
//!    fault deadlines met, inspections in window), recomputed from the routes alone.
//!
//! The search is contained: should the routing search panic (a defect: none is known since
//! `State::remove` keeps a route whole when its rest would be infeasible), the panic is
//! caught, the search retried once with the next seed, and else the day is built by insertion
//! alone; the plan's `warnings` say so.
//!
//! # Re-planning ([`replan`])
//!
//! Progress freezes what is done or under way (and every stop planned to start by `now`); a
//! route goes on from the engineer's reported position when there is one newer than its
//! frozen stops (travel from it measured on the fly by the context's model,
//! [`PlanningContext::travel_from`]; the route records a [`Restart`]); the rest is repaired around the new fault by [`crate::solve::replan`]: cheapest feasible
//! insertion meeting the deadline, else displacement of one or two optional visits on a
//! route near the fault, else the earliest start (flagged); then a bounded relocate repair
//! with a stability cost (moving an announced visit to another engineer, or re-timing it by
//! more than a threshold, costs). The [`PlanDiff`] lists exactly what changed for whom.
//!
//! # Figures (2 shared cores; see `benches/README.md`)
//!
//! Nanchang day (25 engineers on shift, about 90 stops, 37 desk calls): 3.0 s with
//! `--time-limit 3`, every feasible mandatory visit placed. One urgent fault: p99 33 ms at
//! 25 engineers / 356 stops, p99 20-44 ms at 94 engineers / 1,404 stops.

mod assemble;
mod build;
pub mod check;
mod clock;
mod context;
mod day;
mod desk;
pub mod diff;
mod error;
mod inputs;
mod kpis;
mod model;
pub mod oncall;
pub mod reach;
pub mod replan;
pub mod roster;
mod settings;
mod tasks;
pub mod vroom;

pub use check::{
    Violation, ViolationCode, check, check_after, check_deliveries_present, check_replan,
};
pub use clock::DayClock;
pub use context::PlanningContext;
pub use day::{
    DayProblem, GivenRoute, day_problem, plan_day, plan_day_cancellable, plan_day_with_routes,
};
pub use diff::{Change, PlanDiff, diff};
pub use error::PlanError;
pub use inputs::{DayInputs, FaultInput, PlanRequest, ProgressEvent, RosterAssignment};
pub use kpis::refresh as refresh_kpis;
pub use model::{
    CadenceInfo, CallOut, CallOutTrip, DeskCall, EngineerKpis, EngineerRoute, FaultInfo,
    FaultStatus, Flag, Lunch, PartPickup, Plan, PlanKpis, PlanStats, ReasonCode, Restart, Stop,
    StopKind, StopStatus, TaskRef, UnassignedTask,
};
pub use settings::{PlanSettings, load_settings};
pub use tasks::on_site_deadline;
