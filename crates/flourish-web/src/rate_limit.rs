//! Requests per client address: AO3's 300 requests per 300 seconds by default. Over the
//! limit a client gets 429, `Retry-After` and a page that explains. Counted per node (a
//! client spread over n nodes by a balancer gets up to n times the limit); static assets
//! and the health check are not counted.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

pub struct Limiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl Limiter {
    /// `requests` per `per`; `None` when `requests` is 0 (no limit).
    pub fn new(requests: u32, per: Duration) -> Option<Limiter> {
        let burst = NonZeroU32::new(requests)?;
        let quota = Quota::with_period(per / requests)?.allow_burst(burst);
        Some(Limiter { limiter: RateLimiter::keyed(quota), clock: DefaultClock::default() })
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

pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(limiter) = state.rate_limiter.as_ref() else { return next.run(request).await };
    let path = request.uri().path();
    if path.starts_with("/static/") || path == "/healthz" {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let address = crate::auth::client_address(&parts, state.config.trust_proxy);
    if let Err(wait) = limiter.check(address) {
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
}
