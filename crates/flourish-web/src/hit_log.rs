//! Hits for creators' statistics, counted off the request path: the work pages' middleware
//! ([`count`], outside the page cache, so a cached page is a hit too) only adds the view to
//! a buffer; a background task hands the buffer to the store every few seconds, which
//! counts each visitor once per work and chapter per day.
//!
//! A visitor is a keyed hash that changes daily (`visitors::hit_key`): an account, or an
//! address with its browser. A creator's visits to their own work and self-declared bots
//! are not hits.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use flourish_store::{Hit, StatisticsStore, Store};
use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// New (visitor, page) pairs held at most between two writes; past it they are dropped and
/// counted. It bounds memory if the database is away, and the database's work under a
/// flood: 10,000 new pairs in 5 s is 170 million a day, hundreds of times what the busiest
/// archive sees. With a new visitor every request and room for 50,000, the writes took up
/// to two thirds of a cached page's throughput (bench/hits.sh).
const MAX_PENDING: usize = 10_000;
/// How often the buffer is written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// Hits written per transaction.
const HITS_PER_WRITE: usize = 10_000;

#[derive(Default)]
pub struct HitLog {
    /// A set: the same visitor reading the same page again within the interval is one
    /// entry, so a busy page costs memory per reader, not per request.
    pending: Mutex<HashSet<Hit>>,
    dropped: AtomicU64,
}

impl HitLog {
    /// Notes a view; never waits on the database.
    pub fn note(&self, hit: Hit) {
        let mut pending = self.pending.lock().expect("hit log lock");
        if pending.len() < MAX_PENDING || pending.contains(&hit) {
            pending.insert(hit);
        } else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Writes what is buffered; on failure it goes back to the buffer for the next write.
    pub async fn flush(&self, store: &Store) -> Result<u64, flourish_store::StoreError> {
        let batch: Vec<Hit> = std::mem::take(&mut *self.pending.lock().expect("hit log lock")).into_iter().collect();
        if batch.is_empty() {
            return Ok(0);
        }
        let mut counted = 0;
        // In transactions of a bounded size: a busy interval must not hold the database's
        // writer for long.
        for (i, chunk) in batch.chunks(HITS_PER_WRITE).enumerate() {
            match store.record_hits(chunk).await {
                Ok(n) => counted += n,
                Err(e) => {
                    let mut pending = self.pending.lock().expect("hit log lock");
                    for hit in batch.into_iter().skip(i * HITS_PER_WRITE) {
                        if pending.len() >= MAX_PENDING {
                            self.dropped.fetch_add(1, Ordering::Relaxed);
                        } else {
                            pending.insert(hit);
                        }
                    }
                    return Err(e);
                }
            }
        }
        Ok(counted)
    }

    /// Writes the buffer every [`FLUSH_EVERY`] until the task is dropped.
    pub async fn run(&self, store: Store) {
        loop {
            tokio::time::sleep(FLUSH_EVERY).await;
            if let Err(e) = self.flush(&store).await {
                tracing::warn!(error = %e, "hits: will retry");
            }
            let dropped = self.dropped.swap(0, Ordering::Relaxed);
            if dropped > 0 {
                tracing::warn!(dropped, "hits: more new visitors than one write takes; these were not counted");
            }
        }
    }
}

/// Whether a browser says it is a robot: crawlers name themselves so.
pub fn is_bot(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    ["bot", "crawl", "spider", "slurp", "preview", "fetch", "monitor"].iter().any(|w| ua.contains(w))
}

/// `(work, chapter)` of a work page's path: `/works/1` or `/works/1/chapters/2`.
fn page_of(path: &str) -> Option<(i64, Option<i64>)> {
    let rest = path.strip_prefix("/works/")?;
    let mut parts = rest.split('/');
    let work = parts.next()?.parse().ok()?;
    match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => Some((work, None)),
        (Some("chapters"), Some(chapter), None) => Some((work, Some(chapter.parse().ok()?))),
        _ => None,
    }
}

/// Middleware for the work pages: a page served (rendered or from the cache) is a hit.
pub async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some((work, chapter)) = (request.method() == Method::GET).then(|| page_of(request.uri().path())).flatten()
    else {
        return next.run(request).await;
    };
    let user_agent =
        request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let who = request.extensions().get::<crate::auth::Visitor>().map(|v| (v.account.as_ref().map(|a| a.id), v.address));
    let response = next.run(request).await;
    if let (Some((member, address)), StatusCode::OK) = (who, response.status())
        && !is_bot(&user_agent)
    {
        let day = time::OffsetDateTime::now_utc().unix_timestamp().div_euclid(flourish_store::library::statistics::DAY);
        match crate::visitors::hit_key(&state, day, member, address, &user_agent).await {
            Ok(key) => state.hits.note(Hit { day, work, chapter, visitor: key, member: member.map(|m| m.0) }),
            Err(e) => tracing::warn!(error = %e, "hits: no visitor key"),
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_pages_and_bots_are_told_apart() {
        assert_eq!(page_of("/works/12"), Some((12, None)));
        assert_eq!(page_of("/works/12/chapters/40"), Some((12, Some(40))));
        assert_eq!(page_of("/works/12/navigate"), None);
        assert_eq!(page_of("/works/x/chapters/40"), None);
        assert!(is_bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
        assert!(is_bot("Mozilla/5.0 (compatible; bingbot/2.0)"));
        assert!(!is_bot("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"));
    }
}
