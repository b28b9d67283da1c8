//! The index on disk: opening it, applying outbox entries, rebuilding it, and answering
//! listings.

use crate::autocomplete::Autocomplete;
use crate::facets::{CountCache, CountPool, Counts, FilterCounts, FlatCache};
use crate::filters::{QueryBuilder, Sort, WorkQuery};
use crate::graph::TagGraph;
use crate::schema::Fields;
use crate::top::TopByValue;
use flourish_core::{TagKind, Work, WorkId};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, Term};

/// Bump when the schema or what goes into a document changes: an index written by an
/// older layout is thrown away and rebuilt (it is derived data).
pub const SCHEMA_VERSION: u32 = 2;

/// The memory Tantivy's writer may buffer before flushing a segment.
const WRITER_HEAP: usize = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory {path}: {source}")]
    Dir { path: String, source: std::io::Error },
    #[error("the search index at {0} is in use by another process (is a server running on this data directory?)")]
    Locked(String),
    #[error(transparent)]
    Store(#[from] flourish_store::StoreError),
}

/// What the last commit recorded: the layout and the outbox position it includes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checkpoint {
    pub schema: u32,
    pub position: i64,
    /// The first outbox row of a counts-only change the index does not hold yet (0: none).
    /// The indexer passes such rows before applying them (see the indexer), so after a
    /// restart it re-reads the counts-only rows from here up to `position`.
    pub counts_from: i64,
}

impl Checkpoint {
    fn encode(self) -> String {
        format!("schema={} position={} counts_from={}", self.schema, self.position, self.counts_from)
    }

    fn decode(payload: &str) -> Checkpoint {
        let mut c = Checkpoint::default();
        for part in payload.split_whitespace() {
            match part.split_once('=') {
                Some(("schema", v)) => c.schema = v.parse().unwrap_or(0),
                Some(("position", v)) => c.position = v.parse().unwrap_or(0),
                Some(("counts_from", v)) => c.counts_from = v.parse().unwrap_or(0),
                _ => {}
            }
        }
        c
    }
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
    /// The tag graph and its version, bumped at each replacement.
    graph: RwLock<(Arc<TagGraph>, u64)>,
    autocomplete: RwLock<Arc<Autocomplete>>,
    checkpoint: Mutex<Checkpoint>,
    count_pool: Arc<CountPool>,
    flat_values: Arc<FlatCache>,
    count_cache: Arc<CountCache>,
    /// Each listing's sidebar, by what it was made from: asked again with nothing written
    /// or wrangled in between, a listing neither counts nor ranks its tags.
    sidebars: moka::sync::Cache<SidebarKey, Arc<KeptSidebar>>,
    /// The bookmarks, in their own index beside the works' (its `bookmarks` directory).
    pub bookmarks: crate::bookmarks::BookmarkIndex,
}

/// Sidebars kept at most, one per query: a few kilobytes each.
const SIDEBARS_KEPT: u64 = 1_000;
/// A sidebar nobody asked for in this long is dropped.
const SIDEBAR_IDLE: std::time::Duration = std::time::Duration::from_secs(60);

/// What [`SearchIndex::forget`] forgets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    Sidebars,
    CountsToo,
}

/// A listing's sidebar groups.
type Facets = Vec<(TagKind, Vec<FacetCount>)>;

/// Which listing a sidebar is for: the query and the tag graph's version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SidebarKey {
    query: String,
    graph: u64,
}

/// A kept sidebar, right while the index has exactly `segments` (each with its deletions).
/// The segments are not part of the key, as with the facet counts ([`crate::facets`]): the
/// next listing after a write makes the sidebar again and replaces the entry. With them in
/// the key, every indexer turn under steady kudos left each listing's sidebar behind, and
/// 10,000 dead ones piled up for as long as the soak ran. With this, and autocomplete no
/// longer rebuilt after writes that change no tag, the soak's anonymous memory grew 8.5%
/// after warm-up (202 to 219 MiB) where it had grown 11.5% (287 to 320 MiB).
struct KeptSidebar {
    segments: Vec<(tantivy::index::SegmentId, u32)>,
    facets: Arc<Facets>,
}

/// One listing's answer.
#[derive(Clone, Debug, Default)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    pub total: u64,
    /// Per tag kind, the most used filter tags among all results, with counts.
    pub facets: Vec<(TagKind, Vec<FacetCount>)>,
    /// What the reader should know about how the query was read.
    pub notes: Vec<String>,
    pub included: Vec<i64>,
    pub excluded: Vec<i64>,
    pub sort: Sort,
}

#[derive(Clone, Debug)]
pub struct Hit {
    pub id: WorkId,
    /// The title with matches in `<b>`, HTML-escaped, when the query had text.
    pub title_html: Option<String>,
    pub summary_html: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetCount {
    pub id: i64,
    pub name: String,
    pub count: u64,
}

/// How many tags of each user-defined kind the sidebar lists.
pub const FACET_SIZE: usize = 10;

impl SearchIndex {
    /// Opens the index in `dir`, creating it if needed. An index written with another
    /// layout, or unreadable, is replaced by an empty one to be rebuilt.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Dir { path: dir.display().to_string(), source })?;
        let fields = Fields::new();
        let existing = Index::open_in_dir(dir).ok().filter(|index| {
            let checkpoint = index.load_metas().ok().and_then(|m| m.payload).map(|p| Checkpoint::decode(&p));
            checkpoint.is_some_and(|c| c.schema == SCHEMA_VERSION) && index.schema() == fields.schema
        });
        let index = match existing {
            Some(index) => index,
            None => {
                clear_dir(dir)?;
                Index::create_in_dir(dir, fields.schema.clone())?
            }
        };
        let bookmarks = crate::bookmarks::BookmarkIndex::open(&dir.join("bookmarks"))?;
        Self::from_index(index, fields, dir.display().to_string(), bookmarks)
    }

    /// An index in memory, for tests and tools.
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let fields = Fields::new();
        let index = Index::create_in_ram(fields.schema.clone());
        Self::from_index(index, fields, "memory".into(), crate::bookmarks::BookmarkIndex::in_memory()?)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        path: String,
        bookmarks: crate::bookmarks::BookmarkIndex,
    ) -> Result<SearchIndex, SearchError> {
        let writer = index.writer(WRITER_HEAP).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => SearchError::Locked(path),
            e => SearchError::Index(e),
        })?;
        // Segments are searched in parallel: on a quiet machine a listing's latency halves.
        let mut index = index;
        index.set_default_multithread_executor()?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let checkpoint = index
            .load_metas()?
            .payload
            .map(|p| Checkpoint::decode(&p))
            .unwrap_or(Checkpoint { schema: SCHEMA_VERSION, ..Checkpoint::default() });
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            graph: RwLock::new((Arc::new(TagGraph::default()), 0)),
            autocomplete: RwLock::new(Arc::new(Autocomplete::default())),
            checkpoint: Mutex::new(checkpoint),
            count_pool: Arc::default(),
            flat_values: Arc::default(),
            count_cache: Arc::default(),
            // Sidebars are small: a few dozen tags each.
            sidebars: moka::sync::Cache::builder().max_capacity(SIDEBARS_KEPT).time_to_idle(SIDEBAR_IDLE).build(),
            bookmarks,
        })
    }

    /// Listings' facet counts are kept per segment once a listing matched `docs` works in
    /// it (default 2,000); tests lower it to see the kept counts used.
    pub fn keep_counts_from(&self, docs: u32) {
        self.count_cache.set_from_docs(docs);
    }

    /// Forgets kept sidebars (as a write does: every listing's sidebar is made again,
    /// from the segments' kept counts), or the counts too, for benchmarks.
    pub fn forget(&self, what: Kept) {
        self.sidebars.invalidate_all();
        if what == Kept::CountsToo {
            self.count_cache.clear();
        }
    }

    /// Counts a listing that matches most of a segment from the works it left out (the
    /// default), or from every match: for benchmarks comparing the two in one run.
    pub fn count_from_either_side(&self, on: bool) {
        self.count_pool.count_from_either_side(on);
    }

    /// The outbox position the index includes.
    pub fn position(&self) -> i64 {
        self.checkpoint.lock().expect("checkpoint lock").position
    }

    /// The first counts-only outbox row passed but not applied yet (0: none).
    pub fn counts_from(&self) -> i64 {
        self.checkpoint.lock().expect("checkpoint lock").counts_from
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn graph(&self) -> Arc<TagGraph> {
        self.graph.read().expect("graph lock").0.clone()
    }

    /// Replaces the tag graph. Autocomplete follows at its next refresh (see
    /// [`Self::refresh_autocomplete`]): rebuilding it costs about a second on a large archive.
    pub fn set_graph(&self, graph: TagGraph) {
        let mut current = self.graph.write().expect("graph lock");
        *current = (Arc::new(graph), current.1 + 1);
    }

    /// Rebuilds autocomplete from the graph, with each tag's use counted over the live
    /// works in one pass (term statistics would still count replaced documents), unless
    /// neither the graph nor any use count changed. Kudos, comments and bookmarks change a
    /// work but not its tags: under the soak's writes the rebuild every ten seconds was
    /// pure churn, a 47 MB structure (at 100,000 works) built and dropped each time.
    pub fn refresh_autocomplete(&self) {
        let (graph, graph_version) = self.graph.read().expect("graph lock").clone();
        let counts = FilterCounts::new("filter", graph.max_id(), self.count_pool.clone(), self.flat_values.clone());
        let uses: HashMap<i64, u64> = match self.searcher().search(&tantivy::query::AllQuery, &counts) {
            Ok(counts) => counts.into_iter().map(|(id, n)| (i64::from(id), u64::from(n))).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot count tag uses for autocomplete");
                HashMap::new()
            }
        };
        if self.autocomplete.read().expect("autocomplete lock").is_current(&graph, graph_version, &uses) {
            return;
        }
        let built = Autocomplete::build(&graph, graph_version, &uses);
        *self.autocomplete.write().expect("autocomplete lock") = Arc::new(built);
    }

    pub fn autocomplete(
        &self,
        prefix: &str,
        kind: Option<TagKind>,
        limit: usize,
    ) -> Vec<crate::autocomplete::Suggestion> {
        self.autocomplete.read().expect("autocomplete lock").clone().suggest(prefix, kind, limit)
    }

    /// Replaces the documents of `ids` with `works` (the ones still to be listed: posted
    /// works; a missing or draft work is only removed) and records `position` and
    /// `counts_from` (see [`Checkpoint`]). Idempotent.
    pub fn apply(&self, ids: &[WorkId], works: &[Work], position: i64, counts_from: i64) -> Result<(), SearchError> {
        let graph = self.graph();
        let mut writer = self.writer.lock().expect("writer lock");
        for id in ids {
            writer.delete_term(Term::from_field_u64(self.fields.id, id.0 as u64));
        }
        for work in works.iter().filter(|w| w.is_listed()) {
            writer.add_document(self.fields.document(work, &graph))?;
        }
        self.commit(&mut writer, position, counts_from)
    }

    /// Empties the index, for a rebuild.
    pub fn clear(&self) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().expect("writer lock");
        writer.delete_all_documents()?;
        self.commit(&mut writer, 0, 0)
    }

    /// Adds posted works without deleting anything first and without committing: the bulk
    /// path of a rebuild, which starts from an empty index.
    pub fn add_new(&self, works: &[Work]) -> Result<(), SearchError> {
        let graph = self.graph();
        let writer = self.writer.lock().expect("writer lock");
        for work in works.iter().filter(|w| w.is_listed()) {
            writer.add_document(self.fields.document(work, &graph))?;
        }
        Ok(())
    }

    /// Commits what a rebuild added: every work as the database had it, counts included.
    pub fn commit_at(&self, position: i64) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().expect("writer lock");
        self.commit(&mut writer, position, 0)
    }

    fn commit(&self, writer: &mut IndexWriter, position: i64, counts_from: i64) -> Result<(), SearchError> {
        let checkpoint = Checkpoint { schema: SCHEMA_VERSION, position, counts_from };
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&checkpoint.encode());
        prepared.commit()?;
        *self.checkpoint.lock().expect("checkpoint lock") = checkpoint;
        self.reader.reload()?;
        let live: Vec<_> = self.reader.searcher().segment_readers().iter().map(|r| r.segment_id()).collect();
        self.flat_values.retain(&live);
        Ok(())
    }

    /// How many works `q` matches, and nothing else: what a reader's filter profile hides
    /// is this less the listing's total.
    pub fn count(&self, q: &WorkQuery, now: i64) -> Result<u64, SearchError> {
        let (graph, _) = self.graph.read().expect("graph lock").clone();
        let analyzer = self.index.tokenizers().get("default").expect("tantivy registers the default tokenizer");
        let built = QueryBuilder { fields: &self.fields, graph: &graph, analyzer, now }.build(q);
        Ok(self.searcher().search(built.query.as_ref(), &tantivy::collector::Count)? as u64)
    }

    /// Answers a listing: one page of works in the chosen order, the total, and the facet
    /// counts over every result.
    pub fn search(&self, q: &WorkQuery, now: i64) -> Result<SearchResults, SearchError> {
        let (graph, graph_version) = self.graph.read().expect("graph lock").clone();
        let analyzer = self.index.tokenizers().get("default").expect("tantivy registers the default tokenizer");
        let built = QueryBuilder { fields: &self.fields, graph: &graph, analyzer, now }.build(q);
        let searcher = self.searcher();
        let per_page = q.per_page.clamp(1, 100) as usize;
        let offset = (q.page.max(1) as usize - 1).saturating_mul(per_page);
        let top = TopDocs::with_limit(per_page).and_offset(offset);
        // Counts depend on the query alone, not its order or page: they are kept under the
        // query's description (the segments' counts also under the graph's last tag, where
        // counting stops; sidebars under the graph's version).
        let description = format!("{:?}", built.query);
        let sidebar_key = SidebarKey { query: description.clone(), graph: graph_version };
        let segments: Vec<_> =
            searcher.segment_readers().iter().map(|r| (r.segment_id(), r.num_deleted_docs())).collect();
        let known =
            self.sidebars.get(&sidebar_key).filter(|kept| kept.segments == segments).map(|kept| kept.facets.clone());
        let counts = known.is_none().then(|| {
            FilterCounts::new("filter", graph.max_id(), self.count_pool.clone(), self.flat_values.clone())
                .cached(self.count_cache.clone(), description)
        });
        let sort = q.effective_sort();
        let query = built.query.as_ref();
        let (addresses, total, counts) = match sort {
            Sort::BestMatch => page_and_counts(&searcher, query, top, counts)?,
            Sort::Title | Sort::Creator => {
                let field = if sort == Sort::Title { "title_sort" } else { "creator_sort" };
                page_and_counts(&searcher, query, top.order_by_string_fast_field(field, Order::Asc), counts)?
            }
            _ => {
                let (field, signed) = match sort {
                    Sort::Posted => ("published", true),
                    Sort::Updated => ("updated", true),
                    Sort::Words => ("words", false),
                    Sort::Hits => ("hits", false),
                    Sort::Kudos => ("kudos", false),
                    Sort::Comments => ("comments", false),
                    _ => ("bookmarks", false),
                };
                page_and_counts(&searcher, query, TopByValue::new(field, signed, per_page, offset), counts)?
            }
        };
        let sidebar = match (known, counts) {
            (Some(known), _) => known,
            (None, counted) => {
                let sidebar = Arc::new(facets(&graph, &counted.unwrap_or_default(), &built.included, &built.excluded));
                self.sidebars.insert(sidebar_key, Arc::new(KeptSidebar { segments, facets: sidebar.clone() }));
                sidebar
            }
        };
        let hits = self.hits(&searcher, &addresses, built.text.as_deref())?;
        Ok(SearchResults {
            hits,
            total: total as u64,
            facets: sidebar.as_ref().clone(),
            notes: built.notes,
            included: built.included,
            excluded: built.excluded,
            sort,
        })
    }

    fn hits(
        &self,
        searcher: &Searcher,
        addresses: &[DocAddress],
        text: Option<&dyn Query>,
    ) -> Result<Vec<Hit>, SearchError> {
        let generators = match text {
            Some(text) => {
                let mut title = SnippetGenerator::create(searcher, text, self.fields.title)?;
                title.set_max_num_chars(500);
                let mut summary = SnippetGenerator::create(searcher, text, self.fields.summary)?;
                summary.set_max_num_chars(300);
                Some((title, summary))
            }
            None => None,
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for &address in addresses {
            let ids = searcher.segment_reader(address.segment_ord).fast_fields().u64("id")?;
            let Some(id) = ids.first(address.doc_id) else { continue };
            let mut hit = Hit { id: WorkId(id as i64), title_html: None, summary_html: None };
            if let Some((title, summary)) = &generators {
                let doc: tantivy::TantivyDocument = searcher.doc(address)?;
                let highlighted = |generator: &SnippetGenerator| {
                    let snippet = generator.snippet_from_doc(&doc);
                    (!snippet.highlighted().is_empty()).then(|| snippet.to_html())
                };
                hit.title_html = highlighted(title);
                // Only a whole short title can stand in for the title; a fragment cannot.
                if hit.title_html.is_some() {
                    let full = doc.get_first(self.fields.title).and_then(|v| v.as_str()).unwrap_or_default();
                    if full.chars().count() > 500 {
                        hit.title_html = None;
                    }
                }
                hit.summary_html = highlighted(summary);
            }
            hits.push(hit);
        }
        Ok(hits)
    }
}

/// One pass over the matching works: the page in `top`'s order, the total and the counts.
/// The page, the total, and the counts when `counts` is given (`None` when they are known).
fn page_and_counts<S: 'static + Send, C: Collector<Fruit = Vec<(S, DocAddress)>>>(
    searcher: &Searcher,
    query: &dyn Query,
    top: C,
    counts: Option<FilterCounts>,
) -> tantivy::Result<(Vec<DocAddress>, usize, Option<Counts>)> {
    let (docs, total, counts) = searcher.search(query, &(top, Count, counts))?;
    Ok((docs.into_iter().map(|(_, address)| address).collect(), total, counts))
}

/// The sidebar's groups: the most used tags of each kind among the results, plus the
/// tags the reader chose (so a chosen tag stays visible even when it is not in the top).
fn facets(graph: &TagGraph, counts: &Counts, included: &[i64], excluded: &[i64]) -> Facets {
    // (count, id) per kind, names looked up only for the tags that will be shown.
    let mut by_kind: Vec<Vec<(u32, usize)>> = vec![vec![]; TagKind::ALL.len()];
    let chosen = |id: usize| included.contains(&(id as i64)) || excluded.contains(&(id as i64));
    let mut push = |id: usize, count: u32| {
        if let Some(kind) = graph.facet_kind(id) {
            let slot = TagKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
            by_kind[slot].push((count, id));
        }
    };
    for &(id, count) in counts {
        push(id as usize, count);
    }
    // Chosen tags no result carries still show, with nothing counted.
    for &id in included.iter().chain(excluded) {
        if !counts.iter().any(|&(counted, _)| i64::from(counted) == id) {
            push(id as usize, 0);
        }
    }
    TagKind::ALL
        .iter()
        .zip(by_kind)
        .map(|(&kind, mut list)| {
            let most_first = |a: &(u32, usize), b: &(u32, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
            if kind.is_user_defined() && list.len() > FACET_SIZE {
                let (_, _, rest) = list.select_nth_unstable_by(FACET_SIZE - 1, most_first);
                let extra: Vec<(u32, usize)> = rest.iter().copied().filter(|(_, id)| chosen(*id)).collect();
                list.truncate(FACET_SIZE);
                list.extend(extra);
            }
            let mut facets: Vec<FacetCount> = list
                .into_iter()
                .filter_map(|(count, id)| {
                    let tag = graph.get(id as i64)?;
                    Some(FacetCount { id: id as i64, name: tag.name.clone(), count: u64::from(count) })
                })
                .collect();
            facets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            (kind, facets)
        })
        .collect()
}

fn clear_dir(dir: &Path) -> Result<(), SearchError> {
    let entries =
        std::fs::read_dir(dir).map_err(|source| SearchError::Dir { path: dir.display().to_string(), source })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let removed = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        removed.map_err(|source| SearchError::Dir { path: path.display().to_string(), source })?;
    }
    Ok(())
}
