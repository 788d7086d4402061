//! [`CachedModel`]: reuse a travel matrix for the same points and the same model.
//!
//! The key is a stable hash (FNV-1a) of the model's [`TravelModel::fingerprint`] and of the
//! exact bits of every point. A hit is never trusted on the hash alone: the entry keeps the
//! points (and the disk file stores them with the fingerprint), and both are compared exactly.
//!
//! The memory tier keeps the `capacity` most recently used matrices. The optional disk tier
//! (one file per key in a directory) survives restarts; a missing, corrupt or foreign file is a
//! miss, and a failed write is counted in [`CacheStats::disk_errors`] but never fails a plan.
//! Two threads asking for the same missing key both compute it (no in-flight deduplication).

use super::TravelModel;
use super::error::TravelError;
use super::hash::Fnv64;
use super::matrix::TravelMatrix;
use super::point::{SpeedClass, TravelPoint};
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

const MAGIC: &[u8; 10] = b"FPTRAVEL1\n";

/// How the cache has been used so far.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub memory_hits: u64,
    pub disk_hits: u64,
    pub misses: u64,
    pub disk_errors: u64,
}

struct Entry {
    key: u64,
    points: Vec<TravelPoint>,
    matrix: Arc<TravelMatrix>,
}

/// A travel model with an in-memory (and optionally on-disk) matrix cache.
pub struct CachedModel {
    model: Arc<dyn TravelModel>,
    capacity: usize,
    dir: Option<PathBuf>,
    /// Least recently used first; at most `capacity` entries.
    entries: Mutex<Vec<Entry>>,
    stats: Mutex<CacheStats>,
}

impl CachedModel {
    /// Caches up to `capacity` matrices of `model` in memory (0 keeps none in memory).
    pub fn new(model: impl TravelModel + 'static, capacity: usize) -> Self {
        Self::from_arc(Arc::new(model), capacity)
    }

    pub fn from_arc(model: Arc<dyn TravelModel>, capacity: usize) -> Self {
        Self {
            model,
            capacity,
            dir: None,
            entries: Mutex::new(Vec::new()),
            stats: Mutex::new(CacheStats::default()),
        }
    }

    /// Also keeps matrices as files in `dir` (created when first needed).
    pub fn with_disk(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    pub fn model(&self) -> &dyn TravelModel {
        self.model.as_ref()
    }

    pub fn stats(&self) -> CacheStats {
        *self.stats.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cache key of `points` for this model.
    pub fn key(&self, points: &[TravelPoint]) -> u64 {
        let mut h = Fnv64::new();
        h.write_u64(self.model.fingerprint());
        h.write_u64(points.len() as u64);
        for p in points {
            p.hash_into(&mut h);
        }
        h.finish()
    }

    /// The matrix of `points`, from the cache or computed (and then cached).
    pub fn matrix(&self, points: &[TravelPoint]) -> Result<Arc<TravelMatrix>, TravelError> {
        let key = self.key(points);
        if let Some(m) = self.memory_get(key, points) {
            self.count(|s| s.memory_hits += 1);
            return Ok(m);
        }
        if let Some(m) = self.disk_get(key, points) {
            self.count(|s| s.disk_hits += 1);
            let m = Arc::new(m);
            self.memory_put(key, points, m.clone());
            return Ok(m);
        }
        self.count(|s| s.misses += 1);
        let m = Arc::new(self.model.matrix(points)?);
        if self.disk_put(key, points, &m).is_err() {
            self.count(|s| s.disk_errors += 1);
        }
        self.memory_put(key, points, m.clone());
        Ok(m)
    }

    /// Drops every matrix held in memory (files on disk stay).
    pub fn clear_memory(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn count(&self, f: impl FnOnce(&mut CacheStats)) {
        f(&mut self.stats.lock().unwrap_or_else(PoisonError::into_inner));
    }

    fn memory_get(&self, key: u64, points: &[TravelPoint]) -> Option<Arc<TravelMatrix>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let pos = entries
            .iter()
            .position(|e| e.key == key && e.points == points)?;
        let entry = entries.remove(pos);
        let m = entry.matrix.clone();
        entries.push(entry);
        Some(m)
    }

    fn memory_put(&self, key: u64, points: &[TravelPoint], matrix: Arc<TravelMatrix>) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|e| !(e.key == key && e.points == points));
        while entries.len() >= self.capacity {
            entries.remove(0);
        }
        entries.push(Entry {
            key,
            points: points.to_vec(),
            matrix,
        });
    }

    fn file(&self, key: u64) -> Option<PathBuf> {
        let name: String = self
            .model
            .name()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Some(self.dir.as_ref()?.join(format!("{name}-{key:016x}.travel")))
    }

    fn disk_get(&self, key: u64, points: &[TravelPoint]) -> Option<TravelMatrix> {
        let path = self.file(key)?;
        let file = File::open(&path).ok()?;
        read_matrix(&mut BufReader::new(file), self.model.fingerprint(), points).ok()
    }

    fn disk_put(&self, key: u64, points: &[TravelPoint], m: &TravelMatrix) -> std::io::Result<()> {
        let Some(path) = self.file(key) else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        // Write aside, then rename: a reader never sees a half-written file.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let result = write_file(&tmp, self.model.fingerprint(), points, m)
            .and_then(|()| fs::rename(&tmp, &path));
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

fn write_file(
    path: &Path,
    fingerprint: u64,
    points: &[TravelPoint],
    m: &TravelMatrix,
) -> std::io::Result<()> {
    let mut w = BufWriter::new(File::create(path)?);
    w.write_all(MAGIC)?;
    w.write_all(&fingerprint.to_le_bytes())?;
    w.write_all(&(points.len() as u64).to_le_bytes())?;
    for p in points {
        w.write_all(&p.lat().to_bits().to_le_bytes())?;
        w.write_all(&p.lon().to_bits().to_le_bytes())?;
        w.write_all(&[p.area().code()])?;
    }
    for v in m.metres().iter().chain(m.seconds()) {
        w.write_all(&v.to_le_bytes())?;
    }
    w.flush()
}

fn read_matrix(
    r: &mut impl Read,
    fingerprint: u64,
    points: &[TravelPoint],
) -> std::io::Result<TravelMatrix> {
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "not this cache entry");
    let mut magic = [0u8; 10];
    r.read_exact(&mut magic)?;
    if &magic != MAGIC || read_u64(r)? != fingerprint || read_u64(r)? != points.len() as u64 {
        return Err(bad());
    }
    for p in points {
        let (lat, lon) = (read_u64(r)?, read_u64(r)?);
        let mut area = [0u8; 1];
        r.read_exact(&mut area)?;
        let area_ok = SpeedClass::ALL
            .iter()
            .any(|a| a.code() == area[0] && *a == p.area());
        if lat != p.lat().to_bits() || lon != p.lon().to_bits() || !area_ok {
            return Err(bad());
        }
    }
    let n = points.len();
    let mut read_vec = || -> std::io::Result<Vec<u32>> {
        let mut bytes = vec![0u8; n * n * 4];
        r.read_exact(&mut bytes)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    };
    let metres = read_vec()?;
    let seconds = read_vec()?;
    TravelMatrix::from_vecs(n, metres, seconds).map_err(|_| bad())
}

fn read_u64(r: &mut impl Read) -> std::io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// The cached model is a model: whole matrices come from the cache (a copy of the cached one),
/// single rows (positions measured on the fly) straight from the inner model.
impl TravelModel for CachedModel {
    fn matrix(&self, points: &[TravelPoint]) -> Result<TravelMatrix, TravelError> {
        CachedModel::matrix(self, points).map(|m| m.as_ref().clone())
    }

    fn name(&self) -> &str {
        self.model.name()
    }

    fn fingerprint(&self) -> u64 {
        self.model.fingerprint()
    }

    fn row(&self, from: TravelPoint, to: &[TravelPoint]) -> Result<Vec<(u32, u32)>, TravelError> {
        self.model.row(from, to)
    }
}
