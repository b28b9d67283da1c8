//! Degraded, not down: what a node does while its PostgreSQL does not answer.
//!
//! Without this, a request that needs the database waits for a pooled connection until the
//! pool's acquire timeout (sqlx retries a refused connection until then), and a listing that
//! asks twice waits twice: readers saw pages hang for 20 seconds. Instead a watcher probes
//! the database on a connection of its own every [`PROBE_EVERY`]; while the probe fails,
//! [`gate`] answers every request that has not finished within [`GRACE`] with a styled 503
//! and `Retry-After` — a page the guest cache holds is served in microseconds, so those
//! still arrive — and requests already waiting when the database goes away are answered
//! the same way. When the probe succeeds again the node serves as before; the pool
//! reconnects by itself.
//!
//! SQLite has nothing to probe: it is a local file. Its one outage, a full disk, refuses
//! writes only, through the error mapping (`AppError::Unavailable`).

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use flourish_store::Store;
use std::time::Duration;
use tokio::sync::watch;

/// How often the watcher asks the database whether it answers.
pub const PROBE_EVERY: Duration = Duration::from_millis(250);
/// How long one probe may take before the database counts as gone. A healthy PostgreSQL
/// answers `SELECT 1` on an idle connection in about a millisecond, even under load.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(500);
/// While the database is gone, how long a request may run before it is answered with 503:
/// long enough for a cached page, short enough that nobody waits on a dead database.
pub const GRACE: Duration = Duration::from_millis(300);
/// What `Retry-After` tells clients while the database is gone, in seconds.
pub const RETRY_AFTER_SECS: u64 = 5;

/// Whether this node's database answers, as the watcher last found it.
pub struct DbHealth {
    down: watch::Sender<bool>,
}

impl Default for DbHealth {
    fn default() -> Self {
        DbHealth { down: watch::Sender::new(false) }
    }
}

impl DbHealth {
    pub fn is_down(&self) -> bool {
        *self.down.borrow()
    }

    fn set_down(&self, down: bool) {
        self.down.send_if_modified(|was| {
            let changed = *was != down;
            if changed {
                if down {
                    tracing::error!("the database does not answer: serving cached pages and 503 for the rest");
                } else {
                    tracing::warn!("the database answers again");
                }
            }
            *was = down;
            changed
        });
    }

    /// Probes `store` for as long as the node runs; returns at once for SQLite.
    pub async fn watch(&self, store: Store) {
        let Some(mut probe) = store.health_probe() else { return };
        loop {
            let answered = matches!(tokio::time::timeout(PROBE_TIMEOUT, probe.check()).await, Ok(Ok(())));
            self.set_down(!answered);
            tokio::time::sleep(PROBE_EVERY).await;
        }
    }
}

/// The answer to a request the database cannot serve now.
fn unavailable() -> Response {
    AppError::Unavailable {
        retry_after: RETRY_AFTER_SECS,
        message: "The archive's database is not answering right now. Please try again in a moment.".into(),
    }
    .into_response()
}

/// Middleware around every route but the health check and static files; see the module docs.
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // SQLite has no watcher (see the module docs): nothing to wait for on every request.
    if !state.store.is_shared() || path == "/healthz" || path.starts_with("/static/") {
        return next.run(request).await;
    }
    let mut down = state.db_health.down.subscribe();
    let served = next.run(request);
    if state.db_health.is_down() {
        return tokio::time::timeout(GRACE, served).await.unwrap_or_else(|_| unavailable());
    }
    // Up when the request came: let it run, but if the database goes away meanwhile, give
    // it the same grace as a request that came during the outage.
    let went_down = async move {
        // The guard `wait_for` returns is not Send: drop it here, not across an await.
        if down.wait_for(|down| *down).await.is_err() {
            // The watcher is gone with the state: never down.
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(served);
    tokio::select! {
        response = &mut served => response,
        () = went_down => tokio::time::timeout(GRACE, served).await.unwrap_or_else(|_| unavailable()),
    }
}
