//! The HTTP/1.1 server loop behind [`super::serve`], with the limits that keep slow or
//! numerous clients from wearing the service down:
//!
//! - at most [`Settings::max_connections`] open connections: beyond that the loop stops
//!   accepting until one closes (new clients wait in the kernel's backlog);
//! - a request head must arrive within [`Settings::header_read_timeout`] (hyper's timer: a
//!   client that sends its headers a byte at a time, or an idle keep-alive connection, is
//!   closed); bodies have their own limit when they are read ([`super::body`]);
//! - on shutdown: no new connection, every job cancelled ([`AppState::stop`]), each open
//!   connection finishes its request and closes, all within [`DRAIN`]; then cancelled jobs
//!   get [`JOBS_SETTLE`] to record their end.
//!
//! [`Settings::max_connections`]: super::Settings::max_connections
//! [`Settings::header_read_timeout`]: super::Settings::header_read_timeout

use super::AppState;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long open requests may take to finish once the server is told to stop.
pub const DRAIN: Duration = Duration::from_secs(2);

/// How long cancelled jobs may take to record their end once the connections are closed.
const JOBS_SETTLE: Duration = Duration::from_secs(1);

/// Serves `router` on `listener` until `shutdown` resolves, then stops `state` and drains.
pub async fn run(
    listener: TcpListener,
    router: Router,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let settings = state.settings().clone();
    let slots = Arc::new(Semaphore::new(settings.max_connections.max(1)));
    // Every connection task holds a receiver: the sender sees it closed once all have ended.
    let (open_tx, open_rx) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, never spin.
                    tracing::warn!("accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection = serve_connection(
            stream,
            router.clone(),
            state.stopping(),
            settings.header_read_timeout,
        );
        let open = open_rx.clone();
        tokio::spawn(async move {
            connection.await;
            drop((permit, open));
        });
    }
    drop(listener);
    state.stop();
    drop(open_rx);
    if tokio::time::timeout(DRAIN, open_tx.closed()).await.is_err() {
        tracing::warn!("open requests did not finish within {DRAIN:?}; closing them");
    }
    // A cancelled job records itself as cancelled once its solver returns; one still running
    // after this is marked failed ("interrupted by a restart") on the next start.
    let settled = async {
        while !state.jobs().is_empty() {
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    };
    if tokio::time::timeout(JOBS_SETTLE, settled).await.is_err() {
        tracing::warn!("{} job(s) still running at shutdown", state.jobs().len());
    }
    Ok(())
}

/// One connection, until it closes; asked to close after its current request once
/// `stopping` turns true.
async fn serve_connection(
    stream: tokio::net::TcpStream,
    router: Router,
    mut stopping: tokio::sync::watch::Receiver<bool>,
    header_read_timeout: Duration,
) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let service = TowerToHyperService::new(router);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    let outcome = tokio::select! {
        outcome = conn.as_mut() => outcome,
        () = async {
            // The guard `wait_for` returns must not live across the next await.
            let _ = stopping.wait_for(|s| *s).await.map(|_| ());
        } => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = outcome {
        tracing::debug!("connection closed: {e}");
    }
}
