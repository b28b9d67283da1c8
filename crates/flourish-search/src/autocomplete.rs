//! Tag autocomplete: every word of every tag name in one sorted list, so a prefix is a
//! binary search; canonical tags first, then by how many works use them.

use crate::graph::TagGraph;
use flourish_core::TagKind;
use std::collections::HashMap;

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
    /// The best [`MAX_SUGGESTIONS`] tags for every prefix of up to [`SHORT_PREFIX`]
    /// characters, best first: short prefixes match the most words, and readers type them
    /// first. Longer prefixes scan their (short) range of `words`.
    short: HashMap<String, Vec<u32>>,
}

/// Prefixes this short (in characters) are answered from a table built with the index.
const SHORT_PREFIX: usize = 3;

/// Suggestions never list more than this, whatever is asked.
pub const MAX_SUGGESTIONS: usize = 50;

impl Autocomplete {
    /// `uses`: works per filter tag id.
    pub fn build(graph: &TagGraph, uses: &HashMap<i64, u64>) -> Autocomplete {
        let mut tags = Vec::with_capacity(graph.len());
        let mut words = Vec::with_capacity(graph.len() * 3);
        for tag in graph.iter() {
            let uses = uses.get(&graph.filter_tag(tag.id.0)).copied().unwrap_or(0);
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
        let mut built = Autocomplete { tags, words, short: HashMap::new() };
        let mut by_prefix: HashMap<String, Vec<u32>> = HashMap::new();
        for (word, index) in &built.words {
            let mut end = 0;
            for c in word.chars().take(SHORT_PREFIX) {
                end += c.len_utf8();
                by_prefix.entry(word[..end].to_owned()).or_default().push(*index);
            }
        }
        for (prefix, mut candidates) in by_prefix {
            candidates.sort_unstable();
            candidates.dedup();
            let best = built.best(candidates, MAX_SUGGESTIONS);
            built.short.insert(prefix, best);
        }
        built
    }

    fn rank(&self, i: u32) -> (std::cmp::Reverse<bool>, std::cmp::Reverse<u64>, usize, &str) {
        let t = &self.tags[i as usize];
        (std::cmp::Reverse(t.canonical), std::cmp::Reverse(t.uses), t.name.len(), t.name.as_str())
    }

    /// The `limit` best of `candidates` (distinct tag indexes), best first.
    fn best(&self, mut candidates: Vec<u32>, limit: usize) -> Vec<u32> {
        if candidates.len() > limit {
            candidates.select_nth_unstable_by(limit - 1, |a, b| self.rank(*a).cmp(&self.rank(*b)));
            candidates.truncate(limit);
        }
        candidates.sort_by(|a, b| self.rank(*a).cmp(&self.rank(*b)));
        candidates
    }

    /// Tags with a word starting with `prefix` (case-insensitive), best first.
    pub fn suggest(&self, prefix: &str, kind: Option<TagKind>, limit: usize) -> Vec<Suggestion> {
        let prefix = prefix.trim().to_lowercase();
        if prefix.is_empty() {
            return vec![];
        }
        let limit = limit.clamp(1, MAX_SUGGESTIONS);
        let of_kind = |i: &u32| kind.is_none_or(|k| self.tags[*i as usize].kind == k);
        let chosen = match self.short.get(&prefix) {
            // The table holds the best of every kind; a kind filter may need more than it
            // has, so it falls back to the scan when the table runs short.
            Some(best) if kind.is_none() || best.iter().filter(|i| of_kind(i)).count() >= limit => {
                best.iter().copied().filter(of_kind).take(limit).collect()
            }
            _ => {
                let start = self.words.partition_point(|(w, _)| w.as_str() < prefix.as_str());
                let mut candidates: Vec<u32> = self.words[start..]
                    .iter()
                    .take_while(|(w, _)| w.starts_with(&prefix))
                    .map(|&(_, i)| i)
                    .filter(of_kind)
                    .collect();
                candidates.sort_unstable();
                candidates.dedup();
                self.best(candidates, limit)
            }
        };
        chosen.into_iter().map(|i| self.tags[i as usize].clone()).collect()
    }
}
