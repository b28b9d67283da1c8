//! Finding names: words and sentence starts, runs of capitalized words, and names spelled
//! a letter off.

use super::vocabulary::{ARTICLES, DIRECTIONS, HONORIFICS, LOCATIVES, NOT_NAMES, PLACE_NOUNS, TITLES};
use std::collections::{HashMap, HashSet};

/// A word of a paragraph, with whether a sentence starts at it.
#[derive(Clone, Debug)]
pub(super) struct Word<'a> {
    /// The word without a possessive ("Harry's" is "Harry") or an honorific ("Sakura-chan"
    /// is "Sakura").
    pub(super) text: &'a str,
    /// The word as written, possessive kept: inside a longer name ("Saint Aldric's
    /// Bridge") it stays.
    written: &'a str,
    sentence_start: bool,
    /// Punctuation follows the word ("Later, Naruto…"): a name does not run on past it.
    pub(super) breaks_after: bool,
    /// The word follows "the" (or "a", or an article of another language): a place, a
    /// group or a thing, rarely a person.
    pub(super) after_article: bool,
    /// The word follows "in", "into", "near" and the like: a place, almost never a person
    /// ("in London"; "in Harry's room" names Harry, so a possessive does not count).
    after_locative: bool,
    /// The word follows "to", "from", "at" or "towards": people are written to and looked
    /// at, places gone to; only a share of such uses tells.
    after_direction: bool,
}

/// Abbreviations besides the titles that end no sentence: a place's ("St. Petersburg",
/// "St. John's Wood", "Mt. Vernon") and the plural of "Mr." ("Messrs. Dodson and Fogg").
const ABBREVIATIONS: &[&str] = &["St.", "Mt.", "Ft.", "Messrs."];

/// Whether a word written with its full stop ends no sentence: a title ("Mr.", "MRS." in
/// a play), an abbreviation ("St.") or an initial ("B." of "Hiram B. Otis").
pub(super) fn ends_no_sentence(word: &str) -> bool {
    let listed = |list: &[&str]| list.iter().any(|a| a.eq_ignore_ascii_case(word));
    word.ends_with('.') && (listed(TITLES) || listed(ABBREVIATIONS) || is_initial(word))
}

pub(super) fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut sentence_start = true;
    // In verse every line opens with a capital ("Wenn ich auf das Ende sehe!!"): a line's
    // first word is no more a name than a sentence's.
    let verse = is_verse(text);
    let mut after_article = false;
    let mut after_locative = false;
    let mut after_direction = false;
    // Empty pieces (between a dash and a space) change nothing: "Jordan? … Nick?" is two
    // sentences.
    let pieces = text.split('\n').enumerate().flat_map(|(n, line)| {
        let raws = line.split(|c: char| c.is_whitespace() || c == '—').filter(|r| !r.is_empty());
        raws.flat_map(dash_parts).enumerate().map(move |(k, raw)| (n > 0 && k == 0, raw))
    });
    for (opens_line, raw) in pieces {
        if verse && opens_line && raw.chars().next().is_some_and(char::is_alphabetic) {
            sentence_start = true;
        }
        let trimmed = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '\'' && c != '-');
        let written = trimmed.trim_end_matches('.');
        let word = without_honorific(written.trim_end_matches("'s").trim_end_matches("’s"));
        // "Mr." keeps its dot: it is a title, not a sentence end.
        let abbreviation = TITLES.contains(&trimmed) || ends_no_sentence(trimmed);
        let (word, written) = if abbreviation { (trimmed, trimmed) } else { (word, written) };
        if !word.is_empty() {
            let breaks_after = raw.trim_end_matches(['"', '”', '\'', '’']).ends_with([',', ';', ':', ')']);
            let possessive = written.len() != word.len() && written.ends_with('s');
            out.push(Word {
                text: word,
                written,
                sentence_start,
                breaks_after,
                after_article,
                after_locative: after_locative && !possessive,
                after_direction: after_direction && !possessive,
            });
            after_article = ARTICLES.contains(&word.to_lowercase().as_str());
            after_locative = LOCATIVES.contains(&word.to_lowercase().as_str()) && !breaks_after;
            after_direction = DIRECTIONS.contains(&word.to_lowercase().as_str()) && !breaks_after;
        }
        let ends = raw.trim_end_matches(['"', '”', '\'', '’', ')']);
        let sentence_end = ends.ends_with(['.', '!', '?', ':', '…']);
        if word.is_empty() {
            // Punctuation standing alone keeps what came before: after "Шабашкин. – " a
            // sentence still starts. A dash between two names parts them.
            sentence_start = sentence_start || sentence_end || raw.starts_with(['"', '“']);
            if raw.chars().all(|c| matches!(c, '–' | '-' | '―'))
                && let Some(last) = out.last_mut()
            {
                last.breaks_after = true;
            }
        } else {
            sentence_start = sentence_end && !abbreviation;
        }
        if raw.starts_with(['"', '“']) && !word.is_empty() {
            // A quotation's first word starts a sentence too.
            if let Some(last) = out.last_mut() {
                last.sentence_start = true;
            }
        }
    }
    out
}

/// A name without the Japanese honorific a story may write after it: "Sakura-chan",
/// "Kakashi-sensei" and "Tsunade-sama" are Sakura, Kakashi and Tsunade.
pub(super) fn without_honorific(word: &str) -> &str {
    match word.rsplit_once('-') {
        Some((name, suffix)) if !name.is_empty() && HONORIFICS.contains(&suffix) => name,
        _ => word,
    }
}

/// A piece of text cut at a plain-text dash ("--" or longer), the dash a piece of its
/// own: "Eve--old" is "Eve", "--", "old", not one word that makes "Eve--old Scrooge" a
/// full name.
fn dash_parts(raw: &str) -> DashParts<'_> {
    DashParts { rest: raw }
}

struct DashParts<'a> {
    rest: &'a str,
}

impl<'a> Iterator for DashParts<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        // Most words have no hyphen at all: no search.
        let found = if self.rest.contains('-') { self.rest.find("--") } else { None };
        let end = match found {
            None => self.rest.len(),
            Some(0) => self.rest.bytes().take_while(|b| *b == b'-').count(),
            Some(at) => at,
        };
        let (part, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(part)
    }
}

/// Whether a paragraph is verse: three lines or more, short, nearly all opening with a
/// capital. Prose wrapped by hand has long lines, most opening in lower case.
fn is_verse(text: &str) -> bool {
    if !text.contains('\n') {
        return false;
    }
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.len() < 3 {
        return false;
    }
    let capitals =
        lines.iter().filter(|l| l.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase)).count();
    let chars: usize = lines.iter().map(|l| l.chars().count()).sum();
    capitals * 5 >= lines.len() * 4 && chars / lines.len() <= 50
}

/// A middle initial: one capital letter and its full stop ("B." of "Hiram B. Otis"). It
/// ends no sentence.
pub(super) fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(c), Some('.'), None) if c.is_uppercase())
}

/// Whether `ws[at]` is an initial inside a name: a capitalized word follows it in the same
/// sentence.
fn initial_in_name(ws: &[Word], at: usize) -> bool {
    is_initial(ws[at].text) && ws.get(at + 1).is_some_and(|next| is_capitalized(next.text) && !next.sentence_start)
}

pub(super) fn is_capitalized(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && word.chars().count() >= 2
        && chars.any(char::is_lowercase)
        && word.chars().all(|c| c.is_alphabetic() || "'-.".contains(c))
}

/// Every capitalized word used inside a sentence, lowercased: the words a text uses as
/// names ("Rose whistled" at a sentence's start could be the verb; "said Rose" cannot).
pub(super) fn capitalized_inside_sentences(paras: &[Vec<Word>]) -> HashSet<String> {
    let mut out = HashSet::new();
    for ws in paras {
        for w in ws {
            if !w.sentence_start && is_capitalized(w.text) {
                out.insert(w.text.to_lowercase());
            }
        }
    }
    out
}

/// How often each word is written in lower case, keyed in lower case: a capitalized word the
/// text also writes in lower case ("Heaven" and "heaven", "Presently" and "presently") is an
/// ordinary word, not a name.
pub(super) fn lowercase_uses(paras: &[Vec<Word>]) -> HashMap<String, u32> {
    let mut out: HashMap<String, u32> = HashMap::new();
    for w in paras.iter().flatten() {
        if w.text.chars().next().is_some_and(char::is_lowercase) {
            *out.entry(w.text.to_lowercase()).or_default() += 1;
        }
    }
    out
}

/// One use of a candidate name.
#[derive(Clone, Debug)]
pub(super) struct Mention {
    pub phrase: String,
    /// It opens a sentence, where any word is capitalized.
    pub sentence_start: bool,
    pub after_article: bool,
    pub after_locative: bool,
    pub after_direction: bool,
    /// The paragraph it is in.
    pub para: usize,
}

/// Capitalized words named side by side, joined by "and", "or" or a comma ("Kingston and
/// Richmond", "from Richmond, Putney"): things of one kind, most often.
pub(super) fn conjoined<'a>(paras: &[Vec<Word<'a>>]) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    let single = |ws: &[Word], k: usize| {
        is_capitalized(ws[k].text)
            && (k == 0 || !is_capitalized(ws[k - 1].text) || ws[k - 1].breaks_after)
            && ws.get(k + 1).is_none_or(|n| !is_capitalized(n.text) || ws[k].breaks_after)
    };
    for ws in paras {
        for k in 0..ws.len().saturating_sub(1) {
            if !single(ws, k) {
                continue;
            }
            let comma = ws[k].breaks_after && ws[k].written.len() == ws[k].text.len();
            let other = match ws[k + 1].text {
                "and" | "or" if !ws[k].breaks_after => k + 2,
                _ if comma => k + 1,
                _ => continue,
            };
            if other < ws.len() && !ws[other].sentence_start && single(ws, other) {
                out.push((ws[k].text, ws[other].text));
            }
        }
    }
    out
}

/// Runs of capitalized words: candidate names, with where each occurrence stands.
pub(super) fn candidates(
    paras: &[Vec<Word>],
    ignore: &HashSet<String>,
    places: &[Vec<String>],
    lowercase: &HashMap<String, u32>,
) -> Vec<Mention> {
    let mut out = Vec::new();
    for (i, ws) in paras.iter().enumerate() {
        let mut at = 0;
        while at < ws.len() {
            let w = &ws[at];
            let titled = TITLES.contains(&w.text) && ws.get(at + 1).is_some_and(|n| is_capitalized(n.text));
            if !(is_capitalized(w.text) || titled) {
                at += 1;
                continue;
            }
            let mut end = at + 1;
            // A title starts a new name ("Gwendolen Lady Bracknell" in a cast list is two
            // people), and a place's last word ends one ("Madison Square Soapy").
            let starts_name = |k: usize| TITLES.contains(&ws[k].text) && !TITLES.contains(&ws[k - 1].text);
            let ends_place = |k: usize| k - at >= 2 && PLACE_NOUNS.contains(&ws[k - 1].text);
            while end < ws.len()
                && end - at < 4
                && (is_capitalized(ws[end].text) || initial_in_name(ws, end))
                && !ws[end].sentence_start
                && !ws[end - 1].breaks_after
                && !starts_name(end)
                && !ends_place(end)
            {
                end += 1;
            }
            // "Flourish and Blotts": a lower-case "and" between capitals, once, when the
            // whole is a known place ("Hermione and Ron" stays two people).
            if end + 1 < ws.len()
                && ws[end].text == "and"
                && is_capitalized(ws[end + 1].text)
                && !ws[end + 1].sentence_start
            {
                let joined: Vec<String> = ws[at..end + 2].iter().map(|w| w.text.to_lowercase()).collect();
                if places.iter().any(|p| p.len() == joined.len() && p.iter().zip(&joined).all(|(a, b)| near(a, b))) {
                    end += 2;
                }
            }
            // A possessive inside a run ends it ("Harry's Firebolt" names Harry), unless
            // the run is a place ("Saint Aldric's Bridge").
            let possessive = |w: &Word| w.written.ends_with("'s") || w.written.ends_with("’s");
            if !PLACE_NOUNS.contains(&ws[end - 1].text)
                && let Some(cut) = ws[at..end - 1].iter().position(possessive)
            {
                end = at + cut + 1;
            }
            let last = end - 1;
            let mut parts: Vec<&str> =
                ws[at..end].iter().enumerate().map(|(k, w)| if at + k == last { w.text } else { w.written }).collect();
            // Leading stop-words ("The Leaky Cauldron" keeps "The" only as a place).
            // The run's flags stay its first word's: "The Baron Vordenburg" opening a
            // sentence is not "the Baron Vordenburg".
            let mut first = at;
            while parts.len() > 1 && NOT_NAMES.contains(&parts[0]) && !TITLES.contains(&parts[0]) {
                parts.remove(0);
            }
            // A sentence's first word glued to the name after it: "Presently Lady Susan",
            // "Thus Rosalind", "Aber Moritz". The text writes such a word in lower case
            // elsewhere; a first name hardly ever is.
            let mut sentence_start = w.sentence_start;
            if sentence_start
                && parts.len() > 1
                && !TITLES.contains(&parts[0])
                && lowercase.get(&parts[0].to_lowercase()).is_some_and(|n| *n >= 1)
            {
                parts.remove(0);
                first += 1;
                sentence_start = false;
            }
            // Unglued, what stands before the name is what stands before its first word
            // kept: in "Am Ende", "Ende" follows "am".
            let w = &ws[first];
            let phrase = parts.join(" ");
            let single_stop = parts.len() == 1 && (NOT_NAMES.contains(&parts[0]) || TITLES.contains(&parts[0]));
            if !single_stop && !ignore.contains(&phrase.to_lowercase()) {
                out.push(Mention {
                    phrase,
                    sentence_start,
                    after_article: w.after_article,
                    after_locative: w.after_locative,
                    after_direction: w.after_direction,
                    para: i,
                });
            }
            at = end;
        }
    }
    out
}

/// Edit distance of at most one, for names spelled a letter off ("Florish"); words under
/// six letters must match exactly. Allocation-free: it runs for every word a name's first
/// word is compared with.
pub(super) fn near(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > 1 || la.min(lb) < 6 {
        return false;
    }
    // The first difference, then the rest must agree after one substitution, insertion
    // or deletion there.
    let Some(((i, ca), (j, cb))) = a.char_indices().zip(b.char_indices()).find(|((_, x), (_, y))| x != y) else {
        // One is the other with a letter added at the end.
        return true;
    };
    let (rest_a, rest_b) = (&a[i + ca.len_utf8()..], &b[j + cb.len_utf8()..]);
    match la.cmp(&lb) {
        std::cmp::Ordering::Equal => rest_a == rest_b,
        std::cmp::Ordering::Greater => rest_a == &b[j..],
        std::cmp::Ordering::Less => &a[i..] == rest_b,
    }
}

/// Whether `text` (lowercased words) holds `name`, each word of it equal or a letter off.
pub(super) fn contains_name(text_words: &[String], name: &str) -> bool {
    contains_words(text_words, &lower_words(name))
}

/// [`contains_name`] with the name already split by [`lower_words`], for a name looked for
/// in many paragraphs.
pub(super) fn contains_words(text_words: &[String], parts: &[String]) -> bool {
    if parts.is_empty() || parts.len() > text_words.len() {
        return false;
    }
    text_words.windows(parts.len()).any(|w| w.iter().zip(parts).all(|(a, b)| near(a, b)))
}

/// The title a phrase opens with and the name after it: `("Mrs.", "Pell")` for "Mrs. Pell";
/// `None` for "Sirius Black", which only starts with the letters of "Sir".
pub(super) fn titled(phrase: &str) -> Option<(&str, &str)> {
    phrase.split_once(' ').filter(|(title, name)| TITLES.contains(title) && !name.trim().is_empty())
}

pub(super) fn lower_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches("'s").to_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_abbreviations_and_initials_end_no_sentence() {
        for word in ["Mr.", "MRS.", "St.", "Messrs.", "B.", "M."] {
            assert!(ends_no_sentence(word), "{word}");
        }
        for word in ["Miss.", "Lord.", "Otis.", "said.", "Mr", "BB."] {
            assert!(!ends_no_sentence(word), "{word}");
        }
    }

    #[test]
    fn a_plain_text_dash_parts_words() {
        fn parts(raw: &str) -> Vec<&str> {
            dash_parts(raw).collect()
        }
        assert_eq!(parts("Eve--old"), ["Eve", "--", "old"]);
        assert_eq!(parts("--Scrooge"), ["--", "Scrooge"]);
        assert_eq!(parts("end---"), ["end", "---"]);
        assert_eq!(parts("door-nail"), ["door-nail"]);
        assert_eq!(parts("--"), ["--"]);
    }
}
