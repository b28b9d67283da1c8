//! Keeping the index in step with the database by tailing the outbox (DESIGN.md).
//!
//! Every write that changes a listing adds an outbox row in its transaction. The indexer
//! reads rows after the position its last commit recorded, reloads those works and
//! replaces their documents, then commits the new position with them: after a crash it
//! resumes from the last commit, and applying a row twice is harmless.
//!
//! On PostgreSQL, ids come from a sequence and transactions can commit out of id order, so
//! a row can appear below the position already passed. The indexer therefore rereads a
//! window below its position and applies any row in it it has not applied yet.

use crate::graph::TagGraph;
use crate::index::{SearchError, SearchIndex};
use flourish_core::{TagId, WorkId};
use flourish_store::{IndexSource, OutboxStore, Store, TagStore};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How far below its position the indexer looks for late commits.
const REREAD: i64 = 512;
/// Outbox rows applied per commit.
const BATCH: u32 = 1000;
/// Works loaded per query during a rebuild.
const REBUILD_BATCH: u32 = 500;
/// How often autocomplete (new tags, wrangling, use counts) is rebuilt while works change.
const USES_REFRESH: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Indexer {
    pub index: Arc<SearchIndex>,
    store: Store,
    /// Entry ids applied within the reread window.
    applied: Arc<Mutex<BTreeSet<i64>>>,
    /// When autocomplete's use counts were last recomputed, and whether works changed since.
    uses_refreshed: Arc<Mutex<(std::time::Instant, bool)>>,
}

impl Indexer {
    pub fn new(index: Arc<SearchIndex>, store: Store) -> Indexer {
        Indexer {
            index,
            store,
            applied: Arc::default(),
            uses_refreshed: Arc::new(Mutex::new((std::time::Instant::now(), false))),
        }
    }

    /// Loads the tag graph, then brings the index up to date: a full rebuild when it is
    /// empty but the archive is not, otherwise a catch-up from its last position.
    pub async fn start(&self) -> Result<(), SearchError> {
        if self.index.position() == 0 && self.index.doc_count() == 0 {
            // A rebuild loads the graph and builds autocomplete itself.
            self.rebuild(|_| {}).await?;
            return Ok(());
        }
        self.load_graph().await?;
        self.catch_up().await?;
        self.refresh_autocomplete().await;
        Ok(())
    }

    /// Rebuilds autocomplete now (new tags, wrangling, use counts), off the request threads.
    pub async fn refresh_autocomplete(&self) {
        // Whatever changed until now is in this rebuild: the next one waits for new changes.
        *self.uses_refreshed.lock().expect("uses lock") = (std::time::Instant::now(), false);
        let index = self.index.clone();
        let _ = tokio::task::spawn_blocking(move || index.refresh_autocomplete()).await;
    }

    async fn load_graph(&self) -> Result<(), SearchError> {
        let generation = self.store.wrangling_generation().await?;
        let tags = self.store.all_tags().await?;
        let edges = self.store.meta_edges().await?;
        let mut graph = TagGraph::new(tags, &edges);
        graph.generation = generation;
        self.index.set_graph(graph);
        Ok(())
    }

    /// Brings the graph up to date: a full reload after wrangling, else just new tags.
    async fn refresh_graph(&self) -> Result<(), SearchError> {
        let current = self.index.graph();
        if self.store.wrangling_generation().await? != current.generation {
            return self.load_graph().await;
        }
        let new_tags = self.store.tags_after(TagId(current.max_id())).await?;
        if !new_tags.is_empty() {
            let mut graph = (*current).clone();
            graph.add_tags(new_tags);
            self.index.set_graph(graph);
        }
        Ok(())
    }

    /// Rebuilds the index from the database; returns the number of works indexed.
    pub async fn rebuild(&self, mut progress: impl FnMut(u64)) -> Result<u64, SearchError> {
        // Rows added while rebuilding are applied afterwards by the catch-up.
        let head = self.store.outbox_head().await?;
        self.load_graph().await?;
        self.index.clear()?;
        let mut after = WorkId(0);
        let mut count = 0;
        loop {
            let works = self.store.works_for_index_after(after, REBUILD_BATCH).await?;
            let Some(last) = works.last() else { break };
            after = last.id;
            count += works.len() as u64;
            let index = self.index.clone();
            tokio::task::spawn_blocking(move || index.add_new(&works)).await.expect("indexing task")?;
            progress(count);
        }
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.commit_at(head)).await.expect("commit task")?;
        self.applied.lock().expect("applied lock").clear();
        self.catch_up().await?;
        self.refresh_autocomplete().await;
        Ok(count)
    }

    /// Applies outbox rows until none are left; returns how many were applied.
    pub async fn catch_up(&self) -> Result<usize, SearchError> {
        let mut total = 0;
        loop {
            let (applied, more) = self.poll_batch().await?;
            total += applied;
            // Only a full batch means rows are waiting. Rows that arrived while this one was
            // applied wait for the next poll: under a steady stream of writes (kudos), going
            // round at once made a commit, a new segment and soon a merge every few
            // milliseconds, and the merges took a third of the CPU.
            if !more {
                return Ok(total);
            }
        }
    }

    /// Applies one batch of new outbox rows (and late ones in the reread window).
    pub async fn poll(&self) -> Result<usize, SearchError> {
        Ok(self.poll_batch().await?.0)
    }

    /// [`Self::poll`], and whether the batch was full (more rows may be waiting).
    async fn poll_batch(&self) -> Result<(usize, bool), SearchError> {
        let position = self.index.position();
        let entries = self.store.outbox_after((position - REREAD).max(0), BATCH).await?;
        let full = entries.len() >= BATCH as usize;
        let fresh: Vec<_> = {
            let applied = self.applied.lock().expect("applied lock");
            entries.into_iter().filter(|e| e.id > position || !applied.contains(&e.id)).collect()
        };
        // Rows at or below the position were applied before this process started
        // (or are late commits not seen yet); only the ones above move the position.
        if fresh.is_empty() {
            self.maybe_refresh_uses().await;
            return Ok((0, full));
        }
        self.refresh_graph().await?;
        let mut ids: Vec<WorkId> = fresh.iter().map(|e| e.work).collect();
        ids.sort_unstable();
        ids.dedup();
        let works = self.store.works_for_index(&ids).await?;
        let new_position = fresh.iter().map(|e| e.id).max().unwrap_or(position).max(position);
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.apply(&ids, &works, new_position)).await.expect("indexing task")?;
        {
            let mut applied = self.applied.lock().expect("applied lock");
            applied.extend(fresh.iter().map(|e| e.id));
            let floor = new_position - REREAD;
            *applied = applied.split_off(&floor);
        }
        self.uses_refreshed.lock().expect("uses lock").1 = true;
        self.maybe_refresh_uses().await;
        Ok((fresh.len(), full))
    }

    /// Recomputes autocomplete's use counts when works changed and the last count is
    /// older than [`USES_REFRESH`]. On a large archive that takes a second of CPU, so it
    /// runs on the blocking pool, never on a thread that serves requests.
    async fn maybe_refresh_uses(&self) {
        {
            let state = self.uses_refreshed.lock().expect("uses lock");
            if !state.1 || state.0.elapsed() < USES_REFRESH {
                return;
            }
        }
        self.refresh_autocomplete().await;
    }

    /// Polls the outbox every `interval` until the task is dropped. Errors are logged and
    /// retried: the database may be briefly away.
    pub fn spawn(self, interval: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match self.catch_up().await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(entries = n, position = self.index.position(), "search index updated"),
                    Err(e) => tracing::warn!(error = %e, "search indexer: will retry"),
                }
                tokio::time::sleep(interval).await;
            }
        })
    }
}
