//! The board's files (`/`, `/board/...`): content types, caching, the page's security
//! headers; `GET /v1/me`; the board's endpoints in the OpenAPI document.

use crate::support::spawn_app;
use axum::body::Body;
use axum::http::Request;
use fieldplan::store::Role;

#[tokio::test]
async fn the_page_and_its_files_are_served_with_types_and_caching() {
    let app = spawn_app();
    let page = app
        .send(Request::get("/").body(Body::empty()).unwrap())
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(String::from_utf8_lossy(&page.bytes).contains("board/app.js"));
    let etag = page.header("etag").unwrap().to_owned();
    let again = Request::get("/")
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(again).await.status, 304);

    let js = app
        .send(Request::get("/board/app.js").body(Body::empty()).unwrap())
        .await;
    assert_eq!(js.status, 200);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    let lib = "/board/vendor/vis-timeline-graph2d-8.5.4.min.js";
    let lib = app
        .send(Request::get(lib).body(Body::empty()).unwrap())
        .await;
    assert_eq!(lib.status, 200);
    assert!(lib.header("cache-control").unwrap().contains("immutable"));
    let css = "/board/vendor/leaflet-1.9.4.css";
    let css = app
        .send(Request::get(css).body(Body::empty()).unwrap())
        .await;
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    for missing in ["/board/nope.js", "/board/../Cargo.toml", "/board/vendor/"] {
        let r = app
            .send(Request::get(missing).body(Body::empty()).unwrap())
            .await;
        assert_eq!(r.status, 404, "{missing}");
    }
}

#[tokio::test]
async fn me_tells_the_role_of_the_token() {
    let app = spawn_app();
    for role in Role::ALL {
        let r = app.get("/v1/me", role).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["role"], role.as_str());
        assert_eq!(r.json()["now"], crate::support::START);
        assert_eq!(r.json()["today"], crate::support::DAY);
    }
    let r = app
        .call(axum::http::Method::GET, "/v1/me", None, None)
        .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn the_openapi_document_lists_moves_and_me() {
    let app = spawn_app();
    let doc = app
        .send(Request::get("/openapi.json").body(Body::empty()).unwrap())
        .await;
    let doc = doc.json();
    assert!(doc["paths"]["/v1/plans/{date}/moves"]["post"].is_object());
    assert!(doc["paths"]["/v1/me"]["get"].is_object());
    assert!(doc["components"]["schemas"]["MoveRequest"].is_object());
}
