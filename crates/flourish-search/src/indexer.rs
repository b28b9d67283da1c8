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
//!
//! A row that changed only a work's counts (kudos, comments) is passed into a backlog
//! (`backlog.rs`) and applied in turns at least [`COUNTS_GAP`] apart, so a flood of kudos
//! cannot take the CPU from readers. The checkpoint records the first
//! such row not yet applied; a restart re-reads the backlog from there.

use crate::backlog::CountsBacklog;
use crate::graph::TagGraph;
use crate::index::{SearchError, SearchIndex};
use flourish_core::{TagId, WorkId};
use flourish_store::{BookmarkIndexSource, IndexSource, OutboxStore, Store, TagStore};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How far below its position the indexer looks for late commits.
const REREAD: i64 = 512;
/// Outbox rows applied per commit.
const BATCH: u32 = 1000;
/// Works loaded per query during a rebuild.
const REBUILD_BATCH: u32 = 500;
/// How often autocomplete (new tags, wrangling, use counts) is rebuilt while works change.
const USES_REFRESH: Duration = Duration::from_secs(10);
/// Counts-only changes applied per turn, at most.
const COUNTS_PER_TURN: usize = 1000;
/// The least time between two turns. A turn's cost is mostly its commit (a new segment,
/// its files, a reader reload: about 30 ms whether it carries 1 work or 50, 120 ms for
/// 1,000), so the backlog is applied in few, large turns. A kudos reaches listings and
/// sorts within this time of a quiet archive; under 2,000 kudos a second the backlog
/// drains at 200 works a second, and a reader's page p99 went from 2.2 to 1.45 times its
/// p99 alone against turns of 50 as often as the share allowed (bench/conversation.sh).
const COUNTS_GAP: Duration = Duration::from_secs(5);
/// The most of the wall time turns may take, for when a turn is slow (a large archive, a
/// remote database): after a turn that took `t`, the next waits `t * (1 / share - 1)` if
/// that is longer than the gap.
const COUNTS_SHARE: f64 = 0.1;

/// Whether counts-only changes wait for their turn ([`Indexer::spawn`]'s loop) or are all
/// applied now ([`Indexer::catch_up`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pace {
    Bounded,
    AllNow,
}

/// The counts-only backlog and when its next turn may start.
struct Counts {
    backlog: CountsBacklog,
    next_turn: Instant,
}

#[derive(Clone)]
pub struct Indexer {
    pub index: Arc<SearchIndex>,
    store: Store,
    /// Entry ids applied within the reread window.
    applied: Arc<Mutex<BTreeSet<i64>>>,
    /// When autocomplete's use counts were last recomputed, and whether works changed since.
    uses_refreshed: Arc<Mutex<(std::time::Instant, bool)>>,
    counts: Arc<Mutex<Counts>>,
    counts_share: f64,
    /// Bookmark outbox rows applied within the reread window.
    bookmarks_applied: Arc<Mutex<BTreeSet<i64>>>,
}

impl Indexer {
    pub fn new(index: Arc<SearchIndex>, store: Store) -> Indexer {
        Indexer {
            index,
            store,
            applied: Arc::default(),
            uses_refreshed: Arc::new(Mutex::new((std::time::Instant::now(), false))),
            counts: Arc::new(Mutex::new(Counts { backlog: CountsBacklog::default(), next_turn: Instant::now() })),
            counts_share: COUNTS_SHARE,
            bookmarks_applied: Arc::default(),
        }
    }

    /// Spends at most `share` of the time on counts-only changes instead of
    /// [`COUNTS_SHARE`] (tests hold the backlog back with a tiny share).
    pub fn with_counts_share(mut self, share: f64) -> Indexer {
        self.counts_share = share.clamp(1e-9, 1.0);
        self
    }

    /// Counts-only changes passed but not in the index yet.
    pub fn counts_waiting(&self) -> usize {
        self.counts.lock().expect("counts lock").backlog.len()
    }

    /// Loads the tag graph, then brings the index up to date: a full rebuild when it is
    /// empty but the archive is not, otherwise a catch-up from its last position; then
    /// builds autocomplete.
    pub async fn start(&self) -> Result<(), SearchError> {
        if self.open().await? {
            self.refresh_autocomplete().await;
        }
        Ok(())
    }

    /// [`Indexer::start`] without building autocomplete, which `serve` does once it is
    /// answering: at 1,000,000 works the build takes 1.5 s of a 2.2 s start, and until it
    /// is done autocomplete suggests nothing while every page is served. Returns whether
    /// autocomplete is still to build (a rebuild builds it itself).
    pub async fn open(&self) -> Result<bool, SearchError> {
        if self.index.position() == 0 && self.index.doc_count() == 0 {
            self.rebuild(|_| {}).await?;
            return Ok(false);
        }
        let started = Instant::now();
        self.load_graph().await?;
        let graph_ms = started.elapsed().as_millis() as u64;
        if self.index.bookmarks.position() == 0 && self.index.bookmarks.doc_count() == 0 {
            // An index from before bookmarks were indexed.
            self.rebuild_bookmarks().await?;
        }
        self.reload_counts_backlog().await?;
        self.catch_up_with(Pace::Bounded).await?;
        tracing::info!(graph_ms, caught_up_ms = started.elapsed().as_millis() as u64, "search index opened");
        Ok(true)
    }

    /// After a restart: the counts-only rows the last commit passed without applying.
    async fn reload_counts_backlog(&self) -> Result<(), SearchError> {
        let (from, position) = (self.index.counts_from(), self.index.position());
        if from == 0 {
            return Ok(());
        }
        let mut after = from - 1;
        while after < position {
            let entries = self.store.outbox_after(after, BATCH).await?;
            let Some(last) = entries.last() else { break };
            after = last.id;
            let mut counts = self.counts.lock().expect("counts lock");
            for e in entries.iter().filter(|e| e.counts_only && e.id <= position) {
                counts.backlog.add(e.id, e.work);
            }
        }
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
        let mut count = 0;
        // The works' tags come from the graph just loaded, not from the database again.
        let graph = self.index.graph();
        let known = |id: TagId| graph.get(id.0).map(|t| t.to_tag());
        // Reading a batch from the database and indexing the one before it overlap: each
        // alone leaves a core idle.
        let mut works = self.store.works_for_index_after(WorkId(0), REBUILD_BATCH, &known).await?;
        while let Some(last) = works.last() {
            let after = last.id;
            count += works.len() as u64;
            let index = self.index.clone();
            let indexing = tokio::task::spawn_blocking(move || index.add_new(&works));
            let next = self.store.works_for_index_after(after, REBUILD_BATCH, &known).await;
            indexing.await.expect("indexing task")?;
            works = next?;
            progress(count);
        }
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || index.commit_at(head)).await.expect("commit task")?;
        self.applied.lock().expect("applied lock").clear();
        self.rebuild_bookmarks().await?;
        // The rebuild read every work's counts as they are.
        self.counts.lock().expect("counts lock").backlog.clear();
        self.catch_up().await?;
        self.refresh_autocomplete().await;
        Ok(count)
    }

    /// Rebuilds the bookmark index from the database; returns how many bookmarks.
    pub async fn rebuild_bookmarks(&self) -> Result<u64, SearchError> {
        let head = self.store.bookmark_outbox_head().await?;
        let bookmarks = &self.index.bookmarks;
        bookmarks.clear()?;
        let graph = self.index.graph();
        let mut after = 0;
        let mut count = 0;
        loop {
            let found = self.store.bookmarks_for_index_after(after, REBUILD_BATCH).await?;
            let Some(last) = found.last() else { break };
            after = last.id;
            count += found.len() as u64;
            bookmarks.add_new(&found, &graph)?;
        }
        bookmarks.commit_at(head)?;
        self.bookmarks_applied.lock().expect("bookmarks lock").clear();
        Ok(count)
    }

    /// Brings the bookmark index up to date: the bookmark outbox's new rows, and the
    /// bookmarks of `works` (works just reindexed, whose figures and openness the
    /// bookmarks carry). Returns how many outbox rows were read.
    async fn poll_bookmarks(&self, works: &[WorkId]) -> Result<usize, SearchError> {
        let bookmarks = &self.index.bookmarks;
        let position = bookmarks.position();
        let rows = self.store.bookmark_outbox_after((position - REREAD).max(0), BATCH).await?;
        let fresh: Vec<(i64, i64)> = {
            let applied = self.bookmarks_applied.lock().expect("bookmarks lock");
            rows.into_iter().filter(|(id, _)| *id > position || !applied.contains(id)).collect()
        };
        let mut ids: Vec<i64> = fresh.iter().map(|(_, b)| *b).collect();
        if !works.is_empty() {
            let works: Vec<i64> = works.iter().map(|w| w.0).collect();
            ids.extend(self.store.bookmarks_of_works(&works).await?);
        }
        ids.sort_unstable();
        ids.dedup();
        let new_position = fresh.iter().map(|(id, _)| *id).max().unwrap_or(position).max(position);
        if ids.is_empty() && new_position == position {
            return Ok(fresh.len());
        }
        let found = self.store.bookmarks_for_index(&ids).await?;
        let index = self.index.clone();
        let graph = self.index.graph();
        tokio::task::spawn_blocking(move || index.bookmarks.apply(&ids, &found, &graph, new_position))
            .await
            .expect("indexing task")?;
        let mut applied = self.bookmarks_applied.lock().expect("bookmarks lock");
        applied.extend(fresh.iter().map(|(id, _)| *id));
        let floor = new_position - REREAD;
        *applied = applied.split_off(&floor);
        Ok(fresh.len())
    }

    /// Applies outbox rows until none are left, counts-only ones included; returns how
    /// many rows were read.
    pub async fn catch_up(&self) -> Result<usize, SearchError> {
        self.catch_up_with(Pace::AllNow).await
    }

    async fn catch_up_with(&self, pace: Pace) -> Result<usize, SearchError> {
        let mut total = 0;
        loop {
            let (applied, mut more) = self.poll_batch(pace).await?;
            if pace == Pace::AllNow {
                more |= self.counts_waiting() > 0;
            }
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

    /// Applies one batch of new outbox rows (and late ones in the reread window), with
    /// counts-only changes at their pace.
    pub async fn poll(&self) -> Result<usize, SearchError> {
        Ok(self.poll_batch(Pace::Bounded).await?.0)
    }

    /// [`Self::poll`], and whether the batch was full (more rows may be waiting).
    async fn poll_batch(&self, pace: Pace) -> Result<(usize, bool), SearchError> {
        let position = self.index.position();
        let entries = self.store.outbox_after((position - REREAD).max(0), BATCH).await?;
        let full = entries.len() >= BATCH as usize;
        let fresh: Vec<_> = {
            let applied = self.applied.lock().expect("applied lock");
            entries.into_iter().filter(|e| e.id > position || !applied.contains(&e.id)).collect()
        };
        // Content changes are applied now; counts-only ones join the backlog, and a turn
        // of the backlog goes with them when one is due.
        let mut ids: Vec<WorkId> = fresh.iter().filter(|e| !e.counts_only).map(|e| e.work).collect();
        let (turn, counts_from) = {
            let mut counts = self.counts.lock().expect("counts lock");
            for e in fresh.iter().filter(|e| e.counts_only) {
                counts.backlog.add(e.id, e.work);
            }
            for work in &ids {
                counts.backlog.remove(*work);
            }
            let due = pace == Pace::AllNow || Instant::now() >= counts.next_turn;
            let turn = if due { counts.backlog.take_oldest(COUNTS_PER_TURN) } else { Vec::new() };
            (turn, counts.backlog.first_row())
        };
        // Rows at or below the position were applied before this process started
        // (or are late commits not seen yet); only the ones above move the position.
        let new_position = fresh.iter().map(|e| e.id).max().unwrap_or(position).max(position);
        if ids.is_empty() && turn.is_empty() && new_position == position && counts_from == self.index.counts_from() {
            let bookmark_rows = self.poll_bookmarks(&[]).await?;
            self.maybe_refresh_uses().await;
            return Ok((fresh.len() + bookmark_rows, full || bookmark_rows >= BATCH as usize));
        }
        let started = Instant::now();
        // Counts change no tag and no tag's use count.
        let content = !ids.is_empty();
        if content {
            self.refresh_graph().await?;
        }
        ids.extend(&turn);
        ids.sort_unstable();
        ids.dedup();
        let works = self.store.works_for_index(&ids).await?;
        let index = self.index.clone();
        let applied_ids = ids.clone();
        tokio::task::spawn_blocking(move || index.apply(&applied_ids, &works, new_position, counts_from))
            .await
            .expect("indexing task")?;
        let bookmark_rows = self.poll_bookmarks(&ids).await?;
        if !turn.is_empty() && pace == Pace::Bounded {
            let rest = started.elapsed().mul_f64(1.0 / self.counts_share - 1.0).max(COUNTS_GAP);
            self.counts.lock().expect("counts lock").next_turn = Instant::now() + rest;
        }
        {
            let mut applied = self.applied.lock().expect("applied lock");
            applied.extend(fresh.iter().map(|e| e.id));
            let floor = new_position - REREAD;
            *applied = applied.split_off(&floor);
        }
        if content {
            self.uses_refreshed.lock().expect("uses lock").1 = true;
        }
        self.maybe_refresh_uses().await;
        Ok((fresh.len() + bookmark_rows, full || bookmark_rows >= BATCH as usize))
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
                match self.catch_up_with(Pace::Bounded).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(entries = n, position = self.index.position(), "search index updated"),
                    Err(e) => tracing::warn!(error = %e, "search indexer: will retry"),
                }
                tokio::time::sleep(interval).await;
            }
        })
    }
}
