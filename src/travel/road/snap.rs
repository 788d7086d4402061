//! A uniform grid over the nodes' bounding box for nearest-node queries.
//!
//! Cells are about `s` metres square (chosen so that a cell holds two nodes on average); a
//! query scans rings of cells around the query's cell and stops once the next ring cannot hold
//! anything nearer than the best node found. Distances are haversine metres; the ring bound
//! uses the narrowest cell side (at the bounding box's highest latitude) with a 10 % margin, so
//! the answer is the exact nearest node for extents up to a few hundred kilometres.

use crate::travel::point::haversine_metres;

/// Metres per degree of latitude on geo's mean Earth radius.
const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

#[derive(Clone, Debug)]
pub(crate) struct GridIndex {
    lat_min: f64,
    lon_min: f64,
    cell_lat: f64,
    cell_lon: f64,
    nx: i64,
    ny: i64,
    /// Nodes of cell `c` are `items[start[c]..start[c + 1]]`.
    start: Vec<u32>,
    items: Vec<u32>,
    coords: Vec<(f64, f64)>,
    /// A lower bound, in metres, on the distance across one cell.
    min_cell_metres: f64,
}

impl GridIndex {
    /// An index over `(lat, lon)` positions; `coords` must not be empty.
    pub(crate) fn new(coords: &[(f64, f64)]) -> Self {
        let (mut lat_min, mut lat_max, mut lon_min, mut lon_max) = (90.0, -90.0, 180.0, -180.0);
        for &(lat, lon) in coords {
            lat_min = f64::min(lat_min, lat);
            lat_max = f64::max(lat_max, lat);
            lon_min = f64::min(lon_min, lon);
            lon_max = f64::max(lon_max, lon);
        }
        let cos_mid = ((lat_min + lat_max) / 2.0).to_radians().cos().max(1e-3);
        let cos_far = lat_min
            .abs()
            .max(lat_max.abs())
            .to_radians()
            .cos()
            .max(1e-3);
        let height = (lat_max - lat_min) * METRES_PER_DEGREE;
        let width = (lon_max - lon_min) * METRES_PER_DEGREE * cos_mid;
        let target_cells = (coords.len() / 2).clamp(1, 4_000_000) as f64;
        let side = ((height.max(1.0) * width.max(1.0)) / target_cells)
            .sqrt()
            .max(25.0);
        let cell_lat = side / METRES_PER_DEGREE;
        let cell_lon = side / (METRES_PER_DEGREE * cos_mid);
        let nx = (((lon_max - lon_min) / cell_lon).floor() as i64 + 1).max(1);
        let ny = (((lat_max - lat_min) / cell_lat).floor() as i64 + 1).max(1);
        let mut index = Self {
            lat_min,
            lon_min,
            cell_lat,
            cell_lon,
            nx,
            ny,
            start: Vec::new(),
            items: Vec::new(),
            coords: coords.to_vec(),
            min_cell_metres: 0.9 * side * (cos_far / cos_mid).min(1.0),
        };
        let cells = (nx * ny) as usize;
        let cell_of: Vec<usize> = coords
            .iter()
            .map(|&(lat, lon)| {
                let (x, y) = index.cell(lat, lon);
                (y.clamp(0, ny - 1) * nx + x.clamp(0, nx - 1)) as usize
            })
            .collect();
        let mut start = vec![0u32; cells + 1];
        for &c in &cell_of {
            start[c + 1] += 1;
        }
        for c in 0..cells {
            start[c + 1] += start[c];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; coords.len()];
        for (v, &c) in cell_of.iter().enumerate() {
            items[fill[c] as usize] = v as u32;
            fill[c] += 1;
        }
        index.start = start;
        index.items = items;
        index
    }

    fn cell(&self, lat: f64, lon: f64) -> (i64, i64) {
        (
            ((lon - self.lon_min) / self.cell_lon).floor() as i64,
            ((lat - self.lat_min) / self.cell_lat).floor() as i64,
        )
    }

    /// The nearest node to `(lat, lon)` and its haversine distance in metres (ties: the lower
    /// node index).
    pub(crate) fn nearest(&self, lat: f64, lon: f64) -> (u32, f64) {
        let (cx, cy) = self.cell(lat, lon);
        let q = geo::Point::new(lon, lat);
        // Chebyshev distance from the query's cell to the grid: the first ring with cells.
        let outside = |c: i64, n: i64| if c < 0 { -c } else { (c - (n - 1)).max(0) };
        let r0 = outside(cx, self.nx).max(outside(cy, self.ny));
        let r_max = r0 + self.nx + self.ny;
        let mut best: Option<(f64, u32)> = None;
        for r in r0..=r_max {
            if let Some((d, _)) = best
                && d <= (r - 1) as f64 * self.min_cell_metres
            {
                break;
            }
            self.for_ring(cx, cy, r, |c| {
                for &v in &self.items[self.start[c] as usize..self.start[c + 1] as usize] {
                    let (vlat, vlon) = self.coords[v as usize];
                    let d = haversine_metres(q, geo::Point::new(vlon, vlat));
                    if best.is_none_or(|(bd, bv)| (d, v) < (bd, bv)) {
                        best = Some((d, v));
                    }
                }
            });
        }
        let (d, v) = best.expect("the grid holds at least one node");
        (v, d)
    }

    /// Calls `f` with each in-grid cell at Chebyshev distance exactly `r` from `(cx, cy)`.
    fn for_ring(&self, cx: i64, cy: i64, r: i64, mut f: impl FnMut(usize)) {
        let mut visit = |x: i64, y: i64| {
            if (0..self.nx).contains(&x) && (0..self.ny).contains(&y) {
                f((y * self.nx + x) as usize);
            }
        };
        if r == 0 {
            visit(cx, cy);
            return;
        }
        let (x0, x1) = ((cx - r).max(-1), (cx + r).min(self.nx));
        for x in x0..=x1 {
            visit(x, cy - r);
            visit(x, cy + r);
        }
        let (y0, y1) = ((cy - r + 1).max(-1), (cy + r - 1).min(self.ny));
        for y in y0..=y1 {
            visit(cx - r, y);
            visit(cx + r, y);
        }
    }
}
