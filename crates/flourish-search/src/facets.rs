//! Counting filter tags over every matching work, for the sidebar.
//!
//! Counts live in a vector indexed by a segment's own tag numbers: one increment per tag of
//! each matching work, no hashing. Segments' counts are then added up by a second, dense
//! numbering shared by all segments ([`Numbering`]): tag ids are sparse (a database burns
//! ids on every conflicting insert; the generated million-work archive has 250,000 tags up
//! to id 4.6 million), and a total indexed by id spread a big listing's 160,000 additions
//! over 18 MiB, a cache miss each. An archive has hundreds of thousands of tags but a
//! listing touches few of them, so each segment also notes which numbers it touched:
//! merging, reading and clearing cost what the result touched, not the size of the tag
//! table, and the vectors are pooled rather than allocated per query.
//!
//! Counting is most of a large listing's time (a big fandom's page touches a hundred
//! thousand works), and the same listings are asked for again and again. A segment's
//! documents never change and its deletions only grow, so one query's counts on one
//! segment stay right for as long as its number of deletions does: [`CountCache`] keeps
//! them under the segment and the query, with that number, and a write only adds a small
//! new segment to count afresh (and a segment it deleted from, once).

use moka::sync::Cache;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// A segment's filter ids decoded once into flat arrays: counting then reads a slice per
/// document instead of decoding each value through the column codec (a dynamic call per
/// value).
///
/// Counting is bound by memory, not arithmetic, so the arrays are kept small: each segment
/// numbers its tags itself, most used first, and stores the numbers in 16 bits. The tags
/// nearly every work carries then share a few cache lines of the count vector, and a
/// document's tags take half the bytes to read. The rare tags numbered past 16 bits (the
/// long tail of a big segment) are marked in a document's list by [`RARE`] and kept aside.
pub(crate) struct FlatValues {
    /// `values[offsets[doc]..offsets[doc + 1]]` are the document's tags, as local numbers.
    offsets: Vec<u32>,
    values: Vec<u16>,
    /// Local number → tag id, and → the number all segments share.
    ids: Vec<u32>,
    shared: Vec<u32>,
    /// The documents with rare tags, ascending, and their rare tags' local numbers:
    /// `rare_values[rare_offsets[i]..rare_offsets[i + 1]]` for `rare_docs[i]`.
    rare_docs: Vec<DocId>,
    rare_offsets: Vec<u32>,
    rare_values: Vec<u32>,
    /// By local number: how many of the segment's documents carry the tag, deleted ones
    /// included. A query matching most of a segment is counted as these totals less the
    /// documents it did not match (see [`Counting`]).
    totals: Vec<u32>,
}

/// Stands in a document's list for its rare tags.
const RARE: u16 = u16::MAX;

impl FlatValues {
    fn decode(reader: &SegmentReader, field: &str, numbering: &RwLock<Numbering>) -> tantivy::Result<FlatValues> {
        let column = reader.fast_fields().u64(field)?;
        let docs = reader.max_doc();
        let mut raw: Vec<u32> = Vec::new();
        let mut raw_offsets = Vec::with_capacity(docs as usize + 1);
        raw_offsets.push(0u32);
        for doc in 0..docs {
            raw.extend(column.values_for_doc(doc).map(|v| u32::try_from(v).unwrap_or(u32::MAX)));
            raw_offsets.push(raw.len() as u32);
        }
        // Number the tags by use, most used first. The tags are noted as first met: ids are
        // sparse, and a one-work segment must not scan every id up to its largest.
        let max = raw.iter().copied().max().map_or(0, |m| m as usize + 1);
        let mut uses = vec![0u32; max];
        let mut ids: Vec<u32> = Vec::new();
        for &id in &raw {
            if uses[id as usize] == 0 {
                ids.push(id);
            }
            uses[id as usize] += 1;
        }
        ids.sort_unstable_by(|a, b| uses[*b as usize].cmp(&uses[*a as usize]).then(a.cmp(b)));
        let totals: Vec<u32> = ids.iter().map(|&id| uses[id as usize]).collect();
        let mut local = uses;
        for (n, &id) in ids.iter().enumerate() {
            local[id as usize] = n as u32;
        }
        let mut offsets = Vec::with_capacity(docs as usize + 1);
        let mut values = Vec::with_capacity(raw.len());
        let (mut rare_docs, mut rare_offsets, mut rare_values) = (Vec::new(), vec![0u32], Vec::new());
        offsets.push(0);
        for doc in 0..docs as usize {
            let mut rare = false;
            for &id in &raw[raw_offsets[doc] as usize..raw_offsets[doc + 1] as usize] {
                let n = local[id as usize];
                match u16::try_from(n) {
                    Ok(n) if n != RARE => values.push(n),
                    _ => {
                        rare_values.push(n);
                        rare = true;
                    }
                }
            }
            if rare {
                values.push(RARE);
                rare_docs.push(doc as DocId);
                rare_offsets.push(rare_values.len() as u32);
            }
            offsets.push(values.len() as u32);
        }
        let shared = numbering.write().expect("numbering").number(&ids);
        Ok(FlatValues { offsets, values, ids, shared, rare_docs, rare_offsets, rare_values, totals })
    }

    #[inline]
    fn of(&self, doc: DocId) -> &[u16] {
        let doc = doc as usize;
        match (self.offsets.get(doc), self.offsets.get(doc + 1)) {
            (Some(&from), Some(&to)) => &self.values[from as usize..to as usize],
            _ => &[],
        }
    }

    /// A document's rare tags.
    fn rare(&self, doc: DocId) -> &[u32] {
        match self.rare_docs.binary_search(&doc) {
            Ok(i) => &self.rare_values[self.rare_offsets[i] as usize..self.rare_offsets[i + 1] as usize],
            Err(_) => &[],
        }
    }
}

/// Decoded segments by id; segments are immutable, so an entry never goes stale, and
/// entries of merged-away segments are dropped by [`FlatCache::retain`].
#[derive(Default)]
pub(crate) struct FlatCache {
    segments: Mutex<HashMap<SegmentId, Arc<FlatValues>>>,
    numbering: RwLock<Numbering>,
}

impl FlatCache {
    fn get(&self, reader: &SegmentReader, field: &str) -> tantivy::Result<Arc<FlatValues>> {
        let id = reader.segment_id();
        if let Some(flat) = self.segments.lock().expect("flat cache").get(&id) {
            return Ok(flat.clone());
        }
        let flat = Arc::new(FlatValues::decode(reader, field, &self.numbering)?);
        self.segments.lock().expect("flat cache").insert(id, flat.clone());
        Ok(flat)
    }

    /// Keeps only the segments still searched.
    pub fn retain(&self, live: &[SegmentId]) {
        self.segments.lock().expect("flat cache").retain(|id, _| live.contains(id));
    }
}

/// Every tag id a decoded segment carried, numbered densely in the order first seen. The
/// numbers are never reused or changed, so segments' counts kept under them stay right; the
/// numbering only grows by the tags the index ever held.
#[derive(Default)]
pub(crate) struct Numbering {
    of: HashMap<u32, u32>,
    /// Number → tag id.
    ids: Vec<u32>,
}

impl Numbering {
    /// The numbers of `ids`, numbering the ones not seen before.
    fn number(&mut self, ids: &[u32]) -> Vec<u32> {
        ids.iter()
            .map(|&id| {
                *self.of.entry(id).or_insert_with(|| {
                    self.ids.push(id);
                    (self.ids.len() - 1) as u32
                })
            })
            .collect()
    }
}

/// Zeroed count vectors, reused across queries.
pub(crate) struct CountPool {
    vectors: Mutex<Vec<Vec<u32>>>,
    /// Counting a query that matches most of a segment from what it left out (see
    /// [`Counting`]); off only to measure what that saves.
    either_side: std::sync::atomic::AtomicBool,
}

impl Default for CountPool {
    fn default() -> CountPool {
        CountPool { vectors: Mutex::default(), either_side: std::sync::atomic::AtomicBool::new(true) }
    }
}

impl CountPool {
    pub fn count_from_either_side(&self, on: bool) {
        self.either_side.store(on, Ordering::Relaxed);
    }

    fn take(&self, size: usize) -> Vec<u32> {
        let mut vec = self.vectors.lock().expect("count pool").pop().unwrap_or_default();
        if vec.len() < size {
            vec.resize(size, 0);
        }
        vec
    }

    /// Returns a vector after zeroing the entries `touched` names.
    fn give(&self, mut vec: Vec<u32>, touched: &[u32]) {
        for &id in touched {
            vec[id as usize] = 0;
        }
        let mut pool = self.vectors.lock().expect("count pool");
        // A few per core is all concurrent queries need.
        if pool.len() < 16 {
            pool.push(vec);
        }
    }
}

/// Segments' counts by segment and query, each with the deletions it was counted at; see
/// the module's notes.
pub(crate) struct CountCache {
    cache: Cache<CountKey, Arc<KeptCounts>>,
    /// A segment's counts are kept once the query matched this many of its works: smaller
    /// counts cost less to redo than to keep.
    from_docs: AtomicU32,
}

/// Entries kept at most, over every cached segment: 8 bytes each, so 64 MiB.
const COUNT_CACHE_ENTRIES: u64 = 8 << 20;

/// Counts no listing has asked for in this long are dropped. A merge replaces segments, and
/// the counts of a merged-away segment can never be asked for again; without this they
/// stayed until the budget pushed them out, so under steady writes the cache only ever
/// grew, to its whole 64 MiB, long after the archive's warm-up.
const COUNT_CACHE_IDLE: Duration = Duration::from_secs(300);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CountKey {
    segment: SegmentId,
    max_id: u32,
    query: Arc<str>,
}

/// A segment's counts for one query, right while the segment has `deleted` deletions. The
/// deletions are not part of the key: a write that deletes from a segment (any change to
/// one of its works) makes the next listing count it again and replace the entry. With
/// them in the key, every write left the old counts behind until the budget pushed them
/// out: under the soak's writes the cache grew by 53 MB in seven minutes (jemalloc's heap
/// profile, bench/heap-profile.sh), nearly all of it counts no listing could use again.
pub(crate) struct KeptCounts {
    deleted: u32,
    counts: Arc<SharedCounts>,
}

impl Default for CountCache {
    fn default() -> CountCache {
        CountCache {
            cache: Cache::builder()
                .weigher(|_, kept: &Arc<KeptCounts>| u32::try_from(kept.counts.len()).unwrap_or(u32::MAX).max(1))
                .max_capacity(COUNT_CACHE_ENTRIES)
                .time_to_idle(COUNT_CACHE_IDLE)
                .build(),
            from_docs: AtomicU32::new(2_000),
        }
    }
}

impl CountCache {
    pub fn set_from_docs(&self, docs: u32) {
        self.from_docs.store(docs, Ordering::Relaxed);
    }

    pub fn clear(&self) {
        self.cache.invalidate_all();
    }
}

pub(crate) struct FilterCounts {
    field: &'static str,
    flat: Arc<FlatCache>,
    /// The highest tag id counted; ids above it (tags created since the graph was loaded) are
    /// not counted, since the sidebar could not name them.
    max_id: u32,
    pool: Arc<CountPool>,
    /// Where segments' counts are kept, and the query as the cache names it; `None`
    /// counts without the cache.
    kept: Option<(Arc<CountCache>, Arc<str>)>,
}

impl FilterCounts {
    pub fn new(field: &'static str, max_id: i64, pool: Arc<CountPool>, flat: Arc<FlatCache>) -> FilterCounts {
        let max_id = u32::try_from(max_id.max(0)).unwrap_or(u32::MAX);
        FilterCounts { field, flat, max_id, pool, kept: None }
    }

    /// Keeps and reuses each segment's counts for `query` (its full description: two
    /// queries with one description count the same) in `cache`.
    pub fn cached(mut self, cache: Arc<CountCache>, query: String) -> FilterCounts {
        self.kept = Some((cache, query.into()));
        self
    }
}

/// One segment's counting: done afresh, or already known.
pub(crate) enum SegmentCounts {
    Counting(Counting),
    Known(Arc<SharedCounts>),
}

pub(crate) struct Counting {
    flat: Arc<FlatValues>,
    /// By local number.
    counts: Vec<u32>,
    /// Tags above it are left out (see [`FilterCounts`]).
    max_id: u32,
    touched: Vec<u32>,
    pool: Arc<CountPool>,
    /// The matching documents, one bit each: counted at harvest, from whichever side is
    /// smaller. An unfiltered listing, or one under a profile muting a few tags, matches
    /// nearly all of a segment; counting the few documents it left out and taking them from
    /// the segment's totals reads a small part of what counting every match would.
    matching: Vec<u64>,
    max_doc: DocId,
    matched: u32,
    /// Where to keep the result, when it is worth keeping.
    keep: Option<(Arc<CountCache>, CountKey, u32)>,
}

impl Counting {
    #[inline]
    fn note(&mut self, doc: DocId) {
        if let Some(word) = self.matching.get_mut(doc as usize / 64) {
            *word |= 1 << (doc % 64);
            self.matched += 1;
        }
    }

    #[inline]
    fn count(&mut self, doc: DocId) {
        let Counting { flat, counts, touched, .. } = self;
        for &n in flat.of(doc) {
            if n == RARE {
                for &n in flat.rare(doc) {
                    add(counts, touched, n, 1);
                }
            } else {
                add(counts, touched, u32::from(n), 1);
            }
        }
    }

    /// Counts the documents whose bit is `wanted` (set: matched; clear: left out). The
    /// matches are counted noting each slot they touch (a narrow listing touches few of a
    /// segment's tags, and only those are read back and cleared); what a listing left out
    /// is counted with plain increments, since every slot is read back anyway.
    fn count_side(&mut self, wanted: bool) {
        for w in 0..self.matching.len() {
            let mut bits = if wanted { self.matching[w] } else { !self.matching[w] };
            while bits != 0 {
                let doc = (w * 64) as DocId + bits.trailing_zeros();
                if doc >= self.max_doc {
                    break;
                }
                if wanted {
                    self.count(doc);
                } else {
                    self.count_plain(doc);
                }
                bits &= bits - 1;
            }
        }
    }

    #[inline]
    fn count_plain(&mut self, doc: DocId) {
        let Counting { flat, counts, .. } = self;
        for &n in flat.of(doc) {
            if n == RARE {
                for &n in flat.rare(doc) {
                    if let Some(c) = counts.get_mut(n as usize) {
                        *c += 1;
                    }
                }
            } else if let Some(c) = counts.get_mut(usize::from(n)) {
                *c += 1;
            }
        }
    }

    /// (local number, count) of every tag the matching documents carry.
    fn local_counts(&mut self) -> Vec<(u32, u32)> {
        let either_side = self.pool.either_side.load(Ordering::Relaxed);
        if !either_side || u64::from(self.matched) * 2 <= u64::from(self.max_doc) {
            self.count_side(true);
            self.touched.iter().map(|&n| (n, self.counts[n as usize])).collect()
        } else {
            self.count_side(false);
            let Counting { flat, counts, .. } = &mut *self;
            let local = flat
                .totals
                .iter()
                .zip(counts.iter())
                .enumerate()
                .filter(|(_, (total, left_out))| total > left_out)
                .map(|(n, (total, left_out))| (n as u32, total - left_out))
                .collect();
            // Every slot may have been counted: clear them all, not the touched ones.
            let used = flat.totals.len().min(counts.len());
            counts[..used].fill(0);
            self.touched.clear();
            local
        }
    }
}

/// Adds `by` to slot `n`, noting the slots touched. The vector has a slot for every number.
#[inline]
fn add(counts: &mut [u32], touched: &mut Vec<u32>, n: u32, by: u32) {
    if let Some(count) = counts.get_mut(n as usize) {
        if *count == 0 {
            touched.push(n);
        }
        *count += by;
    }
}

/// (tag id, count) for every tag the matching works carry.
pub(crate) type Counts = Vec<(u32, u32)>;

/// A segment's counts, by [`Numbering`]'s numbers: (number, count).
pub(crate) type SharedCounts = Vec<(u32, u32)>;

impl Collector for FilterCounts {
    type Fruit = Counts;
    type Child = SegmentCounts;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentCounts> {
        let deleted = reader.num_deleted_docs();
        let keep = self.kept.as_ref().map(|(cache, query)| {
            let key = CountKey { segment: reader.segment_id(), max_id: self.max_id, query: query.clone() };
            (cache.clone(), key, deleted)
        });
        let known = keep.as_ref().and_then(|(cache, key, _)| cache.cache.get(key)).filter(|k| k.deleted == deleted);
        if let Some(known) = known {
            return Ok(SegmentCounts::Known(known.counts.clone()));
        }
        let flat = self.flat.get(reader, self.field)?;
        let max_doc = reader.max_doc();
        Ok(SegmentCounts::Counting(Counting {
            counts: self.pool.take(flat.ids.len()),
            flat,
            max_id: self.max_id,
            touched: Vec::new(),
            pool: self.pool.clone(),
            matching: vec![0; (max_doc as usize).div_ceil(64)],
            max_doc,
            matched: 0,
            keep,
        }))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Arc<SharedCounts>>) -> tantivy::Result<Counts> {
        // Every number in a fruit was given before the fruit was counted.
        let numbering = self.flat.numbering.read().expect("numbering");
        let mut total = self.pool.take(numbering.ids.len());
        let mut touched = Vec::new();
        for fruit in &fruits {
            for &(n, count) in fruit.iter() {
                add(&mut total, &mut touched, n, count);
            }
        }
        let merged =
            touched.iter().filter_map(|&n| Some((*numbering.ids.get(n as usize)?, total[n as usize]))).collect();
        self.pool.give(total, &touched);
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCounts {
    type Fruit = Arc<SharedCounts>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let SegmentCounts::Counting(c) = self {
            c.note(doc);
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        if let SegmentCounts::Counting(c) = self {
            for &doc in docs {
                c.note(doc);
            }
        }
    }

    fn harvest(self) -> Arc<SharedCounts> {
        let mut c = match self {
            SegmentCounts::Known(known) => return known,
            SegmentCounts::Counting(c) => c,
        };
        let local = c.local_counts();
        let mut counts: SharedCounts = local
            .into_iter()
            .filter(|&(n, _)| c.flat.ids[n as usize] <= c.max_id)
            .map(|(n, count)| (c.flat.shared[n as usize], count))
            .collect();
        c.pool.give(c.counts, &c.touched);
        match c.keep {
            Some((cache, key, deleted)) if c.matched >= cache.from_docs.load(Ordering::Relaxed) => {
                // The vector grew by doubling: what is kept should take what the budget counts.
                counts.shrink_to_fit();
                let counts = Arc::new(counts);
                cache.cache.insert(key, Arc::new(KeptCounts { deleted, counts: counts.clone() }));
                counts
            }
            _ => Arc::new(counts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::Count;
    use tantivy::query::AllQuery;
    use tantivy::schema::{FAST, INDEXED, Schema};
    use tantivy::{Index, TantivyDocument};

    /// More distinct tags than 16 bits can number: each document has a tag of its own
    /// beside three shared ones, and the counts come out exactly as given.
    #[test]
    fn rare_tags_past_sixteen_bits_are_kept_aside_and_counted() {
        let mut schema = Schema::builder();
        let filter = schema.add_u64_field("filter", INDEXED | FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 50_000_000).unwrap();
        let docs: u64 = 70_000;
        for doc in 0..docs {
            let mut d = TantivyDocument::new();
            // Shared tags 1 (every document), 2 (even ones), 3 (every tenth), and a tag of
            // the document's own, 100 + doc.
            d.add_u64(filter, 1);
            if doc % 2 == 0 {
                d.add_u64(filter, 2);
            }
            if doc % 10 == 0 {
                d.add_u64(filter, 3);
            }
            d.add_u64(filter, 100 + doc);
            writer.add_document(d).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        let flat = FlatValues::decode(&searcher.segment_readers()[0], "filter", &Default::default()).unwrap();
        assert_eq!(flat.ids[..3], [1, 2, 3], "most used first");
        assert!(!flat.rare_docs.is_empty(), "some tags are numbered past 16 bits");

        let max_id = 100 + docs as i64;
        let counts = FilterCounts::new("filter", max_id, Arc::default(), Arc::default());
        let (total, mut counts) = searcher.search(&AllQuery, &(Count, counts)).unwrap();
        assert_eq!(total, docs as usize);
        counts.sort_unstable();
        assert_eq!(counts[..3], [(1, 70_000), (2, 35_000), (3, 7_000)]);
        assert_eq!(counts.len(), 3 + docs as usize, "every document's own tag, rare or not");
        assert!(counts[3..].iter().enumerate().all(|(i, &(id, n))| id == 100 + i as u32 && n == 1));
    }

    /// A segment's counts are kept once per query: after a deletion the next count replaces
    /// the kept one instead of adding a second entry beside it.
    #[test]
    fn a_deletion_replaces_the_kept_counts_instead_of_adding_to_them() {
        use tantivy::Term;
        let mut schema = Schema::builder();
        let filter = schema.add_u64_field("filter", INDEXED | FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        for doc in 0..100u64 {
            let mut d = TantivyDocument::new();
            d.add_u64(filter, 1);
            d.add_u64(filter, 10 + doc);
            writer.add_document(d).unwrap();
        }
        writer.commit().unwrap();
        let reader = index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual).try_into().unwrap();
        let cache = Arc::new(CountCache::default());
        cache.set_from_docs(0);
        let flat: Arc<FlatCache> = Arc::default();
        let count = |reader: &tantivy::IndexReader| {
            let counts =
                FilterCounts::new("filter", 1_000, Arc::default(), flat.clone()).cached(cache.clone(), "all".into());
            let mut counts = reader.searcher().search(&AllQuery, &counts).unwrap();
            counts.sort_unstable();
            counts
        };
        assert_eq!(count(&reader)[0], (1, 100));
        for doc in 0..3u64 {
            writer.delete_term(Term::from_field_u64(filter, 10 + doc));
            writer.commit().unwrap();
            reader.reload().unwrap();
            assert_eq!(count(&reader)[0], (1, 99 - doc as u32), "counted again after the deletion");
            assert_eq!(count(&reader)[0], (1, 99 - doc as u32), "and kept");
        }
        cache.cache.run_pending_tasks();
        assert_eq!(cache.cache.entry_count(), 1, "one segment, one query: one entry");
    }

    /// A tag has one shared number in every segment, and a number once given never moves.
    #[test]
    fn segments_share_one_numbering() {
        let mut numbering = Numbering::default();
        let first = numbering.number(&[4_600_000, 7, 12]);
        let second = numbering.number(&[12, 99, 4_600_000]);
        assert_eq!(first, [0, 1, 2]);
        assert_eq!(second, [2, 3, 0]);
        assert_eq!(numbering.ids, [4_600_000, 7, 12, 99]);
    }

    /// Counting from either side gives the same counts: a query matching most of a segment
    /// (counted as the segment's totals less what it left out, deleted documents among
    /// them) and one matching few, each checked against counts made by hand.
    #[test]
    fn counts_from_either_side_agree_with_counting_by_hand() {
        use tantivy::Term;
        use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
        use tantivy::schema::IndexRecordOption;
        let mut schema = Schema::builder();
        let filter = schema.add_u64_field("filter", INDEXED | FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 50_000_000).unwrap();
        let tags_of = |doc: u64| -> Vec<u64> {
            let mut tags = vec![1000 + doc % 7, 2000 + doc % 13];
            if doc.is_multiple_of(5) {
                tags.push(3000);
            }
            tags
        };
        let docs: u64 = 3_000;
        for doc in 0..docs {
            let mut d = TantivyDocument::new();
            for tag in tags_of(doc) {
                d.add_u64(filter, tag);
            }
            writer.add_document(d).unwrap();
        }
        writer.commit().unwrap();
        // Deleted: every document carrying tag 2003.
        writer.delete_term(Term::from_field_u64(filter, 2003));
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let live = |doc: u64| !tags_of(doc).contains(&2003);
        let by_hand = |wanted: &dyn Fn(u64) -> bool| -> Vec<(u32, u32)> {
            let mut counts = std::collections::BTreeMap::new();
            for doc in (0..docs).filter(|&d| live(d) && wanted(d)) {
                for tag in tags_of(doc) {
                    *counts.entry(tag as u32).or_insert(0u32) += 1;
                }
            }
            counts.into_iter().collect()
        };
        let term = |tag: u64| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_u64(filter, tag), IndexRecordOption::Basic))
        };
        let most =
            BooleanQuery::new(vec![(Occur::Must, Box::new(AllQuery) as Box<dyn Query>), (Occur::MustNot, term(3000))]);
        type Case = (&'static str, Box<dyn Query>, Box<dyn Fn(u64) -> bool>);
        let cases: Vec<Case> = vec![
            ("all", Box::new(AllQuery), Box::new(|_| true)),
            ("all but tag 3000", Box::new(most), Box::new(|d| d % 5 != 0)),
            ("tag 3000 alone", term(3000), Box::new(|d| d % 5 == 0)),
        ];
        for (name, query, wanted) in cases {
            let counts = FilterCounts::new("filter", 10_000, Arc::default(), Arc::default());
            let mut counted = searcher.search(query.as_ref(), &counts).unwrap();
            counted.sort_unstable();
            assert_eq!(counted, by_hand(wanted.as_ref()), "{name}");
        }
    }
}
