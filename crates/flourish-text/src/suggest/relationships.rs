//! Pairs the text shows together, and how.

use super::vocabulary::{FAMILY, ROMANTIC};
use super::{Para, RelationshipSuggestion};
use flourish_core::{Pairing, relationship_name};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Pairs the text shows together: both named (or one of them the narrator) in a paragraph
/// whose words say they are a couple, or family and friends.
pub(super) fn relationships(
    paras: &[Para],
    all_words: &[Vec<String>],
    known: &[&str],
    mention_paras: &HashMap<String, HashSet<usize>>,
    narrator: Option<&str>,
) -> Vec<RelationshipSuggestion> {
    let mut found: BTreeMap<(String, String, &'static str), Vec<usize>> = BTreeMap::new();
    // The last two characters named, most recent first, carried over paragraphs: who "he"
    // and "her" most likely are.
    let mut recent: Vec<&str> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        let text = format!(" {} ", all_words[i].join(" "));
        let mut here: Vec<&str> =
            known.iter().copied().filter(|n| mention_paras.get(*n).is_some_and(|ps| ps.contains(&i))).collect();
        let first_person = text.contains(" i ") || text.contains(" me ") || text.contains(" my ");
        let pronoun = [" he ", " him ", " his ", " she ", " her "].iter().any(|w| text.contains(w));
        // Two people named are the pair the paragraph shows. With one, the other is the
        // narrator ("Harry kissed me") or whom "he" or "she" last named. With none, only a
        // kiss is trusted to the pronouns: the narrator and the last one named ("I kissed
        // him then"), or the last two named ("He laughed and kissed her").
        let named = here.len();
        match named {
            1 => {
                if let Some(n) = narrator.filter(|n| first_person && !here.contains(n)) {
                    here.push(n);
                } else if let Some(prev) = recent.iter().find(|r| !here.contains(r)).filter(|_| pronoun) {
                    here.push(prev);
                }
            }
            0 if pronoun => match (narrator.filter(|_| first_person), recent.as_slice()) {
                (Some(n), [last, ..]) => here.extend([n, last]),
                (None, [a, b]) => here.extend([a, b]),
                _ => {}
            },
            _ => {}
        }
        here.sort();
        for (cues, kind) in [(ROMANTIC, "romantic"), (FAMILY, "platonic")] {
            if here.len() != 2
                || named == 0 && kind != "romantic"
                || !cues.iter().any(|c| text.contains(&format!(" {c} ")))
            {
                continue;
            }
            let (a, b) = if here[0] <= here[1] { (here[0], here[1]) } else { (here[1], here[0]) };
            found.entry((a.to_owned(), b.to_owned(), kind)).or_default().extend(p.line);
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
