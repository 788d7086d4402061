//! What the solver answers: routes with their schedules, the jobs left out, the objective.

use super::objective::Objective;
use super::problem::{JobId, VehicleId};
use super::schedule::Schedule;
use super::units::Distance;
use serde::{Deserialize, Serialize};

/// One vehicle's route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoutePlan {
    pub vehicle: VehicleId,
    pub jobs: Vec<JobId>,
    pub schedule: Schedule,
}

/// How the search went.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SolveStats {
    pub iterations: u64,
    pub seconds: f64,
    /// False when the wall clock or the cancel flag stopped the search before its
    /// deterministic work budget was spent, or when the search ran slower than its calibrated
    /// rate and its annealing followed the clock: the answer may then differ between runs.
    pub deterministic: bool,
}

/// A solution: non-empty routes only, sorted by vehicle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    pub routes: Vec<RoutePlan>,
    pub unassigned: Vec<JobId>,
    pub objective: Objective,
    pub distance: Distance,
    pub stats: SolveStats,
}
