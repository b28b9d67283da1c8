//! Counting filter tags over every matching work, for the sidebar.
//!
//! Tag ids are small dense integers, so counts live in a vector indexed by id: one
//! increment per tag of each matching work, no hashing. An archive has hundreds of
//! thousands of tags but a listing touches few of them, so each segment also notes which
//! ids it touched: merging, reading and clearing cost what the result touched, not the size
//! of the tag table, and the vectors are pooled rather than allocated per query.

use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

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
    /// One past the highest tag id counted; ids above it (tags created since the graph was
    /// loaded) are not counted, since the sidebar could not name them.
    size: usize,
    pool: Arc<CountPool>,
}

impl FilterCounts {
    pub fn new(field: &'static str, max_id: i64, pool: Arc<CountPool>) -> FilterCounts {
        FilterCounts { field, size: max_id.max(0) as usize + 1, pool }
    }
}

pub(crate) struct SegmentCounts {
    column: Column<u64>,
    counts: Vec<u32>,
    touched: Vec<u32>,
    /// One document's values, decoded as a run rather than one by one.
    buffer: Vec<u64>,
    pool: Arc<CountPool>,
}

impl SegmentCounts {
    #[inline]
    fn count(&mut self, doc: DocId) {
        let rows = self.column.index.value_row_ids(doc);
        let n = rows.end.saturating_sub(rows.start) as usize;
        if n == 0 {
            return;
        }
        if self.buffer.len() < n {
            self.buffer.resize(n, 0);
        }
        self.column.values.get_range(u64::from(rows.start), &mut self.buffer[..n]);
        for &id in &self.buffer[..n] {
            if let Some(count) = self.counts.get_mut(id as usize) {
                if *count == 0 {
                    self.touched.push(id as u32);
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
            column: reader.fast_fields().u64(self.field)?,
            counts: self.pool.take(self.size),
            touched: Vec::new(),
            buffer: vec![0; 32],
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
