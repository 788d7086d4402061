//! `fieldplan import --kind stock FILE.csv`: spare-part stock per service point, header
//! `servicePoint,partNumber,quantity`. Every bad row is reported with its line and field,
//! and nothing is written; a row sets its count's quantity (reservations of open deliveries
//! are kept, and a quantity below them is refused).

use super::{check_rows, open_csv};
use crate::domain::ids::ServicePointId;
use crate::domain::parts::{PartNumber, StockRow};
use crate::store::{StockKind, Store};
use anyhow::bail;
use std::collections::BTreeSet;
use std::path::Path;

const HEADER: [&str; 3] = ["servicePoint", "partNumber", "quantity"];

/// One row checked, or the problem as `field 'name': message`.
fn row(cells: &csv::StringRecord) -> Result<StockRow, String> {
    let cell = |i: usize| cells.get(i).unwrap_or("").trim();
    let service_point =
        ServicePointId::new(cell(0)).map_err(|e| format!("field 'servicePoint': {}", e.message))?;
    let part_number =
        PartNumber::new(cell(1)).map_err(|e| format!("field 'partNumber': {}", e.message))?;
    let quantity = match cell(2).parse::<i64>() {
        Ok(n) if n < 0 => return Err(format!("field 'quantity': {n} is negative")),
        Ok(n) => u32::try_from(n)
            .map_err(|_| format!("field 'quantity': {n} is more than {}", u32::MAX))?,
        Err(_) => {
            return Err(format!(
                "field 'quantity': '{}' is not a whole number",
                cell(2)
            ));
        }
    };
    Ok(StockRow {
        service_point,
        part_number,
        quantity,
    })
}

/// Reads and checks every row: the rows, or every problem as `FILE:LINE: field: message`.
pub fn read_stock_csv(file: &Path) -> anyhow::Result<Vec<StockRow>> {
    let (mut reader, headers) = open_csv(csv::ReaderBuilder::new().comment(Some(b'#')), file)?;
    if headers.iter().collect::<Vec<_>>() != HEADER {
        bail!(
            "{}: line 1: the header must be {}",
            file.display(),
            HEADER.join(",")
        );
    }
    let (mut rows, mut seen) = (Vec::new(), BTreeSet::new());
    check_rows(file, &mut reader, |cells| {
        let r = row(cells).map_err(|e| vec![e])?;
        if !seen.insert((r.service_point.clone(), r.part_number.clone())) {
            return Err(vec![format!(
                "field 'partNumber': {} at {} is listed twice",
                r.part_number, r.service_point
            )]);
        }
        rows.push(r);
        Ok(())
    })?;
    Ok(rows)
}

/// Writes the rows (one transaction); a refused row is named by its line.
pub fn import(store: &dyn Store, file: &Path, rows: &[StockRow]) -> anyhow::Result<()> {
    let counts: Vec<(StockKind, String, String, u32)> = rows
        .iter()
        .map(|r| {
            (
                StockKind::Part,
                r.service_point.to_string(),
                r.part_number.to_string(),
                r.quantity,
            )
        })
        .collect();
    store.put_stock(&counts, false).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e} (row 0 is the first after the header), nothing imported",
            file.display()
        )
    })
}
