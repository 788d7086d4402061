//! [`UserMatrix`]: a matrix the customer computed elsewhere (a commercial routing API), read
//! from CSV or JSON. Row and column `i` are the `i`-th point the planner passes.
//!
//! Accepted forms (values are non-negative numbers, rounded up to whole metres and seconds):
//!
//! - JSON: `{"metres": [[..], ..], "seconds": [[..], ..]}`, two square arrays of one size;
//!   `distances` and `durations` (the names of OSRM's table service) are accepted as aliases;
//! - long CSV: a header naming the columns `from`, `to`, `metres`, `seconds` (any order, other
//!   columns ignored), one row per ordered pair of 0-based indices; every pair `i != j` must
//!   appear exactly once, the diagonal may be left out (zero);
//! - square CSV: two files (metres, seconds), one matrix row per line, no header.
//!
//! Every error names the file and the line, column or cell at fault.

use super::TravelModel;
use super::error::TravelError;
use super::hash::Fnv64;
use super::matrix::TravelMatrix;
use super::point::TravelPoint;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// A travel matrix supplied by the user.
#[derive(Clone, Debug)]
pub struct UserMatrix {
    matrix: TravelMatrix,
    fingerprint: u64,
}

impl UserMatrix {
    /// Wraps a matrix built in code.
    pub fn new(matrix: TravelMatrix) -> Self {
        let mut h = Fnv64::new();
        h.write(b"user-v1");
        h.write_u64(matrix.len() as u64);
        for v in matrix.metres().iter().chain(matrix.seconds()) {
            h.write_u32(*v);
        }
        Self {
            fingerprint: h.finish(),
            matrix,
        }
    }

    pub fn as_matrix(&self) -> &TravelMatrix {
        &self.matrix
    }

    /// Reads a `.json` file, or a `.csv` file in long form, chosen by the extension.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, TravelError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("json") => Self::from_json(open(path)?, &origin),
            Some("csv") => Self::from_long_csv(open(path)?, &origin),
            _ => Err(TravelError::Parse {
                origin,
                location: "file name".into(),
                message: "expected a .json or .csv extension".into(),
            }),
        }
    }

    /// Reads `{"metres": [[..]], "seconds": [[..]]}`; `origin` names the source in errors.
    pub fn from_json(reader: impl Read, origin: &str) -> Result<Self, TravelError> {
        let err = |location: String, message: String| TravelError::Parse {
            origin: origin.to_string(),
            location,
            message,
        };
        let value: serde_json::Value = serde_json::from_reader(reader).map_err(|e| {
            err(
                format!("line {}, column {}", e.line(), e.column()),
                e.to_string(),
            )
        })?;
        let obj = value
            .as_object()
            .ok_or_else(|| err("top level".into(), "expected a JSON object".into()))?;
        let field = |names: [&'static str; 2]| {
            names
                .iter()
                .find_map(|n| obj.get(*n).map(|v| (*n, v)))
                .ok_or_else(|| {
                    err(
                        names[0].into(),
                        format!("missing (also accepted: {})", names[1]),
                    )
                })
        };
        let (mname, metres) = field(["metres", "distances"])?;
        let (sname, seconds) = field(["seconds", "durations"])?;
        let (n, metres) = json_square(metres, mname, &err)?;
        let (ns, seconds) = json_square(seconds, sname, &err)?;
        if ns != n {
            return Err(err(
                sname.into(),
                format!("{ns} rows but {mname} has {n}: both must be the same size"),
            ));
        }
        Ok(Self::new(TravelMatrix::from_vecs(n, metres, seconds)?))
    }

    /// Reads the long CSV form `from,to,metres,seconds` (0-based point indices).
    pub fn from_long_csv(reader: impl Read, origin: &str) -> Result<Self, TravelError> {
        let (n, metres, seconds) = read_long_csv(reader, origin, &mut Indices)?;
        Ok(Self::new(TravelMatrix::from_vecs(n, metres, seconds)?))
    }

    /// Reads two square CSV files without header, one for metres and one for seconds.
    pub fn from_square_csv(
        metres: impl Read,
        metres_origin: &str,
        seconds: impl Read,
        seconds_origin: &str,
    ) -> Result<Self, TravelError> {
        let (n, m) = csv_square(metres, metres_origin)?;
        let (ns, s) = csv_square(seconds, seconds_origin)?;
        if ns != n {
            return Err(TravelError::Parse {
                origin: seconds_origin.into(),
                location: "size".into(),
                message: format!("{ns} rows but {metres_origin} has {n}"),
            });
        }
        Ok(Self::new(TravelMatrix::from_vecs(n, m, s)?))
    }
}

/// A user matrix whose rows are named by place ids: the long CSV `from,to,metres,seconds`
/// with ids in `from` and `to` (what `fieldplan travel matrix` writes). It answers for any
/// list of its ids ([`Self::for_ids`]).
#[derive(Clone, Debug)]
pub struct NamedMatrix {
    origin: String,
    ids: Vec<String>,
    rows: HashMap<String, usize>,
    matrix: TravelMatrix,
}

impl NamedMatrix {
    /// Reads a CSV file (see the type's doc).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, TravelError> {
        let path = path.as_ref();
        Self::from_csv(open(path)?, &path.display().to_string())
    }

    /// Reads the CSV from `reader`; `origin` names the source in errors.
    pub fn from_csv(reader: impl Read, origin: &str) -> Result<Self, TravelError> {
        let mut ids = Ids::default();
        let (n, metres, seconds) = read_long_csv(reader, origin, &mut ids)?;
        Ok(Self {
            origin: origin.to_owned(),
            ids: ids.ids,
            rows: ids.rows,
            matrix: TravelMatrix::from_vecs(n, metres, seconds)?,
        })
    }

    /// The ids, in the order of their first appearance in the file.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The matrix between `ids`, in their order; an id the file lacks is an error naming it.
    pub fn for_ids<S: AsRef<str>>(&self, ids: &[S]) -> Result<TravelMatrix, TravelError> {
        let rows = ids
            .iter()
            .map(|id| {
                self.rows
                    .get(id.as_ref())
                    .copied()
                    .ok_or_else(|| TravelError::Parse {
                        origin: self.origin.clone(),
                        location: format!("place {}", id.as_ref()),
                        message: "no row for this place (every place needs one, to and from \
                                  every other)"
                            .into(),
                    })
            })
            .collect::<Result<Vec<usize>, _>>()?;
        let n = rows.len();
        let (mut metres, mut seconds) = (vec![0; n * n], vec![0; n * n]);
        for (i, &a) in rows.iter().enumerate() {
            for (j, &b) in rows.iter().enumerate() {
                metres[i * n + j] = self.matrix.distance(a, b);
                seconds[i * n + j] = self.matrix.duration(a, b);
            }
        }
        TravelMatrix::from_vecs(n, metres, seconds)
    }
}

impl TravelModel for UserMatrix {
    /// The supplied matrix, if it has one row per point.
    fn matrix(&self, points: &[TravelPoint]) -> Result<TravelMatrix, TravelError> {
        if points.len() != self.matrix.len() {
            return Err(TravelError::PointCount {
                expected: self.matrix.len(),
                got: points.len(),
            });
        }
        Ok(self.matrix.clone())
    }

    fn name(&self) -> &str {
        "user"
    }

    fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}

fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>, TravelError> {
    std::fs::File::open(path)
        .map(std::io::BufReader::new)
        .map_err(|source| TravelError::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// A non-negative finite number rounded up to a `u32`.
fn to_u32(v: f64) -> Result<u32, String> {
    if !v.is_finite() {
        return Err(format!("{v} is not a finite number"));
    }
    if v < 0.0 {
        return Err(format!("{v} is negative"));
    }
    let v = v.ceil();
    if v > f64::from(u32::MAX) {
        return Err(format!("{v} is too large (at most {})", u32::MAX));
    }
    Ok(v as u32)
}

fn json_square(
    value: &serde_json::Value,
    name: &str,
    err: &dyn Fn(String, String) -> TravelError,
) -> Result<(usize, Vec<u32>), TravelError> {
    let rows = value
        .as_array()
        .ok_or_else(|| err(name.into(), "expected an array of rows".into()))?;
    let n = rows.len();
    let mut out = Vec::with_capacity(n * n);
    for (i, row) in rows.iter().enumerate() {
        let row = row.as_array().ok_or_else(|| {
            err(
                format!("{name}[{i}]"),
                "expected an array of numbers".into(),
            )
        })?;
        if row.len() != n {
            return Err(err(
                format!("{name}[{i}]"),
                format!("{} values, expected {n} (one per point)", row.len()),
            ));
        }
        for (j, v) in row.iter().enumerate() {
            let x = match v {
                serde_json::Value::Number(x) => x.as_f64().unwrap_or(f64::NAN),
                serde_json::Value::Null => {
                    return Err(err(
                        format!("{name}[{i}][{j}]"),
                        "null (unreachable?)".into(),
                    ));
                }
                other => {
                    return Err(err(
                        format!("{name}[{i}][{j}]"),
                        format!("{other} is not a number"),
                    ));
                }
            };
            out.push(to_u32(x).map_err(|m| err(format!("{name}[{i}][{j}]"), m))?);
        }
    }
    Ok((n, out))
}

fn csv_square(reader: impl Read, origin: &str) -> Result<(usize, Vec<u32>), TravelError> {
    let err = |location: String, message: String| TravelError::Parse {
        origin: origin.to_string(),
        location,
        message,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    // (line, values) per row.
    let mut rows: Vec<(u64, Vec<u32>)> = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            err(format!("line {line}"), e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let row = record
            .iter()
            .enumerate()
            .map(|(j, raw)| {
                let location = || format!("line {line}, column {}", j + 1);
                let v = raw
                    .parse::<f64>()
                    .map_err(|_| err(location(), format!("{raw:?} is not a number")))?;
                to_u32(v).map_err(|m| err(location(), m))
            })
            .collect::<Result<Vec<_>, _>>()?;
        rows.push((line, row));
    }
    let n = rows.len();
    for (line, row) in &rows {
        if row.len() != n {
            return Err(err(
                format!("line {line}"),
                format!(
                    "{} values but the file has {n} rows: the matrix must be square",
                    row.len()
                ),
            ));
        }
    }
    Ok((n, rows.into_iter().flat_map(|(_, row)| row).collect()))
}

/// How a long CSV names its rows: `from`/`to` cells to row numbers and back.
trait RowKeys {
    fn index(&mut self, raw: &str) -> Result<usize, String>;
    fn label(&self, row: usize) -> String;
}

/// Rows named by 0-based indices.
struct Indices;

impl RowKeys for Indices {
    fn index(&mut self, raw: &str) -> Result<usize, String> {
        raw.parse::<usize>()
            .map_err(|_| format!("{raw:?} is not a point index (0, 1, 2, ...)"))
    }

    fn label(&self, row: usize) -> String {
        row.to_string()
    }
}

/// Rows named by ids, numbered in order of first appearance.
#[derive(Default)]
struct Ids {
    ids: Vec<String>,
    rows: HashMap<String, usize>,
}

impl RowKeys for Ids {
    fn index(&mut self, raw: &str) -> Result<usize, String> {
        if raw.is_empty() {
            return Err("empty id".into());
        }
        if let Some(&row) = self.rows.get(raw) {
            return Ok(row);
        }
        self.ids.push(raw.to_owned());
        self.rows.insert(raw.to_owned(), self.ids.len() - 1);
        Ok(self.ids.len() - 1)
    }

    fn label(&self, row: usize) -> String {
        self.ids[row].clone()
    }
}

/// Reads a long CSV (`from,to,metres,seconds`, any column order, other columns ignored):
/// `keys` turns a `from`/`to` cell into a row number. Returns `(n, metres, seconds)`,
/// row-major; every pair `i != j` of `0..n` must appear exactly once.
fn read_long_csv(
    reader: impl Read,
    origin: &str,
    keys: &mut impl RowKeys,
) -> Result<(usize, Vec<u32>, Vec<u32>), TravelError> {
    let err = |location: String, message: String| TravelError::Parse {
        origin: origin.to_string(),
        location,
        message,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| err("line 1".into(), e.to_string()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| err("header".into(), format!("no column named {name}")))
    };
    let cols = [
        column("from")?,
        column("to")?,
        column("metres")?,
        column("seconds")?,
    ];
    // (from, to) -> (metres, seconds, line)
    let mut cells: HashMap<(usize, usize), (u32, u32, u64)> = HashMap::new();
    let mut n = 0usize;
    for record in rdr.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            err(format!("line {line}"), e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let get = |k: usize, name: &str| {
            record
                .get(cols[k])
                .ok_or_else(|| err(format!("line {line}, column {name}"), "missing".into()))
        };
        let value = |k: usize, name: &str| -> Result<u32, TravelError> {
            let raw = get(k, name)?;
            let v = raw.parse::<f64>().map_err(|_| {
                err(
                    format!("line {line}, column {name}"),
                    format!("{raw:?} is not a number"),
                )
            })?;
            to_u32(v).map_err(|m| err(format!("line {line}, column {name}"), m))
        };
        let from = keys
            .index(get(0, "from")?)
            .map_err(|m| err(format!("line {line}, column from"), m))?;
        let to = keys
            .index(get(1, "to")?)
            .map_err(|m| err(format!("line {line}, column to"), m))?;
        let (m, s) = (value(2, "metres")?, value(3, "seconds")?);
        if let Some((_, _, first)) = cells.insert((from, to), (m, s, line)) {
            let (a, b) = (keys.label(from), keys.label(to));
            return Err(err(
                format!("line {line}"),
                format!("pair ({a}, {b}) given twice (first on line {first})"),
            ));
        }
        n = n.max(from + 1).max(to + 1);
    }
    let cells_n = n.checked_mul(n).filter(|&c| c <= 1 << 28).ok_or_else(|| {
        err(
            "from/to".into(),
            format!("index {} is too large", n.saturating_sub(1)),
        )
    })?;
    let mut metres = vec![0u32; cells_n];
    let mut seconds = vec![0u32; cells_n];
    for i in 0..n {
        for j in 0..n {
            match cells.get(&(i, j)) {
                Some(&(m, s, _)) => {
                    metres[i * n + j] = m;
                    seconds[i * n + j] = s;
                }
                None if i != j => {
                    return Err(err(
                        format!("pair ({}, {})", keys.label(i), keys.label(j)),
                        format!("missing: {n} points need every ordered pair"),
                    ));
                }
                None => {}
            }
        }
    }
    Ok((n, metres, seconds))
}
