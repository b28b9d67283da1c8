//! What a works listing asks for: AO3's filter sidebar, a free-text query, a sort and a
//! page. Turned into one Tantivy query here, so listings, tag pages, search and the API
//! all filter the same way.

use crate::fast_range::{FastRange, FastValue};
use crate::graph::TagGraph;
use crate::query::{self, Node, NumField, Op, TextField};
use crate::schema::Fields;
use std::ops::Bound;
use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

/// The ten sort orders of AO3.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    BestMatch,
    Creator,
    Title,
    Posted,
    #[default]
    Updated,
    Words,
    Hits,
    Kudos,
    Comments,
    Bookmarks,
}

impl Sort {
    pub const ALL: [Sort; 10] = [
        Sort::BestMatch,
        Sort::Creator,
        Sort::Title,
        Sort::Posted,
        Sort::Updated,
        Sort::Words,
        Sort::Hits,
        Sort::Kudos,
        Sort::Comments,
        Sort::Bookmarks,
    ];

    /// The value in URLs (`?sort=kudos`).
    pub fn param(self) -> &'static str {
        match self {
            Sort::BestMatch => "best",
            Sort::Creator => "creator",
            Sort::Title => "title",
            Sort::Posted => "posted",
            Sort::Updated => "updated",
            Sort::Words => "words",
            Sort::Hits => "hits",
            Sort::Kudos => "kudos",
            Sort::Comments => "comments",
            Sort::Bookmarks => "bookmarks",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::BestMatch => "Best Match",
            Sort::Creator => "Creator",
            Sort::Title => "Title",
            Sort::Posted => "Date Posted",
            Sort::Updated => "Date Updated",
            Sort::Words => "Word Count",
            Sort::Hits => "Hits",
            Sort::Kudos => "Kudos",
            Sort::Comments => "Comments",
            Sort::Bookmarks => "Bookmarks",
        }
    }

    pub fn from_param(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|sort| sort.param() == s)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Crossover {
    #[default]
    Include,
    Exclude,
    Only,
}

/// One listing request. Tag ids are filter ids: a synonym's id is read as its canonical's.
#[derive(Clone, Debug, Default)]
pub struct WorkQuery {
    /// Every one of these must match.
    pub include: Vec<i64>,
    /// None of these may match.
    pub exclude: Vec<i64>,
    /// Tags given by name ("Other tags to include"); unknown names match nothing.
    pub include_names: Vec<String>,
    /// Tags given by name to exclude; unknown names exclude nothing.
    pub exclude_names: Vec<String>,
    pub crossover: Crossover,
    pub complete: Option<bool>,
    pub words_from: Option<u64>,
    pub words_to: Option<u64>,
    /// Unix seconds, inclusive.
    pub updated_from: Option<i64>,
    pub updated_to: Option<i64>,
    pub language: Option<String>,
    /// Free text in the query language of [`crate::query`].
    pub text: String,
    /// `None`: best match when there is text, else date updated.
    pub sort: Option<Sort>,
    pub page: u32,
    pub per_page: u32,
    /// Logged-in readers also see restricted works.
    pub member: bool,
    /// The reader's filter profile, if one applies.
    pub mute: Option<Mute>,
}

/// What a reader's filter profile hides (issue 16), applied inside the query, so no count
/// (the total, any facet) includes a hidden work. Unlike `exclude`, none of it shows in
/// the sidebar as a chosen filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mute {
    /// Tag ids: a tag's synonyms and subtags go with it, through the filter ids.
    pub tags: Vec<i64>,
    /// Account ids: every work they are credited on.
    pub creators: Vec<i64>,
    /// Work ids: the works read, the works given kudos.
    pub works: Vec<i64>,
    /// Works with no creator shown.
    pub anonymous: bool,
    /// Hide works in more fandoms than this.
    pub max_fandoms: Option<u32>,
}

impl Mute {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && self.creators.is_empty()
            && self.works.is_empty()
            && !self.anonymous
            && self.max_fandoms.is_none()
    }
}

impl WorkQuery {
    pub fn effective_sort(&self) -> Sort {
        self.sort.unwrap_or(if self.text.trim().is_empty() { Sort::Updated } else { Sort::BestMatch })
    }
}

/// Builds Tantivy queries for one index.
pub(crate) struct QueryBuilder<'a> {
    pub fields: &'a Fields,
    pub graph: &'a TagGraph,
    pub analyzer: TextAnalyzer,
    pub now: i64,
}

/// The query and what the reader should be told about it.
pub(crate) struct Built {
    pub query: Box<dyn Query>,
    /// The text part alone, for highlighting.
    pub text: Option<Box<dyn Query>>,
    pub notes: Vec<String>,
    /// Tag ids the filters resolved to, for the sidebar to show as chosen.
    pub included: Vec<i64>,
    pub excluded: Vec<i64>,
}

impl QueryBuilder<'_> {
    pub fn build(&mut self, q: &WorkQuery) -> Built {
        let f = self.fields;
        let mut must: Vec<Box<dyn Query>> = vec![];
        let mut must_not: Vec<Box<dyn Query>> = vec![];
        let mut notes = vec![];
        let mut included: Vec<i64> = q.include.iter().map(|&id| self.graph.filter_tag(id)).collect();
        let mut excluded: Vec<i64> = q.exclude.iter().map(|&id| self.graph.filter_tag(id)).collect();
        for name in q.include_names.iter().filter(|n| !n.trim().is_empty()) {
            match self.graph.by_name(name) {
                Some(tag) => included.push(self.graph.filter_tag(tag.id.0)),
                None => {
                    notes.push(format!("No tag is named “{}”, so no work matches it.", name.trim()));
                    must.push(Box::new(EmptyQuery));
                }
            }
        }
        for name in q.exclude_names.iter().filter(|n| !n.trim().is_empty()) {
            match self.graph.by_name(name) {
                Some(tag) => excluded.push(self.graph.filter_tag(tag.id.0)),
                None => notes.push(format!("No tag is named “{}”; excluding it changes nothing.", name.trim())),
            }
        }
        included.sort_unstable();
        included.dedup();
        excluded.sort_unstable();
        excluded.dedup();
        for &id in &included {
            must.push(term_u64(f.filter, id as u64));
        }
        // A work carrying a subtag carries every metatag's filter id, so excluding the
        // metatag's id removes works tagged with its subtags and synonyms too.
        for &id in &excluded {
            must_not.push(term_u64(f.filter, id as u64));
        }
        if let Some(mute) = &q.mute {
            let mut tags: Vec<i64> = mute.tags.iter().map(|&id| self.graph.filter_tag(id)).collect();
            tags.sort_unstable();
            tags.dedup();
            if !tags.is_empty() {
                must_not.push(term_set(f.filter, tags.iter().map(|&t| t as u64)));
            }
            if !mute.creators.is_empty() {
                must_not.push(term_set(f.creator_ids, mute.creators.iter().map(|&u| u as u64)));
            }
            if !mute.works.is_empty() {
                must_not.push(term_set(f.id, mute.works.iter().map(|&w| w as u64)));
            }
            if mute.anonymous {
                must_not.push(term_u64(f.anonymous, 1));
            }
            if let Some(max) = mute.max_fandoms {
                must_not.push(range(f.fandom_count, Some(u64::from(max) + 1), None));
            }
        }
        // Few works are restricted: excluding them is cheaper than requiring the rest.
        if !q.member {
            must_not.push(term_u64(f.restricted, 1));
        }
        match q.crossover {
            Crossover::Include => {}
            Crossover::Exclude => must.push(term_u64(f.crossover, 0)),
            Crossover::Only => must.push(term_u64(f.crossover, 1)),
        }
        if let Some(complete) = q.complete {
            must.push(term_u64(f.complete, u64::from(complete)));
        }
        if q.words_from.is_some() || q.words_to.is_some() {
            must.push(range(f.words, q.words_from, q.words_to));
        }
        if q.updated_from.is_some() || q.updated_to.is_some() {
            must.push(range(f.updated, q.updated_from, q.updated_to));
        }
        if let Some(lang) = q.language.as_deref().filter(|l| !l.is_empty()) {
            must.push(Box::new(TermQuery::new(Term::from_field_text(f.language, lang), IndexRecordOption::Basic)));
        }
        let parsed = query::parse(&q.text, self.now);
        notes.extend(parsed.notes);
        let text = parsed.node.map(|node| self.node(&node));
        if let Some(text) = &text {
            must.push(text.box_clone());
        }
        let query: Box<dyn Query> = if must.is_empty() && must_not.is_empty() {
            Box::new(AllQuery)
        } else {
            if must.is_empty() {
                must.push(Box::new(AllQuery));
            }
            let clauses = must
                .into_iter()
                .map(|q| (Occur::Must, q))
                .chain(must_not.into_iter().map(|q| (Occur::MustNot, q)))
                .collect();
            Box::new(BooleanQuery::new(clauses))
        };
        Built { query, text, notes, included, excluded }
    }

    fn node(&mut self, node: &Node) -> Box<dyn Query> {
        match node {
            Node::Text { field: Some(field), text, .. } => {
                let target = match field {
                    TextField::Title => self.fields.title,
                    TextField::Creator => self.fields.creators,
                    TextField::Tag => self.fields.tags,
                    TextField::Summary => self.fields.summary,
                    TextField::Notes => self.fields.notes,
                };
                self.text_query(target, text)
            }
            Node::Text { field: None, text, .. } => {
                // Anywhere in the work's text fields; a title or tag match ranks higher.
                let f = self.fields;
                let weighted = [(f.title, 3.0), (f.tags, 2.0), (f.creators, 2.0), (f.summary, 1.0), (f.notes, 0.5)];
                let clauses = weighted
                    .into_iter()
                    .map(|(field, boost)| {
                        let q: Box<dyn Query> = Box::new(BoostQuery::new(self.text_query(field, text), boost));
                        (Occur::Should, q)
                    })
                    .collect();
                Box::new(BooleanQuery::new(clauses))
            }
            Node::Compare { field, op, value } => {
                let f = self.fields;
                let target = match field {
                    NumField::Words => f.words,
                    NumField::Chapters => f.chapters,
                    NumField::Hits => f.hits,
                    NumField::Kudos => f.kudos,
                    NumField::Comments => f.comments,
                    NumField::Bookmarks => f.bookmarks,
                    NumField::Updated => f.updated,
                    NumField::Posted => f.published,
                };
                let signed = matches!(field, NumField::Updated | NumField::Posted);
                compare(target, *op, *value, signed)
            }
            Node::And(parts) => {
                Box::new(BooleanQuery::new(parts.iter().map(|p| (Occur::Must, self.node(p))).collect()))
            }
            Node::Or(parts) => {
                Box::new(BooleanQuery::new(parts.iter().map(|p| (Occur::Should, self.node(p))).collect()))
            }
            Node::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
                (Occur::MustNot, self.node(inner)),
            ])),
        }
    }

    /// Words of `text` in one field: one word is a term, several must appear in order.
    fn text_query(&mut self, field: Field, text: &str) -> Box<dyn Query> {
        let mut stream = self.analyzer.token_stream(text);
        let mut terms = vec![];
        while stream.advance() {
            terms.push(Term::from_field_text(field, &stream.token().text));
        }
        match terms.len() {
            0 => Box::new(EmptyQuery),
            1 => Box::new(TermQuery::new(terms.remove(0), IndexRecordOption::WithFreqs)),
            _ => Box::new(PhraseQuery::new(terms)),
        }
    }
}

/// Any of `values` in `field`, as one query (a muted list may hold thousands).
fn term_set(field: Field, values: impl Iterator<Item = u64>) -> Box<dyn Query> {
    let mut terms: Vec<Term> = values.map(|v| Term::from_field_u64(field, v)).collect();
    terms.sort_unstable();
    terms.dedup();
    Box::new(tantivy::query::TermSetQuery::new(terms))
}

fn term_u64(field: Field, value: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_u64(field, value), IndexRecordOption::Basic))
}

/// Inclusive bounds, either optional.
fn range<T: FastValue>(field: Field, from: Option<T>, to: Option<T>) -> Box<dyn Query> {
    let bound = |v: Option<T>| v.map_or(Bound::Unbounded, Bound::Included);
    Box::new(FastRange::new(field, bound(from), bound(to)))
}

fn compare(field: Field, op: Op, value: i64, signed: bool) -> Box<dyn Query> {
    fn bounds<T: Copy>(op: Op, value: T) -> (Bound<T>, Bound<T>) {
        match op {
            Op::Lt => (Bound::Unbounded, Bound::Excluded(value)),
            Op::Le => (Bound::Unbounded, Bound::Included(value)),
            Op::Gt => (Bound::Excluded(value), Bound::Unbounded),
            Op::Ge => (Bound::Included(value), Bound::Unbounded),
            Op::Eq => (Bound::Included(value), Bound::Included(value)),
        }
    }
    if signed {
        let (lower, upper) = bounds(op, value);
        return Box::new(FastRange::new(field, lower, upper));
    }
    if value < 0 && matches!(op, Op::Lt | Op::Le | Op::Eq) {
        return Box::new(EmptyQuery);
    }
    let (lower, upper) = bounds(op, value.max(0) as u64);
    Box::new(FastRange::new(field, lower, upper))
}
