//! The reader's own archive (issue 16): what a reader keeps, follows and filters out.
//! [`bookmarks`], then [`readings`] (history, the place inside a chapter, Marked for Later),
//! [`filters`] (mutes), [`subscriptions`] (following works, series, creators, tags and searches).

mod bookmarks;
mod filters;
mod readings;
pub(crate) mod subscriptions;

pub(crate) use bookmarks::RECOUNT as RECOUNT_BOOKMARKS;
pub use bookmarks::{BookmarkFilter, BookmarkSort, BookmarkStore};
pub use filters::FilterStore;
pub use readings::{ReadingStore, SHELF};
pub use subscriptions::{Delivered, SavedSearch, SearchNotice, SubscriptionStore};
