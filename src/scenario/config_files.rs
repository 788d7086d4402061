//! Reads the domain configuration from a directory: `sla.toml`, `cadence.toml`,
//! `durations.toml`, `holidays.toml`, and `oncall.toml` and `installation.toml` (optional: defaults
//! when missing).

use super::files::{ScenarioError, read_text};
use crate::domain::DomainConfig;
use crate::domain::FieldError;
use crate::domain::cadence::CadenceConfig;
use crate::domain::calendar::HolidayCalendar;
use crate::domain::durations::DurationTable;
use crate::domain::installation::InstallationConfig;
use crate::domain::oncall::OnCallConfig;
use crate::domain::sla::SlaConfig;
use std::path::Path;

/// Reads and parses the configuration file `name` of `dir`; errors name the file and field.
pub fn part<T>(
    dir: &Path,
    name: &str,
    parse: fn(&str) -> Result<T, FieldError>,
) -> Result<T, ScenarioError> {
    let file = dir.join(name);
    let text = read_text(&file)?;
    parse(&text).map_err(|e| ScenarioError::Parse {
        file,
        field: e.field,
        message: e.message,
    })
}

/// Reads and checks the four configuration files of `dir` (usually `config/`).
pub fn load_config(dir: impl AsRef<Path>) -> Result<DomainConfig, ScenarioError> {
    let dir = dir.as_ref();
    Ok(DomainConfig {
        sla: part(dir, "sla.toml", SlaConfig::from_toml_str)?,
        cadence: part(dir, "cadence.toml", CadenceConfig::from_toml_str)?,
        durations: part(dir, "durations.toml", DurationTable::from_toml_str)?,
        calendar: part(dir, "holidays.toml", HolidayCalendar::from_toml_str)?,
        on_call: optional_part(dir, "oncall.toml", OnCallConfig::from_toml_str)?,
        parts: optional_part(
            dir,
            "parts.toml",
            crate::domain::parts::PartsConfig::from_toml_str,
        )?,
        installation: optional_part(dir, "installation.toml", InstallationConfig::from_toml_str)?,
    })
}

/// [`part`], or the defaults when `dir` has no file `name` (a configuration directory
/// from before the file existed).
pub fn optional_part<T: Default>(
    dir: &Path,
    name: &str,
    parse: fn(&str) -> Result<T, FieldError>,
) -> Result<T, ScenarioError> {
    if dir.join(name).exists() {
        part(dir, name, parse)
    } else {
        Ok(T::default())
    }
}
