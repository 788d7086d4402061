//! Urgent re-planning on existing routes: insert one new job (an urgent fault) where it
//! starts by its target time, repair a few routes around it, and price every engineer's
//! offer without committing. Never a full re-solve: every step works on the current routes.
//!
//! The caller freezes what is done or under way before calling: a vehicle's start and shift
//! start are the location and end time of its last frozen visit, and frozen visits are not in
//! the problem. The urgent job carries no `deadline` in the [`Problem`]: its target is passed
//! separately ([`Urgent::target`]) so that a late placement stays possible when no vehicle can
//! make it.
//!
//! [`insert_urgent`], in order:
//! 1. **cheapest feasible insertion** meeting the target, over every vehicle and position;
//! 2. else **displacement** (a small ruin and recreate, Schrimpf et al. 2000, limited to the
//!    [`RepairConfig::near_routes`] routes nearest the job): remove one or two consecutive
//!    optional visits of a route, insert the urgent job there meeting its target, re-insert the
//!    removed visits anywhere they fit (else they are left out). Cheapest by (drop penalties,
//!    cost);
//! 3. else (late in any case, flagged by the caller) the **earliest** start: the earliest
//!    feasible insertion, or a displacement if that starts strictly earlier; else the job
//!    stays out;
//! 4. a **local repair**: first-improvement relocate moves among the receiving route and its
//!    near routes, and re-insertion of displaced visits, under a work limit. The urgent job
//!    keeps its target if it met it, and is never made later if it did not.
//!
//! A delivery of a pickup-delivery pair whose pickup is not routed is inserted together with
//! its pickup (same route, pickup first); displacement never removes a paired visit.
//!
//! Synchronised groups ([`Problem::groups`]): routes are timed one at a time here, so the
//! caller fixes each routed member's start by its window (a single instant); the members then
//! stay synchronised whatever else moves. Displacement never removes a member and the local
//! repair never moves one, so a group stays whole. The urgent job is never a member.
//!
//! Every comparison uses route cost = travel + overtime + stability, where stability charges
//! [`Stability::move_cost`] for an announced visit on another vehicle and
//! [`Stability::retime_cost`] for one whose start moved by more than
//! [`Stability::retime_threshold`]. Work is counted in visits scheduled (one
//! [`schedule`](super::routing::schedule()) of an `n`-visit route costs `n + 1`, twice that
//! per break slot tried), so the same input and limit always give the same answer.
//!
//! [`offers`] prices the urgent job for each vehicle separately (its best insertion, else a
//! displacement in its own route, else a late insertion) for recommendations.

mod cost;
mod displace;
mod insertion;
mod relocate;

use super::routing::{Cost, JobId, Problem, Schedule, Time, VehicleId};

pub use cost::route_cost;

/// One job sequence per vehicle, indexed by vehicle.
pub type Routes = Vec<Vec<JobId>>;

/// Where and when a visit was announced to the customer and the engineer.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Announced {
    pub vehicle: VehicleId,
    pub start: Time,
}

/// The price of changing what was announced.
#[derive(Clone, Debug, PartialEq)]
pub struct Stability {
    /// Per job of the problem: its announced vehicle and start, if any.
    pub announced: Vec<Option<Announced>>,
    /// Charged once per announced visit served by another vehicle.
    pub move_cost: Cost,
    /// A start moved by more than this counts as re-timed.
    pub retime_threshold: Time,
    /// Charged once per re-timed announced visit (same vehicle).
    pub retime_cost: Cost,
}

impl Stability {
    /// No announced visit: stability costs nothing.
    pub fn none(jobs: usize) -> Self {
        Self {
            announced: vec![None; jobs],
            move_cost: Cost::ZERO,
            retime_threshold: Time::ZERO,
            retime_cost: Cost::ZERO,
        }
    }
}

/// The job to insert and the latest start that meets its deadline.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Urgent {
    pub job: JobId,
    pub target: Option<Time>,
}

/// Bounds of the repair (`config/plan.toml`, `[repair]`; the defaults are its one definition).
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RepairConfig {
    /// Work units (visits scheduled) for the whole call.
    pub max_work: u64,
    /// Routes nearest the job that displacement and local repair may touch.
    pub near_routes: usize,
}

impl Default for RepairConfig {
    fn default() -> Self {
        Self {
            // Chosen to keep a re-plan's p99 under 50 ms on the Nanchang day of 356 stops;
            // measured since at 400 stops in benches/README.md ("Urgent re-planning").
            max_work: 3_000_000,
            near_routes: 6,
        }
    }
}

/// Why the current routes cannot be repaired.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplanError {
    #[error("route of vehicle {vehicle} is not feasible as given")]
    InfeasibleRoute { vehicle: VehicleId },
    #[error("routes: {given} given for {vehicles} vehicles")]
    RouteCount { given: usize, vehicles: usize },
    #[error("job {job} is already on a route")]
    AlreadyRouted { job: JobId },
}

/// What [`insert_urgent`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct RepairOutcome {
    pub routes: Routes,
    /// Visits removed from their route and not re-inserted (the urgent job is here if it could
    /// not be placed at all).
    pub unassigned: Vec<JobId>,
    /// Vehicle and position of the urgent job.
    pub placed: Option<(VehicleId, usize)>,
    /// The urgent job starts by its target (true when it has none and is placed).
    pub meets_target: bool,
    /// Work spent.
    pub work: u64,
}

/// One vehicle's offer to take the urgent job.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    pub vehicle: VehicleId,
    pub position: usize,
    pub arrival: Time,
    pub start: Time,
    /// Change of the vehicle's route cost (travel, overtime, stability).
    pub delta: Cost,
    /// Sum of the drop penalties of the displaced visits (mandatory visits are never displaced).
    pub displaced_penalty: Cost,
    pub meets_target: bool,
    /// Visits of this route left out to make room.
    pub displaced: Vec<JobId>,
    /// The route after taking the job, and its schedule.
    pub route: Vec<JobId>,
    pub schedule: Schedule,
}

fn check_routes(problem: &Problem, routes: &Routes, urgent: Urgent) -> Result<(), ReplanError> {
    if routes.len() != problem.num_vehicles() {
        return Err(ReplanError::RouteCount {
            given: routes.len(),
            vehicles: problem.num_vehicles(),
        });
    }
    if routes.iter().any(|r| r.contains(&urgent.job)) {
        return Err(ReplanError::AlreadyRouted { job: urgent.job });
    }
    Ok(())
}

/// Inserts the urgent job into `routes` (see the module doc). The given routes must be
/// feasible.
pub fn insert_urgent(
    problem: &Problem,
    routes: &Routes,
    urgent: Urgent,
    stability: &Stability,
    config: RepairConfig,
) -> Result<RepairOutcome, ReplanError> {
    check_routes(problem, routes, urgent)?;
    let mut ev = cost::Evaluator::new(problem, stability, config.max_work);
    let mut state = cost::State::new(&mut ev, routes.clone())?;
    let near = insertion::near_vehicles(problem, &state.routes, urgent.job, config.near_routes);
    let mut unassigned = Vec::new();

    let direct = insertion::best_over(
        &mut ev,
        &state,
        urgent,
        &all(problem),
        insertion::Pick::Cheapest,
    );
    let placed = if let Some(ins) = direct {
        state.apply_insert(&mut ev, ins, urgent.job);
        true
    } else if let Some(d) = displace::best(&mut ev, &state, urgent, &near, true) {
        displace::apply(&mut ev, &mut state, &d, urgent.job, &mut unassigned);
        true
    } else {
        // Late in any case: the earliest start, displacing optional visits only if that is
        // strictly earlier.
        let ins = insertion::best_over(
            &mut ev,
            &state,
            urgent,
            &all(problem),
            insertion::Pick::Earliest,
        );
        let disp = displace::best(&mut ev, &state, urgent, &near, false)
            .filter(|d| ins.is_none_or(|i| d.start < i.start));
        match (disp, ins) {
            (Some(d), _) => {
                displace::apply(&mut ev, &mut state, &d, urgent.job, &mut unassigned);
                true
            }
            (None, Some(ins)) => {
                state.apply_insert(&mut ev, ins, urgent.job);
                true
            }
            (None, None) => false,
        }
    };
    if placed {
        let (v, p) = state.locate(urgent.job).expect("placed");
        let bound = if state.meets(v, p, urgent.target) {
            urgent.target
        } else {
            Some(state.evals[v].start(p))
        };
        let mut scope: Vec<VehicleId> = vec![v];
        scope.extend(near.iter().copied().filter(|&n| n != v));
        relocate::repair(&mut ev, &mut state, &scope, urgent, bound, &mut unassigned);
    } else {
        unassigned.push(urgent.job);
    }
    let placed = state.locate(urgent.job);
    let meets_target = placed.is_some_and(|(v, p)| state.meets(v, p, urgent.target));
    unassigned.sort_unstable();
    Ok(RepairOutcome {
        routes: state.routes,
        unassigned,
        placed,
        meets_target,
        work: ev.work,
    })
}

/// The best offer of every vehicle that can serve the urgent job, in vehicle order. Nothing
/// is committed.
pub fn offers(
    problem: &Problem,
    routes: &Routes,
    urgent: Urgent,
    stability: &Stability,
    max_work: u64,
) -> Result<Vec<Offer>, ReplanError> {
    check_routes(problem, routes, urgent)?;
    let mut ev = cost::Evaluator::new(problem, stability, max_work);
    let state = cost::State::new(&mut ev, routes.clone())?;
    let mut out = Vec::new();
    for v in 0..problem.num_vehicles() {
        if !problem.can_serve(v, urgent.job) {
            continue;
        }
        let one = [v];
        let ins = insertion::best_over(&mut ev, &state, urgent, &one, insertion::Pick::Cheapest);
        let offer = match ins {
            Some(i) => Some(state.offer_insert(&mut ev, i, urgent, Vec::new(), Cost::ZERO)),
            None => match displace::best(&mut ev, &state, urgent, &one, true) {
                Some(d) => Some(displace::offer(&mut ev, &state, &d, urgent)),
                None => {
                    let ins = insertion::best_over(
                        &mut ev,
                        &state,
                        urgent,
                        &one,
                        insertion::Pick::Earliest,
                    );
                    let disp = displace::best(&mut ev, &state, urgent, &one, false)
                        .filter(|d| ins.is_none_or(|i| d.start < i.start));
                    match (disp, ins) {
                        (Some(d), _) => Some(displace::offer(&mut ev, &state, &d, urgent)),
                        (None, Some(i)) => {
                            Some(state.offer_insert(&mut ev, i, urgent, Vec::new(), Cost::ZERO))
                        }
                        (None, None) => None,
                    }
                }
            },
        };
        out.extend(offer);
    }
    Ok(out)
}

fn all(problem: &Problem) -> Vec<VehicleId> {
    (0..problem.num_vehicles()).collect()
}
