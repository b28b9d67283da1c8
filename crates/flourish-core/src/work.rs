//! Works, chapters, pseuds, users and series: what is stored and read back, and the drafts
//! writers (and the importer, and the demo) submit.

use crate::ids::{ChapterId, PseudId, SeriesId, UserId, WorkId};
use crate::tag::{Tag, TagKind};
use crate::vocabulary::{ArchiveWarning, Category, Rating};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Who is looking. Restricted works are shown only to members. Drafts and hidden works are
/// shown only on their creators' own pages (and to admins), never in what a viewer lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Viewer {
    #[default]
    Guest,
    Member(UserId),
}

impl Viewer {
    pub fn is_member(self) -> bool {
        matches!(self, Viewer::Member(_))
    }
}

/// An account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A name a user writes under. Every user has a default pseud named after the account;
/// works are credited to pseuds, not to accounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pseud {
    pub id: PseudId,
    pub user_id: UserId,
    pub username: String,
    pub name: String,
    pub is_default: bool,
    pub description: String,
}

impl Pseud {
    /// How AO3 credits a pseud: `name` when it is the account name, else `name (username)`.
    pub fn byline(&self) -> String {
        if self.name == self.username { self.name.clone() } else { format!("{} ({})", self.name, self.username) }
    }

    /// The path of this pseud's page.
    pub fn path(&self) -> String {
        pseud_path(&self.username, &self.name)
    }
}

/// The path of the page of pseud `name` of account `username`.
pub fn pseud_path(username: &str, name: &str) -> String {
    format!("/users/{username}/pseuds/{name}")
}

/// A work's tags, kept in the order the store returns them (kind, then name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkTags(pub Vec<Tag>);

impl WorkTags {
    pub fn of_kind(&self, kind: TagKind) -> impl Iterator<Item = &Tag> {
        self.0.iter().filter(move |t| t.kind == kind)
    }

    pub fn rating(&self) -> Option<&Tag> {
        self.of_kind(TagKind::Rating).next()
    }
}

/// Where a work stands in a series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesEntry {
    pub series_id: SeriesId,
    pub title: String,
    pub position: u32,
}

/// A work as readers see it: its metadata, credits, tags and series, without chapter text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    pub id: WorkId,
    pub title: String,
    /// Sanitized HTML.
    pub summary: String,
    /// Sanitized HTML, shown before the first chapter.
    pub notes: String,
    /// Sanitized HTML, shown after the last chapter.
    pub end_notes: String,
    /// A BCP 47 language tag such as `en`.
    pub language: String,
    pub complete: bool,
    /// The number of chapters the creator plans; `None` is AO3's `?`.
    pub expected_chapters: Option<u32>,
    /// Posted chapters.
    pub chapter_count: u32,
    pub posted: bool,
    pub restricted: bool,
    /// Hidden by an admin: shown to nobody but its creators and admins.
    #[serde(default)]
    pub hidden: bool,
    /// Whether readers may download it (EPUB, HTML, TXT, Markdown); creators choose.
    #[serde(default = "yes")]
    pub allow_downloads: bool,
    /// Who may comment.
    #[serde(default)]
    pub comment_policy: crate::CommentPolicy,
    /// New comments wait for a creator's approval.
    #[serde(default)]
    pub moderated: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub word_count: u64,
    /// Bumped by every change; caches and the search index key on it.
    pub version: i64,
    pub stats: WorkStats,
    pub creators: Vec<Pseud>,
    pub tags: WorkTags,
    pub series: Vec<SeriesEntry>,
}

/// What readers did with a work. Zero until hits, kudos, comments and bookmarks exist;
/// listings already sort by them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkStats {
    pub hits: u64,
    pub kudos: u64,
    /// Of `kudos`, how many guests left ("and N guests").
    #[serde(default)]
    pub guest_kudos: u64,
    pub comments: u64,
    pub bookmarks: u64,
}

impl Work {
    /// Whether listings and search show the work at all (to members, if restricted).
    pub fn is_listed(&self) -> bool {
        self.posted && !self.hidden
    }

    /// AO3's chapter count: `3/10`, `3/?`, and `3/3` once complete.
    pub fn chapters_label(&self) -> String {
        match (self.complete, self.expected_chapters) {
            (true, _) => format!("{0}/{0}", self.chapter_count),
            (false, Some(n)) => format!("{}/{}", self.chapter_count, n),
            (false, None) => format!("{}/?", self.chapter_count),
        }
    }
}

/// A chapter's place in its work's index, without its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChapterSummary {
    pub id: ChapterId,
    pub position: u32,
    pub title: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
}

impl ChapterSummary {
    /// `1. Diagon Alley`, or `Chapter 1` when untitled.
    pub fn display_title(&self) -> String {
        if self.title.is_empty() {
            format!("Chapter {}", self.position)
        } else {
            format!("{}. {}", self.position, self.title)
        }
    }
}

/// A chapter with its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chapter {
    pub id: ChapterId,
    pub work_id: WorkId,
    pub position: u32,
    pub title: String,
    /// Sanitized HTML.
    pub summary: String,
    pub notes: String,
    pub end_notes: String,
    /// Sanitized HTML.
    pub content: String,
    /// The sanitizer rules the content was cleaned with, so it can be cleaned again.
    pub sanitizer_version: i32,
    pub word_count: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
}

impl Chapter {
    pub fn summary(&self) -> ChapterSummary {
        ChapterSummary {
            id: self.id,
            position: self.position,
            title: self.title.clone(),
            published_at: self.published_at,
        }
    }
}

/// A chapter as submitted. Text fields are HTML; the store sanitizes them and counts words,
/// so nothing unsanitized or miscounted can be stored whoever calls it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChapterDraft {
    pub title: String,
    pub summary: String,
    pub notes: String,
    pub end_notes: String,
    pub content: String,
}

/// A work as submitted, with its first chapters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkDraft {
    pub title: String,
    pub summary: String,
    pub notes: String,
    pub end_notes: String,
    pub language: String,
    pub rating: Rating,
    pub warnings: Vec<ArchiveWarning>,
    pub categories: Vec<Category>,
    pub fandoms: Vec<String>,
    pub relationships: Vec<String>,
    pub characters: Vec<String>,
    pub freeforms: Vec<String>,
    pub creators: Vec<PseudId>,
    /// Planned chapters; `None` for unknown. Ignored when `complete`.
    pub expected_chapters: Option<u32>,
    pub complete: bool,
    /// `false` keeps the work as a draft.
    pub posted: bool,
    pub restricted: bool,
    /// Backdating: when the work counts as published. `None` means now.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    /// Whether readers may download the work.
    #[serde(default = "yes")]
    pub allow_downloads: bool,
    /// Who may comment.
    #[serde(default)]
    pub comment_policy: crate::CommentPolicy,
    /// New comments wait for a creator's approval.
    #[serde(default)]
    pub moderated: bool,
    pub chapters: Vec<ChapterDraft>,
    /// The series the work joins, stored in the work's own transaction.
    #[serde(default)]
    pub series: Option<SeriesPlacement>,
}

/// Where a work goes in a series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPlacement {
    pub series: SeriesChoice,
    /// Its part (1 and up); `None` puts it at the end, or leaves a work already in the
    /// series where it is.
    pub part: Option<u32>,
}

/// Which series a work joins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeriesChoice {
    /// A series that exists, by id (the caller has checked it is one of the creators').
    Existing(SeriesId),
    /// A new series of this title, credited to the work's creators.
    New(String),
    /// The first creator's series of this title (letter case aside), or a new one: how a
    /// file names the series its work belongs to.
    Titled(String),
}

fn yes() -> bool {
    true
}

impl WorkDraft {
    /// A posted, complete one-chapter work with the required fields filled, for builders
    /// and tests to start from.
    pub fn new(title: &str, fandom: &str, creator: PseudId, content: &str) -> WorkDraft {
        WorkDraft {
            title: title.to_owned(),
            summary: String::new(),
            notes: String::new(),
            end_notes: String::new(),
            language: "en".to_owned(),
            rating: Rating::NotRated,
            warnings: vec![ArchiveWarning::ChoseNotToUse],
            categories: vec![],
            fandoms: vec![fandom.to_owned()],
            relationships: vec![],
            characters: vec![],
            freeforms: vec![],
            creators: vec![creator],
            expected_chapters: Some(1),
            complete: true,
            posted: true,
            restricted: false,
            published_at: None,
            allow_downloads: true,
            comment_policy: crate::CommentPolicy::default(),
            moderated: false,
            chapters: vec![ChapterDraft { content: content.to_owned(), ..Default::default() }],
            series: None,
        }
    }

    /// Every user-defined tag with its kind, in form order.
    pub fn user_tags(&self) -> impl Iterator<Item = (TagKind, &str)> {
        fn of(kind: TagKind, names: &[String]) -> impl Iterator<Item = (TagKind, &str)> {
            names.iter().map(move |n| (kind, n.as_str()))
        }
        of(TagKind::Fandom, &self.fandoms)
            .chain(of(TagKind::Relationship, &self.relationships))
            .chain(of(TagKind::Character, &self.characters))
            .chain(of(TagKind::Freeform, &self.freeforms))
    }
}

/// A series as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub id: SeriesId,
    pub title: String,
    pub summary: String,
    pub notes: String,
    pub complete: bool,
    pub creators: Vec<Pseud>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A series as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesDraft {
    pub title: String,
    pub summary: String,
    pub notes: String,
    pub complete: bool,
    pub creators: Vec<PseudId>,
}
