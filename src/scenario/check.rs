//! The whole-scenario checks: unique ids and references that resolve.

use super::{ScenarioMeta, ScenarioParts};
use crate::domain::FieldError;
use std::collections::BTreeSet;
use std::fmt;

/// A problem in a scenario: the file it is in and the field at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub file: &'static str,
    pub error: FieldError,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.error)
    }
}

struct Findings(Vec<Finding>);

impl Findings {
    fn add(&mut self, file: &'static str, field: String, message: String) {
        self.0.push(Finding {
            file,
            error: FieldError::new(field, message),
        });
    }
}

fn unique<'a, T: Ord + fmt::Display + 'a>(
    problems: &mut Findings,
    file: &'static str,
    ids: impl Iterator<Item = &'a T>,
) -> BTreeSet<&'a T> {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            problems.add(file, format!("[{i}].id"), format!("duplicate id {id}"));
        }
    }
    seen
}

/// Checks the parts and returns the meta data, or every problem found.
pub fn check(p: &ScenarioParts) -> Result<ScenarioMeta, Vec<Finding>> {
    use super::files::names::*;
    let mut pr = Findings(Vec::new());
    let districts = unique(&mut pr, DISTRICTS, p.districts.iter().map(|d| &d.code));
    let ids = Ids {
        service_points: unique(
            &mut pr,
            SERVICE_POINTS,
            p.service_points.iter().map(|s| &s.id),
        ),
        sites: unique(&mut pr, SITES, p.sites.iter().map(|s| &s.id)),
        devices: unique(&mut pr, DEVICES, p.devices.iter().map(|d| d.id())),
        engineers: unique(&mut pr, ENGINEERS, p.engineers.iter().map(|e| &e.id)),
    };
    unique(&mut pr, FAULTS, p.faults.iter().map(|f| &f.fault().id));
    check_districts(&mut pr, p, &districts);
    check_references(&mut pr, p, &ids);
    if let Err(e) = p.fault_model.check() {
        pr.0.push(Finding {
            file: FAULT_MODEL,
            error: e,
        });
    }
    let meta = check_meta(&mut pr, p);
    match meta {
        Some(m) if pr.0.is_empty() => Ok(m),
        _ => Err(pr.0),
    }
}

/// The ids of the parts other parts refer to.
struct Ids<'a> {
    service_points: BTreeSet<&'a crate::domain::ids::ServicePointId>,
    sites: BTreeSet<&'a crate::domain::ids::SiteId>,
    devices: BTreeSet<&'a crate::domain::ids::DeviceId>,
    engineers: BTreeSet<&'a crate::domain::ids::EngineerId>,
}

/// Service points and sites lie in known districts; each district has a service point.
fn check_districts(
    pr: &mut Findings,
    p: &ScenarioParts,
    districts: &BTreeSet<&crate::domain::district::DistrictCode>,
) {
    use super::files::names::*;
    for (i, s) in p.service_points.iter().enumerate() {
        if !districts.contains(&s.district) {
            pr.add(
                SERVICE_POINTS,
                format!("[{i}].district"),
                format!("unknown district {}", s.district),
            );
        }
    }
    for d in &p.districts {
        if !p.service_points.iter().any(|s| s.district == d.code) {
            pr.add(
                DISTRICTS,
                d.code.to_string(),
                "the district has no service point".into(),
            );
        }
    }
    for (i, s) in p.sites.iter().enumerate() {
        if !districts.contains(&s.district) {
            pr.add(
                SITES,
                format!("[{i}].district"),
                format!("unknown district {}", s.district),
            );
        }
    }
}

/// Devices, engineers, inspections, callbacks and faults refer to known parts; engineers
/// pass their own checks.
fn check_references(pr: &mut Findings, p: &ScenarioParts, ids: &Ids) {
    use super::files::names::*;
    for (i, d) in p.devices.iter().enumerate() {
        if !ids.sites.contains(d.site()) {
            pr.add(
                DEVICES,
                format!("[{i}].site"),
                format!("unknown site {}", d.site()),
            );
        }
    }
    for (i, e) in p.engineers.iter().enumerate() {
        if !ids.service_points.contains(&e.home) {
            pr.add(
                ENGINEERS,
                format!("[{i}].home"),
                format!("unknown service point {}", e.home),
            );
        }
        if let Err(err) = e.check() {
            pr.0.push(Finding {
                file: ENGINEERS,
                error: err.at(format!("[{i}]")),
            });
        }
    }
    for (i, r) in p.inspections.iter().enumerate() {
        if !ids.devices.contains(&r.device) {
            pr.add(
                INSPECTIONS,
                format!("[{i}].device"),
                format!("unknown device {}", r.device),
            );
        }
        if !ids.engineers.contains(&r.engineer) {
            pr.add(
                INSPECTIONS,
                format!("[{i}].engineer"),
                format!("unknown engineer {}", r.engineer),
            );
        }
    }
    for (i, r) in p.callbacks.iter().enumerate() {
        if !ids.sites.contains(&r.site) {
            pr.add(
                CALLBACKS,
                format!("[{i}].site"),
                format!("unknown site {}", r.site),
            );
        }
        if !ids.engineers.contains(&r.engineer) {
            pr.add(
                CALLBACKS,
                format!("[{i}].engineer"),
                format!("unknown engineer {}", r.engineer),
            );
        }
    }
    for (i, f) in p.faults.iter().enumerate() {
        if !ids.devices.contains(&f.fault().device) {
            pr.add(
                FAULTS,
                format!("[{i}].fault.device"),
                format!("unknown device {}", f.fault().device),
            );
        }
    }
}

/// The meta part: present, its horizon starting on the reference date, its history before.
fn check_meta(pr: &mut Findings, p: &ScenarioParts) -> Option<ScenarioMeta> {
    use super::files::names::*;
    match &p.meta {
        Some(m) => {
            if m.horizon.first() != m.reference_instant.date() {
                pr.add(
                    META,
                    "horizon.from".into(),
                    format!(
                        "{} is not the reference date {}",
                        m.horizon.first(),
                        m.reference_instant.date()
                    ),
                );
            }
            if m.history_from > m.horizon.first() {
                pr.add(
                    META,
                    "historyFrom".into(),
                    "must not be after the horizon start".into(),
                );
            }
            Some(m.clone())
        }
        None => {
            pr.add(META, String::new(), "missing".into());
            None
        }
    }
}
