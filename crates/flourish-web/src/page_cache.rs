//! Rendered work pages, cached for guests.
//!
//! A chapter page costs several queries and a template render; a reader asking for the same
//! chapter again gets the bytes from memory. Entries are evicted when the outbox says their
//! work changed, so a change shows within [`POLL`] on every node — each node runs its own
//! [`watch_outbox`] — and [`TTL`] bounds anything the outbox does not cover. Members are never
//! served from the cache, since what they see depends on who they are.

use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use flourish_core::WorkId;
use flourish_store::{OutboxStore, Store};
use moka::sync::Cache;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// How often each node reads the outbox.
pub const POLL: Duration = Duration::from_millis(250);
/// The longest an entry lives, whatever the outbox says.
pub const TTL: Duration = Duration::from_secs(60);
/// Outbox ids are re-read this far back: PostgreSQL may commit a lower id after a higher one.
const REREAD: i64 = 1000;

#[derive(Clone)]
struct Page {
    work: WorkId,
    content_type: HeaderValue,
    body: Bytes,
}

pub struct PageCache {
    pages: Cache<String, Page>,
    /// Works evicted recently, with the outbox id that evicted them, so a page rendered
    /// before a change cannot be stored after the eviction it missed.
    evicted: Cache<WorkId, i64>,
    /// The outbox id the watcher has applied up to.
    applied: AtomicI64,
}

impl PageCache {
    pub fn new(max_bytes: u64) -> PageCache {
        PageCache {
            pages: Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|k: &String, p: &Page| (k.len() + p.body.len()).try_into().unwrap_or(u32::MAX))
                .time_to_live(TTL)
                .support_invalidation_closures()
                .build(),
            evicted: Cache::builder().max_capacity(100_000).time_to_live(TTL).build(),
            applied: AtomicI64::new(0),
        }
    }

    /// Drops every page of `work` now, for a change this node just made: its outbox entry
    /// comes after everything applied so far, so pages rendered before it are not kept.
    pub fn forget(&self, work: WorkId) {
        self.evict(work, self.applied.load(Ordering::Acquire) + 1);
    }

    /// Drops every page of `work`, because outbox entry `id` changed it.
    pub fn evict(&self, work: WorkId, id: i64) {
        self.evicted.insert(work, id);
        // Closures only fail when support is not enabled, which `new` does.
        let _ = self.pages.invalidate_entries_if(move |_, page| page.work == work);
    }
}

/// The work a cacheable path belongs to: `/works/{id}`, `/works/{id}/…`.
fn work_of(path: &str) -> Option<WorkId> {
    let mut parts = path.strip_prefix("/works/")?.split('/');
    parts.next()?.parse().ok()
}

/// Middleware for the work pages: serve a guest's request from the cache, or render it and
/// keep the result.
pub async fn serve_cached(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cache = &state.page_cache;
    // Only guests' pages are the same for everyone; a member's carry their name and forms.
    let guest = request.extensions().get::<crate::auth::Visitor>().is_none_or(|v| v.account.is_none());
    let cacheable = request.method() == Method::GET && guest;
    let Some(work) = work_of(request.uri().path()).filter(|_| cacheable) else {
        return next.run(request).await;
    };
    let key = request.uri().to_string();
    let csrf = request.extensions().get::<crate::auth::Visitor>().map(|v| v.csrf.clone()).unwrap_or_default();
    if let Some(page) = cache.pages.get(&key) {
        return Response::builder()
            .header(header::CONTENT_TYPE, page.content_type)
            .body(Body::from(replace(&page.body, CSRF_SLOT.as_bytes(), csrf.as_bytes())))
            .unwrap_or_else(|_| Response::new(Body::empty()));
    }
    let started_at = cache.applied.load(Ordering::Acquire);
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let changed_since = cache.evicted.get(&work).is_some_and(|id| id > started_at);
    if let Some(content_type) = parts.headers.get(header::CONTENT_TYPE).filter(|_| !changed_since) {
        // The guest forms on the page (kudos, comments) carry this visitor's CSRF token; the
        // cached copy carries a slot each later guest's own token is put in.
        let body = if csrf.is_empty() { bytes.clone() } else { replace(&bytes, csrf.as_bytes(), CSRF_SLOT.as_bytes()) };
        cache.pages.insert(key, Page { work, content_type: content_type.clone(), body });
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// What stands for the visitor's CSRF token in a cached page. Tokens are 64 hex digits, so
/// neither can be mistaken for the other or for text a writer wrote around them.
const CSRF_SLOT: &str = "{{flourish-csrf-token}}";

/// `body` with every `from` replaced by `to`; the same bytes when there is none.
fn replace(body: &Bytes, from: &[u8], to: &[u8]) -> Bytes {
    let finder = memchr::memmem::Finder::new(from);
    let mut at = finder.find_iter(body).peekable();
    if at.peek().is_none() {
        return body.clone();
    }
    let mut out = Vec::with_capacity(body.len());
    let mut last = 0;
    for i in at {
        out.extend_from_slice(&body[last..i]);
        out.extend_from_slice(to);
        last = i + from.len();
    }
    out.extend_from_slice(&body[last..]);
    Bytes::from(out)
}

/// Follows the outbox for as long as the archive runs, evicting changed works' pages.
pub async fn watch_outbox(store: Store, cache: std::sync::Arc<PageCache>) {
    let mut seen: BTreeSet<i64> = BTreeSet::new();
    let mut head = match store.outbox_head().await {
        Ok(head) => head,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the outbox; starting from its beginning");
            0
        }
    };
    cache.applied.store(head, Ordering::Release);
    loop {
        tokio::time::sleep(POLL).await;
        match store.outbox_after(head.saturating_sub(REREAD), 10_000).await {
            Ok(entries) => {
                for entry in entries.iter().filter(|e| !seen.contains(&e.id)) {
                    cache.evict(entry.work, entry.id);
                }
                seen.extend(entries.iter().map(|e| e.id));
                head = head.max(entries.last().map_or(head, |e| e.id));
                seen = seen.split_off(&head.saturating_sub(REREAD));
                cache.applied.store(head, Ordering::Release);
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the outbox; cached pages may be stale until it answers"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_swapped_for_a_slot_and_back() {
        let page = Bytes::from_static(b"<input value=\"aa\"><p>x</p><input value=\"aa\">");
        let slotted = replace(&page, b"aa", CSRF_SLOT.as_bytes());
        assert!(!slotted.windows(2).any(|w| w == b"aa"));
        assert_eq!(
            replace(&slotted, CSRF_SLOT.as_bytes(), b"bb"),
            Bytes::from_static(b"<input value=\"bb\"><p>x</p><input value=\"bb\">")
        );
        assert_eq!(replace(&page, b"zz", b"q"), page);
    }

    #[test]
    fn only_work_paths_are_cached() {
        assert_eq!(work_of("/works/12"), Some(WorkId(12)));
        assert_eq!(work_of("/works/12/chapters/3"), Some(WorkId(12)));
        assert_eq!(work_of("/works/abc"), None);
        assert_eq!(work_of("/works"), None);
        assert_eq!(work_of("/tags/x/works"), None);
    }
}
