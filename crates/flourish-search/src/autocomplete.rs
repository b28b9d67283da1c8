//! Tag autocomplete: every word of every tag name in one sorted list, so a prefix is a
//! binary search; canonical tags first, then by how many works use them.

use crate::graph::TagGraph;
use flourish_core::TagKind;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    pub id: i64,
    pub name: String,
    pub kind: TagKind,
    pub canonical: bool,
    /// Works that match the tag as a filter.
    pub uses: u64,
}

#[derive(Default)]
pub struct Autocomplete {
    tags: Vec<Suggestion>,
    /// (lowercased word, index into `tags`), sorted.
    words: Vec<(String, u32)>,
}

/// Suggestions never list more than this, whatever is asked.
pub const MAX_SUGGESTIONS: usize = 50;

impl Autocomplete {
    pub fn build(graph: &TagGraph, searcher: &Searcher, filter: Field) -> Autocomplete {
        let mut tags = Vec::with_capacity(graph.len());
        let mut words = Vec::with_capacity(graph.len() * 3);
        for tag in graph.iter() {
            let term = Term::from_field_u64(filter, graph.filter_tag(tag.id.0) as u64);
            let uses = searcher.doc_freq(&term).unwrap_or(0);
            let index = tags.len() as u32;
            let lower = tag.name.to_lowercase();
            words.push((lower.clone(), index));
            for (at, _) in lower.match_indices(|c: char| !c.is_alphanumeric()) {
                let rest = lower[at..].trim_start_matches(|c: char| !c.is_alphanumeric());
                if !rest.is_empty() {
                    words.push((rest.to_owned(), index));
                }
            }
            tags.push(Suggestion {
                id: tag.id.0,
                name: tag.name.clone(),
                kind: tag.kind,
                canonical: tag.canonical,
                uses,
            });
        }
        words.sort_unstable();
        words.dedup();
        Autocomplete { tags, words }
    }

    /// Tags with a word starting with `prefix` (case-insensitive), best first.
    pub fn suggest(&self, prefix: &str, kind: Option<TagKind>, limit: usize) -> Vec<Suggestion> {
        let prefix = prefix.trim().to_lowercase();
        if prefix.is_empty() {
            return vec![];
        }
        let start = self.words.partition_point(|(w, _)| w.as_str() < prefix.as_str());
        let mut candidates: Vec<u32> = self.words[start..]
            .iter()
            .take_while(|(w, _)| w.starts_with(&prefix))
            .map(|&(_, i)| i)
            .filter(|&i| kind.is_none_or(|k| self.tags[i as usize].kind == k))
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let rank = |i: &u32| {
            let t = &self.tags[*i as usize];
            (std::cmp::Reverse(t.canonical), std::cmp::Reverse(t.uses), t.name.len())
        };
        let limit = limit.clamp(1, MAX_SUGGESTIONS);
        if candidates.len() > limit {
            candidates.select_nth_unstable_by_key(limit, rank);
            candidates.truncate(limit);
        }
        candidates.sort_by_cached_key(|i| (rank(i), self.tags[*i as usize].name.clone()));
        candidates.into_iter().map(|i| self.tags[i as usize].clone()).collect()
    }
}
