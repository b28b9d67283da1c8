//! A numeric range over a fast field (words, kudos, dates) that stays cheap when it only
//! narrows a few works found by other clauses.
//!
//! Tantivy's range query answers each `seek` far ahead by decoding the next 128 values from
//! the target; in a listing such as "these three tags, 1,000–50,000 words" the tags find a
//! few thousand works and the range is asked about each, so it decoded a hundred values per
//! work and took most of the listing's time. Here a seek reads values one at a time from the
//! one it asks about, and scans ahead in batches (growing, as tantivy's do) only when a few
//! in a row are out of range or when the range itself leads the search.

use std::fmt::Debug;
use std::ops::{Bound, RangeInclusive};
use tantivy::columnar::Column;
use tantivy::query::{ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError};

/// The value types of the fields filtered by range.
pub(crate) trait FastValue: PartialOrd + Copy + Debug + Send + Sync + 'static {
    const MIN: Self;
    const MAX: Self;
    fn column(reader: &SegmentReader, field: &str) -> tantivy::Result<Option<Column<Self>>>;
    /// The next value up and down, `None` past the type's end.
    fn up(self) -> Option<Self>;
    fn down(self) -> Option<Self>;
}

/// u64 and i64 differ only in their type.
macro_rules! fast_value {
    ($($t:ty),*) => {$(
        impl FastValue for $t {
            const MIN: $t = <$t>::MIN;
            const MAX: $t = <$t>::MAX;
            fn column(reader: &SegmentReader, field: &str) -> tantivy::Result<Option<Column<$t>>> {
                reader.fast_fields().column_opt(field)
            }
            fn up(self) -> Option<$t> {
                self.checked_add(1)
            }
            fn down(self) -> Option<$t> {
                self.checked_sub(1)
            }
        }
    )*};
}
fast_value!(u64, i64);

/// Works with a value of `field` between `lower` and `upper`.
#[derive(Clone, Debug)]
pub(crate) struct FastRange<T> {
    field: Field,
    lower: Bound<T>,
    upper: Bound<T>,
}

impl<T: FastValue> FastRange<T> {
    pub fn new(field: Field, lower: Bound<T>, upper: Bound<T>) -> FastRange<T> {
        FastRange { field, lower, upper }
    }

    /// The bounds as an inclusive range of values; `None` when empty.
    fn inclusive(&self) -> Option<RangeInclusive<T>> {
        let from = match self.lower {
            Bound::Included(v) => v,
            Bound::Excluded(v) => v.up()?,
            Bound::Unbounded => T::MIN,
        };
        let to = match self.upper {
            Bound::Included(v) => v,
            Bound::Excluded(v) => v.down()?,
            Bound::Unbounded => T::MAX,
        };
        (from <= to).then_some(from..=to)
    }

    /// The segment's column and the range; `None` when the range is empty or no work in the
    /// segment has the field.
    fn column(&self, reader: &SegmentReader) -> tantivy::Result<Option<(Column<T>, RangeInclusive<T>)>> {
        let name = reader.schema().get_field_name(self.field);
        let Some(range) = self.inclusive() else { return Ok(None) };
        Ok(T::column(reader, name)?.map(|column| (column, range)))
    }
}

impl<T: FastValue> Query for FastRange<T> {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl<T: FastValue> Weight for FastRange<T> {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.column(reader)? {
            Some((column, range)) => Box::new(ConstScorer::new(RangeDocs::new(column, range), boost)),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        match self.column(reader)? {
            Some((column, range)) if column.values_for_doc(doc).any(|v| range.contains(&v)) => {
                Ok(Explanation::new("FastRange", 1.0))
            }
            _ => Err(TantivyError::InvalidArgument(format!("document {doc} is outside the range"))),
        }
    }
}

/// The documents in range, in order.
struct RangeDocs<T> {
    column: Column<T>,
    range: RangeInclusive<T>,
    end: DocId,
    /// Documents in range found by the last batch, and where in them the current one is.
    found: Vec<DocId>,
    at: usize,
    /// The batches so far cover the documents below it.
    scanned: DocId,
    /// The next batch's length: it doubles while the scan goes on and starts small again
    /// after a seek, as in tantivy's own range.
    horizon: u32,
}

const FIRST_HORIZON: u32 = 128;
/// Values read one at a time after a seek before scanning in batches.
const PROBES: u32 = 16;
const MAX_HORIZON: u32 = 65_536;

impl<T: FastValue> RangeDocs<T> {
    fn new(column: Column<T>, range: RangeInclusive<T>) -> RangeDocs<T> {
        let end = column.num_docs();
        let mut docs = RangeDocs { column, range, end, found: Vec::new(), at: 0, scanned: 0, horizon: FIRST_HORIZON };
        docs.scan();
        docs
    }

    /// Fills `found` from `scanned` on, batch after growing batch, until a document in range
    /// or the end.
    fn scan(&mut self) -> DocId {
        self.found.clear();
        self.at = 0;
        while self.found.is_empty() && self.scanned < self.end {
            let to = self.scanned.saturating_add(self.horizon).min(self.end);
            self.column.get_docids_for_value_range(self.range.clone(), self.scanned..to, &mut self.found);
            self.scanned = to;
            self.horizon = (self.horizon * 2).min(MAX_HORIZON);
        }
        self.doc()
    }
}

impl<T: FastValue> DocSet for RangeDocs<T> {
    fn advance(&mut self) -> DocId {
        self.at += 1;
        if self.at < self.found.len() { self.found[self.at] } else { self.scan() }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let current = self.doc();
        if current >= target {
            return current;
        }
        // Inside the last batch: move along it.
        if target < self.scanned {
            self.at += self.found[self.at..].partition_point(|&doc| doc < target);
            if self.at < self.found.len() {
                return self.found[self.at];
            }
            return self.scan();
        }
        if target >= self.end {
            self.found.clear();
            self.scanned = self.end;
            return TERMINATED;
        }
        // Far ahead: the values from the one asked about, one at a time for a few (a range
        // that matches a fair share of works has one nearby), then batches.
        self.horizon = FIRST_HORIZON;
        self.found.clear();
        self.at = 0;
        let probed = target.saturating_add(PROBES).min(self.end);
        for doc in target..probed {
            if self.column.values_for_doc(doc).any(|v| self.range.contains(&v)) {
                self.found.push(doc);
                self.scanned = doc + 1;
                return doc;
            }
        }
        self.scanned = probed;
        self.scan()
    }

    fn doc(&self) -> DocId {
        self.found.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        // Unknown without a scan; the most it can be keeps the range from leading an
        // intersection that has a narrower clause.
        self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, DocSetCollector};
    use tantivy::query::{BooleanQuery, Occur, RangeQuery, TermQuery};
    use tantivy::schema::{FAST, INDEXED, IndexRecordOption, Schema};
    use tantivy::{Index, TantivyDocument, Term};

    /// Every bound kind and every way of reaching a document (leading the search, or asked
    /// about by a narrower clause at short and long jumps) finds exactly the documents
    /// tantivy's own range finds, across several segments and at the types' ends.
    #[test]
    fn finds_what_tantivys_range_finds() {
        let mut schema = Schema::builder();
        let words = schema.add_u64_field("words", FAST);
        let updated = schema.add_i64_field("updated", FAST);
        let tag = schema.add_u64_field("tag", INDEXED);
        let pair = schema.add_u64_field("pair", FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 50_000_000).unwrap();
        for doc in 0..20_000u64 {
            let mut d = TantivyDocument::new();
            let mixed = doc.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
            let w = match doc % 1_000 {
                0 => u64::MAX,
                1 => 0,
                _ => mixed % 60_000,
            };
            d.add_u64(words, w);
            // Two values a document apart, both in most ranges.
            d.add_u64(pair, w % 1_000);
            d.add_u64(pair, w % 1_000 + 1);
            d.add_i64(updated, if doc % 997 == 0 { i64::MIN } else { (mixed as i64 % 10_000) - 5_000 });
            // Tags at several densities, so the range is sought at short and long jumps.
            for every in [2u64, 7, 300] {
                if mixed % every == 0 {
                    d.add_u64(tag, every);
                }
            }
            writer.add_document(d).unwrap();
            if doc % 6_000 == 5_999 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);

        let docs = |query: &dyn Query| {
            let mut docs: Vec<_> = searcher.search(query, &DocSetCollector).unwrap().into_iter().collect();
            docs.sort();
            docs
        };
        let with_tag = |every: u64, range: Box<dyn Query>| -> Box<dyn Query> {
            let tag = TermQuery::new(Term::from_field_u64(tag, every), IndexRecordOption::Basic);
            Box::new(BooleanQuery::new(vec![(Occur::Must, Box::new(tag)), (Occur::Must, range)]))
        };
        use Bound::{Excluded, Included, Unbounded};
        let unsigned = [
            (Included(1_000), Included(50_000)),
            (Excluded(1_000), Excluded(50_000)),
            (Unbounded, Included(0)),
            (Excluded(u64::MAX - 1), Unbounded),
            (Included(59_000), Unbounded),
            (Included(30_000), Included(30_000)),
            (Excluded(5), Excluded(6)),
        ];
        for (lower, upper) in unsigned {
            let term = |b: Bound<u64>| b.map(|v| Term::from_field_u64(words, v));
            let theirs = || -> Box<dyn Query> { Box::new(RangeQuery::new(term(lower), term(upper))) };
            let ours = || -> Box<dyn Query> { Box::new(FastRange::new(words, lower, upper)) };
            assert_eq!(docs(ours().as_ref()), docs(theirs().as_ref()), "{lower:?}..{upper:?}");
            for every in [2, 7, 300] {
                let (a, b) = (docs(with_tag(every, ours()).as_ref()), docs(with_tag(every, theirs()).as_ref()));
                assert_eq!(a, b, "tag {every}, {lower:?}..{upper:?}");
            }
        }
        // A document with both values in range is found once.
        let term = |v: u64| Term::from_field_u64(pair, v);
        let theirs = RangeQuery::new(Included(term(100)), Included(term(900)));
        let ours = FastRange::new(pair, Included(100u64), Included(900));
        let count = |query: &dyn Query| searcher.search(query, &Count).unwrap();
        assert_eq!(count(&ours), docs(&ours).len());
        assert_eq!(docs(&ours), docs(&theirs));

        let signed =
            [(Included(-100), Excluded(2_000)), (Unbounded, Excluded(i64::MIN + 1)), (Excluded(4_900), Unbounded)];
        for (lower, upper) in signed {
            let term = |b: Bound<i64>| b.map(|v| Term::from_field_i64(updated, v));
            let theirs = || -> Box<dyn Query> { Box::new(RangeQuery::new(term(lower), term(upper))) };
            let ours = || -> Box<dyn Query> { Box::new(FastRange::new(updated, lower, upper)) };
            assert!(!docs(ours().as_ref()).is_empty(), "{lower:?}..{upper:?} finds something");
            assert_eq!(docs(ours().as_ref()), docs(theirs().as_ref()), "{lower:?}..{upper:?}");
            assert_eq!(docs(with_tag(7, ours()).as_ref()), docs(with_tag(7, theirs()).as_ref()));
        }
    }
}
