//! Reader for Solomon and Gehring-Homberger VRPTW instances.
//!
//! Format: a name line, a `VEHICLE` section (`NUMBER CAPACITY` header, then the fleet size and
//! capacity), a `CUSTOMER` section (a header, then one row per node: number, x, y, demand,
//! ready time, due date, service time). Row 0 is the depot; customers are numbered 1..n in
//! order. Conventions (see `data/solomon/SOURCES.md`): Euclidean distances in double
//! precision, travel time equal to distance, service starts inside [ready, due].
//!
//! The solver works in integers: distances are scaled by [`SCALE`] and rounded to nearest,
//! travel times scaled and rounded *up*, so a route feasible in the integer model is feasible
//! in exact arithmetic too.

use crate::solve::routing::{
    Distance, Job, Load, Matrix, Problem, ProblemInput, Time, TimeWindow, Vehicle,
};
use std::path::Path;

/// Integer units per instance unit.
pub const SCALE: f64 = 1_000_000.0;

/// One row of the customer table.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: usize,
    pub x: f64,
    pub y: f64,
    pub demand: f64,
    pub ready: f64,
    pub due: f64,
    pub service: f64,
}

/// A parsed instance, numbers as in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    pub name: String,
    pub fleet: usize,
    pub capacity: f64,
    /// `nodes[0]` is the depot, `nodes[i]` customer `i`.
    pub nodes: Vec<Node>,
}

/// A malformed instance: the line (1-based, 0 when the whole file is at fault) and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

fn error(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// Which objective a Solomon problem is solved under.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SolomonObjective {
    /// Fewest vehicles, then distance.
    Hierarchical,
    /// Distance only, at most the fleet size.
    Distance,
}

impl Instance {
    /// Parses the text of an instance: the name line, the `VEHICLE` section, then the
    /// `CUSTOMER` rows.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let name = lines
            .iter()
            .find(|l| !l.is_empty())
            .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
            .ok_or_else(|| error(0, "the file is empty"))?;
        let (fleet, capacity) = parse_vehicles(&lines)?;
        let nodes = parse_customers(&lines)?;
        Ok(Self {
            name,
            fleet,
            capacity,
            nodes,
        })
    }

    /// Reads and parses a file; errors name the file and line.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    /// Number of customers.
    pub fn customers(&self) -> usize {
        self.nodes.len() - 1
    }

    /// Euclidean distance between nodes `i` and `j`, in double precision.
    pub fn distance(&self, i: usize, j: usize) -> f64 {
        let (a, b) = (&self.nodes[i], &self.nodes[j]);
        ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
    }

    /// The routing problem: location `i` is node `i`, job `i - 1` is customer `i`, the fleet is
    /// `fleet` identical vehicles at the depot.
    pub fn to_problem(&self, objective: SolomonObjective) -> Problem {
        let n = self.nodes.len();
        let distances = Matrix::from_fn(n, |i, j| {
            Distance((self.distance(i, j) * SCALE).round() as i64)
        });
        let durations = Matrix::from_fn(n, |i, j| {
            Time((self.distance(i, j) * SCALE - 1e-6).ceil().max(0.0) as i64)
        });
        let scaled = |t: f64| Time((t * SCALE).round() as i64);
        let jobs = self.nodes[1..]
            .iter()
            .map(|c| Job {
                windows: vec![TimeWindow::new(scaled(c.ready), scaled(c.due))],
                demand: Load((c.demand * SCALE).round() as i64),
                ..Job::at(c.id, scaled(c.service))
            })
            .collect();
        let depot = &self.nodes[0];
        let vehicle = Vehicle {
            capacity: Load((self.capacity * SCALE).round() as i64),
            ..Vehicle::at(0, TimeWindow::new(scaled(depot.ready), scaled(depot.due)))
        };
        Problem::new(ProblemInput {
            distances,
            durations,
            jobs,
            vehicles: vec![vehicle; self.fleet],
            pairs: Vec::new(),
            groups: Vec::new(),
            minimize_vehicles: objective == SolomonObjective::Hierarchical,
        })
        .expect("a parsed Solomon instance is a valid problem")
    }

    /// Total distance of routes given as customer numbers, in double precision.
    pub fn routes_distance(&self, routes: &[Vec<usize>]) -> f64 {
        routes
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| {
                let mut prev = 0;
                let mut d = 0.0;
                for &c in r {
                    d += self.distance(prev, c);
                    prev = c;
                }
                d + self.distance(prev, 0)
            })
            .sum()
    }
}

/// The index of a section's header line: the first that starts with `words.0` and contains
/// `words.1`, in any case.
fn header(lines: &[&str], words: (&str, &str)) -> Option<usize> {
    lines.iter().position(|l| {
        let up = l.to_ascii_uppercase();
        up.starts_with(words.0) && up.contains(words.1)
    })
}

/// The `VEHICLE` section: the fleet size and the capacity from the row after the
/// `NUMBER CAPACITY` header.
fn parse_vehicles(lines: &[&str]) -> Result<(usize, f64), ParseError> {
    let header = header(lines, ("NUMBER", "CAPACITY"))
        .ok_or_else(|| error(0, "no 'NUMBER CAPACITY' header of a VEHICLE section"))?;
    let (fleet_line, fleet_row) = lines
        .iter()
        .enumerate()
        .skip(header + 1)
        .find(|(_, l)| !l.is_empty())
        .ok_or_else(|| error(header + 1, "the VEHICLE section has no fleet row"))?;
    let fields: Vec<&str> = fleet_row.split_whitespace().collect();
    if fields.len() < 2 {
        return Err(error(
            fleet_line + 1,
            "expected the fleet size and the capacity",
        ));
    }
    let fleet: usize = fields[0].parse().map_err(|_| {
        error(
            fleet_line + 1,
            format!("fleet size '{}' is not a whole number", fields[0]),
        )
    })?;
    let capacity = parse_number(fields[1], fleet_line + 1, "capacity")?;
    if capacity < 0.0 {
        return Err(error(fleet_line + 1, "capacity is negative"));
    }
    Ok((fleet, capacity))
}

/// The `CUSTOMER` section: one node per non-empty row after the `CUST NO.` header, the
/// depot first; at least the depot row.
fn parse_customers(lines: &[&str]) -> Result<Vec<Node>, ParseError> {
    let customers = header(lines, ("CUST", "NO"))
        .ok_or_else(|| error(0, "no 'CUST NO.' header of a CUSTOMER section"))?;
    let mut nodes = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(customers + 1) {
        if !line.is_empty() {
            nodes.push(parse_node(line, i + 1, nodes.len())?);
        }
    }
    if nodes.is_empty() {
        return Err(error(
            customers + 1,
            "the CUSTOMER section has no depot row",
        ));
    }
    Ok(nodes)
}

/// One customer row (`number` is its 1-based line), which must carry customer number
/// `expected`.
fn parse_node(line: &str, number: usize, expected: usize) -> Result<Node, ParseError> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() < 7 {
        return Err(error(
            number,
            format!(
                "expected 7 numbers (no, x, y, demand, ready, due, service), found {}",
                fields.len()
            ),
        ));
    }
    let names = [
        "customer number",
        "x",
        "y",
        "demand",
        "ready time",
        "due date",
        "service time",
    ];
    let mut v = [0.0; 7];
    for k in 0..7 {
        v[k] = parse_number(fields[k], number, names[k])?;
    }
    let id = v[0] as usize;
    if v[0] != id as f64 || id != expected {
        return Err(error(
            number,
            format!(
                "customer number {} where {} was expected (rows must be numbered 0..n in order)",
                fields[0], expected
            ),
        ));
    }
    if v[3] < 0.0 || v[6] < 0.0 {
        return Err(error(
            number,
            "demand and service time must not be negative",
        ));
    }
    if v[4] > v[5] {
        return Err(error(
            number,
            format!("ready time {} is after due date {}", v[4], v[5]),
        ));
    }
    Ok(Node {
        id,
        x: v[1],
        y: v[2],
        demand: v[3],
        ready: v[4],
        due: v[5],
        service: v[6],
    })
}

fn parse_number(field: &str, line: usize, what: &str) -> Result<f64, ParseError> {
    field
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| error(line, format!("{what} '{field}' is not a number")))
}
