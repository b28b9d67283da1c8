//! Members' page views, kept for their reading history off the request path: a page only
//! appends to a buffer; a background task writes the buffer in one transaction a second
//! (the store keeps one row per reader and work however many views).

use flourish_core::Visit;
use flourish_store::{ReadingStore, Store};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Views held at most between two writes. Past it, views are dropped and counted: history
/// is a convenience, and memory must stay bounded if the database is away.
const MAX_PENDING: usize = 100_000;
/// How often the buffer is written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct VisitLog {
    pending: Mutex<Vec<Visit>>,
    dropped: AtomicU64,
}

impl VisitLog {
    /// Notes a view; never waits on the database.
    pub fn note(&self, visit: Visit) {
        let mut pending = self.pending.lock().expect("visit log lock");
        if pending.len() < MAX_PENDING {
            pending.push(visit);
        } else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Writes what is buffered. On failure the views go back to the buffer, to be tried
    /// with the next write.
    pub async fn flush(&self, store: &Store) -> Result<usize, flourish_store::StoreError> {
        let batch = std::mem::take(&mut *self.pending.lock().expect("visit log lock"));
        if batch.is_empty() {
            return Ok(0);
        }
        match store.record_visits(&batch).await {
            Ok(()) => Ok(batch.len()),
            Err(e) => {
                let mut pending = self.pending.lock().expect("visit log lock");
                let room = MAX_PENDING.saturating_sub(pending.len());
                let kept = batch.len().min(room);
                self.dropped.fetch_add((batch.len() - kept) as u64, Ordering::Relaxed);
                pending.extend(batch.into_iter().take(kept));
                Err(e)
            }
        }
    }

    /// Writes the buffer every [`FLUSH_EVERY`] until the task is dropped.
    pub async fn run(&self, store: Store) {
        loop {
            tokio::time::sleep(FLUSH_EVERY).await;
            if let Err(e) = self.flush(&store).await {
                tracing::warn!(error = %e, "reading history: will retry");
            }
            let dropped = self.dropped.swap(0, Ordering::Relaxed);
            if dropped > 0 {
                tracing::warn!(dropped, "reading history: the buffer was full; these views were not kept");
            }
        }
    }
}
