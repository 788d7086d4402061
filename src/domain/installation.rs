//! Installation projects (工程实施): the on-site phases of new devices at a site, in the
//! source's order, and the trial run (试运行) that acceptance starts.
//!
//! The source (`shared/seed`, 三.2 工程实施现场服务) lists the steps: kick-off meeting,
//! technical plan, unboxing check (开箱验货), hardware installation (硬件安装), software
//! commissioning (软件调试), quality check, acceptance test (测试验收), document handover,
//! cut-over, trial run (设备试运行, "一般为三个月" from initial acceptance) and final
//! acceptance; training (工程培训) of the customer's staff on site during the works. The
//! steps that need an engineer on site become tasks, per device, in this order:
//! unboxing check -> hardware installation -> software commissioning -> acceptance test ->
//! training; and, once the acceptance test is done, the trial-run report (试运行报告, "试运行期
//! 结束前一周提交"), due one week before the trial run ends.
//!
//! Rules (invariants of [`InstallationRecord`]):
//! - **Precedence.** Every step but the first of a device has one predecessor; a step is
//!   planned only on a local date *after* the date its predecessor was reported done ("a
//!   phase may only start the day after its predecessor": an engineer's report of the day
//!   closes the phase, the next phase is planned from the next day), and never before the
//!   project's `start`. A step is done once, and only after its predecessor.
//! - **Multi-day phases.** A phase longer than [`InstallationConfig::day_part`] splits into
//!   `ceil(duration / day_part)` day parts of near-equal length (earlier parts take the odd
//!   minutes), chained like phases: so an 8 h hardware installation with 4 h day parts is
//!   two visits of 4 h on two days.
//! - **Device dates.** The devices are stored when the project is created, installed (the
//!   project's start until the software commissioning is done, then that day) and not
//!   accepted; the acceptance test done sets `accepted` to its local date. From then on the
//!   inspection cadence runs from that date (`domain::cadence`), the trial run lasts
//!   [`InstallationConfig::trial_run_months`] and its report is due
//!   [`InstallationConfig::report_days_before_end`] days before the trial run ends.

use super::dates::{DateRange, add_days, add_months};
use super::device::{Device, DeviceData};
use super::duration::Minutes;
use super::error::{Checked, FieldError};
use super::family::{DeviceFamily, PerFamily};
use super::ids::{DeviceId, EngineerId, SiteId, TaskId};
use super::instant::Instant;
use super::task::{InstallationPhase, Task, TaskDetail};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The phases planned in order, per device, before the trial run.
pub const PHASES: [InstallationPhase; 5] = [
    InstallationPhase::UnboxingCheck,
    InstallationPhase::HardwareInstallation,
    InstallationPhase::SoftwareCommissioning,
    InstallationPhase::AcceptanceTest,
    InstallationPhase::Training,
];

/// Installation phases, trial run and report (`config/installation.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstallationConfig {
    /// Time on site per phase and family.
    pub unboxing_check: PerFamily<Minutes>,
    pub hardware_installation: PerFamily<Minutes>,
    pub software_commissioning: PerFamily<Minutes>,
    pub acceptance_test: PerFamily<Minutes>,
    pub training: PerFamily<Minutes>,
    pub trial_run_report: PerFamily<Minutes>,
    /// The longest part of a phase on one day; a longer phase splits into day parts.
    pub day_part: Minutes,
    /// Engineers on site together for the hardware installation, per family (the heavy
    /// phase: a DR's detector, tube stand and generator take two). Other phases take one.
    #[serde(default = "default_hardware_engineers")]
    pub hardware_installation_engineers: PerFamily<u8>,
    /// Months of trial run from acceptance (the source: usually three).
    pub trial_run_months: u32,
    /// The trial-run report is due this many days before the trial run ends (the source:
    /// one week).
    pub report_days_before_end: u32,
    /// The report may be made from this many days before its due date.
    pub report_window_days: u32,
}

impl Default for InstallationConfig {
    fn default() -> Self {
        let per = |dr, bio| PerFamily {
            dr: Minutes::new(dr),
            biochemistry_analyser: Minutes::new(bio),
        };
        Self {
            unboxing_check: per(60, 60),
            hardware_installation: per(480, 240),
            software_commissioning: per(240, 240),
            acceptance_test: per(180, 180),
            training: per(180, 180),
            trial_run_report: per(60, 60),
            day_part: Minutes::new(240),
            hardware_installation_engineers: default_hardware_engineers(),
            trial_run_months: 3,
            report_days_before_end: 7,
            report_window_days: 7,
        }
    }
}

fn default_hardware_engineers() -> PerFamily<u8> {
    PerFamily {
        dr: 2,
        biochemistry_analyser: 1,
    }
}

impl InstallationConfig {
    /// Engineers on site together for a step of `phase` on a device of `family`.
    pub fn engineers(&self, phase: InstallationPhase, family: DeviceFamily) -> usize {
        match phase {
            InstallationPhase::HardwareInstallation => {
                usize::from(*self.hardware_installation_engineers.get(family))
            }
            _ => 1,
        }
    }

    pub fn from_toml_str(text: &str) -> Checked<Self> {
        let c: Self = toml::from_str(text).map_err(|e| FieldError::new("", e.to_string()))?;
        c.check()?;
        Ok(c)
    }

    /// Every duration positive, a trial run of at least a month, the report inside it.
    pub fn check(&self) -> Checked<()> {
        for phase in PHASES
            .into_iter()
            .chain([InstallationPhase::TrialRunReport])
        {
            for (family, m) in self.durations(phase).iter() {
                if *m == Minutes::ZERO {
                    return Err(FieldError::new(
                        format!("{}.{}", phase_key(phase), family.key()),
                        "must be positive",
                    ));
                }
            }
        }
        for (family, n) in self.hardware_installation_engineers.iter() {
            if !(1..=2).contains(n) {
                return Err(FieldError::new(
                    format!("hardware_installation_engineers.{}", family.key()),
                    "one or two engineers",
                ));
            }
        }
        if self.day_part == Minutes::ZERO {
            return Err(FieldError::new("day_part", "must be positive"));
        }
        if self.trial_run_months == 0 {
            return Err(FieldError::new("trial_run_months", "must be at least 1"));
        }
        if self.report_days_before_end + self.report_window_days > 28 * self.trial_run_months {
            return Err(FieldError::new(
                "report_days_before_end",
                "the report's window must lie inside the trial run",
            ));
        }
        Ok(())
    }

    /// The time on site of a phase, per family.
    pub fn durations(&self, phase: InstallationPhase) -> &PerFamily<Minutes> {
        match phase {
            InstallationPhase::UnboxingCheck => &self.unboxing_check,
            InstallationPhase::HardwareInstallation => &self.hardware_installation,
            InstallationPhase::SoftwareCommissioning => &self.software_commissioning,
            InstallationPhase::AcceptanceTest => &self.acceptance_test,
            InstallationPhase::Training => &self.training,
            InstallationPhase::TrialRunReport => &self.trial_run_report,
        }
    }

    /// The trial run that an acceptance on `accepted` starts: its last day (exclusive end
    /// `accepted + months`) and the report's window, ending on its due date.
    pub fn trial_run(&self, accepted: NaiveDate) -> TrialRun {
        let ends = add_months(accepted, self.trial_run_months);
        let due = add_days(ends, -i64::from(self.report_days_before_end));
        let opens = add_days(due, -i64::from(self.report_window_days));
        TrialRun {
            accepted,
            ends,
            report: DateRange::new(opens, due).expect("opens <= due"),
        }
    }
}

/// The trial run of an accepted device.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrialRun {
    pub accepted: NaiveDate,
    /// The day the trial run ends (acceptance plus its months).
    pub ends: NaiveDate,
    /// When the trial-run report is made: due on `report.last()`.
    pub report: DateRange,
}

/// The TOML key and task-id code of a phase.
fn phase_key(phase: InstallationPhase) -> &'static str {
    match phase {
        InstallationPhase::UnboxingCheck => "unboxing_check",
        InstallationPhase::HardwareInstallation => "hardware_installation",
        InstallationPhase::SoftwareCommissioning => "software_commissioning",
        InstallationPhase::AcceptanceTest => "acceptance_test",
        InstallationPhase::Training => "training",
        InstallationPhase::TrialRunReport => "trial_run_report",
    }
}

fn phase_code(phase: InstallationPhase) -> &'static str {
    match phase {
        InstallationPhase::UnboxingCheck => "UNBOX",
        InstallationPhase::HardwareInstallation => "HW",
        InstallationPhase::SoftwareCommissioning => "SW",
        InstallationPhase::AcceptanceTest => "ACC",
        InstallationPhase::Training => "TRAIN",
        InstallationPhase::TrialRunReport => "REPORT",
    }
}

/// `total` minutes in `ceil(total / part)` day parts of near-equal length, the odd minutes
/// on the earlier parts: 600 in parts of 360 is `[300, 300]`, 601 is `[301, 300]`.
pub fn day_parts(total: Minutes, part: Minutes) -> Vec<Minutes> {
    let (t, p) = (total.get(), part.get().max(1));
    let n = t.div_ceil(p).max(1);
    (0..n)
        .map(|i| Minutes::new(t / n + u32::from(i < t % n)))
        .collect()
}

/// One on-site step of a project: a phase (or a day part of one) of one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The planner's task id (`T-INS-D-0123-HW-1`): what progress reports name.
    pub task: TaskId,
    pub device: DeviceId,
    pub family: DeviceFamily,
    pub phase: InstallationPhase,
    /// 1-based day part of the phase, of `parts`.
    pub part: u32,
    pub parts: u32,
    pub duration: Minutes,
    /// The step that must be done first (none for a device's unboxing check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<TaskId>,
}

/// A new device of a project, before it has an id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDevice {
    pub family: DeviceFamily,
    pub model: String,
    /// Recorded at the unboxing check when not known yet.
    pub serial: Option<String>,
}

/// What a project is made of, before the store gives it and its devices ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstallationDraft {
    pub site: SiteId,
    pub start: NaiveDate,
    pub devices: Vec<NewDevice>,
    pub created_at: Instant,
    pub config: InstallationConfig,
}

/// Serial text of a device whose serial is recorded at its unboxing check.
pub const SERIAL_AT_UNBOXING: &str = "to be recorded at unboxing";

impl InstallationDraft {
    /// The project `id` with devices `ids` (one per new device, in order): the devices,
    /// installed on `start` and not accepted, and their steps.
    pub fn build(&self, id: &str, ids: &[DeviceId]) -> Checked<(InstallationProject, Vec<Device>)> {
        if ids.len() != self.devices.len() || self.devices.is_empty() {
            return Err(FieldError::new(
                "devices",
                "one id per new device, at least one",
            ));
        }
        let mut devices = Vec::new();
        let mut steps = Vec::new();
        for (i, (new, id)) in self.devices.iter().zip(ids).enumerate() {
            let serial = new
                .serial
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| SERIAL_AT_UNBOXING.to_owned());
            let device = Device::new(DeviceData {
                id: id.clone(),
                site: self.site.clone(),
                family: new.family,
                model: new.model.clone(),
                serial,
                installed: self.start,
                accepted: None,
                warranty_end: Device::standard_warranty_end(self.start),
            })
            .map_err(|e| FieldError::new(format!("devices[{i}].{}", e.field), e.message))?;
            steps.extend(device_steps(&self.config, id, new.family));
            devices.push(device);
        }
        let project = InstallationProject {
            id: id.to_owned(),
            site: self.site.clone(),
            start: self.start,
            created_at: self.created_at,
            devices: ids.to_vec(),
            steps,
        };
        Ok((project, devices))
    }
}

fn step_id(device: &DeviceId, phase: InstallationPhase, part: u32) -> TaskId {
    TaskId::new(format!("T-INS-{device}-{}-{part}", phase_code(phase)))
        .expect("device ids make valid task ids")
}

/// The steps of one device: each phase in order, split into day parts, each after the one
/// before; the trial-run report after the acceptance test's last part.
fn device_steps(cfg: &InstallationConfig, device: &DeviceId, family: DeviceFamily) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut accepted_by = None;
    for phase in PHASES {
        let parts = day_parts(*cfg.durations(phase).get(family), cfg.day_part);
        let n = u32::try_from(parts.len()).expect("few parts");
        for (k, duration) in (1..).zip(parts) {
            let after = steps.last().map(|s| s.task.clone());
            steps.push(Step {
                task: step_id(device, phase, k),
                device: device.clone(),
                family,
                phase,
                part: k,
                parts: n,
                duration,
                after,
            });
        }
        if phase == InstallationPhase::AcceptanceTest {
            accepted_by = steps.last().map(|s| s.task.clone());
        }
    }
    steps.push(Step {
        task: step_id(device, InstallationPhase::TrialRunReport, 1),
        device: device.clone(),
        family,
        phase: InstallationPhase::TrialRunReport,
        part: 1,
        parts: 1,
        duration: *cfg.trial_run_report.get(family),
        after: accepted_by,
    });
    steps
}

/// A project as created: where, from when, which devices, and its steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationProject {
    /// `I-0001`.
    pub id: String,
    pub site: SiteId,
    /// No step is planned before this date.
    pub start: NaiveDate,
    pub created_at: Instant,
    pub devices: Vec<DeviceId>,
    pub steps: Vec<Step>,
}

/// A step reported done (by an engineer's `done` on its task).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepDone {
    pub task: TaskId,
    pub at: Instant,
    pub engineer: EngineerId,
}

/// Where a step stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StepStatus {
    /// Its predecessor is not done yet.
    Waiting,
    /// May be planned from `from` on.
    Ready,
    Done,
}

/// A project with the steps done so far. Invariant: every done step is a step of the project,
/// done once, after its predecessor was done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationRecord {
    pub project: InstallationProject,
    pub done: Vec<StepDone>,
}

impl InstallationRecord {
    pub fn new(project: InstallationProject) -> Self {
        Self {
            project,
            done: Vec::new(),
        }
    }

    pub fn id(&self) -> &str {
        &self.project.id
    }

    pub fn step(&self, task: &TaskId) -> Option<&Step> {
        self.project.steps.iter().find(|s| &s.task == task)
    }

    /// When a step was reported done.
    pub fn done_at(&self, task: &TaskId) -> Option<Instant> {
        self.done.iter().find(|d| &d.task == task).map(|d| d.at)
    }

    /// The acceptance date of a device of the project: the local date its acceptance
    /// test's last part was done.
    pub fn accepted(&self, device: &DeviceId) -> Option<NaiveDate> {
        let last = self
            .project
            .steps
            .iter()
            .rfind(|s| &s.device == device && s.phase == InstallationPhase::AcceptanceTest)?;
        self.done_at(&last.task).map(Instant::date)
    }

    /// The first date `step` may be planned on, if its predecessor is done: the day after
    /// that (never before the project's start), and for the trial-run report the opening of
    /// its window. `None` while it waits.
    pub fn ready_from(&self, step: &Step, cfg: &InstallationConfig) -> Option<NaiveDate> {
        let after = match &step.after {
            None => self.project.start,
            Some(p) => add_days(self.done_at(p)?.date(), 1).max(self.project.start),
        };
        if step.phase == InstallationPhase::TrialRunReport {
            let accepted = self.accepted(&step.device)?;
            return Some(after.max(cfg.trial_run(accepted).report.first()));
        }
        Some(after)
    }

    pub fn status(&self, step: &Step, cfg: &InstallationConfig) -> StepStatus {
        if self.done_at(&step.task).is_some() {
            StepStatus::Done
        } else if self.ready_from(step, cfg).is_some() {
            StepStatus::Ready
        } else {
            StepStatus::Waiting
        }
    }

    /// The tasks to plan on `date`: every step not done whose predecessor was done before
    /// `date` (and whose window has opened), with the window from its first possible date to
    /// `date` (so a report past its due date stays plannable, as an overdue one).
    pub fn tasks_on(&self, date: NaiveDate, cfg: &InstallationConfig) -> Vec<Task> {
        self.project
            .steps
            .iter()
            .filter(|s| self.done_at(&s.task).is_none())
            .filter_map(|s| {
                let from = self.ready_from(s, cfg)?;
                let window = DateRange::new(from, date).ok()?;
                Some(Task {
                    id: s.task.clone(),
                    site: self.project.site.clone(),
                    detail: TaskDetail::Installation {
                        device: s.device.clone(),
                        family: s.family,
                        phase: s.phase,
                        window,
                    },
                    duration: s.duration,
                })
            })
            .collect()
    }

    /// Records `done` if the rules allow it: a step of this project, not done before, whose
    /// predecessor was done before it, not before the project's start.
    pub fn complete(&mut self, done: StepDone) -> Checked<()> {
        let Some(step) = self.step(&done.task) else {
            return Err(FieldError::new(
                "taskId",
                format!("{} is no step of installation {}", done.task, self.id()),
            ));
        };
        if let Some(at) = self.done_at(&done.task) {
            return Err(FieldError::new(
                "taskId",
                format!("{} was done already at {at}", done.task),
            ));
        }
        if let Some(p) = &step.after {
            match self.done_at(p) {
                Some(t) if t <= done.at => {}
                _ => {
                    return Err(FieldError::new(
                        "taskId",
                        format!("{} must be done before {}", p, done.task),
                    ));
                }
            }
        }
        if done.at.date() < self.project.start {
            return Err(FieldError::new(
                "at",
                format!("before the project's start on {}", self.project.start),
            ));
        }
        self.done.push(done);
        Ok(())
    }

    /// The device as the done steps make it: installed on the day its software commissioning
    /// was done (warranty from then), accepted on the day of its acceptance test. `None` when
    /// `device` is not one of the project's.
    pub fn device_now(&self, device: &Device) -> Option<Device> {
        if !self.project.devices.contains(device.id()) {
            return None;
        }
        let last_done = |phase: InstallationPhase| {
            let last = self
                .project
                .steps
                .iter()
                .rfind(|s| &s.device == device.id() && s.phase == phase)?;
            self.done_at(&last.task).map(Instant::date)
        };
        let mut data = device.data().clone();
        if let Some(installed) = last_done(InstallationPhase::SoftwareCommissioning) {
            data.installed = installed;
            data.warranty_end = Device::standard_warranty_end(installed);
        }
        data.accepted = last_done(InstallationPhase::AcceptanceTest);
        Device::new(data).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_parts_are_near_equal_and_cover_the_phase() {
        let m = Minutes::new;
        assert_eq!(day_parts(m(600), m(360)), vec![m(300), m(300)]);
        assert_eq!(day_parts(m(601), m(360)), vec![m(301), m(300)]);
        assert_eq!(day_parts(m(360), m(360)), vec![m(360)]);
        assert_eq!(day_parts(m(1000), m(360)), vec![m(334), m(333), m(333)]);
    }
}
