//! Installation projects: the phases of one family in order with their durations, day parts,
//! precedence of completions, the device's dates, the trial-run report's window and the first
//! inspection after acceptance; every figure worked out by hand from `config/`.

use crate::support::{at, d, repo};
use fieldplan::domain::cadence::inspection_slots;
use fieldplan::domain::duration::Minutes;
use fieldplan::domain::family::DeviceFamily;
use fieldplan::domain::ids::{DeviceId, EngineerId, SiteId, TaskId};
use fieldplan::domain::installation::{
    InstallationDraft, InstallationRecord, NewDevice, StepDone, StepStatus,
};
use fieldplan::domain::task::{InstallationPhase, TaskDetail};
use fieldplan::scenario::load_config;

fn draft(families: &[DeviceFamily]) -> InstallationDraft {
    InstallationDraft {
        site: SiteId::new("S-0001").unwrap(),
        start: d(2026, 12, 7),
        devices: families
            .iter()
            .map(|&family| NewDevice {
                family,
                model: "M-1".into(),
                serial: None,
            })
            .collect(),
        created_at: at(2026, 12, 3, 10, 0),
        config: load_config(repo().join("config")).unwrap().installation,
    }
}

fn record(
    families: &[DeviceFamily],
) -> (InstallationRecord, Vec<fieldplan::domain::device::Device>) {
    let ids: Vec<DeviceId> = (0..families.len())
        .map(|i| DeviceId::numbered(100 + i, 4))
        .collect();
    let (project, devices) = draft(families).build("I-0001", &ids).unwrap();
    (InstallationRecord::new(project), devices)
}

fn task(s: &str) -> TaskId {
    TaskId::new(s).unwrap()
}

fn done(t: &str, when: fieldplan::domain::instant::Instant) -> StepDone {
    StepDone {
        task: task(t),
        at: when,
        engineer: EngineerId::new("E-01").unwrap(),
    }
}

#[test]
fn a_dr_has_the_phases_of_the_source_in_order_with_its_durations() {
    let (r, devices) = record(&[DeviceFamily::Dr]);
    // config/installation.toml, dr: 1 h, 8 h (two day parts of 4 h, the day part is 4 h),
    // 4 h, 3 h, 3 h; the trial-run report 1 h after the acceptance test.
    let got: Vec<(String, InstallationPhase, u32, u32, Option<String>)> = r
        .project
        .steps
        .iter()
        .map(|s| {
            (
                s.task.to_string(),
                s.phase,
                s.part,
                s.duration.get(),
                s.after.as_ref().map(ToString::to_string),
            )
        })
        .collect();
    use InstallationPhase::*;
    let want = [
        ("T-INS-D-0100-UNBOX-1", UnboxingCheck, 1, 60, None),
        (
            "T-INS-D-0100-HW-1",
            HardwareInstallation,
            1,
            240,
            Some("T-INS-D-0100-UNBOX-1"),
        ),
        (
            "T-INS-D-0100-HW-2",
            HardwareInstallation,
            2,
            240,
            Some("T-INS-D-0100-HW-1"),
        ),
        (
            "T-INS-D-0100-SW-1",
            SoftwareCommissioning,
            1,
            240,
            Some("T-INS-D-0100-HW-2"),
        ),
        (
            "T-INS-D-0100-ACC-1",
            AcceptanceTest,
            1,
            180,
            Some("T-INS-D-0100-SW-1"),
        ),
        (
            "T-INS-D-0100-TRAIN-1",
            Training,
            1,
            180,
            Some("T-INS-D-0100-ACC-1"),
        ),
        (
            "T-INS-D-0100-REPORT-1",
            TrialRunReport,
            1,
            60,
            Some("T-INS-D-0100-ACC-1"),
        ),
    ]
    .map(|(t, p, k, m, a)| (t.to_owned(), p, k, m, a.map(str::to_owned)));
    assert_eq!(got, want);
    // The device is stored installed on the start, not accepted, warranty a year less a day.
    let dev = &devices[0];
    assert_eq!(dev.installed(), d(2026, 12, 7));
    assert_eq!(dev.accepted(), None);
    assert_eq!(dev.warranty_end(), d(2027, 12, 6));
    assert_eq!(dev.serial(), "to be recorded at unboxing");
}

#[test]
fn a_biochemistry_analyser_needs_no_day_parts() {
    let (r, _) = record(&[DeviceFamily::BiochemistryAnalyser]);
    let minutes: Vec<u32> = r.project.steps.iter().map(|s| s.duration.get()).collect();
    // 1 h, 4 h, 4 h, 3 h, 3 h, report 1 h: each fits one 4 h day part.
    assert_eq!(minutes, [60, 240, 240, 180, 180, 60]);
    assert!(r.project.steps.iter().all(|s| s.parts == 1));
}

#[test]
fn a_phase_is_ready_the_day_after_its_predecessor_is_done_never_before_the_start() {
    let (mut r, _) = record(&[DeviceFamily::Dr]);
    let cfg = draft(&[]).config;
    let ids = |r: &InstallationRecord, day| -> Vec<String> {
        r.tasks_on(day, &cfg)
            .iter()
            .map(|t| t.id.to_string())
            .collect()
    };
    // Before the start (Monday 7 December) nothing; from it the unboxing check only.
    assert!(ids(&r, d(2026, 12, 6)).is_empty());
    assert_eq!(ids(&r, d(2026, 12, 7)), ["T-INS-D-0100-UNBOX-1"]);
    // Out of order: refused, nothing recorded.
    let e = r
        .complete(done("T-INS-D-0100-HW-1", at(2026, 12, 7, 11, 0)))
        .unwrap_err();
    assert_eq!(e.field, "taskId");
    assert!(r.done.is_empty());
    r.complete(done("T-INS-D-0100-UNBOX-1", at(2026, 12, 7, 10, 0)))
        .unwrap();
    // Done once only.
    assert!(
        r.complete(done("T-INS-D-0100-UNBOX-1", at(2026, 12, 7, 10, 30)))
            .is_err()
    );
    // The hardware's first day part waits for the next day; the second for the one after
    // the first is done.
    assert!(ids(&r, d(2026, 12, 7)).is_empty());
    assert_eq!(ids(&r, d(2026, 12, 8)), ["T-INS-D-0100-HW-1"]);
    r.complete(done("T-INS-D-0100-HW-1", at(2026, 12, 8, 14, 0)))
        .unwrap();
    assert_eq!(ids(&r, d(2026, 12, 9)), ["T-INS-D-0100-HW-2"]);
    let hw2 = r.step(&task("T-INS-D-0100-HW-2")).unwrap().clone();
    assert_eq!(r.status(&hw2, &cfg), StepStatus::Ready);
    assert_eq!(r.ready_from(&hw2, &cfg), Some(d(2026, 12, 9)));
    let sw = r.step(&task("T-INS-D-0100-SW-1")).unwrap().clone();
    assert_eq!(r.status(&sw, &cfg), StepStatus::Waiting);
    // The task carries its phase and family and lasts its day part.
    let t = &r.tasks_on(d(2026, 12, 10), &cfg)[0];
    assert_eq!(t.duration, Minutes::new(240));
    assert!(matches!(
        t.detail,
        TaskDetail::Installation {
            phase: InstallationPhase::HardwareInstallation,
            family: DeviceFamily::Dr,
            ..
        }
    ));
}

#[test]
fn acceptance_starts_the_trial_run_its_report_and_the_inspections() {
    let (mut r, devices) = record(&[DeviceFamily::Dr]);
    let cfg = load_config(repo().join("config")).unwrap();
    for (t, day) in [("UNBOX-1", 7), ("HW-1", 8), ("HW-2", 9), ("SW-1", 10)] {
        r.complete(done(&format!("T-INS-D-0100-{t}"), at(2026, 12, day, 15, 0)))
            .unwrap();
    }
    // Commissioned on the 10th: installed then, warranty from then; not accepted yet.
    let dev = r.device_now(&devices[0]).unwrap();
    assert_eq!(dev.installed(), d(2026, 12, 10));
    assert_eq!(dev.warranty_end(), d(2027, 12, 9));
    assert_eq!(dev.accepted(), None);
    let report = r.step(&task("T-INS-D-0100-REPORT-1")).unwrap().clone();
    assert_eq!(r.ready_from(&report, &cfg.installation), None);

    r.complete(done("T-INS-D-0100-ACC-1", at(2026, 12, 11, 16, 0)))
        .unwrap();
    let dev = r.device_now(&devices[0]).unwrap();
    assert_eq!(dev.accepted(), Some(d(2026, 12, 11)));
    // Trial run of 3 months from 11 December 2026: ends 11 March 2027; the report is due a
    // week before, 4 March, and may be made from 25 February (a 7-day window).
    let trial = cfg.installation.trial_run(d(2026, 12, 11));
    assert_eq!(trial.ends, d(2027, 3, 11));
    assert_eq!(trial.report.last(), d(2027, 3, 4));
    assert_eq!(trial.report.first(), d(2027, 2, 25));
    assert_eq!(
        r.ready_from(&report, &cfg.installation),
        Some(d(2027, 2, 25))
    );
    let on = |day| -> Vec<String> {
        r.tasks_on(day, &cfg.installation)
            .iter()
            .map(|t| t.id.to_string())
            .collect()
    };
    // The training is ready the next day; the report not before its window.
    assert_eq!(on(d(2026, 12, 12)), ["T-INS-D-0100-TRAIN-1"]);
    assert_eq!(
        on(d(2027, 2, 25)),
        ["T-INS-D-0100-TRAIN-1", "T-INS-D-0100-REPORT-1"]
    );
    // The inspection cadence starts at acceptance: the first is due a month later, on
    // 11 January 2027 (months 0-12: every month).
    let slots = inspection_slots(&cfg.cadence, dev.accepted().unwrap(), d(2027, 2, 1));
    assert_eq!(slots[0].due, d(2027, 1, 11));
}

#[test]
fn a_trial_run_from_the_end_of_a_month_ends_on_the_last_day_of_its_third_month() {
    let cfg = load_config(repo().join("config")).unwrap().installation;
    // 30 November + 3 months: 28 February 2027 (no 30 February); the report is due on the
    // 21st and may be made from the 14th.
    let trial = cfg.trial_run(d(2026, 11, 30));
    assert_eq!(trial.ends, d(2027, 2, 28));
    assert_eq!(trial.report.last(), d(2027, 2, 21));
    assert_eq!(trial.report.first(), d(2027, 2, 14));
}
