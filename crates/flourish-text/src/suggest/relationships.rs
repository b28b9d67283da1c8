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
