//! `--travel` (shared by `serve`, `plan`, `roster`, `simulate`) and `fieldplan travel
//! matrix`: precompute and inspect a travel matrix between the points of a CSV file.

use crate::travel::{SpeedClass, Travel, TravelPoint, TravelSource};
use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

/// Where travel times come from.
#[derive(Args, Clone, Debug)]
pub struct TravelArgs {
    /// Travel times: `geodesic` (straight line with a detour factor, the default),
    /// `osm:FILE.osm.pbf` (fastest paths on an OpenStreetMap extract's roads) or
    /// `matrix:FILE.csv` (your own `from,to,metres,seconds` with place ids, as `fieldplan
    /// travel matrix` writes it).
    #[arg(long, value_name = "SOURCE", default_value = "geodesic", value_parser = parse_source)]
    pub travel: TravelSource,
    /// Directory of the road matrices kept across runs (default: FILE.osm.pbf.matrices
    /// beside the extract).
    #[arg(long, value_name = "DIR")]
    pub travel_cache: Option<PathBuf>,
}

fn parse_source(s: &str) -> Result<TravelSource, String> {
    s.parse()
}

impl TravelArgs {
    /// Loads the source for `places` (`(id, point)`); errors name the flag.
    pub fn load(&self, places: &[(String, TravelPoint)]) -> anyhow::Result<Travel> {
        let travel = self
            .travel
            .load(places, self.travel_cache.as_deref())
            .map_err(|e| anyhow::anyhow!("--travel {}: {e}", self.travel))?;
        if let Some(s) = travel.cache_stats() {
            let how = if s.disk_hits > 0 {
                "read from the cache"
            } else {
                "computed and cached"
            };
            eprintln!(
                "travel {}: road matrix of {} places {how}",
                self.travel,
                places.len()
            );
        }
        Ok(travel)
    }
}

#[derive(Subcommand)]
pub enum TravelCommand {
    /// Write the travel matrix between points: `--points` is a CSV `id,lat,lon` (an optional
    /// `area` column: urban, suburban or county, for the geodesic model; default urban); the
    /// output is `from,to,metres,seconds`, one line per ordered pair of ids.
    Matrix {
        #[command(flatten)]
        travel: TravelArgs,
        #[arg(long)]
        points: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(cmd: TravelCommand) -> anyhow::Result<()> {
    let TravelCommand::Matrix {
        travel,
        points,
        out,
    } = cmd;
    let places = read_points(&points)?;
    let started = std::time::Instant::now();
    let loaded = travel.load(&places)?;
    let list: Vec<TravelPoint> = places.iter().map(|(_, p)| *p).collect();
    let matrix = loaded
        .model()
        .matrix(&list)
        .map_err(|e| anyhow::anyhow!("--travel {}: {e}", travel.travel))?;
    let mut w =
        csv::Writer::from_path(&out).with_context(|| format!("writing {}", out.display()))?;
    w.write_record(["from", "to", "metres", "seconds"])?;
    for (i, (a, _)) in places.iter().enumerate() {
        for (j, (b, _)) in places.iter().enumerate() {
            if i != j {
                let (m, s) = (matrix.distance(i, j), matrix.duration(i, j));
                w.write_record([a.as_str(), b.as_str(), &m.to_string(), &s.to_string()])?;
            }
        }
    }
    w.flush()
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "{} points, {} pairs, {:.2} s: {}",
        places.len(),
        places.len() * places.len().saturating_sub(1),
        started.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(())
}

/// Reads `id,lat,lon[,area]` (a header naming the columns, any order); every error names the
/// file, line and column.
pub fn read_points(path: &Path) -> anyhow::Result<Vec<(String, TravelPoint)>> {
    let origin = path.display();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("--points {origin}"))?;
    let headers = rdr
        .headers()
        .with_context(|| format!("--points {origin}: line 1"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let need = |name: &str| {
        column(name).ok_or_else(|| {
            anyhow::anyhow!(
                "--points {origin}: line 1: no column named {name} (expected id,lat,lon)"
            )
        })
    };
    let (id_col, lat_col, lon_col, area_col) =
        (need("id")?, need("lat")?, need("lon")?, column("area"));
    let mut seen = std::collections::HashMap::new();
    let mut places = Vec::new();
    for record in rdr.records() {
        let record = record.with_context(|| format!("--points {origin}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let at = |col: &str| format!("--points {origin}: line {line}, column {col}");
        let cell = |k: usize| record.get(k).unwrap_or("");
        let id = cell(id_col);
        anyhow::ensure!(!id.is_empty(), "{}: empty id", at("id"));
        if let Some(first) = seen.insert(id.to_owned(), line) {
            anyhow::bail!("{}: id {id:?} repeats line {first}", at("id"));
        }
        let number = |k: usize, name: &str| -> anyhow::Result<f64> {
            cell(k)
                .parse::<f64>()
                .map_err(|_| anyhow::anyhow!("{}: {:?} is not a number", at(name), cell(k)))
        };
        let (lat, lon) = (number(lat_col, "lat")?, number(lon_col, "lon")?);
        let area = match area_col.map(cell) {
            None | Some("") | Some("urban") => SpeedClass::Urban,
            Some("suburban") => SpeedClass::Suburban,
            Some("county") => SpeedClass::County,
            Some(other) => {
                anyhow::bail!("{}: {other:?} is not urban, suburban or county", at("area"))
            }
        };
        let point = TravelPoint::new(lat, lon, area)
            .map_err(|e| anyhow::anyhow!("{}: {e}", at(e.field)))?;
        places.push((id.to_owned(), point));
    }
    anyhow::ensure!(!places.is_empty(), "--points {origin}: no points");
    Ok(places)
}
