//! Counting filter tags over every matching work, for the sidebar.
//!
//! Tag ids are small dense integers, so counts live in a vector indexed by id: one
//! increment per tag of each matching work, no hashing. An archive has hundreds of
//! thousands of tags but a listing touches few of them, so each segment also notes which
//! ids it touched: merging, reading and clearing cost what the result touched, not the size
//! of the tag table, and the vectors are pooled rather than allocated per query.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// A segment's filter ids decoded once into flat arrays: counting then reads a slice per
/// document instead of decoding each value through the column codec (a dynamic call per
/// value, most of a large listing's time).
pub(crate) struct FlatValues {
    /// `values[offsets[doc]..offsets[doc + 1]]` are the document's ids.
    offsets: Vec<u32>,
    values: Vec<u32>,
}

impl FlatValues {
    fn decode(reader: &SegmentReader, field: &str) -> tantivy::Result<FlatValues> {
        let column = reader.fast_fields().u64(field)?;
        let docs = reader.max_doc();
        let mut offsets = Vec::with_capacity(docs as usize + 1);
        let mut values = Vec::new();
        offsets.push(0);
        for doc in 0..docs {
            values.extend(column.values_for_doc(doc).map(|v| u32::try_from(v).unwrap_or(u32::MAX)));
            offsets.push(values.len() as u32);
        }
        Ok(FlatValues { offsets, values })
    }

    #[inline]
    fn of(&self, doc: DocId) -> &[u32] {
        let doc = doc as usize;
        match (self.offsets.get(doc), self.offsets.get(doc + 1)) {
            (Some(&from), Some(&to)) => &self.values[from as usize..to as usize],
            _ => &[],
        }
    }
}

/// Decoded segments by id; segments are immutable, so an entry never goes stale, and
/// entries of merged-away segments are dropped by [`FlatCache::retain`].
#[derive(Default)]
pub(crate) struct FlatCache(Mutex<HashMap<SegmentId, Arc<FlatValues>>>);

impl FlatCache {
    fn get(&self, reader: &SegmentReader, field: &str) -> tantivy::Result<Arc<FlatValues>> {
        let id = reader.segment_id();
        if let Some(flat) = self.0.lock().expect("flat cache").get(&id) {
            return Ok(flat.clone());
        }
        let flat = Arc::new(FlatValues::decode(reader, field)?);
        self.0.lock().expect("flat cache").insert(id, flat.clone());
        Ok(flat)
    }

    /// Keeps only the segments still searched.
    pub fn retain(&self, live: &[SegmentId]) {
        self.0.lock().expect("flat cache").retain(|id, _| live.contains(id));
    }
}

/// Zeroed count vectors, reused across queries.
#[derive(Default)]
pub(crate) struct CountPool(Mutex<Vec<Vec<u32>>>);

impl CountPool {
    fn take(&self, size: usize) -> Vec<u32> {
        let mut vec = self.0.lock().expect("count pool").pop().unwrap_or_default();
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
        let mut pool = self.0.lock().expect("count pool");
        // A few per core is all concurrent queries need.
        if pool.len() < 16 {
            pool.push(vec);
        }
    }
}

pub(crate) struct FilterCounts {
    field: &'static str,
    flat: Arc<FlatCache>,
    /// One past the highest tag id counted; ids above it (tags created since the graph was
    /// loaded) are not counted, since the sidebar could not name them.
    size: usize,
    pool: Arc<CountPool>,
}

impl FilterCounts {
    pub fn new(field: &'static str, max_id: i64, pool: Arc<CountPool>, flat: Arc<FlatCache>) -> FilterCounts {
        FilterCounts { field, flat, size: max_id.max(0) as usize + 1, pool }
    }
}

pub(crate) struct SegmentCounts {
    flat: Arc<FlatValues>,
    counts: Vec<u32>,
    touched: Vec<u32>,
    pool: Arc<CountPool>,
}

impl SegmentCounts {
    #[inline]
    fn count(&mut self, doc: DocId) {
        for &id in self.flat.of(doc) {
            if let Some(count) = self.counts.get_mut(id as usize) {
                if *count == 0 {
                    self.touched.push(id);
                }
                *count += 1;
            }
        }
    }
}

/// (tag id, count) for every tag the matching works carry.
pub(crate) type Counts = Vec<(u32, u32)>;

impl Collector for FilterCounts {
    type Fruit = Counts;
    type Child = SegmentCounts;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentCounts> {
        Ok(SegmentCounts {
            flat: self.flat.get(reader, self.field)?,
            counts: self.pool.take(self.size),
            touched: Vec::new(),
            pool: self.pool.clone(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        if fruits.len() == 1 {
            return Ok(fruits.into_iter().next().unwrap_or_default());
        }
        let mut total = self.pool.take(self.size);
        let mut touched = Vec::new();
        for fruit in fruits {
            for (id, count) in fruit {
                let slot = &mut total[id as usize];
                if *slot == 0 {
                    touched.push(id);
                }
                *slot += count;
            }
        }
        let merged = touched.iter().map(|&id| (id, total[id as usize])).collect();
        self.pool.give(total, &touched);
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCounts {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.count(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for &doc in docs {
            self.count(doc);
        }
    }

    fn harvest(self) -> Counts {
        let counts: Counts = self.touched.iter().map(|&id| (id, self.counts[id as usize])).collect();
        self.pool.give(self.counts, &self.touched);
        counts
    }
}
