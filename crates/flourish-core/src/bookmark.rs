//! Bookmarks: a reader keeps a work, a series, or a work published elsewhere, with notes
//! and their own tags, privately or for everyone, and may mark it a recommendation.

use crate::{BookmarkId, Pseud, PseudId, SeriesId, TextFormat, UserId, WorkId};
use serde::{Deserialize, Serialize};

/// Characters of notes a bookmark may carry (AO3's figure).
pub const MAX_BOOKMARK_NOTES: usize = 5_000;
/// The bookmarker's own tags per bookmark.
pub const MAX_BOOKMARK_TAGS: usize = 75;
/// The longest address an external work may have.
pub const MAX_EXTERNAL_URL: usize = 2_000;

/// A work published somewhere else, as the bookmarker describes it. Its address is checked
/// for form and never fetched.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalWork {
    pub url: String,
    pub title: String,
    pub creator: String,
    #[serde(default)]
    pub fandoms: Vec<String>,
    #[serde(default)]
    pub summary: String,
    /// Relationships, characters and other tags, as given.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// What a bookmark keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookmarkTarget {
    Work(WorkId),
    Series(SeriesId),
    External(ExternalWork),
}

impl BookmarkTarget {
    /// The kind's name, as the bookmark sidebar and the API say it.
    pub fn kind(&self) -> &'static str {
        match self {
            BookmarkTarget::Work(_) => "work",
            BookmarkTarget::Series(_) => "series",
            BookmarkTarget::External(_) => "external",
        }
    }
}

/// What the bookmarker writes: the same on a new bookmark and an edit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookmarkFields {
    /// The pseud it is shown under; the account's default when `None`.
    pub pseud: Option<PseudId>,
    pub notes: String,
    pub notes_format: TextFormat,
    pub tags: Vec<String>,
    pub private: bool,
    pub rec: bool,
    /// When it was made, for a bookmark read back from a data file; now when `None`.
    pub bookmarked_at: Option<i64>,
}

/// A bookmark as it is read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bookmark {
    pub id: BookmarkId,
    pub user: UserId,
    pub pseud: Pseud,
    pub target: BookmarkTarget,
    /// Sanitized HTML.
    pub notes: String,
    pub tags: Vec<String>,
    pub private: bool,
    pub rec: bool,
    pub created_at: i64,
    pub updated_at: i64,
}
