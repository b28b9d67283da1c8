//! Load shedding: more requests than a node can answer get a quick 503, not a long wait.
//!
//! Without a bound, every request a client sends is taken on at once: on two cores, past
//! the node's capacity each new request only lengthens the line inside it (for a pooled
//! database connection, a search thread, a core), every answer slows, and clients give up
//! on requests the node then still works through. Here at most
//! [`Admission::in_flight`] requests run at once; the next [`Admission::queued`] wait
//! for a place for at most [`MAX_WAIT`]; any beyond those, and any that waited too long,
//! are answered at once with a styled 503 and `Retry-After`. Nothing is kept per shed
//! request, so the node recovers by itself as soon as the load falls.
//!
//! `/healthz` and static files are let through: a load balancer must still see a busy
//! node alive, and both cost next to nothing.
//!
//! A place is held until the handler has its response, not while the body is sent: a
//! client that reads its answer slowly holds its own connection (`server`'s write
//! timeout ends it), never a place here.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, SemaphorePermit};

/// How long a request may wait for a place before it is answered with 503: past this, a
/// reader is better told to come back than kept watching a blank page.
pub const MAX_WAIT: Duration = Duration::from_secs(2);
/// What `Retry-After` tells a shed client, in seconds.
pub const RETRY_AFTER_SECS: u64 = 2;

/// The bound on requests a node works on and keeps waiting.
pub struct Admission {
    running: Semaphore,
    waiting: AtomicUsize,
    in_flight: usize,
    queued: usize,
    shed: AtomicU64,
    /// When a shed was last logged, in milliseconds since `started`: a warning at most
    /// every ten seconds, not one per request of a flood.
    last_warned: AtomicU64,
    started: Instant,
}

/// Takes one waiting request off the count when it is dropped, whether it got a place,
/// waited too long or its client went away.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Admission {
    /// `in_flight` requests at once, `queued` more waiting; `in_flight` 0 is no bound.
    pub fn new(in_flight: usize, queued: usize) -> Option<Admission> {
        (in_flight > 0).then(|| Admission {
            running: Semaphore::new(in_flight),
            waiting: AtomicUsize::new(0),
            in_flight,
            queued,
            shed: AtomicU64::new(0),
            last_warned: AtomicU64::new(0),
            started: Instant::now(),
        })
    }

    /// A place to run in, or `None` when the request is to be shed.
    async fn enter(&self) -> Option<SemaphorePermit<'_>> {
        if let Ok(place) = self.running.try_acquire() {
            return Some(place);
        }
        let ahead = self.waiting.fetch_add(1, Ordering::Relaxed);
        let _waiting = Waiting(&self.waiting);
        if ahead >= self.queued {
            return None;
        }
        tokio::time::timeout(MAX_WAIT, self.running.acquire()).await.ok()?.ok()
    }

    fn note_shed(&self) {
        let shed = self.shed.fetch_add(1, Ordering::Relaxed) + 1;
        let now = self.started.elapsed().as_millis() as u64;
        let last = self.last_warned.load(Ordering::Relaxed);
        if (last == 0 || now.saturating_sub(last) >= 10_000)
            && self.last_warned.compare_exchange(last, now.max(1), Ordering::Relaxed, Ordering::Relaxed).is_ok()
        {
            tracing::warn!(
                shed,
                in_flight = self.in_flight,
                queued = self.queued,
                "more requests than this node can answer: answering the excess with 503"
            );
        }
    }
}

/// The layer: runs the request in a place, or answers 503 with `Retry-After`.
pub async fn admit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(admission) = state.admission.as_ref() else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if path == "/healthz" || path.starts_with("/static/") {
        return next.run(request).await;
    }
    match admission.enter().await {
        Some(_place) => next.run(request).await,
        None => {
            admission.note_shed();
            AppError::Unavailable {
                retry_after: RETRY_AFTER_SECS,
                message: "The archive has more visitors than it can answer just now. Please try again in a moment."
                    .into(),
            }
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn past_the_places_and_the_line_requests_are_shed_at_once() {
        let admission = Arc::new(Admission::new(1, 1).unwrap());
        let running = admission.enter().await.expect("the first runs");
        // The second waits in line…
        let waiting = {
            let admission = admission.clone();
            tokio::spawn(async move { admission.enter().await.is_some() })
        };
        while admission.waiting.load(Ordering::Relaxed) == 0 {
            tokio::task::yield_now().await;
        }
        // …so the third finds the line full and is refused without waiting.
        let started = Instant::now();
        assert!(admission.enter().await.is_none());
        assert!(started.elapsed() < MAX_WAIT / 2, "a full line refuses at once");
        drop(running);
        assert!(waiting.await.unwrap(), "the one in line runs when a place frees");
        assert_eq!(admission.waiting.load(Ordering::Relaxed), 0);
        assert!(admission.enter().await.is_some(), "and the node takes requests again");
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_that_waits_too_long_is_shed() {
        let admission = Admission::new(1, 10).unwrap();
        let _running = admission.enter().await.unwrap();
        let started = tokio::time::Instant::now();
        assert!(admission.enter().await.is_none());
        assert_eq!(started.elapsed(), MAX_WAIT);
        assert_eq!(admission.waiting.load(Ordering::Relaxed), 0, "the line forgets it");
    }

    #[test]
    fn no_places_is_no_bound() {
        assert!(Admission::new(0, 100).is_none());
    }
}
