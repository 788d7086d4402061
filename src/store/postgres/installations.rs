//! Installation projects on PostgreSQL: the same rows and rules as
//! `store::sqlite::installations`, ids taken under an advisory lock.

use super::super::values::{
    device_now, from_json, installation_id, to_json, with_step_done, with_steps_done,
};
use super::super::{InstallationOutcome, RecordKind, StoreError, StoreResult};
use super::{exists, insert_record, lock};
use crate::domain::device::Device;
use crate::domain::ids::DeviceId;
use crate::domain::installation::{
    InstallationDraft, InstallationProject, InstallationRecord, StepDone,
};
use crate::domain::instant::Instant;
use ::postgres::GenericClient;

/// The next `n` free device ids after the count of devices.
fn free_device_ids(tx: &mut impl GenericClient, n: usize) -> StoreResult<Vec<DeviceId>> {
    let mut next: i64 = tx
        .query_one("SELECT COUNT(*) + 1 FROM devices", &[])?
        .get(0);
    let mut ids = Vec::with_capacity(n);
    while ids.len() < n {
        let id = DeviceId::numbered(usize::try_from(next).unwrap_or(0), 4);
        if !exists(tx, "SELECT 1 FROM devices WHERE id = $1", &[&id.as_str()])? {
            ids.push(id);
        }
        next += 1;
    }
    Ok(ids)
}

pub(super) fn create(
    conn: &mut ::postgres::Client,
    draft: &InstallationDraft,
    now: Instant,
) -> StoreResult<InstallationOutcome> {
    let mut tx = conn.transaction()?;
    if !exists(
        &mut tx,
        "SELECT 1 FROM sites WHERE id = $1",
        &[&draft.site.as_str()],
    )? {
        return Err(StoreError::Rejected(format!(
            "site {} does not exist",
            draft.site
        )));
    }
    // Ids of projects and devices are read and taken under one lock.
    tx.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&lock::INSTALLATION_IDS],
    )?;
    let mut n: i64 = tx
        .query_one("SELECT COALESCE(MAX(seq), 0) + 1 FROM installations", &[])?
        .get(0);
    let id = loop {
        let id = installation_id(n);
        if !exists(&mut tx, "SELECT 1 FROM installations WHERE id = $1", &[&id])? {
            break id;
        }
        n += 1;
    };
    let ids = free_device_ids(&mut tx, draft.devices.len())?;
    let (project, devices) = draft.build(&id, &ids).map_err(StoreError::Refused)?;
    for (i, d) in devices.iter().enumerate() {
        insert_record(&mut tx, RecordKind::Devices, &serde_json::to_value(d)?, i)?;
    }
    tx.execute(
        "INSERT INTO installations (id, site_id, start_date, json, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &project.id,
            &project.site.as_str(),
            &project.start.to_string(),
            &to_json(&project)?,
            &now.to_string(),
        ],
    )?;
    tx.commit()?;
    Ok(InstallationOutcome {
        record: InstallationRecord::new(project),
        devices,
    })
}

fn read_all(
    conn: &mut impl GenericClient,
    only: Option<&str>,
) -> StoreResult<Vec<InstallationRecord>> {
    let projects = conn
        .query(
            "SELECT json FROM installations WHERE $1::TEXT IS NULL OR id = $1 ORDER BY seq",
            &[&only],
        )?
        .iter()
        .map(|r| from_json::<InstallationProject>("installations", r.get::<_, &str>(0)))
        .collect::<StoreResult<Vec<_>>>()?;
    let done = conn
        .query(
            "SELECT installation_id, json FROM installation_steps_done
             WHERE $1::TEXT IS NULL OR installation_id = $1 ORDER BY seq",
            &[&only],
        )?
        .iter()
        .map(|r| {
            let d = from_json::<StepDone>("installation_steps_done", r.get::<_, &str>(1))?;
            Ok((r.get::<_, String>(0), d))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(with_steps_done(projects, done))
}

pub(super) fn all(conn: &mut ::postgres::Client) -> StoreResult<Vec<InstallationRecord>> {
    read_all(conn, None)
}

pub(super) fn complete(
    conn: &mut ::postgres::Client,
    id: &str,
    done: &StepDone,
    now: Instant,
) -> StoreResult<InstallationOutcome> {
    let mut tx = conn.transaction()?;
    // One step done at a time: the rules are checked on what is stored.
    tx.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&lock::INSTALLATION_IDS],
    )?;
    let record = with_step_done(read_all(&mut tx, Some(id))?, id, done)?;
    tx.execute(
        "INSERT INTO installation_steps_done
         (installation_id, task_id, engineer_id, at, json, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &id,
            &done.task.as_str(),
            &done.engineer.as_str(),
            &done.at.to_string(),
            &to_json(done)?,
            &now.to_string(),
        ],
    )?;
    let mut devices = Vec::new();
    for device_id in &record.project.devices {
        let row = tx.query_one(
            "SELECT json FROM devices WHERE id = $1",
            &[&device_id.as_str()],
        )?;
        let before: Device = from_json("devices", row.get::<_, &str>(0))?;
        let after = device_now(&record, &before)?;
        if after != before {
            insert_record(
                &mut tx,
                RecordKind::Devices,
                &serde_json::to_value(&after)?,
                0,
            )?;
        }
        devices.push(after);
    }
    tx.commit()?;
    Ok(InstallationOutcome { record, devices })
}
