//! From a read document to a work draft: the importer's fields mapped onto the archive's.
//! One place, for `flourish import` and the web's "import from file" alike.

use crate::document::{Document, Position};
use flourish_core::{ArchiveWarning, ChapterDraft, Limits, PseudId, Rating, WorkDraft};

/// The work a document describes. `fandoms` and `rating`, when given, replace what the
/// file says; a file that names no fandom gives a draft without one, which validation then
/// reports, so the caller decides how to ask for it.
pub fn work_draft(
    doc: &Document,
    fallback_title: &str,
    fandoms: &[String],
    rating: Option<&str>,
    creator: PseudId,
    limits: &Limits,
) -> WorkDraft {
    let title = doc
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| Some(fallback_title.trim().to_owned()).filter(|t| !t.is_empty()))
        .unwrap_or_else(|| "Untitled".into());
    let mut fandoms = fandoms.iter().map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()).collect::<Vec<_>>();
    if fandoms.is_empty() {
        fandoms = ["fandom", "fandoms", "category", "categories"]
            .iter()
            .filter_map(|k| doc.header_field(k))
            .flat_map(|v| v.split(',').map(|f| f.trim().to_owned()))
            .filter(|f| !f.is_empty())
            .collect();
    }
    let rating = rating
        .or_else(|| doc.header_field("rating").or_else(|| doc.header_field("rated")))
        .and_then(Rating::parse_lenient)
        .unwrap_or(Rating::NotRated);
    let in_progress = doc.header_field("status").is_some_and(|s| {
        let s = s.to_ascii_lowercase();
        s.contains("progress") || s.contains("incomplete") || s.contains("wip")
    });
    let chapters: Vec<ChapterDraft> = doc
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| ChapterDraft {
            title: c.title.clone().unwrap_or_default(),
            summary: String::new(),
            notes: doc.notes_html(Some(i + 1), Position::Start),
            end_notes: doc.notes_html(Some(i + 1), Position::End),
            content: c.content_html(),
        })
        .collect();
    let summary = doc.summary.as_deref().map(|s| format!("<p>{}</p>", crate::paragraphs::escape_text(s)));
    let mut draft = WorkDraft::new(&title, "", creator, "");
    draft.fandoms = fandoms;
    // What a header block says of characters, pairings and tags becomes tags too; a name
    // the archive would refuse is dropped rather than failing the whole file.
    let listed = |keys: &[&str], separators: &[char]| -> Vec<String> {
        keys.iter()
            .filter_map(|k| doc.header_field(k))
            .flat_map(|v| v.split(separators).map(|t| t.trim().trim_matches(['[', ']']).to_owned()))
            .filter(|t| !t.is_empty() && flourish_core::tag::validate_tag_name(t, limits.tag_name).is_ok())
            .collect()
    };
    draft.characters = listed(&["characters"], &[',']);
    draft.relationships = listed(&["pairing", "pairings", "relationship", "relationships"], &[',']);
    draft.freeforms = listed(&["tags", "additional tags", "genre", "genres"], &[',', '/']);
    draft.rating = rating;
    draft.warnings = vec![ArchiveWarning::ChoseNotToUse];
    draft.summary = summary.unwrap_or_default();
    draft.notes = doc.notes_html(None, Position::Start);
    draft.language = language_code(doc.header_field("language").unwrap_or("en"));
    draft.complete = !in_progress;
    draft.expected_chapters = if in_progress { None } else { Some(chapters.len() as u32) };
    draft.chapters = chapters;
    draft
}

/// `English` → `en`: the languages files most often name; codes pass through.
fn language_code(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let code = match lower.as_str() {
        "english" => "en",
        "français" | "french" => "fr",
        "deutsch" | "german" => "de",
        "español" | "spanish" => "es",
        "italiano" | "italian" => "it",
        "português" | "portuguese" => "pt",
        "русский" | "russian" => "ru",
        "日本語" | "japanese" => "ja",
        "中文" | "chinese" => "zh",
        "polski" | "polish" => "pl",
        "nederlands" | "dutch" => "nl",
        other if (2..=3).contains(&other.len()) && other.bytes().all(|b| b.is_ascii_alphabetic()) => other,
        _ => "en",
    };
    code.to_owned()
}
