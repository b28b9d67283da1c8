//! The reader's own archive (issue 16): what a reader keeps, follows and filters out.
//! [`bookmarks`], then [`readings`] (history, the place inside a chapter, Marked for Later),
//! [`filters`] (mutes), [`subscriptions`] (following works, series, creators, tags and searches), [`statistics`]
//! (hits and each work's activity by day, for its creators).

pub mod bookmark_index;
mod bookmarks;
mod filters;
mod readings;
pub mod statistics;
pub(crate) mod subscriptions;

pub use bookmark_index::{BookmarkIndexSource, IndexedBookmark};
pub(crate) use bookmarks::RECOUNT as RECOUNT_BOOKMARKS;
pub use bookmarks::{BookmarkFilter, BookmarkSort, BookmarkStore};
pub use filters::FilterStore;
pub use readings::{ReadingStore, SHELF};
pub use statistics::{Activity, Hit, StatisticsStore};
pub use subscriptions::{Delivered, SavedSearch, SearchNotice, SubscriptionStore};
