//! `fieldplan import --db PATH --kind sites|devices|engineers FILE.csv`: loads master data
//! from CSV into the database, all rows or none. `--kind completions` loads completed
//! inspections and callbacks instead ([`completions`]), `--kind stock` spare-part stock per
//! service point ([`stock`]).
//!
//! The header names the JSON fields of the record, dotted for nested ones (`id`, `name.zh`,
//! `name.en`, `location.lat`, `location.lon`, `opening`). A cell holding a JSON number,
//! boolean, object or array is taken as that (`{"mon":["08:30-17:30"]}`, `["dr"]`); any other
//! cell as text; an empty cell leaves the field out. Each row is then checked as the domain
//! type; every bad row is reported with its line and field, and nothing is written.

use crate::domain::clock::SystemClock;
use crate::domain::device::Device;
use crate::domain::engineer::Engineer;
use crate::domain::instant::Instant;
use crate::domain::site::Site;
use crate::store::RecordKind;
use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use csv::StringRecord;
use serde_json::{Map, Value};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod completions;
pub mod stock;

pub use stock::read_stock_csv;

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum Kind {
    Sites,
    Devices,
    Engineers,
    /// Completed inspections and callbacks (history kept in another system).
    Completions,
    /// Spare-part stock per service point (`servicePoint,partNumber,quantity`).
    Stock,
}

impl Kind {
    /// The master records of this kind; `None` for completions (history, not master data).
    fn records(self) -> Option<RecordKind> {
        match self {
            Kind::Sites => Some(RecordKind::Sites),
            Kind::Devices => Some(RecordKind::Devices),
            Kind::Engineers => Some(RecordKind::Engineers),
            Kind::Completions | Kind::Stock => None,
        }
    }
}

#[derive(Args)]
pub struct ImportArgs {
    #[arg(long, default_value = "fieldplan.db")]
    pub db: PathBuf,
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// The CSV file (with a header row).
    pub file: PathBuf,
    /// "Now" for the completions' check that none is in the future (RFC 3339 with offset),
    /// as `serve --now` sets the service's clock; without it, the system time.
    #[arg(long, value_parser = super::serve::parse_instant)]
    pub now: Option<Instant>,
}

fn cell_value(cell: &str) -> Value {
    let t = cell.trim();
    match serde_json::from_str::<Value>(t) {
        Ok(v @ (Value::Number(_) | Value::Bool(_) | Value::Object(_) | Value::Array(_))) => v,
        _ => Value::String(t.to_owned()),
    }
}

fn insert_path(obj: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            obj.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let child = obj
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = child {
                insert_path(m, rest, value);
            }
        }
    }
}

/// Checks a row as its domain type; the error names the field.
fn check(kind: RecordKind, row: &Value) -> Result<(), String> {
    fn de<T: serde::de::DeserializeOwned>(row: &Value) -> Result<T, String> {
        serde_path_to_error::deserialize::<_, T>(row.clone()).map_err(|e| {
            let path = e.path().to_string();
            format!("field '{path}': {}", e.into_inner())
        })
    }
    match kind {
        RecordKind::Sites => de::<Site>(row).map(drop),
        RecordKind::Devices => de::<Device>(row).map(drop),
        RecordKind::Engineers => de::<Engineer>(row)?
            .check()
            .map_err(|e| format!("field '{}': {}", e.field, e.message)),
        other => Err(format!("{other:?} are not imported from CSV")),
    }
}

/// Opens a CSV file with `builder`'s settings (cells trimmed) and reads its header.
pub(crate) fn open_csv(
    builder: &mut csv::ReaderBuilder,
    file: &Path,
) -> anyhow::Result<(csv::Reader<File>, StringRecord)> {
    let mut reader = builder
        .trim(csv::Trim::All)
        .from_path(file)
        .with_context(|| format!("reading {}", file.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: line 1: header", file.display()))?
        .clone();
    Ok((reader, headers))
}

/// Checks every row of `reader` before anything is imported: `check` returns a row's
/// problems, and a row that does not read is one too. All of them come in one error, each
/// as `FILE:LINE: problem`, with the count of bad rows.
pub(crate) fn check_rows<R: std::io::Read>(
    file: &Path,
    reader: &mut csv::Reader<R>,
    mut check: impl FnMut(&StringRecord) -> Result<(), Vec<String>>,
) -> anyhow::Result<()> {
    let (mut problems, mut bad_rows) = (Vec::new(), 0);
    for row in reader.records() {
        let (line, row_problems) = match row {
            Ok(r) => (r.position().map_or(0, |p| p.line()), check(&r).err()),
            Err(e) => (
                e.position().map_or(0, |p| p.line()),
                Some(vec![e.to_string()]),
            ),
        };
        if let Some(found) = row_problems {
            bad_rows += 1;
            problems.extend(
                found
                    .into_iter()
                    .map(|p| format!("{}:{line}: {p}", file.display())),
            );
        }
    }
    if !problems.is_empty() {
        bail!(
            "{bad_rows} bad row(s), nothing imported:\n  {}",
            problems.join("\n  ")
        );
    }
    Ok(())
}

/// Reads and checks every row: the records, or every problem as `FILE:LINE: field: message`.
pub fn read_csv(kind: RecordKind, file: &Path) -> anyhow::Result<Vec<Value>> {
    let (mut reader, headers) = open_csv(&mut csv::ReaderBuilder::new(), file)?;
    let mut records = Vec::new();
    check_rows(file, &mut reader, |row| {
        let mut obj = Map::new();
        for (h, cell) in headers.iter().zip(row.iter()) {
            if !cell.trim().is_empty() {
                insert_path(&mut obj, h.trim(), cell_value(cell));
            }
        }
        let value = Value::Object(obj);
        check(kind, &value).map_err(|e| vec![e])?;
        records.push(value);
        Ok(())
    })?;
    Ok(records)
}

pub fn run(args: ImportArgs) -> anyhow::Result<()> {
    let Some(kind) = args.kind.records() else {
        return match args.kind {
            Kind::Stock => run_stock(&args),
            _ => run_completions(&args),
        };
    };
    let records = read_csv(kind, &args.file)?;
    let store = crate::store::open(&args.db, Arc::new(SystemClock))
        .with_context(|| format!("opening {}", args.db.display()))?;
    store.put_records(kind, &records).map_err(|e| {
        // The store names the record by its index; the file by line (header is line 1).
        anyhow::anyhow!(
            "{}: {e} (record 0 is line 2), nothing imported",
            args.file.display()
        )
    })?;
    println!(
        "imported {} {:?} into {}",
        records.len(),
        args.kind,
        args.db.display()
    );
    Ok(())
}

fn run_stock(args: &ImportArgs) -> anyhow::Result<()> {
    let rows = read_stock_csv(&args.file)?;
    let store = crate::store::open(&args.db, super::serve::clock_from(args.now))
        .with_context(|| format!("opening {}", args.db.display()))?;
    stock::import(store.as_ref(), &args.file, &rows)?;
    println!(
        "imported {} stock counts into {}",
        rows.len(),
        args.db.display()
    );
    Ok(())
}

fn run_completions(args: &ImportArgs) -> anyhow::Result<()> {
    let clock = super::serve::clock_from(args.now);
    let now = clock.now();
    let store = crate::store::open(&args.db, clock)
        .with_context(|| format!("opening {}", args.db.display()))?;
    let done = completions::import(store.as_ref(), &args.file, now)?;
    println!(
        "imported {} completions, skipped {} already recorded, into {}",
        done.imported,
        done.skipped,
        args.db.display()
    );
    Ok(())
}
