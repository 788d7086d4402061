//! Installation projects on SQLite (see [`crate::domain::installation`] and migration 11).

use super::super::values::{
    device_now, from_json, installation_id, to_json, with_step_done, with_steps_done,
};
use super::super::{InstallationOutcome, RecordKind, StoreError, StoreResult};
use super::insert_record;
use crate::domain::device::Device;
use crate::domain::ids::DeviceId;
use crate::domain::installation::{
    InstallationDraft, InstallationProject, InstallationRecord, StepDone,
};
use crate::domain::instant::Instant;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

fn taken(tx: &Transaction<'_>, sql: &str, id: &str) -> StoreResult<bool> {
    Ok(tx.query_row(sql, [id], |_| Ok(())).optional()?.is_some())
}

/// The next `n` free device ids after the count of devices.
fn free_device_ids(tx: &Transaction<'_>, n: usize) -> StoreResult<Vec<DeviceId>> {
    let mut next: i64 = tx.query_row("SELECT COUNT(*) + 1 FROM devices", [], |r| r.get(0))?;
    let mut ids = Vec::with_capacity(n);
    while ids.len() < n {
        let id = DeviceId::numbered(usize::try_from(next).unwrap_or(0), 4);
        if !taken(tx, "SELECT 1 FROM devices WHERE id = ?1", id.as_str())? {
            ids.push(id);
        }
        next += 1;
    }
    Ok(ids)
}

pub(super) fn create(
    conn: &mut Connection,
    draft: &InstallationDraft,
    now: Instant,
) -> StoreResult<InstallationOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if !taken(
        &tx,
        "SELECT 1 FROM sites WHERE id = ?1",
        draft.site.as_str(),
    )? {
        return Err(StoreError::Rejected(format!(
            "site {} does not exist",
            draft.site
        )));
    }
    let mut n: i64 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM installations",
        [],
        |r| r.get(0),
    )?;
    let id = loop {
        let id = installation_id(n);
        if !taken(&tx, "SELECT 1 FROM installations WHERE id = ?1", &id)? {
            break id;
        }
        n += 1;
    };
    let ids = free_device_ids(&tx, draft.devices.len())?;
    let (project, devices) = draft.build(&id, &ids).map_err(StoreError::Refused)?;
    for (i, d) in devices.iter().enumerate() {
        insert_record(&tx, RecordKind::Devices, &serde_json::to_value(d)?, i)?;
    }
    tx.execute(
        "INSERT INTO installations (id, site_id, start_date, json, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            project.id,
            project.site.as_str(),
            project.start.to_string(),
            to_json(&project)?,
            now.to_string()
        ],
    )?;
    tx.commit()?;
    Ok(InstallationOutcome {
        record: InstallationRecord::new(project),
        devices,
    })
}

fn read_all(conn: &Connection, only: Option<&str>) -> StoreResult<Vec<InstallationRecord>> {
    let mut stmt =
        conn.prepare("SELECT json FROM installations WHERE ?1 IS NULL OR id = ?1 ORDER BY seq")?;
    let projects = stmt
        .query_map([only], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .map(|t| from_json::<InstallationProject>("installations", t))
        .collect::<StoreResult<Vec<_>>>()?;
    let mut stmt = conn.prepare(
        "SELECT installation_id, json FROM installation_steps_done
         WHERE ?1 IS NULL OR installation_id = ?1 ORDER BY seq",
    )?;
    let done = stmt
        .query_map([only], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|(id, t)| Ok((id, from_json::<StepDone>("installation_steps_done", &t)?)))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(with_steps_done(projects, done))
}

pub(super) fn all(conn: &Connection) -> StoreResult<Vec<InstallationRecord>> {
    read_all(conn, None)
}

pub(super) fn complete(
    conn: &mut Connection,
    id: &str,
    done: &StepDone,
    now: Instant,
) -> StoreResult<InstallationOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let record = with_step_done(read_all(&tx, Some(id))?, id, done)?;
    tx.execute(
        "INSERT INTO installation_steps_done
         (installation_id, task_id, engineer_id, at, json, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id,
            done.task.as_str(),
            done.engineer.as_str(),
            done.at.to_string(),
            to_json(done)?,
            now.to_string()
        ],
    )?;
    let mut devices = Vec::new();
    for device_id in &record.project.devices {
        let text: String = tx.query_row(
            "SELECT json FROM devices WHERE id = ?1",
            [device_id.as_str()],
            |r| r.get(0),
        )?;
        let before: Device = from_json("devices", &text)?;
        let after = device_now(&record, &before)?;
        if after != before {
            insert_record(&tx, RecordKind::Devices, &serde_json::to_value(&after)?, 0)?;
        }
        devices.push(after);
    }
    tx.commit()?;
    Ok(InstallationOutcome { record, devices })
}
