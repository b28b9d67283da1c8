//! Chapter headings that no single line shows: found from the lines around them and from
//! the book's own contents list. Runs on the units of any format before the parser decides
//! which headings to believe ([`crate::txt::parse_units`]).
//!
//! - A heading over two lines: a numeral or "CHAPTER IV" alone, its title on the next line
//!   ("I." then "THE EVE OF THE WAR."), and a part ("BOOK ONE") with its name under it.
//! - A book whose chapters are headed by their titles alone (a collection of stories: "HOW
//!   THE WHALE GOT HIS THROAT") is read by its contents list: each entry found again later,
//!   alone on its line, in order, is a chapter heading. The list itself is then a contents
//!   list like any other, which the parser drops.

use crate::patterns::{Heading, HeadingLevel, LineKind};
use crate::txt::Unit;
use crate::word_count::is_own_word;

/// Letters and digits alone, lowercased, single spaces between words: how headings,
/// contents entries and titles are compared (and how the corpus scorer compares texts).
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '—' || c == '–' {
            space = true;
        }
    }
    out
}

/// Joins a title-less heading with the title line under it.
pub(crate) fn merge_two_line_headings(units: &mut Vec<Unit>, from: usize) {
    let mut i = from;
    while i + 2 < units.len() {
        let LineKind::Heading(h) = &units[i].kind else {
            i += 1;
            continue;
        };
        let untitled =
            h.title.is_none() || (h.level == HeadingLevel::Part && units[i].text.split_whitespace().count() <= 3);
        let next = &units[i + 1];
        // The last numeral of a contents list ("VIII" then "IX" on the next line) is not
        // over its own title: the line after the list is not its chapter's name.
        let in_list = i > from
            && units[i].gap_before == 0
            && matches!(&units[i - 1].kind, LineKind::Heading(p) if p.level == h.level && p.number.is_some() && p.number.map(|n| n + 1) == h.number);
        // Right under the heading, a longer line may be its title too ("Tratado Segundo" over
        // "Como Lazaro se asento con un clerigo, y de las cosas que con el paso").
        let long_title = next.gap_before == 0 && is_long_title_line(&next.text);
        // A title may ask or exclaim ("Who Stole the Tarts?"), when it stands alone on the
        // line right under the heading.
        let asking_title = next.gap_before == 0 && next.start == next.end && is_asking_title(&next.text);
        if untitled
            && !in_list
            && next.kind == LineKind::Text
            && next.gap_before <= 3
            && (is_title_line(&next.text) || long_title || asking_title)
        {
            let title = display_title(&next.text);
            let text = format!("{} {}", units[i].text, next.text);
            let end = next.end;
            if let LineKind::Heading(h) = &mut units[i].kind {
                h.title = Some(title);
                h.bare = false;
            }
            units[i].text = text;
            units[i].end = end;
            units[i].html = None;
            units.remove(i + 1);
        }
        i += 1;
    }
}

/// A title of up to twenty words, as old books write them under the chapter number: it
/// starts with a capital and does not end a sentence.
fn is_long_title_line(text: &str) -> bool {
    let text = text.trim();
    let words = text.split_whitespace().count();
    (1..=20).contains(&words)
        && text.chars().next().is_some_and(char::is_uppercase)
        && !text.ends_with(['.', '!', '?', '"', '”', '’', ',', ';', ':'])
}

/// "Who Stole the Tarts?", "Hurrah for the Sea!": a short title ending in a question or an
/// exclamation, starting with a capital letter (not a quotation mark, as speech does).
fn is_asking_title(text: &str) -> bool {
    let text = text.trim();
    (1..=8).contains(&text.split_whitespace().count())
        && text.chars().next().is_some_and(char::is_uppercase)
        && text.ends_with(['?', '!'])
}

/// A line that can be a title: short, not a sentence. All in capitals, or without the
/// punctuation that ends a sentence.
fn is_title_line(text: &str) -> bool {
    let text = text.trim();
    let words = text.split_whitespace().count();
    if words == 0 || words > 14 || text.chars().count() > 100 || text.ends_with([',', ';', ':']) {
        return false;
    }
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return false;
    }
    // Scripts without letter case (Chinese, Japanese) are neither capitals nor lower case.
    let capitals = letters.iter().all(|c| !c.is_lowercase()) && letters.iter().any(|c| c.is_uppercase());
    let starts_upper = letters[0].is_uppercase() || !letters[0].is_lowercase();
    let sentence_end = text.ends_with(['.', '!', '?', '"', '”', '’', '。', '！', '？', '」', '』']);
    (capitals && !text.ends_with(['!', '?', '"', '”'])) || (starts_upper && words <= 10 && !sentence_end)
}

/// A title as it should be shown: "THE EVE OF THE WAR." → "The Eve of the War".
pub(crate) fn display_title(text: &str) -> String {
    let t = text.trim().trim_end_matches(['.', ':']).trim();
    let t = t.trim_matches(|c: char| "*_=~\"“”".contains(c)).trim();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let shouting = letters >= 4
        && t.chars().filter(|c| c.is_alphabetic()).all(|c| !c.is_lowercase())
        && t.chars().any(|c| c.is_uppercase());
    if !shouting {
        return t.to_owned();
    }
    const SMALL: &[&str] =
        &["a", "an", "the", "and", "but", "or", "nor", "of", "in", "on", "at", "to", "for", "by", "with", "from", "as"];
    t.split(' ')
        .enumerate()
        .map(|(n, w)| {
            let lower = w.to_lowercase();
            let roman = !w.is_empty() && w.trim_end_matches(['.', ',']).chars().all(|c| "IVXLC".contains(c));
            if roman && w.len() > 1 {
                w.to_owned()
            } else if n > 0 && SMALL.contains(&lower.as_str()) {
                lower
            } else {
                capitalise_word(&lower)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Capitalises a word's first letter, and the first letter after a hyphen ("Toad-Water").
fn capitalise_word(lower: &str) -> String {
    let mut out = String::with_capacity(lower.len());
    let mut up = true;
    for c in lower.chars() {
        if up && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
        if c == '-' || c == '"' || c == '“' || c == '(' {
            up = true;
        }
    }
    out
}

/// Lines that name a contents list.
pub(crate) fn is_contents_line(text: &str) -> bool {
    let t = text.trim().trim_end_matches([':', '.']).trim().to_lowercase();
    matches!(
        t.as_str(),
        "contents"
            | "table of contents"
            | "the contents"
            | "list of contents"
            | "inhalt"
            | "inhaltsverzeichnis"
            | "table des matières"
            | "table"
            | "índice"
            | "indice"
            | "содержание"
            | "оглавление"
            | "目录"
            | "目錄"
            | "目次"
    )
}

/// A leading number with what separates it from a title: "I.", "3)", "XII.—", "Chapter IV.",
/// "BOOK ONE.—".
static NUMBERING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(&format!(
        r"(?i)^(?:(?:chapter|chap\.|book|part|story|volume)\s+)?{}(?-u:\b)[\s.:)—–-]*",
        crate::patterns::NUMBER
    ))
    .expect("valid pattern")
});

/// A line without its leading number; the line itself when nothing would remain.
fn without_numbering(text: &str) -> &str {
    let t = text.trim();
    match NUMBERING.find(t) {
        Some(m) if m.end() < t.len() => t[m.end()..].trim(),
        _ => t,
    }
}

/// How an entry or a heading line is compared: letters and digits, lowercased, without a
/// leading number ("I.", "3.", "Chapter IV.") or trailing page numbers and dot leaders.
fn key(text: &str) -> String {
    // Trailing page numbers: "The Storm ........ 23", "The Storm   23".
    let t = text.trim().trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c.is_whitespace() || c == '…');
    let t = if t.is_empty() { text.trim() } else { t };
    normalise(without_numbering(t))
}

/// Marks as chapter headings the lines that repeat the entries of the book's contents list,
/// in order; and marks the entries as headings too, so the parser drops the list as it drops
/// any contents list. Returns how many entries were found again.
pub(crate) fn contents_headings(units: &mut [Unit], from: usize) -> usize {
    let search_until = from + (units.len().saturating_sub(from)) / 4 + 40;
    let Some(c) = (from..units.len().min(search_until)).find(|&i| is_contents_line(&units[i].text)) else {
        return 0;
    };
    // The entries: short lines after it, until a long paragraph or until the first entry
    // comes round again (the first chapter's heading).
    let mut entries: Vec<(usize, String)> = Vec::new();
    // The widest gap between entries so far: a wider one after two entries or more ends the
    // list (the dedication and epigraph that follow a contents list are short lines too).
    let mut widest_gap: Option<usize> = None;
    let mut i = c + 1;
    while i < units.len() {
        let u = &units[i];
        let words = u.text.split_whitespace().count();
        let k = key(&u.text);
        if words > 16 || u.text.chars().count() > 120 || entries.first().is_some_and(|(_, first)| *first == k) {
            break;
        }
        if entries.len() >= 2 && widest_gap.is_some_and(|w| u.gap_before > w.max(1)) {
            break;
        }
        if !entries.is_empty() {
            widest_gap = Some(widest_gap.unwrap_or(0).max(u.gap_before));
        }
        if !k.is_empty() && !matches!(u.kind, LineKind::SceneBreak) {
            entries.push((i, k));
        }
        i += 1;
    }
    if entries.len() < 2 {
        return 0;
    }
    let after = entries.last().map_or(c + 1, |(i, _)| i + 1);
    // Each entry found again, in order, alone on its line.
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut at = after;
    for (n, (_, k)) in entries.iter().enumerate() {
        let hit = (at..units.len()).find(|&j| {
            let u = &units[j];
            u.text.split_whitespace().count() <= 16 && {
                let own = match &u.kind {
                    LineKind::Heading(h) => h.title.as_deref().map(key).unwrap_or_default(),
                    _ => String::new(),
                };
                key(&u.text) == *k || own == *k
            }
        });
        if let Some(j) = hit {
            found.push((n, j));
            at = j + 1;
        }
    }
    // Most of the list must be found, or it was not a list of these chapters.
    if found.len() < 2 || found.len() * 10 < entries.len() * 6 {
        return 0;
    }
    for &(n, j) in &found {
        let u = &mut units[j];
        let (level, number) = match &u.kind {
            LineKind::Heading(h) => (h.level, h.number),
            _ => (HeadingLevel::Chapter, Some(n as u32 + 1)),
        };
        // A heading that is only a number ("ACT THE FIRST.", "CHAPTER IV") keeps no title.
        let title = match &u.kind {
            LineKind::Heading(h) if h.title.is_some() || h.number.is_some() => h.title.clone(),
            _ => Some(display_title(without_numbering(&u.text))),
        };
        u.kind = LineKind::Heading(Heading { level, number, title, bare: false });
    }
    for (e, _) in &entries {
        let u = &mut units[*e];
        if !matches!(u.kind, LineKind::Heading(_)) {
            u.kind =
                LineKind::Heading(Heading { level: HeadingLevel::Chapter, number: None, title: None, bare: false });
        }
    }
    found.len()
}

/// A diary entry's heading: a day of the week ("Monday", "Tuesday, June 3") or a span of
/// time ("Ten Days Later", "A Fortnight Later", "Next Year", "Next Day").
fn is_diary_day(text: &str) -> bool {
    const DAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    const SPANS: &[&str] = &["day", "days", "week", "weeks", "fortnight", "month", "months", "year", "years"];
    let t = normalise(text);
    let words: Vec<&str> = t.split(' ').collect();
    if text.chars().count() > 40 || words.len() > 5 {
        return false;
    }
    match words.as_slice() {
        [day, ..] if DAYS.contains(day) => words.len() <= 4,
        ["next", span] => SPANS.contains(span),
        [.., span, "later"] => SPANS.contains(span) && words.len() <= 4,
        _ => false,
    }
}

/// "Digital editor's note", "Author's Notes", "Translator's Note": a note on the text.
pub(crate) fn is_note_name(text: &str) -> bool {
    let t = normalise(text);
    let words: Vec<&str> = t.split_whitespace().collect();
    matches!(words.last(), Some(&("note" | "notes")))
        && words.len() <= 5
        && words.iter().any(|w| {
            matches!(
                *w,
                "editor"
                    | "editors"
                    | "transcriber"
                    | "transcribers"
                    | "translator"
                    | "translators"
                    | "author"
                    | "authors"
            )
        })
}

/// "Preface", "Vorwort", "序": a preface, which a poem may open with in verse of its own
/// (Max und Moritz's "Vorwort").
pub(crate) fn is_preface_name(text: &str) -> bool {
    matches!(
        normalise(text).as_str(),
        "preface"
            | "foreword"
            | "introduction"
            | "introductory"
            | "vorrede"
            | "vorwort"
            | "einleitung"
            | "préface"
            | "avant propos"
            | "prefacio"
            | "предисловие"
            | "序"
            | "小序"
            | "序言"
            | "前言"
            | "自序"
    )
}

/// Names of front matter: a section so headed before the first chapter is the work's. Any
/// note of an editor, a transcriber, a translator or the author is ("Digital editor's
/// note", "Author's Notes").
pub(crate) fn is_front_matter_name(text: &str) -> bool {
    let t = normalise(text);
    // An imprint set as a heading: "Published by a Proctor of Doctors Commons."
    let imprint = ["published by ", "printed by ", "printed for "].iter().any(|p| t.starts_with(p));
    imprint
        || is_note_name(text)
        || is_preface_name(text)
        || matches!(
            t.as_str(),
            "contents"
                | "table of contents"
                | "illustrations"
                | "list of illustrations"
                | "dramatis personae"
                | "persons of the play"
                | "persons represented"
                | "inhalt"
                | "table des matieres"
                | "table des matières"
                | "indice"
                | "índice"
                | "оглавление"
                | "содержание"
                | "目录"
                | "目次"
                | "dedication"
        )
}

/// Headings shown by layout alone, for a text in which nothing else marked its chapters:
/// a short title line set apart by more blank lines than the paragraphs are ("DER ALTE"
/// after three blank lines where paragraphs have one), or, in Chinese and Japanese, a short
/// line without any punctuation among paragraphs that end in 。 — each followed by a
/// paragraph, at least three of them, with a fair amount of text between.
pub(crate) fn layout_headings(units: &mut [Unit], from: usize) -> usize {
    if units[from..].iter().filter(|u| matches!(u.kind, LineKind::Heading(_))).count() >= 2 {
        return 0;
    }
    let mut gaps = [0usize; 4];
    for u in units[from..].iter().filter(|u| u.kind == LineKind::Text) {
        gaps[u.gap_before.min(3)] += 1;
    }
    let usual = (0..4).max_by_key(|&g| gaps[g]).unwrap_or(1);
    let candidate = |i: usize| -> bool {
        let u = &units[i];
        let next_is_story = units.get(i + 1).is_some_and(|n| n.kind == LineKind::Text && n.text.chars().count() >= 30);
        if u.kind != LineKind::Text || !next_is_story {
            return false;
        }
        let text = u.text.trim();
        let chars = text.chars().count();
        let cjk = text.chars().filter(|&c| is_own_word(c)).count();
        let set_apart = u.gap_before > usual && u.gap_before >= 2;
        if cjk * 2 > chars {
            // No punctuation at all, and short: a title, not a sentence.
            return chars <= 12 && text.chars().all(|c| c.is_alphanumeric() || c.is_whitespace());
        }
        set_apart && chars <= 60 && u.words() <= 10 && is_title_line(text)
    };
    let mut found: Vec<usize> = (from..units.len()).filter(|&i| candidate(i)).collect();
    // A diary's entries, headed by the day alone ("Monday", "Ten Days Later", "Next Year"),
    // whatever the gaps around them.
    let days: Vec<usize> = (from..units.len())
        .filter(|&i| {
            let u = &units[i];
            u.kind == LineKind::Text
                && units.get(i + 1).is_some_and(|n| n.kind == LineKind::Text)
                && is_diary_day(&u.text)
        })
        .collect();
    // "VORREDE" and "EINLEITUNG" set apart the same way head the front matter, before the
    // chapters (the chapters' builder sets them aside); among or after the chapters, or
    // without chapters, they are text.
    match found.iter().copied().find(|&i| !is_front_matter_name(&units[i].text)) {
        Some(first) => found.retain(|&i| i < first || !is_front_matter_name(&units[i].text)),
        None => found.clear(),
    }
    let chapters = found.iter().filter(|&&i| !is_front_matter_name(&units[i].text)).count();
    let diary = days.len() >= 3 && days.len() > chapters;
    if diary {
        found = days;
    }
    if (if diary { found.len() } else { chapters }) < 3 {
        return 0;
    }
    // A fair amount of text between them, or they were something else (a list, verse); a
    // diary's entries may be a line long.
    let size: usize = units[found[0]..].iter().map(Unit::words).sum();
    if size / found.len() < if diary { 10 } else { 150 } {
        return 0;
    }
    for &i in &found {
        let title = display_title(&units[i].text);
        units[i].kind =
            LineKind::Heading(Heading { level: HeadingLevel::Chapter, number: None, title: Some(title), bare: false });
    }
    found.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_in_capitals_are_shown_in_title_case() {
        assert_eq!(display_title("THE EVE OF THE WAR."), "The Eve of the War");
        assert_eq!(display_title("THE BLOOD-FEUD OF TOAD-WATER"), "The Blood-Feud of Toad-Water");
        assert_eq!(display_title("The Lamp"), "The Lamp");
        assert_eq!(display_title("BOOK II"), "Book II");
    }

    #[test]
    fn entries_are_compared_without_numbers_and_pages() {
        assert_eq!(key("I. The Eve of the War ........ 12"), "the eve of the war");
        assert_eq!(key("CHAPTER IV. THE STORM"), "the storm");
        assert_eq!(key("HOW THE WHALE GOT HIS THROAT"), "how the whale got his throat");
        assert_eq!(key("1984"), "1984", "a title that is a number stays");
        assert_eq!(key("XII.—THE SONG OF THE MORROW."), "the song of the morrow");
        assert_eq!(key("BOOK ONE.—THE COMING OF THE MARTIANS"), "the coming of the martians");
    }

    #[test]
    fn sentences_are_not_title_lines() {
        assert!(is_title_line("THE EVE OF THE WAR."));
        assert!(is_title_line("The Falling Star"));
        assert!(!is_title_line("It was dark."));
        assert!(!is_title_line("and then,"));
        assert!(!is_title_line("こんな夢を見た。"));
    }
}
