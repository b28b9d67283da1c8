//! Counts-only changes (kudos, comments) waiting for the search index.
//!
//! A count lives in the index like any other field, and tantivy changes a field only by
//! replacing the whole document: each kudos would re-read and re-tokenize its work. Under a
//! few thousand kudos a second that took most of a core from the readers, so the indexer
//! keeps counts-only changes here, one entry per work however many rows name it, and
//! applies them at a bounded pace, oldest first. A content change to the same work
//! re-reads it anyway and takes it off the backlog.

use flourish_core::WorkId;
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
pub(crate) struct CountsBacklog {
    /// The first waiting outbox row of each work, in row order.
    by_row: BTreeMap<i64, WorkId>,
    by_work: HashMap<WorkId, i64>,
}

impl CountsBacklog {
    /// Notes that outbox row `row` changed `work`'s counts; a work already waiting keeps
    /// its earlier row.
    pub(crate) fn add(&mut self, row: i64, work: WorkId) {
        match self.by_work.get(&work) {
            Some(&first) if first <= row => {}
            Some(&first) => {
                self.by_row.remove(&first);
                self.by_row.insert(row, work);
                self.by_work.insert(work, row);
            }
            None => {
                self.by_row.insert(row, work);
                self.by_work.insert(work, row);
            }
        }
    }

    /// Takes `work` off the backlog: it is being re-read in full.
    pub(crate) fn remove(&mut self, work: WorkId) {
        if let Some(row) = self.by_work.remove(&work) {
            self.by_row.remove(&row);
        }
    }

    /// Takes up to `n` works, those waiting longest first.
    pub(crate) fn take_oldest(&mut self, n: usize) -> Vec<WorkId> {
        let mut taken = Vec::with_capacity(n.min(self.by_row.len()));
        while taken.len() < n {
            let Some((_, work)) = self.by_row.pop_first() else { break };
            self.by_work.remove(&work);
            taken.push(work);
        }
        taken
    }

    /// The first outbox row still waiting, or 0 when none is: what the index's checkpoint
    /// records, so a restart re-reads the backlog from the outbox.
    pub(crate) fn first_row(&self) -> i64 {
        self.by_row.first_key_value().map_or(0, |(row, _)| *row)
    }

    pub(crate) fn len(&self) -> usize {
        self.by_row.len()
    }

    pub(crate) fn clear(&mut self) {
        self.by_row.clear();
        self.by_work.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_entry_per_work_at_its_first_row_oldest_taken_first() {
        let mut backlog = CountsBacklog::default();
        backlog.add(10, WorkId(1));
        backlog.add(11, WorkId(2));
        backlog.add(12, WorkId(1));
        backlog.add(9, WorkId(3));
        assert_eq!(backlog.len(), 3);
        assert_eq!(backlog.first_row(), 9);
        // A late row (PostgreSQL commits out of id order) moves its work earlier.
        backlog.add(5, WorkId(2));
        assert_eq!(backlog.take_oldest(2), vec![WorkId(2), WorkId(3)]);
        assert_eq!(backlog.first_row(), 10);
        backlog.remove(WorkId(1));
        assert_eq!(backlog.first_row(), 0);
        assert!(backlog.take_oldest(5).is_empty());
    }
}
