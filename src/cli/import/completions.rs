//! `fieldplan import --kind completions FILE.csv`: completed inspections and callbacks kept in
//! another system, appended to the database's history (source `import`).
//!
//! Columns (header row, any order): `kind` (`inspection`, `phoneCallback`,
//! `onSiteCallback`), `device` (required for an inspection, optional otherwise), `site`,
//! `engineer`, `at`, and optionally `task` (a planned task of the database it completed) and
//! `outcome` (`solved` or `unsolved`; a phone callback recorded `unsolved` is escalated: an
//! on-site callback falls due within `escalation_days` of `config/cadence.toml`).
//! `at` is RFC 3339 with an offset (`2026-11-20T10:30:00+08:00`) or a plain local date
//! (`2026-11-20`), which means the start of that day in Asia/Shanghai (00:00): the cadence
//! engine reads only the local date.
//!
//! Every row is checked before anything is written: the kind; the site, device and engineer
//! exist in the database; the device stands at that site; an inspection names its device;
//! `at` is not after the clock's now; a task exists, is the row's work (its kind, site and
//! device) and was not completed yet.
//! Any problem is reported as `FILE:LINE: field 'f': message`, and nothing is written. Rows
//! for work already recorded (the same inspection of a device, or the same kind of callback
//! at a site, on the same local date, whoever did it: stored history or an earlier row of the
//! file) are skipped and counted, so importing a file again changes nothing. The others are
//! appended in one transaction.

use super::check_rows;
use crate::domain::FieldError;
use crate::domain::history::{CallbackKind, CallbackOutcome, CompletedKind, Completion, Record};
use crate::domain::ids::{DeviceId, EngineerId, SiteId, TaskId};
use crate::domain::instant::Instant;
use crate::store::{RecordKind, Store};
use anyhow::Context;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The same work on the same local date, whoever did it: what makes a row a duplicate.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SameWork {
    Inspection(DeviceId, NaiveDate),
    Callback(SiteId, CallbackKind, NaiveDate),
}

impl From<Record> for SameWork {
    fn from(r: Record) -> Self {
        match r {
            Record::Inspection(i) => SameWork::Inspection(i.device, i.date),
            Record::Callback(c) => SameWork::Callback(c.site, c.kind, c.date),
        }
    }
}

/// What the database holds that rows refer to, and the work it has recorded already.
struct Known {
    sites: BTreeSet<SiteId>,
    /// Device -> the site it stands at.
    devices: BTreeMap<DeviceId, SiteId>,
    engineers: BTreeSet<EngineerId>,
    tasks: BTreeMap<TaskId, PlannedTask>,
    /// Tasks completed already -> when.
    tasks_done: BTreeMap<TaskId, Instant>,
    done: BTreeSet<SameWork>,
}

impl Known {
    fn load(store: &dyn Store) -> anyhow::Result<Self> {
        let parts = store.scenario_parts()?;
        let tasks = store
            .list(RecordKind::Tasks, u32::MAX, 0)?
            .items
            .iter()
            .filter_map(|t| {
                let id = TaskId::new(t["id"].as_str()?).ok()?;
                let task = PlannedTask {
                    kind: t["kind"].as_str()?.to_owned(),
                    site: SiteId::new(t["site"].as_str()?).ok()?,
                    device: t["device"].as_str().and_then(|d| DeviceId::new(d).ok()),
                };
                Some((id, task))
            })
            .collect();
        let tasks_done = store
            .completions()?
            .into_iter()
            .filter_map(|c| c.task.map(|t| (t, c.at)))
            .collect();
        let done = parts
            .inspections
            .into_iter()
            .map(|i| SameWork::from(Record::Inspection(i)))
            .chain(
                parts
                    .callbacks
                    .into_iter()
                    .map(|c| SameWork::from(Record::Callback(c))),
            )
            .collect();
        Ok(Self {
            sites: parts.sites.into_iter().map(|s| s.id).collect(),
            devices: parts
                .devices
                .iter()
                .map(|d| (d.id().clone(), d.site().clone()))
                .collect(),
            engineers: parts.engineers.into_iter().map(|e| e.id).collect(),
            tasks,
            tasks_done,
            done,
        })
    }
}

/// What a row naming a stored task must agree with.
struct PlannedTask {
    /// As stored (`inspection`, `phoneCallback`, `faultRepair`, ...).
    kind: String,
    site: SiteId,
    device: Option<DeviceId>,
}

/// The columns' positions in a row.
struct Columns {
    kind: usize,
    device: usize,
    site: usize,
    engineer: usize,
    at: usize,
    task: Option<usize>,
    outcome: Option<usize>,
}

impl Columns {
    /// Finds every column; refuses a missing one and an unknown one (a misspelt header).
    fn find(headers: &csv::StringRecord) -> Result<Self, String> {
        let names: Vec<&str> = headers.iter().map(str::trim).collect();
        const KNOWN: [&str; 7] = [
            "kind", "device", "site", "engineer", "at", "task", "outcome",
        ];
        if let Some(odd) = names.iter().find(|n| !KNOWN.contains(n)) {
            return Err(format!("unknown column '{odd}' ({})", KNOWN.join(", ")));
        }
        let at = |name: &str| names.iter().position(|n| *n == name);
        let need = |name: &str| at(name).ok_or_else(|| format!("no column '{name}'"));
        Ok(Self {
            kind: need("kind")?,
            device: need("device")?,
            site: need("site")?,
            engineer: need("engineer")?,
            at: need("at")?,
            task: at("task"),
            outcome: at("outcome"),
        })
    }
}

/// `at` as written: RFC 3339 with an offset, or a plain date meaning its local start (00:00).
fn parse_at(text: &str) -> Result<Instant, FieldError> {
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) if text.len() == 10 => Instant::start_of(date),
        _ => Instant::parse(text).map_err(|e| {
            FieldError::new("", format!("{} (or a plain date YYYY-MM-DD)", e.message))
        }),
    }
}

/// Collects a row's problems, each with its field.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// The cell read by `parse`, or a problem; an empty cell is `None`, and a problem when
    /// the field is `required`.
    fn cell<T>(
        &mut self,
        field: &str,
        text: &str,
        required: bool,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        if text.is_empty() {
            if required {
                self.add(field, "required");
            }
            return None;
        }
        parse(text).map_err(|e| self.add(field, e)).ok()
    }
}

/// An id cell read by its type's constructor.
fn id<T>(new: fn(String) -> Result<T, FieldError>) -> impl Fn(&str) -> Result<T, String> {
    move |text| new(text.to_owned()).map_err(|e| e.message)
}

/// One row as a completion, checked against what the database holds and `now`; or every
/// problem of the row.
fn completion(
    row: &csv::StringRecord,
    cols: &Columns,
    known: &Known,
    now: Instant,
) -> Result<Completion, Vec<FieldError>> {
    let text = |i: usize| row.get(i).unwrap_or("").trim();
    let mut p = Problems::default();
    let kind = p.cell("kind", text(cols.kind), true, |t| {
        t.parse::<CompletedKind>()
    });
    let site = p.cell("site", text(cols.site), true, id(SiteId::new));
    let device = p.cell("device", text(cols.device), false, id(DeviceId::new));
    let engineer = p.cell("engineer", text(cols.engineer), true, id(EngineerId::new));
    let at = p.cell("at", text(cols.at), true, |t| {
        parse_at(t).map_err(|e| e.message)
    });
    let task = cols
        .task
        .and_then(|i| p.cell("task", text(i), false, id(TaskId::new)));
    let outcome = cols
        .outcome
        .and_then(|i| p.cell("outcome", text(i), false, |t| t.parse::<CallbackOutcome>()));
    check_references(
        &mut p,
        known,
        site.as_ref(),
        device.as_ref(),
        engineer.as_ref(),
    );
    if let Some(t) = &task {
        check_task(
            &mut p,
            known.tasks.get(t),
            t,
            (kind, site.as_ref(), device.as_ref()),
        );
    }
    if let Some(at) = at.filter(|at| *at > now) {
        p.add("at", format!("{at} is after now ({now})"));
    }
    let built = match (kind, site, engineer, at) {
        (Some(kind), Some(site), Some(engineer), Some(at)) => {
            // The domain's own rules (an inspection names its device).
            Completion::new(task, kind, device, site, engineer, at)
                .and_then(|c| match outcome {
                    Some(o) => c.with_outcome(o),
                    None => Ok(c),
                })
                .map_err(|e| p.0.push(e))
                .ok()
        }
        _ => None,
    };
    match built {
        Some(c) if p.0.is_empty() => Ok(c),
        _ => Err(p.0),
    }
}

/// The site, device and engineer exist, and the device stands at the site.
fn check_references(
    p: &mut Problems,
    known: &Known,
    site: Option<&SiteId>,
    device: Option<&DeviceId>,
    engineer: Option<&EngineerId>,
) {
    if let Some(s) = site.filter(|s| !known.sites.contains(*s)) {
        p.add("site", format!("no site {s} in the database"));
    }
    if let Some(e) = engineer.filter(|e| !known.engineers.contains(*e)) {
        p.add("engineer", format!("no engineer {e} in the database"));
    }
    match device.map(|d| (d, known.devices.get(d))) {
        Some((d, None)) => p.add("device", format!("no device {d} in the database")),
        Some((d, Some(at))) if site.is_some_and(|s| s != at) => p.add(
            "device",
            format!(
                "device {d} stands at site {at}, not {}",
                site.expect("some")
            ),
        ),
        _ => {}
    }
}

/// The task exists and is this row's work: the same kind, site and (if it has one) device.
/// (That it was not completed yet is checked with the rows before it: [`is_new`].)
fn check_task(
    p: &mut Problems,
    planned: Option<&PlannedTask>,
    task: &TaskId,
    (kind, site, device): (Option<CompletedKind>, Option<&SiteId>, Option<&DeviceId>),
) {
    let Some(planned) = planned else {
        return p.add("task", format!("no task {task} in the database"));
    };
    if let Some(k) = kind.filter(|k| k.as_str() != planned.kind) {
        p.add(
            "task",
            format!("task {task} is a {}, not a {}", planned.kind, k.as_str()),
        );
    }
    if let Some(s) = site.filter(|s| **s != planned.site) {
        p.add(
            "task",
            format!("task {task} is at site {}, not {s}", planned.site),
        );
    }
    if let Some(d) = planned.device.as_ref().filter(|d| device != Some(*d)) {
        p.add("task", format!("task {task} is of device {d}"));
    }
}

/// What an import did.
#[derive(Debug, PartialEq, Eq)]
pub struct Imported {
    pub imported: usize,
    /// Rows for work already recorded.
    pub skipped: usize,
}

/// Reads, checks and appends the completions of `file` at `now` (see the module doc).
pub fn import(store: &dyn Store, file: &Path, now: Instant) -> anyhow::Result<Imported> {
    let mut known = Known::load(store)?;
    // Flexible: a row may leave out trailing empty cells (an optional `task`).
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(file)
        .with_context(|| format!("reading {}", file.display()))?;
    let shown = file.display();
    let headers = reader
        .headers()
        .with_context(|| format!("{shown}:1: header"))?
        .clone();
    let cols = Columns::find(&headers).map_err(|e| anyhow::anyhow!("{shown}:1: {e}"))?;
    let (mut new, mut skipped) = (Vec::new(), 0);
    check_rows(file, &mut reader, |row| {
        if row.len() > headers.len() {
            let (n, m) = (row.len(), headers.len());
            return Err(vec![format!("{n} cells, but the header names {m}")]);
        }
        let checked = completion(row, &cols, &known, now)
            .and_then(|c| Ok((is_new(&mut known, &c).map_err(|e| vec![e])?, c)));
        match checked {
            Ok((true, c)) => new.push(c),
            Ok((false, _)) => skipped += 1,
            Err(errors) => {
                return Err(errors
                    .into_iter()
                    .map(|e| format!("field '{}': {}", e.field, e.message))
                    .collect());
            }
        }
        Ok(())
    })?;
    store.append_completions(&new, "import")?;
    Ok(Imported {
        imported: new.len(),
        skipped,
    })
}

/// Whether `c` is work not recorded yet (then it is known from now on, with its task), or
/// work recorded already (a row to skip). Refused when its task was completed by other work.
fn is_new(known: &mut Known, c: &Completion) -> Result<bool, FieldError> {
    let work = SameWork::from(c.record());
    if known.done.contains(&work) {
        return Ok(false);
    }
    if let Some(task) = &c.task {
        if let Some(at) = known.tasks_done.get(task) {
            return Err(FieldError::new(
                "task",
                format!("task {task} was completed already, at {at}"),
            ));
        }
        known.tasks_done.insert(task.clone(), c.at);
    }
    known.done.insert(work);
    Ok(true)
}
