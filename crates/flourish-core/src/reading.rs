//! A reader's history: which works they opened, how often, where they stopped, and what
//! they marked for later. Private to the reader, always.

use crate::{ChapterId, UserId, WorkId};
use serde::{Deserialize, Serialize};

/// One page view of a work by a member, as the page saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visit {
    pub user: UserId,
    pub work: WorkId,
    /// The chapter read; `None` for the whole work on one page.
    pub chapter: Option<ChapterId>,
    pub at: i64,
    /// The work's chapters and last update as the page showed them: "N new chapters since
    /// you read" compares with these, not with the work when the visit is written.
    /// `None` takes the work as it is when written.
    pub seen: Option<(u32, i64)>,
}

/// What the history knows of one work for one reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    pub work: WorkId,
    pub title: String,
    pub first_visit_at: i64,
    pub last_visit_at: i64,
    pub visits: u64,
    /// The last chapter read, and its place in the work (1 and up).
    pub chapter: Option<ChapterId>,
    pub chapter_position: Option<u32>,
    /// The chapter after the last one read, if the work has one now.
    pub next_chapter: Option<ChapterId>,
    /// The paragraph in view when the reader left that chapter (0 and up), where allowed.
    pub paragraph: Option<u32>,
    /// The work's chapters and last update when the reader last came: what "N new chapters
    /// since you read" and "updated since you read" compare with.
    pub chapters_then: u32,
    pub updated_then: i64,
    /// The work as it is now.
    pub chapters_now: u32,
    pub updated_now: i64,
}

impl Reading {
    /// Chapters posted since the reader last came.
    pub fn new_chapters(&self) -> u32 {
        self.chapters_now.saturating_sub(self.chapters_then)
    }

    /// Whether the work changed since the reader last came (new chapters or edits).
    pub fn updated_since(&self) -> bool {
        self.updated_now > self.updated_then
    }
}

/// What a reader lets the archive keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingSettings {
    /// Record visits at all.
    pub keep_history: bool,
    /// Record the paragraph in view, not only the chapter.
    pub keep_position: bool,
}

impl Default for ReadingSettings {
    fn default() -> Self {
        ReadingSettings { keep_history: true, keep_position: true }
    }
}

/// How a reader likes pages shown: the work whole or by chapter, warnings and additional
/// tags folded until clicked, and the text's size, spacing, face and colours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingPreferences {
    pub whole_work: bool,
    pub hide_warnings: bool,
    pub hide_freeforms: bool,
    /// small, medium, large or larger.
    pub font_size: String,
    /// normal, relaxed or loose.
    pub line_spacing: String,
    /// serif or sans.
    pub font: String,
    /// system, light or dark.
    pub theme: String,
    /// The IANA time zone dates and times are shown in (the web crate checks the name).
    #[serde(default = "utc")]
    pub time_zone: String,
}

fn utc() -> String {
    "UTC".into()
}

impl Default for ReadingPreferences {
    fn default() -> Self {
        ReadingPreferences {
            whole_work: false,
            hide_warnings: false,
            hide_freeforms: false,
            font_size: "medium".into(),
            line_spacing: "normal".into(),
            font: "serif".into(),
            theme: "system".into(),
            time_zone: utc(),
        }
    }
}

impl ReadingPreferences {
    pub const FONT_SIZES: [&'static str; 4] = ["small", "medium", "large", "larger"];
    pub const LINE_SPACINGS: [&'static str; 3] = ["normal", "relaxed", "loose"];
    pub const FONTS: [&'static str; 2] = ["serif", "sans"];
    pub const THEMES: [&'static str; 3] = ["system", "light", "dark"];

    /// The field whose value is not one of its choices, if any.
    pub fn invalid_field(&self) -> Option<&'static str> {
        if !Self::FONT_SIZES.contains(&self.font_size.as_str()) {
            Some("font_size")
        } else if !Self::LINE_SPACINGS.contains(&self.line_spacing.as_str()) {
            Some("line_spacing")
        } else if !Self::FONTS.contains(&self.font.as_str()) {
            Some("font")
        } else if !Self::THEMES.contains(&self.theme.as_str()) {
            Some("theme")
        } else {
            None
        }
    }
}
