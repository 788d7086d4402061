//! What both engines share: how values become stored text and back (JSON, instants, ids),
//! and how a fault's appended events join its report.
//! Both stores keep the same text in the same columns, so a value reads the same from either.

use super::{JobRecord, JobStatus, StoreError, StoreResult};
use crate::domain::device::Device;
use crate::domain::fault::{FaultEvent, FaultRecord};
use crate::domain::ids::EngineerId;
use crate::domain::installation::{InstallationProject, InstallationRecord, StepDone};
use crate::domain::instant::Instant;
use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub(super) fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    Ok(serde_json::to_string(value)?)
}

/// Reads stored JSON; a value that does not fit is [`StoreError::Corrupt`], naming the path.
pub(super) fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> StoreResult<T> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de)
        .map_err(|e| StoreError::Corrupt(format!("{what}: {}: {}", e.path(), e.inner())))
}

pub(super) fn instant(text: &str) -> StoreResult<Instant> {
    Instant::parse(text).map_err(|e| StoreError::Corrupt(e.message))
}

pub(super) fn date(what: &str, text: &str) -> StoreResult<NaiveDate> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("{what} '{text}'")))
}

pub(super) fn stored_engineer(id: String) -> StoreResult<EngineerId> {
    EngineerId::new(id).map_err(|e| StoreError::Corrupt(format!("engineer id: {}", e.message)))
}

pub(super) fn str_field<'a>(record: &'a Value, field: &str, index: usize) -> StoreResult<&'a str> {
    record
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| StoreError::Rejected(format!("record {index}: no string field '{field}'")))
}

/// A fault's report with the events appended after it.
pub(super) fn with_events(record: FaultRecord, later: Vec<FaultEvent>) -> StoreResult<FaultRecord> {
    if later.is_empty() {
        return Ok(record);
    }
    let mut events = record.events().to_vec();
    events.extend(later);
    // Appended in the order they were reported; a late report takes its place in time.
    events.sort_by_key(|e| e.at);
    FaultRecord::new(record.fault().clone(), events)
        .map_err(|e| StoreError::Corrupt(format!("fault {}: {e}", record.fault().id)))
}

/// A job's columns: id, kind, status, request, result, error, created_at, updated_at.
pub(super) type JobRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

pub(super) fn job_record(row: JobRow) -> StoreResult<JobRecord> {
    let (id, kind, status, request, result, error, created_at, updated_at) = row;
    Ok(JobRecord {
        id,
        kind,
        status: JobStatus::parse(&status)?,
        request: from_json("job request", &request)?,
        result: result.map(|r| from_json("job result", &r)).transpose()?,
        error,
        created_at: instant(&created_at)?,
        updated_at: instant(&updated_at)?,
    })
}

/// Installation projects with the steps done, joined by project id (creation order kept).
pub(super) fn with_steps_done(
    projects: Vec<InstallationProject>,
    done: Vec<(String, StepDone)>,
) -> Vec<InstallationRecord> {
    let mut records: Vec<_> = projects.into_iter().map(InstallationRecord::new).collect();
    for (id, d) in done {
        if let Some(r) = records.iter_mut().find(|r| r.id() == id) {
            r.done.push(d);
        }
    }
    records
}

/// The project `id`, read as the one record of `found`, with the step `done`: refused by the
/// project's rules on what is stored.
pub(super) fn with_step_done(
    mut found: Vec<InstallationRecord>,
    id: &str,
    done: &StepDone,
) -> StoreResult<InstallationRecord> {
    let mut record = found
        .pop()
        .ok_or_else(|| StoreError::Rejected(format!("installation {id} does not exist")))?;
    record.complete(done.clone()).map_err(StoreError::Refused)?;
    Ok(record)
}

/// A new device of an installation project as it is now, read `before` from the store.
pub(super) fn device_now(record: &InstallationRecord, before: &Device) -> StoreResult<Device> {
    record.device_now(before).ok_or_else(|| {
        StoreError::Corrupt(format!(
            "device {} of installation {}",
            before.id(),
            record.id()
        ))
    })
}

/// The id `I-NNNN` of the `n`-th installation project.
pub(super) fn installation_id(n: i64) -> String {
    format!("I-{n:04}")
}
