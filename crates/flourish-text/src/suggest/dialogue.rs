//! Quotations and who speaks them.

use super::names::is_capitalized;
use super::vocabulary::{NOT_NAMES, SPEECH};

/// Each quotation of a paragraph, with the text after it and before it.
pub(super) fn quotations(text: &str) -> Vec<(&str, &str, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find(['"', '“']) {
        let open_len = rest[open..].chars().next().map_or(1, char::len_utf8);
        let after_open = &rest[open + open_len..];
        let Some(close) = after_open.find(['"', '”']) else { break };
        let close_len = after_open[close..].chars().next().map_or(1, char::len_utf8);
        let quote = &after_open[..close];
        let after = &after_open[close + close_len..];
        let before = &text[..offset + open];
        out.push((quote, after, before));
        offset += open + open_len + close + close_len;
        rest = after;
    }
    out
}

/// `, Name said` / ` I sneered` / ` said Name` right after a quotation.
pub(super) fn speaker_after(after: &str) -> Option<String> {
    let ws: Vec<&str> = after
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.').trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .take(4)
        .collect();
    match ws.as_slice() {
        [who, verb, ..]
            if SPEECH.contains(verb) && (*who == "I" || is_capitalized(who)) && !NOT_NAMES.contains(who)
                || *who == "I" && SPEECH.contains(verb) =>
        {
            Some((*who).to_owned())
        }
        [first, last, verb, ..] if SPEECH.contains(verb) && is_capitalized(first) && is_capitalized(last) => {
            Some(format!("{first} {last}"))
        }
        [verb, who, ..] if SPEECH.contains(verb) && is_capitalized(who) && !NOT_NAMES.contains(who) => {
            Some((*who).to_owned())
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
