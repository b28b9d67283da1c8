//! Accepting connections and serving HTTP/1.1 on them: what `axum::serve` does, plus the
//! limits it leaves out.
//!
//! `axum::serve` gives hyper no timer, and hyper applies its header read timeout only with
//! one: a client that sends its request line and then a header byte every few seconds
//! (slowloris) held its connection, and a task, for as long as it liked. Here every
//! connection must finish its headers within [`ServeOptions::header_timeout`] and keep them
//! under [`ServeOptions::max_header_bytes`] (hyper answers 431 past it), and shutdown lets
//! requests in flight finish.
//!
//! The other way round, a client that stops reading its answer would keep its connection,
//! and the answer's bytes, forever: a write that has waited [`ServeOptions::write_timeout`]
//! for the client ends the connection (nginx's `send_timeout`, 60 s there).

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Limits on each connection.
#[derive(Clone, Copy, Debug)]
pub struct ServeOptions {
    /// How long a client may take to send a request's line and headers.
    pub header_timeout: Duration,
    /// The most a request's line and headers may take, in bytes.
    pub max_header_bytes: usize,
    /// How long one write may wait for a client that does not read.
    pub write_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        // nginx allows 60 s and 32 KiB by default; browsers send a few hundred bytes at once.
        ServeOptions {
            header_timeout: Duration::from_secs(10),
            max_header_bytes: 64 << 10,
            write_timeout: Duration::from_secs(30),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then waits for the requests
/// in flight (at most 30 s). Each request carries the client's address as
/// `ConnectInfo<SocketAddr>`, as `into_make_service_with_connect_info` would give it.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(options.header_timeout).max_header_size(options.max_header_bytes);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, address) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: wait for connections to close.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(move |request: axum::http::Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(address));
            request
        });
        let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
        stream.set_write_timeout(Some(options.write_timeout));
        let io = TokioIo::new(Box::pin(stream));
        let connection = graceful.watch(http.serve_connection(io, TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still in flight after 30 s; stopping anyway");
    }
}
