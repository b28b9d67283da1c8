//! The archive's tag wrangling, in memory: which canonical tag a tag filters as, and which
//! metatags stand above it. Filters, counts and autocomplete all read it.

use flourish_core::{Tag, TagId, TagKind};
use std::collections::HashMap;

const SYNONYM: u8 = 0x80;

#[derive(Clone, Debug)]
pub struct TagInfo {
    pub id: TagId,
    pub name: String,
    pub kind: TagKind,
    pub canonical: bool,
    pub synonym_of: Option<TagId>,
}

impl TagInfo {
    /// The tag as the store hands it out.
    pub fn to_tag(&self) -> Tag {
        Tag {
            id: self.id,
            name: self.name.clone(),
            kind: self.kind,
            canonical: self.canonical,
            synonym_of: self.synonym_of,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct TagGraph {
    tags: HashMap<i64, TagInfo>,
    /// Direct metatags of each tag.
    metas: HashMap<i64, Vec<i64>>,
    /// Tag ids by a hash of the lowercased name ([`name_hash`]); a lookup checks the
    /// tag's name. Keyed by the name itself, this map held a lowercased copy of every
    /// name: at 100,000 generated works (34,600 tags) the graph took 10.3 MB that way and
    /// takes 6.8 MB this way (jemalloc's heap profile of an idle server, one run each);
    /// at 1,000,000 works (254,591 tags) it had taken 88 MB.
    by_hash: HashMap<u64, i64>,
    /// The few names whose hash an earlier, different name already took.
    collided: HashMap<String, i64>,
    /// By tag id: the kind's position in `TagKind::ALL` plus one (0: no such tag), with
    /// [`SYNONYM`] set for synonyms. Facet counting looks up every counted id here, so it is
    /// a vector, not a map.
    dense: Vec<u8>,
    max_id: i64,
    /// The store's wrangling generation this graph was loaded at.
    pub generation: i64,
}

impl TagGraph {
    pub fn new(tags: Vec<Tag>, meta_edges: &[(TagId, TagId)]) -> TagGraph {
        let mut graph = TagGraph::default();
        graph.add_tags(tags);
        for (sub, meta) in meta_edges {
            graph.metas.entry(sub.0).or_default().push(meta.0);
        }
        graph
    }

    /// Adds tags created since the graph was loaded (new tags have no wrangling yet).
    pub fn add_tags(&mut self, tags: Vec<Tag>) {
        let graph = self;
        for tag in tags {
            graph.max_id = graph.max_id.max(tag.id.0);
            if let Ok(at) = usize::try_from(tag.id.0) {
                if graph.dense.len() <= at {
                    graph.dense.resize(at + 1, 0);
                }
                let kind = TagKind::ALL.iter().position(|k| *k == tag.kind).unwrap_or(0) as u8 + 1;
                graph.dense[at] = kind | if tag.synonym_of.is_some() { SYNONYM } else { 0 };
            }
            graph.index_name(&tag.name, tag.id.0);
            graph.tags.insert(
                tag.id.0,
                TagInfo {
                    id: tag.id,
                    name: tag.name,
                    kind: tag.kind,
                    canonical: tag.canonical,
                    synonym_of: tag.synonym_of,
                },
            );
        }
    }

    /// The kind of tag `id` when it is a tag that filters as itself (not a synonym): what
    /// facet counting needs, without a map lookup.
    pub fn facet_kind(&self, id: usize) -> Option<TagKind> {
        let entry = *self.dense.get(id)?;
        if entry == 0 || entry & SYNONYM != 0 {
            return None;
        }
        TagKind::ALL.get(usize::from(entry & !SYNONYM) - 1).copied()
    }

    pub fn get(&self, id: i64) -> Option<&TagInfo> {
        self.tags.get(&id)
    }

    /// Makes tag `id` findable by `name`, case-insensitively; a later tag of the same
    /// name takes its place.
    fn index_name(&mut self, name: &str, id: i64) {
        let key = name.to_lowercase();
        let hash = name_hash(&key);
        match self.by_hash.get(&hash).and_then(|held| self.tags.get(held)) {
            Some(held) if held.id.0 != id && held.name.to_lowercase() != key => {
                self.collided.insert(key, id);
            }
            _ => {
                self.by_hash.insert(hash, id);
            }
        }
    }

    /// A tag by name, case-insensitively.
    pub fn by_name(&self, name: &str) -> Option<&TagInfo> {
        let key = name.trim().to_lowercase();
        if let Some(tag) = self.collided.get(&key).and_then(|id| self.tags.get(id)) {
            return Some(tag);
        }
        let tag = self.by_hash.get(&name_hash(&key)).and_then(|id| self.tags.get(id))?;
        (tag.name.to_lowercase() == key).then_some(tag)
    }

    pub fn max_id(&self) -> i64 {
        self.max_id
    }

    pub fn len(&self) -> usize {
        self.tags.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &TagInfo> {
        self.tags.values()
    }

    /// The tag a filter on `id` means: its canonical when it is a synonym, else itself
    /// (an unwrangled tag filters as itself).
    pub fn filter_tag(&self, id: i64) -> i64 {
        self.tags.get(&id).and_then(|t| t.synonym_of).map_or(id, |c| c.0)
    }

    /// Every filter id a work tagged with `id` matches: the tag's filter tag and all
    /// metatags above it, transitively, each once. Loops cannot be stored, but a visited
    /// set keeps a damaged graph from hanging the indexer.
    pub fn filter_ids(&self, id: i64, out: &mut Vec<i64>) {
        let start = self.filter_tag(id);
        if out.contains(&start) {
            return;
        }
        let from = out.len();
        out.push(start);
        let mut i = from;
        while i < out.len() {
            if let Some(metas) = self.metas.get(&out[i]) {
                for &m in metas {
                    let m = self.filter_tag(m);
                    if !out.contains(&m) {
                        out.push(m);
                    }
                }
            }
            i += 1;
        }
    }
}

/// The hash [`TagGraph::by_name`] finds a lowercased name by: the same in every process
/// (std's SipHash with its fixed keys), which the graph needs only within one.
fn name_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(id: i64, name: &str, canonical: bool, synonym_of: Option<i64>) -> Tag {
        Tag { id: TagId(id), name: name.into(), kind: TagKind::Fandom, canonical, synonym_of: synonym_of.map(TagId) }
    }

    #[test]
    fn a_synonym_filters_as_its_canonical_and_inherits_metatags_transitively() {
        let graph = TagGraph::new(
            vec![
                tag(1, "Top", true, None),
                tag(2, "Middle", true, None),
                tag(3, "Leaf", true, None),
                tag(4, "leaf syn", false, Some(3)),
            ],
            &[(TagId(3), TagId(2)), (TagId(2), TagId(1))],
        );
        let mut ids = vec![];
        graph.filter_ids(4, &mut ids);
        assert_eq!(ids, vec![3, 2, 1]);
        assert_eq!(graph.by_name("LEAF SYN").map(|t| t.id), Some(TagId(4)));
    }

    #[test]
    fn a_name_is_found_in_any_case_and_a_later_tag_of_that_name_takes_its_place() {
        let mut graph = TagGraph::new(vec![tag(1, "Angst", true, None), tag(2, "Fluff", true, None)], &[]);
        assert_eq!(graph.by_name("  aNGST ").map(|t| t.id), Some(TagId(1)));
        assert!(graph.by_name("Angs").is_none());
        assert!(graph.by_name("Fluffy").is_none());
        graph.add_tags(vec![tag(3, "ANGST", false, Some(1))]);
        assert_eq!(graph.by_name("angst").map(|t| t.id), Some(TagId(3)));
    }

    #[test]
    fn two_names_with_one_hash_are_both_found() {
        let mut graph = TagGraph::new(vec![tag(1, "Alpha", true, None)], &[]);
        // As if "bravo" hashed like "alpha" (a real collision cannot be found to order).
        graph.by_hash.insert(name_hash("bravo"), 1);
        graph.add_tags(vec![tag(2, "Bravo", true, None)]);
        assert_eq!(graph.by_name("BRAVO").map(|t| t.id), Some(TagId(2)));
        assert_eq!(graph.by_name("alpha").map(|t| t.id), Some(TagId(1)));
    }

    #[test]
    fn a_loop_in_a_damaged_graph_ends() {
        let graph = TagGraph::new(
            vec![tag(1, "A", true, None), tag(2, "B", true, None)],
            &[(TagId(1), TagId(2)), (TagId(2), TagId(1))],
        );
        let mut ids = vec![];
        graph.filter_ids(1, &mut ids);
        assert_eq!(ids, vec![1, 2]);
    }
}
