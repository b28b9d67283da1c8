//! The reader's own archive (issue 16): what a reader keeps, follows and filters out.
//! [`bookmarks`] first.

mod bookmarks;

pub(crate) use bookmarks::RECOUNT as RECOUNT_BOOKMARKS;
pub use bookmarks::{BookmarkFilter, BookmarkSort, BookmarkStore};
