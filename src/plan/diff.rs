//! What changed between two plans, for whom: visits added, removed (now unassigned), moved to
//! another engineer, re-timed. Computed from the two plans alone, task by task (by their
//! visits; a part pickup follows its visit); a two-person visit once per member, so that each
//! person hears of her own change.

use super::model::{Plan, ReasonCode};
use crate::domain::ids::{EngineerId, TaskId};
use crate::domain::instant::Instant;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One change to one visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "change",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Change {
    Added {
        task: TaskId,
        engineer: EngineerId,
        start: Instant,
    },
    Removed {
        task: TaskId,
        engineer: EngineerId,
        start: Instant,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<ReasonCode>,
    },
    Moved {
        task: TaskId,
        from_engineer: EngineerId,
        to_engineer: EngineerId,
        from_start: Instant,
        to_start: Instant,
    },
    Retimed {
        task: TaskId,
        engineer: EngineerId,
        from_start: Instant,
        to_start: Instant,
        shift_seconds: i64,
    },
}

impl Change {
    pub fn task(&self) -> &TaskId {
        match self {
            Change::Added { task, .. }
            | Change::Removed { task, .. }
            | Change::Moved { task, .. }
            | Change::Retimed { task, .. } => task,
        }
    }

    /// The engineers this change concerns (both, for a move).
    pub fn engineers(&self) -> Vec<&EngineerId> {
        match self {
            Change::Added { engineer, .. }
            | Change::Removed { engineer, .. }
            | Change::Retimed { engineer, .. } => vec![engineer],
            Change::Moved {
                from_engineer,
                to_engineer,
                ..
            } => vec![from_engineer, to_engineer],
        }
    }
}

/// Every change, by task id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanDiff {
    pub changes: Vec<Change>,
    /// Engineers with at least one change, sorted.
    pub engineers: Vec<EngineerId>,
}

impl PlanDiff {
    /// The changes that concern one engineer.
    pub fn for_engineer<'a>(&'a self, e: &'a EngineerId) -> impl Iterator<Item = &'a Change> {
        self.changes
            .iter()
            .filter(move |c| c.engineers().contains(&e))
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Each visit by (task, team member).
fn visits(plan: &Plan) -> BTreeMap<(&TaskId, usize), (&EngineerId, Instant)> {
    plan.routes
        .iter()
        .flat_map(|r| {
            r.stops
                .iter()
                .filter(|s| !s.is_pickup())
                .map(move |s| ((&s.task.task, s.member), (&r.engineer, s.start)))
        })
        .collect()
}

/// The changes from `before` to `after`.
pub fn diff(before: &Plan, after: &Plan) -> PlanDiff {
    let old = visits(before);
    let new = visits(after);
    let reasons: BTreeMap<&TaskId, ReasonCode> = after
        .unassigned
        .iter()
        .map(|u| (&u.task.task, u.reason))
        .collect();
    let keys: BTreeSet<(&TaskId, usize)> = old.keys().chain(new.keys()).copied().collect();
    let mut changes = Vec::new();
    for key in keys {
        let t = key.0;
        let change = match (old.get(&key), new.get(&key)) {
            (None, Some(&(e, s))) => Change::Added {
                task: t.clone(),
                engineer: e.clone(),
                start: s,
            },
            (Some(&(e, s)), None) => Change::Removed {
                task: t.clone(),
                engineer: e.clone(),
                start: s,
                reason: reasons.get(t).copied(),
            },
            (Some(&(e0, s0)), Some(&(e1, s1))) if e0 != e1 => Change::Moved {
                task: t.clone(),
                from_engineer: e0.clone(),
                to_engineer: e1.clone(),
                from_start: s0,
                to_start: s1,
            },
            (Some(&(e0, s0)), Some(&(_, s1))) if s0 != s1 => Change::Retimed {
                task: t.clone(),
                engineer: e0.clone(),
                from_start: s0,
                to_start: s1,
                shift_seconds: s1.timestamp() - s0.timestamp(),
            },
            _ => continue,
        };
        changes.push(change);
    }
    let engineers: BTreeSet<EngineerId> = changes
        .iter()
        .flat_map(|c| c.engineers().into_iter().cloned())
        .collect();
    PlanDiff {
        changes,
        engineers: engineers.into_iter().collect(),
    }
}
