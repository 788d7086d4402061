//! `GET /v1/events`: server-sent events: `planPublished` for each published plan version,
//! and `faultAtRisk` / `faultMissed` for each alert ([`super::alerts`]), from two tokio
//! broadcast channels. A client that falls behind gets a `lagged` event with the number of
//! announcements it missed. Streams end when the server stops.

use super::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

/// The event of one received announcement; `None` when its channel closed.
fn event_of<T>(received: Result<T, RecvError>, to_event: impl FnOnce(T) -> Event) -> Option<Event> {
    match received {
        Ok(x) => Some(to_event(x)),
        Err(RecvError::Lagged(n)) => Some(Event::default().event("lagged").data(n.to_string())),
        Err(RecvError::Closed) => None,
    }
}

/// Announcements of published plan versions and of alerts.
#[utoipa::path(get, path = "/v1/events", tag = "plans", security(("bearer" = [])),
    responses((status = 200, description = "Server-sent events: `planPublished` (data: a Published), `faultAtRisk` and `faultMissed` (data: an Alert); the stream ends when the server stops",
        content_type = "text/event-stream", body = super::Published)))]
pub async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.subscribe();
    let alerts = state.subscribe_alerts();
    let stop = state.stopping();
    let stream = futures_util::stream::unfold(
        (rx, alerts, stop),
        |(mut rx, mut alerts, mut stop)| async move {
            if *stop.borrow() {
                return None;
            }
            let event = tokio::select! {
                r = rx.recv() => event_of(r, |p| {
                    Event::default()
                        .event("planPublished")
                        .id(format!("{}/{}", p.date, p.version))
                        .json_data(&p)
                        .unwrap_or_else(|_| Event::default().comment("unserializable"))
                }),
                a = alerts.recv() => event_of(a, |a| {
                    Event::default()
                        .event(a.kind)
                        .json_data(&a)
                        .unwrap_or_else(|_| Event::default().comment("unserializable"))
                }),
                _ = stop.changed() => return None,
            }?;
            Some((Ok(event), (rx, alerts, stop)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}
