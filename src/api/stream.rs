//! `GET /v1/events`: server-sent events, one `planPublished` event per published plan
//! version (a tokio broadcast channel). A client that falls behind gets a `lagged` event with
//! the number of announcements it missed. Streams end when the server stops.

use super::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

/// Announcements of published plan versions.
#[utoipa::path(get, path = "/v1/events", tag = "plans", security(("bearer" = [])),
    responses((status = 200, description = "Server-sent events: `planPublished`, each with a Published as its data; the stream ends when the server stops",
        content_type = "text/event-stream", body = super::Published)))]
pub async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.subscribe();
    let stop = state.stopping();
    let stream = futures_util::stream::unfold((rx, stop), |(mut rx, mut stop)| async move {
        if *stop.borrow() {
            return None;
        }
        let received = tokio::select! {
            r = rx.recv() => r,
            _ = stop.changed() => return None,
        };
        let event = match received {
            Ok(p) => Event::default()
                .event("planPublished")
                .id(format!("{}/{}", p.date, p.version))
                .json_data(&p)
                .unwrap_or_else(|_| Event::default().comment("unserializable")),
            Err(RecvError::Lagged(n)) => Event::default().event("lagged").data(n.to_string()),
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(event), (rx, stop)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}
