//! VROOM's JSON: a routing [`Problem`] written as VROOM input, and a VROOM solution read back
//! as routes of descriptions. Format: VROOM's `docs/API.md` (v1.15, the engine inside
//! pyvroom 1.15).
//!
//! How our problem maps (times are our seconds, from midnight of the plan date; locations
//! are matrix indices):
//! - `matrices.car.durations` and `matrices.car.distances` are our matrices verbatim
//!   (seconds, metres).
//! - A job is a VROOM `job` with `id` = job index + 1, `description` = the caller's label (our
//!   task id), `location_index`, `service`, `time_windows` (our start windows, each clipped
//!   by the job's deadline: VROOM has no separate latest start) and `skills`.
//! - Skills: our bit `i` is VROOM skill `i`. VROOM's rule (a vehicle serves a job when it has
//!   all the job's skills) is ours.
//! - A pickup-delivery pair is a `shipment` (pickup and delivery steps, same ids as jobs);
//!   its skills are the delivery's.
//! - Priorities: VROOM maximises the sum of the priorities of the tasks it serves before it
//!   looks at cost, as our objective puts dropped penalties before travel. VROOM's are
//!   integers in 0..=100: a mandatory job gets [`MANDATORY_PRIORITY`], an optional job with
//!   penalty `p` gets `1 + round(98 p / p_max)` (`p_max`: the largest optional penalty of the
//!   problem). VROOM counts a shipment's priority at both its steps, so a shipment gets half
//!   its delivery's priority, rounded up.
//! - A vehicle is a VROOM `vehicle` with `id` = vehicle index + 1, `description` = the
//!   caller's label (our engineer id), `start_index`, `end_index`, `time_window` = the shift
//!   (leave no earlier than its start, be back by its end), `skills`, its break as one
//!   `breaks` entry (start window, duration), and `costs` (`per_hour` = 3600 x our cost per
//!   second of driving, `per_km` = 1000 x our cost per metre).
//!
//! Not expressible, so not written: a mandatory job is only the highest priority, not a hard
//! constraint, and a sum of lower priorities can outweigh it; penalties are rounded to 98
//! levels; VROOM takes a break only at a stop (we also take it on arrival before a service);
//! VROOM needs the break in every used route (we need it only when the route is still out
//! when the break window opens). [`problem_json`] refuses what VROOM cannot hold at all:
//! overtime (a soft shift end), a work-time limit, a fleet-size objective, negative times.
//! Outside the problem (so not exported): on-call call-outs and desk calls, which the day
//! planner settles before the search. Left out: synchronised groups (two-person visits:
//! on-site callbacks, heavy installation steps), since VROOM has no visit served by several
//! vehicles at once; a plan made with VROOM's routes leaves them out too.

use crate::domain::ids::{EngineerId, TaskId};
use crate::plan::{GivenRoute, StopKind};
use crate::solve::routing::{Problem, Time, TimeWindow};
use serde::Deserialize;
use serde_json::{Value, json};

/// The priority of a mandatory job.
pub const MANDATORY_PRIORITY: u32 = 100;

/// Why a problem cannot be written for VROOM.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ExportError {
    pub field: String,
    pub message: String,
}

fn refuse(field: impl Into<String>, message: impl Into<String>) -> ExportError {
    ExportError {
        field: field.into(),
        message: message.into(),
    }
}

/// A time as VROOM's unsigned seconds.
fn seconds(t: Time, field: &dyn Fn() -> String) -> Result<u64, ExportError> {
    u64::try_from(t.0).map_err(|_| refuse(field(), format!("time {} is negative", t.0)))
}

/// The windows of job `j` clipped by its deadline, as VROOM `time_windows`.
fn job_windows(problem: &Problem, j: usize) -> Result<Vec<[u64; 2]>, ExportError> {
    let job = &problem.jobs[j];
    let field = || format!("jobs[{j}].windows");
    let deadline = job.deadline.unwrap_or(Time::MAX);
    let windows = if job.windows.is_empty() {
        match job.deadline {
            Some(d) => vec![TimeWindow::new(Time::ZERO, d)],
            None => return Ok(Vec::new()),
        }
    } else {
        job.windows
            .iter()
            .filter(|w| w.start <= deadline)
            .map(|w| TimeWindow::new(w.start, w.end.min(deadline)))
            .collect()
    };
    windows
        .iter()
        .map(|w| Ok([seconds(w.start, &field)?, seconds(w.end, &field)?]))
        .collect()
}

/// The set bits of a skill set, as VROOM skills.
fn skills(bits: u64) -> Vec<u32> {
    (0..64).filter(|i| bits & (1 << i) != 0).collect()
}

/// VROOM priorities of the jobs (see the module notes).
fn priorities(problem: &Problem) -> Vec<u32> {
    let max = problem
        .jobs
        .iter()
        .filter_map(|j| j.drop_penalty)
        .map(|p| p.0)
        .max()
        .unwrap_or(0)
        .max(1);
    problem
        .jobs
        .iter()
        .map(|j| match j.drop_penalty {
            None => MANDATORY_PRIORITY,
            Some(p) => 1 + ((98 * p.0.max(0)) as f64 / max as f64).round() as u32,
        })
        .collect()
}

/// One VROOM task (a job, or a shipment step without the shared keys).
fn task(problem: &Problem, j: usize, label: &str) -> Result<Value, ExportError> {
    let job = &problem.jobs[j];
    let mut v = json!({
        "id": j + 1,
        "description": label,
        "location_index": job.location,
        "service": seconds(job.service, &|| format!("jobs[{j}].service"))?,
    });
    let windows = job_windows(problem, j)?;
    if !windows.is_empty() {
        v["time_windows"] = json!(windows);
    }
    Ok(v)
}

fn vehicle(problem: &Problem, i: usize, label: &str) -> Result<Value, ExportError> {
    let v = &problem.vehicles[i];
    let field = |name: &str| format!("vehicles[{i}].{name}");
    if v.overtime.is_some() {
        return Err(refuse(
            field("overtime"),
            "VROOM has no overtime (its shift end is hard)",
        ));
    }
    if v.max_work.is_some() {
        return Err(refuse(field("maxWork"), "VROOM has no limit on work time"));
    }
    let mut out = json!({
        "id": i + 1,
        "description": label,
        "start_index": v.start,
        "end_index": v.end,
        "time_window": [
            seconds(v.shift.start, &|| field("shift"))?,
            seconds(v.shift.end, &|| field("shift"))?,
        ],
        "skills": skills(v.skills.0),
        "costs": {
            "per_hour": v.cost_per_travel_time * 3600,
            "per_km": v.cost_per_distance * 1000,
        },
    });
    if let Some(b) = v.rest_break {
        let f = || field("restBreak");
        out["breaks"] = json!([{
            "id": i + 1,
            "time_windows": [[seconds(b.window.start, &f)?, seconds(b.window.end, &f)?]],
            "service": seconds(b.duration, &f)?,
        }]);
    }
    Ok(out)
}

/// The problem as VROOM input. `job_labels[j]` describes job `j`, `vehicle_labels[v]` vehicle
/// `v` (the caller's ids, so that any tool can map VROOM's answer back).
pub fn problem_json(
    problem: &Problem,
    job_labels: &[String],
    vehicle_labels: &[String],
) -> Result<Value, ExportError> {
    if job_labels.len() != problem.jobs.len() || vehicle_labels.len() != problem.vehicles.len() {
        return Err(refuse("labels", "one label per job and per vehicle"));
    }
    if problem.minimize_vehicles {
        return Err(refuse(
            "minimizeVehicles",
            "VROOM does not put the fleet size first",
        ));
    }
    if problem.jobs.iter().any(|j| j.demand.0 != 0) {
        return Err(refuse("jobs.demand", "loads are not exported"));
    }
    let priority = priorities(problem);
    let paired: std::collections::BTreeSet<usize> = problem
        .pairs
        .iter()
        .flat_map(|p| [p.pickup, p.delivery])
        .collect();
    let mut jobs = Vec::new();
    for (j, label) in job_labels.iter().enumerate() {
        if paired.contains(&j) || problem.group_of[j].is_some() {
            continue;
        }
        let mut v = task(problem, j, label)?;
        v["skills"] = json!(skills(problem.jobs[j].skills.0));
        v["priority"] = json!(priority[j]);
        jobs.push(v);
    }
    let mut shipments = Vec::new();
    for p in problem
        .pairs
        .iter()
        .filter(|p| problem.group_of[p.delivery].is_none())
    {
        shipments.push(json!({
            "pickup": task(problem, p.pickup, &job_labels[p.pickup])?,
            "delivery": task(problem, p.delivery, &job_labels[p.delivery])?,
            "skills": skills(problem.jobs[p.delivery].skills.0),
            "priority": priority[p.delivery].div_ceil(2),
        }));
    }
    let vehicles = vehicle_labels
        .iter()
        .enumerate()
        .map(|(i, label)| vehicle(problem, i, label))
        .collect::<Result<Vec<_>, _>>()?;
    let n = problem.durations.size();
    let rows = |f: &dyn Fn(usize, usize) -> i64| -> Vec<Vec<i64>> {
        (0..n).map(|a| (0..n).map(|b| f(a, b)).collect()).collect()
    };
    Ok(json!({
        "vehicles": vehicles,
        "jobs": jobs,
        "shipments": shipments,
        "matrices": {
            "car": {
                "durations": rows(&|a, b| problem.durations.get(a, b).0),
                "distances": rows(&|a, b| problem.distances.get(a, b).0),
            }
        }
    }))
}

/// What a step of a VROOM route does.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StepKind {
    Job,
    Pickup,
    Delivery,
}

/// One route of a VROOM solution: the vehicle's description and its tasks' descriptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub vehicle: String,
    pub steps: Vec<(StepKind, String)>,
}

#[derive(Deserialize)]
struct RawSolution {
    code: i64,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    routes: Vec<RawRoute>,
}

#[derive(Deserialize)]
struct RawRoute {
    vehicle: i64,
    #[serde(default)]
    description: Option<String>,
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
struct RawStep {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    description: Option<String>,
}

/// Reads a VROOM solution (the output of `vroom` or pyvroom's `Solution.to_dict()`); the
/// routes are named by the descriptions of the input (see [`problem_json`]). An error names
/// the route and step.
pub fn read_solution(text: &str) -> Result<Vec<Route>, ExportError> {
    let raw: RawSolution = serde_json::from_str(text).map_err(|e| {
        refuse(
            format!("line {}", e.line()),
            format!("not a VROOM solution: {e}"),
        )
    })?;
    if raw.code != 0 {
        return Err(refuse(
            "code",
            format!(
                "VROOM failed with code {}: {}",
                raw.code,
                raw.error.unwrap_or_default()
            ),
        ));
    }
    let mut out = Vec::with_capacity(raw.routes.len());
    for (i, r) in raw.routes.into_iter().enumerate() {
        let vehicle = r.description.ok_or_else(|| {
            refuse(
                format!("routes[{i}].description"),
                format!("vehicle {} has no description", r.vehicle),
            )
        })?;
        let mut steps = Vec::new();
        for (k, s) in r.steps.into_iter().enumerate() {
            let kind = match s.kind.as_str() {
                "job" => StepKind::Job,
                "pickup" => StepKind::Pickup,
                "delivery" => StepKind::Delivery,
                "start" | "end" | "break" => continue,
                other => {
                    return Err(refuse(
                        format!("routes[{i}].steps[{k}].type"),
                        format!("unknown step type '{other}'"),
                    ));
                }
            };
            let label = s.description.ok_or_else(|| {
                refuse(
                    format!("routes[{i}].steps[{k}].description"),
                    "a task step has no description",
                )
            })?;
            steps.push((kind, label));
        }
        out.push(Route { vehicle, steps });
    }
    Ok(out)
}

/// A VROOM solution's routes as the day planner's given routes: the vehicle's description is
/// the engineer, a `job` or `delivery` step the task's visit, a `pickup` step its part's
/// pickup.
pub fn read_routes(text: &str) -> Result<Vec<GivenRoute>, ExportError> {
    let bad_id = |field: String, e: crate::domain::error::FieldError| refuse(field, e.to_string());
    read_solution(text)?
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let engineer = EngineerId::new(&r.vehicle)
                .map_err(|e| bad_id(format!("routes[{i}].description"), e))?;
            let stops = r
                .steps
                .into_iter()
                .enumerate()
                .map(|(k, (kind, label))| {
                    let task = TaskId::new(&label)
                        .map_err(|e| bad_id(format!("routes[{i}].steps[{k}].description"), e))?;
                    let kind = match kind {
                        StepKind::Pickup => StopKind::PartPickup,
                        StepKind::Job | StepKind::Delivery => StopKind::Visit,
                    };
                    Ok((task, kind))
                })
                .collect::<Result<Vec<_>, ExportError>>()?;
            Ok(GivenRoute { engineer, stops })
        })
        .collect()
}
