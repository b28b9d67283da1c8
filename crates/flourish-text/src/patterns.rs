//! What one line (or one unwrapped paragraph) of a plain-text story is: a chapter heading, a
//! scene break, a point-of-view banner, a flashback marker, a note, a header field, or text.
//! Each recognizer looks at the line alone; the parser decides, with context, which
//! candidates to believe (a table of contents, a lone `I.`, a list).

use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// What kind of note a block is: an author's note, a disclaimer, a summary…
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    AuthorNote,
    Disclaimer,
    Summary,
    Acknowledgements,
    Other,
}

/// A chapter-like heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: HeadingLevel,
    pub number: Option<u32>,
    pub title: Option<String>,
    /// A bare number or numeral with nothing else (`IV.`, `12`): believed only in a series.
    pub bare: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadingLevel {
    /// Book, Part, Volume: above chapters.
    Part,
    Chapter,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineKind {
    Heading(Heading),
    SceneBreak,
    /// A point-of-view banner with the character's name.
    Pov(String),
    FlashbackStart,
    FlashbackEnd,
    /// A note begins here.
    Note(NoteKind),
    /// `Key: value` in a header block.
    Field(String, String),
    /// `by Someone` under a title.
    Byline(String),
    Text,
}

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pattern).expect("valid pattern"));
    };
}

/// A chapter number in any form the patterns read: digits, roman numerals, and the number
/// and ordinal words below. Shown (`{NUMBER}` in a pattern) as one capturing group, built
/// once from the word lists that [`parse_number`] reads, so the two cannot disagree.
pub(crate) const NUMBER: NumberPattern = NumberPattern;

pub(crate) struct NumberPattern;

impl std::fmt::Display for NumberPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        static PATTERN: LazyLock<String> = LazyLock::new(|| {
            let words = NUMBER_WORDS
                .iter()
                .chain(TENS.iter().map(|(w, _)| w))
                .chain(ORDINALS)
                .chain(&["last", "final"])
                .chain(OTHER_ORDINALS.iter().flat_map(|words| words.iter()));
            let alternatives: Vec<&str> = ["\\d{1,4}", "[ivxlcdm]{1,8}"].into_iter().chain(words.copied()).collect();
            format!("({})", alternatives.join("|"))
        });
        f.write_str(&PATTERN)
    }
}

/// Numbers written out, by value (one is 1).
const NUMBER_WORDS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// Tens written out past twenty.
const TENS: &[(&str, u32)] = &[("thirty", 30), ("forty", 40), ("fifty", 50)];

/// English ordinals, by value (first is 1).
const ORDINALS: &[&str] =
    &["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];

/// Ordinals of the languages [`NUMBER`] knows besides English, by number (first is 1).
const OTHER_ORDINALS: &[&[&str]] = &[
    &["erstes", "erster", "erste", "premier", "première", "primero", "primera", "первая", "первый", "первое"],
    &["zweites", "zweiter", "zweite", "deuxième", "segundo", "segunda", "вторая", "второй", "второе"],
    &["drittes", "dritter", "dritte", "troisième", "tercero", "tercera", "третья", "третий", "третье"],
    &[
        "viertes",
        "vierter",
        "vierte",
        "quatrième",
        "cuarto",
        "cuarta",
        "четвертая",
        "четвёртая",
        "четвертый",
        "четвёртый",
    ],
    &["fünftes", "fünfter", "fünfte", "cinquième", "quinto", "quinta", "пятая", "пятый"],
    &["sechstes", "sechster", "sechste", "sixième", "sexto", "sexta", "шестая", "шестой"],
    &[
        "siebentes",
        "siebtes",
        "siebenter",
        "siebter",
        "siebente",
        "siebte",
        "septième",
        "séptimo",
        "septimo",
        "séptima",
        "седьмая",
        "седьмой",
    ],
    &["achtes", "achter", "achte", "huitième", "octavo", "octava", "восьмая", "восьмой"],
    &["neuntes", "neunter", "neunte", "neuvième", "noveno", "novena", "девятая", "девятый"],
    &["zehntes", "zehnter", "zehnte", "dixième", "décimo", "decimo", "décima", "десятая", "десятый"],
];

/// The word for a chapter in the languages Flourish reads: English, German, French,
/// Spanish, Italian, Portuguese, Dutch, Polish, Russian, and the "tratado" of older Spanish.
const CHAPTER_WORDS: &str =
    r"chapter|chap\.?|ch\.|kapitel|chapitre|cap[ií]tulo|capitolo|hoofdstuk|rozdzia[łl]|глава|tratado";

/// Where a number ends: a word boundary for Latin letters, or a space, a stop or the end
/// of the line for the Cyrillic ordinals, which the ASCII word boundary does not see.
const NUMBER_END: &str = r"(?:(?-u:\b)|[\s.:]|$)";

re!(CHAPTER_FIRST, &format!(r"(?i)^(?:{CHAPTER_WORDS})\s*{NUMBER}{NUMBER_END}(?:\s*([-–—:.|~]+)\s*|\s+)?(.*?)$"));
// "Erstes Kapitel", "Zweiter Teil": the ordinal first.
re!(ORDINAL_FIRST, &format!(r"(?i)^{NUMBER}\s+(kapitel|chapter|aufzug|akt|teil|buch|book|part|том|часть|книга)\.?$"));
re!(
    TITLE_THEN_CHAPTER,
    &format!(r"(?i)^[-–—~*=\s]*(.+?)[-–—~*=:|\s]+(?:chapter|chap\.?|ch\.)\s*{NUMBER}\s*[-–—~*=.]*$")
);
re!(
    NAMED_CHAPTER,
    r"(?i)^(prologue|epilogue|interlude|conclusion|afterword|foreword|preface|introduction|pr[oó]logo|ep[ií]logo|prolog|epilog|пролог|эпилог)(?:(?-u:\b)|$|\s)\s*(?:[-–—:.|~]+\s*|\s+)?(.*?)$"
);
re!(
    LETTER_STAVE,
    &format!(
        r"(?i)^(letter|stave|canto|book|part|volume|vol\.|teil|buch|livre|partie|tome|libro|parte|том|часть|книга)\s+{NUMBER}{NUMBER_END}\s*(?:[-–—:.|~]+\s*|\s+)?(.*?)$"
    )
);
/// Whether a heading names a part of the story itself, not the book's apparatus: a
/// prologue, an epilogue, an interlude.
pub fn is_story_section(text: &str) -> bool {
    NAMED_CHAPTER.captures(text.trim()).is_some_and(|c| {
        let name = c[1].to_lowercase();
        !matches!(name.as_str(), "afterword" | "foreword" | "preface" | "introduction")
    })
}

/// Whether `text` is only a numbered label, one word and a number either way round
/// ("Letter II", "Part One", "Erster Streich.", "FIRST ACT"), with no title of its own. A
/// roman numeral counts in capitals only: "Im Walde" is a title.
pub fn is_number_label(text: &str) -> bool {
    let words: Vec<&str> = text.trim().trim_end_matches('.').split_whitespace().collect();
    let roman = |w: &str| w.chars().all(|c| "ivxlcdmIVXLCDM".contains(c));
    let number = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit())
            || w.chars().all(|c| "IVXLCDM".contains(c))
            || !roman(w) && parse_number(w).is_some()
    };
    let word = |w: &str| w.chars().all(char::is_alphabetic);
    matches!(words.as_slice(), [a, b] if word(a) && number(b) || number(a) && word(b))
}

re!(BARE_NUMERAL, r"(?i)^(?:(\d{1,3})|([ivxlc]{1,7}))\s*\.?$");
// A play's act: "ACT I", "Act the First.", "Zweiter Aufzug", "ACTE III", "Действие первое".
re!(
    ACT,
    &format!(
        r"(?i)^(?:act|akt|aufzug|acte|acto|atto|действие)\s+(?:the\s+)?{NUMBER}{NUMBER_END}\s*(?:[-–—:.|~]+\s*|\s+)?(.*?)$"
    )
);
// A play's scene, a break inside its act: "SCENE II. A room in the palace.", "Scene—The
// garden", "SCENE changes to the Garden.", "Zweiter Auftritt", "Явление 3".
re!(
    PLAY_SCENE,
    &format!(
        r"(?i)^\(?(?:(?:scene|szene|scène|escena|scena|явление)(?:\s+(?:the\s+)?{NUMBER}{NUMBER_END}|\s*[-–—:.]|\s+continued|\s+changes)|{NUMBER}\s+(?:auftritt|szene|scène))"
    )
);
// Chinese and Japanese headings: 第一章, 第1話, 第三回 with its couplet after it, 第一夜, and
// a volume (卷一, 第二卷, 第一部) above them.
re!(
    CJK_HEADING,
    r"^(?:(?:卷|巻)[一二三四五六七八九十百]+[\s\u{3000}]*)?第?([0-9０-９一二三四五六七八九十百千零〇两]{1,6})\s*(章|回|話|话|節|节|夜|幕|卷|巻|部|篇|集)(?:[\s\u{3000}:：、．.]+(.*))?$"
);
// A chapter numbered by a Chinese numeral alone: 一, 十二.
re!(CJK_BARE_NUMERAL, r"^([一二三四五六七八九十百]{1,4})$");
re!(
    POV_NAMED,
    r"(?i)^[*~_=\-\s]*([\p{L}][\p{L}'’. -]{0,40}?)(?:'s|’s|s')?\s*(?:point\s+of\s+view|p\.?o\.?v\.?)[*~_=\-\s]*$"
);
re!(
    POV_PREFIX,
    r"(?i)^[*~_=\-\s]*(?:point\s+of\s+view|p\.?o\.?v\.?)\s*[:\-–—]\s*([\p{L}][\p{L}'’. -]{0,40}?)[*~_=\-\s]*$"
);
re!(NAME_BANNER, r"^[~*=]+\s*(\p{Lu}[\p{L}'’.-]*(?:\s\p{Lu}[\p{L}'’.-]*){0,2})\s*[~*=]+$");
re!(FLASHBACK_START, r"(?i)^[*~_=\-\s(\[]*(?:start\s+(?:of\s+)?)?flash\s*-?\s*back(?:\s+start)?[*~_=\-\s:)\]]*$");
re!(
    FLASHBACK_END,
    r"(?i)^[*~_=\-\s(\[]*(?:end\s+(?:of\s+)?flash\s*-?\s*back|flash\s*-?\s*back\s+(?:ends?|over)|end\s+fb)[*~_=\-\s.)\]]*$"
);
re!(
    NOTE,
    r"(?i)^[(\[*_\s]*(a/n|a\.n\.|an:|author'?s'?\s+notes?|authors\s+notes?|author\s+notes?|notes?\s*:|disclaimer|acknowledge?ments?|summary\s*:)"
);
re!(
    DISCLAIMER_TEXT,
    r"(?i)\b(i|we)\s+(do\s+not|don'?t|don’t)\s+own\b|\bbelongs?\s+to\s+(j\.?\s*k\.?\s+rowling|the\s+respective|their\s+respective)|\ball\s+rights\s+(belong|reserved)\b"
);
re!(
    FIELD,
    r"(?i)^(title|story|author|authors|by|rating|rated|summary|category|categories|fandom|fandoms|genre|genres|characters|pairing|pairings|relationships?|language|status|published|updated|words|chapters|source|story\s+url|author\s+url|warnings?|tags|additional\s+tags|series)\s*:\s*(.*)$"
);
re!(BYLINE, r"^(?i:by|written\s+by)\s+(\p{L}.{0,60})$");
re!(SYMBOLS_ONLY, r"^[\s*~=#+_•·∙◦○●◆◇❖❦❧§¤†‡^<>|/\\.:oOxX0＊※☆★～-]+$");

/// Roman numeral to number (`IV` → 4), for numerals up to a few thousand.
pub fn roman(s: &str) -> Option<u32> {
    let value = |c: char| match c.to_ascii_lowercase() {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        'c' => Some(100),
        'd' => Some(500),
        'm' => Some(1000),
        _ => None,
    };
    let digits: Vec<u32> = s.chars().map(value).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|next| next > d) { total -= *d as i64 } else { total += *d as i64 }
    }
    // Only canonical spellings: `IIII` or `IC` are words, not numbers.
    (total > 0 && to_roman(total as u32).eq_ignore_ascii_case(s)).then_some(total as u32)
}

fn to_roman(mut n: u32) -> String {
    const TABLE: &[(u32, &str)] = &[
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for &(v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// 十二 → 12, 一百零五 → 105, ３ → 3: Chinese and full-width numerals.
pub fn cjk_number(s: &str) -> Option<u32> {
    if let Some(n) = s
        .chars()
        .map(|c| c.to_digit(10).or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32)))
        .collect::<Option<Vec<u32>>>()
    {
        return n.iter().try_fold(0u32, |acc, d| acc.checked_mul(10)?.checked_add(*d));
    }
    let digit = |c: char| {
        "零一二三四五六七八九".find(c).map(|i| (i / 3) as u32).or(if c == '〇' {
            Some(0)
        } else if c == '两' {
            Some(2)
        } else {
            None
        })
    };
    let (mut total, mut current) = (0u32, 0u32);
    for c in s.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                current = digit(c)?;
                continue;
            }
        };
        total += current.max(1) * unit;
        current = 0;
    }
    Some(total + current).filter(|n| *n > 0)
}

/// `12`, `XII`, `twelve`, `twelfth` → 12.
pub fn parse_number(s: &str) -> Option<u32> {
    let lower = s.to_lowercase();
    if let Some(i) = OTHER_ORDINALS.iter().position(|words| words.contains(&lower.as_str())) {
        return Some(i as u32 + 1);
    }
    if let Ok(n) = lower.parse() {
        return Some(n);
    }
    if let Some(i) = NUMBER_WORDS.iter().position(|w| *w == lower) {
        return Some(i as u32 + 1);
    }
    if let Some(i) = ORDINALS.iter().position(|w| *w == lower) {
        return Some(i as u32 + 1);
    }
    match TENS.iter().find(|(w, _)| *w == lower) {
        Some((_, n)) => Some(*n),
        None => roman(&lower),
    }
}

/// A word of roman-numeral letters, some of them Cyrillic look-alikes (Х, І), in Latin
/// letters; any other word unchanged.
fn latin_numeral(word: &str) -> String {
    let core = word.trim_end_matches(['.', ':']);
    let roman_like = !core.is_empty() && core.chars().all(|c| "IVXLCDMХІ".contains(c));
    if !roman_like {
        return word.to_owned();
    }
    word.chars()
        .map(|c| match c {
            'Х' => 'X',
            'І' => 'I',
            c => c,
        })
        .collect()
}

fn clean_title(t: &str) -> Option<String> {
    let t = t.trim().trim_matches(|c: char| "-–—:.|~*=_\"“”".contains(c)).trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Words in a line, roughly: enough to tell a heading from a sentence.
fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// A heading is short, is not a sentence that happens to start with "Chapter", and does not
/// end like one.
fn heading_shaped(line: &str) -> bool {
    let n = line.chars().count();
    let sentence = words(line) > 7 && line.ends_with(['.', ',', ';', '?', '!', '"', '”']);
    n <= 100 && words(line) <= 14 && !sentence && !line.ends_with(',') && !line.ends_with(';')
}

pub fn heading(line: &str) -> Option<Heading> {
    if !heading_shaped(line) {
        return None;
    }
    // Roman numerals typed with Cyrillic letters that look the same ("ГЛАВА ХIII." with a
    // Cyrillic Х): read as the numerals they show.
    if line.contains(['Х', 'І']) {
        let latin: Vec<String> = line.split(' ').map(latin_numeral).collect();
        let latin = latin.join(" ");
        if latin != line {
            return heading(&latin);
        }
    }
    // A heading set between stars or rules: "* ТОМ ПЕРВЫЙ *", "== Chapter 3 ==".
    let inner = line.trim().trim_matches(|c: char| "*=~".contains(c) || c.is_whitespace());
    if inner.len() < line.trim().len() && inner.chars().any(char::is_alphabetic) {
        return heading(inner);
    }
    if let Some(c) = CHAPTER_FIRST.captures(line) {
        let title = c.get(3).and_then(|m| clean_title(m.as_str()));
        // "Chapter one was the best part" is a sentence: a title that follows the number
        // with no separator must not start in lower case.
        if c.get(2).is_none() && title.as_deref().is_some_and(|t| t.starts_with(char::is_lowercase)) {
            return None;
        }
        return Some(Heading { level: HeadingLevel::Chapter, number: parse_number(&c[1]), title, bare: false });
    }
    if let Some(c) = ACT.captures(line) {
        // An act's number is all its heading says, as a chapter's number is.
        let title = c.get(2).and_then(|m| clean_title(m.as_str()));
        if title.as_deref().is_some_and(|t| t.starts_with(char::is_lowercase)) {
            return None;
        }
        return Some(Heading { level: HeadingLevel::Chapter, number: parse_number(&c[1]), title, bare: false });
    }
    if let Some(c) = ORDINAL_FIRST.captures(line) {
        let level = if matches!(c[2].to_lowercase().as_str(), "kapitel" | "chapter" | "aufzug" | "akt") {
            HeadingLevel::Chapter
        } else {
            HeadingLevel::Part
        };
        let title = (level == HeadingLevel::Part).then(|| line.trim().trim_end_matches('.').to_owned());
        return Some(Heading { level, number: parse_number(&c[1]), title, bare: false });
    }
    if let Some(c) = TITLE_THEN_CHAPTER.captures(line) {
        return Some(Heading {
            level: HeadingLevel::Chapter,
            number: parse_number(&c[2]),
            title: clean_title(&c[1]),
            bare: false,
        });
    }
    if let Some(c) = NAMED_CHAPTER.captures(line) {
        // "Introduction, won't you, Myrtle?" is dialogue: a heading's title does not follow a comma.
        if line[c.get(1).map_or(0, |m| m.end())..].trim_start().starts_with([',', ';']) {
            return None;
        }
        // "introduction.  She led him around the room…" is a wrapped line of a paragraph: a
        // named heading starts with a capital.
        if line.starts_with(char::is_lowercase) {
            return None;
        }
        let rest = c.get(2).and_then(|m| clean_title(m.as_str()));
        if rest.as_deref().is_some_and(|t| t.starts_with(char::is_lowercase)) {
            return None;
        }
        let name = capitalize(&c[1]);
        let title = match rest {
            Some(r) => Some(format!("{name}: {r}")),
            None => Some(name),
        };
        return Some(Heading { level: HeadingLevel::Chapter, number: None, title, bare: false });
    }
    if let Some(c) = LETTER_STAVE.captures(line) {
        let kind = c[1].to_lowercase();
        let rest = c.get(3).and_then(|m| clean_title(m.as_str()));
        if rest.as_deref().is_some_and(|t| t.starts_with(char::is_lowercase)) {
            return None;
        }
        let level = if matches!(
            kind.as_str(),
            "book"
                | "part"
                | "volume"
                | "vol."
                | "teil"
                | "buch"
                | "livre"
                | "partie"
                | "tome"
                | "libro"
                | "parte"
                | "том"
                | "часть"
                | "книга"
        ) {
            HeadingLevel::Part
        } else {
            HeadingLevel::Chapter
        };
        let number = parse_number(&c[2]);
        let label = format!("{} {}", capitalize(&c[1]), c[2].to_uppercase_if_roman());
        let title = match (level, kind.as_str(), rest) {
            (HeadingLevel::Chapter, "letter", r) => r.or(Some(label)),
            (_, _, Some(r)) => Some(r),
            (_, _, None) => Some(label),
        };
        return Some(Heading { level, number, title, bare: false });
    }
    if let Some(c) = CJK_HEADING.captures(line) {
        let level = if matches!(&c[2], "卷" | "巻" | "部" | "篇" | "集") {
            HeadingLevel::Part
        } else {
            HeadingLevel::Chapter
        };
        let title = c.get(3).and_then(|m| clean_title(m.as_str())).or_else(|| Some(line.trim().to_owned()));
        let title = if level == HeadingLevel::Chapter && c.get(3).is_none() { None } else { title };
        return Some(Heading { level, number: cjk_number(&c[1]), title, bare: false });
    }
    if let Some(c) = CJK_BARE_NUMERAL.captures(line) {
        return cjk_number(&c[1]).map(|n| Heading {
            level: HeadingLevel::Chapter,
            number: Some(n),
            title: None,
            bare: true,
        });
    }
    if let Some(c) = BARE_NUMERAL.captures(line) {
        let number =
            c.get(1).and_then(|m| m.as_str().parse().ok()).or_else(|| c.get(2).and_then(|m| roman(m.as_str())));
        return number.map(|n| Heading { level: HeadingLevel::Chapter, number: Some(n), title: None, bare: true });
    }
    None
}

trait RomanCase {
    fn to_uppercase_if_roman(&self) -> String;
}

impl RomanCase for str {
    fn to_uppercase_if_roman(&self) -> String {
        if roman(self).is_some() { self.to_uppercase() } else { self.to_owned() }
    }
}

/// "LETTER" and "letter" as "Letter".
pub(crate) fn capitalize(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut chars = lower.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().collect::<String>() + chars.as_str())
}

/// A line of nothing but dividers: `***`, `* * *`, `~~~`, `oOo`, `xXx`, `-o-`, `§`, `❦`.
pub fn is_scene_break(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    // A rule drawn across the page with one symbol (72 hyphens in a Gutenberg text).
    let mut symbols = compact.chars();
    let first = symbols.next();
    let rule = first.is_some_and(|f| "-=*_~#".contains(f) && symbols.all(|c| c == f));
    if rule && (3..=120).contains(&compact.chars().count()) {
        return true;
    }
    if compact.is_empty() || compact.chars().count() > 40 || !SYMBOLS_ONLY.is_match(&compact) {
        return false;
    }
    let letters = compact.chars().filter(|c| matches!(c, 'o' | 'O' | 'x' | 'X')).count();
    let symbols = compact.chars().filter(|c| !c.is_alphanumeric()).count();
    let lone_symbol = compact.chars().count() == 1 && "§❦❧⁂*#~＊※☆★".contains(compact.as_str());
    // Letters only in the oOo / xXx patterns, which mix cases or sit between symbols.
    let letter_pattern =
        letters >= 3 && compact.chars().any(char::is_uppercase) && compact.chars().any(char::is_lowercase);
    let symbol_pattern = symbols >= 3 || (symbols >= 2 && letters >= 1) || lone_symbol;
    // A row of dots or a single dash is punctuation, not a break.
    let dots_only = compact.chars().all(|c| c == '.');
    // o0o0o, OxO: letters and zeros alternating, at least two kinds.
    let ring_pattern = compact.chars().count() >= 3
        && compact.chars().all(|c| matches!(c, 'o' | 'O' | '0' | 'x' | 'X'))
        && compact.chars().collect::<std::collections::BTreeSet<_>>().len() >= 2;
    !dots_only && !compact.chars().all(|c| c.is_ascii_digit()) && (letter_pattern || symbol_pattern || ring_pattern)
}

pub fn pov(line: &str) -> Option<String> {
    if line.chars().count() > 60 {
        return None;
    }
    let name = POV_NAMED
        .captures(line)
        .or_else(|| POV_PREFIX.captures(line))
        .map(|c| c[1].trim().to_owned())
        .or_else(|| NAME_BANNER.captures(line).map(|c| c[1].trim().to_owned()))?;
    let name = name.trim_end_matches(['\'', '’']).trim().to_owned();
    let lower = name.to_lowercase();
    // "Flashback" and the like are not people.
    if name.is_empty() || lower.contains("flash") || lower == "end" || lower.starts_with("end of") {
        return None;
    }
    Some(name)
}

pub fn note(line: &str) -> Option<NoteKind> {
    if let Some(m) = NOTE.captures(line) {
        let marker = m[1].to_lowercase();
        let kind = if marker.starts_with("disclaimer") {
            NoteKind::Disclaimer
        } else if marker.starts_with("acknowledg") {
            NoteKind::Acknowledgements
        } else if marker.starts_with("summary") {
            NoteKind::Summary
        } else if marker.starts_with("note") {
            NoteKind::Other
        } else {
            NoteKind::AuthorNote
        };
        return Some(kind);
    }
    // Cheap tests first: most paragraphs mention neither owning nor belonging.
    let lower_hint = line.contains("own") || line.contains("belong") || line.contains("ights") || line.contains("OWN");
    (lower_hint && words(line) <= 80 && DISCLAIMER_TEXT.is_match(line)).then_some(NoteKind::Disclaimer)
}

/// Classifies one line or paragraph on its own.
/// "SCENE II. A room in the palace.": a play's scene heading, a scene break with words.
/// Printed plays may set the whole stage direction after "SCENE" in capitals ("SCENE—An
/// Alehouse Room. Several shabby Fellows with punch and tobacco…"): up to
/// `LONG_PLAY_SCENE_CHARS` then.
pub(crate) fn is_play_scene(line: &str) -> bool {
    let line = line.trim();
    let chars = line.chars().count();
    let opening = line.trim_start_matches('(');
    let capitals = opening.starts_with("SCENE");
    // "scene—his wife and Catherine…" at the start of a line inside a paragraph is prose.
    let capital = opening.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    capital && (chars <= 100 || capitals && chars <= LONG_PLAY_SCENE_CHARS) && PLAY_SCENE.is_match(line)
}

const LONG_PLAY_SCENE_CHARS: usize = 300;

pub fn classify(line: &str) -> LineKind {
    let line = line.trim();
    // Every structure marker is short (headings at most 100 characters, banners 60, breaks
    // 40); a long paragraph can only be a note, a field or text.
    if line.len() > 400 || line.chars().count() > 100 {
        if is_play_scene(line) {
            return LineKind::SceneBreak;
        }
        return long_line(line);
    }
    if FLASHBACK_END.is_match(line) {
        return LineKind::FlashbackEnd;
    }
    if FLASHBACK_START.is_match(line) {
        return LineKind::FlashbackStart;
    }
    if let Some(name) = pov(line) {
        return LineKind::Pov(name);
    }
    if is_scene_break(line) || is_play_scene(line) {
        return LineKind::SceneBreak;
    }
    if let Some(h) = heading(line) {
        return LineKind::Heading(h);
    }
    if let Some(c) = FIELD.captures(line) {
        return LineKind::Field(c[1].to_lowercase(), c[2].trim().to_owned());
    }
    if let Some(kind) = note(line) {
        return LineKind::Note(kind);
    }
    if let Some(c) = BYLINE.captures(line)
        && words(line) <= 8
    {
        return LineKind::Byline(c[1].trim().to_owned());
    }
    LineKind::Text
}

fn long_line(line: &str) -> LineKind {
    if let Some(c) = FIELD.captures(line) {
        return LineKind::Field(c[1].to_lowercase(), c[2].trim().to_owned());
    }
    note(line).map_or(LineKind::Text, LineKind::Note)
}

#[cfg(test)]
mod tests {
    /// Every number word the patterns accept has a value ("last" and "final" aside: a
    /// last chapter's number is its place).
    #[test]
    fn every_number_word_the_patterns_accept_has_a_value() {
        let pattern = super::NUMBER.to_string();
        let words = pattern.trim_start_matches('(').trim_end_matches(')').split('|').skip(2);
        for word in words.filter(|w| !matches!(*w, "last" | "final")) {
            assert!(super::parse_number(word).is_some(), "{word}");
        }
        assert_eq!(super::parse_number("Zweites"), Some(2));
        assert_eq!(super::parse_number("forty"), Some(40));
    }

    #[test]
    fn chapter_words_of_other_languages() {
        use super::{HeadingLevel, heading};
        for (line, level, number) in [
            ("ГЛАВА I.", HeadingLevel::Chapter, 1),
            ("ГЛАВА ХIII.", HeadingLevel::Chapter, 13),
            ("Глава первая", HeadingLevel::Chapter, 1),
            ("* ТОМ ПЕРВЫЙ *", HeadingLevel::Part, 1),
            ("Часть вторая", HeadingLevel::Part, 2),
            ("Erstes Kapitel", HeadingLevel::Chapter, 1),
            ("Kapitel 3", HeadingLevel::Chapter, 3),
            ("Zweiter Teil", HeadingLevel::Part, 2),
            ("Chapitre premier", HeadingLevel::Chapter, 1),
            ("Capítulo IV", HeadingLevel::Chapter, 4),
            ("Tratado Segundo", HeadingLevel::Chapter, 2),
        ] {
            let h = heading(line).unwrap_or_else(|| panic!("{line} is a heading"));
            assert_eq!((h.level, h.number), (level, Some(number)), "{line}");
        }
        assert!(heading("Глава семьи пришёл домой поздно и сел ужинать.").is_none());
        for (line, number) in [("ACT I", 1), ("ACT THE FIRST.", 1), ("Act 3", 3), ("Zweiter Aufzug", 2)] {
            let h = heading(line).unwrap_or_else(|| panic!("{line} is an act"));
            assert_eq!((h.level, h.number, h.title), (HeadingLevel::Chapter, Some(number), None), "{line}");
        }
        assert!(heading("Act now, or lose the house.").is_none());
        for line in [
            "SCENE I\tOrchard of Oliver's house.",
            "Scene II. A room in the palace.",
            "SCENE—The garden.",
            "Zweiter Auftritt",
        ] {
            assert_eq!(super::classify(line), super::LineKind::SceneBreak, "{line}");
        }
        assert_eq!(super::classify("The scene of the crime was a small flat."), super::LineKind::Text);
    }

    use super::*;

    fn chapter(line: &str) -> Option<(Option<u32>, Option<String>)> {
        heading(line).filter(|h| h.level == HeadingLevel::Chapter).map(|h| (h.number, h.title))
    }

    #[test]
    fn chapter_headings_in_every_common_style() {
        let t = |s: &str| Some(s.to_owned());
        assert_eq!(chapter("Chapter 1"), Some((Some(1), None)));
        assert_eq!(chapter("CHAPTER I."), Some((Some(1), None)));
        assert_eq!(chapter("Chapter One: The Boy Who Lived"), Some((Some(1), t("The Boy Who Lived"))));
        assert_eq!(chapter("Chapter 12 - Mirrors"), Some((Some(12), t("Mirrors"))));
        assert_eq!(chapter("Ch. 3: Owls"), Some((Some(3), t("Owls"))));
        assert_eq!(chapter("-Diagon Alley- Chapter 1"), Some((Some(1), t("Diagon Alley"))));
        assert_eq!(chapter("The Burrow - Chapter 4"), Some((Some(4), t("The Burrow"))));
        assert_eq!(chapter("Prologue"), Some((None, t("Prologue"))));
        assert_eq!(chapter("EPILOGUE: Nineteen Years Later"), Some((None, t("Epilogue: Nineteen Years Later"))));
        assert_eq!(chapter("Letter 4"), Some((Some(4), t("Letter 4"))));
        assert_eq!(chapter("STAVE I: MARLEY'S GHOST"), Some((Some(1), t("MARLEY'S GHOST"))));
        assert_eq!(chapter("XIV."), Some((Some(14), None)));
        assert!(heading("XIV.").unwrap().bare);
        assert_eq!(heading("BOOK ONE").map(|h| h.level), Some(HeadingLevel::Part));
    }

    #[test]
    fn sentences_are_not_headings() {
        for line in [
            "Chapter one was the best part of the book, she thought.",
            "I. M. Pei designed it.",
            "1. Buy milk",
            "Prologue to a disaster, that was what it was.",
            "Part of me wanted to stay.",
            "Letter by letter, the words appeared.",
        ] {
            assert_eq!(heading(line), None, "{line}");
        }
    }

    #[test]
    fn chinese_and_japanese_headings() {
        let h = heading("第三回　曲云仙").unwrap();
        assert_eq!((h.level, h.number, h.title.as_deref()), (HeadingLevel::Chapter, Some(3), Some("曲云仙")));
        assert_eq!(heading("第十二章").map(|h| (h.number, h.title)), Some((Some(12), None)));
        assert_eq!(heading("第1話").map(|h| h.number), Some(Some(1)));
        assert_eq!(heading("第一夜").map(|h| h.number), Some(Some(1)));
        assert_eq!(
            heading("卷一　二回    新贵惹秋风").map(|h| (h.number, h.title)),
            Some((Some(2), Some("新贵惹秋风".into())))
        );
        assert_eq!(heading("第二卷").map(|h| h.level), Some(HeadingLevel::Part));
        assert_eq!(heading("十一").map(|h| (h.number, h.bare)), Some((Some(11), true)));
        assert_eq!(cjk_number("一百零五"), Some(105));
        assert_eq!(cjk_number("１２"), Some(12));
        assert!(heading("第一次见到他的时候，天正下着雨。").is_none(), "a sentence");
    }

    #[test]
    fn a_named_heading_word_in_dialogue_is_not_a_heading() {
        assert!(heading("Introduction, won’t you, Myrtle?").is_none());
        assert!(heading("Prologue: The Storm").is_some());
    }

    #[test]
    fn long_rules_of_one_symbol_are_breaks() {
        assert!(is_scene_break(&"-".repeat(72)));
        assert!(is_scene_break(&"=".repeat(60)));
        assert!(!is_scene_break(&"-".repeat(200)), "not a line of the story: too long to be a rule");
        assert!(!is_scene_break("--"));
    }

    #[test]
    fn number_labels_are_one_word_and_a_number() {
        for label in ["Letter II", "Part One", "Erster Streich.", "FIRST ACT", "Book 3"] {
            assert!(is_number_label(label), "{label}");
        }
        for title in
            ["The Lobster Quadrille", "Who Stole the Tarts?", "Letter from Home", "Part of the Sea", "Im Walde"]
        {
            assert!(!is_number_label(title), "{title}");
        }
    }

    #[test]
    fn scene_breaks() {
        for line in ["***", "* * *", "~~~", "oOo", "xXx", "-o-", "~*~", "###", "§", "o0o0o", "- - -", "=====", "❦"] {
            assert!(is_scene_break(line), "{line}");
        }
        for line in ["...", "-", "Oh.", "xxx", "ooo", "2", "A.", "OK"] {
            assert!(!is_scene_break(line), "{line}");
        }
    }

    #[test]
    fn pov_banners_and_flashbacks() {
        assert_eq!(classify("*Draco's Point of View*"), LineKind::Pov("Draco".into()));
        assert_eq!(classify("Harry's POV"), LineKind::Pov("Harry".into()));
        assert_eq!(classify("~Hermione~"), LineKind::Pov("Hermione".into()));
        assert_eq!(classify("POV: Ron Weasley"), LineKind::Pov("Ron Weasley".into()));
        assert_eq!(classify("*Flash Back*"), LineKind::FlashbackStart);
        assert_eq!(classify("Flashback:"), LineKind::FlashbackStart);
        assert_eq!(classify("*End of Flash Back*"), LineKind::FlashbackEnd);
        assert_eq!(classify("End flashback"), LineKind::FlashbackEnd);
        assert_eq!(classify("~*~"), LineKind::SceneBreak);
    }

    #[test]
    fn notes_and_fields() {
        assert_eq!(classify("A/N: Thanks for reading!"), LineKind::Note(NoteKind::AuthorNote));
        assert_eq!(classify("Author's Note: sorry for the wait"), LineKind::Note(NoteKind::AuthorNote));
        assert_eq!(classify("Disclaimer: I don't own Harry Potter."), LineKind::Note(NoteKind::Disclaimer));
        assert_eq!(classify("I don't own any of this, sadly."), LineKind::Note(NoteKind::Disclaimer));
        assert_eq!(classify("Rating: T"), LineKind::Field("rating".into(), "T".into()));
        assert_eq!(classify("by quillwright"), LineKind::Byline("quillwright".into()));
    }
}
