//! Plain text to a [`Document`]: boilerplate, header block, title, chapters, notes,
//! sections and scene breaks, recovered the way a careful editor would read the file.
//!
//! The file is first cut into *units*: paragraphs of a hard-wrapped text, or single lines of
//! one that is not. Each unit is classified on its own ([`crate::patterns`]); then the
//! parser uses context to decide which classifications to believe.

use crate::document::{Block, Chapter, Document, Format, LineSpan, Note, NoteKind, Position, Section, SectionKind};
use crate::paragraphs::inline_html;
use crate::patterns::{self, Heading, HeadingLevel, LineKind};

#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// 1-based physical lines (0 where the input has none, as in an EPUB).
    pub start: usize,
    pub end: usize,
    /// The unit's text, lines joined.
    pub text: String,
    /// Its inline HTML, when it came from HTML; otherwise made from the text.
    pub html: Option<String>,
    /// Blank lines between this unit and the previous one.
    pub gap_before: usize,
    pub kind: LineKind,
}

impl Unit {
    fn inline(&self) -> String {
        self.html.clone().unwrap_or_else(|| inline_html(&self.text))
    }

    /// Words as AO3 counts them, roughly: each Chinese or Japanese character is a word.
    pub(crate) fn words(&self) -> usize {
        // Structure recovery asks this of every unit many times: ASCII words are one each,
        // and only other words are looked into, character by character.
        self.text
            .split_whitespace()
            .map(
                |w| {
                    if w.is_ascii() {
                        1
                    } else {
                        w.chars().filter(|&c| crate::word_count::is_own_word(c)).count().max(1)
                    }
                },
            )
            .sum()
    }

    fn is_text(&self) -> bool {
        matches!(self.kind, LineKind::Text | LineKind::Byline(_) | LineKind::Field(..))
    }
}

/// Parses plain text already decoded from `encoding`.
pub fn parse_txt(text: &str, encoding: &str) -> Document {
    let mut doc = Document::new(Format::Txt, encoding);
    let prepared;
    let text = if crate::aozora::is_aozora(text) {
        prepared = crate::aozora::prepare(text, &mut doc);
        prepared.as_str()
    } else {
        text
    };
    let lines = split_lines(text);
    let (start, end) = strip_boilerplate(&lines, &mut doc);
    let wrapped = is_hard_wrapped(&lines[start..end]);
    let units = make_units(&lines, start, end, wrapped);
    parse_units(units, &mut doc);
    doc
}

/// Recovers the structure of a document already cut into units (by the text reader, or by
/// the HTML, Markdown and EPUB readers).
pub(crate) fn parse_units(mut units: Vec<Unit>, doc: &mut Document) {
    let contents_line = units.iter().take(400).any(|u| crate::structure::is_contents_line(&u.text));
    let first = read_front_matter(&mut units, doc);
    move_endnotes(&mut units, first, doc);
    crate::structure::merge_two_line_headings(&mut units, first);
    crate::structure::contents_headings(&mut units, first);
    crate::structure::layout_headings(&mut units, first);
    let (headings, skip) = accepted_headings(&units[first..], doc);
    // Drop what was judged boilerplate (a contents list), renumbering the headings.
    let mut kept = Vec::new();
    let mut kept_headings = Vec::new();
    for (i, unit) in units.drain(first..).enumerate() {
        if skip[i] {
            continue;
        }
        // Both lists are in order: a binary search keeps this linear in practice.
        if headings.binary_search(&i).is_ok() {
            kept_headings.push(kept.len());
        }
        kept.push(unit);
    }
    let breaks_by_gap = gap_scene_breaks(&kept);
    build_chapters(&kept, &kept_headings, &breaks_by_gap, doc);
    doc.count_words();
    note_what_was_not_recognised(&kept, contents_line, doc);
}

/// Words above which a text read as one chapter is worth a notice: a long story usually
/// has chapters, and the person importing it should know none were found.
const LONG_WITHOUT_CHAPTERS: u64 = 10_000;

/// Characters above which a paragraph is worth a notice: a file without line breaks.
const HUGE_PARAGRAPH: usize = 100_000;

/// Tells the person importing a file what the reader could not recognise and what it did
/// instead: a long text without chapter headings, a contents list without its chapters,
/// chapters that all bear the same heading, a paragraph too long to be one.
fn note_what_was_not_recognised(units: &[Unit], contents_line: bool, doc: &mut Document) {
    let mut notices = Vec::new();
    let one_untitled = doc.chapters.len() == 1 && doc.chapters[0].number.is_none() && doc.chapters[0].title.is_none();
    if one_untitled && doc.word_count > LONG_WITHOUT_CHAPTERS {
        notices
            .push(format!("No chapter headings were recognised in {} words: the text is one chapter.", doc.word_count));
    }
    if doc.chapters.len() <= 1 && contents_line {
        notices.push("A contents list was found, but no chapters that match it: it is kept as text.".to_owned());
    }
    let headings: Vec<&str> = doc.chapters.iter().filter_map(|c| c.heading.as_deref()).collect();
    if headings.len() >= 3 && headings.windows(2).all(|w| w[0] == w[1]) {
        notices.push(format!(
            "All {} chapters have the same heading (\"{}\"): they are kept apart as written.",
            headings.len(),
            headings[0]
        ));
    }
    if let Some(longest) = units.iter().map(|u| u.text.len()).max().filter(|&n| n > HUGE_PARAGRAPH) {
        notices.push(format!(
            "A paragraph of {longest} characters was found: the file has no line breaks to divide it by."
        ));
    }
    doc.notices.extend(notices);
}

/// Verse: short units, or stanzas whose lines are cut with `<br>`.
fn is_verse(story: &[Unit]) -> bool {
    let text: Vec<&Unit> = story.iter().filter(|u| u.is_text()).collect();
    let units = text.len().max(1);
    let stanzas = text.iter().filter(|u| u.html.as_deref().is_some_and(|h| h.contains("<br"))).count();
    text.iter().map(|u| u.words()).sum::<usize>() / units < 12 || stanzas * 2 > units
}

/// The headings of a book's endnotes, in the languages Flourish reads.
const ENDNOTES: &[&str] = &[
    "notes",
    "endnotes",
    "footnotes",
    "anmerkungen",
    "fußnoten",
    "remarques",
    "notas",
    "note",
    "примечания",
    "сноски",
    "注释",
    "注",
];

/// A book's endnotes ("Примечания", "Notes", then "1", "2", … with their text) after the
/// last chapter are the work's end notes, not chapters: their numbers would otherwise read
/// as a second series of chapter headings. Only in the last third of the text, with at
/// least two units after the heading.
fn move_endnotes(units: &mut Vec<Unit>, first: usize, doc: &mut Document) {
    let from = first.max(units.len() * 2 / 3);
    let Some(at) = (from..units.len().saturating_sub(2)).find(|&i| {
        // A heading of one word: the length is checked before any lowercasing.
        let t = units[i].text.trim().trim_end_matches([':', '.']);
        t.len() <= 30 && !t.contains(' ') && ENDNOTES.contains(&t.to_lowercase().as_str())
    }) else {
        return;
    };
    let notes = units.split_off(at);
    doc.notes.push(note(NoteKind::Other, None, Position::End, &notes[1..]));
}

/// Physical lines, without their line endings (LF, CRLF, or old Mac CR).
fn split_lines(text: &str) -> Vec<&str> {
    let sep = if !text.contains('\n') && text.contains('\r') { '\r' } else { '\n' };
    text.split(sep).map(|l| l.strip_suffix('\r').unwrap_or(l)).collect()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Finds Project Gutenberg's header and footer and AO3's "Posted originally" lines; returns
/// the range of lines (0-based, end exclusive) that remains.
///
/// Gutenberg's header has changed over the years: today's ends at `*** START OF THE PROJECT
/// GUTENBERG EBOOK …`; the 1990s etexts end theirs with the licence ("small print") at
/// `*END*THE SMALL PRINT! …*END*`, and name the book only in their first line ("Project
/// Gutenberg's Etext of Just So Stories, by Rudyard Kipling").
fn strip_boilerplate(lines: &[&str], doc: &mut Document) -> (usize, usize) {
    let upper = |l: &str| l.trim().to_uppercase();
    let mut start = 0;
    let mut end = lines.len();
    let header_end = lines.iter().take(600).position(|l| {
        let u = upper(l);
        u.starts_with("*** START OF") && u.contains("PROJECT GUTENBERG") || u.starts_with("***START OF")
    });
    // The old licence may come after a short header, or be the header's end itself.
    // Later texts carry the same licence at their end: only one in the first half is a header.
    let small_print_end = lines.iter().take(800.min(lines.len() / 2)).position(|l| {
        let u = upper(l);
        u.starts_with("*END") && u.contains("SMALL PRINT")
    });
    let header_end = match (header_end, small_print_end) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    if let Some(i) = header_end {
        // The header block above the marker states the title and the author.
        for l in &lines[..i] {
            if let Some(t) = l.trim().strip_prefix("Title:") {
                doc.title.get_or_insert_with(|| t.trim().to_owned());
            } else if let Some(a) = l.trim().strip_prefix("Author:") {
                if doc.authors.is_empty() {
                    doc.authors.push(a.trim().to_owned());
                }
            } else if let Some(lang) = l.trim().strip_prefix("Language:") {
                doc.header.push(("language".into(), lang.trim().to_owned()));
            }
        }
        if let Some((title, author)) = lines[..i].iter().take(5).find_map(|l| gutenberg_title_line(l)) {
            let title = title_page_in_header(&lines[..i], &title).unwrap_or(title);
            doc.title.get_or_insert(title);
            if doc.authors.is_empty() && !author.is_empty() {
                doc.authors.push(author);
            }
        }
        doc.header.push(("source".into(), GUTENBERG.into()));
        doc.boilerplate.push(LineSpan { start_line: Some(1), end_line: Some(i + 1) });
        start = i + 1;
    }
    if let Some(i) = lines.iter().skip(start).position(|l| {
        let u = upper(l);
        let u = u.trim_start_matches(['*', ' ']);
        u.starts_with("END OF") && u.contains("GUTENBERG")
    }) {
        let i = start + i;
        doc.boilerplate.push(LineSpan { start_line: Some(i + 1), end_line: Some(lines.len()) });
        end = i;
    }
    (start, end)
}

/// The book's own title page inside an old etext's header, a title over a byline, where
/// it names the book in full: the etext's first line shortens "Reginald in Russia and
/// Other Sketches" to "Reginald in Russia etc". Only a line beginning with the first line's
/// title's first two words is taken for it.
fn title_page_in_header(header: &[&str], short: &str) -> Option<String> {
    let lead: Vec<String> = short.split_whitespace().take(2).map(str::to_lowercase).collect();
    let mut previous: Option<&str> = None;
    for line in header.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        if let Some(title) = previous
            && line.to_lowercase().starts_with("by ")
        {
            let words: Vec<String> = title.split_whitespace().map(str::to_lowercase).collect();
            let fuller = words.len() > lead.len() && words.len() <= 12 && words.starts_with(&lead);
            if fuller && !title.to_lowercase().contains("gutenberg") && title.len() > short.len() {
                return Some(title.to_owned());
            }
        }
        previous = Some(line);
    }
    None
}

/// The `source` header field of a Project Gutenberg text.
pub const GUTENBERG: &str = "Project Gutenberg";

/// "Project Gutenberg's Etext of Lady Susan, by Jane Austen" → (title, author). The author
/// may be missing ("[unknown]"), or written "by Saki(Munro)" without a comma.
fn gutenberg_title_line(line: &str) -> Option<(String, String)> {
    let line = line.trim().trim_matches(['*', ' ']);
    // ASCII case only: offsets found in `lower` slice `line`.
    let lower = line.to_ascii_lowercase();
    // "…Etext of Lady Susan, by…", or without the "of": "The Project Gutenberg Etext
    // Extracts From Adam's Diary, by Twain".
    let at = ["etext of ", "ebook of ", "e-text of ", "e-book of "]
        .iter()
        .chain(&["gutenberg etext ", "gutenberg ebook ", "gutenberg e-text "])
        .find_map(|m| Some(lower.find(m)? + m.len()))?;
    if !lower[..at].contains("gutenberg") {
        return None;
    }
    let rest = line[at..].trim();
    let (title, author) = match rest.rfind(", by ").or_else(|| rest.rfind(" by ")) {
        Some(by) => {
            let author = rest[by..].trim_start_matches(',').trim();
            (rest[..by].trim(), author.strip_prefix("by ").unwrap_or(author).trim())
        }
        None => (rest, ""),
    };
    let title = title.trim_end_matches(|c: char| c == '[' || c == ']' || c.is_whitespace());
    let title = title.split(" [").next().unwrap_or(title).trim();
    let author = if author.starts_with('[') { "" } else { author };
    (!title.is_empty()).then(|| (title.to_owned(), author.to_owned()))
}

/// Hard-wrapped text has paragraphs of several lines, most of them 50–85 characters long,
/// none much longer.
fn is_hard_wrapped(lines: &[&str]) -> bool {
    let mut wrapped_lines = 0;
    let mut multi = 0;
    let mut longest = 0;
    for (i, l) in lines.iter().enumerate() {
        let n = l.trim_end().chars().count();
        longest = longest.max(n);
        let next_is_text = lines.get(i + 1).is_some_and(|n| !is_blank(n));
        if !is_blank(l) && next_is_text {
            multi += 1;
            if (45..=90).contains(&n) {
                wrapped_lines += 1;
            }
        }
    }
    multi >= 3 && wrapped_lines * 10 >= multi * 6 && longest <= 100
}

fn make_units(lines: &[&str], start: usize, end: usize, wrapped: bool) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut gap = 0;
    let mut i = start;
    while i < end {
        if is_blank(lines[i]) {
            gap += 1;
            i += 1;
            continue;
        }
        let first = i;
        let mut text = lines[i].trim().to_owned();
        // In hard-wrapped text a paragraph runs to the next blank line; a line that is a
        // structure marker on its own (heading, break, banner) still stands alone.
        if wrapped && !is_marker(lines[i].trim()) {
            // A short line ends its paragraph (the last line of one, a line of verse, a list
            // item), and a list item starts a new one.
            while i + 1 < end
                && !is_blank(lines[i + 1])
                && !is_marker(lines[i + 1].trim())
                && lines[i].trim().chars().count() >= 45
                && !is_list_item(lines[i + 1].trim())
            {
                i += 1;
                text.push(' ');
                text.push_str(lines[i].trim());
            }
        }
        let kind = patterns::classify(&text);
        units.push(Unit { start: first + 1, end: i + 1, text, html: None, gap_before: gap, kind });
        gap = 0;
        i += 1;
    }
    units
}

fn is_list_item(line: &str) -> bool {
    let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
    // A contents entry numbered in roman numerals: "XII. WHAT I SAW…".
    let roman = line.trim_start_matches(['I', 'V', 'X', 'L', 'C']);
    let roman_entry =
        roman.len() < line.len() && roman.starts_with(". ") && roman[2..].starts_with(|c: char| c.is_uppercase());
    roman_entry
        || (rest.len() < line.len() && (rest.starts_with(". ") || rest.starts_with(") ")))
        || line.starts_with("- ")
        || line.starts_with("* ")
        || line.starts_with("• ")
}

fn is_marker(line: &str) -> bool {
    !matches!(patterns::classify(line), LineKind::Text | LineKind::Note(_) | LineKind::Byline(_))
}

/// Reads a header block (`Title:`, `Author:`, `Summary:` …), a title line and a byline from
/// the top of the file. Returns the index of the first unit after them.
fn read_front_matter(units: &mut [Unit], doc: &mut Document) -> usize {
    let mut i = read_fields(units, 0, doc);
    let fields = i;
    // A title line: short, alone, not a heading or a sentence, with more to come after it.
    // A picture's placeholder may stand above it ("[Illustration]").
    let pictures = units.iter().take_while(|u| is_picture_placeholder(&u.text)).count();
    if doc.title.is_none() && fields == 0 && units.len() > pictures + 1 {
        let u = &units[pictures];
        let words = u.words();
        let lower = u.text.to_lowercase();
        // Not a picture's placeholder or a credit line ("Translated by …").
        let apparatus = u.text.starts_with('[')
            || ["translated by", "edited by", "illustrated by", "with an introduction"]
                .iter()
                .any(|p| lower.starts_with(p))
            || crate::structure::is_contents_line(&u.text);
        if u.kind == LineKind::Text
            && u.start == u.end
            && (1..=12).contains(&words)
            && !u.text.ends_with(['.', ',', ';', ':'])
            && !apparatus
        {
            doc.title = Some(title_of_line(&u.text));
            i = pictures + 1;
            // A Russian title page names the author first, with the patronymic: "Иван
            // Сергеевич Тургенев" over "Ася", or "Александр Сергеевич Пушкин. Дубровский".
            let next = units.get(i).filter(|n| n.kind == LineKind::Text && n.start == n.end && n.words() <= 12);
            if let Some((author, title)) = u.text.split_once(". ").filter(|(a, _)| is_full_name_with_patronymic(a)) {
                doc.authors.push(author.trim().to_owned());
                doc.title = Some(title_of_line(title));
            } else if let Some(next) = next.filter(|_| is_full_name_with_patronymic(&u.text)) {
                doc.authors.push(u.text.trim().to_owned());
                doc.title = Some(title_of_line(&next.text));
                i += 1;
            } else if let Some((author, role)) =
                credit_after_title(&u.text).or_else(|| next.and_then(|n| chinese_credit(&n.text)).inspect(|_| i += 1))
            {
                // A Chinese book credits its author, editor or compiler by a word after the
                // name, on the title's line or the next: "罗浮散客鉴定", "华阳散人编辑".
                doc.authors.push(author);
                doc.header.push(("credit".into(), role));
            }
        }
    } else if doc.title.as_deref().is_some_and(|t| units.get(i).is_some_and(|u| u.text.eq_ignore_ascii_case(t))) {
        // Gutenberg books repeat their title after the header.
        i += 1;
    }
    if let Some(LineKind::Byline(name)) = units.get(i).map(|u| u.kind.clone())
        && i > 0
    {
        if doc.authors.is_empty() {
            doc.authors.push(name);
        }
        i += 1;
    }
    // An edition named under the byline is the title page's too.
    if i > 0
        && let Some(u) = units.get(i).filter(|u| is_edition_line(u))
    {
        doc.header.push(("edition".into(), u.text.trim().to_owned()));
        i += 1;
    }
    // The title page's byline names the author in full where a header named them short
    // ("by Mark Twain" a few lines under the header's "by Twain").
    if let [known] = doc.authors.as_mut_slice() {
        let fuller = units.iter().take(8).find_map(|u| match &u.kind {
            LineKind::Byline(name) if name.len() > known.len() && name.ends_with(&format!(" {known}")) => Some(name),
            _ => None,
        });
        if let Some(name) = fuller {
            *known = name.clone();
        }
    }
    // Fields may also follow the title (`Summary:` under a Markdown heading).
    if i > fields { read_fields(units, i, doc) } else { i }
}

/// "[Illustration]", "[Frontispiece: …]": where a printed book had a picture.
fn is_picture_placeholder(text: &str) -> bool {
    let lower = text.to_lowercase();
    text.starts_with('[')
        && text.ends_with(']')
        && ["[illustration", "[frontispiece", "[picture", "[image"].iter().any(|p| lower.starts_with(p))
}

/// "Иван Сергеевич Тургенев": two to four capitalized words, one of them a patronymic.
pub(crate) fn is_full_name_with_patronymic(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && words.iter().any(|w| is_patronymic(w))
}

/// "Сергеевич", "Павловна": a Russian patronymic, by its ending.
pub(crate) fn is_patronymic(word: &str) -> bool {
    const ENDINGS: &[&str] = &["ович", "евич", "ьич", "овна", "евна", "ична", "инична"];
    word.chars().next().is_some_and(char::is_uppercase) && ENDINGS.iter().any(|e| word.ends_with(e))
}

/// The words a Chinese title page credits a name with, after it: wrote (著, 撰), told (述),
/// compiled or edited (编, 编辑, 编次, 辑), revised (校), commented (评) or approved (鉴定).
/// All but 著 belong to old books; today's writers put "作者：" before their name.
pub(crate) const CHINESE_CREDITS: &[&str] = &[
    "编辑", "編輯", "编次", "編次", "鉴定", "鑒定", "评点", "評點", "著", "撰", "述", "编", "編", "辑", "輯", "校",
    "评", "評",
];

/// "华阳散人编辑" → ("华阳散人", "编辑"): a short line of Chinese that is a name and a credit.
fn chinese_credit(line: &str) -> Option<(String, String)> {
    let line = line.trim_matches([' ', '\u{3000}']);
    let role = CHINESE_CREDITS.iter().find(|r| line.ends_with(*r))?;
    let name = line[..line.len() - role.len()].trim_matches([' ', '\u{3000}']);
    // The dynasty may come first: "明王世贞辑" is Wang Shizhen of the Ming. Only the Ming and
    // Qing, whose names are rarely surnames (宋 and 唐 often are).
    let name = ["明代", "清代", "明", "清"]
        .iter()
        .find_map(|d| name.strip_prefix(d).filter(|rest| rest.chars().count() >= 2))
        .unwrap_or(name);
    let chars = name.chars().count();
    ((2..=8).contains(&chars) && name.chars().all(crate::word_count::is_own_word))
        .then(|| (name.to_owned(), (*role).to_owned()))
}

/// What a wide gap sets apart after a title on its line, read as a credit.
fn credit_after_title(line: &str) -> Option<(String, String)> {
    let t = line.trim_matches([' ', '\u{3000}']);
    let gap = t.find("\u{3000}\u{3000}").or_else(|| t.find("    "))?;
    chinese_credit(&t[gap..])
}

/// A title line as a title: without emphasis marks, and without what a wide gap sets apart
/// on the same line ("天凑巧　　　　罗浮散客鉴定": the title, then its editor).
pub(crate) fn title_of_line(line: &str) -> String {
    let t = line.trim_matches(['*', '_', '#', ' ', '\u{3000}']);
    let cut = t.find("\u{3000}\u{3000}").or_else(|| t.find("    ")).unwrap_or(t.len());
    t[..cut].trim().to_owned()
}

/// A page's `<title>` as a work's title: "The Project Gutenberg eBook of Fables, by Robert
/// Louis Stevenson" or "A House of Pomegranates, by Oscar Wilde" gives the title and author.
pub(crate) fn title_and_author_of_page(title: &str) -> (String, Option<String>) {
    if let Some((t, a)) = gutenberg_title_line(title) {
        return (
            t.trim_end_matches('.').to_owned(),
            Some(a.trim_end_matches('.').to_owned()).filter(|a| !a.is_empty()),
        );
    }
    match title.rsplit_once(", by ") {
        Some((t, a)) if a.split_whitespace().count() <= 5 => {
            (t.trim().to_owned(), Some(a.trim().trim_end_matches('.').to_owned()))
        }
        _ => (title.trim().to_owned(), None),
    }
}

/// Reads a run of `Key: value` fields from unit `i`; returns the index after them.
fn read_fields(units: &[Unit], mut i: usize, doc: &mut Document) -> usize {
    let mut last_field: Option<String> = None;
    while i < units.len() {
        match &units[i].kind {
            LineKind::Field(key, value) => {
                let key = key.replace(char::is_whitespace, " ");
                apply_field(doc, &key, value);
                last_field = Some(key);
                i += 1;
            }
            // A summary may run on for a few lines after its field.
            LineKind::Text if last_field.as_deref() == Some("summary") && units[i].gap_before == 0 => {
                let more = units[i].text.clone();
                if let Some(s) = &mut doc.summary {
                    s.push(' ');
                    s.push_str(&more);
                }
                i += 1;
            }
            _ => break,
        }
    }
    i
}

fn apply_field(doc: &mut Document, key: &str, value: &str) {
    match key {
        "title" | "story" => doc.title = Some(value.to_owned()),
        "author" | "authors" | "by" => {
            doc.authors.extend(value.split(['&', ',']).map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned))
        }
        "summary" => doc.summary = Some(value.to_owned()),
        _ => doc.header.push((key.to_owned(), value.to_owned())),
    }
}

/// Which heading candidates are real chapter boundaries. A table of contents (headings with
/// hardly any text between them), a lone bare numeral, and parts above chapters are not.
/// Also returns which units are boilerplate (the contents list) and should be dropped.
fn accepted_headings(units: &[Unit], doc: &mut Document) -> (Vec<usize>, Vec<bool>) {
    let candidates: Vec<usize> =
        units.iter().enumerate().filter(|(_, u)| matches!(u.kind, LineKind::Heading(_))).map(|(i, _)| i).collect();
    let heading = |i: usize| match &units[i].kind {
        LineKind::Heading(h) => h.clone(),
        _ => unreachable!("candidates are headings"),
    };
    let text_words_after = |i: usize| -> usize {
        units[i + 1..]
            .iter()
            .take_while(|u| !matches!(u.kind, LineKind::Heading(_)))
            .filter(|u| u.is_text())
            .map(Unit::words)
            .sum()
    };
    // A contents list: consecutive headings with fewer than 8 words between them, followed
    // by another heading; the "Contents" line above it goes too.
    let mut toc = vec![false; units.len()];
    for w in candidates.windows(2) {
        if text_words_after(w[0]) < 8 && heading(w[0]).level == HeadingLevel::Chapter {
            toc[w[0]] = true;
        }
    }
    // A real chapter may be empty, but a run of at least three such entries is a list.
    let mut accepted_toc = vec![false; units.len()];
    let mut run: Vec<usize> = vec![];
    for &c in candidates.iter().chain(std::iter::once(&usize::MAX)) {
        if c != usize::MAX && toc[c] {
            run.push(c);
            continue;
        }
        if run.len() >= 2 {
            for &r in &run {
                accepted_toc[r] = true;
            }
            // The list's last entry has the dedication or epigraph after it, not the next
            // entry: it belongs to the list when it continues its numbering and comes back
            // later as a real heading ("I" … "VIII", "IX", a dedication, then "I").
            let last = heading(run[run.len() - 1]);
            if c != usize::MAX
                && heading(c).level == last.level
                && heading(c).number.is_some()
                && heading(c).number == last.number.map(|n| n + 1)
                && text_words_after(c) < 150
                && candidates.iter().any(|&later| later > c && heading(later) == heading(c))
            {
                accepted_toc[c] = true;
            }
        }
        run.clear();
    }
    let mut spans = Vec::new();
    let mut skip = vec![false; units.len()];
    for (i, u) in units.iter().enumerate() {
        let contents_line = u.text.trim().trim_end_matches(':').eq_ignore_ascii_case("contents")
            || u.text.trim().eq_ignore_ascii_case("table of contents");
        if accepted_toc[i] || (contents_line && candidates.iter().any(|&c| c > i && accepted_toc[c])) {
            spans.push(LineSpan { start_line: line_of(u.start), end_line: line_of(u.end) });
            skip[i] = true;
        }
    }
    merge_spans(&mut doc.boilerplate, spans);

    let real: Vec<usize> = candidates.into_iter().filter(|&c| !accepted_toc[c]).collect();
    // Bare numerals count only as a series: at least two, rising.
    let bare: Vec<usize> = real.iter().copied().filter(|&c| heading(c).bare).collect();
    // Rising within each part: numbering may start again under each "BOOK".
    let part_between =
        |a: usize, b: usize| real.iter().any(|&p| p > a && p < b && heading(p).level == HeadingLevel::Part);
    let bare_ok = bare.len() >= 2
        && bare.windows(2).all(|w| heading(w[1]).number > heading(w[0]).number || part_between(w[0], w[1]));
    let real: Vec<usize> = real.into_iter().filter(|&c| !heading(c).bare || bare_ok).collect();
    // A play may head each scene with its act again ("ACT I" over "SCENE II"): a numbered
    // heading that repeats the last one, with a scene under it, is not a new chapter, and
    // is dropped. (Other repeated headings are kept apart, as written.)
    let mut last: Option<Heading> = None;
    let mut real_once = Vec::with_capacity(real.len());
    for c in real {
        let h = heading(c);
        let scene_follows = || {
            units[c + 1..].iter().find(|u| !u.text.trim().is_empty()).is_some_and(|u| patterns::is_play_scene(&u.text))
        };
        if h.number.is_some() && last.as_ref() == Some(&h) && scene_follows() {
            skip[c] = true;
            continue;
        }
        last = Some(h);
        real_once.push(c);
    }
    let real = real_once;
    // Parts are structure above chapters; they become chapters only in a text without any.
    let chapters: Vec<usize> = real.iter().copied().filter(|&c| heading(c).level == HeadingLevel::Chapter).collect();
    (if chapters.is_empty() { real } else { chapters }, skip)
}

pub(crate) fn merge_spans(into: &mut Vec<LineSpan>, spans: Vec<LineSpan>) {
    into.extend(spans);
    into.sort_by_key(|s| s.start_line);
    let mut merged: Vec<LineSpan> = Vec::with_capacity(into.len());
    for s in into.drain(..) {
        match merged.last_mut() {
            // Spans that touch or nearly touch (a blank line apart) become one.
            Some(last) if last.end_line.zip(s.start_line).is_some_and(|(e, st)| st <= e + 3) => {
                last.end_line = last.end_line.max(s.end_line);
            }
            _ => merged.push(s),
        }
    }
    *into = merged;
}

/// Blank-line scene breaks, only where the text makes them unmistakable: in a text whose
/// paragraphs follow each other with no blank line, any blank line; in one that separates
/// paragraphs by one blank line, a run of three or more. Returns unit indices preceded by a
/// break.
fn gap_scene_breaks(units: &[Unit]) -> Vec<usize> {
    let gaps: Vec<usize> = units.iter().skip(1).map(|u| u.gap_before).collect();
    if gaps.len() < 4 {
        return vec![];
    }
    let share = |g: usize| gaps.iter().filter(|&&x| x == g).count() * 100 / gaps.len();
    // Paragraphs a blank line apart may still hold a line break or two (italics a converter
    // set on lines of their own): a few such gaps of nothing are not counted against the
    // rule. Many are verse, or a play's speeches.
    let apart = gaps.iter().filter(|&&x| x > 0).count().max(1);
    let share_apart = |g: usize| gaps.iter().filter(|&&x| x == g).count() * 100 / apart;
    let threshold = if share(0) >= 80 {
        1
    } else if share(0) < 40 && share_apart(1) >= 80 {
        3
    } else {
        return vec![];
    };
    (1..units.len())
        .filter(|&i| units[i].gap_before >= threshold)
        .filter(|&i| units[i].kind == LineKind::Text && units[i - 1].kind == LineKind::Text)
        .collect()
}

/// Cuts the units into chapters at the accepted headings, and recovers each chapter's notes,
/// sections, scene breaks and paragraphs.
fn build_chapters(units: &[Unit], headings: &[usize], gap_breaks: &[usize], doc: &mut Document) {
    let mut bounds: Vec<(usize, usize, Option<&Heading>)> = Vec::new();
    let first_heading = headings.first().copied().unwrap_or(units.len());
    // Text before the first heading: the work's notes, and a chapter if there is story.
    if first_heading > 0 {
        bounds.push((0, first_heading, None));
    }
    for (n, &h) in headings.iter().enumerate() {
        let end = headings.get(n + 1).copied().unwrap_or(units.len());
        let LineKind::Heading(heading) = &units[h].kind else { continue };
        bounds.push((h, end, Some(heading)));
    }
    // Where the chapters end in a numbered series, at least three, the unnumbered headings
    // before it are the book's apparatus ("BIBLIOGRAPHY", "SUGGESTIONS FOR READING" before
    // "190", "191"…), unless they name a part of the story (a prologue, an interlude).
    let numbered = |h: usize| matches!(&units[h].kind, LineKind::Heading(x) if x.number.is_some() || x.level == HeadingLevel::Part);
    let series_start = headings.iter().rposition(|&h| !numbered(h)).map_or(0, |p| p + 1);
    let before_series = |start: usize| headings.len() - series_start >= 3 && start < headings[series_start];
    for (start, end, heading) in bounds {
        let body_start = if heading.is_some() { start + 1 } else { start };
        let body = &units[body_start..end];
        let (lead, story, tail) = split_notes(body);
        let is_prelude = heading.is_none();
        let chapter_index = doc.chapters.len() + 1;
        let has_story = story.iter().any(|u| u.is_text() && u.words() > 0);
        if is_prelude && !has_story {
            // Only notes before the first chapter: they are the work's.
            for (kind, us) in lead.iter().chain(tail.iter()) {
                doc.notes.push(note(*kind, None, Position::Start, us));
            }
            continue;
        }
        let named_front_matter = story.first().is_some_and(|u| crate::structure::is_front_matter_name(&u.text));
        // A section headed "Contents", "Preface" or "Dramatis Personae" before any chapter
        // is the work's too, when chapters follow it; but not a preface in verse (Max und
        // Moritz's "Vorwort" is the poem's own opening).
        let headed_front_matter = (doc.chapters.is_empty() || before_series(start))
            && headings.len() >= 3
            && heading.is_some_and(|h| {
                h.number.is_none()
                    && h.title.as_deref().is_some_and(|t| {
                        crate::structure::is_front_matter_name(t)
                            && (!crate::structure::is_preface_name(t) || !is_verse(story))
                    })
            });
        let apparatus = doc.chapters.is_empty()
            && before_series(start)
            && heading.is_some_and(|h| {
                h.number.is_none()
                    && h.level == HeadingLevel::Chapter
                    && !patterns::is_story_section(&units[start].text)
            });
        let headed_front_matter = headed_front_matter || apparatus;
        if headed_front_matter {
            front_matter(&units[start..end], doc);
            continue;
        }
        if is_prelude && headings.len() >= 2 && (is_front_matter(story) || named_front_matter) {
            // A title page, credits or an epigraph before the chapters of a longer work.
            front_matter(story, doc);
            for (kind, us) in lead.iter().chain(tail.iter()) {
                doc.notes.push(note(*kind, None, Position::Start, us));
            }
            continue;
        }
        let mut chapter = Chapter {
            number: heading.and_then(|h| h.number),
            title: heading.and_then(|h| h.title.clone()),
            heading: heading.map(|_| units[start].text.clone()),
            start_line: line_of(units[start].start),
            end_line: line_of(units[end - 1].end),
            word_count: 0,
            scene_breaks: vec![],
            sections: vec![],
            blocks: vec![],
        };
        let offset = body_start + lead.iter().map(|(_, u)| u.len()).sum::<usize>();
        fill_chapter(&mut chapter, story, offset, gap_breaks);
        // Notes before the first chapter's heading belong to the work.
        for (kind, us) in lead {
            let chapter = if chapter_index == 1 && is_prelude { None } else { Some(chapter_index) };
            doc.notes.push(note(kind, chapter, Position::Start, us));
        }
        for (kind, us) in tail {
            doc.notes.push(note(kind, Some(chapter_index), Position::End, us));
        }
        doc.chapters.push(chapter);
    }
    // Work-level notes from a prelude without story come before chapter 1's own notes.
    if doc.summary.is_none()
        && let Some(s) = doc.notes.iter().find(|n| n.kind == NoteKind::Summary)
    {
        doc.summary = Some(strip_marker(&crate::paragraphs::unescape_text(&s.html)));
    }
}

/// Words below which text before the first of several chapters is front matter (a title
/// page, credits, an epigraph, a dedication), not a chapter: an untitled opening chapter is
/// longer than a page.
const FRONT_MATTER_WORDS: usize = 200;

fn is_front_matter(story: &[Unit]) -> bool {
    // A page holds about three times as many Chinese or Japanese characters as English words.
    let size = |u: &Unit| {
        let cjk = u.text.chars().filter(|&c| crate::word_count::is_own_word(c)).count();
        u.text.split_whitespace().count() + cjk / 3
    };
    story.iter().filter(|u| u.is_text()).map(size).sum::<usize>() < FRONT_MATTER_WORDS
}

/// "THE MILLENNIUM FULCRUM EDITION 3.0": a title page names an edition, as only a
/// published book's does.
fn is_edition_line(u: &Unit) -> bool {
    u.words() <= 8 && crate::structure::normalise(&u.text).split(' ').any(|w| EDITION_WORDS.contains(&w))
}

/// "Edition" in the languages Flourish reads.
const EDITION_WORDS: &[&str] = &["edition", "ausgabe", "édition", "edición", "edizione", "edição", "издание"];

/// Front matter goes to the work: what only repeats the title and byline, or credits the
/// transcription, is boilerplate; anything else (an epigraph, a dedication) is a work note.
fn front_matter(units: &[Unit], doc: &mut Document) {
    let title = doc.title.as_deref().map(crate::structure::normalise).unwrap_or_default();
    let mut spans = Vec::new();
    let mut kept = Vec::new();
    for u in units {
        let text = crate::structure::normalise(&u.text);
        let credit =
            ["prepared by", "produced by", "transcribed by", "etext", "ebook", "e text", "proofed by", "scanned by"]
                .iter()
                .any(|c| text.starts_with(c) || text.contains(&format!(" {c}")));
        let title_page = text == title
            || text == "cover"
            || matches!(u.kind, LineKind::Byline(_) | LineKind::SceneBreak)
            || (!title.is_empty() && text.contains(&title) && u.words() <= 20);
        let edition = is_edition_line(u);
        if edition && doc.header_field("edition").is_none() {
            doc.header.push(("edition".into(), u.text.trim().to_owned()));
        }
        if credit || title_page || edition || text.is_empty() {
            spans.push(LineSpan { start_line: line_of(u.start), end_line: line_of(u.end) });
        } else {
            kept.push(u.clone());
        }
    }
    merge_spans(&mut doc.boilerplate, spans);
    if !kept.is_empty() {
        doc.notes.push(note(NoteKind::Other, None, Position::Start, &kept));
    }
}

type NoteRun<'a> = (NoteKind, &'a [Unit]);

/// Splits a chapter body into notes at its start, the story, and notes at its end.
fn split_notes(body: &[Unit]) -> (Vec<NoteRun<'_>>, &[Unit], Vec<NoteRun<'_>>) {
    let mut lead = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let LineKind::Note(kind) = body[i].kind else { break };
        // A note runs on through following paragraphs that carry no marker of their own,
        // as long as the story has not visibly begun (a banner, a break, a heading).
        let mut j = i + 1;
        while j < body.len() && body[j].kind == LineKind::Text && body[j].gap_before == 0 && j - i < 4 {
            j += 1;
        }
        lead.push((kind, &body[i..j]));
        i = j;
    }
    let rest = &body[i..];
    // End notes: from the last marked note to the end, if what follows it is plain text and
    // short; a scene break right before it only separates the note from the story.
    let mut tail = Vec::new();
    let mut story_end = rest.len();
    if let Some(k) = rest.iter().rposition(|u| matches!(u.kind, LineKind::Note(_))) {
        let after = &rest[k + 1..];
        let plain = after.iter().all(|u| u.kind == LineKind::Text || matches!(u.kind, LineKind::Note(_)));
        let words: usize = rest[k..].iter().map(Unit::words).sum();
        // Consecutive notes (a disclaimer, then an A/N) end the chapter together.
        let mut first_note = k;
        while first_note > 0 && matches!(rest[first_note - 1].kind, LineKind::Note(_)) {
            first_note -= 1;
        }
        if plain && after.len() <= 6 && words <= 600 && k > 0 {
            let LineKind::Note(kind) = rest[first_note].kind else { unreachable!() };
            tail.push((kind, &rest[first_note..]));
            story_end = first_note;
            while story_end > 0 && rest[story_end - 1].kind == LineKind::SceneBreak {
                story_end -= 1;
            }
        }
    }
    (lead, &rest[..story_end], tail)
}

/// Line numbers are 1-based; 0 means the input has none.
fn line_of(line: usize) -> Option<usize> {
    (line > 0).then_some(line)
}

fn note(kind: NoteKind, chapter: Option<usize>, position: Position, units: &[Unit]) -> Note {
    let html = units.iter().map(|u| format!("<p>{}</p>", u.inline())).collect::<Vec<_>>().join("\n");
    Note {
        kind,
        chapter,
        position,
        start_line: units.first().and_then(|u| line_of(u.start)),
        end_line: units.last().and_then(|u| line_of(u.end)),
        html,
    }
}

fn strip_marker(text: &str) -> String {
    text.split_once(':').map_or(text, |(_, rest)| rest).trim().to_owned()
}

/// Characters a line of an opening couplet, poem or epigraph holds at most.
const OPENING_LINE_CHARS: usize = 40;
/// Words a line of a play's list of characters holds at most ("MAJOR RICHARD DUMBARTON").
const CAST_LINE_WORDS: usize = 6;
/// An epigraph in prose: a sentence or two and where it is from, a few lines at most.
const EPIGRAPH_UNITS: usize = 3;
const EPIGRAPH_CHARS: usize = 100;

/// Paragraphs, scene breaks and sections of one chapter's story units.
fn fill_chapter(chapter: &mut Chapter, story: &[Unit], offset: usize, gap_breaks: &[usize]) {
    let mut open_pov: Option<usize> = None;
    let mut open_flashback: Option<usize> = None;
    let last_line = story.last().and_then(|u| line_of(u.end));
    let close = |chapter: &mut Chapter, idx: &mut Option<usize>, end: Option<usize>| {
        if let Some(i) = idx.take() {
            chapter.sections[i].end_line = end;
            chapter.blocks.push(Block::Close(i));
        }
    };
    // A gap after nothing but short lines at the chapter's head (a couplet, an opening poem,
    // an epigraph and its source) sets them off from the prose; it is no scene break.
    let opening_verse = |n: usize| {
        let chars = |u: &Unit| u.text.chars().count();
        story[..n].iter().all(|u| chars(u) <= OPENING_LINE_CHARS)
            || n <= EPIGRAPH_UNITS && story[..n].iter().all(|u| chars(u) <= EPIGRAPH_CHARS)
    };
    let mut scene_seen = false;
    for (n, u) in story.iter().enumerate() {
        let prev_end = n.checked_sub(1).and_then(|p| line_of(story[p].end));
        if n > 0 && gap_breaks.binary_search(&(offset + n)).is_ok() && !opening_verse(n) {
            let line = prev_end.map(|e| e + 1);
            chapter.blocks.push(Block::SceneBreak { line });
            chapter.scene_breaks.extend(line);
        }
        match &u.kind {
            LineKind::Pov(name) => {
                close(chapter, &mut open_flashback, prev_end);
                close(chapter, &mut open_pov, prev_end);
                chapter.sections.push(Section {
                    kind: SectionKind::Pov,
                    label: name.clone(),
                    banner: u.text.trim_matches(|c: char| "*~_=- ".contains(c)).to_owned(),
                    start_line: line_of(u.start),
                    end_line: last_line,
                });
                let i = chapter.sections.len() - 1;
                chapter.blocks.push(Block::Open(i));
                open_pov = Some(i);
            }
            LineKind::FlashbackStart => {
                close(chapter, &mut open_flashback, prev_end);
                chapter.sections.push(Section {
                    kind: SectionKind::Flashback,
                    label: "Flashback".into(),
                    banner: "Flashback".into(),
                    start_line: line_of(u.start),
                    end_line: last_line,
                });
                let i = chapter.sections.len() - 1;
                chapter.blocks.push(Block::Open(i));
                open_flashback = Some(i);
            }
            LineKind::FlashbackEnd => {
                if open_flashback.is_some() {
                    close(chapter, &mut open_flashback, line_of(u.end));
                } else {
                    chapter.blocks.push(Block::Paragraph { line: line_of(u.start), html: u.inline() });
                }
            }
            LineKind::SceneBreak => {
                // A break at the very start or end of a chapter separates nothing, and
                // break lines with nothing between them are one break ("*  *  *" printed
                // three times over).
                let story_after = story[n + 1..].iter().any(|u| u.kind != LineKind::SceneBreak);
                let just_broken = matches!(chapter.blocks.last(), Some(Block::SceneBreak { .. }));
                // A play's first scene heading in an act opens its first scene when only a
                // list of the characters comes before it, short lines of names.
                let play_scene = patterns::is_play_scene(&u.text);
                let first_scene = play_scene
                    && !std::mem::replace(&mut scene_seen, true)
                    && story[..n].iter().all(|p| p.words() <= CAST_LINE_WORDS);
                if n > 0 && story_after && !just_broken && !first_scene {
                    chapter.blocks.push(Block::SceneBreak { line: line_of(u.start) });
                    chapter.scene_breaks.extend(line_of(u.start));
                }
                // A play's scene heading says where the scene is: it is kept, after the break.
                if play_scene {
                    chapter.blocks.push(Block::Paragraph { line: line_of(u.start), html: u.inline() });
                }
            }
            // A part heading above chapters ("BOOK TWO") is structure, not story.
            LineKind::Heading(h) if h.level == HeadingLevel::Part => {}
            _ => chapter.blocks.push(Block::Paragraph { line: line_of(u.start), html: u.inline() }),
        }
    }
    close(chapter, &mut open_flashback, last_line);
    close(chapter, &mut open_pov, last_line);
}
