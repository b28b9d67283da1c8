//! What the importer recovers from a file, whatever its format: the work's metadata, its
//! chapters with their sections, scene breaks and notes, and what was removed as
//! boilerplate. `flourish inspect --json` prints this; `flourish import` stores it.

use crate::paragraphs::escape_text;
// What kind of note a block is, as the line patterns recognise it.
pub use crate::patterns::NoteKind;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Txt,
    Md,
    Html,
    Epub,
}

/// A run of input lines (1-based, inclusive). `None` where the format has no lines (EPUB).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineSpan {
    pub start_line: Option<usize>,
    pub end_line: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    Start,
    End,
}

/// An author's note, disclaimer or the like, kept apart from the story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    /// The chapter (1-based index into `chapters`) it belongs to; `None` for the work.
    pub chapter: Option<usize>,
    pub position: Position,
    pub start_line: Option<usize>,
    pub end_line: Option<usize>,
    /// Sanitizable HTML.
    pub html: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    Pov,
    Flashback,
}

impl SectionKind {
    pub fn class(self) -> &'static str {
        match self {
            SectionKind::Pov => "pov",
            SectionKind::Flashback => "flashback",
        }
    }
}

/// A labelled stretch of a chapter: a point of view, a flashback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    pub kind: SectionKind,
    /// Whose point of view (`Draco`), or `Flashback`.
    pub label: String,
    /// The banner as written (`Draco's Point of View`), shown as the section's heading.
    #[serde(skip)]
    pub banner: String,
    pub start_line: Option<usize>,
    pub end_line: Option<usize>,
}

/// One piece of a chapter's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph of inline HTML.
    Paragraph {
        line: Option<usize>,
        html: String,
    },
    SceneBreak {
        line: Option<usize>,
    },
    /// Section `index` of the chapter begins (its banner replaces the marker line).
    Open(usize),
    Close(usize),
    /// Block-level HTML kept as it was (from HTML and EPUB input: lists, tables, quotes).
    Raw {
        line: Option<usize>,
        html: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Chapter {
    pub number: Option<u32>,
    pub title: Option<String>,
    /// The heading line as written.
    pub heading: Option<String>,
    pub start_line: Option<usize>,
    pub end_line: Option<usize>,
    pub word_count: u64,
    /// The lines of the scene breaks, where the file has lines (an EPUB has none: count
    /// its breaks with [`Chapter::scene_break_count`]).
    pub scene_breaks: Vec<usize>,
    pub sections: Vec<Section>,
    #[serde(skip)]
    pub blocks: Vec<Block>,
}

impl Chapter {
    /// Scene breaks in the chapter, with a line or without.
    pub fn scene_break_count(&self) -> usize {
        self.blocks.iter().filter(|b| matches!(b, Block::SceneBreak { .. })).count()
    }

    /// The chapter's text as HTML: paragraphs, scene breaks as `<hr class="scene-break">`,
    /// and POV and flashback sections as `<section class="pov|flashback">` with their banner.
    pub fn content_html(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Paragraph { html, .. } => {
                    out.push_str("<p>");
                    out.push_str(html);
                    out.push_str("</p>\n");
                }
                Block::Raw { html, .. } => {
                    out.push_str(html);
                    out.push('\n');
                }
                Block::SceneBreak { .. } => out.push_str("<hr class=\"scene-break\">\n"),
                Block::Open(i) => {
                    let s = &self.sections[*i];
                    out.push_str(&format!(
                        "<section class=\"{}\" data-label=\"{}\"><p class=\"section-label\">{}</p>\n",
                        s.kind.class(),
                        escape_text(&s.label),
                        escape_text(&s.banner)
                    ));
                }
                Block::Close(_) => out.push_str("</section>\n"),
            }
        }
        out
    }
}

/// Everything recovered from one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Document {
    pub format: Format,
    pub encoding: String,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub summary: Option<String>,
    /// Other `Key: value` fields a header block stated (rating, fandom, tags…), lowercased keys.
    pub header: Vec<(String, String)>,
    pub boilerplate: Vec<LineSpan>,
    pub notes: Vec<Note>,
    pub chapters: Vec<Chapter>,
    pub word_count: u64,
    /// What the reader could not recognise and how it read the text instead ("No chapter
    /// headings were recognised: …"), for the person importing it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
}

impl Document {
    /// An empty document, before a reader fills it in.
    pub fn new(format: Format, encoding: &str) -> Document {
        Document {
            format,
            encoding: encoding.to_owned(),
            title: None,
            authors: vec![],
            summary: None,
            header: vec![],
            boilerplate: vec![],
            notes: vec![],
            chapters: vec![],
            word_count: 0,
            notices: vec![],
        }
    }

    /// The value of header field `key` (lowercase), if stated.
    pub fn header_field(&self, key: &str) -> Option<&str> {
        self.header.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Notes of one chapter (or of the work, for `None`) at one position, joined.
    pub fn notes_html(&self, chapter: Option<usize>, position: Position) -> String {
        self.notes
            .iter()
            .filter(|n| n.chapter == chapter && n.position == position && n.kind != NoteKind::Summary)
            .map(|n| n.html.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Takes out chapters with no text under their heading (a heading followed straight by
    /// another: "Letter 1" over "Chapter 1: Dawn"), which no archive can post: the first,
    /// when nothing else named the work, names it; any other is left out with a notice.
    /// Their notes move to the chapter that follows (or to the work).
    pub(crate) fn drop_empty_chapters(&mut self) {
        let has_text = |c: &Chapter| {
            c.blocks.iter().any(|b| match b {
                Block::Paragraph { html, .. } | Block::Raw { html, .. } => !html.trim().is_empty(),
                _ => false,
            })
        };
        // Only when some chapter has text: a file with none is refused as a whole.
        if self.chapters.iter().all(has_text) || !self.chapters.iter().any(has_text) {
            return;
        }
        let mut index = 0;
        while index < self.chapters.len() {
            if has_text(&self.chapters[index]) {
                index += 1;
                continue;
            }
            let empty = self.chapters.remove(index);
            let heading = empty.heading.clone().or(empty.title.clone()).unwrap_or_default();
            let heading = heading.trim().to_owned();
            if index == 0 && self.title.is_none() && !heading.is_empty() {
                self.notices.push(format!(
                    "The first heading, “{heading}”, has no text under it: it is read as the work's title."
                ));
                self.title = Some(heading);
            } else {
                self.notices.push(format!("The heading “{heading}” has no text under it, so it is not a chapter."));
            }
            // Notes are numbered from 1: the removed chapter's go to the one that now takes
            // its place, or to the work when it was the last.
            let removed = index + 1;
            let remaining = self.chapters.len();
            for note in &mut self.notes {
                note.chapter = match note.chapter {
                    Some(c) if c == removed && removed > remaining => None,
                    Some(c) if c > removed => Some(c - 1),
                    other => other,
                };
            }
        }
    }

    /// Fills in word counts from the chapters' HTML, the way the store counts them.
    pub(crate) fn count_words(&mut self) {
        // Counted block by block: the same words as `content_html()` holds, without
        // building it.
        for chapter in &mut self.chapters {
            let sections = &chapter.sections;
            chapter.word_count = chapter
                .blocks
                .iter()
                .map(|b| match b {
                    Block::Paragraph { html, .. } | Block::Raw { html, .. } => crate::count_words_in_html(html),
                    Block::Open(i) => crate::count_words(&sections[*i].banner),
                    Block::SceneBreak { .. } | Block::Close(_) => 0,
                })
                .sum();
        }
        self.word_count = self.chapters.iter().map(|c| c.word_count).sum();
    }
}
