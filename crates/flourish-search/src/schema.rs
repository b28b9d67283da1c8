//! The index schema: one document per posted work.

use crate::graph::TagGraph;
use flourish_core::{TagKind, Work};
use tantivy::schema::{FAST, INDEXED, STORED, STRING, Schema, TEXT, TantivyDocument};

#[derive(Clone, Debug)]
pub struct Fields {
    pub schema: Schema,
    pub id: tantivy::schema::Field,
    pub version: tantivy::schema::Field,
    pub title: tantivy::schema::Field,
    pub title_sort: tantivy::schema::Field,
    pub creators: tantivy::schema::Field,
    pub creator_sort: tantivy::schema::Field,
    pub summary: tantivy::schema::Field,
    pub notes: tantivy::schema::Field,
    pub tags: tantivy::schema::Field,
    /// Every filter tag id: direct tags resolved through synonyms, plus all metatags.
    pub filter: tantivy::schema::Field,
    pub language: tantivy::schema::Field,
    pub restricted: tantivy::schema::Field,
    pub complete: tantivy::schema::Field,
    pub crossover: tantivy::schema::Field,
    pub words: tantivy::schema::Field,
    pub chapters: tantivy::schema::Field,
    pub published: tantivy::schema::Field,
    pub updated: tantivy::schema::Field,
    pub hits: tantivy::schema::Field,
    pub kudos: tantivy::schema::Field,
    pub comments: tantivy::schema::Field,
    pub bookmarks: tantivy::schema::Field,
    /// The accounts credited (muting a creator), whether none is shown (hiding anonymous
    /// works), and how many fandoms (hiding crossovers over N).
    pub creator_ids: tantivy::schema::Field,
    pub anonymous: tantivy::schema::Field,
    pub fandom_count: tantivy::schema::Field,
}

impl Fields {
    pub fn new() -> Fields {
        let mut b = Schema::builder();
        let num = INDEXED | FAST;
        let id = b.add_u64_field("id", INDEXED | FAST | STORED);
        let version = b.add_u64_field("version", FAST);
        let title = b.add_text_field("title", TEXT | STORED);
        let title_sort = b.add_text_field("title_sort", STRING | FAST);
        let creators = b.add_text_field("creators", TEXT);
        let creator_sort = b.add_text_field("creator_sort", STRING | FAST);
        let summary = b.add_text_field("summary", TEXT | STORED);
        let notes = b.add_text_field("notes", TEXT);
        let tags = b.add_text_field("tags", TEXT);
        let filter = b.add_u64_field("filter", num.clone());
        let language = b.add_text_field("language", STRING);
        let restricted = b.add_u64_field("restricted", num.clone());
        let complete = b.add_u64_field("complete", num.clone());
        let crossover = b.add_u64_field("crossover", num.clone());
        let words = b.add_u64_field("words", num.clone());
        let chapters = b.add_u64_field("chapters", num.clone());
        let published = b.add_i64_field("published", num.clone());
        let updated = b.add_i64_field("updated", num.clone());
        let hits = b.add_u64_field("hits", num.clone());
        let kudos = b.add_u64_field("kudos", num.clone());
        let comments = b.add_u64_field("comments", num.clone());
        let bookmarks = b.add_u64_field("bookmarks", num.clone());
        let creator_ids = b.add_u64_field("creator_ids", INDEXED);
        let anonymous = b.add_u64_field("anonymous", INDEXED);
        let fandom_count = b.add_u64_field("fandom_count", num);
        Fields {
            schema: b.build(),
            id,
            version,
            title,
            title_sort,
            creators,
            creator_sort,
            summary,
            notes,
            tags,
            filter,
            language,
            restricted,
            complete,
            crossover,
            words,
            chapters,
            published,
            updated,
            hits,
            kudos,
            comments,
            bookmarks,
            creator_ids,
            anonymous,
            fandom_count,
        }
    }

    /// The index document of a posted work.
    pub fn document(&self, work: &Work, graph: &TagGraph) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.id, work.id.0 as u64);
        doc.add_u64(self.version, work.version as u64);
        doc.add_text(self.title, &work.title);
        doc.add_text(self.title_sort, sort_key(&work.title));
        let mut creator_sort = String::new();
        for pseud in &work.creators {
            doc.add_text(self.creators, pseud.byline());
            if creator_sort.is_empty() {
                creator_sort = pseud.name.to_lowercase();
            }
        }
        doc.add_text(self.creator_sort, creator_sort);
        doc.add_text(self.summary, flourish_text::html_to_text(&work.summary));
        doc.add_text(self.notes, flourish_text::html_to_text(&work.notes));
        let mut filter = Vec::new();
        let mut fandoms = Vec::new();
        for tag in &work.tags.0 {
            doc.add_text(self.tags, &tag.name);
            let canonical = graph.filter_tag(tag.id.0);
            if canonical != tag.id.0
                && let Some(c) = graph.get(canonical)
            {
                // A synonym's canonical name finds the work too.
                doc.add_text(self.tags, &c.name);
            }
            if tag.kind == TagKind::Fandom && !fandoms.contains(&canonical) {
                fandoms.push(canonical);
            }
            graph.filter_ids(tag.id.0, &mut filter);
        }
        for id in filter {
            doc.add_u64(self.filter, id as u64);
        }
        doc.add_text(self.language, &work.language);
        doc.add_u64(self.restricted, u64::from(work.restricted));
        doc.add_u64(self.complete, u64::from(work.complete));
        doc.add_u64(self.crossover, u64::from(fandoms.len() > 1));
        doc.add_u64(self.words, work.word_count);
        doc.add_u64(self.chapters, u64::from(work.chapter_count));
        doc.add_i64(self.published, work.published_at.unix_timestamp());
        doc.add_i64(self.updated, work.updated_at.unix_timestamp());
        doc.add_u64(self.hits, work.stats.hits);
        doc.add_u64(self.kudos, work.stats.kudos);
        doc.add_u64(self.comments, work.stats.comments);
        doc.add_u64(self.bookmarks, work.stats.bookmarks);
        let mut users: Vec<u64> = work.creators.iter().map(|p| p.user_id.0 as u64).collect();
        users.sort_unstable();
        users.dedup();
        for user in &users {
            doc.add_u64(self.creator_ids, *user);
        }
        doc.add_u64(self.anonymous, u64::from(work.creators.is_empty()));
        doc.add_u64(self.fandom_count, fandoms.len() as u64);
        doc
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}

/// How a title sorts: lowercased, without a leading article, as AO3 sorts titles.
pub fn sort_key(title: &str) -> String {
    let lower = title.trim().to_lowercase();
    let lower = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    for article in ["the ", "a ", "an "] {
        if let Some(rest) = lower.strip_prefix(article) {
            return rest.trim_start().to_owned();
        }
    }
    lower.to_owned()
}
