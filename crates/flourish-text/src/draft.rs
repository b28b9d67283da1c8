//! From a read document to a work draft: the importer's fields mapped onto the archive's.
//! One place, for `flourish import` and the web's "import from file" alike.

use crate::document::{Document, Position};
use flourish_core::{
    ArchiveWarning, Category, ChapterDraft, Limits, PseudId, Rating, SeriesChoice, SeriesPlacement, WorkDraft,
};

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
    // "Category" is AO3's F/M… or, on FanFiction.Net and FanFicFare, the fandom.
    let (categories, category_fandoms): (Vec<String>, Vec<String>) =
        values(doc, &["category", "categories"]).into_iter().partition(|v| Category::from_name(v).is_some());
    let mut fandoms = fandoms.iter().map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()).collect::<Vec<_>>();
    if fandoms.is_empty() {
        fandoms = values(doc, &["fandom", "fandoms"]);
        fandoms.extend(category_fandoms);
    }
    let rating = rating
        .or_else(|| doc.header_field("rating").or_else(|| doc.header_field("rated")))
        .and_then(Rating::parse_lenient)
        .unwrap_or(Rating::NotRated);
    let stats = stats(doc);
    let in_progress = doc.header_field("status").is_some_and(|s| {
        let s = s.to_ascii_lowercase();
        s.contains("progress") || s.contains("incomplete") || s.contains("wip")
    }) || stats.planned.is_some_and(|(posted, planned)| planned != Some(posted));
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
            .fold(Vec::new(), |mut seen: Vec<String>, t| {
                // One field can appear under two names (AO3's "Relationship" and its alias).
                if !seen.iter().any(|s| s.eq_ignore_ascii_case(&t)) {
                    seen.push(t);
                }
                seen
            })
    };
    draft.characters = listed(&["characters"], &[',']);
    draft.relationships = listed(&["pairing", "pairings", "relationship", "relationships"], &[',']);
    draft.freeforms = listed(&["tags", "additional tags", "genre", "genres"], &[',', '/']);
    draft.rating = rating;
    let warnings: Vec<ArchiveWarning> = values(doc, &["archive warning", "archive warnings", "warning", "warnings"])
        .iter()
        .filter_map(|w| ArchiveWarning::from_name(w))
        .collect();
    draft.warnings = if warnings.is_empty() { vec![ArchiveWarning::ChoseNotToUse] } else { warnings };
    draft.categories = categories.iter().filter_map(|c| Category::from_name(c)).collect();
    draft.published_at = stats.published;
    draft.summary = summary.unwrap_or_default();
    draft.notes = doc.notes_html(None, Position::Start);
    draft.language = language_code(doc.header_field("language").unwrap_or("en"));
    draft.complete = !in_progress;
    draft.expected_chapters = match stats.planned {
        Some((_, planned)) if in_progress => planned,
        _ if in_progress => None,
        _ => Some(chapters.len() as u32),
    };
    draft.chapters = chapters;
    draft.series = series_of(doc).map(|(title, part)| SeriesPlacement { series: SeriesChoice::Titled(title), part });
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

/// The comma-separated values of the first header field among `keys` that has any.
fn values(doc: &Document, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .filter_map(|k| doc.header_field(k))
        .flat_map(|v| v.split(',').map(|f| f.trim().to_owned()))
        .filter(|f| !f.is_empty())
        .fold(Vec::new(), |mut seen: Vec<String>, v| {
            if !seen.contains(&v) {
                seen.push(v);
            }
            seen
        })
}

/// What a download's stats say: when it was published, and chapters posted / planned
/// (`None` planned for AO3's `?`).
#[derive(Debug, Default, PartialEq)]
struct Stats {
    published: Option<time::OffsetDateTime>,
    planned: Option<(u32, Option<u32>)>,
}

/// From separate fields ("Published: 2019-09-01", "Chapters: 2/?", as Flourish writes) or
/// AO3's one "Stats:" line holding them all.
fn stats(doc: &Document) -> Stats {
    let stats_line = doc.header_field("stats").unwrap_or("");
    let find = |key: &str| -> Option<String> {
        doc.header_field(key).map(str::to_owned).or_else(|| {
            let at = stats_line.find(&format!("{}:", capitalize(key)))?;
            stats_line[at + key.len() + 1..].split_whitespace().next().map(str::to_owned)
        })
    };
    let published = find("published")
        .and_then(|d| time::Date::parse(d.trim(), time::macros::format_description!("[year]-[month]-[day]")).ok());
    let published =
        published.filter(|d| flourish_core::validation::may_be_published_on(*d)).map(|d| d.midnight().assume_utc());
    let planned = find("chapters").and_then(|c| {
        let (posted, planned) = c.trim().split_once('/')?;
        let posted = posted.trim().parse().ok()?;
        let planned = match planned.trim() {
            "?" => None,
            n => Some(n.parse().ok()?),
        };
        Some((posted, planned))
    });
    Stats { published, planned }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// The series a download says the work is part of, and where: AO3's and Flourish's
/// "Part 2 of Shop Windows", or calibre's bare series name.
pub fn series_of(doc: &Document) -> Option<(String, Option<u32>)> {
    let value = doc.header_field("series")?.trim();
    if let Some(rest) = value.strip_prefix("Part ")
        && let Some((n, title)) = rest.split_once(" of ")
        && let Ok(n) = n.trim().parse::<u32>()
    {
        return Some((title.trim().to_owned(), Some(n))).filter(|(t, _)| !t.is_empty());
    }
    Some((value.to_owned(), None)).filter(|(t, _)| !t.is_empty())
}
