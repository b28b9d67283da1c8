//! Pairs the text shows together, and how.

use super::dialogue::narration;
use super::names::{contains_words, ends_no_sentence, lower_words};
use super::vocabulary::{FAMILY, KISSES, ROMANTIC};
use super::{Para, RelationshipSuggestion};
use flourish_core::{Pairing, relationship_name};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The people a text's pairs are read among, and where each is.
pub(super) struct Cast<'a> {
    /// The characters, most important first.
    pub known: &'a [&'a str],
    /// The paragraphs each is named in.
    pub mention_paras: &'a HashMap<String, HashSet<usize>>,
    /// Every form each is named by, split as the text's words are; none where names are
    /// not words (Chinese, Japanese): cues are then read paragraph by paragraph.
    pub phrases: Option<&'a HashMap<&'a str, Vec<Vec<String>>>>,
    /// A play's speech paragraphs and who speaks them.
    pub speaker_of: &'a HashMap<usize, String>,
    pub narrator: Option<&'a str>,
}

/// Pairs the text shows together: both named (or one of them the narrator) in a paragraph
/// whose narration says they are a couple, or family and friends. A kiss is enough once;
/// talk of marriage and lovers must come twice; people of one surname are family, never
/// a couple.
pub(super) fn relationships(
    paras: &[Para],
    narrated: &[Cow<[String]>],
    cast: &Cast,
    stories: usize,
) -> Vec<RelationshipSuggestion> {
    let Cast { known, mention_paras, phrases, speaker_of, narrator } = *cast;
    // Each pair (in name order), what the paragraphs say of it, and where.
    let mut found: BTreeMap<(String, String), BTreeMap<Cue, Evidence>> = BTreeMap::new();
    // The last two characters named, most recent first, carried over paragraphs: who "he"
    // and "her" most likely are.
    let mut recent: Vec<&str> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        let in_para: Vec<&str> =
            known.iter().copied().filter(|n| mention_paras.get(*n).is_some_and(|ps| ps.contains(&i))).collect();
        // Cues count in the narration only: "Is he married?" in a quotation is talk.
        let text = format!(" {} ", narrated[i].join(" "));
        let cued = |text: &str| [KISSES, ROMANTIC, FAMILY].iter().any(|cues| has_cue(text, cues));
        // A cue speaks of the people of its own sentence: in "I wasn't in love, but…
        // that night at Daisy's", Daisy is only the place the evening was spent. Where
        // the names' forms are not known (Chinese, Japanese), of the paragraph's.
        let para_cued = cued(&text);
        let Some(phrases) = phrases.filter(|_| para_cued) else {
            let cjk = phrases.is_none() && CJK_ROMANTIC.iter().any(|c| p.text.contains(c));
            if cjk || para_cued {
                let scope = Scope { text: &text, cjk_romance: cjk, named: in_para.clone() };
                judge(&scope, narrator, &recent, p.line, &mut found);
            }
            remember(&mut recent, known.iter().rev().copied().filter(|n| in_para.contains(n) && Some(*n) != narrator));
            continue;
        };
        let narration = if p.text.contains(['"', '“', '\'', '‘']) { narration(&p.text) } else { p.text.clone() };
        let named_in = |words: &[String]| -> Vec<&str> {
            in_para
                .iter()
                .copied()
                .filter(|n| phrases.get(n).is_some_and(|forms| forms.iter().any(|f| contains_words(words, f))))
                .collect()
        };
        // A play's speaker is in every sentence of their speech ("HASTINGS. … I love you").
        let speaker = speaker_of.get(&i).and_then(|s| in_para.iter().copied().find(|n| n == s));
        for sentence in sentences(&narration) {
            let words = lower_words(sentence);
            let mut named = named_in(&words);
            if let Some(s) = speaker.filter(|s| !named.contains(s)) {
                named.push(s);
            }
            let text = format!(" {} ", words.join(" "));
            if cued(&text) {
                judge(
                    &Scope { text: &text, cjk_romance: false, named: named.clone() },
                    narrator,
                    &recent,
                    p.line,
                    &mut found,
                );
            }
            // Who "he" and "she" are next: the last named, here sentence by sentence.
            remember(&mut recent, known.iter().rev().copied().filter(|n| named.contains(n) && Some(*n) != narrator));
        }
    }
    // "Mr. Otis" and "Mrs. Otis" in one story are husband and wife, whatever the
    // paragraphs say of them.
    for (i, a) in known.iter().enumerate() {
        for b in &known[i + 1..] {
            if married(a, b) {
                let pair = if a < b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) };
                found.entry(pair).or_default().entry(Cue::Married).or_default().push((None, 1));
            }
        }
    }
    // Pairs the story keeps together: named in the same paragraph or the next one, often.
    // Without a cue they are suggested as friends or family (AO3's `A & B`), the pairs that
    // share the most scenes first, when the scenes they share are a third or more of the
    // less-seen one's (a main character shares a few scenes with everyone).
    // A collection's stories each have pairs of their own.
    let max_together = MAX_TOGETHER.max(stories);
    let together = scenes_together(paras.len(), known, PEOPLE_TOGETHER.max(2 * stories), mention_paras);
    let mut out = Vec::new();
    let mut kept_together = 0;
    for (pair, scenes) in &together {
        // A pair a cue already decides needs no scenes; one a cue only hinted at (talk of
        // marriage once) still does.
        if found.get(pair).is_some_and(|cues| decided(cues).is_some()) || kept_together >= max_together {
            continue;
        }
        let fewer = |n: &str| mention_paras.get(n).map_or(0, |ps| ps.len() as u32);
        let least = fewer(&pair.0).min(fewer(&pair.1));
        if *scenes >= MIN_SCENES_TOGETHER && *scenes * 3 >= least {
            found.entry(pair.clone()).or_default().entry(Cue::Together).or_default().push((None, *scenes));
            kept_together += 1;
        }
    }
    for ((a, b), cues) in found {
        let lines = |cue: Cue| cues.get(&cue).into_iter().flatten().map(|(line, _)| *line);
        let together = cues.contains_key(&Cue::Together);
        let (pairing, evidence): (Pairing, Vec<Option<usize>>) = match decided(&cues) {
            Some(Pairing::Romantic) => (Pairing::Romantic, lines(Cue::Kiss).chain(lines(Cue::Romance)).collect()),
            Some(_) => (Pairing::Platonic, lines(Cue::Family).collect()),
            None if together => (Pairing::Platonic, Vec::new()),
            None => continue,
        };
        let mut evidence: Vec<usize> = evidence.into_iter().flatten().collect();
        evidence.sort();
        evidence.dedup();
        out.push(RelationshipSuggestion {
            name: relationship_name(&[a.as_str(), b.as_str()], pairing),
            kind: if pairing == Pairing::Romantic { "romantic" } else { "platonic" },
            evidence,
        });
    }
    out
}

/// Words of marriage and love in Chinese and Japanese, which have no spaces to find
/// [`ROMANTIC`]'s words by: to marry (娶, 嫁, 成亲, 結婚), husband and wife (夫妻, 夫婦),
/// the bridal chamber (洞房), love (恩爱, 相爱, 恋).
const CJK_ROMANTIC: &[&str] =
    &["娶", "嫁", "成亲", "成婚", "结婚", "結婚", "夫妻", "夫婦", "洞房", "恩爱", "相爱", "恋"];

/// The paragraphs that say something of a pair: each one's line and weight.
type Evidence = Vec<(Option<usize>, u32)>;

/// What a paragraph says of a pair, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cue {
    /// A husband's and a wife's titles before one surname.
    Married,
    Kiss,
    Romance,
    Family,
    /// Often in the same scene, without a word for what they are to each other.
    Together,
}

/// Scenes two people must share, at least, to be suggested as a pair without a cue…
const MIN_SCENES_TOGETHER: u32 = 6;
/// …and how many such pairs are suggested at most (one a story more in a collection)…
const MAX_TOGETHER: usize = 5;
/// …among the most important people (two a story more in a collection).
const PEOPLE_TOGETHER: usize = 8;

/// How many paragraphs each pair of `known` people share, counting a paragraph and the one
/// before it as one scene (dialogue alternates paragraphs), most shared first. A narrator
/// counts where they are named, not wherever the narration says "I".
fn scenes_together(
    paras: usize,
    known: &[&str],
    people: usize,
    mention_paras: &HashMap<String, HashSet<usize>>,
) -> Vec<((String, String), u32)> {
    let people: Vec<&str> = known.iter().copied().take(people).collect();
    let in_para = |n: &str, i: usize| mention_paras.get(n).is_some_and(|ps| ps.contains(&i));
    let mut counts: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    let mut pairs: HashSet<(&str, &str)> = HashSet::new();
    for i in 0..paras {
        // Who is named here, and who here or just before: the pairs are among them only.
        let here: Vec<&str> = people.iter().copied().filter(|n| in_para(n, i)).collect();
        if here.is_empty() {
            continue;
        }
        let near: Vec<&str> =
            people.iter().copied().filter(|n| in_para(n, i) || (i > 0 && in_para(n, i - 1))).collect();
        pairs.clear();
        for a in &here {
            for b in near.iter().filter(|b| *b != a) {
                pairs.insert(if a < b { (a, b) } else { (b, a) });
            }
        }
        for pair in &pairs {
            *counts.entry(*pair).or_default() += 1;
        }
    }
    let counts: BTreeMap<(String, String), u32> =
        counts.into_iter().map(|((a, b), n)| ((a.to_owned(), b.to_owned()), n)).collect();
    let mut out: Vec<((String, String), u32)> = counts.into_iter().collect();
    out.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    out
}

/// What a pair's cues make of it: a married couple's titles, a kiss, or talk of marriage
/// twice are a couple; talk of family once (twice the weight) is family; less decides
/// nothing.
fn decided(cues: &BTreeMap<Cue, Evidence>) -> Option<Pairing> {
    let weight = |cue: Cue| cues.get(&cue).map_or(0, |e| e.iter().map(|(_, w)| w).sum::<u32>());
    if weight(Cue::Married) > 0 || weight(Cue::Kiss) > 0 || weight(Cue::Romance) >= 4 {
        Some(Pairing::Romantic)
    } else if weight(Cue::Family) >= 2 {
        Some(Pairing::Platonic)
    } else {
        None
    }
}

/// A stretch of narration a cue is read in (a sentence, or a whole paragraph), with its
/// words spaced as " a b c " and the people named in it, in rank order.
struct Scope<'a> {
    text: &'a str,
    /// Chinese or Japanese words of love in it.
    cjk_romance: bool,
    named: Vec<&'a str>,
}

/// What `scope` says of a pair, added to `found`. Two people named are the pair it shows.
/// With one, the other is the narrator ("Harry kissed me") or whom "he" or "she" last
/// named. With none, only the pronouns: the narrator and the last one named ("I kissed
/// him then"), or the last two named ("He laughed and kissed her").
fn judge<'a>(
    scope: &Scope<'a>,
    narrator: Option<&'a str>,
    recent: &[&'a str],
    line: Option<usize>,
    found: &mut BTreeMap<(String, String), BTreeMap<Cue, Evidence>>,
) {
    let text = scope.text;
    let mut here = scope.named.clone();
    let first_person = text.contains(" i ") || text.contains(" me ") || text.contains(" my ");
    let pronoun = [" he ", " him ", " his ", " she ", " her "].iter().any(|w| text.contains(w));
    let named = here.len();
    let mut guessed = false;
    match named {
        1 => {
            if let Some(n) = narrator.filter(|n| first_person && !here.contains(n)) {
                here.push(n);
            } else if let Some(prev) = recent.iter().find(|r| !here.contains(r)).filter(|_| pronoun) {
                here.push(prev);
                guessed = true;
            }
        }
        0 if pronoun => {
            guessed = true;
            match (narrator.filter(|_| first_person), recent) {
                (Some(n), [last, ..]) => here.extend([n, last]),
                (None, [a, b]) => here.extend([a, b]),
                _ => {}
            }
        }
        _ => {}
    }
    here.sort();
    let has = |cues: &[&str]| has_cue(text, cues);
    let [a, b] = here[..] else { return };
    let family = surname(a).is_some() && surname(a) == surname(b) && !married(a, b);
    let cue = if has(KISSES) && !family {
        Cue::Kiss
    } else if (has(ROMANTIC) || scope.cjk_romance) && !family {
        Cue::Romance
    } else if has(FAMILY) && named > 0 {
        Cue::Family
    } else {
        return;
    };
    // A pair the pronouns guessed weighs half ("cried his wife" is someone else's wife),
    // unless one surname makes them family.
    let weight = if guessed && !family { 1 } else { 2 };
    found.entry((a.to_owned(), b.to_owned())).or_default().entry(cue).or_default().push((line, weight));
}

/// Whether text spaced as " a b c " holds one of `cues` as whole words, without building
/// a spaced copy of each cue for every paragraph.
fn has_cue(text: &str, cues: &[&str]) -> bool {
    cues.iter().any(|cue| {
        text.match_indices(cue).any(|(at, _)| text[..at].ends_with(' ') && text[at + cue.len()..].starts_with(' '))
    })
}

/// Puts `named` (least important first) at the head of the last two people named.
fn remember<'a>(recent: &mut Vec<&'a str>, named: impl Iterator<Item = &'a str>) {
    for n in named {
        recent.retain(|r| *r != n);
        recent.insert(0, n);
        recent.truncate(2);
    }
}

/// A paragraph's sentences: split after ".", "!" or "?" and a space, but not after a
/// title, an abbreviation or an initial ([`ends_no_sentence`]: "Mr. Otis", "Hiram B. Otis").
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?') || !chars.peek().is_some_and(|(_, next)| next.is_whitespace()) {
            continue;
        }
        let word = text[start..=at].rsplit(char::is_whitespace).next().unwrap_or("");
        if !ends_no_sentence(word) {
            out.push(&text[start..=at]);
            start = at + c.len_utf8();
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(&text[start..]);
    }
    out
}

/// Titles a husband and his wife take before their one surname, in the corpus's
/// languages: "Mr. Otis" and "Mrs. Otis", "Herr Lämpel" and "Frau Lämpel".
const HUSBAND_AND_WIFE: &[(&str, &str)] = &[
    ("Mr.", "Mrs."),
    ("Mr", "Mrs"),
    ("Lord", "Lady"),
    ("Sir", "Lady"),
    ("Count", "Countess"),
    ("Baron", "Baroness"),
    ("Duke", "Duchess"),
    ("Monsieur", "Madame"),
    ("M.", "Mme."),
    ("Herr", "Frau"),
    ("Señor", "Señora"),
    ("Don", "Doña"),
];

/// Whether two names are a husband's and a wife's: one surname, with a husband's title
/// before one and a wife's before the other ("Mr. Hardcastle", "Mrs. Hardcastle"; not
/// "Mrs. Vernon" and "Miss Vernon", who may be her daughter).
fn married(a: &str, b: &str) -> bool {
    let titled = |n: &str| n.split_once(' ').map(|(t, rest)| (t.to_owned(), rest.trim().to_owned()));
    let (Some((ta, na)), Some((tb, nb))) = (titled(a), titled(b)) else {
        return false;
    };
    na == nb && HUSBAND_AND_WIFE.iter().any(|(h, w)| (ta == *h && tb == *w) || (ta == *w && tb == *h))
}

/// The last word of a full name ("Bennet" of "Mrs. Bennet"; none for "Rey (Star Wars)"),
/// or the first character of a Chinese name ("方" of "方兴" and of "方公子").
fn surname(name: &str) -> Option<&str> {
    let name = name.split(" (").next().unwrap_or(name);
    let words: Vec<&str> = name.split_whitespace().collect();
    if let [one] = words.as_slice()
        && one.chars().count() >= 2
        && one.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    {
        return one.char_indices().nth(1).map(|(at, _)| &one[..at]);
    }
    (words.len() >= 2).then(|| words[words.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_husbands_and_a_wifes_titles_before_one_surname_are_a_couple() {
        assert!(married("Mr. Hardcastle", "Mrs. Hardcastle"));
        assert!(married("Frau Lämpel", "Herr Lämpel"));
        assert!(married("Lady Canterville", "Lord Canterville"));
        assert!(!married("Mrs. Vernon", "Miss Vernon"), "a mother and her daughter");
        assert!(!married("Mr. Vernon", "Mrs. Johnson"), "two surnames");
        assert!(!married("Mr. Vernon", "Mr. Vernon"));
        assert!(!married("Vernon", "Mrs. Vernon"));
    }
}
