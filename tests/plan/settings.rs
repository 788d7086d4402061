//! `config/plan.toml`: the day planner's settings in one file, its lunch shared with the
//! roster, every bad value refused with the field named.

use crate::support::repo;
use fieldplan::plan::{PlanSettings, load_settings};
use std::path::PathBuf;

/// A fresh configuration directory holding `files` (name, text).
fn config_dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("fieldplan-settings-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

#[test]
fn the_shipped_plan_toml_states_the_defaults() {
    let shipped = load_settings(&repo().join("config")).unwrap();
    assert_eq!(shipped, PlanSettings::default());
}

#[test]
fn a_directory_without_plan_toml_gets_the_defaults() {
    let dir = config_dir("none", &[]);
    assert_eq!(load_settings(&dir).unwrap(), PlanSettings::default());
}

#[test]
fn a_bad_value_in_plan_toml_is_refused_naming_the_field() {
    let dir = config_dir("negative", &[("plan.toml", "move_cost = -5\n")]);
    let e = load_settings(&dir).unwrap_err().to_string();
    assert!(e.contains("plan.toml") && e.contains("move_cost"), "{e}");
    let dir = config_dir("unknown", &[("plan.toml", "lunch_minutes = 45\n")]);
    let e = load_settings(&dir).unwrap_err().to_string();
    assert!(e.contains("lunch_minutes"), "{e}");
}

#[test]
fn the_roster_takes_its_lunch_and_the_planner_its_repair_budget_from_plan_toml() {
    let plan = "[lunch]\nduration = \"45m\"\nwindow = \"12:00-13:00\"\nmin_shift = \"5h\"\n\
                [repair]\nmax_work = 1000\n";
    let dir = config_dir("lunch", &[("plan.toml", plan)]);
    let settings = load_settings(&dir).unwrap();
    assert_eq!(settings.lunch.duration.get(), 45);
    assert_eq!(settings.repair.max_work, 1000);
    assert_eq!(
        settings.repair.near_routes,
        PlanSettings::default().repair.near_routes
    );
    let roster = fieldplan::plan::roster::load_config(&dir).unwrap();
    assert_eq!(roster.lunch, settings.lunch);
    // The lunch is defined once: roster.toml no longer takes one.
    let dir = config_dir(
        "roster-lunch",
        &[("roster.toml", "[lunch]\nduration = \"45m\"\n")],
    );
    let e = fieldplan::plan::roster::load_config(&dir)
        .unwrap_err()
        .to_string();
    assert!(e.contains("roster.toml") && e.contains("lunch"), "{e}");
}
