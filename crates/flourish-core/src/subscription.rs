//! Subscriptions (issue 16): what a reader follows, and how often their digest comes.
//!
//! Works, series and creators are followed as AO3 does, through each update as it is
//! posted. Tags and saved searches (a listing's filter URL) are Flourish's own: they are
//! checked against the search index every few minutes, so one notification says "N works
//! are new or updated" instead of one per work.

use crate::account::UnknownValue;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Subscriptions per account, of every kind together.
pub const MAX_SUBSCRIPTIONS: usize = 5_000;
/// Saved searches and tags per account: each costs a query every round.
pub const MAX_SAVED_SEARCHES: usize = 100;
/// A saved search's query string, at most.
pub const MAX_SEARCH_CHARS: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionKind {
    /// New chapters of a work.
    Work,
    /// New works in a series, and new chapters of its works.
    Series,
    /// New works and chapters credited to an account (never an anonymous work: it credits
    /// no one).
    Creator,
    /// New and updated works in a tag, with its synonyms and subtags.
    Tag,
    /// New and updated works matching a listing's filters.
    Search,
}

impl SubscriptionKind {
    pub const ALL: [SubscriptionKind; 5] = [
        SubscriptionKind::Work,
        SubscriptionKind::Series,
        SubscriptionKind::Creator,
        SubscriptionKind::Tag,
        SubscriptionKind::Search,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionKind::Work => "work",
            SubscriptionKind::Series => "series",
            SubscriptionKind::Creator => "creator",
            SubscriptionKind::Tag => "tag",
            SubscriptionKind::Search => "search",
        }
    }

    /// Checked by the saved-search round rather than as each update is posted.
    pub fn is_search(self) -> bool {
        matches!(self, SubscriptionKind::Tag | SubscriptionKind::Search)
    }
}

impl FromStr for SubscriptionKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        SubscriptionKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// One thing a reader follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: i64,
    pub kind: SubscriptionKind,
    /// The work, series, account or tag; 0 for a saved search.
    pub target_id: i64,
    /// A saved search's query string (empty for the other kinds).
    pub query: String,
    /// What to call it: the work's or series' title, the username, the tag's name, or the
    /// name the reader gave a search.
    pub name: String,
    /// Where it lives on the archive.
    pub url: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

/// What a reader asks to follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewSubscription {
    Work(i64),
    Series(i64),
    /// An account, by id.
    Creator(i64),
    Tag(i64),
    /// A listing's query string and the name to show it by.
    Search {
        query: String,
        name: String,
    },
}

/// How often the email digest comes, for every kind sent to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DigestEvery {
    #[default]
    Daily,
    /// On Mondays.
    Weekly,
}

impl DigestEvery {
    pub fn as_str(self) -> &'static str {
        match self {
            DigestEvery::Daily => "daily",
            DigestEvery::Weekly => "weekly",
        }
    }
}

impl FromStr for DigestEvery {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "daily" => Ok(DigestEvery::Daily),
            "weekly" => Ok(DigestEvery::Weekly),
            other => Err(UnknownValue(other.to_owned())),
        }
    }
}
