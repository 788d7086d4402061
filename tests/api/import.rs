//! `fieldplan import`: CSV rows checked as domain records; bad rows named by line and field;
//! completions imported once (a second import skips them).

use crate::socket::temp_dir;
use crate::support::{START, import_file, repo};
use fieldplan::store::{RecordKind, SqliteStore, Store};

const HEADER: &str = "id,name.zh,name.en,address.zh,address.en,district,location.lat,location.lon,areaType,tier,opening,closedOnPublicHolidays";

fn site(id: &str, lat: &str, tier: &str) -> String {
    format!(
        r#"{id},测试医院,Test Hospital,东湖区1号,No. 1 Road,DH,{lat},115.91,urban,{tier},"{{""mon"":[""08:30-17:30""]}}",true"#
    )
}

fn import(db: &std::path::Path, csv: &std::path::Path) -> std::process::Output {
    import_file("sites", &[], db, csv)
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

/// A database holding `data/nanchang` (sites, devices, engineers, tasks, history).
fn seeded_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("fp.db");
    let store = SqliteStore::open(&db).unwrap();
    let config = fieldplan::scenario::load_config(repo("config")).unwrap();
    fieldplan::api::seed_store(&store, &repo("data/nanchang"), &config).unwrap();
    db
}

/// `fieldplan import --kind completions` with the clock at `START`.
fn import_completions(db: &std::path::Path, csv: &std::path::Path) -> std::process::Output {
    import_file("completions", &["--now", START], db, csv)
}

/// Four rows (the last one the first one's inspection again: same device, same local date)
/// and one completing stored task `task` (a phone callback at `site`).
fn completions(task: &str, site: &str) -> String {
    format!(
        "kind,device,site,engineer,at,task
inspection,D-0001,S-0001,E-01,2026-11-20T10:30:00+08:00
phoneCallback,,S-0002,E-02,2026-11-21
onSiteCallback,D-0003,S-0002,E-03,2026-11-22T06:00:00Z
inspection,D-0001,S-0001,E-05,2026-11-20
phoneCallback,,{site},E-04,2026-11-23T16:00:00+08:00,{task}
"
    )
}

#[test]
fn completions_are_imported_once_and_importing_again_skips_them() {
    let dir = temp_dir("import-completions");
    let (db, csv) = (seeded_db(&dir), dir.join("completions.csv"));
    let history = |db: &std::path::Path| {
        let parts = SqliteStore::open(db).unwrap().scenario_parts().unwrap();
        (parts.inspections.len(), parts.callbacks.len())
    };
    let before = history(&db);
    // Every task, whatever the scenario holds: the store lists them by id, a page at a time.
    let store = SqliteStore::open(&db).unwrap();
    let total = store.list(RecordKind::Tasks, 1, 0).unwrap().total;
    let tasks = store
        .list(RecordKind::Tasks, u32::try_from(total).unwrap(), 0)
        .unwrap()
        .items;
    drop(store);
    let task = tasks.iter().find(|t| t["kind"] == "phoneCallback").unwrap();
    let (task, site) = (task["id"].as_str().unwrap(), task["site"].as_str().unwrap());
    std::fs::write(&csv, completions(task, site)).unwrap();
    let out = import_completions(&db, &csv);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("imported 4 completions, skipped 1"), "{said}");
    let stored = SqliteStore::open(&db).unwrap().completions().unwrap();
    let at: Vec<String> = stored.iter().map(|c| c.at.to_string()).collect();
    // A plain date is the start of its local day.
    assert_eq!(
        at,
        [
            "2026-11-20T10:30:00+08:00",
            "2026-11-21T00:00:00+08:00",
            "2026-11-22T14:00:00+08:00",
            "2026-11-23T16:00:00+08:00"
        ]
    );
    assert_eq!(stored[2].device.as_ref().unwrap().as_str(), "D-0003");
    assert_eq!(stored[3].task.as_ref().unwrap().as_str(), task);
    assert_eq!(history(&db), (before.0 + 1, before.1 + 3));

    let out = import_completions(&db, &csv);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("imported 0 completions, skipped 5"), "{said}");
    assert_eq!(
        SqliteStore::open(&db).unwrap().completions().unwrap(),
        stored
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_bad_completion_row_is_named_by_line_and_field_and_nothing_is_written() {
    let dir = temp_dir("import-completions-bad");
    let (db, csv) = (seeded_db(&dir), dir.join("completions.csv"));
    let rows = [
        "inspection,D-0001,S-0001,E-01,2026-11-20",
        "inspection,,S-0001,E-01,2026-11-20",
        "inspection,D-0001,S-0002,E-01,2026-11-20",
        "visit,D-0001,S-0001,E-01,2026-11-20",
        "phoneCallback,,S-0001,E-99,2026-11-20",
        "phoneCallback,,S-9999,E-01,2026-11-20",
        "phoneCallback,,S-0001,E-01,2026-13-40",
        "phoneCallback,,S-0001,E-01,2026-12-01",
        "inspection,D-9999,S-0001,E-01,2026-11-20",
        "phoneCallback,,S-0001,E-01,2026-11-20,T-NONE",
    ];
    let header = "kind,device,site,engineer,at,task";
    std::fs::write(&csv, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let out = import_completions(&db, &csv);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("9 bad row(s), nothing imported"), "{err}");
    for (line, field, says) in [
        (3, "device", "names its device"),
        (4, "device", "stands at site S-0001"),
        (5, "kind", "visit"),
        (6, "engineer", "E-99"),
        (7, "site", "S-9999"),
        (8, "at", "2026-13-40"),
        (9, "at", "after now"),
        (10, "device", "D-9999"),
        (11, "task", "no task T-NONE"),
    ] {
        let prefix = format!("completions.csv:{line}: field '{field}': ");
        assert!(
            err.lines().any(|l| l.contains(&prefix) && l.contains(says)),
            "line {line}, {field}: {err}"
        );
    }
    assert!(!err.contains("completions.csv:2:"), "{err}");
    let store = SqliteStore::open(&db).unwrap();
    assert!(store.completions().unwrap().is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_phone_callback_imported_unsolved_keeps_its_outcome_and_only_a_phone_callback_may() {
    let dir = temp_dir("import-completions-outcome");
    let (db, csv) = (seeded_db(&dir), dir.join("completions.csv"));
    std::fs::write(
        &csv,
        "kind,device,site,engineer,at,outcome\n\
         onSiteCallback,,S-0001,E-01,2026-11-20,unsolved\n\
         phoneCallback,,S-0001,E-01,2026-11-20,maybe\n",
    )
    .unwrap();
    let out = import_completions(&db, &csv);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 bad row(s), nothing imported"), "{err}");
    assert!(
        err.contains("only a phone callback is recorded unsolved"),
        "{err}"
    );
    assert!(err.contains("'maybe' is not an outcome"), "{err}");
    std::fs::write(
        &csv,
        "kind,device,site,engineer,at,outcome\n\
         phoneCallback,,S-0001,E-01,2026-11-20,unsolved\n\
         phoneCallback,,S-0002,E-01,2026-11-20,solved\n",
    )
    .unwrap();
    let out = import_completions(&db, &csv);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored = SqliteStore::open(&db).unwrap().completions().unwrap();
    let outcomes: Vec<_> = stored.iter().map(|c| c.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Some(fieldplan::domain::history::CallbackOutcome::Unsolved),
            Some(fieldplan::domain::history::CallbackOutcome::Solved)
        ]
    );
    let _ = std::fs::remove_dir_all(dir);
}
