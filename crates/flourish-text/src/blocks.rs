//! From the blocks of an HTML page (or EPUB chapter files) to a [`Document`].
//!
//! AO3's downloads are recognised by their preface and afterword: the tag list becomes
//! header fields, the labelled blockquotes ("Summary", "Notes", "Chapter End Notes") become
//! the summary and notes, and the "Posted originally…" message and the afterword's
//! invitation to comment are boilerplate. Any other page goes through the same structure
//! recovery as plain text, with the page's own headings as chapter candidates.

use crate::document::{Document, Format, LineSpan, NoteKind};
use crate::html::SPACER;
use crate::paragraphs::unescape_text;
use crate::patterns::{self, Heading, HeadingLevel, LineKind};
use crate::txt::{Unit, parse_units};

/// One block of the page: a paragraph, heading, list item, rule.
#[derive(Debug, Clone)]
pub(crate) struct HtmlBlock {
    pub tag: String,
    pub line: usize,
    /// Inline HTML: text and the inline tags worth keeping.
    pub html: String,
    pub text: String,
    /// The text cut at each `<br>`, when it has any: header blocks list fields that way.
    pub lines: Vec<String>,
    /// Tag names, ids and classes of the elements around it, lowercased and separated by
    /// spaces, for finding regions.
    pub context: String,
}

impl HtmlBlock {
    pub fn within(&self, marker: &str) -> bool {
        self.context.split(' ').any(|c| c == marker)
    }
}

/// The span of one line of the page.
pub(crate) fn span(line: usize) -> LineSpan {
    LineSpan { start_line: Some(line), end_line: Some(line) }
}

pub(crate) fn parse_blocks(blocks: Vec<HtmlBlock>, format: Format) -> Document {
    let mut doc = Document::new(format, "utf-8");
    let blocks = without_gutenberg_apparatus(blocks, &mut doc);
    let ao3 = blocks.iter().any(|b| b.within("preface") || b.within("afterword") || is_ao3_message(&b.text));
    let units = if ao3 {
        ao3_units(blocks.into_iter().filter(|b| b.tag != SPACER).collect(), &mut doc)
    } else {
        page_units(blocks)
    };
    parse_units(units, &mut doc);
    doc
}

/// Project Gutenberg's HTML books carry the same header and licence as its plain text:
/// in `pg-boilerplate` sections today, between `*** START OF …` and `*** END OF …` lines
/// in older files. They go, and the header's title and author are kept.
fn without_gutenberg_apparatus(blocks: Vec<HtmlBlock>, doc: &mut Document) -> Vec<HtmlBlock> {
    // Every block of the page passes here: a cheap test first, case folding only for the
    // few blocks that mention Gutenberg at all.
    let marker = |b: &HtmlBlock, word: &str| {
        (b.text.contains("utenberg") || b.text.contains("UTENBERG")) && {
            let upper = b.text.to_uppercase();
            // "*** START OF THE PROJECT…", "***END OF THE PROJECT…" (2000s files, and inside
            // the `<pre>` of the header), and a bare "End of the Project Gutenberg…" footer.
            upper.contains(&format!("*** {word} OF"))
                || upper.contains(&format!("{word} OF THE PROJECT GUTENBERG"))
                || upper.contains(&format!("{word} OF THIS PROJECT GUTENBERG"))
        }
    };
    let start = blocks.iter().position(|b| marker(b, "START"));
    let end = blocks.iter().rposition(|b| marker(b, "END"));
    let boilerplate = |b: &HtmlBlock| {
        b.within("pg-boilerplate") || b.within("pgheader") || b.within("pg-header") || b.within("pg-footer")
    };
    if start.is_none() && !blocks.iter().any(boilerplate) {
        return blocks;
    }
    let mut kept = Vec::with_capacity(blocks.len());
    let mut spans = Vec::new();
    for (i, b) in blocks.into_iter().enumerate() {
        let before = start.is_some_and(|s| i <= s);
        let after = end.is_some_and(|e| i >= e && start.is_none_or(|s| e > s));
        if before || after || boilerplate(&b) {
            // Line by line where the block has lines (`<br>`, `<pre>`), so that a field's
            // value ends at its line.
            let lines: Vec<&str> = if b.lines.is_empty() {
                b.text.lines().collect()
            } else {
                b.lines.iter().map(String::as_str).collect()
            };
            for line in lines {
                if let Some(t) = header_field(line, "Title:") {
                    doc.title.get_or_insert(t);
                }
                if let Some(a) = header_field(line, "Author:")
                    && doc.authors.is_empty()
                {
                    doc.authors.push(a);
                }
            }
            spans.push(span(b.line));
        } else {
            kept.push(b);
        }
    }
    doc.header.push(("source".into(), crate::txt::GUTENBERG.into()));
    crate::txt::merge_spans(&mut doc.boilerplate, spans);
    kept
}

/// A Gutenberg header field's value: the rest of its line, or, where a `<pre>` header came
/// out as one line ("Title: Fables Author: Robert Louis Stevenson Release Date: …"), up to
/// the next field.
fn header_field(line: &str, field: &str) -> Option<String> {
    const NEXT: &[&str] = &[
        "Title:",
        "Author:",
        "Translator:",
        "Illustrator:",
        "Editor:",
        "Release Date:",
        "Posting Date:",
        "Last Updated:",
        "Language:",
        "Character set encoding:",
        "[",
        "***",
    ];
    let line = line.trim();
    let at = if line.starts_with(field) { 0 } else { line.find(&format!(" {field}"))? + 1 };
    let rest = &line[at + field.len()..];
    let end = NEXT.iter().filter_map(|n| rest.find(n)).min().unwrap_or(rest.len());
    let value = rest[..end].trim();
    (!value.is_empty()).then(|| value.to_owned())
}

fn is_ao3_message(text: &str) -> bool {
    text.starts_with("Posted originally on the Archive of Our Own")
}

fn heading_level(tag: &str) -> Option<u8> {
    match tag {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn unit(block: &HtmlBlock, kind: LineKind) -> Unit {
    Unit {
        start: block.line,
        end: block.line,
        text: block.text.clone(),
        html: Some(block.html.clone()),
        gap_before: 1,
        kind,
    }
}

/// A heading the page marked as such, whatever its words: `<h2>The Storm</h2>`.
fn explicit_heading(text: &str) -> LineKind {
    if let Some(h) = patterns::heading(text) {
        return LineKind::Heading(Heading { bare: false, ..h });
    }
    // "By Mark Twain" set as a heading on a title page is a byline.
    if let byline @ LineKind::Byline(_) = patterns::classify(text) {
        return byline;
    }
    // A play's "(SCENE continued.)" set as a heading is a scene, not an act.
    if patterns::is_play_scene(text.trim().trim_start_matches('(')) {
        return LineKind::SceneBreak;
    }
    // "I.—THE PERSONS OF THE TALE.": numbered by hand, a dash between number and title. In
    // a heading element only: in running text "I—I don't know" is a stammer.
    if let Some(c) = NUMBERED_HEADING.captures(text.trim()) {
        let title = c[2].trim().trim_end_matches('.').trim();
        if !title.is_empty() {
            return LineKind::Heading(Heading {
                level: HeadingLevel::Chapter,
                number: patterns::parse_number(&c[1]),
                title: Some(title.to_owned()),
                bare: false,
            });
        }
    }
    LineKind::Heading(Heading { level: HeadingLevel::Chapter, number: None, title: Some(text.to_owned()), bare: false })
}

static NUMBERED_HEADING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^([IVXLC]{1,7}|\d{1,3})\.?\s*[—–-]\s*(\S.*)$").expect("valid pattern")
});

/// Any page: paragraphs classified like plain text; `<hr>` is a scene break; the heading
/// level that repeats (h1 to h4, the highest that occurs twice) marks chapters, and a lone
/// `<h1>` above them is the title.
fn page_units(blocks: Vec<HtmlBlock>) -> Vec<Unit> {
    // Distinct headings per level: a book page that sets its title in <h1> twice (a title
    // page, then the text's own head) still marks its chapters with <h2>.
    let count = |level: u8| {
        let mut seen: Vec<String> = blocks
            .iter()
            .filter(|b| heading_level(&b.tag) == Some(level))
            .map(|b| crate::structure::normalise(&b.text))
            .collect();
        seen.sort();
        seen.dedup();
        seen.len()
    };
    let chapter_level = (1..=4).find(|&l| count(l) >= 2);
    // Empty spacer paragraphs are scene breaks on a page that uses them now and then (a
    // Gutenberg book's `<div class="gapspace">`); a page that puts one between every few
    // paragraphs uses them for spacing.
    let spacers = blocks.iter().filter(|b| b.tag == SPACER).count();
    let paragraphs = blocks.iter().filter(|b| b.tag == "p").count();
    let spacers_are_breaks = spacers * 5 <= paragraphs;
    let mut units = Vec::new();
    let mut within = Within::default();
    for (i, b) in blocks.iter().enumerate() {
        if let (Some(chapter), Some(level)) = (chapter_level, heading_level(&b.tag)) {
            // A heading above the chapters' level with story under it before the next
            // chapter heads a chapter of its own: the title set again over the text, after
            // the title page ("Eve's Diary" over "SATURDAY.—I am almost a whole day old"),
            // where the later chapters are headed a level lower.
            if level < chapter && story_follows(&blocks[i + 1..], chapter) {
                within = Within::chapter(None);
                units.push(unit(b, explicit_heading(&b.text)));
                continue;
            }
            if level == chapter {
                units.push(page_unit(b, chapter_level));
                let untitled = matches!(
                    units[units.len() - 1].kind,
                    LineKind::Heading(Heading { number: Some(_), title: None, .. })
                );
                within = Within::chapter(untitled.then(|| units.len() - 1));
                continue;
            }
            // Headings below the chapters' level, inside a chapter: the chapter's title
            // under a bare number ("190" over "A FOUR-LEAVED CLOVER", an editor's
            // introduction between them), or the heads of its sections ("1. The Rabbi",
            // "CHAPTER II" in a story of an anthology). A section heading after the first is
            // a scene break; each stays as text.
            if level > chapter && within.in_chapter {
                match within.untitled.take() {
                    Some(i) if level == chapter + 1 => {
                        if let LineKind::Heading(h) = &mut units[i].kind {
                            h.title = Some(b.text.clone());
                        }
                    }
                    _ => {
                        within.sections += 1;
                        if within.sections > 1 {
                            units.push(unit(b, LineKind::SceneBreak));
                        }
                    }
                }
                units.push(unit(b, LineKind::Text));
                continue;
            }
        }
        if b.tag == SPACER {
            if spacers_are_breaks {
                units.push(unit(b, LineKind::SceneBreak));
            }
            continue;
        }
        // FanFicFare and fan fiction sites head a story with "<a>Title</a> by <a>Author</a>"
        // and a block of "Key: value" lines cut by <br>.
        if let Some(c) = LINKED_BYLINE.captures(&b.html) {
            units.push(unit(b, LineKind::Field("title".into(), unescape_text(&c[1]).trim().to_owned())));
            units.push(unit(b, LineKind::Field("author".into(), unescape_text(&c[2]).trim().to_owned())));
            continue;
        }
        let fields: Vec<LineKind> = b.lines.iter().map(|l| patterns::classify(l)).collect();
        if fields.len() >= 2 && fields.iter().all(|k| matches!(k, LineKind::Field(..))) {
            units.extend(fields.into_iter().map(|k| unit(b, k)));
            continue;
        }
        units.push(page_unit(b, chapter_level));
    }
    units
}

/// Words a paragraph holds at least to be taken for story, not a title page's line.
const STORY_PARAGRAPH_WORDS: usize = 30;

/// Whether a paragraph of story comes before the next heading at `level` or above.
fn story_follows(blocks: &[HtmlBlock], level: u8) -> bool {
    blocks
        .iter()
        .take_while(|b| heading_level(&b.tag).is_none_or(|l| l > level))
        .any(|b| b.tag == "p" && b.text.split_whitespace().count() >= STORY_PARAGRAPH_WORDS)
}

/// Where a page is among its chapters, for reading the headings below their level.
#[derive(Default)]
struct Within {
    in_chapter: bool,
    /// The chapter heading that is a bare number, until a heading below gives its title.
    untitled: Option<usize>,
    /// Section headings seen in this chapter.
    sections: usize,
}

impl Within {
    /// Just inside a chapter, headed by the unit at `untitled` when its heading is a bare
    /// number.
    fn chapter(untitled: Option<usize>) -> Within {
        Within { in_chapter: true, untitled, sections: 0 }
    }
}

static LINKED_BYLINE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"^<a[^>]*>([^<]{1,200})</a>\s+by\s+<a[^>]*>([^<]{1,100})</a>$"#).expect("valid pattern")
});

fn page_unit(b: &HtmlBlock, chapter_level: Option<u8>) -> Unit {
    let kind = match (b.tag.as_str(), heading_level(&b.tag)) {
        ("hr", _) => LineKind::SceneBreak,
        (_, Some(l)) if Some(l) == chapter_level => explicit_heading(&b.text),
        (_, Some(_)) => match patterns::classify(&b.text) {
            LineKind::Heading(h) => LineKind::Heading(h),
            _ => LineKind::Text,
        },
        // Where the page's heading elements mark its chapters, a paragraph that reads like
        // a heading is text ("Chapter XXXIII." quoted at a fable's end); so is anything
        // inside a quotation.
        _ => match patterns::classify(&b.text) {
            LineKind::Heading(_) if chapter_level.is_some() || b.within("blockquote") => LineKind::Text,
            kind => kind,
        },
    };
    unit(b, kind)
}

/// The region a label paragraph opens: what the following blockquote is.
#[derive(Clone, Copy, PartialEq)]
enum Label {
    Summary,
    WorkNotes,
    ChapterNotes,
    EndNotes,
    Drop,
}

fn label(text: &str) -> Option<Label> {
    Some(match text.trim().trim_end_matches(':') {
        "Summary" => Label::Summary,
        "Notes" => Label::WorkNotes,
        "Chapter Summary" | "Chapter Notes" => Label::ChapterNotes,
        "Chapter End Notes" | "End Notes" => Label::EndNotes,
        t if t.starts_with("See the end of the") => Label::Drop,
        _ => return None,
    })
}

/// AO3's download: metadata from the preface, notes from labelled blockquotes, chapters at
/// the `<h2>` headings, and the rest as story.
fn ao3_units(blocks: Vec<HtmlBlock>, doc: &mut Document) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut current_label: Option<Label> = None;
    let mut pending_dt: Option<String> = None;
    let mut summary = Vec::new();
    let mut boilerplate = Vec::new();
    for b in &blocks {
        let in_quote = b.within("blockquote") || b.tag == "blockquote";
        if !in_quote && let Some(l) = label(&b.text) {
            current_label = Some(l);
            continue;
        }
        if !in_quote {
            current_label = None;
        }
        if is_ao3_message(&b.text) || b.within("message") {
            boilerplate.push(span(b.line));
            continue;
        }
        if b.within("afterword")
            && (b.within("endnotes") || b.text == "Afterword" || b.text.contains("leave kudos"))
            && current_label.is_none()
        {
            boilerplate.push(span(b.line));
            continue;
        }
        if b.within("preface") {
            match b.tag.as_str() {
                "dt" => pending_dt = Some(b.text.trim_end_matches(':').trim().to_lowercase()),
                "dd" => {
                    if let Some(key) = pending_dt.take() {
                        doc.header.push((key, b.text.clone()));
                    }
                }
                // Today's downloads open the preface with an `<h2 class="toc-heading">`
                // "Preface" (a landmark, not the title) and give the title in the `<h1>`.
                "h2" if b.text.trim() == "Preface" || b.within("toc-heading") => {}
                "h1" => doc.title = Some(b.text.clone()),
                "h2" if doc.title.is_none() => doc.title = Some(b.text.clone()),
                _ if b.within("byline") => {
                    let names = b.text.trim().strip_prefix("by ").unwrap_or(&b.text);
                    doc.authors.extend(
                        names
                            .split([','])
                            .flat_map(|n| n.split(" and "))
                            .map(|n| n.trim().to_owned())
                            .filter(|n| !n.is_empty()),
                    );
                }
                _ => match current_label {
                    Some(Label::Summary) => summary.push(b.text.clone()),
                    Some(Label::WorkNotes) => units.push(unit(b, LineKind::Note(NoteKind::AuthorNote))),
                    Some(Label::EndNotes) | Some(Label::ChapterNotes) => {
                        units.push(unit(b, LineKind::Note(NoteKind::AuthorNote)))
                    }
                    _ => {}
                },
            }
            continue;
        }
        let kind = match (current_label, b.tag.as_str()) {
            (Some(Label::Drop), _) => continue,
            (Some(Label::Summary), _) => continue,
            (Some(_), _) => LineKind::Note(NoteKind::AuthorNote),
            (None, "hr") => LineKind::SceneBreak,
            (None, "h2") => explicit_heading(&b.text),
            // AO3's hidden landmark above each chapter's text.
            (None, "h3") if b.text == "Chapter Text" => continue,
            (None, _) => match patterns::classify(&b.text) {
                k @ (LineKind::SceneBreak | LineKind::Pov(_) | LineKind::FlashbackStart | LineKind::FlashbackEnd) => k,
                _ => LineKind::Text,
            },
        };
        units.push(unit(b, kind));
    }
    if !summary.is_empty() {
        doc.summary = Some(summary.join("\n\n"));
    }
    crate::txt::merge_spans(&mut doc.boilerplate, boilerplate);
    // The header's tags are AO3's own names; keep the usual keys the importer reads.
    for (key, value) in doc.header.clone() {
        let alias = match key.as_str() {
            "character" | "characters" => "characters",
            "relationship" | "relationships" => "relationships",
            "fandom" | "fandoms" => "fandom",
            "additional tags" => "tags",
            _ => continue,
        };
        if alias != key {
            doc.header.push((alias.into(), value));
        }
    }
    units
}
