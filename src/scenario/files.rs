//! The scenario's files: one JSON file per entity in a directory.
//!
//! | file | content |
//! |---|---|
//! | `scenario.json` | [`ScenarioMeta`]: name, seed, reference instant, horizon |
//! | `districts.json` | districts and counties with their seats |
//! | `service_points.json` | service points |
//! | `sites.json` | hospitals and clinics |
//! | `devices.json` | installed devices |
//! | `engineers.json` | engineers |
//! | `inspections.json` | completed inspections since `historyFrom` |
//! | `callbacks.json` | completed callbacks since `historyFrom` |
//! | `faults.json` | recent faults with their events |
//! | `fault_model.json` | fault rates per family and age, for the simulation |
//!
//! Fields are camelCase, coordinates `lat`/`lon`, instants RFC 3339 with offset, local
//! dates `YYYY-MM-DD`, windows `"08:00-12:00"`. Arrays are written one element per line so
//! that files stay readable and diffs stay small; writing is deterministic (the order of
//! the vectors, no hash maps), so the same scenario gives byte-identical files.

use super::{Finding, Scenario, ScenarioMeta, ScenarioParts};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// File names in a scenario directory.
pub mod names {
    pub const META: &str = "scenario.json";
    pub const DISTRICTS: &str = "districts.json";
    pub const SERVICE_POINTS: &str = "service_points.json";
    pub const SITES: &str = "sites.json";
    pub const DEVICES: &str = "devices.json";
    pub const ENGINEERS: &str = "engineers.json";
    pub const INSPECTIONS: &str = "inspections.json";
    pub const CALLBACKS: &str = "callbacks.json";
    pub const FAULTS: &str = "faults.json";
    pub const FAULT_MODEL: &str = "fault_model.json";
}
use names::*;

/// Why a scenario could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{}: {message}", file.display())]
    Io { file: PathBuf, message: String },
    /// A file does not parse, or a value in it is rejected: `field` is the JSON path.
    #[error("{}: {field}: {message}", file.display())]
    Parse {
        file: PathBuf,
        field: String,
        message: String,
    },
    /// The files parse but do not fit together.
    #[error("{} problem(s) in the scenario:\n  {}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    Invalid(Vec<Finding>),
}

pub(super) fn read_text(file: &Path) -> Result<String, ScenarioError> {
    std::fs::read_to_string(file).map_err(|e| ScenarioError::Io {
        file: file.to_owned(),
        message: e.to_string(),
    })
}

fn read_json<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<T, ScenarioError> {
    let file = dir.join(name);
    let text = read_text(&file)?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        ScenarioError::Parse {
            file,
            field: if field == "." { String::new() } else { field },
            message: e.into_inner().to_string(),
        }
    })
}

/// A JSON array with one compact element per line.
fn array_lines<T: Serialize>(items: &[T]) -> String {
    let mut out = String::from("[\n");
    for (i, item) in items.iter().enumerate() {
        let line = serde_json::to_string(item).expect("domain values serialize");
        let sep = if i + 1 < items.len() { "," } else { "" };
        let _ = writeln!(out, "  {line}{sep}");
    }
    out.push_str("]\n");
    out
}

fn pretty<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("domain values serialize");
    s.push('\n');
    s
}

impl Scenario {
    /// Reads and checks a scenario directory; the error names the file and the field.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, ScenarioError> {
        let dir = dir.as_ref();
        let meta: ScenarioMeta = read_json(dir, META)?;
        let parts = ScenarioParts {
            meta: Some(meta),
            districts: read_json(dir, DISTRICTS)?,
            service_points: read_json(dir, SERVICE_POINTS)?,
            sites: read_json(dir, SITES)?,
            devices: read_json(dir, DEVICES)?,
            engineers: read_json(dir, ENGINEERS)?,
            inspections: read_json(dir, INSPECTIONS)?,
            callbacks: read_json(dir, CALLBACKS)?,
            faults: read_json(dir, FAULTS)?,
            fault_model: read_json(dir, FAULT_MODEL)?,
            installations: Vec::new(),
        };
        Scenario::new(parts).map_err(ScenarioError::Invalid)
    }

    /// The files of the scenario as `(name, content)`, in a fixed order.
    pub fn to_files(&self) -> Vec<(&'static str, String)> {
        let p = self.parts();
        vec![
            (META, pretty(self.meta())),
            (DISTRICTS, array_lines(&p.districts)),
            (SERVICE_POINTS, array_lines(&p.service_points)),
            (SITES, array_lines(&p.sites)),
            (DEVICES, array_lines(&p.devices)),
            (ENGINEERS, array_lines(&p.engineers)),
            (INSPECTIONS, array_lines(&p.inspections)),
            (CALLBACKS, array_lines(&p.callbacks)),
            (FAULTS, array_lines(&p.faults)),
            (FAULT_MODEL, pretty(&p.fault_model)),
        ]
    }

    /// Writes the scenario's files into `dir` (created if missing), replacing them.
    pub fn save(&self, dir: impl AsRef<Path>) -> Result<(), ScenarioError> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| ScenarioError::Io {
            file: dir.to_owned(),
            message: e.to_string(),
        })?;
        for (name, text) in self.to_files() {
            let file = dir.join(name);
            std::fs::write(&file, text).map_err(|e| ScenarioError::Io {
                file,
                message: e.to_string(),
            })?;
        }
        Ok(())
    }
}
