//! Rows as the database returns them, and their conversion into domain types.

use flourish_core::{
    Chapter, ChapterId, ChapterSummary, Pseud, PseudId, SeriesEntry, SeriesId, Tag, TagId, TagKind, User, UserId, Work,
    WorkId, WorkStats, WorkTags,
};
use time::OffsetDateTime;

pub(crate) fn ts(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

// Column lists and shared conditions are macros, not consts, so queries can be assembled
// with `concat!` into `&'static str` at compile time.

/// The columns of `works` every work query selects, in [`WorkRow`]'s order.
macro_rules! work_columns {
    () => {
        "w.id, w.title, w.summary, w.notes, w.end_notes, w.language, w.complete, w.expected_chapters, \
         w.chapter_count, w.posted, w.restricted, w.published_at, w.updated_at, w.word_count, w.version, \
         w.hits, w.kudos, w.guest_kudos, w.comments, w.bookmarks, w.hidden, w.allow_downloads, w.comment_policy, w.moderated"
    };
}

/// Visibility for the viewer bound at `$1` (is the viewer a member?). Every query that
/// returns works puts this in its WHERE clause, so nothing else decides who sees what.
macro_rules! visible {
    () => {
        "w.posted = TRUE AND w.hidden = FALSE AND (w.restricted = FALSE OR $1)"
    };
}

macro_rules! tag_columns {
    () => {
        "t.id, t.name, t.kind, t.canonical, t.synonym_of"
    };
}

macro_rules! pseud_columns {
    () => {
        "p.id, p.user_id, u.username, p.name, p.is_default, p.description"
    };
}

macro_rules! chapter_columns {
    () => {
        "c.id, c.work_id, c.position, c.title, c.summary, c.notes, c.end_notes, c.content, \
         c.sanitizer_version, c.word_count, c.published_at"
    };
}

pub(crate) use {chapter_columns, pseud_columns, tag_columns, visible, work_columns};

#[derive(sqlx::FromRow)]
pub(crate) struct WorkRow {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub notes: String,
    pub end_notes: String,
    pub language: String,
    pub complete: bool,
    pub expected_chapters: Option<i64>,
    pub chapter_count: i64,
    pub posted: bool,
    pub restricted: bool,
    pub published_at: i64,
    pub updated_at: i64,
    pub word_count: i64,
    pub version: i64,
    pub hits: i64,
    pub kudos: i64,
    pub guest_kudos: i64,
    pub comments: i64,
    pub bookmarks: i64,
    pub hidden: bool,
    pub allow_downloads: bool,
    pub comment_policy: String,
    pub moderated: bool,
}

impl WorkRow {
    pub(crate) fn into_work(self) -> Work {
        Work {
            id: WorkId(self.id),
            title: self.title,
            summary: self.summary,
            notes: self.notes,
            end_notes: self.end_notes,
            language: self.language,
            complete: self.complete,
            expected_chapters: self.expected_chapters.map(|n| n as u32),
            chapter_count: self.chapter_count as u32,
            posted: self.posted,
            restricted: self.restricted,
            hidden: self.hidden,
            allow_downloads: self.allow_downloads,
            // Written only from the enum; an unknown value reads as the default.
            comment_policy: self.comment_policy.parse().unwrap_or_default(),
            moderated: self.moderated,
            published_at: ts(self.published_at),
            updated_at: ts(self.updated_at),
            word_count: self.word_count as u64,
            version: self.version,
            stats: WorkStats {
                hits: self.hits as u64,
                kudos: self.kudos as u64,
                guest_kudos: self.guest_kudos as u64,
                comments: self.comments as u64,
                bookmarks: self.bookmarks as u64,
            },
            creators: vec![],
            tags: WorkTags::default(),
            series: vec![],
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TagRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub canonical: bool,
    pub synonym_of: Option<i64>,
}

impl TagRow {
    pub(crate) fn into_tag(self) -> Tag {
        Tag {
            id: TagId(self.id),
            name: self.name,
            // The CHECK constraint admits only known kinds.
            kind: TagKind::parse(&self.kind).unwrap_or(TagKind::Freeform),
            canonical: self.canonical,
            synonym_of: self.synonym_of.map(TagId),
        }
    }
}

/// A tag with the work it belongs to, for loading many works' tags in one query.
#[derive(sqlx::FromRow)]
pub(crate) struct WorkTagRow {
    pub work_id: i64,
    #[sqlx(flatten)]
    pub tag: TagRow,
}

#[derive(sqlx::FromRow)]
pub(crate) struct PseudRow {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub name: String,
    pub is_default: bool,
    pub description: String,
}

impl PseudRow {
    pub(crate) fn into_pseud(self) -> Pseud {
        Pseud {
            id: PseudId(self.id),
            user_id: UserId(self.user_id),
            username: self.username,
            name: self.name,
            is_default: self.is_default,
            description: self.description,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OwnedPseudRow {
    pub owner_id: i64,
    #[sqlx(flatten)]
    pub pseud: PseudRow,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: i64,
    pub username: String,
    pub created_at: i64,
}

impl UserRow {
    pub(crate) fn into_user(self) -> User {
        User { id: UserId(self.id), username: self.username, created_at: ts(self.created_at) }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SeriesEntryRow {
    pub work_id: i64,
    pub series_id: i64,
    pub title: String,
    pub position: i64,
}

impl SeriesEntryRow {
    pub(crate) fn into_entry(self) -> SeriesEntry {
        SeriesEntry { series_id: SeriesId(self.series_id), title: self.title, position: self.position as u32 }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ChapterRow {
    pub id: i64,
    pub work_id: i64,
    pub position: i64,
    pub title: String,
    pub summary: String,
    pub notes: String,
    pub end_notes: String,
    pub content: String,
    pub sanitizer_version: i64,
    pub word_count: i64,
    pub published_at: i64,
}

impl ChapterRow {
    pub(crate) fn into_chapter(self) -> Chapter {
        Chapter {
            id: ChapterId(self.id),
            work_id: WorkId(self.work_id),
            position: self.position as u32,
            title: self.title,
            summary: self.summary,
            notes: self.notes,
            end_notes: self.end_notes,
            content: self.content,
            sanitizer_version: self.sanitizer_version as i32,
            word_count: self.word_count as u64,
            published_at: ts(self.published_at),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ChapterSummaryRow {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub published_at: i64,
}

impl ChapterSummaryRow {
    pub(crate) fn into_summary(self) -> ChapterSummary {
        ChapterSummary {
            id: ChapterId(self.id),
            position: self.position as u32,
            title: self.title,
            published_at: ts(self.published_at),
        }
    }
}
