//! What a replication records, and its summary.
//!
//! Per fault: report, answer, assignment (the SLA's dispatch), departure, arrival and resolution instants and the outcome of
//! each SLA milestone (`SlaConfig::assess` at the end of the horizon). Per cadence slot whose
//! window closes in the horizon: in window, late or missed (the cadence engine's
//! `compliance`, on the scenario's history plus the simulated visits). Per engineer: shift
//! time, busy time in shift (utilisation), overtime, distance.

use super::config::Target;
use super::world::{SimMinute, StaffedWorld};
use crate::domain::cadence::{SlotOutcome, inspection_compliance, on_site_callback_compliance};
use crate::domain::dates::add_days;
use crate::domain::fault::FaultLevel;
use crate::domain::history::CallbackKind;
use crate::domain::sla::{Milestone, MilestoneStatus, Outcome};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One fault of a replication; times in minutes from the epoch, `None` if not reached by
/// the end of the horizon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultTimeline {
    pub level: FaultLevel,
    pub device: usize,
    pub reported: SimMinute,
    pub responded: SimMinute,
    /// First assigned to an engineer: the SLA's dispatch (派工).
    pub assigned: Option<SimMinute>,
    /// First set off towards the site.
    pub departed: Option<SimMinute>,
    pub arrived: Option<SimMinute>,
    pub resolved: Option<SimMinute>,
    /// Solved by phone or remote login.
    pub remote: bool,
    pub milestones: Vec<MilestoneStatus>,
}

impl FaultTimeline {
    /// Every milestone met (or not needed): `Some(true)`; one late or missed: `Some(false)`;
    /// otherwise still pending at the end: `None`.
    pub fn sla_met(&self) -> Option<bool> {
        let mut pending = false;
        for m in &self.milestones {
            match m.outcome {
                Outcome::Late { .. } | Outcome::Missed => return Some(false),
                Outcome::Pending => pending = true,
                Outcome::Met { .. } | Outcome::NotNeeded => {}
            }
        }
        (!pending).then_some(true)
    }

    /// Minutes from report to arrival on site.
    pub fn on_site_after(&self) -> Option<SimMinute> {
        self.arrived.map(|a| a - self.reported)
    }

    /// An engineer on site (or the fault solved remotely) within `limit` of the report:
    /// `None` when neither happened and the limit had not passed by `end`.
    pub fn on_site_within(&self, limit: SimMinute, end: SimMinute) -> Option<bool> {
        if self.remote {
            return self
                .resolved
                .map(|r| r - self.reported <= limit)
                .or((self.reported + limit <= end).then_some(false));
        }
        match self.arrived {
            Some(a) => Some(a - self.reported <= limit),
            None if self.reported + limit <= end => Some(false),
            None => None,
        }
    }
}

/// Slots whose window closed in the horizon, by outcome.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotCounts {
    pub in_window: u32,
    pub late: u32,
    pub missed: u32,
}

impl SlotCounts {
    pub fn total(&self) -> u32 {
        self.in_window + self.late + self.missed
    }

    /// Share in window; 1 when nothing was due.
    pub fn share(&self) -> f64 {
        if self.total() == 0 {
            1.0
        } else {
            f64::from(self.in_window) / f64::from(self.total())
        }
    }

    fn add(&mut self, outcome: SlotOutcome) {
        match outcome {
            SlotOutcome::OnTime { .. } => self.in_window += 1,
            SlotOutcome::Late { .. } => self.late += 1,
            SlotOutcome::Missed | SlotOutcome::Overdue => self.missed += 1,
            SlotOutcome::Open => {}
        }
    }
}

/// One engineer over the horizon, in minutes and metres.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineerOutcome {
    pub id: String,
    pub shift_minutes: SimMinute,
    /// Driving, waiting on site and working inside the shift.
    pub busy_in_shift: SimMinute,
    /// Busy time outside the shift (late returns, call-outs).
    pub overtime: SimMinute,
    pub metres: u64,
    pub tasks_done: u32,
    /// Times called out while on call.
    #[serde(default)]
    pub call_outs: u32,
}

impl EngineerOutcome {
    pub fn utilisation(&self) -> f64 {
        if self.shift_minutes == 0 {
            0.0
        } else {
            self.busy_in_shift as f64 / self.shift_minutes as f64
        }
    }
}

/// Everything a replication recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepOutcome {
    pub headcount: usize,
    pub days: u32,
    /// Minutes from the epoch to the end of the horizon.
    pub end: SimMinute,
    pub faults: Vec<FaultTimeline>,
    pub inspections: SlotCounts,
    pub on_site_callbacks: SlotCounts,
    pub engineers: Vec<EngineerOutcome>,
}

/// The figures of one replication that a sweep aggregates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepSummary {
    /// Per level 1-4: faults reported.
    pub faults: [u32; 4],
    /// Per level: share of decided faults with every SLA milestone met.
    pub sla: [f64; 4],
    /// Per level: share of decided faults on site (or solved remotely) within the target
    /// time.
    pub on_site: [f64; 4],
    /// Per level: mean minutes from report to arrival, over faults visited.
    pub mean_on_site_minutes: [f64; 4],
    pub inspections: f64,
    pub on_site_callbacks: f64,
    pub utilisation: f64,
    pub overtime_hours: f64,
    pub km: f64,
    pub cost: f64,
    /// Per level 1-4 and milestone (respond, dispatch, solution, on site, resolve): share of
    /// the decided milestones met (or not needed); `NaN`-free: 1 when none was decided.
    #[serde(default)]
    pub milestones: [[f64; 5]; 4],
    /// Per level and milestone: how many were decided (met, not needed, late or missed).
    #[serde(default)]
    pub milestones_decided: [[u32; 5]; 4],
    /// Call-outs of on-call engineers.
    #[serde(default)]
    pub call_outs: u32,
}

fn share(met: u32, decided: u32) -> f64 {
    if decided == 0 {
        1.0
    } else {
        f64::from(met) / f64::from(decided)
    }
}

impl RepOutcome {
    /// Compliance of the cadence slots closing in the horizon, from the history and the
    /// simulated visits (`day` numbers per device and per site).
    pub fn new(
        world: &StaffedWorld,
        faults: Vec<FaultTimeline>,
        inspections_done: &[Vec<i64>],
        callbacks_done: &[Vec<i64>],
        engineers: Vec<EngineerOutcome>,
    ) -> Self {
        let base = &world.base;
        let scenario = &base.scenario;
        let cadence = &base.cfg.cadence;
        let first = base.start;
        let last = add_days(first, i64::from(base.days) - 1);
        let closes_in = |d: NaiveDate| first <= d && d <= last;
        let mut inspections = SlotCounts::default();
        for (i, dev) in scenario.devices().iter().enumerate() {
            let Some(accepted) = dev.accepted() else {
                continue;
            };
            let mut done: Vec<NaiveDate> = scenario.history().inspections(dev.id()).to_vec();
            done.extend(inspections_done[i].iter().map(|&d| base.date(d)));
            for c in inspection_compliance(cadence, accepted, &done, last) {
                if closes_in(c.slot.closes()) {
                    inspections.add(c.outcome);
                }
            }
        }
        let mut on_site_callbacks = SlotCounts::default();
        for (i, site) in scenario.sites().iter().enumerate() {
            let Some(anchor) = scenario
                .devices()
                .iter()
                .filter(|d| d.site() == &site.id)
                .map(|d| d.installed())
                .min()
            else {
                continue;
            };
            let mut done: Vec<NaiveDate> = scenario
                .history()
                .callbacks(&site.id, CallbackKind::OnSite)
                .to_vec();
            done.extend(callbacks_done[i].iter().map(|&d| base.date(d)));
            for c in on_site_callback_compliance(cadence, site.tier, anchor, &done, last) {
                if closes_in(c.slot.closes()) {
                    on_site_callbacks.add(c.outcome);
                }
            }
        }
        Self {
            headcount: world.engineers.len(),
            days: base.days,
            end: i64::from(base.days) * super::world::DAY,
            faults,
            inspections,
            on_site_callbacks,
            engineers,
        }
    }

    /// The figures of this replication against `target`, with costs from `cost`.
    pub fn summary(&self, target: &Target, cost: &super::config::CostConfig) -> RepSummary {
        let limit = i64::from(target.on_site_within.get());
        let mut faults = [0u32; 4];
        let (mut sla_met, mut sla_dec) = ([0u32; 4], [0u32; 4]);
        let (mut os_met, mut os_dec) = ([0u32; 4], [0u32; 4]);
        let (mut os_sum, mut os_n) = ([0f64; 4], [0u32; 4]);
        let (mut ms_met, mut ms_dec) = ([[0u32; 5]; 4], [[0u32; 5]; 4]);
        for f in &self.faults {
            let l = usize::from(f.level.number() - 1);
            faults[l] += 1;
            for m in &f.milestones {
                let k = Milestone::ALL
                    .iter()
                    .position(|x| *x == m.milestone)
                    .expect("a milestone");
                match m.outcome {
                    Outcome::Met { .. } | Outcome::NotNeeded => {
                        ms_met[l][k] += 1;
                        ms_dec[l][k] += 1;
                    }
                    Outcome::Late { .. } | Outcome::Missed => ms_dec[l][k] += 1,
                    Outcome::Pending => {}
                }
            }
            if let Some(ok) = f.sla_met() {
                sla_dec[l] += 1;
                sla_met[l] += u32::from(ok);
            }
            if let Some(ok) = f.on_site_within(limit, self.end) {
                os_dec[l] += 1;
                os_met[l] += u32::from(ok);
            }
            if let Some(m) = f.on_site_after() {
                os_sum[l] += m as f64;
                os_n[l] += 1;
            }
        }
        let shift: SimMinute = self.engineers.iter().map(|e| e.shift_minutes).sum();
        let busy: SimMinute = self.engineers.iter().map(|e| e.busy_in_shift).sum();
        let overtime: SimMinute = self.engineers.iter().map(|e| e.overtime).sum();
        let metres: u64 = self.engineers.iter().map(|e| e.metres).sum();
        let overtime_hours = overtime as f64 / 60.0;
        let km = metres as f64 / 1000.0;
        RepSummary {
            faults,
            sla: std::array::from_fn(|l| share(sla_met[l], sla_dec[l])),
            on_site: std::array::from_fn(|l| share(os_met[l], os_dec[l])),
            mean_on_site_minutes: std::array::from_fn(|l| {
                if os_n[l] == 0 {
                    0.0
                } else {
                    os_sum[l] / f64::from(os_n[l])
                }
            }),
            inspections: self.inspections.share(),
            on_site_callbacks: self.on_site_callbacks.share(),
            utilisation: if shift == 0 {
                0.0
            } else {
                busy as f64 / shift as f64
            },
            overtime_hours,
            km,
            milestones: std::array::from_fn(|l| {
                std::array::from_fn(|k| share(ms_met[l][k], ms_dec[l][k]))
            }),
            milestones_decided: ms_dec,
            call_outs: self.engineers.iter().map(|e| e.call_outs).sum(),
            cost: self.headcount as f64 * f64::from(self.days) * cost.per_engineer_day
                + overtime_hours * cost.per_overtime_hour
                + km * cost.per_km,
        }
    }
}
