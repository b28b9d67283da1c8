//! The bookmark index: one document per bookmark, beside the works index (in its
//! `bookmarks` directory), fed by the same indexer from the bookmark outbox and from the
//! works' outbox (a bookmarked work that changes changes its bookmarks' documents).
//!
//! It answers the bookmark listings (an account's bookmarks, a work's bookmarks) with the
//! sidebar's filters, sorts and facet counts: the bookmarkers' tags and the works' tags
//! among every bookmark that matched. Who may see a bookmark is part of every query: its
//! owner, or anyone when it is public and its item is open to them (guests: not
//! members-only), so no count ever includes a private bookmark.

use crate::fast_range::FastRange;
use crate::graph::TagGraph;
use crate::index::SearchError;
use flourish_store::{BookmarkFilter, BookmarkSort, IndexedBookmark};
use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;
use tantivy::collector::DocSetCollector;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TantivyDocument};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

/// The layout; a change rebuilds the bookmark index.
const SCHEMA_VERSION: u32 = 1;
const WRITER_HEAP: usize = 15 << 20;
/// How many tags of each kind the sidebar lists.
pub const BOOKMARK_FACETS: usize = 10;

#[derive(Clone, Debug)]
struct Fields {
    schema: Schema,
    id: Field,
    owner: Field,
    public: Field,
    guests: Field,
    members: Field,
    work: Field,
    kind: Field,
    rec: Field,
    notes: Field,
    /// A bookmarker's tag by key (lowercased), for filtering.
    tag_keys: Field,
    /// "key\u{1f}name", for the facets: the key counts, the name is shown.
    tags: Field,
    work_filter: Field,
    language: Field,
    words: Field,
    bookmarked: Field,
    updated: Field,
    kudos: Field,
}

impl Fields {
    fn new() -> Fields {
        let mut b = Schema::builder();
        let num = INDEXED | FAST;
        let id = b.add_u64_field("id", num.clone());
        let owner = b.add_u64_field("owner", INDEXED);
        let public = b.add_u64_field("public", INDEXED);
        let guests = b.add_u64_field("guests", INDEXED);
        let members = b.add_u64_field("members", INDEXED);
        let work = b.add_u64_field("work", INDEXED);
        let kind = b.add_text_field("kind", STRING);
        let rec = b.add_u64_field("rec", INDEXED);
        let notes = b.add_u64_field("notes", INDEXED);
        let tag_keys = b.add_text_field("tag_keys", STRING);
        let tags = b.add_text_field("tags", STRING | FAST);
        let work_filter = b.add_u64_field("work_filter", num.clone());
        let language = b.add_text_field("language", STRING);
        let words = b.add_u64_field("words", num.clone());
        let bookmarked = b.add_i64_field("bookmarked", num.clone());
        let updated = b.add_i64_field("updated", num.clone());
        let kudos = b.add_u64_field("kudos", num);
        Fields {
            schema: b.build(),
            id,
            owner,
            public,
            guests,
            members,
            work,
            kind,
            rec,
            notes,
            tag_keys,
            tags,
            work_filter,
            language,
            words,
            bookmarked,
            updated,
            kudos,
        }
    }

    fn document(&self, b: &IndexedBookmark, graph: &TagGraph) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.id, b.id as u64);
        doc.add_u64(self.owner, b.user_id as u64);
        doc.add_u64(self.public, u64::from(!b.private));
        doc.add_u64(self.guests, u64::from(b.open_to_guests));
        doc.add_u64(self.members, u64::from(b.open_to_members));
        doc.add_u64(self.work, b.work_id.unwrap_or(0) as u64);
        doc.add_text(self.kind, b.kind);
        doc.add_u64(self.rec, u64::from(b.rec));
        doc.add_u64(self.notes, u64::from(b.has_notes));
        // Keys match whatever case a reader types; names come back through the facets.
        for (name, key) in &b.tags {
            doc.add_text(self.tag_keys, key);
            doc.add_text(self.tags, format!("{key}\u{1f}{name}"));
        }
        let mut filter = Vec::new();
        for tag in &b.work_tags {
            graph.filter_ids(*tag, &mut filter);
        }
        filter.sort_unstable();
        filter.dedup();
        for id in filter {
            doc.add_u64(self.work_filter, id as u64);
        }
        if let Some(language) = &b.language {
            doc.add_text(self.language, language);
        }
        if let Some(words) = b.words {
            doc.add_u64(self.words, words);
        }
        doc.add_i64(self.bookmarked, b.created_at);
        doc.add_i64(self.updated, b.updated_at);
        doc.add_u64(self.kudos, b.kudos);
        doc
    }
}

/// Whose bookmarks a listing shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookmarkScope {
    /// An account's bookmarks.
    Owner(i64),
    /// A work's bookmarks.
    Work(i64),
}

/// A bookmark listing: its scope, who is looking, the sidebar's choices (the same filter
/// the database answers the API with), and the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookmarkQuery {
    pub scope: BookmarkScope,
    /// The viewer's account (0: a guest) and whether they are a member.
    pub viewer: i64,
    pub member: bool,
    pub filter: BookmarkFilter,
    pub page: u32,
    pub per_page: u32,
}

/// Tags with their counts: (tag id, name, count).
pub type TagCounts = Vec<(i64, String, u64)>;

/// A listing's answer: one page of bookmark ids in order, the total, and the facets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookmarkResults {
    pub ids: Vec<i64>,
    pub total: u64,
    /// The bookmarkers' tags most used among the results: (name, count).
    pub tags: Vec<(String, u64)>,
    /// The works' tags most used among the results, by kind in a work's tag-block order:
    /// (kind, [(tag id, name, count)]).
    pub work_tags: Vec<(flourish_core::TagKind, TagCounts)>,
}

pub struct BookmarkIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// The bookmark outbox row the index includes.
    position: Mutex<i64>,
}

fn u64_term(field: Field, value: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_u64(field, value), IndexRecordOption::Basic))
}

fn text_term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
}

impl BookmarkIndex {
    /// Opens (or creates) the bookmark index in `dir`; one of another layout is emptied,
    /// to be rebuilt.
    pub fn open(dir: &Path) -> Result<BookmarkIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Dir { path: dir.display().to_string(), source })?;
        let fields = Fields::new();
        let existing = Index::open_in_dir(dir).ok().filter(|index| {
            let payload = index.load_metas().ok().and_then(|m| m.payload).unwrap_or_default();
            payload.starts_with(&format!("schema={SCHEMA_VERSION} ")) && index.schema() == fields.schema
        });
        let index = match existing {
            Some(index) => index,
            None => {
                for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                    let _ = std::fs::remove_file(entry.path());
                }
                Index::create_in_dir(dir, fields.schema.clone())?
            }
        };
        Self::from_index(index, fields, dir.display().to_string())
    }

    pub fn in_memory() -> Result<BookmarkIndex, SearchError> {
        let fields = Fields::new();
        let index = Index::create_in_ram(fields.schema.clone());
        Self::from_index(index, fields, "memory".into())
    }

    fn from_index(index: Index, fields: Fields, path: String) -> Result<BookmarkIndex, SearchError> {
        let writer = index.writer(WRITER_HEAP).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => SearchError::Locked(path),
            e => SearchError::Index(e),
        })?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let position = index
            .load_metas()?
            .payload
            .and_then(|p| p.split_whitespace().find_map(|part| part.strip_prefix("position=")?.parse().ok()))
            .unwrap_or(0);
        Ok(BookmarkIndex { reader, writer: Mutex::new(writer), fields, position: Mutex::new(position) })
    }

    /// The bookmark outbox row the index includes.
    pub fn position(&self) -> i64 {
        *self.position.lock().expect("position lock")
    }

    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Replaces the documents of `ids` with `bookmarks` (the ones still there) and records
    /// `position`. Idempotent.
    pub fn apply(
        &self,
        ids: &[i64],
        bookmarks: &[IndexedBookmark],
        graph: &TagGraph,
        position: i64,
    ) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().expect("writer lock");
        for id in ids {
            writer.delete_term(Term::from_field_u64(self.fields.id, *id as u64));
        }
        for b in bookmarks {
            writer.add_document(self.fields.document(b, graph))?;
        }
        self.commit(&mut writer, position)
    }

    /// Empties the index, for a rebuild.
    pub fn clear(&self) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().expect("writer lock");
        writer.delete_all_documents()?;
        self.commit(&mut writer, 0)
    }

    /// Adds bookmarks to an emptied index without committing: a rebuild's bulk path.
    pub fn add_new(&self, bookmarks: &[IndexedBookmark], graph: &TagGraph) -> Result<(), SearchError> {
        let writer = self.writer.lock().expect("writer lock");
        for b in bookmarks {
            writer.add_document(self.fields.document(b, graph))?;
        }
        Ok(())
    }

    pub fn commit_at(&self, position: i64) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().expect("writer lock");
        self.commit(&mut writer, position)
    }

    fn commit(&self, writer: &mut IndexWriter, position: i64) -> Result<(), SearchError> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&format!("schema={SCHEMA_VERSION} position={position}"));
        prepared.commit()?;
        *self.position.lock().expect("position lock") = position;
        self.reader.reload()?;
        Ok(())
    }

    fn build(&self, query: &BookmarkQuery) -> Box<dyn Query> {
        let f = &self.fields;
        let q = &query.filter;
        let mut must: Vec<Box<dyn Query>> = Vec::new();
        let mut must_not: Vec<Box<dyn Query>> = Vec::new();
        must.push(match query.scope {
            BookmarkScope::Owner(user) => u64_term(f.owner, user as u64),
            BookmarkScope::Work(work) => u64_term(f.work, work as u64),
        });
        // Who may see it: the owner, or anyone when public and its item is open to them.
        let open = if query.member { f.members } else { f.guests };
        let shown = BooleanQuery::new(vec![(Occur::Must, u64_term(f.public, 1)), (Occur::Must, u64_term(open, 1))]);
        let mut visible: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(shown))];
        if query.viewer > 0 {
            visible.push((Occur::Should, u64_term(f.owner, query.viewer as u64)));
        }
        must.push(Box::new(BooleanQuery::new(visible)));
        let key = |name: &str| name.trim().to_lowercase();
        for name in &q.tags {
            must.push(self.tag_query(&key(name)));
        }
        for name in &q.exclude_tags {
            must_not.push(self.tag_query(&key(name)));
        }
        for id in &q.work_tags {
            must.push(u64_term(f.work_filter, *id as u64));
        }
        for id in &q.exclude_work_tags {
            must_not.push(u64_term(f.work_filter, *id as u64));
        }
        if q.rec_only {
            must.push(u64_term(f.rec, 1));
        }
        if q.with_notes {
            must.push(u64_term(f.notes, 1));
        }
        if let Some(kind) = &q.kind {
            must.push(text_term(f.kind, kind));
        }
        if let Some(language) = &q.language {
            must.push(text_term(f.language, language));
        }
        let bound = |v: Option<u64>| v.map_or(Bound::Unbounded, Bound::Included);
        if q.words_from.is_some() || q.words_to.is_some() {
            must.push(Box::new(FastRange::new(f.words, bound(q.words_from), bound(q.words_to))));
        }
        let bound = |v: Option<i64>| v.map_or(Bound::Unbounded, Bound::Included);
        if q.bookmarked_from.is_some() || q.bookmarked_to.is_some() {
            must.push(Box::new(FastRange::new(f.bookmarked, bound(q.bookmarked_from), bound(q.bookmarked_to))));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = must.into_iter().map(|q| (Occur::Must, q)).collect();
        if clauses.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        clauses.extend(must_not.into_iter().map(|q| (Occur::MustNot, q)));
        Box::new(BooleanQuery::new(clauses))
    }

    /// Bookmarks carrying the tag keyed `key`, however it was spelled.
    fn tag_query(&self, key: &str) -> Box<dyn Query> {
        text_term(self.fields.tag_keys, key)
    }

    /// Answers a bookmark listing: the page in order, the total, and the facet counts
    /// over every bookmark that matched.
    pub fn search(&self, q: &BookmarkQuery, graph: &TagGraph) -> Result<BookmarkResults, SearchError> {
        let searcher = self.reader.searcher();
        let query = self.build(q);
        // A listing is one account's or one work's bookmarks: every match is read, which
        // gives the facets and the order in one pass.
        let found = searcher.search(query.as_ref(), &DocSetCollector)?;
        let mut rows: Vec<(i64, i64)> = Vec::with_capacity(found.len());
        let mut tag_counts: HashMap<String, (String, u64)> = HashMap::new();
        let mut work_counts: HashMap<i64, u64> = HashMap::new();
        let sort_field = match q.filter.sort {
            BookmarkSort::Bookmarked => "bookmarked",
            BookmarkSort::Updated => "updated",
            BookmarkSort::Kudos => "kudos",
        };
        // In document order, so a tag spelled two ways is always shown the same way.
        let mut by_segment: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for address in found {
            by_segment.entry(address.segment_ord).or_default().push(address.doc_id);
        }
        for docs in by_segment.values_mut() {
            docs.sort_unstable();
        }
        let mut name = String::new();
        for (segment, docs) in by_segment {
            let reader = searcher.segment_reader(segment);
            let fast = reader.fast_fields();
            let ids = fast.u64("id")?;
            let tags = fast.str("tags")?;
            let filters = fast.u64("work_filter")?;
            let key_of = |doc: u32| -> tantivy::Result<i64> {
                Ok(match q.filter.sort {
                    BookmarkSort::Kudos => fast.u64(sort_field)?.first(doc).unwrap_or(0) as i64,
                    _ => fast.i64(sort_field)?.first(doc).unwrap_or(0),
                })
            };
            for doc in docs {
                let Some(id) = ids.first(doc) else { continue };
                rows.push((key_of(doc)?, id as i64));
                if let Some(tags) = &tags {
                    for ord in tags.term_ords(doc) {
                        name.clear();
                        if tags.ord_to_str(ord, &mut name).map_err(tantivy::TantivyError::from)? {
                            let (key, shown) = name.split_once('\u{1f}').unwrap_or((name.as_str(), name.as_str()));
                            tag_counts.entry(key.to_owned()).or_insert_with(|| (shown.to_owned(), 0)).1 += 1;
                        }
                    }
                }
                for tag in filters.values_for_doc(doc) {
                    *work_counts.entry(tag as i64).or_default() += 1;
                }
            }
        }
        // Newest (or most) first; ties by the newer bookmark.
        rows.sort_unstable_by(|a, b| b.cmp(a));
        let total = rows.len() as u64;
        let per_page = q.per_page.clamp(1, 100) as usize;
        let offset = (q.page.max(1) as usize - 1).saturating_mul(per_page);
        let ids = rows.iter().skip(offset).take(per_page).map(|(_, id)| *id).collect();
        let mut tags: Vec<(String, u64)> = tag_counts.into_values().collect();
        tags.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        tags.truncate(BOOKMARK_FACETS);
        // Work tags (filter tags: synonyms already resolved) by kind, as AO3's sidebar groups
        // them, the most used first, the chosen ones left out.
        let mut work_tags: Vec<(flourish_core::TagKind, TagCounts)> = Vec::new();
        for kind in flourish_core::TagKind::ALL {
            let mut group: TagCounts = work_counts
                .iter()
                .filter(|(id, _)| !q.filter.work_tags.contains(id))
                .filter_map(|(id, n)| graph.get(*id).filter(|t| t.kind == *kind).map(|t| (*id, t.name.clone(), *n)))
                .collect();
            group.sort_unstable_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
            group.truncate(BOOKMARK_FACETS);
            if !group.is_empty() {
                work_tags.push((*kind, group));
            }
        }
        Ok(BookmarkResults { ids, total, tags, work_tags })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bookmark(id: i64, owner: i64, private: bool, tags: &[&str]) -> IndexedBookmark {
        IndexedBookmark {
            id,
            user_id: owner,
            private,
            rec: false,
            has_notes: false,
            kind: "external",
            work_id: None,
            series_id: None,
            tags: tags.iter().map(|t| ((*t).to_owned(), t.to_lowercase())).collect(),
            work_tags: vec![],
            language: None,
            words: None,
            kudos: 0,
            updated_at: id,
            created_at: id,
            open_to_guests: true,
            open_to_members: true,
        }
    }

    fn query(owner: i64, viewer: i64) -> BookmarkQuery {
        BookmarkQuery {
            scope: BookmarkScope::Owner(owner),
            viewer,
            member: viewer > 0,
            filter: BookmarkFilter::default(),
            page: 1,
            per_page: 20,
        }
    }

    #[test]
    fn a_reopened_index_keeps_its_bookmarks_and_position_and_hides_private_ones() {
        let dir = tempfile::tempdir().unwrap();
        let graph = TagGraph::default();
        {
            let index = BookmarkIndex::open(dir.path()).unwrap();
            let docs = [bookmark(1, 5, false, &["Lamps"]), bookmark(2, 5, true, &["lamps", "secret"])];
            index.apply(&[1, 2], &docs, &graph, 7).unwrap();
        }
        let index = BookmarkIndex::open(dir.path()).unwrap();
        assert_eq!((index.position(), index.doc_count()), (7, 2));
        let owner = index.search(&query(5, 5), &graph).unwrap();
        assert_eq!((owner.ids.as_slice(), owner.total), (&[2, 1][..], 2), "newest first, the private one too");
        assert_eq!(owner.tags[0], ("Lamps".to_owned(), 2), "one tag, however it was spelled");
        let guest = index.search(&query(5, 0), &graph).unwrap();
        assert_eq!((guest.ids.as_slice(), guest.total), (&[1][..], 1));
        assert!(!guest.tags.iter().any(|(name, _)| name == "secret"), "a private bookmark's tags count nowhere");
        // Deleting is applying nothing for the id.
        index.apply(&[1], &[], &graph, 8).unwrap();
        assert_eq!(index.search(&query(5, 0), &graph).unwrap().total, 0);
    }
}
