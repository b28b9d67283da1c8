//! One page of a listing in a numeric order (kudos, hits, dates…), newest work first among
//! equals. Tantivy's `TopDocs::custom_score` reads every matching work's whole sort key;
//! here a work whose value is already below the page's last one is passed over after one
//! column read, without reading its id. On a listing of a million works the page fills
//! within the first few thousand, so nearly every work costs one read instead of two.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// A sort key: the value, mapped to u64 order-preservingly, then the work id.
pub(crate) type Key = (u64, u64);

/// Collects the works at `offset..offset + limit` in descending (value, id) order.
pub(crate) struct TopByValue {
    field: &'static str,
    signed: bool,
    limit: usize,
    offset: usize,
}

impl TopByValue {
    pub fn new(field: &'static str, signed: bool, limit: usize, offset: usize) -> TopByValue {
        TopByValue { field, signed, limit, offset }
    }
}

pub(crate) struct SegmentTop {
    values: Option<Values>,
    ids: Option<Column<u64>>,
    segment: SegmentOrdinal,
    keep: usize,
    /// The best `keep` so far, the least on top.
    heap: BinaryHeap<Reverse<(Key, DocId)>>,
}

enum Values {
    Unsigned(Column<u64>),
    Signed(Column<i64>),
}

impl SegmentTop {
    #[inline]
    fn value(&self, doc: DocId) -> u64 {
        match &self.values {
            Some(Values::Unsigned(col)) => col.first(doc).unwrap_or(0),
            Some(Values::Signed(col)) => col.first(doc).map_or(0, |v| (v as u64) ^ (1 << 63)),
            None => 0,
        }
    }
}

impl Collector for TopByValue {
    type Fruit = Vec<(Key, DocAddress)>;
    type Child = SegmentTop;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentTop> {
        let fast = reader.fast_fields();
        let values = if self.signed {
            fast.i64(self.field).ok().map(Values::Signed)
        } else {
            fast.u64(self.field).ok().map(Values::Unsigned)
        };
        let keep = self.offset.saturating_add(self.limit);
        Ok(SegmentTop { values, ids: fast.u64("id").ok(), segment, keep, heap: BinaryHeap::with_capacity(keep + 1) })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(Key, DocAddress)>>) -> tantivy::Result<Vec<(Key, DocAddress)>> {
        let mut all: Vec<(Key, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(all.into_iter().skip(self.offset).take(self.limit).collect())
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = Vec<(Key, DocAddress)>;

    #[inline]
    fn collect(&mut self, doc: DocId, _: Score) {
        if self.keep == 0 {
            return;
        }
        let value = self.value(doc);
        if self.heap.len() == self.keep
            && let Some(Reverse(((least, _), _))) = self.heap.peek()
            && value < *least
        {
            return;
        }
        let id = self.ids.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
        let key = (value, id);
        if self.heap.len() < self.keep {
            self.heap.push(Reverse((key, doc)));
        } else if let Some(mut least) = self.heap.peek_mut()
            && key > least.0.0
        {
            *least = Reverse((key, doc));
        }
    }

    fn harvest(self) -> Vec<(Key, DocAddress)> {
        let segment = self.segment;
        self.heap.into_iter().map(|Reverse((key, doc))| (key, DocAddress::new(segment, doc))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::AllQuery;
    use tantivy::schema::{FAST, INDEXED, Schema};
    use tantivy::{Index, TantivyDocument};

    /// The same pages as Tantivy's own top collector reading every key, over several
    /// segments, with ties broken by id and deleted works left out.
    #[test]
    fn pages_match_reading_every_key() {
        let mut schema = Schema::builder();
        let id = schema.add_u64_field("id", INDEXED | FAST);
        let kudos = schema.add_u64_field("kudos", FAST);
        let updated = schema.add_i64_field("updated", FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 50_000_000).unwrap();
        for n in 0..3_000u64 {
            let mut d = TantivyDocument::new();
            d.add_u64(id, n + 1);
            d.add_u64(kudos, (n * 7919) % 97);
            d.add_i64(updated, ((n as i64) * 104_729) % 5_000 - 2_500);
            writer.add_document(d).unwrap();
            if n % 1_000 == 999 {
                writer.commit().unwrap();
            }
        }
        writer.delete_term(tantivy::Term::from_field_u64(id, 17));
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() >= 2);
        for (field, signed) in [("kudos", false), ("updated", true)] {
            for (limit, offset) in [(20, 0), (20, 40), (100, 2_950), (5, 0)] {
                let ours = searcher.search(&AllQuery, &TopByValue::new(field, signed, limit, offset)).unwrap();
                let theirs = searcher
                    .search(
                        &AllQuery,
                        &TopDocs::with_limit(limit).and_offset(offset).custom_score(move |reader: &SegmentReader| {
                            let fast = reader.fast_fields();
                            let u = fast.u64(field).ok();
                            let i = fast.i64(field).ok();
                            let ids = fast.u64("id").unwrap();
                            move |doc: DocId| {
                                let v = if signed {
                                    i.as_ref().and_then(|c| c.first(doc)).map_or(0, |v| (v as u64) ^ (1 << 63))
                                } else {
                                    u.as_ref().and_then(|c| c.first(doc)).unwrap_or(0)
                                };
                                (v, ids.first(doc).unwrap_or(0))
                            }
                        }),
                    )
                    .unwrap();
                let keys = |page: &[(Key, DocAddress)]| page.iter().map(|(k, _)| *k).collect::<Vec<_>>();
                assert_eq!(keys(&ours), keys(&theirs), "{field} {limit}@{offset}");
                assert!(ours.iter().all(|((_, id), _)| *id != 17), "a deleted work is not listed");
            }
        }
    }
}
