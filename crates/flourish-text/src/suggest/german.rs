//! German capitalizes every noun, so a capital inside a sentence is no sign of a name
//! there ("das Zimmer", "seine Augen", "am Ende"). A German noun shows itself by the
//! determiner before it, which a name in a story hardly ever takes.

use super::names::Word;

/// German's commonest words, counted to tell a German text: a text is German when they
/// are a tenth of its words.
const FUNCTION_WORDS: &[&str] = &[
    "und", "der", "die", "das", "nicht", "ist", "ich", "sie", "er", "es", "zu", "den", "mit", "sich", "auf", "dem",
    "war", "ein", "eine", "auch", "aber", "wie", "noch", "nach", "ihr", "sein",
];

/// A German text's share of [`FUNCTION_WORDS`], at least: one word in ten.
const MIN_FUNCTION_SHARE: usize = 10;

/// Whether `words` (lowercased, as [`super::names::lower_words`] splits them) are German.
pub(super) fn is_german(words: &[Vec<String>]) -> bool {
    let (mut total, mut function) = (0usize, 0usize);
    for w in words.iter().flatten().take(20_000) {
        total += 1;
        function += usize::from(FUNCTION_WORDS.contains(&w.as_str()));
    }
    total >= 50 && function * MIN_FUNCTION_SHARE >= total
}

/// Articles and determiners, and a preposition fused with its article: the word after
/// one is a noun ("seine Augen", "im Zimmer", "zur Zeit", "keinen Tag").
const DETERMINERS: &[&str] = &[
    "der", "die", "das", "dem", "den", "des", "ein", "eine", "einem", "einen", "einer", "eines", "im", "am", "zum",
    "zur", "vom", "beim", "ins", "ans", "aufs", "durchs", "fürs", "übers", "mein", "meine", "meinen", "meinem",
    "meiner", "meines", "dein", "deine", "deinen", "deinem", "deiner", "seine", "seinen", "seinem", "seiner", "seines",
    "ihre", "ihren", "ihrem", "ihrer", "ihres", "unser", "unsere", "unseren", "unserem", "unserer", "kein", "keine",
    "keinen", "keinem", "keiner", "dieser", "diese", "dieses", "diesen", "diesem", "jeder", "jede", "jedes", "jeden",
    "jedem", "jener", "jene", "jenes", "welcher", "welche", "welches", "alle", "allen", "viele", "vielen",
];

/// Marks anew which words of a German text follow an article: each after a German
/// determiner, and each after a determiner and a word in lower case ("die alte Frau",
/// "seine kleine Hand"). Not after the other languages' articles: "an" is a German
/// preposition ("dachte an Reinhard"), "la" and "el" are nothing.
pub(super) fn mark_determiners(words: &mut [Word]) {
    let determiner = |w: &Word| {
        let lower = w.text.to_lowercase();
        !w.breaks_after && DETERMINERS.contains(&lower.as_str())
    };
    for i in 1..words.len() {
        let adjective = i >= 2
            && determiner(&words[i - 2])
            && !words[i - 1].breaks_after
            && words[i - 1].text.chars().next().is_some_and(char::is_lowercase);
        words[i].after_article = determiner(&words[i - 1]) || adjective;
    }
}

/// Whether a phrase of capitalized words is no name for holding a noun after its first
/// word ("Reinhards Hand", "Vergnügen Sehen"). A noun first is a title ("Lehrer Lämpel",
/// "Onkel Fritz").
pub(super) fn holds_noun(phrase: &str, is_noun: impl Fn(&str) -> bool) -> bool {
    phrase.split_whitespace().skip(1).any(is_noun)
}

/// Capitalized words that open German sentences and lines and are nobody: interjections,
/// conjunctions, answers, God.
const NOT_NAMES: &[&str] = &[
    "Ach", "Ah", "Oh", "O", "Ei", "Ja", "Nein", "Doch", "Nun", "Na", "Danke", "Bitte", "Aber", "Und", "Oder", "Denn",
    "Daß", "Dass", "Wenn", "Als", "Wie", "Was", "Wer", "Wo", "Welche", "Welcher", "Welches", "So", "Da", "Dann",
    "Gott", "Herrgott", "Jesus",
];

/// Whether a German phrase opens or ends with a word that is nobody ("Ach", "Ruh' Und").
pub(super) fn has_not_name(phrase: &str) -> bool {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    [words.first(), words.last()].into_iter().flatten().any(|w| NOT_NAMES.contains(w))
}

/// Of a German text's uses of a capitalized word, the share after a determiner that makes
/// it a noun: a quarter. A name takes one now and then ("die kleine Elisabeth" has an
/// adjective between, and does not count).
pub(super) fn is_noun(uses: u32, after_article: u32) -> bool {
    after_article > 0 && after_article * 4 >= uses
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::names::{lower_words, words};

    #[test]
    fn a_german_text_is_told_by_its_function_words() {
        let german = "Der Regen fiel auf die Dächer der Stadt. Sie ging langsam nach Hause und dachte an den Brief, \
                      und es war ihr, als ob er noch auf dem Tisch lag. Aber sie sah nicht hin; sie wusste auch nicht, \
                      wie lange sie schon dort stand, und der Abend kam mit dem Wind.";
        let english = "The rain fell on the roofs of the town. She walked home slowly and thought about the letter, \
                       and it seemed to her that it still lay on the table. But she did not look; she did not know \
                       how long she had stood there, and the evening came with the wind.";
        assert!(is_german(&[lower_words(german)]));
        assert!(!is_german(&[lower_words(english)]));
    }

    #[test]
    fn a_word_after_a_determiner_is_a_noun() {
        let mut ws = words("Er sah in seine Augen und ging ins Zimmer. Elisabeth lachte.");
        mark_determiners(&mut ws);
        let after: Vec<&str> = ws.iter().filter(|w| w.after_article).map(|w| w.text).collect();
        assert_eq!(after, ["Augen", "Zimmer"]);
        let mut ws = words("Die alte Frau sah Reinhard an; sagte Elisabeth.");
        mark_determiners(&mut ws);
        let after: Vec<&str> = ws.iter().filter(|w| w.after_article).map(|w| w.text).collect();
        assert_eq!(after, ["alte", "Frau"]);
        let noun = |w: &str| w == "Hand" || w == "Lehrer";
        assert!(holds_noun("Reinhards Hand", noun));
        assert!(!holds_noun("Lehrer Lämpel", noun), "a noun first is a title");
        assert!(has_not_name("Ach") && has_not_name("Ruh' Und") && !has_not_name("Witwe Bolte"));
        assert!(is_noun(4, 1) && !is_noun(5, 1) && !is_noun(3, 0));
    }
}
