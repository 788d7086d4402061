//! `fieldplan scenario check` holds every site against the map of Nanchang: the shipped
//! scenario passes; hand-moved sites (into the Gan, into Qingshan Lake, across the river)
//! are each named with their district and the water, and the exit is non-zero.

use crate::{fieldplan, scratch, stderr, stdout};
use std::path::Path;

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

#[test]
fn scenario_check_passes_the_shipped_nanchang_scenario() {
    let out = fieldplan(&[
        "scenario",
        "check",
        &repo("data/nanchang"),
        "--config",
        &repo("config"),
    ]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("map: all 259 sites and service points lie in their districts"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn scenario_check_names_a_site_in_water_or_outside_its_district() {
    let dir = scratch("scenario-check-misplaced");
    for entry in std::fs::read_dir(repo("data/nanchang")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let file = dir.join("sites.json");
    let mut sites: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let id_in = |sites: &[serde_json::Value], district: &str, nth: usize| -> usize {
        sites
            .iter()
            .enumerate()
            .filter(|(_, s)| s["district"] == district)
            .nth(nth)
            .unwrap()
            .0
    };
    // On the Gan between Tengwang Pavilion and Qiushui Square; in Qingshan Lake; a Honggutan
    // site at Donghu's seat, across the river.
    let moves = [
        (id_in(&sites, "DH", 0), 28.675, 115.873),
        (id_in(&sites, "QSH", 0), 28.695, 115.935),
        (id_in(&sites, "HGT", 0), 28.684, 115.899),
    ];
    for (i, lat, lon) in moves {
        sites[i]["location"] = serde_json::json!({"lat": lat, "lon": lon});
    }
    std::fs::write(&file, serde_json::to_string(&sites).unwrap()).unwrap();
    let id = |i: usize| sites[i]["id"].as_str().unwrap().to_owned();

    let out = fieldplan(&[
        "scenario",
        "check",
        &dir.display().to_string(),
        "--config",
        &repo("config"),
    ]);
    assert!(!out.status.success());
    let text = stdout(&out);
    let line = |site: &str| -> String {
        text.lines()
            .find(|l| l.starts_with(&format!("misplaced: site {site} ")))
            .unwrap_or_else(|| panic!("no line for {site} in:\n{text}"))
            .to_owned()
    };
    let gan = line(&id(moves[0].0));
    assert!(
        gan.contains("of district DH") && gan.contains("lies in water: Gan River 赣江"),
        "{gan}"
    );
    let lake = line(&id(moves[1].0));
    assert!(
        lake.contains("of district QSH") && lake.contains("lies in water: Qingshan Lake 青山湖"),
        "{lake}"
    );
    let across = line(&id(moves[2].0));
    assert!(
        across.contains("of district HGT") && across.contains("lies outside its district, in DH"),
        "{across}"
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("misplaced:")).count(),
        3
    );
    assert!(
        stderr(&out)
            .contains("3 of 259 sites and service points are in water or outside their district"),
        "{}",
        stderr(&out)
    );
}
