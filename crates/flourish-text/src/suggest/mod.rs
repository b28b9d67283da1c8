//! Reading a story for tags a writer may want: its characters (full names joined to their
//! short forms), who narrates, who speaks each quotation, its places, the relationships the
//! text shows, and the fandom when the names match a known one. Suggestions only: nothing
//! is tagged without the writer's consent.
//!
//! Built for precision: a capitalized word becomes a character only with evidence that it
//! is a name (it appears inside sentences, or the lexicon knows it), and never when it is a
//! group, an exclamation, a form of address or a place. Time and memory are bounded: only
//! the first [`MAX_WORDS`] words are read.

mod dialogue;
mod names;
mod relationships;
mod vocabulary;

use crate::document::{Block, Document, SectionKind};
use crate::lexicon::Lexicon;
use dialogue::{quotations, speaker_after, speaker_before};
use names::{candidates, contains_name, lower_words, near};
use relationships::relationships;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use vocabulary::{PLACE_NOUNS, TITLES};

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

/// One paragraph's text, where it is, and whose point of view it is in.
struct Para {
    line: Option<usize>,
    text: String,
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

#[cfg(test)]
mod tests {
    use super::dialogue::{speaker_after, speaker_before};
    use super::names::{contains_name, lower_words, near};

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
