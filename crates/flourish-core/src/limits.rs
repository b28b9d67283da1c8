//! Size limits for what writers submit. The defaults are AO3's; an archive may change them
//! in `flourish.toml` under `[limits]`.

use serde::{Deserialize, Serialize};

/// Maximum sizes, in characters (Unicode scalar values) unless said otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    pub title: usize,
    pub summary: usize,
    pub notes: usize,
    pub chapter: usize,
    /// User-defined tags (fandoms, relationships, characters, additional tags) per work.
    pub tags_per_work: usize,
    pub tag_name: usize,
    pub comment: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            title: 255,
            summary: 1_250,
            notes: 5_000,
            chapter: 510_000,
            tags_per_work: 75,
            tag_name: 150,
            comment: 10_000,
        }
    }
}
