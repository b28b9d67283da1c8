//! Counting filter tags over every matching work, for the sidebar. Tag ids are small
//! dense integers, so counts live in a vector indexed by id: one increment per tag of each
//! matching work, no hashing.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

pub(crate) struct FilterCounts {
    field: &'static str,
    /// One past the highest tag id counted; ids above it (tags created since the graph was
    /// loaded) are not counted, since the sidebar could not name them.
    size: usize,
}

impl FilterCounts {
    pub fn new(field: &'static str, max_id: i64) -> FilterCounts {
        FilterCounts { field, size: max_id.max(0) as usize + 1 }
    }
}

pub(crate) struct SegmentCounts {
    column: Column<u64>,
    counts: Vec<u32>,
    /// One document's values, decoded as a run rather than one by one.
    buffer: Vec<u64>,
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
                *count += 1;
            }
        }
    }
}

impl Collector for FilterCounts {
    type Fruit = Vec<u32>;
    type Child = SegmentCounts;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentCounts> {
        Ok(SegmentCounts {
            column: reader.fast_fields().u64(self.field)?,
            counts: vec![0; self.size],
            buffer: vec![0; 32],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u32>>) -> tantivy::Result<Vec<u32>> {
        let mut total = vec![0u32; self.size];
        for fruit in fruits {
            for (t, c) in total.iter_mut().zip(fruit) {
                *t += c;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentCounts {
    type Fruit = Vec<u32>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.count(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for &doc in docs {
            self.count(doc);
        }
    }

    fn harvest(self) -> Vec<u32> {
        self.counts
    }
}
