//! Accepts the preview server's connections: HTTP/1 with a deadline for each request's headers.
//! `axum::serve` sets no timer, so a client that opened a connection and never finished its
//! request held it (and its buffers) for as long as it liked.

use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// How long a client may take to send a request's headers, and how long an idle keep-alive
/// connection stays open. Browsers and `wrk` send headers at once and reconnect when an idle
/// connection is closed; live-reload streams are responses and have no deadline.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until the task is dropped.
pub async fn run(listener: TcpListener, app: Router) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // A client that gave up before we accepted is its own business; anything else
                // (out of file descriptors) passes with time, so wait instead of spinning.
                if !matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                ) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                continue;
            }
        };
        let conn =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        tokio::spawn(async move {
            // A connection that fails (reset, timed out, malformed) concerns only its client.
            let _ = conn.await;
        });
    }
}
