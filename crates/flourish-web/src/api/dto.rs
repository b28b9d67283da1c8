//! What the API returns: plain JSON shapes, documented in the OpenAPI document, made from
//! the domain types in one place each.

use crate::state::AppState;
use flourish_core::{Chapter, Pseud, Tag, TagKind, Work};
use serde::Serialize;
use utoipa::ToSchema;

pub(crate) fn stamp(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A creator's name on a work.
#[derive(Serialize, ToSchema)]
pub struct PseudRef {
    pub id: i64,
    pub name: String,
    pub username: String,
    /// How AO3 credits it: `name`, or `name (username)`.
    pub byline: String,
    pub url: String,
}

impl PseudRef {
    pub fn new(state: &AppState, p: &Pseud) -> PseudRef {
        PseudRef {
            id: p.id.0,
            name: p.name.clone(),
            username: p.username.clone(),
            byline: p.byline(),
            url: state.config.url(&p.path()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SeriesRef {
    pub id: i64,
    pub title: String,
    pub position: u32,
}

#[derive(Serialize, ToSchema)]
pub struct Stats {
    pub hits: u64,
    pub kudos: u64,
    pub comments: u64,
    pub bookmarks: u64,
}

/// A work as listings show it.
#[derive(Serialize, ToSchema)]
pub struct WorkSummary {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub creators: Vec<PseudRef>,
    pub rating: Option<String>,
    pub warnings: Vec<String>,
    pub categories: Vec<String>,
    pub fandoms: Vec<String>,
    pub relationships: Vec<String>,
    pub characters: Vec<String>,
    pub freeforms: Vec<String>,
    pub language: String,
    /// Sanitized HTML.
    pub summary: String,
    pub words: u64,
    /// Posted chapters.
    pub chapters: u32,
    /// Planned chapters; null when unknown.
    pub expected_chapters: Option<u32>,
    pub complete: bool,
    /// Shown to logged-in members only.
    pub restricted: bool,
    /// RFC 3339.
    pub published: String,
    pub updated: String,
    pub series: Vec<SeriesRef>,
    pub stats: Stats,
    pub allow_downloads: bool,
    /// Who may comment: `everyone`, `members` or `no_one`.
    pub comment_policy: String,
    /// New comments wait for a creator's approval.
    pub moderated: bool,
}

impl WorkSummary {
    pub fn new(state: &AppState, w: &Work) -> WorkSummary {
        let names = |kind: TagKind| w.tags.of_kind(kind).map(|t| t.name.clone()).collect::<Vec<_>>();
        WorkSummary {
            id: w.id.0,
            url: state.config.url(&format!("/works/{}", w.id)),
            title: w.title.clone(),
            creators: w.creators.iter().map(|p| PseudRef::new(state, p)).collect(),
            rating: w.tags.rating().map(|t| t.name.clone()),
            warnings: names(TagKind::Warning),
            categories: names(TagKind::Category),
            fandoms: names(TagKind::Fandom),
            relationships: names(TagKind::Relationship),
            characters: names(TagKind::Character),
            freeforms: names(TagKind::Freeform),
            language: w.language.clone(),
            summary: w.summary.clone(),
            words: w.word_count,
            chapters: w.chapter_count,
            expected_chapters: if w.complete { Some(w.chapter_count) } else { w.expected_chapters },
            complete: w.complete,
            restricted: w.restricted,
            published: stamp(w.published_at),
            updated: stamp(w.updated_at),
            series: w
                .series
                .iter()
                .map(|s| SeriesRef { id: s.series_id.0, title: s.title.clone(), position: s.position })
                .collect(),
            stats: Stats {
                hits: w.stats.hits,
                kudos: w.stats.kudos,
                comments: w.stats.comments,
                bookmarks: w.stats.bookmarks,
            },
            allow_downloads: w.allow_downloads,
            comment_policy: w.comment_policy.as_str().to_owned(),
            moderated: w.moderated,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChapterOut {
    pub id: i64,
    pub position: u32,
    pub title: String,
    pub summary: String,
    pub notes: String,
    pub end_notes: String,
    /// Sanitized HTML.
    pub content: String,
    pub words: u64,
    pub published: String,
}

impl ChapterOut {
    pub fn new(c: &Chapter) -> ChapterOut {
        ChapterOut {
            id: c.id.0,
            position: c.position,
            title: c.title.clone(),
            summary: c.summary.clone(),
            notes: c.notes.clone(),
            end_notes: c.end_notes.clone(),
            content: c.content.clone(),
            words: c.word_count,
            published: stamp(c.published_at),
        }
    }
}

/// One work with its notes and every chapter's text.
#[derive(Serialize, ToSchema)]
pub struct WorkDetail {
    #[serde(flatten)]
    pub work: WorkSummary,
    pub notes: String,
    pub end_notes: String,
    pub chapter_list: Vec<ChapterOut>,
}

/// A page of works. Pass `next_cursor` back as `cursor` for the next page; `null` means
/// this is the last.
#[derive(Serialize, ToSchema)]
pub struct WorkPage {
    pub works: Vec<WorkSummary>,
    /// Works matching, on every page.
    pub total: u64,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TagOut {
    pub id: i64,
    pub name: String,
    /// rating, warning, category, fandom, relationship, character or freeform.
    pub kind: String,
    pub canonical: bool,
    /// The canonical tag this one is a synonym of.
    pub synonym_of: Option<String>,
    pub synonyms: Vec<String>,
    pub metatags: Vec<String>,
    pub subtags: Vec<String>,
    pub parents: Vec<String>,
    /// The API listing of its works.
    pub works: String,
}

pub fn tag_names(tags: &[Tag]) -> Vec<String> {
    tags.iter().map(|t| t.name.clone()).collect()
}

#[derive(Serialize, ToSchema)]
pub struct PseudOut {
    #[serde(flatten)]
    pub pseud: PseudRef,
    pub description: String,
    pub is_default: bool,
    /// Their latest works.
    pub works: Vec<WorkSummary>,
    pub total_works: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SeriesWork {
    pub position: u32,
    pub work: WorkSummary,
}

#[derive(Serialize, ToSchema)]
pub struct SeriesOut {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub notes: String,
    pub complete: bool,
    pub creators: Vec<PseudRef>,
    pub updated: String,
    pub works: Vec<SeriesWork>,
}

/// Every error: a stable code, a sentence for people, and for invalid input the fields.
#[derive(Serialize, ToSchema)]
pub struct ErrorOut {
    /// `not_found`, `bad_request`, `invalid`, `unauthorized`, `forbidden`, `too_many_requests`…
    pub code: String,
    pub message: String,
    /// What is wrong with which field (`title`, `chapters[0].content`…), for `invalid`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldErrorOut>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldErrorOut {
    pub field: String,
    pub message: String,
}

/// What a write returns: where the work is now.
#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
    pub url: String,
}

/// A tag suggestion (the shape of the search index's suggestions).
#[derive(Serialize, ToSchema)]
pub struct SuggestionOut {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub canonical: bool,
    /// Works that match the tag as a filter.
    pub uses: u64,
}
