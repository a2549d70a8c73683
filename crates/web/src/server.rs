//! The server loop: accept connections, serve each with hyper's HTTP/1, stop gracefully.
//!
//! A key design decision: this replaces `axum::serve`, which sets no timer on hyper, so
//! hyper's header-read timeout never fires and a client that sends half a request keeps its
//! connection for ever. Here every connection has [`ServeOptions::header_timeout`] to send
//! a request's head — counted from when the server starts waiting for it, so the same timer
//! closes a keep-alive connection left idle — the head must fit in
//! [`MAX_HEAD_BUFFER`] (hyper answers 431 beyond), and at most
//! [`ServeOptions::max_connections`] are open at once: at the cap the loop stops accepting
//! until one closes, and new clients wait in the kernel's backlog.
//!
//! HTTP/1.1 only: HTTP/2 without TLS (h2c) is not spoken by browsers, and a connection
//! that has not said which version it speaks would wait outside any timer.
//!
//! It must never stop on a client's error: a failed accept or a broken connection is logged
//! and the loop goes on. On shutdown it stops accepting, lets each connection finish the
//! request it is answering (idle ones close at once), and gives up after
//! [`ServeOptions::grace`].

use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The most bytes of a request head hyper buffers; beyond it hyper itself answers 431 with
/// an empty body. The app's own limits ([`crate::envelope`]) are lower and answer first.
pub const MAX_HEAD_BUFFER: usize = 64 * 1024;

/// How the server treats connections.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Time to send a request's head, and the most a keep-alive connection stays idle.
    pub header_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// How long a shutdown waits for connections to finish.
    pub grace: Duration,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions { header_timeout: Duration::from_secs(5), max_connections: 512, grace: Duration::from_secs(10) }
    }
}

/// Connection counters for the operator.
#[derive(Debug, Default)]
pub struct Connections {
    open: AtomicUsize,
    accepted: AtomicU64,
    closed_with_error: AtomicU64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ConnectionStats {
    /// Connections open now.
    pub open: usize,
    /// Connections accepted since the start.
    pub accepted: u64,
    /// Connections that ended in an error: the header timeout, a malformed request, a reset.
    pub closed_with_error: u64,
}

impl Connections {
    pub fn stats(&self) -> ConnectionStats {
        ConnectionStats {
            open: self.open.load(Ordering::Relaxed),
            accepted: self.accepted.load(Ordering::Relaxed),
            closed_with_error: self.closed_with_error.load(Ordering::Relaxed),
        }
    }
}

/// Serve `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    connections: Arc<Connections>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(options.header_timeout).max_buf_size(MAX_HEAD_BUFFER).keep_alive(true);
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(options.max_connections.max(1)));
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the connection semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        connections.accepted.fetch_add(1, Ordering::Relaxed);
        connections.open.fetch_add(1, Ordering::Relaxed);
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let conn = graceful.watch(conn);
        let connections = connections.clone();
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                connections.closed_with_error.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(error = %e, "connection closed with an error");
            }
            connections.open.fetch_sub(1, Ordering::Relaxed);
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(options.grace) => tracing::warn!("connections still open after {:?}; stopping anyway", options.grace),
    }
    Ok(())
}
