//! Quotations and who speaks them.

use super::names::{is_capitalized, without_honorific};
use super::vocabulary::{NOT_NAMES, SPEECH, TITLES};

/// Who else may speak a quotation: "he said", "asked she".
const PRONOUNS: &[&str] = &["he", "she", "they", "He", "She", "They"];

/// Each quotation of a paragraph, with the text after it and before it. A paragraph with
/// double marks quotes with them; one without quotes with single marks, as British
/// English does ('Come in!' said Holmes), told from apostrophes ("Jim's", "ain't") by
/// where they stand: a quotation opens after a space and closes before one.
pub(super) fn quotations(text: &str) -> Vec<(&str, &str, &str)> {
    let double = text.contains(['"', '“', '”']);
    let mut out = Vec::new();
    // Where the open quotation's mark is, and where its words start.
    let mut open: Option<(usize, usize)> = None;
    let mut before: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let after = chars.peek().map(|&(_, c)| c);
        let (opens, closes) = if double {
            (matches!(c, '"' | '“'), matches!(c, '"' | '”'))
        } else {
            let starts_word = before.is_none_or(|b| b.is_whitespace() || "(—–-".contains(b));
            let ends_word = after.is_none_or(|a| a.is_whitespace() || ",.;:!?—–)".contains(a));
            (
                // Old etexts open with a backtick: `Why not?' said the Time Traveller.
                c == '‘' || c == '`' || c == '\'' && starts_word && after.is_some_and(|a| !a.is_whitespace()),
                matches!(c, '’' | '\'') && ends_word && before.is_some_and(|b| !b.is_whitespace()),
            )
        };
        match open {
            Some((mark, from)) if closes => {
                out.push((&text[from..at], &text[at + c.len_utf8()..], &text[..mark]));
                open = None;
            }
            None if opens => open = Some((at, at + c.len_utf8())),
            _ => {}
        }
        before = Some(c);
    }
    out
}

/// `, Name said` / ` I sneered` / ` said Mrs. Pell` / ` he asked` right after a quotation:
/// the name, "I", or the pronoun.
pub(super) fn speaker_after(after: &str) -> Option<String> {
    // The attribution's words, up to the end of its sentence ("said the Hatter. Go on"
    // names the Hatter, not "Hatter Go").
    let mut ws: Vec<&str> = Vec::with_capacity(5);
    for raw in after.split_whitespace() {
        if !ws.is_empty() && raw.starts_with(['"', '“', '‘']) {
            break;
        }
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
        let w = if TITLES.contains(&w) { w } else { without_honorific(w.trim_end_matches('.')) };
        if !w.is_empty() {
            ws.push(w);
        }
        let ends = raw.trim_end_matches(['"', '”', '\'', '’']).ends_with(['.', '!', '?', ';', ':']);
        if ws.len() == 5 || (ends && !TITLES.contains(&w) && !ws.is_empty()) {
            break;
        }
    }
    let name = |w: &&str| is_capitalized(w) && !NOT_NAMES.contains(w) && !TITLES.contains(w);
    let said = |w: &&str| SPEECH.contains(w);
    let the = |w: &&str| *w == "the";
    // After "the", any capitalized word may open a name ("the March Hare").
    let capital = |w: &&str| is_capitalized(w) && !TITLES.contains(w);
    match ws.as_slice() {
        // "said the March Hare", "the Hatter said": a character known by what they are.
        [verb, article, first, last, ..] if said(verb) && the(article) && capital(first) && name(last) => {
            Some(format!("{first} {last}"))
        }
        [verb, article, who, ..] if said(verb) && the(article) && name(who) => Some((*who).to_owned()),
        [article, first, last, verb, ..] if the(article) && said(verb) && capital(first) && name(last) => {
            Some(format!("{first} {last}"))
        }
        [article, who, verb, ..] if the(article) && said(verb) && name(who) => Some((*who).to_owned()),
        [who, verb, ..] if said(verb) && (*who == "I" || name(who) || PRONOUNS.contains(who)) => {
            Some((*who).to_owned())
        }
        [first, last, verb, ..] if said(verb) && (name(first) || TITLES.contains(first)) && name(last) => {
            Some(format!("{first} {last}"))
        }
        [verb, title, who, ..] if said(verb) && TITLES.contains(title) && name(who) => Some(format!("{title} {who}")),
        [verb, who, ..] if said(verb) && (name(who) || PRONOUNS.contains(who)) => Some((*who).to_owned()),
        _ => None,
    }
}

/// Words that stand after "the" in an attribution without being anyone ("said the
/// other", "the voice said").
const NOT_ROLES: &[&str] = &[
    "other", "others", "one", "first", "last", "same", "rest", "whole", "voice", "word", "words", "answer", "question",
    "reply", "thing", "time", "book", "letter", "note", "paper", "sign", "card",
];

/// Nouns for anyone, which a story uses for its named characters ("the young girl" is
/// Daisy Miller): no role of their own.
const EPITHETS: &[&str] =
    &["man", "woman", "girl", "boy", "child", "lady", "gentleman", "stranger", "fellow", "person", "creature", "youth"];

/// Words describing a role, which name it with the word after them ("the medical man",
/// "the elder son", "the young king").
const ROLE_ADJECTIVES: &[&str] = &[
    "young", "old", "little", "poor", "elder", "eldest", "younger", "youngest", "medical", "first", "second", "third",
];

/// `said the curate`, `the medical man asked`: a character known only by what they are,
/// in lower case, right after a quotation ("the curate", "the medical man"). A plural
/// ("said the men") is a crowd.
pub(super) fn role_after(after: &str) -> Option<String> {
    let ws: Vec<&str> =
        after.split_whitespace().take(5).map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')).collect();
    let role_at = |at: usize| -> Option<(String, usize)> {
        let word = |w: &str| w.len() >= 3 && w.chars().all(|c| c.is_lowercase() || c == '-') && !NOT_ROLES.contains(&w);
        let first = *ws.get(at)?;
        if !word(first) || SPEECH.contains(&first) {
            return None;
        }
        let (role, used) = match ws.get(at + 1) {
            Some(next) if ROLE_ADJECTIVES.contains(&first) && word(next) && !SPEECH.contains(next) => {
                (format!("{first} {next}"), 2)
            }
            _ if ROLE_ADJECTIVES.contains(&first) => return None,
            _ => (first.to_owned(), 1),
        };
        let noun = role.rsplit(' ').next().unwrap_or(&role);
        // "the young girl", "the old man": a named character, more often than not, told
        // by what anyone could see.
        if EPITHETS.contains(&noun) {
            return None;
        }
        let plural =
            noun.ends_with('s') && !noun.ends_with("ss") || matches!(noun, "men" | "women" | "people" | "children");
        (!plural).then_some((role, used))
    };
    match ws.as_slice() {
        [verb, "the", ..] if SPEECH.contains(verb) => role_at(2).map(|(r, _)| r),
        ["the", ..] => {
            role_at(1).filter(|(_, used)| ws.get(1 + used).is_some_and(|v| SPEECH.contains(v))).map(|(r, _)| r)
        }
        _ => None,
    }
}

/// `Name said, ` right before a quotation.
pub(super) fn speaker_before(before: &str) -> Option<String> {
    let ws: Vec<&str> = before
        .split_whitespace()
        .rev()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .take(2)
        .collect();
    match ws.as_slice() {
        [verb, who] if SPEECH.contains(verb) && is_capitalized(who) && !NOT_NAMES.contains(who) => {
            Some((*who).to_owned())
        }
        _ => None,
    }
}

/// Names a quotation calls out to: `"Stolen, Watson"`, `"Potter, wait"`, `"Thank you,
/// Mr. Darcy!"`. A vocative stands alone between commas and sentence ends and is one to
/// three capitalized words, a title allowed first.
pub(super) fn vocatives(quote: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in quote.char_indices() {
        let ends_title = c == '.' && TITLES.iter().any(|t| quote[..=i].ends_with(t));
        if matches!(c, ',' | '!' | '?' | ';' | ':' | '—' | '…') || c == '.' && !ends_title {
            push_vocative(&mut out, &quote[start..i]);
            start = i + c.len_utf8();
        }
    }
    push_vocative(&mut out, &quote[start..]);
    out
}

fn push_vocative<'a>(out: &mut Vec<&'a str>, segment: &'a str) {
    let segment = segment.trim().trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
    let words: Vec<&str> = segment.split_whitespace().collect();
    let titled = words.first().is_some_and(|w| TITLES.contains(w));
    let names = &words[usize::from(titled)..];
    let name_like = !names.is_empty()
        && names.len() <= 3
        && names
            .iter()
            .map(|w| without_honorific(w))
            .all(|w| is_capitalized(w) && !NOT_NAMES.contains(&w) && !TITLES.contains(&w));
    if name_like {
        // "Sakura-chan!" calls out to Sakura.
        out.push(if words.len() == 1 { without_honorific(segment) } else { segment });
    }
}

/// Names the narrator gives themself: "My name is Ada Quill", "I'm Ada", "I am Mr. Quill".
pub(super) fn self_names(text: &str) -> Vec<&str> {
    static SELF_NAMING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?:\b[Mm]y name is|\bI am|\bI'm|\bI’m|\bcall me)\s+((?:(?:Mr|Mrs|Ms|Dr)\.\s+|Miss\s+)?\p{Lu}\p{Ll}[\p{L}'’-]*(?:\s+\p{Lu}\p{Ll}[\p{L}'’-]*)?)",
        )
        .expect("valid pattern")
    });
    SELF_NAMING.captures_iter(text).filter_map(|c| c.get(1)).map(|m| m.as_str()).collect()
}

/// A paragraph without its quotations: what the narrator says.
pub(super) fn narration(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    // `before` runs from the paragraph's start to the opening mark, and `after` from the
    // closing mark to its end.
    for (_, after, before) in quotations(text) {
        out.push_str(&text[from..before.len()]);
        out.push(' ');
        from = text.len() - after.len();
    }
    out.push_str(&text[from..]);
    out
}
