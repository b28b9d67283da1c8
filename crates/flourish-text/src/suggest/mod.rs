//! Reading a story for tags a writer may want: its characters (full names joined to their
//! short forms), who narrates, who speaks each quotation, its places, the relationships the
//! text shows, and the fandom when the names match a known one. Suggestions only: nothing
//! is tagged without the writer's consent.
//!
//! Built for precision: a capitalized word becomes a character only with evidence that it
//! is a name (it appears inside sentences, or the lexicon knows it), and never when it is a
//! group, an exclamation, a form of address or a place. Time and memory are bounded: only
//! the first [`MAX_WORDS`] words are read.

mod chinese;
mod dialogue;
mod gazetteer;
mod german;
mod japanese;
mod names;
mod play;
mod relationships;
mod russian;
mod vocabulary;

use crate::document::{Block, Document, SectionKind};
use crate::lexicon::Lexicon;
use dialogue::{narration, quotations, self_names, speaker_after, speaker_before, vocatives};
use names::{
    Mention, candidates, capitalized_inside_sentences, contains_name, contains_words, lower_words, lowercase_uses,
    near, titled,
};
use relationships::relationships;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use vocabulary::{DEMONYMS, PLACE_NOUNS};

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

/// Places of the text's own suggested at most: the ones it names most (and one a chapter
/// for a book of many titled chapters, whose chapters go places of their own).
const MAX_OWN_PLACES: usize = 12;

/// A quotation, the paragraph it is in, and who the attribution around it names ("Holmes",
/// "I", "he"), as written. Read once: the characters, the speakers and the narrator all
/// need it.
struct Quoted<'a> {
    para: usize,
    quote: &'a str,
    speaker: Option<String>,
    /// Who the attribution names by a role, in lower case ("said the curate").
    role: Option<String>,
}

/// How a candidate phrase is used across the text.
#[derive(Clone, Copy, Debug, Default)]
struct PhraseStats {
    uses: u32,
    /// Uses not at a sentence's start.
    inside: u32,
    after_article: u32,
    after_locative: u32,
    after_direction: u32,
}

/// One paragraph's text, where it is, and whose point of view it is in.
struct Para {
    line: Option<usize>,
    text: String,
}

/// A published book's own fandom: "Title - Author", as AO3 names a source work. A text is
/// known to be a published book by the library it came from (Project Gutenberg, Aozora
/// Bunko). The title loses its subtitle and its capitals ("DAISY MILLER: A STUDY" is
/// "Daisy Miller"), the author the "by" and the asides of a library's catalogue ("H.G.
/// (Herbert George) Wells" is "H. G. Wells").
fn source_work(doc: &Document) -> Option<String> {
    if !is_published_book(doc) {
        return None;
    }
    let title = crate::structure::display_title(doc.title.as_deref()?);
    let title = without_subtitle(&title);
    if title.is_empty() {
        return None;
    }
    let authors: Vec<String> = doc.authors.iter().map(|a| catalogue_name(a)).filter(|a| !a.is_empty()).collect();
    if authors.is_empty() { Some(title.to_owned()) } else { Some(format!("{title} - {}", authors.join(" & "))) }
}

/// Sites fan fiction is downloaded from, as an EPUB's publisher names them: a story from
/// one of them is not a published book.
const FAN_FICTION_SITES: &[&str] = &[
    "archive of our own",
    "archiveofourown",
    "ao3",
    "fanfiction",
    "fanficfare",
    "fichub",
    "wattpad",
    "ficbook",
    "royalroad",
];

/// Whether the text says it is a published book rather than a story written for an
/// archive:
/// - the library it came from (Project Gutenberg, Aozora Bunko);
/// - a Russian title page naming the author with the patronymic, as libraries and
///   publishers do and fan fiction does not;
/// - a Chinese title page crediting an editor or compiler in the old way ("华阳散人编辑");
/// - an EPUB's or front matter's rights ("Public domain") or source (a library's address);
/// - an EPUB's publisher, unless it is a fan fiction site;
/// - a title page naming an edition.
fn is_published_book(doc: &Document) -> bool {
    let field = |key: &str| doc.header_field(key).map(str::to_lowercase).unwrap_or_default();
    let library = doc.header_field("source").is_some_and(|s| s == crate::txt::GUTENBERG || s == crate::aozora::AOZORA);
    let classic_author = doc.authors.first().is_some_and(|a| crate::txt::is_full_name_with_patronymic(a));
    let old_credit = doc.header_field("credit").is_some_and(|c| c != "著");
    let (rights, source) = (field("rights"), field("source"));
    let public_domain = ["public domain", "domaine public", "dominio público", "domínio público", "gemeinfrei"]
        .iter()
        .any(|p| rights.contains(p));
    let library_source = ["gutenberg", "aozora", "wikisource"].iter().any(|l| source.contains(l));
    let publisher = field("publisher");
    let published = !publisher.is_empty() && !FAN_FICTION_SITES.iter().any(|s| publisher.contains(s));
    // A title page naming an edition ("THE MILLENNIUM FULCRUM EDITION 3.0").
    let edition = doc.header_field("edition").is_some();
    library || classic_author || old_credit || public_domain || library_source || published || edition
}

/// A book's title without its subtitle: "Daisy Miller: A Study", "She Stoops to Conquer
/// or, The Mistakes of a Night. A Comedy" are "Daisy Miller" and "She Stoops to Conquer".
/// "Dr. Jekyll" keeps its full stop.
fn without_subtitle(title: &str) -> &str {
    let mut end = title.len();
    for cut in [":", ";", ", or", " or,"] {
        if let Some(at) = title[..end].find(cut) {
            end = at;
        }
    }
    for (at, _) in title[..end].match_indices(". ") {
        let before = title[..at].rsplit(' ').next().unwrap_or("");
        let abbreviation = matches!(before, "Dr" | "Mr" | "Mrs" | "Ms" | "St" | "Mt") || before.chars().count() == 1;
        if !abbreviation {
            end = at;
            break;
        }
    }
    title[..end].trim()
}

/// An author's name as a reader writes it: "by O Henry" is "O Henry", "Saki(Munro)" is
/// "Saki", "H.G. (Herbert George) Wells" is "H. G. Wells".
fn catalogue_name(author: &str) -> String {
    let author = author.trim();
    let author = author.strip_prefix("by ").or_else(|| author.strip_prefix("By ")).unwrap_or(author);
    let mut out = String::with_capacity(author.len());
    let mut depth = 0u32;
    for c in author.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            // "H.G." reads "H. G.".
            c if depth == 0 && c.is_alphabetic() && out.ends_with('.') => {
                out.push(' ');
                out.push(c);
            }
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    // "Александр Сергеевич Пушкин" is cited "Александр Пушкин", as AO3 names him.
    let words: Vec<&str> = out.split_whitespace().collect();
    let patronymic = |w: &&str| words.len() == 3 && crate::txt::is_patronymic(w);
    words.iter().filter(|w| !patronymic(w)).copied().collect::<Vec<_>>().join(" ")
}

/// The words of a longer name beyond those of a short form of it: "Master" of "Master
/// Scrooge" beside "Scrooge", "George" of "George Hastings" beside "HASTINGS".
fn words_beyond<'a>(full: &'a str, short: &str) -> impl Iterator<Item = &'a str> {
    let short: Vec<&str> = short.split_whitespace().collect();
    full.split_whitespace().filter(move |w| !short.iter().any(|s| s.eq_ignore_ascii_case(w)))
}

/// A paragraph's text with its line breaks kept (a stanza's lines), other markup dropped.
fn lines_of(html: &str) -> String {
    if !html.contains("<br") {
        return crate::html_to_text(html);
    }
    let lines = html.split("<br").enumerate().map(|(k, piece)| {
        // After the first, each piece opens with the rest of its `<br />`.
        let piece = if k == 0 { piece } else { piece.split_once('>').map_or("", |(_, rest)| rest) };
        crate::html_to_text(piece)
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// Reads `doc` against `lexicons`; returns the suggestions and who speaks each quotation.
pub fn suggest(doc: &Document, lexicons: &[Lexicon]) -> (SuggestedTags, Vec<Speaker>) {
    let mut paras = Vec::new();
    let mut pov_labels: Vec<String> = Vec::new();
    let mut budget = MAX_WORDS;
    // The work's and the chapters' titles name people too ("Eve's Diary", "At Eve's Grave"),
    // where the text itself may call them "he" and "she" throughout.
    for title in doc.title.iter().chain(doc.chapters.iter().filter_map(|c| c.title.as_ref())) {
        paras.push(Para { line: None, text: title.clone() });
    }
    'chapters: for chapter in &doc.chapters {
        pov_labels.extend(chapter.sections.iter().filter(|s| s.kind == SectionKind::Pov).map(|s| s.label.clone()));
        for block in &chapter.blocks {
            if let Block::Paragraph { line, html } | Block::Raw { line, html } = block {
                let text = lines_of(html);
                let n = text.split_whitespace().count();
                if n > budget {
                    break 'chapters;
                }
                budget -= n;
                paras.push(Para { line: *line, text });
            }
        }
    }
    let sample: String = paras.iter().take(200).map(|p| p.text.as_str()).collect();
    if chinese::is_chinese(&sample) {
        return (chinese_suggestions(doc, &paras), Vec::new());
    }
    if japanese::is_japanese(&sample) {
        return (japanese_suggestions(doc, &paras), Vec::new());
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
        // Split as the text's words are ("Ahch-To" is "ahch", "to").
        let parts = lower_words(name);
        let Some(first) = parts.first() else {
            return false;
        };
        let exact = vocabulary.get(first.as_str()).into_iter().flatten();
        let fuzzy = (first.chars().count() >= 6)
            .then(|| vocabulary.iter().filter(|(w, _)| *w != first && near(w, first)).flat_map(|(_, ps)| ps))
            .into_iter()
            .flatten();
        exact.chain(fuzzy).any(|&i| contains_words(&all_words[i], &parts))
    };

    // Each paragraph's words, read once for the names below.
    let mut para_words: Vec<Vec<names::Word>> = paras.iter().map(|p| names::words(&p.text)).collect();
    let german = german::is_german(&all_words);
    if german {
        para_words.iter_mut().for_each(|ws| german::mark_determiners(ws));
    }
    let names_used = capitalized_inside_sentences(&para_words);
    // The fandom: the lexicon whose characters and places the text names most. A full
    // name is strong evidence; a single name (four letters or more) ("Sakura") counts half, since other stories
    // have a Jane or a Harry too; a place with a long name counts one.
    let lexicon = lexicons
        .iter()
        .map(|l| {
            let (mut full, mut single) = (0, 0);
            for c in &l.characters {
                if c.names().any(|n| n.contains(' ') && text_has(n)) {
                    full += 1;
                } else if c.names().any(|n| n.chars().count() >= 4 && names_used.contains(&n.to_lowercase())) {
                    single += 1;
                }
            }
            let places = l.places.iter().filter(|p| p.names().any(|n| n.len() > 6 && text_has(n))).count();
            // Names alone are not enough: a full name, or two of the fandom's places, must
            // be there too. One place ("Great Hall", "Scotland Yard") and a few common first
            // names are in many books.
            let anchored = full >= 1 || places >= 2;
            (full * 4 + single * 2 + places * 2, anchored, l)
        })
        .filter(|(score, anchored, _)| *anchored && *score >= 8)
        .max_by_key(|(score, _, _)| *score)
        .map(|(_, _, l)| l);

    let mut ignore: HashSet<String> = HashSet::new();
    if let Some(l) = lexicon {
        // Groups, exclamations and places are never characters ("Netherfield").
        for e in l.groups.iter().chain(&l.exclamations).chain(&l.places) {
            ignore.extend(e.names().map(str::to_lowercase));
        }
    }
    let place_words: Vec<Vec<String>> =
        lexicon.map(|l| l.places.iter().flat_map(|p| p.names().map(lower_words)).collect()).unwrap_or_default();
    let lowercase = lowercase_uses(&para_words);
    let mut found = candidates(&para_words, &ignore, &place_words, &lowercase);
    russian::merge_cases(&mut found);

    // How often each phrase occurs, and where it stands.
    let mut stats: HashMap<&str, PhraseStats> = HashMap::new();
    for m in &found {
        let s = stats.entry(m.phrase.as_str()).or_default();
        s.uses += 1;
        s.inside += u32::from(!m.sentence_start);
        s.after_article += u32::from(m.after_article);
        s.after_locative += u32::from(m.after_locative);
        s.after_direction += u32::from(m.after_direction);
    }
    // Who the quotations' attributions name, as written ("said the Hatter" names "Hatter"):
    // whatever stands before it, a speaker is a character.
    let quoted: Vec<Quoted> = paras
        .iter()
        .enumerate()
        .flat_map(|(para, p)| {
            quotations(&p.text).into_iter().map(move |(quote, after, before)| {
                let speaker = speaker_after(after).or_else(|| speaker_before(before));
                let role = if speaker.is_none() { dialogue::role_after(after) } else { None };
                Quoted { para, quote, speaker, role }
            })
        })
        .collect();
    let attributed: HashSet<&str> = quoted.iter().filter_map(|q| q.speaker.as_deref()).collect();
    // A name ending in a place word ("Horsell Common"). The word alone ("the Park") is some
    // place the text does not name, unless the text never writes it in lower case: then
    // it is the place's name ("the Garden" of Eden).
    // Whether the text also writes a word in lower case ("heaven" beside "Heaven").
    let written_in_lower_case = |w: &str| lowercase.contains_key(&w.to_lowercase());
    let is_place_like = |p: &str| {
        let words: Vec<&str> = p.split_whitespace().collect();
        words.last().is_some_and(|w| PLACE_NOUNS.contains(w)) && (words.len() >= 2 || !written_in_lower_case(p))
    };
    // "in Moscow", "near Woking", "to Vevey": a place. A person is rarely "in" anyone, and
    // is written to and looked at in under a tenth of their mentions; a place is gone to,
    // come from and been in in a quarter or more of its own.
    let used_as_place = |p: &str| {
        stats.get(p).is_some_and(|s| {
            let (at, to) = (s.after_locative, s.after_direction);
            at + to >= 2 && (2 * at + to) * 4 >= s.uses
        }) && titled(p).is_none()
            && !attributed.contains(p)
    };
    // Named side by side with a place ("Kingston and Richmond", "from Richmond, Putney"),
    // a name nobody speaks under is no character. Not suggested as a place on that alone:
    // a book names many places in passing so.
    let mut beside_places: HashSet<&str> = HashSet::new();
    for (a, b) in names::conjoined(&para_words) {
        for (one, other) in [(a, b), (b, a)] {
            let place = is_place_like(other) || used_as_place(other);
            if place && stats.contains_key(one) && titled(one).is_none() && !attributed.contains(one) {
                beside_places.insert(one);
            }
        }
    }
    // An ordinary word the text also writes in lower case ("Heaven", "Majesty", "Il"), or a
    // phrase of such words ("Merry Christmas", "Time Machines"), as often as it capitalizes
    // it inside sentences.
    let ordinary_words = |p: &str| {
        let inside = stats.get(p).map_or(0, |s| s.inside);
        let words: Vec<&str> = p.split_whitespace().collect();
        match words.as_slice() {
            [one] => lowercase.get(&one.to_lowercase()).is_some_and(|n| n * 2 >= inside),
            _ => titled(p).is_none() && words.iter().all(|w| written_in_lower_case(w)),
        }
    };
    // A German noun: a word after a determiner in a quarter of its uses ("das Zimmer"),
    // and a phrase holding one after its first word ("Reinhards Hand"). A title and a
    // name take the article together ("die Witwe Bolte").
    let german_noun = |w: &str| stats.get(w).is_some_and(|s| german::is_noun(s.uses, s.after_article));
    let person_like = |p: &str| {
        let s = stats.get(p).copied().unwrap_or_default();
        let known = lexicon.is_some_and(|l| l.character(p).is_some());
        if known || attributed.contains(p) {
            return true;
        }
        // A full name opening a sentence counts when one of its words is also used inside
        // sentences ("Mara Quill kept the light…" and later "…, Mara said").
        let word_inside = p.contains(' ') && p.split_whitespace().any(|w| stats.get(w).is_some_and(|s| s.inside > 0));
        // A title and a name ("Inspector Hale") are a person wherever they stand.
        !is_place_like(p)
            && !used_as_place(p)
            && !beside_places.contains(p)
            && !gazetteer::is_known_place(p)
            && !p.split_whitespace().any(russian::is_not_name)
            && !DEMONYMS.contains(&p)
            && !ordinary_words(p)
            && s.after_article * 2 < s.uses
            && !(german
                && ((!p.contains(' ') && german_noun(p))
                    || german::holds_noun(p, german_noun)
                    || german::has_not_name(p)))
            && (s.inside > 0 || word_inside || titled(p).is_some())
            && !p.ends_with("ers")
    };

    // Full names the text itself writes, and what each short form stands for.
    let full_names: Vec<&str> = stats
        .keys()
        .copied()
        .filter(|p| p.split_whitespace().count() >= 2 && titled(p).is_none() && person_like(p))
        .collect();
    let titled_names: Vec<&str> = stats
        .keys()
        .copied()
        .filter(|p| p.split_whitespace().count() == 2 && titled(p).is_some() && person_like(p))
        .collect();
    // "George B. Wilson" is George Wilson where the text also writes that.
    let without_initial = |name: &str| -> Option<String> {
        let words: Vec<&str> = name.split_whitespace().filter(|w| !names::is_initial(w)).collect();
        let plain = words.join(" ");
        (words.len() >= 2 && plain.len() < name.len() && stats.contains_key(plain.as_str())).then_some(plain)
    };
    let resolve = |mention: &str| -> Option<String> {
        if let Some(c) = lexicon.and_then(|l| l.character(mention)) {
            return Some(c.name.clone());
        }
        let plain = without_initial(mention);
        let mention = plain.as_deref().unwrap_or(mention);
        let bare = titled(mention).map_or(mention, |(_, name)| name.trim());
        // A sentence's first word glued to a name ("Whereat Scrooge"): only ever at a
        // sentence's start, and a word the text never capitalizes inside one.
        let glued_opener = |f: &str| {
            let first = f.split_whitespace().next().unwrap_or("");
            first != bare && stats.get(f).is_some_and(|s| s.inside == 0) && !names_used.contains(&first.to_lowercase())
        };
        // Not a form of address the text also writes in lower case ("Master Scrooge",
        // "Old Marley"): that is the short form again, not another owner of it.
        let addressed = |f: &str| words_beyond(f, bare).all(written_in_lower_case);
        let mut owners: Vec<&&str> = full_names
            .iter()
            .filter(|f| {
                let parts: Vec<&str> = f.split_whitespace().collect();
                (**f == bare || parts.first() == Some(&bare) || parts.last() == Some(&bare))
                    && (**f == bare || !addressed(f))
                    && !glued_opener(f)
                    && without_initial(f).is_none()
            })
            .collect();
        // "Mr. Samsa" where Gregor and Grete Samsa are both named is their father: a title
        // and a surname that several full names share are a person of their own.
        if titled(mention).is_some() && owners.len() >= 2 && person_like(mention) {
            return Some(mention.to_owned());
        }
        // Of several full names, one the text writes three times as often as any other
        // owns the short form ("Tom" is Tom Buchanan, whom a stray "Barbara Tom" does not
        // unseat).
        let uses = |f: &str| stats.get(f).map_or(0, |s| s.uses);
        owners.sort_by(|a, b| uses(b).cmp(&uses(a)).then_with(|| a.cmp(b)));
        if let [first, second, ..] = owners.as_slice()
            && uses(first) >= 3 * uses(second).max(1)
        {
            owners.truncate(1);
        }
        // Without a full name, a surname goes by its title where the text gives one
        // ("Pell" is "Mrs. Pell").
        let by_title: Vec<&&str> =
            titled_names.iter().filter(|t| titled(t).is_some_and(|(_, name)| name == bare)).collect();
        // A short form the text uses three times as often as all its owners together is
        // how the text names someone: kept as it is rather than lost between them.
        let owned: u32 = owners.iter().chain(&by_title).map(|f| uses(f)).sum();
        match (owners.as_slice(), by_title.as_slice()) {
            ([one], _) => Some((**one).to_owned()),
            ([], [one]) => Some((**one).to_owned()),
            ([], []) if person_like(mention) => Some(bare.to_owned()),
            _ if titled(mention).is_none() && person_like(bare) && uses(bare) >= 3 * owned.max(1) => {
                Some(bare.to_owned())
            }
            _ => None,
        }
    };

    let mut characters: BTreeMap<String, (u32, HashSet<String>)> = BTreeMap::new();
    let mut mention_paras: HashMap<String, HashSet<usize>> = HashMap::new();
    for Mention { phrase, para, .. } in &found {
        if !person_like(phrase) {
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

    // The narrator of a first-person text: its point-of-view label; else who the narrator
    // says they are, or whom the other speakers call out to while the narration hardly
    // names them (a narrator says "I").
    // What the narrator says, without the quotations: characters say "I" in any story.
    let narrated: Vec<Cow<[String]>> = paras
        .iter()
        .zip(&all_words)
        .map(|(p, all)| {
            if p.text.contains(['"', '“', '\'', '‘']) {
                Cow::Owned(lower_words(&narration(&p.text)))
            } else {
                Cow::Borrowed(all.as_slice())
            }
        })
        .collect();
    let first_person =
        narrated.iter().flat_map(|ws| ws.iter()).filter(|w| *w == "i" || *w == "me" || *w == "my").count();
    let total_words: usize = narrated.iter().map(|ws| ws.len()).sum();
    // A play's speakers say "I" in every speech; it has no narrator.
    let play_speakers = play::speakers(paras.iter().map(|p| p.text.as_str()));
    let narrator = if first_person * 40 > total_words.max(1) && play_speakers.is_empty() {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for l in &pov_labels {
            *counts.entry(l.as_str()).or_default() += 1;
        }
        let labelled =
            counts.into_iter().max_by_key(|(_, n)| *n).map(|(l, _)| resolve(l).unwrap_or_else(|| l.to_owned()));
        labelled
            .or_else(|| addressed_narrator(&paras, &quoted, &narrated, &resolve, &characters))
            .or_else(|| diary_writer(doc))
            // A narrator the text never names is still someone: "The Narrator", as AO3 tags
            // one. Not in a book of letters, whose "I" is each letter's writer.
            .or_else(|| {
                let throughout = first_person * UNNAMED_NARRATOR_SHARE > total_words;
                (throughout && !is_epistolary(doc) && !has_told_parts(doc)).then(|| UNNAMED_NARRATOR.to_owned())
            })
    } else {
        None
    };
    if let Some(n) = &narrator {
        characters.entry(n.clone()).or_default().0 += 1;
    }

    // Who speaks: `"…," Name said`, `Name said, "…"`, and the narrator's `"…" I sneered`.
    let mut speakers = Vec::new();
    let mut spoke: HashMap<String, u32> = HashMap::new();
    for q in &quoted {
        let who = match q.speaker.as_deref() {
            Some("I") => narrator.clone(),
            Some(name) => resolve(name).filter(|n| characters.contains_key(n)),
            None => None,
        };
        if let Some(who) = who {
            *spoke.entry(who.clone()).or_default() += 1;
            speakers.push(Speaker {
                line: paras[q.para].line,
                quote: q.quote.chars().take(60).collect(),
                speaker: who,
            });
        }
    }

    // A play's speakers are its characters, each speech a word of theirs.
    // "HASTINGS." is George Hastings where the text names him so; each speech is a scene
    // he is in, and he is in every sentence of it.
    let mut speaker_of: HashMap<usize, String> = HashMap::new();
    for (name, speech_paras) in play_speakers {
        // Not a form of address the text writes in lower case too ("Master Touchstone",
        // "Sweet Phebe"): the play's own name for them is the better tag.
        let by_name_only = |full: &String| !words_beyond(full, &name).any(written_in_lower_case);
        let key = resolve(&name)
            .filter(|r| characters.contains_key(r) && by_name_only(r))
            .or_else(|| characters.keys().find(|k| k.eq_ignore_ascii_case(&name)).cloned())
            .unwrap_or(name);
        let speeches = speech_paras.len() as u32;
        let entry = characters.entry(key.clone()).or_default();
        entry.0 = entry.0.max(speeches);
        *spoke.entry(key.clone()).or_default() += speeches;
        mention_paras.entry(key.clone()).or_default().extend(speech_paras.iter().copied());
        speaker_of.extend(speech_paras.into_iter().map(|p| (p, key.clone())));
    }

    // Characters the text knows only by what they are, in lower case: "said the curate"
    // three times or more makes the curate someone. Their mentions are every "the curate".
    let mut roles: BTreeMap<String, u32> = BTreeMap::new();
    for role in quoted.iter().filter_map(|q| q.role.clone()) {
        *roles.entry(role).or_default() += 1;
    }
    roles.retain(|_, said| *said >= MIN_ROLE_SPEECHES);
    let lowered: Vec<String> =
        if roles.is_empty() { Vec::new() } else { paras.iter().map(|p| p.text.to_lowercase()).collect() };
    for (role, said) in roles {
        let name = role_name(&role);
        if characters.contains_key(&name) {
            continue;
        }
        let phrase = format!("the {role}");
        let mentions = lowered.iter().map(|p| p.matches(&phrase).count() as u32).sum::<u32>();
        characters.insert(name.clone(), (mentions.max(said), HashSet::new()));
        *spoke.entry(name).or_default() += said;
    }

    // Importance: mentions, speech, and telling the story.
    let mut ranked: Vec<CharacterSuggestion> = characters
        .into_iter()
        .filter(|(name, (mentions, _))| *mentions >= 2 || spoke.contains_key(name) || narrator.as_ref() == Some(name))
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
    // A name in passing is not worth a tag: keep those with a thirtieth of the leader's
    // weight at least, fifteen at most; a book of many titled chapters (a collection's
    // stories) has people in each, two a chapter more.
    let floor = ranked.first().map_or(0, |c| score(c) / 30);
    ranked.retain(|c| score(c) >= floor.max(2));
    let stories = titled_chapters(doc);
    ranked.truncate(MAX_CHARACTERS.max(stories * 2).min(MAX_COLLECTION_CHARACTERS));
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
    // The text's own: a name ending in a place word, or one used as a place, that is
    // nobody's name, most used first. Only places named twice or more are worth a tag.
    let is_character = |p: &str| ranked.iter().any(|c| c.name == p || c.aliases.iter().any(|a| a == p));
    let mut own: Vec<(&str, u32)> = stats
        .iter()
        .filter(|(p, s)| {
            let covered = places
                .iter()
                .any(|known| contains_name(&lower_words(known), p) || contains_name(&lower_words(p), known));
            // A place every reader knows, where the story goes (in it, to it, from it),
            // not one mentioned in passing.
            let known = gazetteer::is_known_place(p) && s.after_locative + s.after_direction >= 1;
            (is_place_like(p) || used_as_place(p) || known)
                && s.uses >= 2
                && !(german && german_noun(p))
                && !covered
                && !is_character(p)
                && !DEMONYMS.contains(*p)
                && !ordinary_words(p)
        })
        .map(|(p, s)| (*p, s.uses))
        .collect();
    own.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    places.extend(own.into_iter().take(MAX_OWN_PLACES.max(stories)).map(|(p, _)| p.to_owned()));
    places.sort();
    places.dedup();
    // A place's last word alone ("Chase" of Canterville Chase, "Lane" of Squash Lane) is
    // that place again, or a piece of a name cut short.
    let whole: Vec<String> = places.clone();
    places.retain(|p| p.contains(' ') || !whole.iter().any(|w| w != p && w.ends_with(&format!(" {p}"))));

    // Every form each person is named by, split as the text's words are.
    let phrases: HashMap<&str, Vec<Vec<String>>> = ranked
        .iter()
        .map(|c| (c.name.as_str(), std::iter::once(&c.name).chain(&c.aliases).map(|n| lower_words(n)).collect()))
        .collect();
    let cast = relationships::Cast {
        known: &known,
        mention_paras: &mention_paras,
        phrases: Some(&phrases),
        speaker_of: &speaker_of,
        narrator: narrator.as_deref(),
    };
    let relationships = relationships(&paras, &narrated, &cast, stories);
    let fandoms = match source_work(doc) {
        // A published book is its own fandom, named as AO3 names source works.
        Some(book) => vec![book],
        None => lexicon.map(|l| vec![l.fandom.clone()]).unwrap_or_default(),
    };
    (SuggestedTags { fandoms, characters: ranked, relationships, places, narrator }, speakers)
}

/// Characters suggested at most for one story…
const MAX_CHARACTERS: usize = 15;
/// …and for a collection of many.
const MAX_COLLECTION_CHARACTERS: usize = 40;

/// Chapters titled by a name of their own (not a number or a numbered label), when most
/// are; none otherwise.
fn titled_chapters(doc: &Document) -> usize {
    let titled = doc
        .chapters
        .iter()
        .filter(|c| c.title.as_deref().is_some_and(|t| !crate::patterns::is_number_label(t)))
        .count();
    if titled * 4 >= doc.chapters.len() * 3 { titled } else { 0 }
}

/// The name of a narrator the text never names.
const UNNAMED_NARRATOR: &str = "The Narrator";
/// An unnamed narrator tells the whole book: "I", "me" or "my" is one word in thirty of
/// the narration at least.
const UNNAMED_NARRATOR_SHARE: usize = 30;

/// Who writes a diary its title names: "Extracts from Adam's Diary" is Adam's, "The
/// Journal of Anna Pell" Anna Pell's.
fn diary_writer(doc: &Document) -> Option<String> {
    let title = doc.title.as_deref()?.trim();
    // ASCII case only, so that offsets in `lower` are offsets in `title` ("İ" lower-cased
    // is longer than itself).
    let lower = title.to_ascii_lowercase();
    for book in ["diary", "journal"] {
        if let Some(at) = lower.find(&format!("'s {book}")).or_else(|| lower.find(&format!("’s {book}"))) {
            let name = title[..at].rsplit(|c: char| !c.is_alphanumeric() && c != ' ' && c != '.').next()?;
            let name = name.trim();
            let lead = ["extracts from ", "extract from ", "from "]
                .iter()
                .find(|l| name.to_ascii_lowercase().starts_with(*l))
                .map_or(0, |l| l.len());
            let name = name[lead..].trim();
            return (!name.is_empty()).then(|| name.to_owned());
        }
        for lead in [format!("the {book} of "), format!("{book} of ")] {
            if lower.starts_with(&lead) {
                return Some(title[lead.len()..].trim().to_owned()).filter(|n| !n.is_empty());
            }
        }
    }
    None
}

/// A book whose first-person parts are headed by who tells them ("Dr. Lanyon's
/// Narrative", "Henry Jekyll's Full Statement of the Case"): its "I" has names.
fn has_told_parts(doc: &Document) -> bool {
    doc.chapters.iter().filter_map(|c| c.title.as_deref()).any(|t| {
        let t = t.to_lowercase().replace('’', "'");
        t.contains("'s ") && ["narrative", "statement", "confession", "story", "account"].iter().any(|w| t.contains(w))
    })
}

/// A book of letters: half its chapters or more are letters ("Letter IV", "Lady Susan to
/// Mrs. Johnson").
fn is_epistolary(doc: &Document) -> bool {
    let letters = doc
        .chapters
        .iter()
        .filter_map(|c| c.title.as_deref().or(c.heading.as_deref()))
        .filter(|t| {
            let t = t.to_lowercase();
            t.starts_with("letter") || t.contains(" to ")
        })
        .count();
    letters >= 2 && letters * 2 >= doc.chapters.len()
}

/// Speeches attributed to a role ("said the curate") that make it a character.
const MIN_ROLE_SPEECHES: u32 = 4;

/// "medical man" is named "The Medical Man", as a tag names a character known by a role.
fn role_name(role: &str) -> String {
    let words: Vec<String> = role.split(' ').map(crate::patterns::capitalize).collect();
    format!("The {}", words.join(" "))
}

/// Pairs a Chinese or Japanese text keeps together, read as [`relationships`] reads them:
/// each name is found where it is written, the cues of love in the text's own words.
fn cjk_relationships(paras: &[Para], characters: &[CharacterSuggestion]) -> Vec<RelationshipSuggestion> {
    let known: Vec<&str> = characters.iter().map(|c| c.name.as_str()).collect();
    let mention_paras: HashMap<String, HashSet<usize>> = known
        .iter()
        .map(|n| {
            (n.to_string(), paras.iter().enumerate().filter(|(_, p)| p.text.contains(n)).map(|(i, _)| i).collect())
        })
        .collect();
    // No narration in words to read English cues from.
    let narrated: Vec<Cow<[String]>> = paras.iter().map(|_| Cow::Owned(Vec::new())).collect();
    let no_speakers = HashMap::new();
    let cast = relationships::Cast {
        known: &known,
        mention_paras: &mention_paras,
        phrases: None,
        speaker_of: &no_speakers,
        narrator: None,
    };
    relationships(paras, &narrated, &cast, 0)
}

/// `places` and the known cities a Chinese or Japanese text names twice or more ("南京",
/// "洛陽"), which no place word ends: the most named first, as many as a text's own.
fn with_known_cjk_places(texts: &[&str], mut places: Vec<(String, u32)>) -> Vec<String> {
    for known in gazetteer::cjk_places() {
        let uses = texts.iter().map(|t| t.matches(known).count() as u32).sum::<u32>();
        if uses >= 2 && !places.iter().any(|(p, _)| p.contains(known)) {
            places.push((known.to_owned(), uses));
        }
    }
    places.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    places.into_iter().take(MAX_OWN_PLACES).map(|(p, _)| p).collect()
}

/// A Japanese text's characters (see [`japanese`]); its fandom as a published book's.
fn japanese_suggestions(doc: &Document, paras: &[Para]) -> SuggestedTags {
    let texts: Vec<&str> = paras.iter().map(|p| p.text.as_str()).collect();
    let characters: Vec<CharacterSuggestion> = japanese::names(&texts)
        .into_iter()
        .take(15)
        .map(|(name, mentions)| CharacterSuggestion { name, mentions, aliases: Vec::new() })
        .collect();
    SuggestedTags {
        fandoms: source_work(doc).into_iter().collect(),
        relationships: cjk_relationships(paras, &characters),
        characters,
        places: with_known_cjk_places(&texts, Vec::new()),
        narrator: None,
    }
}

/// A Chinese text's characters and places (see [`chinese`]); its fandom as a published
/// book's.
fn chinese_suggestions(doc: &Document, paras: &[Para]) -> SuggestedTags {
    let texts: Vec<&str> = paras.iter().map(|p| p.text.as_str()).collect();
    let (names, places) = chinese::names_and_places(&texts);
    let characters: Vec<CharacterSuggestion> = names
        .into_iter()
        .take(15)
        .map(|(name, mentions)| CharacterSuggestion { name, mentions, aliases: Vec::new() })
        .collect();
    let places = with_known_cjk_places(&texts, places);
    SuggestedTags {
        fandoms: source_work(doc).into_iter().collect(),
        relationships: cjk_relationships(paras, &characters),
        characters,
        places,
        narrator: None,
    }
}

/// Who narrates a first-person text without a point-of-view label: the name the narrator
/// gives themself (worth three), or the one other speakers call out to (`"Stolen, Watson,"
/// Holmes said`) twice or more, kept only when the narration names them no more often
/// than that. One cry of a name ("Lord Garrick!") is not enough.
fn addressed_narrator(
    paras: &[Para],
    quoted: &[Quoted],
    narrated: &[Cow<[String]>],
    resolve: &impl Fn(&str) -> Option<String>,
    characters: &BTreeMap<String, (u32, HashSet<String>)>,
) -> Option<String> {
    let mut called: BTreeMap<String, u32> = BTreeMap::new();
    for p in paras {
        for name in self_names(&narration(&p.text)) {
            if let Some(who) = resolve(name) {
                *called.entry(who).or_default() += 3;
            }
        }
    }
    for q in quoted {
        // Called out to by someone the attribution does not name ("Laura, dear, come
        // here," from a father who is only "he") counts as much.
        let Some(speaker) = q.speaker.as_deref() else {
            for name in vocatives(q.quote) {
                if let Some(who) = resolve(name) {
                    *called.entry(who).or_default() += 1;
                }
            }
            continue;
        };
        if speaker == "I" {
            for name in self_names(q.quote) {
                if let Some(who) = resolve(name) {
                    *called.entry(who).or_default() += 3;
                }
            }
            continue;
        }
        let speaker = resolve(speaker);
        for name in vocatives(q.quote) {
            if let Some(who) = resolve(name).filter(|who| Some(who) != speaker.as_ref()) {
                *called.entry(who).or_default() += 1;
            }
        }
    }
    let named_in_narration = |who: &str| {
        let forms: Vec<&str> = std::iter::once(who)
            .chain(characters.get(who).into_iter().flat_map(|c| c.1.iter().map(String::as_str)))
            .collect();
        narrated.iter().filter(|ws| forms.iter().any(|f| contains_name(ws, f))).count() as u32
    };
    let mut ranked: Vec<(String, u32)> =
        called.into_iter().filter(|(who, score)| *score >= 2 && named_in_narration(who) <= *score).collect();
    // Highest first; a tie names nobody.
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    match ranked.as_slice() {
        [(who, _)] => Some(who.clone()),
        [(who, best), (_, next), ..] if best > next => Some(who.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::dialogue::{narration, quotations, self_names, speaker_after, speaker_before, vocatives};
    use super::names::{contains_name, lower_words, near};

    #[test]
    fn a_book_title_loses_its_subtitle() {
        use super::without_subtitle;
        assert_eq!(without_subtitle("Daisy Miller: A Study"), "Daisy Miller");
        assert_eq!(
            without_subtitle("She Stoops to Conquer or, The Mistakes of a Night. A Comedy"),
            "She Stoops to Conquer"
        );
        assert_eq!(
            without_subtitle("The Strange Case of Dr. Jekyll and Mr. Hyde"),
            "The Strange Case of Dr. Jekyll and Mr. Hyde"
        );
        assert_eq!(without_subtitle("Emma"), "Emma");
    }

    #[test]
    fn a_catalogue_name_reads_as_a_reader_writes_it() {
        use super::catalogue_name;
        assert_eq!(catalogue_name("by O Henry"), "O Henry");
        assert_eq!(catalogue_name("Saki(Munro)"), "Saki");
        assert_eq!(catalogue_name("H.G. (Herbert George) Wells"), "H. G. Wells");
        assert_eq!(catalogue_name("Jane Austen"), "Jane Austen");
        assert_eq!(catalogue_name("夏目漱石"), "夏目漱石");
        assert_eq!(catalogue_name("Александр Сергеевич Пушкин"), "Александр Пушкин");
    }

    #[test]
    fn names_a_letter_off_still_match() {
        assert!(near("florish", "flourish"));
        assert!(near("blotts", "blotts"));
        assert!(!near("harry", "larry"), "short words must match exactly");
        for (a, b, same) in [
            ("flourish", "flourlsh", true),
            ("flourish", "flourishes", false),
            ("flourish", "flourishe", true),
            ("lfourish", "flourish", false),
            ("astronomy", "astrnomy", true),
            ("astronomy", "astronmy", true),
            ("malfoyy", "malfoy", true),
            ("zabini", "zabimi", true),
            ("zabini", "zobimi", false),
            ("gryffindor", "gryfindor", true),
        ] {
            assert_eq!(near(a, b), same, "{a} {b}");
            assert_eq!(near(b, a), same, "{b} {a}");
        }
        assert!(contains_name(&lower_words("we went to Florish and Blotts today"), "Flourish and Blotts"));
    }

    #[test]
    fn speakers_are_found_after_and_before_quotations() {
        assert_eq!(speaker_after(", Pansy said dragging me").as_deref(), Some("Pansy"));
        assert_eq!(speaker_after(" I sneered, I really").as_deref(), Some("I"));
        assert_eq!(speaker_after(" said Neville.").as_deref(), Some("Neville"));
        assert_eq!(speaker_before("Luna said, ").as_deref(), Some("Luna"));
        assert_eq!(speaker_after(" The little boy asked."), None, "not a name");
        assert_eq!(speaker_after(" said the March Hare. \"Go on\"").as_deref(), Some("March Hare"));
        assert_eq!(speaker_after(", the Hatter said.").as_deref(), Some("Hatter"));
        assert_eq!(speaker_after(" said the old man."), None, "what someone is, in lower case, names nobody");
    }

    #[test]
    fn quotations_in_double_and_single_marks() {
        let q = quotations("\"Come in!\" said Holmes. \"Sit.\"");
        assert_eq!(q.iter().map(|q| q.0).collect::<Vec<_>>(), ["Come in!", "Sit."]);
        assert_eq!(q[0].1, " said Holmes. \"Sit.\"");
        let q = quotations("'You see, Watson,' said he, 'you do not observe. It's Jim's watch.'");
        assert_eq!(
            q.iter().map(|q| q.0).collect::<Vec<_>>(),
            ["You see, Watson,", "you do not observe. It's Jim's watch."]
        );
        assert_eq!(q[1].2, "'You see, Watson,' said he, ");
        assert_eq!(quotations("‘Come in!’ said Holmes’s visitor.")[0].0, "Come in!");
        let q = quotations("`Why not?' said the Time Traveller.  `But now you begin to see.'");
        assert_eq!(q.iter().map(|q| q.0).collect::<Vec<_>>(), ["Why not?", "But now you begin to see."]);
        assert!(quotations("It was Jim's watch, and Della's hair, and the Youngs' flat.").is_empty());
    }

    #[test]
    fn vocatives_self_names_and_narration() {
        // Candidates only: resolving them against the text's characters drops "Stolen".
        assert_eq!(vocatives("Stolen, Watson"), ["Stolen", "Watson"]);
        assert_eq!(vocatives("Thank you, Mr. Darcy! I shall"), ["Mr. Darcy"]);
        assert_eq!(vocatives("Potter, wait. Draco Malfoy, I mean it"), ["Potter", "Draco Malfoy"]);
        assert!(vocatives("Perhaps Mrs. Hudson moved it").is_empty(), "a name inside a clause is not called out to");
        assert!(vocatives("Not now, Dada, please. Oh, Merlin").iter().all(|v| !v.contains("Not")));
        assert_eq!(self_names("I told them my name is Ada Quill and left."), ["Ada Quill"]);
        assert_eq!(self_names("\"I'm Dr. Quill,\" I said"), ["Dr. Quill"]);
        assert!(self_names("I am not sure, and I'm tired.").is_empty());
        let told = narration("I waited. \"Go on,\" she said. \"Now.\" I went.");
        assert_eq!(told.split_whitespace().collect::<Vec<_>>(), ["I", "waited.", "she", "said.", "I", "went."]);
    }
}
