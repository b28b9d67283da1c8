//! Flourish's domain: what a work, a chapter, a tag, a pseud and a series are, the fixed
//! vocabulary every archive starts with, and the rules a new work must follow.
//!
//! This crate does no I/O and knows nothing of databases or HTTP, so every other crate can
//! depend on it and its rules are tested without a running archive.

pub mod account;
pub mod bookmark;
pub mod conversation;
pub mod filter_profile;
pub mod ids;
pub mod limits;
pub mod links;
pub mod reading;
pub mod report;
pub mod subscription;
pub mod tag;
pub mod validation;
pub mod vocabulary;
pub mod work;

pub use account::{Account, AccountStatus, SignupMode, is_plausible_email};
pub use bookmark::{Bookmark, BookmarkFields, BookmarkTarget, ExternalWork};
pub use conversation::{
    Channel, Comment, CommentAuthor, CommentPolicy, CommentState, Commenter, NewComment, Notification,
    NotificationKind, TextFormat,
};
pub use filter_profile::{FilterProfile, MuteSet};
pub use ids::{BookmarkId, ChapterId, CommentId, NotificationId, PseudId, ReportId, SeriesId, TagId, UserId, WorkId};
pub use limits::Limits;
pub use reading::{Reading, ReadingPreferences, ReadingSettings, Visit};
pub use report::{Report, ReportAction, ReportContext, ReportReason, ReportState, ReportTarget};
pub use subscription::{DigestEvery, NewSubscription, Subscription, SubscriptionKind};
pub use tag::{Pairing, Tag, TagKind, relationship_name, relationship_people, tag_from_url_segment, tag_url_segment};
pub use validation::{FieldError, ValidationErrors};
pub use vocabulary::{ArchiveWarning, Category, Rating};
pub use work::{
    Chapter, ChapterDraft, ChapterSummary, Pseud, Series, SeriesChoice, SeriesDraft, SeriesEntry, SeriesPlacement,
    User, Viewer, Work, WorkDraft, WorkStats, WorkTags,
};
