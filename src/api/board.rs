//! The dispatcher's board: a web page at `/` and its files at `/board/{file}`, embedded in the
//! binary (no CDN, no network). The page uses the public HTTP API only, with the token the
//! user pastes (kept in the tab's `sessionStorage`).
//!
//! Caching: the vendored libraries carry their version in their names and are served
//! `immutable` for a year; the page and its own modules are `no-cache` with an ETag (a hash of
//! the content), so a new build is picked up at once and an unchanged file costs a 304.
//!
//! For work on the page only: with `FIELDPLAN_BOARD_DIR=board` in the environment the same
//! files (and only those) are read from that directory on every request instead, so an edit
//! needs no rebuild.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

use super::AppState;
use super::error::ApiError;

/// One file of the board.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    /// Versioned in its name: cached for a year.
    immutable: bool,
}

macro_rules! asset {
    ($name:literal, $type:expr, $immutable:literal) => {
        Asset {
            name: $name,
            content_type: $type,
            bytes: include_bytes!(concat!("../../board/", $name)),
            immutable: $immutable,
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

static ASSETS: &[Asset] = &[
    asset!("index.html", HTML, false),
    asset!("board.css", CSS, false),
    asset!("app.js", JS, false),
    asset!("api.js", JS, false),
    asset!("common.js", JS, false),
    asset!("i18n.js", JS, false),
    asset!("day.js", JS, false),
    asset!("map.js", JS, false),
    asset!("faults.js", JS, false),
    asset!("planner.js", JS, false),
    asset!("manager.js", JS, false),
    asset!("vendor/vis-timeline-graph2d-8.5.4.min.js", JS, true),
    asset!("vendor/leaflet-1.9.4.js", JS, true),
    asset!("vendor/leaflet-1.9.4.css", CSS, true),
];

/// Content Security Policy of the page: its own files only; inline styles because the Gantt
/// and the map position their elements with them; images from blobs (the sweep's chart).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; \
                   base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn etags() -> &'static [String] {
    static ETAGS: OnceLock<Vec<String>> = OnceLock::new();
    ETAGS.get_or_init(|| ASSETS.iter().map(|a| etag_of(a.bytes)).collect())
}

fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The directory to read the files from instead of the binary, if set.
fn dev_dir() -> Option<&'static std::path::Path> {
    static DIR: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| std::env::var_os("FIELDPLAN_BOARD_DIR").map(Into::into))
        .as_deref()
}

/// The board's routes: `/` and `/board/{*file}`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/board/{*file}", get(file))
}

async fn index(headers: HeaderMap) -> Response {
    serve("index.html", &headers)
}

async fn file(Path(name): Path<String>, headers: HeaderMap) -> Response {
    serve(&name, &headers)
}

fn serve(name: &str, headers: &HeaderMap) -> Response {
    let Some(i) = ASSETS.iter().position(|a| a.name == name) else {
        return ApiError::NotFound(format!("no board file {name}")).into_response();
    };
    let asset = &ASSETS[i];
    let (body, etag) = match dev_dir() {
        Some(dir) => match std::fs::read(dir.join(asset.name)) {
            Ok(b) => {
                let e = etag_of(&b);
                (axum::body::Bytes::from(b), e)
            }
            Err(e) => return ApiError::internal(format!("{name}: {e}")).into_response(),
        },
        None => (
            axum::body::Bytes::from_static(asset.bytes),
            etags()[i].clone(),
        ),
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, body).into_response()
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if asset.immutable && dev_dir().is_none() {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if asset.name == "index.html" {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_content_type_for_its_extension() {
        for a in ASSETS {
            let want = match a.name.rsplit('.').next() {
                Some("js") => JS,
                Some("css") => CSS,
                _ => HTML,
            };
            assert_eq!(a.content_type, want, "{}", a.name);
            assert!(!a.bytes.is_empty(), "{}", a.name);
        }
    }
}
