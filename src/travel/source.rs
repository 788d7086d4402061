//! [`TravelSource`]: where the product's travel times come from (the `--travel` value of
//! `serve`, `plan`, `roster`, `simulate` and `travel matrix`), and how it is loaded for a set
//! of named places.
//!
//! - `geodesic` (the default): the [`Geodesic`] model.
//! - `osm:FILE.osm.pbf`: the [`RoadModel`] on the extract's roads. The matrix of the places is
//!   computed once and kept on disk ([`CachedModel`]) under a key made of the file's SHA-256,
//!   the road model's fingerprint and the exact points, so a restart on the same file and
//!   places reads it back instead of searching the roads again; a changed file, model or place
//!   set is a new key.
//! - `matrix:FILE.csv`: the user's own matrix ([`NamedMatrix`]: `from,to,metres,seconds` with
//!   place ids in `from` and `to`), which must cover every place.
//!
//! Either way the result answers any question about the places by lookup ([`PlaceMatrix`]);
//! a position off the places (an engineer's reported position) is measured by the road model,
//! or geodesically for a user matrix, which knows nothing else.

use super::TravelModel;
use super::cache::{CacheStats, CachedModel};
use super::error::TravelError;
use super::geodesic::{Geodesic, GeodesicConfig};
use super::hash::Fnv64;
use super::matrix::TravelMatrix;
use super::places::PlaceMatrix;
use super::point::TravelPoint;
use super::road::{OsmOptions, RoadModel, RoadModelConfig, RoadNetwork};
use super::user::NamedMatrix;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// Where travel times come from. Parse it from `geodesic`, `osm:FILE.osm.pbf` or
/// `matrix:FILE.csv`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TravelSource {
    #[default]
    Geodesic,
    /// An OpenStreetMap extract.
    Osm(PathBuf),
    /// A matrix file named by place ids.
    Matrix(PathBuf),
}

/// The accepted forms, for error messages.
const FORMS: &str = "expected geodesic, osm:FILE.osm.pbf or matrix:FILE.csv";

impl FromStr for TravelSource {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s == "geodesic" {
            return Ok(Self::Geodesic);
        }
        let (kind, file) = s.split_once(':').ok_or_else(|| format!("{s:?}: {FORMS}"))?;
        if file.is_empty() {
            return Err(format!("{s:?}: {kind}: needs a file name after the colon"));
        }
        let path = PathBuf::from(file);
        let ext = |e: &str| file.to_ascii_lowercase().ends_with(e);
        match kind {
            "osm" if ext(".pbf") => Ok(Self::Osm(path)),
            "osm" => Err(format!(
                "{s:?}: osm: the file must be an OpenStreetMap extract in PBF form (.osm.pbf)"
            )),
            "matrix" if ext(".csv") => Ok(Self::Matrix(path)),
            "matrix" => Err(format!(
                "{s:?}: matrix: the file must be a CSV (from,to,metres,seconds)"
            )),
            _ => Err(format!("{s:?}: unknown kind {kind:?}; {FORMS}")),
        }
    }
}

impl fmt::Display for TravelSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Geodesic => write!(f, "geodesic"),
            Self::Osm(p) => write!(f, "osm:{}", p.display()),
            Self::Matrix(p) => write!(f, "matrix:{}", p.display()),
        }
    }
}

/// A loaded source: the model that answers for the places (and beyond), and its disk cache.
pub struct Travel {
    model: Arc<dyn TravelModel>,
    cache: Option<Arc<CachedModel>>,
    places: Option<Arc<TravelMatrix>>,
}

impl fmt::Debug for Travel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Travel({})", self.model.name())
    }
}

impl Travel {
    /// The model to plan with.
    pub fn model(&self) -> Arc<dyn TravelModel> {
        self.model.clone()
    }

    /// How the road matrix cache was used (`osm:` only).
    pub fn cache_stats(&self) -> Option<CacheStats> {
        self.cache.as_ref().map(|c| c.stats())
    }

    /// The full matrix of the places (`osm:` and `matrix:`; geodesic computes on demand).
    pub fn places_matrix(&self) -> Option<&Arc<TravelMatrix>> {
        self.places.as_ref()
    }
}

impl TravelSource {
    /// Loads the source for `places` (`(id, point)`, ids unique). `cache_dir` holds the
    /// road matrices (`osm:`); without it they go to `FILE.osm.pbf.matrices/` beside the
    /// extract.
    pub fn load(
        &self,
        places: &[(String, TravelPoint)],
        cache_dir: Option<&Path>,
    ) -> Result<Travel, TravelError> {
        let points: Vec<TravelPoint> = places.iter().map(|(_, p)| *p).collect();
        let geodesic = || Geodesic::new(GeodesicConfig::default());
        match self {
            Self::Geodesic => Ok(Travel {
                model: Arc::new(geodesic()?),
                cache: None,
                places: None,
            }),
            Self::Osm(path) => {
                let network = RoadNetwork::from_osm_pbf(path, &OsmOptions::default())?;
                let road = RoadModel::new(Arc::new(network), RoadModelConfig::default())?;
                let keyed: Arc<dyn TravelModel> = Arc::new(FileKeyed::new(path, road)?);
                let dir = cache_dir.map_or_else(|| default_cache_dir(path), Path::to_path_buf);
                let cache = Arc::new(CachedModel::from_arc(keyed.clone(), 1).with_disk(dir));
                let matrix = CachedModel::matrix(&cache, &points)?;
                // Questions beyond the places (rare: reported positions) skip the disk cache.
                let model = PlaceMatrix::new("road", &points, matrix.clone(), keyed)?;
                Ok(Travel {
                    model: Arc::new(model),
                    cache: Some(cache),
                    places: Some(matrix),
                })
            }
            Self::Matrix(path) => {
                let named = NamedMatrix::from_path(path)?;
                let ids: Vec<&str> = places.iter().map(|(id, _)| id.as_str()).collect();
                let matrix = Arc::new(named.for_ids(&ids)?);
                let model =
                    PlaceMatrix::new("user", &points, matrix.clone(), Arc::new(geodesic()?))?;
                Ok(Travel {
                    model: Arc::new(model),
                    cache: None,
                    places: Some(matrix),
                })
            }
        }
    }
}

/// Where road matrices of `extract` go by default.
pub fn default_cache_dir(extract: &Path) -> PathBuf {
    let mut name = extract.file_name().unwrap_or_default().to_os_string();
    name.push(".matrices");
    extract.with_file_name(name)
}

/// A model whose fingerprint also covers the bytes of the file it was loaded from.
struct FileKeyed<M> {
    model: M,
    fingerprint: u64,
}

impl<M: TravelModel> FileKeyed<M> {
    fn new(path: &Path, model: M) -> Result<Self, TravelError> {
        let io = |source| TravelError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = std::fs::File::open(path).map_err(io)?;
        let mut sha = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let read = std::io::Read::read(&mut file, &mut buf).map_err(io)?;
            if read == 0 {
                break;
            }
            sha.update(&buf[..read]);
        }
        let mut h = Fnv64::new();
        h.write(b"osm-file-v1");
        h.write(&sha.finalize());
        h.write_u64(model.fingerprint());
        Ok(Self {
            model,
            fingerprint: h.finish(),
        })
    }
}

impl<M: TravelModel> TravelModel for FileKeyed<M> {
    fn matrix(&self, points: &[TravelPoint]) -> Result<TravelMatrix, TravelError> {
        self.model.matrix(points)
    }

    fn name(&self) -> &str {
        self.model.name()
    }

    fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    fn row(&self, from: TravelPoint, to: &[TravelPoint]) -> Result<Vec<(u32, u32)>, TravelError> {
        self.model.row(from, to)
    }
}
