//! Reading a story for tags a writer may want: its characters (full names joined to their
//! short forms), who narrates, who speaks each quotation, its places, the relationships the
//! text shows, and the fandom when the names match a known one. Suggestions only: nothing
//! is tagged without the writer's consent.
//!
//! Built for precision: a capitalized word becomes a character only with evidence that it
//! is a name (it appears inside sentences, or the lexicon knows it), and never when it is a
//! group, an exclamation, a form of address or a place. Time and memory are bounded: only
//! the first [`MAX_WORDS`] words are read.

use crate::document::{Block, Document, SectionKind};
use crate::lexicon::Lexicon;
use flourish_core::{Pairing, relationship_name};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Words read at most; suggestions come from the opening of a very long text.
pub const MAX_WORDS: usize = 400_000;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SuggestedTags {
    pub fandoms: Vec<String>,
    pub characters: Vec<CharacterSuggestion>,
    pub relationships: Vec<RelationshipSuggestion>,
    pub places: Vec<String>,
    /// Who tells a first-person story.
    pub narrator: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CharacterSuggestion {
    pub name: String,
    pub mentions: u32,
    /// The other names the text calls them by.
    pub aliases: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RelationshipSuggestion {
    /// `A/B` (romantic) or `A & B` (platonic), names in a stable order.
    pub name: String,
    pub kind: &'static str,
    /// Lines (1-based) that show it; empty for files without lines.
    pub evidence: Vec<usize>,
}

/// A quotation and who says it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Speaker {
    pub line: Option<usize>,
    /// The quotation's opening words.
    pub quote: String,
    pub speaker: String,
}

/// Words that start sentences, address people or exclaim: never a name on their own.
const NOT_NAMES: &[&str] = &[
    "A",
    "About",
    "After",
    "Again",
    "Ah",
    "All",
    "Also",
    "An",
    "And",
    "Another",
    "Any",
    "As",
    "At",
    "Back",
    "Be",
    "Because",
    "Before",
    "But",
    "By",
    "Chapter",
    "Come",
    "Could",
    "Dad",
    "Dada",
    "Daddy",
    "Dear",
    "Did",
    "Do",
    "Don't",
    "Each",
    "End",
    "Even",
    "Every",
    "Everyone",
    "Father",
    "Finally",
    "Flash",
    "Flashback",
    "For",
    "From",
    "Good",
    "Goodbye",
    "Hello",
    "Her",
    "Here",
    "Hey",
    "Hi",
    "His",
    "How",
    "I",
    "I'd",
    "I'll",
    "I'm",
    "I've",
    "If",
    "In",
    "Is",
    "It",
    "It's",
    "Just",
    "Let",
    "Like",
    "Maybe",
    "Me",
    "Miss",
    "Mom",
    "Mommy",
    "More",
    "Mother",
    "Mr",
    "Mr.",
    "Mrs",
    "Mrs.",
    "Ms.",
    "Mum",
    "Mummy",
    "My",
    "No",
    "Not",
    "Nothing",
    "Now",
    "Of",
    "Oh",
    "Okay",
    "On",
    "Once",
    "One",
    "Only",
    "Or",
    "Our",
    "Please",
    "Point",
    "Pov",
    "POV",
    "Perhaps",
    "Really",
    "Right",
    "She",
    "So",
    "Some",
    "Someone",
    "Something",
    "Sir",
    "Soon",
    "Sorry",
    "Still",
    "Such",
    "Tank",
    "Thank",
    "Thanks",
    "That",
    "That's",
    "The",
    "Their",
    "Them",
    "Then",
    "There",
    "These",
    "They",
    "This",
    "Those",
    "Though",
    "To",
    "Today",
    "Tomorrow",
    "Too",
    "Two",
    "Under",
    "Until",
    "Up",
    "View",
    "Was",
    "We",
    "Well",
    "What",
    "When",
    "Where",
    "Which",
    "While",
    "Who",
    "Why",
    "With",
    "Without",
    "Wow",
    "Yes",
    "Yet",
    "You",
    "Your",
    "He",
    "Him",
    "Ma'am",
    "Ma'ma",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Christmas",
    "God",
    "A/N",
    "Actually",
    "Such",
    "Every",
    "Not",
    "Has",
];

/// Titles that come before a surname.
const TITLES: &[&str] = &["Mr.", "Mrs.", "Ms.", "Miss", "Professor", "Madam", "Lord", "Lady", "Dr.", "Sir"];

/// Last words of a place's name.
const PLACE_NOUNS: &[&str] = &[
    "Point",
    "Harbour",
    "Harbor",
    "Quay",
    "Bay",
    "Cove",
    "Hill",
    "Valley",
    "Port",
    "Alley",
    "Tower",
    "Hall",
    "Manor",
    "Street",
    "Road",
    "Castle",
    "Forest",
    "Lake",
    "Station",
    "Hospital",
    "House",
    "Inn",
    "Shop",
    "Park",
    "Square",
    "Lane",
    "Bridge",
    "River",
    "Village",
    "City",
    "Palace",
    "Abbey",
    "Church",
    "School",
    "Academy",
    "Library",
    "Gardens",
    "Garden",
    "Ministry",
    "Cauldron",
    "Broomsticks",
    "Mountains",
    "Island",
];

/// Verbs of speech, in the forms attribution uses.
const SPEECH: &[&str] = &[
    "said",
    "asked",
    "replied",
    "answered",
    "whispered",
    "shouted",
    "yelled",
    "cried",
    "sneered",
    "snapped",
    "muttered",
    "murmured",
    "called",
    "added",
    "hissed",
    "growled",
    "exclaimed",
    "demanded",
    "insisted",
    "admitted",
    "began",
    "continued",
    "told",
    "explained",
    "teased",
    "screamed",
    "stammered",
    "mumbled",
    "breathed",
    "groaned",
];

/// Words that show two people are together, and words that show they are family or friends.
const ROMANTIC: &[&str] = &[
    "kiss",
    "kissed",
    "kissing",
    "kisses",
    "husband",
    "wife",
    "married",
    "marry",
    "boyfriend",
    "girlfriend",
    "fiancé",
    "fiance",
    "fiancée",
    "lover",
    "lovers",
    "dating",
    "in love",
    "mouth to mine",
    "lips to mine",
    "made love",
    "wedding",
];
const FAMILY: &[&str] =
    &["son", "daughter", "father", "mother", "brother", "sister", "cousin", "best friend", "friends"];

/// One paragraph's text, where it is, and whose point of view it is in.
struct Para {
    line: Option<usize>,
    text: String,
}

/// A word of a paragraph, with whether a sentence starts at it.
#[derive(Clone, Debug)]
struct Word<'a> {
    text: &'a str,
    sentence_start: bool,
    /// The word follows "the" (or "a"): a place, a group or a thing, rarely a person.
    after_article: bool,
}

fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut sentence_start = true;
    let mut after_article = false;
    for raw in text.split(|c: char| c.is_whitespace() || c == '—' || c == '…') {
        let trimmed = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '\'' && c != '-');
        let word = trimmed.trim_end_matches('.').trim_end_matches("'s").trim_end_matches("’s");
        // "Mr." keeps its dot: it is a title, not a sentence end.
        let word = if TITLES.contains(&trimmed) { trimmed } else { word };
        if !word.is_empty() {
            out.push(Word { text: word, sentence_start, after_article });
            after_article = matches!(word.to_lowercase().as_str(), "the" | "a" | "an");
        }
        let ends = raw.trim_end_matches(['"', '”', '\'', '’', ')']);
        sentence_start = (ends.ends_with(['.', '!', '?', ':']) && !TITLES.contains(&trimmed))
            || raw.starts_with(['"', '“']) && word.is_empty();
        if raw.starts_with(['"', '“']) && !word.is_empty() {
            // A quotation's first word starts a sentence too.
            if let Some(last) = out.last_mut() {
                last.sentence_start = true;
            }
        }
    }
    out
}

fn is_capitalized(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && word.chars().count() >= 2
        && chars.any(char::is_lowercase)
        && word.chars().all(|c| c.is_alphabetic() || "'-.".contains(c))
}

/// Runs of capitalized words: candidate names, with whether each occurrence began a sentence
/// or followed an article.
fn candidates(paras: &[Para], ignore: &HashSet<String>, places: &[Vec<String>]) -> Vec<(String, bool, bool, usize)> {
    let mut out = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        let ws = words(&p.text);
        let mut at = 0;
        while at < ws.len() {
            let w = &ws[at];
            let titled = TITLES.contains(&w.text) && ws.get(at + 1).is_some_and(|n| is_capitalized(n.text));
            if !(is_capitalized(w.text) || titled) {
                at += 1;
                continue;
            }
            let mut end = at + 1;
            while end < ws.len() && end - at < 4 && is_capitalized(ws[end].text) && !ws[end].sentence_start {
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
            let mut parts: Vec<&str> = ws[at..end].iter().map(|w| w.text).collect();
            // Leading stop-words ("The Leaky Cauldron" keeps "The" only as a place).
            while parts.len() > 1 && NOT_NAMES.contains(&parts[0]) && !TITLES.contains(&parts[0]) {
                parts.remove(0);
            }
            let phrase = parts.join(" ");
            let single_stop = parts.len() == 1 && (NOT_NAMES.contains(&parts[0]) || TITLES.contains(&parts[0]));
            if !single_stop && !ignore.contains(&phrase.to_lowercase()) {
                out.push((phrase, w.sentence_start, w.after_article, i));
            }
            at = end;
        }
    }
    out
}

/// Edit distance of at most one, for names spelled a letter off ("Florish").
fn near(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 || a.len().min(b.len()) < 6 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// Whether `text` (lowercased words) holds `name`, each word of it equal or a letter off.
fn contains_name(text_words: &[String], name: &str) -> bool {
    let parts: Vec<String> =
        name.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).collect();
    if parts.is_empty() || parts.len() > text_words.len() {
        return false;
    }
    text_words.windows(parts.len()).any(|w| w.iter().zip(&parts).all(|(a, b)| near(a, b)))
}

fn lower_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches("'s").to_lowercase())
        .collect()
}

/// Reads `doc` against `lexicons`; returns the suggestions and who speaks each quotation.
pub fn suggest(doc: &Document, lexicons: &[Lexicon]) -> (SuggestedTags, Vec<Speaker>) {
    let mut paras = Vec::new();
    let mut pov_labels: Vec<String> = Vec::new();
    let mut budget = MAX_WORDS;
    'chapters: for chapter in &doc.chapters {
        pov_labels.extend(chapter.sections.iter().filter(|s| s.kind == SectionKind::Pov).map(|s| s.label.clone()));
        for block in &chapter.blocks {
            if let Block::Paragraph { line, html } | Block::Raw { line, html } = block {
                let text = crate::html_to_text(html);
                let n = text.split_whitespace().count();
                if n > budget {
                    break 'chapters;
                }
                budget -= n;
                paras.push(Para { line: *line, text });
            }
        }
    }
    let all_words: Vec<Vec<String>> = paras.iter().map(|p| lower_words(&p.text)).collect();
    // Each distinct word and the paragraphs it is in: a name is looked for only where its
    // first word (or a word a letter off it) occurs.
    let mut vocabulary: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, ws) in all_words.iter().enumerate() {
        for w in ws {
            let at = vocabulary.entry(w.as_str()).or_default();
            if at.last() != Some(&i) {
                at.push(i);
            }
        }
    }
    let text_has = |name: &str| -> bool {
        let Some(first) =
            name.split_whitespace().next().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        else {
            return false;
        };
        let exact = vocabulary.get(first.as_str()).into_iter().flatten();
        let fuzzy = (first.chars().count() >= 6)
            .then(|| vocabulary.iter().filter(|(w, _)| **w != first && near(w, &first)).flat_map(|(_, ps)| ps))
            .into_iter()
            .flatten();
        exact.chain(fuzzy).any(|&i| contains_name(&all_words[i], name))
    };

    // The fandom: the lexicon whose characters and places the text names most.
    let lexicon = lexicons
        .iter()
        .map(|l| {
            let people = l.characters.iter().filter(|c| c.names().any(|n| n.contains(' ') && text_has(n))).count();
            let places = l.places.iter().filter(|p| p.names().any(|n| n.len() > 6 && text_has(n))).count();
            (people * 2 + places, people, l)
        })
        .filter(|(_, people, _)| *people >= 1)
        .filter(|(score, _, _)| *score >= 3)
        .max_by_key(|(score, _, _)| *score)
        .map(|(_, _, l)| l);

    let mut ignore: HashSet<String> = HashSet::new();
    if let Some(l) = lexicon {
        for e in l.groups.iter().chain(&l.exclamations) {
            ignore.extend(e.names().map(str::to_lowercase));
        }
    }
    let place_words: Vec<Vec<String>> =
        lexicon.map(|l| l.places.iter().flat_map(|p| p.names().map(lower_words)).collect()).unwrap_or_default();
    let found = candidates(&paras, &ignore, &place_words);

    // How often each phrase occurs, inside sentences, at their start, after an article.
    let mut stats: HashMap<&str, (u32, u32, u32)> = HashMap::new();
    for (phrase, start, article, _) in &found {
        let s = stats.entry(phrase.as_str()).or_default();
        s.0 += 1;
        if !*start {
            s.1 += 1;
        }
        if *article {
            s.2 += 1;
        }
    }
    let is_place_like = |p: &str| p.split_whitespace().last().is_some_and(|w| PLACE_NOUNS.contains(&w));
    let person_like = |p: &str| {
        let &(n, inside, article) = stats.get(p).unwrap_or(&(0, 0, 0));
        // A full name opening a sentence counts when one of its words is also used inside
        // sentences ("Mara Quill kept the light…" and later "…, Mara said").
        let word_inside = p.contains(' ') && p.split_whitespace().any(|w| stats.get(w).is_some_and(|s| s.1 > 0));
        !is_place_like(p)
            && article * 2 < n
            && (inside > 0 || word_inside || lexicon.is_some_and(|l| l.character(p).is_some()))
            && !p.ends_with("ers")
    };

    // Full names the text itself writes, and what each short form stands for.
    let full_names: Vec<&str> = stats
        .keys()
        .copied()
        .filter(|p| p.split_whitespace().count() >= 2 && !TITLES.iter().any(|t| p.starts_with(t)) && person_like(p))
        .collect();
    let resolve = |mention: &str| -> Option<String> {
        if let Some(c) = lexicon.and_then(|l| l.character(mention)) {
            return Some(c.name.clone());
        }
        let bare = TITLES.iter().find_map(|t| mention.strip_prefix(t)).map_or(mention, str::trim);
        let owners: Vec<&&str> = full_names
            .iter()
            .filter(|f| {
                let parts: Vec<&str> = f.split_whitespace().collect();
                **f == bare || parts.first() == Some(&bare) || parts.last() == Some(&bare)
            })
            .collect();
        match owners.as_slice() {
            [one] => Some((**one).to_owned()),
            [] if person_like(mention) => Some(bare.to_owned()),
            _ => None,
        }
    };

    let mut characters: BTreeMap<String, (u32, HashSet<String>)> = BTreeMap::new();
    let mut mention_paras: HashMap<String, HashSet<usize>> = HashMap::new();
    for (phrase, _, _, para) in &found {
        if !person_like(phrase) && lexicon.is_none_or(|l| l.character(phrase).is_none()) {
            continue;
        }
        let Some(name) = resolve(phrase) else { continue };
        let entry = characters.entry(name.clone()).or_default();
        entry.0 += 1;
        if *phrase != name {
            entry.1.insert(phrase.clone());
        }
        mention_paras.entry(name).or_default().insert(*para);
    }

    // The narrator: a first-person text's point-of-view label, or how others address "I".
    let first_person = all_words.iter().flatten().filter(|w| *w == "i" || *w == "me" || *w == "my").count();
    let total_words: usize = all_words.iter().map(Vec::len).sum();
    let narrator = (first_person * 40 > total_words.max(1))
        .then(|| {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for l in &pov_labels {
                *counts.entry(l.as_str()).or_default() += 1;
            }
            counts.into_iter().max_by_key(|(_, n)| *n).map(|(l, _)| l.to_owned())
        })
        .flatten()
        .and_then(|label| resolve(&label).or(Some(label)));
    if let Some(n) = &narrator {
        characters.entry(n.clone()).or_default().0 += 1;
    }

    // Who speaks: `"…," Name said`, `Name said, "…"`, and the narrator's `"…" I sneered`.
    let mut speakers = Vec::new();
    let mut spoke: HashMap<String, u32> = HashMap::new();
    for p in &paras {
        for (quote, after, before) in quotations(&p.text) {
            let named = speaker_after(after).or_else(|| speaker_before(before));
            let who = match named.as_deref() {
                Some("I") => narrator.clone(),
                Some(name) => resolve(name).filter(|n| characters.contains_key(n)),
                None => None,
            };
            if let Some(who) = who {
                *spoke.entry(who.clone()).or_default() += 1;
                speakers.push(Speaker { line: p.line, quote: quote.chars().take(60).collect(), speaker: who });
            }
        }
    }

    // Importance: mentions, speech, and telling the story.
    let mut ranked: Vec<CharacterSuggestion> = characters
        .into_iter()
        .filter(|(name, (mentions, _))| *mentions >= 2 || spoke.contains_key(name))
        .map(|(name, (mentions, aliases))| {
            let mut aliases: Vec<String> = aliases.into_iter().collect();
            aliases.sort();
            CharacterSuggestion { name, mentions, aliases }
        })
        .collect();
    let score = |c: &CharacterSuggestion| {
        c.mentions
            + 3 * spoke.get(&c.name).copied().unwrap_or(0)
            + if Some(&c.name) == narrator.as_ref() { 20 } else { 0 }
    };
    ranked.sort_by(|a, b| score(b).cmp(&score(a)).then_with(|| a.name.cmp(&b.name)));
    ranked.truncate(15);
    // In rank order, so every choice below is the same on every run.
    let known: Vec<&str> = ranked.iter().map(|c| c.name.as_str()).collect();

    // Places: the lexicon's, each word a letter off at most, then the text's own
    // capitalized names ending in a place word.
    let mut places: Vec<String> = Vec::new();
    if let Some(l) = lexicon {
        for p in &l.places {
            if p.names().any(&text_has) {
                places.push(p.name.clone());
            }
        }
    }
    for (phrase, (n, _, _)) in &stats {
        let covered =
            places.iter().any(|p| contains_name(&lower_words(p), phrase) || contains_name(&lower_words(phrase), p));
        if is_place_like(phrase) && *n >= 1 && !covered && phrase.split_whitespace().count() >= 2 {
            places.push((*phrase).to_owned());
        }
    }
    places.sort();
    places.dedup();

    let relationships = relationships(&paras, &all_words, &known, &mention_paras, narrator.as_deref());
    let fandoms = lexicon.map(|l| vec![l.fandom.clone()]).unwrap_or_default();
    (SuggestedTags { fandoms, characters: ranked, relationships, places, narrator }, speakers)
}

/// Each quotation of a paragraph, with the text after it and before it.
fn quotations(text: &str) -> Vec<(&str, &str, &str)> {
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
fn speaker_after(after: &str) -> Option<String> {
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
fn speaker_before(before: &str) -> Option<String> {
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

/// Pairs the text shows together: both named (or one of them the narrator) in a paragraph
/// whose words say they are a couple, or family and friends.
fn relationships(
    paras: &[Para],
    all_words: &[Vec<String>],
    known: &[&str],
    mention_paras: &HashMap<String, HashSet<usize>>,
    narrator: Option<&str>,
) -> Vec<RelationshipSuggestion> {
    let mut found: BTreeMap<(String, String, &'static str), Vec<usize>> = BTreeMap::new();
    // The last character named, carried over paragraphs: who "he" and "him" most likely are.
    let mut last_named: Option<&str> = None;
    for (i, p) in paras.iter().enumerate() {
        let text = format!(" {} ", all_words[i].join(" "));
        let mut here: Vec<&str> =
            known.iter().copied().filter(|n| mention_paras.get(*n).is_some_and(|ps| ps.contains(&i))).collect();
        here.sort();
        let first_person = text.contains(" i ") || text.contains(" me ") || text.contains(" my ");
        if let Some(n) = narrator.filter(|_| first_person)
            && !here.contains(&n)
        {
            here.push(n);
        }
        let pronoun = text.contains(" he ")
            || text.contains(" him ")
            || text.contains(" his ")
            || text.contains(" she ")
            || text.contains(" her ");
        if let Some(prev) = last_named.filter(|_| pronoun && here.len() == 1)
            && !here.contains(&prev)
        {
            here.push(prev);
        }
        for (cues, kind) in [(ROMANTIC, "romantic"), (FAMILY, "platonic")] {
            if !cues.iter().any(|c| text.contains(&format!(" {c} "))) || here.len() != 2 {
                continue;
            }
            let (a, b) = if here[0] <= here[1] { (here[0], here[1]) } else { (here[1], here[0]) };
            found.entry((a.to_owned(), b.to_owned(), kind)).or_default().extend(p.line);
        }
        if let Some(named) = known
            .iter()
            .copied()
            .filter(|n| Some(*n) != narrator)
            .find(|n| mention_paras.get(*n).is_some_and(|ps| ps.contains(&i)))
        {
            last_named = Some(named);
        }
    }
    let mut out: Vec<RelationshipSuggestion> = found
        .into_iter()
        .map(|((a, b, kind), evidence)| RelationshipSuggestion {
            name: relationship_name(
                &[a.as_str(), b.as_str()],
                if kind == "romantic" { Pairing::Romantic } else { Pairing::Platonic },
            ),
            kind,
            evidence,
        })
        .collect();
    // A pair that is a couple is not also suggested as friends.
    let couples: HashSet<String> =
        out.iter().filter(|r| r.kind == "romantic").map(|r| r.name.replace('/', " & ")).collect();
    out.retain(|r| r.kind == "romantic" || !couples.contains(&r.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_letter_off_still_match() {
        assert!(near("florish", "flourish"));
        assert!(near("blotts", "blotts"));
        assert!(!near("harry", "larry"), "short words must match exactly");
        assert!(contains_name(&lower_words("we went to Florish and Blotts today"), "Flourish and Blotts"));
    }

    #[test]
    fn speakers_are_found_after_and_before_quotations() {
        assert_eq!(speaker_after(", Pansy said dragging me").as_deref(), Some("Pansy"));
        assert_eq!(speaker_after(" I sneered, I really").as_deref(), Some("I"));
        assert_eq!(speaker_after(" said Neville.").as_deref(), Some("Neville"));
        assert_eq!(speaker_before("Luna said, ").as_deref(), Some("Luna"));
        assert_eq!(speaker_after(" The little boy asked."), None, "not a name");
    }
}
