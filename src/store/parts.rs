//! Stock counts and cases (migration 10) on both engines: the SQL of
//! [`Store::put_stock`](super::Store::put_stock), [`Store::stock`](super::Store::stock),
//! [`Store::put_case`](super::Store::put_case) and [`Store::cases`](super::Store::cases).
//!
//! Every stock move is one guarded `UPDATE` (the row changes only if its invariant holds
//! after it), so concurrent requests never take the same unit twice: SQLite runs writers one
//! at a time, PostgreSQL locks the row the `UPDATE` changes until commit and re-checks the
//! guard on the row as it then is.

use super::values::{from_json, instant, to_json};
use super::{CaseRecord, CaseWrite, StockKind, StockLevel, StockMove, StoreError, StoreResult};
use crate::domain::FieldError;
use crate::domain::instant::Instant;

const MOVE_SQLITE: &str = "UPDATE stock SET quantity = quantity + ?4, reserved = reserved + ?5,
        updated_at = ?6
    WHERE kind = ?1 AND service_point = ?2 AND item = ?3 AND quantity + ?4 >= 0
      AND reserved + ?5 >= 0 AND reserved + ?5 <= quantity + ?4";

const MOVE_PG: &str = "UPDATE stock SET quantity = quantity + $4, reserved = reserved + $5,
        updated_at = $6
    WHERE kind = $1 AND service_point = $2 AND item = $3 AND quantity + $4 >= 0
      AND reserved + $5 >= 0 AND reserved + $5 <= quantity + $4";

fn refused(row: usize, field: &str, message: String) -> StoreError {
    StoreError::Refused(FieldError::new(format!("rows[{row}].{field}"), message))
}

/// Whether row `i`, the count `quantity` of `item` at `sp`, is written over the count stored
/// (`reserved` units of it promised, `None` if there is none): not where only missing counts
/// are written and there is one; refused where the quantity is below what is promised.
fn sets_count(
    i: usize,
    sp: &str,
    item: &str,
    quantity: u32,
    reserved: Option<i64>,
    only_missing: bool,
) -> StoreResult<bool> {
    match reserved {
        Some(_) if only_missing => Ok(false),
        Some(r) if r > i64::from(quantity) => Err(refused(
            i,
            "quantity",
            format!(
                "{quantity} is fewer than the {r} units of {item} at {sp} promised to deliveries"
            ),
        )),
        _ => Ok(true),
    }
}

fn level(
    kind: &str,
    sp: String,
    item: String,
    quantity: i64,
    reserved: i64,
    at: &str,
) -> StoreResult<StockLevel> {
    let n = |v: i64| u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("stock {v}")));
    Ok(StockLevel {
        kind: StockKind::parse(kind)?,
        service_point: sp,
        item,
        quantity: n(quantity)?,
        reserved: n(reserved)?,
        updated_at: instant(at)?,
    })
}

pub(super) mod sqlite {
    use super::*;
    use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

    pub fn put_stock(
        conn: &mut Connection,
        counts: &[(StockKind, String, String, u32)],
        only_missing: bool,
        now: Instant,
    ) -> StoreResult<()> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (i, (kind, sp, item, quantity)) in counts.iter().enumerate() {
            let known: Option<i64> = tx
                .query_row("SELECT 1 FROM service_points WHERE id = ?1", [sp], |r| {
                    r.get(0)
                })
                .optional()?;
            if known.is_none() {
                return Err(refused(i, "servicePoint", format!("no service point {sp}")));
            }
            let reserved: Option<i64> = tx
                .query_row(
                    "SELECT reserved FROM stock WHERE kind = ?1 AND service_point = ?2 AND item = ?3",
                    params![kind.as_str(), sp, item],
                    |r| r.get(0),
                )
                .optional()?;
            if !sets_count(i, sp, item, *quantity, reserved, only_missing)? {
                continue;
            }
            tx.execute(
                "INSERT INTO stock (kind, service_point, item, quantity, reserved, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5)
                 ON CONFLICT (kind, service_point, item)
                 DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at",
                params![kind.as_str(), sp, item, quantity, now.to_string()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn stock(conn: &Connection) -> StoreResult<Vec<StockLevel>> {
        let mut stmt = conn.prepare(
            "SELECT kind, service_point, item, quantity, reserved, updated_at FROM stock
             ORDER BY kind, service_point, item",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(k, sp, item, q, res, at)| level(&k, sp, item, q, res, &at))
            .collect()
    }

    pub fn put_case(
        conn: &mut Connection,
        case: &CaseRecord,
        moves: &[StockMove],
        now: Instant,
    ) -> StoreResult<CaseWrite> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (json, at) = (to_json(&case.json)?, now.to_string());
        let written = if case.version == 0 {
            tx.execute(
                "INSERT INTO cases (id, kind, version, json, created_at, updated_at)
                 VALUES (?1, ?2, 1, ?3, ?4, ?4) ON CONFLICT (id) DO NOTHING",
                params![case.id, case.kind, json, at],
            )?
        } else {
            tx.execute(
                "UPDATE cases SET version = version + 1, json = ?3, updated_at = ?4
                 WHERE id = ?1 AND version = ?2",
                params![case.id, case.version, json, at],
            )?
        };
        if written != 1 {
            return Ok(CaseWrite::Stale);
        }
        for m in moves {
            let moved = tx.execute(
                MOVE_SQLITE,
                params![
                    m.kind.as_str(),
                    m.service_point,
                    m.item,
                    m.quantity,
                    m.reserved,
                    at
                ],
            )?;
            if moved != 1 {
                return Ok(CaseWrite::NoStock);
            }
        }
        tx.commit()?;
        Ok(CaseWrite::Written)
    }

    pub fn cases(conn: &Connection, kind: &str) -> StoreResult<Vec<CaseRecord>> {
        let mut stmt =
            conn.prepare("SELECT id, version, json FROM cases WHERE kind = ?1 ORDER BY id")?;
        let rows = stmt
            .query_map([kind], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, version, json)| {
                Ok(CaseRecord {
                    json: from_json("cases", &json)?,
                    id,
                    kind: kind.to_owned(),
                    version,
                })
            })
            .collect()
    }
}

pub(super) mod pg {
    use super::*;
    use ::postgres::GenericClient;

    pub fn put_stock(
        conn: &mut impl GenericClient,
        counts: &[(StockKind, String, String, u32)],
        only_missing: bool,
        now: Instant,
    ) -> StoreResult<()> {
        let mut tx = conn.transaction()?;
        for (i, (kind, sp, item, quantity)) in counts.iter().enumerate() {
            if tx
                .query_opt("SELECT 1 FROM service_points WHERE id = $1", &[sp])?
                .is_none()
            {
                return Err(refused(i, "servicePoint", format!("no service point {sp}")));
            }
            let reserved: Option<i64> = tx
                .query_opt(
                    "SELECT reserved FROM stock WHERE kind = $1 AND service_point = $2
                     AND item = $3 FOR UPDATE",
                    &[&kind.as_str(), sp, item],
                )?
                .map(|r| r.get(0));
            if !sets_count(i, sp, item, *quantity, reserved, only_missing)? {
                continue;
            }
            tx.execute(
                "INSERT INTO stock (kind, service_point, item, quantity, reserved, updated_at)
                 VALUES ($1, $2, $3, $4, 0, $5)
                 ON CONFLICT (kind, service_point, item) DO UPDATE
                 SET quantity = EXCLUDED.quantity, updated_at = EXCLUDED.updated_at",
                &[
                    &kind.as_str(),
                    sp,
                    item,
                    &i64::from(*quantity),
                    &now.to_string(),
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn stock(conn: &mut impl GenericClient) -> StoreResult<Vec<StockLevel>> {
        conn.query(
            "SELECT kind, service_point, item, quantity, reserved, updated_at FROM stock
             ORDER BY kind, service_point, item",
            &[],
        )?
        .into_iter()
        .map(|r| {
            let (k, at): (String, String) = (r.get(0), r.get(5));
            level(&k, r.get(1), r.get(2), r.get(3), r.get(4), &at)
        })
        .collect()
    }

    pub fn put_case(
        conn: &mut impl GenericClient,
        case: &CaseRecord,
        moves: &[StockMove],
        now: Instant,
    ) -> StoreResult<CaseWrite> {
        let mut tx = conn.transaction()?;
        let (json, at) = (to_json(&case.json)?, now.to_string());
        let written = if case.version == 0 {
            tx.execute(
                "INSERT INTO cases (id, kind, version, json, created_at, updated_at)
                 VALUES ($1, $2, 1, $3, $4, $4) ON CONFLICT (id) DO NOTHING",
                &[&case.id, &case.kind, &json, &at],
            )?
        } else {
            tx.execute(
                "UPDATE cases SET version = version + 1, json = $3, updated_at = $4
                 WHERE id = $1 AND version = $2",
                &[&case.id, &case.version, &json, &at],
            )?
        };
        if written != 1 {
            return Ok(CaseWrite::Stale);
        }
        for m in moves {
            let moved = tx.execute(
                MOVE_PG,
                &[
                    &m.kind.as_str(),
                    &m.service_point,
                    &m.item,
                    &m.quantity,
                    &m.reserved,
                    &at,
                ],
            )?;
            if moved != 1 {
                return Ok(CaseWrite::NoStock);
            }
        }
        tx.commit()?;
        Ok(CaseWrite::Written)
    }

    pub fn cases(conn: &mut impl GenericClient, kind: &str) -> StoreResult<Vec<CaseRecord>> {
        conn.query(
            "SELECT id, version, json FROM cases WHERE kind = $1 ORDER BY id",
            &[&kind],
        )?
        .into_iter()
        .map(|r| {
            let json: String = r.get(2);
            Ok(CaseRecord {
                id: r.get(0),
                kind: kind.to_owned(),
                version: r.get(1),
                json: from_json("cases", &json)?,
            })
        })
        .collect()
    }
}
