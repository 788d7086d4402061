//! Reader for VRPLIB instances, the text format of CVRPLIB, PyVRP and the `vrplib` package:
//! specifications `KEY: VALUE` (`NAME`, `TYPE`, `DIMENSION`, `VEHICLES`, `CAPACITY`,
//! `EDGE_WEIGHT_TYPE`, `SERVICE_TIME`, ...), then data sections (`NODE_COORD_SECTION`,
//! `DEMAND_SECTION`, `TIME_WINDOW_SECTION`, `SERVICE_TIME_SECTION`, `DEPOT_SECTION`) whose
//! rows start with a node number (1..=DIMENSION), up to an optional `EOF`.
//!
//! The instance becomes the same [`Instance`] as a Solomon file: the depot is node 0 and the
//! other nodes are customers 1..n in file order (so a Solomon instance written by the
//! `vrplib` package, depot 1 and customers 2..n+1, reads to the Solomon reader's instance).
//! Distances are Euclidean in double precision (`EUC_2D` as the `vrplib` package computes
//! it, without TSPLIB's rounding), travel time equals distance.
//!
//! Defaults: no `TIME_WINDOW_SECTION` means no time limit (a window of `[0, H]` with `H`
//! longer than any route: every node visited from the depot and back, with its service); no
//! demands means zero; no `VEHICLES` means one vehicle per customer; no `CAPACITY` means the
//! total demand. Refused, with the line and section: explicit edge weights and any other
//! `EDGE_WEIGHT_TYPE`, more than one depot, a route-duration limit (`DISTANCE`), sections we do
//! not read (backhauls, prizes, release times...), malformed or missing rows.

use super::solomon::{Instance, Node};
use std::collections::BTreeMap;
use std::path::Path;

/// A malformed or unsupported file: the line (1-based, 0 for the whole file), the section or
/// specification at fault, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, {section}: {message}")]
pub struct VrplibError {
    pub line: usize,
    pub section: String,
    pub message: String,
}

fn error(line: usize, section: &str, message: impl Into<String>) -> VrplibError {
    VrplibError {
        line,
        section: section.to_string(),
        message: message.into(),
    }
}

/// The data sections read, and how many numbers follow the node number in each.
const SECTIONS: [(&str, usize); 5] = [
    ("NODE_COORD_SECTION", 2),
    ("DEMAND_SECTION", 1),
    ("TIME_WINDOW_SECTION", 2),
    ("SERVICE_TIME_SECTION", 1),
    ("DEPOT_SECTION", 0),
];

/// Specifications that change the problem in ways an [`Instance`] cannot hold.
const REFUSED_SPECS: [&str; 3] = ["DISTANCE", "EDGE_WEIGHT_FORMAT", "EDGE_WEIGHT_SECTION"];

/// A data row: its line and its fields.
type Row<'a> = (usize, Vec<&'a str>);

/// The file split into specifications (`KEY` -> line, value) and sections (name -> line of
/// the header, rows).
#[derive(Default)]
struct Raw<'a> {
    specs: BTreeMap<String, (usize, &'a str)>,
    sections: BTreeMap<&'static str, (usize, Vec<Row<'a>>)>,
}

fn split(text: &str) -> Result<Raw<'_>, VrplibError> {
    let mut raw = Raw::default();
    let mut current: Option<&'static str> = None;
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.eq_ignore_ascii_case("EOF") {
            break;
        }
        let first = line.split_whitespace().next().unwrap_or_default();
        let head = first.trim_end_matches(':').to_ascii_uppercase();
        if head.ends_with("_SECTION") {
            let Some(&(name, _)) = SECTIONS.iter().find(|(s, _)| *s == head) else {
                return Err(error(number, &head, "this section is not supported"));
            };
            if raw.sections.insert(name, (number, Vec::new())).is_some() {
                return Err(error(number, name, "the section appears twice"));
            }
            current = Some(name);
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            let key = key.trim().to_ascii_uppercase();
            if key.chars().all(|c| c.is_ascii_uppercase() || c == '_') && !key.is_empty() {
                if REFUSED_SPECS.contains(&key.as_str()) {
                    return Err(error(
                        number,
                        &key,
                        "is not supported (EUC_2D instances only)",
                    ));
                }
                raw.specs.insert(key, (number, value.trim()));
                current = None;
                continue;
            }
        }
        match current {
            Some(name) => {
                let rows = &mut raw.sections.get_mut(name).expect("current section").1;
                rows.push((number, line.split_whitespace().collect()));
            }
            None => {
                return Err(error(
                    number,
                    "file",
                    format!("'{line}' is neither a specification nor in a section"),
                ));
            }
        }
    }
    Ok(raw)
}

fn number(field: &str, line: usize, section: &str, what: &str) -> Result<f64, VrplibError> {
    field
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| error(line, section, format!("{what} '{field}' is not a number")))
}

/// A specification's value as a number, if present.
fn spec_number(raw: &Raw, key: &str) -> Result<Option<(usize, f64)>, VrplibError> {
    raw.specs
        .get(key)
        .map(|&(line, v)| number(v, line, key, "the value").map(|x| (line, x)))
        .transpose()
}

/// A section's values per node (index 0 = node 1): `width` numbers each, every node once.
fn per_node(
    raw: &Raw,
    name: &'static str,
    dimension: usize,
) -> Result<Option<Vec<Vec<f64>>>, VrplibError> {
    let Some((header, rows)) = raw.sections.get(name) else {
        return Ok(None);
    };
    let width = SECTIONS.iter().find(|(s, _)| *s == name).expect("known").1;
    let mut values: Vec<Option<Vec<f64>>> = vec![None; dimension];
    for (line, fields) in rows {
        if fields.len() != width + 1 {
            return Err(error(
                *line,
                name,
                format!(
                    "expected a node number and {width} value(s), found {} field(s)",
                    fields.len()
                ),
            ));
        }
        let node = fields[0]
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=dimension).contains(n))
            .ok_or_else(|| {
                error(
                    *line,
                    name,
                    format!("node '{}' is not a number in 1..={dimension}", fields[0]),
                )
            })?;
        let v = fields[1..]
            .iter()
            .map(|f| number(f, *line, name, "value"))
            .collect::<Result<Vec<_>, _>>()?;
        if v.iter().any(|x| *x < 0.0) && name != "NODE_COORD_SECTION" {
            return Err(error(*line, name, "a value is negative"));
        }
        if name == "TIME_WINDOW_SECTION" && v[0] > v[1] {
            return Err(error(
                *line,
                name,
                format!(
                    "node {node}: ready time {} is after due time {}",
                    v[0], v[1]
                ),
            ));
        }
        if values[node - 1].replace(v).is_some() {
            return Err(error(*line, name, format!("node {node} appears twice")));
        }
    }
    if let Some(missing) = values.iter().position(Option::is_none) {
        return Err(error(
            *header,
            name,
            format!("node {} has no row", missing + 1),
        ));
    }
    Ok(Some(values.into_iter().map(Option::unwrap).collect()))
}

/// The single depot's node number.
fn depot(raw: &Raw, dimension: usize) -> Result<usize, VrplibError> {
    const NAME: &str = "DEPOT_SECTION";
    let Some((header, rows)) = raw.sections.get(NAME) else {
        return Ok(1);
    };
    let mut depots = Vec::new();
    for (line, fields) in rows {
        for f in fields {
            let n: i64 = f
                .parse()
                .map_err(|_| error(*line, NAME, format!("'{f}' is not a node number")))?;
            if n == -1 {
                break;
            }
            if n < 1 || n as usize > dimension {
                return Err(error(
                    *line,
                    NAME,
                    format!("node {n} is not in 1..={dimension}"),
                ));
            }
            depots.push((*line, n as usize));
        }
    }
    match depots.as_slice() {
        [] => Err(error(*header, NAME, "no depot is listed")),
        [(_, d)] => Ok(*d),
        [_, (line, _), ..] => Err(error(*line, NAME, "more than one depot is not supported")),
    }
}

/// Parses the text of a VRPLIB instance.
pub fn parse(text: &str) -> Result<Instance, VrplibError> {
    let raw = split(text)?;
    if let Some(&(line, v)) = raw.specs.get("EDGE_WEIGHT_TYPE") {
        if !v.eq_ignore_ascii_case("EUC_2D") {
            return Err(error(
                line,
                "EDGE_WEIGHT_TYPE",
                format!("'{v}' is not supported (EUC_2D only)"),
            ));
        }
    }
    let coord_rows = raw.sections.get("NODE_COORD_SECTION").map(|(_, r)| r.len());
    let dimension = match (spec_number(&raw, "DIMENSION")?, coord_rows) {
        (Some((line, d)), _) if d < 1.0 || d.fract() != 0.0 => {
            return Err(error(line, "DIMENSION", "must be a positive whole number"));
        }
        (Some((_, d)), _) => d as usize,
        (None, Some(n)) if n > 0 => n,
        _ => return Err(error(0, "NODE_COORD_SECTION", "no node coordinates")),
    };
    let coords = per_node(&raw, "NODE_COORD_SECTION", dimension)?
        .ok_or_else(|| error(0, "NODE_COORD_SECTION", "no node coordinates"))?;
    let demand = per_node(&raw, "DEMAND_SECTION", dimension)?;
    let windows = per_node(&raw, "TIME_WINDOW_SECTION", dimension)?;
    let service = per_node(&raw, "SERVICE_TIME_SECTION", dimension)?;
    let uniform_service = spec_number(&raw, "SERVICE_TIME")?.map_or(0.0, |(_, s)| s);
    let depot = depot(&raw, dimension)?;
    let mut order: Vec<usize> = vec![depot - 1];
    order.extend((0..dimension).filter(|&i| i != depot - 1));
    let service_of = |i: usize| service.as_ref().map_or(uniform_service, |s| s[i][0]);
    let demand_of = |i: usize| demand.as_ref().map_or(0.0, |d| d[i][0]);
    // Without windows: a horizon no route reaches (out and back to every node, with service).
    let horizon = {
        let d = &coords[depot - 1];
        (0..dimension)
            .map(|i| 2.0 * (coords[i][0] - d[0]).hypot(coords[i][1] - d[1]) + service_of(i))
            .sum::<f64>()
            .ceil()
            + 1.0
    };
    let nodes = order
        .iter()
        .enumerate()
        .map(|(id, &i)| Node {
            id,
            x: coords[i][0],
            y: coords[i][1],
            demand: demand_of(i),
            ready: windows.as_ref().map_or(0.0, |w| w[i][0]),
            due: windows.as_ref().map_or(horizon, |w| w[i][1]),
            service: service_of(i),
        })
        .collect();
    let total_demand: f64 = (0..dimension).map(demand_of).sum();
    let fleet = match spec_number(&raw, "VEHICLES")? {
        Some((line, v)) if v < 1.0 || v.fract() != 0.0 => {
            return Err(error(line, "VEHICLES", "must be a positive whole number"));
        }
        Some((_, v)) => v as usize,
        None => dimension - 1,
    };
    let capacity = match spec_number(&raw, "CAPACITY")? {
        Some((line, c)) if c < 0.0 => return Err(error(line, "CAPACITY", "is negative")),
        Some((_, c)) => c,
        None => total_demand,
    };
    let name = raw
        .specs
        .get("NAME")
        .map(|(_, v)| v.to_string())
        .unwrap_or_default();
    Ok(Instance {
        name,
        fleet,
        capacity,
        nodes,
    })
}

/// Reads and parses a file; errors name the file, line and section.
pub fn read(path: &Path) -> anyhow::Result<Instance> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
