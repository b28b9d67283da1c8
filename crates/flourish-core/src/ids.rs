//! Newtype ids, so a chapter id can never be passed where a work id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Ids in URLs are positive decimal integers; anything else (signs, spaces,
        /// overflow) is not an id, so a handler can answer 404 instead of guessing.
        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(InvalidId);
                }
                s.parse::<i64>().ok().filter(|n| *n > 0).map($name).ok_or(InvalidId)
            }
        }
    )*};
}

id_type! {
    /// A work's id.
    WorkId,
    /// A chapter's id; stable when chapters are reordered, unlike its position.
    ChapterId,
    /// An account's id.
    UserId,
    /// A pseud's id: the name a user writes under.
    PseudId,
    /// A tag's id.
    TagId,
    /// A series' id.
    SeriesId,
    /// A comment's id.
    CommentId,
    /// A notification's id.
    NotificationId,
    /// An abuse report's id.
    ReportId,
    /// A bookmark's id.
    BookmarkId,
}

/// A string that is not a valid id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid id")]
pub struct InvalidId;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_only_positive_decimal_integers() {
        assert_eq!("42".parse::<WorkId>(), Ok(WorkId(42)));
        for bad in ["", "0", "-1", "+1", " 1", "1a", "99999999999999999999", "١"] {
            assert_eq!(bad.parse::<WorkId>(), Err(InvalidId), "{bad:?}");
        }
    }
}
