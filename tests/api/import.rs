//! `fieldplan import`: CSV rows checked as domain records; bad rows named by line and field.

use crate::socket::temp_dir;
use fieldplan::store::{RecordKind, SqliteStore, Store};
use std::process::Command;

const HEADER: &str = "id,name.zh,name.en,address.zh,address.en,district,location.lat,location.lon,areaType,tier,opening,closedOnPublicHolidays";

fn site(id: &str, lat: &str, tier: &str) -> String {
    format!(
        r#"{id},测试医院,Test Hospital,东湖区1号,No. 1 Road,DH,{lat},115.91,urban,{tier},"{{""mon"":[""08:30-17:30""]}}",true"#
    )
}

fn import(db: &std::path::Path, csv: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fieldplan"))
        .args(["import", "--kind", "sites", "--db"])
        .arg(db)
        .arg(csv)
        .output()
        .unwrap()
}

#[test]
fn good_sites_are_imported() {
    let dir = temp_dir("import-ok");
    let (db, csv) = (dir.join("fp.db"), dir.join("sites.csv"));
    std::fs::write(
        &csv,
        format!(
            "{HEADER}\n{}\n{}\n",
            site("S-0901", "28.70", "normal"),
            site("S-0902", "28.71", "large")
        ),
    )
    .unwrap();
    let out = import(&db, &csv);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = SqliteStore::open(&db).unwrap();
    let s = store.get(RecordKind::Sites, "S-0902").unwrap().unwrap();
    assert_eq!(s["tier"], "large");
    assert_eq!(s["location"]["lat"], 28.71);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_rows_are_named_by_line_and_field_and_nothing_is_written() {
    let dir = temp_dir("import-bad");
    let (db, csv) = (dir.join("fp.db"), dir.join("sites.csv"));
    let rows = [
        site("S-0901", "28.70", "normal"),
        site("S-0902", "95", "normal"),
        site("S-0903", "28.70", "huge"),
    ];
    std::fs::write(&csv, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
    let out = import(&db, &csv);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sites.csv:3: field 'location'") && err.contains("95"),
        "{err}"
    );
    assert!(err.contains("sites.csv:4: field 'tier'"), "{err}");
    assert!(err.contains("2 bad row(s)"), "{err}");
    let store = SqliteStore::open(&db).unwrap();
    assert!(store.get(RecordKind::Sites, "S-0901").unwrap().is_none());
    let _ = std::fs::remove_dir_all(dir);
}
