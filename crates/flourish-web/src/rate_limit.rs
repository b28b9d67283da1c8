//! Requests per client address: AO3's 300 requests per 300 seconds by default. Over the
//! limit a client gets 429, `Retry-After` and a page that explains; static assets and the
//! health check are not counted.
//!
//! Each node counts in memory (a token bucket per address). On PostgreSQL, where several
//! nodes may serve one client in turn, the limit also holds for the archive as a whole
//! ([`Shared`]): every node adds its requests to a count per client per fixed window in
//! the database. A client far from the limit costs nothing there — its requests are
//! counted locally and added once a second — and from a quarter of the limit on, each of
//! its requests is added at once and checked against the total, so the limit is exact
//! where it matters. A client on n nodes can pass it by at most what the other nodes had
//! not yet added: under a quarter of the limit each, for up to four nodes none at all.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use flourish_store::Store;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

pub struct Limiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    pub shared: Shared,
}

impl Limiter {
    /// `requests` per `per`; `None` when `requests` is 0 (no limit).
    pub fn new(requests: u32, per: Duration) -> Option<Limiter> {
        let burst = NonZeroU32::new(requests)?;
        let quota = Quota::with_period(per / requests)?.allow_burst(burst);
        Some(Limiter {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            shared: Shared {
                requests: u64::from(requests),
                window_secs: per.as_secs().max(1) as i64,
                clients: Default::default(),
            },
        })
    }

    /// `Err(seconds to wait)` when `address` is over its limit.
    pub fn check(&self, address: IpAddr) -> Result<(), u64> {
        self.limiter.check_key(&address).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    /// Forgets addresses that are back under their limit, so memory follows the clients
    /// seen recently rather than every client ever.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// The archive-wide count (see the module docs), used on PostgreSQL.
pub struct Shared {
    requests: u64,
    window_secs: i64,
    /// Per client key (which names its window): requests not yet added, and the total the
    /// database last gave.
    clients: Mutex<HashMap<String, Counted>>,
}

#[derive(Clone, Copy, Default)]
struct Counted {
    window: i64,
    pending: u64,
    known: u64,
}

impl Shared {
    /// The window `now` (Unix seconds) falls in, by its start.
    fn window(&self, now: i64) -> i64 {
        now - now.rem_euclid(self.window_secs)
    }

    /// Counts one request of `client` (a key for this window); `Err(seconds to wait)`
    /// when the archive as a whole has had too many from it.
    async fn check(&self, store: &Store, client: &str, window: i64, now: i64) -> Result<(), u64> {
        let wait = || (window + self.window_secs - now).max(1) as u64;
        let add = {
            let mut clients = self.clients.lock().expect("counts lock");
            let c = clients.entry(client.to_owned()).or_insert(Counted { window, ..Default::default() });
            if c.known >= self.requests {
                return Err(wait());
            }
            c.pending += 1;
            if (c.known + c.pending) * 4 < self.requests {
                return Ok(());
            }
            std::mem::take(&mut c.pending)
        };
        match store.count_requests(client, window, add as i64).await {
            Ok(total) => {
                let total = total.max(0) as u64;
                if let Some(c) = self.clients.lock().expect("counts lock").get_mut(client) {
                    c.known = c.known.max(total);
                }
                if total > self.requests { Err(wait()) } else { Ok(()) }
            }
            // Without the database the node's own count still stands.
            Err(e) => {
                tracing::warn!(error = %e, "cannot add to the shared request count");
                Ok(())
            }
        }
    }

    /// Adds what each client's requests have not yet added, learns the totals, and
    /// forgets past windows: once a second on every node (`start_background_tasks`).
    pub async fn sync(&self, store: &Store) {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let window = self.window(now);
        let pending: Vec<(String, i64, u64)> = {
            let mut clients = self.clients.lock().expect("counts lock");
            clients.retain(|_, c| c.window >= window);
            clients
                .iter_mut()
                .filter(|(_, c)| c.pending > 0)
                .map(|(k, c)| (k.clone(), c.window, std::mem::take(&mut c.pending)))
                .collect()
        };
        for (client, window, add) in pending {
            match store.count_requests(&client, window, add as i64).await {
                Ok(total) => {
                    if let Some(c) = self.clients.lock().expect("counts lock").get_mut(&client) {
                        c.known = c.known.max(total.max(0) as u64);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot add to the shared request count"),
            }
        }
        if now % 60 == 0
            && let Err(e) = store.forget_request_counts(window - self.window_secs).await
        {
            tracing::warn!(error = %e, "cannot forget old request counts");
        }
    }
}

pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(limiter) = state.rate_limiter.as_ref() else { return next.run(request).await };
    let path = request.uri().path();
    if path.starts_with("/static/") || path == "/healthz" {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let address = crate::auth::client_address(&parts, state.config.trust_proxy);
    let mut checked = limiter.check(address);
    if checked.is_ok() && state.store.is_shared() {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let window = limiter.shared.window(now);
        if let Ok(client) = crate::visitors::request_key(&state, window, address).await {
            checked = limiter.shared.check(&state.store, &client, window, now).await;
        }
    }
    if let Err(wait) = checked {
        return AppError::TooManyRequests {
            retry_after: wait.max(1),
            message: format!(
                "You have made a lot of requests in a short time. Please wait {} seconds and try again.",
                wait.max(1)
            ),
        }
        .into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_allows_a_burst_then_says_how_long_to_wait() {
        let limiter = Limiter::new(3, Duration::from_secs(300)).unwrap();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(a).is_ok());
        }
        let wait = limiter.check(a).unwrap_err();
        assert!((1..=100).contains(&wait), "{wait}");
        assert!(limiter.check(b).is_ok(), "addresses are counted apart");
        assert!(Limiter::new(0, Duration::from_secs(1)).is_none());
    }

    #[test]
    fn windows_start_on_their_boundaries() {
        let limiter = Limiter::new(300, Duration::from_secs(300)).unwrap();
        assert_eq!(limiter.shared.window(1_700_000_123), 1_700_000_100);
        assert_eq!(limiter.shared.window(1_700_000_100), 1_700_000_100);
    }
}
