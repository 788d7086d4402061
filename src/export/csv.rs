//! CSV of every visit of a roster, UTF-8 with a byte-order mark so that Excel shows Chinese
//! names intact.

use crate::plan::roster::Roster;

/// The UTF-8 byte-order mark Excel looks for.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

const HEADER: [&str; 20] = [
    "engineer",
    "engineer_name",
    "date",
    "start",
    "end",
    "task",
    "kind",
    "on_site",
    "site",
    "site_name",
    "site_name_en",
    "address",
    "lat",
    "lon",
    "device",
    "device_model",
    "due",
    "window_from",
    "window_to",
    "late_days",
];

fn kind_key(kind: crate::domain::task::TaskKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// One row per visit, ordered by engineer, date and time.
pub fn roster_csv(roster: &Roster) -> Vec<u8> {
    let mut out = BOM.to_vec();
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        w.write_record(HEADER).expect("writing to memory");
        for (day, v) in roster.visits() {
            w.write_record([
                day.engineer.to_string(),
                day.engineer_name.zh().to_string(),
                day.date.to_string(),
                v.start.format("%H:%M").to_string(),
                v.end.format("%H:%M").to_string(),
                v.task.to_string(),
                kind_key(v.kind),
                v.on_site.to_string(),
                v.site.to_string(),
                v.site_name.zh().to_string(),
                v.site_name.en().to_string(),
                v.address.zh().to_string(),
                format!("{:.6}", v.location.lat()),
                format!("{:.6}", v.location.lon()),
                v.device.as_ref().map_or(String::new(), |d| d.to_string()),
                v.device_model.clone().unwrap_or_default(),
                v.due.to_string(),
                v.window.first().to_string(),
                v.window.last().to_string(),
                v.late_days.to_string(),
            ])
            .expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

/// Any table as CSV: a header and rows, UTF-8 with the byte-order mark Excel looks for.
pub fn table_csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = BOM.to_vec();
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        w.write_record(header).expect("writing to memory");
        for row in rows {
            w.write_record(row).expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}
