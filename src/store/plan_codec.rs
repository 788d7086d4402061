//! How a plan version's JSON is kept on disk: compactly, and readable back one by one.
//!
//! A busy day publishes a version per fault and per progress report, each a few hundred kB of
//! JSON that differs from the one before in a route or two. Storing every version whole grew
//! one day to 800 MB (issue 13, item 10). Instead:
//!
//! - versions `1, 1 + K, 1 + 2K, ...` are *key versions*, compressed on their own (zstd);
//! - every other version is compressed with its key version's JSON as a raw-content dictionary
//!   (zstd, RFC 8878 §5), so only what changed since the key version costs space.
//!
//! Invariant: reading any version back needs at most two decompressions (its key version, then
//! itself), however long the history; and `decode(encode(json)) == json` byte for byte, so the
//! entity tag, a hash of the JSON as published, still matches what is served.
//!
//! Rows written before this codec existed keep their plain JSON ([`Codec::Json`]).

use super::{StoreError, StoreResult};

/// A key version every `KEY_EVERY` versions: bounds the work of reading one version, and
/// keeps each delta against a recent base (a day's later versions drift from its first).
pub const KEY_EVERY: u32 = 16;

/// zstd level 3 (the library's default): ~1 ms for a plan, most of the gain of higher levels.
const LEVEL: i32 = 3;

/// How one stored body is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    /// Plain UTF-8 JSON (rows from before schema version 8).
    Json,
    /// zstd on its own: a key version.
    Zstd,
    /// zstd with the key version's JSON as dictionary.
    ZstdDelta,
}

impl Codec {
    pub fn as_str(self) -> &'static str {
        match self {
            Codec::Json => "json",
            Codec::Zstd => "zstd",
            Codec::ZstdDelta => "zstd-delta",
        }
    }

    pub fn parse(s: &str) -> StoreResult<Self> {
        match s {
            "json" => Ok(Codec::Json),
            "zstd" => Ok(Codec::Zstd),
            "zstd-delta" => Ok(Codec::ZstdDelta),
            other => Err(StoreError::Corrupt(format!("plan codec '{other}'"))),
        }
    }
}

/// The key version of `version`: the version whose JSON is its dictionary, or itself.
pub fn key_of(version: u32) -> u32 {
    version - (version - 1) % KEY_EVERY
}

/// A body ready to store.
pub struct Encoded {
    pub codec: Codec,
    /// The version whose JSON is the dictionary (`ZstdDelta` only).
    pub base: Option<u32>,
    pub body: Vec<u8>,
}

/// Encodes version `version`; `key_json` is the JSON of [`key_of`]`(version)` when that is
/// another version (the caller reads it), `None` for a key version.
pub fn encode(version: u32, json: &str, key_json: Option<&str>) -> StoreResult<Encoded> {
    let key = key_of(version);
    match key_json {
        Some(dict) if key != version => {
            let mut c = zstd::bulk::Compressor::with_dictionary(LEVEL, dict.as_bytes())
                .map_err(codec_error)?;
            Ok(Encoded {
                codec: Codec::ZstdDelta,
                base: Some(key),
                body: c.compress(json.as_bytes()).map_err(codec_error)?,
            })
        }
        _ => Ok(Encoded {
            codec: Codec::Zstd,
            base: None,
            body: zstd::bulk::compress(json.as_bytes(), LEVEL).map_err(codec_error)?,
        }),
    }
}

/// Decodes a stored body; `base_json` is the JSON of its base version for `ZstdDelta`.
pub fn decode(codec: Codec, body: &[u8], base_json: Option<&str>) -> StoreResult<String> {
    let bytes = match codec {
        Codec::Json => body.to_vec(),
        Codec::Zstd => zstd::stream::decode_all(body).map_err(codec_error)?,
        Codec::ZstdDelta => {
            let dict = base_json
                .ok_or_else(|| StoreError::Corrupt("plan delta without its base".into()))?;
            let mut out = Vec::new();
            let mut reader = zstd::stream::read::Decoder::with_dictionary(body, dict.as_bytes())
                .map_err(codec_error)?;
            std::io::Read::read_to_end(&mut reader, &mut out).map_err(codec_error)?;
            out
        }
    };
    String::from_utf8(bytes).map_err(|_| StoreError::Corrupt("plan version is not UTF-8".into()))
}

fn codec_error(e: std::io::Error) -> StoreError {
    StoreError::Corrupt(format!("plan codec: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(n: usize, moved: usize) -> String {
        let stops: Vec<String> = (0..n)
            .map(|i| {
                let e = if i == moved { 99 } else { i % 7 };
                format!(
                    r#"{{"task":"T-{i:04}","engineer":"E-{e:02}","eta":"08:{:02}"}}"#,
                    i % 60
                )
            })
            .collect();
        format!("[{}]", stops.join(","))
    }

    #[test]
    fn key_versions_repeat_every_k() {
        assert_eq!(key_of(1), 1);
        assert_eq!(key_of(2), 1);
        assert_eq!(key_of(KEY_EVERY), 1);
        assert_eq!(key_of(KEY_EVERY + 1), KEY_EVERY + 1);
        assert_eq!(key_of(KEY_EVERY + 2), KEY_EVERY + 1);
    }

    #[test]
    fn a_delta_reads_back_exactly_and_is_small() {
        let key = plan(2000, usize::MAX);
        let next = plan(2000, 1234);
        let k = encode(1, &key, None).unwrap();
        assert_eq!(k.codec, Codec::Zstd);
        let d = encode(2, &next, Some(&key)).unwrap();
        assert_eq!((d.codec, d.base), (Codec::ZstdDelta, Some(1)));
        assert_eq!(decode(k.codec, &k.body, None).unwrap(), key);
        assert_eq!(decode(d.codec, &d.body, Some(&key)).unwrap(), next);
        assert!(
            d.body.len() * 20 < k.body.len(),
            "{} vs {}",
            d.body.len(),
            k.body.len()
        );
        assert!(decode(d.codec, &d.body, None).is_err());
    }
}
