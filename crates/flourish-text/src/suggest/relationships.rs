//! Pairs the text shows together, and how.

use super::vocabulary::{FAMILY, KISSES, ROMANTIC};
use super::{Para, RelationshipSuggestion};
use flourish_core::{Pairing, relationship_name};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Pairs the text shows together: both named (or one of them the narrator) in a paragraph
/// whose narration says they are a couple, or family and friends. A kiss is enough once;
/// talk of marriage and lovers must come twice; people of one surname are family, never
/// a couple.
pub(super) fn relationships(
    paras: &[Para],
    narrated: &[Cow<[String]>],
    known: &[&str],
    mention_paras: &HashMap<String, HashSet<usize>>,
    narrator: Option<&str>,
    stories: usize,
) -> Vec<RelationshipSuggestion> {
    // Each pair (in name order), what the paragraphs say of it, and where.
    let mut found: BTreeMap<(String, String), BTreeMap<Cue, Evidence>> = BTreeMap::new();
    // The last two characters named, most recent first, carried over paragraphs: who "he"
    // and "her" most likely are.
    let mut recent: Vec<&str> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        // Cues count in the narration only: "Is he married?" in a quotation is talk.
        let text = format!(" {} ", narrated[i].join(" "));
        let mut here: Vec<&str> =
            known.iter().copied().filter(|n| mention_paras.get(*n).is_some_and(|ps| ps.contains(&i))).collect();
        let first_person = text.contains(" i ") || text.contains(" me ") || text.contains(" my ");
        let pronoun = [" he ", " him ", " his ", " she ", " her "].iter().any(|w| text.contains(w));
        // Two people named are the pair the paragraph shows. With one, the other is the
        // narrator ("Harry kissed me") or whom "he" or "she" last named. With none, only a
        // kiss is trusted to the pronouns: the narrator and the last one named ("I kissed
        // him then"), or the last two named ("He laughed and kissed her").
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
                match (narrator.filter(|_| first_person), recent.as_slice()) {
                    (Some(n), [last, ..]) => here.extend([n, last]),
                    (None, [a, b]) => here.extend([a, b]),
                    _ => {}
                }
            }
            _ => {}
        }
        here.sort();
        let has = |cues: &[&str]| cues.iter().any(|c| text.contains(&format!(" {c} ")));
        if let [a, b] = here[..] {
            let family = surname(a).is_some() && surname(a) == surname(b);
            let cue = if has(KISSES) && !family {
                Some(Cue::Kiss)
            } else if (has(ROMANTIC) || CJK_ROMANTIC.iter().any(|c| p.text.contains(c))) && !family {
                Some(Cue::Romance)
            } else if has(FAMILY) && named > 0 {
                Some(Cue::Family)
            } else {
                None
            };
            // A pair the pronouns guessed weighs half ("cried his wife" is someone else's
            // wife), unless one surname makes them family.
            let weight = if guessed && !family { 1 } else { 2 };
            if let Some(cue) = cue {
                found.entry((a.to_owned(), b.to_owned())).or_default().entry(cue).or_default().push((p.line, weight));
            }
        }
        // In reverse rank order, so that of two named together the more important one is
        // taken for "he" or "she" next.
        for named in known.iter().rev().copied().filter(|n| Some(*n) != narrator) {
            if mention_paras.get(named).is_some_and(|ps| ps.contains(&i)) {
                recent.retain(|r| *r != named);
                recent.insert(0, named);
                recent.truncate(2);
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
        if found.contains_key(pair) || kept_together >= max_together {
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
        let weight = |cue: Cue| cues.get(&cue).map_or(0, |e| e.iter().map(|(_, w)| w).sum::<u32>());
        let lines = |cue: Cue| cues.get(&cue).into_iter().flatten().map(|(line, _)| *line);
        // A kiss; or talk of marriage twice; or family once.
        let (pairing, evidence): (Pairing, Vec<Option<usize>>) = if weight(Cue::Kiss) > 0 || weight(Cue::Romance) >= 4 {
            (Pairing::Romantic, lines(Cue::Kiss).chain(lines(Cue::Romance)).collect())
        } else if weight(Cue::Family) >= 2 || weight(Cue::Together) > 0 {
            (Pairing::Platonic, lines(Cue::Family).collect())
        } else {
            continue;
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
