//! `GET /v1/events`: server-sent events: `planPublished` for each published plan version,
//! and `faultAtRisk` / `faultMissed` for each alert ([`super::alerts`]). Every announcement
//! is numbered (the event's `id`) and the latest [`REPLAY`] are kept: a client reconnecting
//! with `Last-Event-ID` first gets what it missed (and a `lagged` event with the count of
//! those no longer kept), then the live stream. A client that falls behind the live stream
//! also gets a `lagged` event. Streams end when the server stops.

use super::AppState;
use super::error::{ApiError, ApiResult, FieldIssue};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use std::collections::VecDeque;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

/// Announcements kept for replay.
pub const REPLAY: usize = 512;

/// One announcement: its number (from 1, per run of the service), event name and JSON data.
#[derive(Clone, Debug)]
pub struct Announcement {
    pub seq: u64,
    pub event: &'static str,
    pub data: String,
}

impl Announcement {
    fn to_event(&self) -> Event {
        Event::default()
            .event(self.event)
            .id(self.seq.to_string())
            .data(self.data.clone())
    }
}

/// The latest announcements. Invariant: `kept` holds consecutive numbers ending at `last`.
#[derive(Debug, Default)]
pub struct Replay {
    last: u64,
    kept: VecDeque<Announcement>,
}

impl Replay {
    /// Numbers and keeps one more announcement.
    pub fn push(&mut self, event: &'static str, data: String) -> Announcement {
        self.last += 1;
        let a = Announcement {
            seq: self.last,
            event,
            data,
        };
        self.kept.push_back(a.clone());
        if self.kept.len() > REPLAY {
            self.kept.pop_front();
        }
        a
    }

    /// The kept announcements after `last_seen`, and how many after it are no longer kept.
    /// `None` (a first connection) replays nothing; a number ahead of ours (a client of an
    /// earlier run of the service) replays everything kept.
    pub fn after(&self, last_seen: Option<u64>) -> (Vec<Announcement>, u64) {
        let Some(seen) = last_seen else {
            return (Vec::new(), 0);
        };
        let seen = if seen > self.last { 0 } else { seen };
        let first_kept = self.kept.front().map_or(self.last + 1, |a| a.seq);
        let lost = first_kept.saturating_sub(seen + 1);
        let kept = self.kept.iter().filter(|a| a.seq > seen).cloned().collect();
        (kept, lost)
    }
}

/// Announcements of published plan versions and of alerts.
#[utoipa::path(get, path = "/v1/events", tag = "plans", security(("bearer" = [])),
    params(("Last-Event-ID" = Option<String>, Header, pattern = "^[0-9]{1,18}$", description = "the last event seen: what came after it is replayed first")),
    responses((status = 200, description = "Server-sent events, each with a number as its id: `planPublished` (data: a Published), `faultAtRisk` and `faultMissed` (data: an Alert), `lagged` (data: how many were missed); the stream ends when the server stops",
        content_type = "text/event-stream", body = super::Published)))]
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let last_seen = last_event_id(&headers)?;
    let (missed, lost, rx) = state.announcements_after(last_seen);
    let mut first: Vec<Event> = Vec::new();
    if lost > 0 {
        first.push(Event::default().event("lagged").data(lost.to_string()));
    }
    let replayed = missed.last().map_or(0, |a| a.seq);
    first.extend(missed.iter().map(Announcement::to_event));
    let head = futures_util::stream::iter(first.into_iter().map(Ok));
    let stop = state.stopping();
    let live = futures_util::stream::unfold((rx, stop), move |(mut rx, mut stop)| async move {
        loop {
            if *stop.borrow() {
                return None;
            }
            let received = tokio::select! {
                r = rx.recv() => r,
                _ = stop.changed() => return None,
            };
            let event = match received {
                Ok(a) if a.seq <= replayed => continue,
                Ok(a) => a.to_event(),
                Err(RecvError::Lagged(n)) => Event::default().event("lagged").data(n.to_string()),
                Err(RecvError::Closed) => return None,
            };
            return Some((Ok(event), (rx, stop)));
        }
    });
    Ok(Sse::new(futures_util::StreamExt::chain(head, live)).keep_alive(KeepAlive::default()))
}

/// The `Last-Event-ID` a reconnecting client sends back: one of our event numbers (at most
/// 18 digits, so it fits an `i64` in every store), or 422 naming the header.
fn last_event_id(headers: &HeaderMap) -> ApiResult<Option<u64>> {
    let Some(raw) = headers.get("last-event-id") else {
        return Ok(None);
    };
    let text = raw.to_str().unwrap_or("").trim();
    match text.parse::<u64>() {
        Ok(n) if text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(n)),
        _ => Err(ApiError::Invalid(vec![FieldIssue::new(
            "Last-Event-ID",
            "invalid",
            format!("'{text}' is not an event number (at most 18 digits)"),
        )])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reconnecting_client_gets_what_it_missed_and_the_count_of_what_was_dropped() {
        let mut r = Replay::default();
        for _ in 0..REPLAY + 10 {
            r.push("planPublished", "{}".to_owned());
        }
        let (kept, lost) = r.after(Some(5));
        assert_eq!(lost, 5, "6..=10 were dropped");
        assert_eq!(kept.first().unwrap().seq, 11);
        assert_eq!(kept.len(), REPLAY);
        let (kept, lost) = r.after(Some((REPLAY + 8) as u64));
        assert_eq!((kept.len(), lost), (2, 0));
        assert_eq!(r.after(None).0.len(), 0);
        // A number from an earlier run replays everything kept.
        assert_eq!(r.after(Some(10_000)).0.len(), REPLAY);
    }
}
