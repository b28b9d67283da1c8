//! Filter profiles: what a reader never wants to see, by name, one of them the default that
//! every listing, search and API answer applies (issue 16).

use serde::{Deserialize, Serialize};

/// Muted tags and muted creators per profile, at most (AO3 users' blocklists reach hundreds).
pub const MAX_MUTED: usize = 2_000;
/// Profiles per account.
pub const MAX_PROFILES: usize = 20;

/// A profile as the reader writes it: tags by name, creators by username.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterProfile {
    /// Set when read back; ignored when saving.
    #[serde(default)]
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub is_default: bool,
    /// Tags to hide, with their synonyms and subtags.
    #[serde(default)]
    pub exclude_tags: Vec<String>,
    /// Accounts whose works to hide.
    #[serde(default)]
    pub exclude_creators: Vec<String>,
    #[serde(default)]
    pub hide_read: bool,
    #[serde(default)]
    pub hide_kudosed: bool,
    #[serde(default)]
    pub hide_anonymous: bool,
    /// Hide works in more fandoms than this.
    #[serde(default)]
    pub max_fandoms: Option<u32>,
}

/// What a profile hides, resolved to ids for the search index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MuteSet {
    pub profile: i64,
    pub name: String,
    pub tags: Vec<i64>,
    pub creators: Vec<i64>,
    pub works: Vec<i64>,
    pub anonymous: bool,
    pub max_fandoms: Option<u32>,
}
