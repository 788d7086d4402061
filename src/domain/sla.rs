//! The SLA engine: deadlines of a fault's milestones and whether its history met them.
//!
//! Every deadline counts wall-clock time from the report instant: the service centre works
//! 7 x 24, so a level-1 fault reported at 22:30 must be resolved by 06:30 the next morning.
//! The targets come from the source's table (see `config/sla.toml`, which a service manager
//! can edit):
//!
//! | level | respond | dispatch | solution | on site | resolve |
//! |---|---|---|---|---|---|
//! | 1 | 1 h | at once | 4 h | | 8 h |
//! | 2 | 1 h | 1 h | 24 h | 24 h | |
//! | 3 | 2 h | 1 h | 24 h | | |
//! | 4 | 2 h | 1 h | 48 h | | |
//!
//! A device under warranty gets, for each milestone, the stricter of its level's target and
//! the warranty promise (respond 2 h, on site 24 h, fixed within 1 day). When phone and remote
//! support fail, an engineer is promised on site within 30 minutes of that moment, at every
//! site (the source sets no area limit; where the promise cannot physically be kept, a KPI
//! says so: `GET /v1/reports/sla`).
//!
//! **Remote first.** Each level says when it is visited ([`Visit`], `visit` in the table):
//! at once (level 1: dispatch and on-site count from the report), or only if needed (levels
//! 2-4 by default): phone and remote support first, and a visit only once `remoteFailed` or
//! a dispatcher's `needsVisit` is recorded (or an engineer was dispatched all the same). Until then such a fault has no dispatch or
//! on-site milestone; then its dispatch target counts from that event, its on-site target
//! (if any) from the report. The solution of a level visited only if needed can be given by
//! phone or remote login, so it is no arrival deadline (see `plan::on_site_deadline`).
//!
//! A later milestone implies the earlier ones it contains: resolving a fault also gives a
//! solution and a response; arriving implies dispatch. A dispatch or on-site milestone that
//! never happened is not needed when the fault was resolved before its deadline.

use super::duration::Minutes;
use super::error::{Checked, FieldError};
use super::fault::{Fault, FaultEvent, FaultEventKind, FaultLevel};
use super::geo::AreaType;
use super::instant::Instant;
use serde::{Deserialize, Serialize};

/// A step of fault handling that has a deadline.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Milestone {
    Respond,
    Dispatch,
    Solution,
    OnSite,
    Resolve,
}

impl Milestone {
    pub const ALL: [Milestone; 5] = [
        Milestone::Respond,
        Milestone::Dispatch,
        Milestone::Solution,
        Milestone::OnSite,
        Milestone::Resolve,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// The events that reach this milestone (its own and the later ones that imply it).
    fn reached_by(self, kind: FaultEventKind) -> bool {
        use FaultEventKind as E;
        match self {
            Milestone::Respond => !matches!(
                kind,
                E::RemoteFailed | E::NeedsVisit | E::Escalated | E::Closed
            ),
            Milestone::Dispatch => matches!(kind, E::Dispatched | E::OnSite),
            Milestone::Solution => matches!(kind, E::SolutionGiven | E::Resolved),
            Milestone::OnSite => kind == E::OnSite,
            Milestone::Resolve => kind == E::Resolved,
        }
    }

    /// Milestones that a remote resolution makes unnecessary.
    fn optional(self) -> bool {
        matches!(self, Milestone::Dispatch | Milestone::OnSite)
    }
}

/// When a level's faults are visited.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visit {
    /// An engineer goes at once: dispatch and on-site count from the report.
    #[default]
    AtOnce,
    /// Phone and remote support first: a visit only after `remoteFailed` or `needsVisit`.
    IfNeeded,
}

/// Targets of one fault level, measured from the report; `None`: no deadline.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelTargets {
    /// When the level is visited (at once when left out).
    #[serde(default)]
    pub visit: Visit,
    pub respond: Minutes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch: Option<Minutes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution: Option<Minutes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_site: Option<Minutes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve: Option<Minutes>,
}

impl LevelTargets {
    fn get(&self, m: Milestone) -> Option<Minutes> {
        match m {
            Milestone::Respond => Some(self.respond),
            Milestone::Dispatch => self.dispatch,
            Milestone::Solution => self.solution,
            Milestone::OnSite => self.on_site,
            Milestone::Resolve => self.resolve,
        }
    }
}

/// The warranty promise: respond, on site, fixed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarrantyTargets {
    pub respond: Minutes,
    pub on_site: Minutes,
    pub resolve: Minutes,
}

/// Promises that start when phone and remote support have failed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteFailureTargets {
    /// On site within this time, at every site; `None`: no such promise. (`urban_on_site`,
    /// its name when it applied to urban sites only, is still read.)
    #[serde(
        default,
        alias = "urban_on_site",
        skip_serializing_if = "Option::is_none"
    )]
    pub on_site: Option<Minutes>,
}

/// SLA targets per fault level, for warranty devices, and after remote support failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaConfig {
    pub level1: LevelTargets,
    pub level2: LevelTargets,
    pub level3: LevelTargets,
    pub level4: LevelTargets,
    pub warranty: WarrantyTargets,
    pub remote_failure: RemoteFailureTargets,
}

impl Default for SlaConfig {
    /// The source's table and promises.
    fn default() -> Self {
        let h = Minutes::hours;
        Self {
            level1: LevelTargets {
                visit: Visit::AtOnce,
                respond: h(1),
                dispatch: Some(Minutes::ZERO),
                solution: Some(h(4)),
                on_site: None,
                resolve: Some(h(8)),
            },
            level2: LevelTargets {
                visit: Visit::IfNeeded,
                respond: h(1),
                dispatch: Some(h(1)),
                solution: Some(h(24)),
                on_site: Some(h(24)),
                resolve: None,
            },
            level3: LevelTargets {
                visit: Visit::IfNeeded,
                respond: h(2),
                dispatch: Some(h(1)),
                solution: Some(h(24)),
                on_site: None,
                resolve: None,
            },
            level4: LevelTargets {
                visit: Visit::IfNeeded,
                respond: h(2),
                dispatch: Some(h(1)),
                solution: Some(h(48)),
                on_site: None,
                resolve: None,
            },
            warranty: WarrantyTargets {
                respond: h(2),
                on_site: h(24),
                resolve: Minutes::days(1),
            },
            remote_failure: RemoteFailureTargets {
                on_site: Some(Minutes::new(30)),
            },
        }
    }
}

/// What the SLA engine needs to know about the fault's device and site.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SlaContext {
    pub under_warranty: bool,
    /// The site's area (the SLA no longer depends on it: the remote-failure promise holds
    /// at every site; kept for reports).
    pub area: AreaType,
}

/// The deadline of each milestone that has one.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Deadlines {
    by: [Option<Instant>; 5],
}

impl Deadlines {
    pub fn get(&self, m: Milestone) -> Option<Instant> {
        self.by[m.index()]
    }

    /// `(milestone, deadline)` in milestone order.
    pub fn iter(&self) -> impl Iterator<Item = (Milestone, Instant)> + '_ {
        Milestone::ALL
            .into_iter()
            .filter_map(|m| self.get(m).map(|t| (m, t)))
    }

    /// The earliest deadline still ahead of the fault: what a dispatcher must beat.
    pub fn earliest(&self) -> Option<Instant> {
        self.by.iter().flatten().min().copied()
    }
}

/// How a milestone went.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    Met {
        at: Instant,
    },
    Late {
        at: Instant,
        minutes_late: i64,
    },
    /// The deadline passed and the milestone was not reached.
    Missed,
    /// Not reached yet, deadline still ahead.
    Pending,
    /// Resolved remotely before the deadline: no dispatch or visit was needed.
    NotNeeded,
}

/// One milestone of a fault, its deadline and outcome.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneStatus {
    pub milestone: Milestone,
    pub deadline: Instant,
    pub outcome: Outcome,
}

impl SlaConfig {
    /// Parses `config/sla.toml` and checks that the deadlines of a level are in order.
    pub fn from_toml_str(text: &str) -> Checked<Self> {
        let cfg: SlaConfig =
            toml::from_str(text).map_err(|e| FieldError::new("", e.to_string()))?;
        cfg.check()?;
        Ok(cfg)
    }

    /// A response cannot be due after the solution, nor a solution after the resolution.
    pub fn check(&self) -> Checked<()> {
        for level in FaultLevel::ALL {
            let t = self.level(level);
            let field = format!("level{}", level.number());
            if let Some(s) = t.solution {
                if s < t.respond {
                    return Err(FieldError::new(
                        format!("{field}.solution"),
                        format!("{s} is shorter than respond {}", t.respond),
                    ));
                }
                if let Some(r) = t.resolve.filter(|r| *r < s) {
                    return Err(FieldError::new(
                        format!("{field}.resolve"),
                        format!("{r} is shorter than solution {s}"),
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn level(&self, level: FaultLevel) -> &LevelTargets {
        match level {
            FaultLevel::L1 => &self.level1,
            FaultLevel::L2 => &self.level2,
            FaultLevel::L3 => &self.level3,
            FaultLevel::L4 => &self.level4,
        }
    }

    /// The deadlines of a fault, before anything has happened.
    pub fn deadlines(&self, fault: &Fault, ctx: SlaContext) -> Deadlines {
        self.deadlines_with(fault, ctx, &[])
    }

    /// When a visit to the fault became needed: its report for a level visited at once,
    /// else the first `remoteFailed` or `needsVisit` (or `dispatched` / `onSite`: an
    /// engineer sent without either was the dispatcher's own call that a visit is needed);
    /// `None`: not (yet) needed.
    pub fn visit_needed(&self, fault: &Fault, events: &[FaultEvent]) -> Option<Instant> {
        match self.level(fault.level).visit {
            Visit::AtOnce => Some(fault.reported),
            Visit::IfNeeded => events
                .iter()
                .filter(|e| {
                    matches!(
                        e.kind,
                        FaultEventKind::RemoteFailed
                            | FaultEventKind::NeedsVisit
                            | FaultEventKind::Dispatched
                            | FaultEventKind::OnSite
                    )
                })
                .map(|e| e.at)
                .min(),
        }
    }

    /// The deadlines of a fault given its events so far (a needed visit brings the dispatch
    /// and on-site milestones of a remote-first level; a remote failure may tighten the
    /// on-site deadline).
    pub fn deadlines_with(
        &self,
        fault: &Fault,
        ctx: SlaContext,
        events: &[FaultEvent],
    ) -> Deadlines {
        let targets = self.level(fault.level);
        let needed = self.visit_needed(fault, events);
        let mut by = [None; 5];
        for m in Milestone::ALL {
            let visit = matches!(m, Milestone::Dispatch | Milestone::OnSite);
            if visit && needed.is_none() {
                continue;
            }
            let mut target = targets.get(m);
            if ctx.under_warranty {
                let w = match m {
                    Milestone::Respond => Some(self.warranty.respond),
                    Milestone::OnSite => Some(self.warranty.on_site),
                    Milestone::Resolve => Some(self.warranty.resolve),
                    Milestone::Dispatch | Milestone::Solution => None,
                };
                target = stricter(target, w);
            }
            // A remote-first level's dispatch counts from the moment a visit was needed.
            let from = match (m, targets.visit, needed) {
                (Milestone::Dispatch, Visit::IfNeeded, Some(at)) => at,
                _ => fault.reported,
            };
            by[m.index()] = target.map(|t| from + t);
        }
        let remote_failed = events
            .iter()
            .find(|e| e.kind == FaultEventKind::RemoteFailed);
        if let (Some(limit), Some(failed)) = (self.remote_failure.on_site, remote_failed) {
            let due = failed.at + limit;
            let slot = &mut by[Milestone::OnSite.index()];
            *slot = Some(slot.map_or(due, |d| d.min(due)));
        }
        Deadlines { by }
    }

    /// Which milestones the history met, seen at `as_of`.
    pub fn assess(
        &self,
        fault: &Fault,
        ctx: SlaContext,
        events: &[FaultEvent],
        as_of: Instant,
    ) -> Vec<MilestoneStatus> {
        let deadlines = self.deadlines_with(fault, ctx, events);
        let resolved = first_reaching(events, Milestone::Resolve);
        deadlines
            .iter()
            .map(|(milestone, deadline)| {
                let outcome = match first_reaching(events, milestone) {
                    Some(at) if at <= deadline => Outcome::Met { at },
                    Some(at) => Outcome::Late {
                        at,
                        minutes_late: at.minutes_since(deadline),
                    },
                    None if milestone.optional() && resolved.is_some_and(|r| r <= deadline) => {
                        Outcome::NotNeeded
                    }
                    None if as_of > deadline => Outcome::Missed,
                    None => Outcome::Pending,
                };
                MilestoneStatus {
                    milestone,
                    deadline,
                    outcome,
                }
            })
            .collect()
    }
}

fn stricter(a: Option<Minutes>, b: Option<Minutes>) -> Option<Minutes> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn first_reaching(events: &[FaultEvent], m: Milestone) -> Option<Instant> {
    events
        .iter()
        .filter(|e| m.reached_by(e.kind))
        .map(|e| e.at)
        .min()
}
