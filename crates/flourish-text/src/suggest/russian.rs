//! Russian names change their ending with their case: Ася, Асю, Асе, Асей and Аси are one
//! girl; Кирила Петрович, Кирила Петровича and Кирилу Петровичу one landowner. The
//! mentions of one name in its several cases are counted as one, under the form a reader
//! would tag: the nominative.

use super::names::Mention;
use std::collections::HashMap;

/// Case endings, longest first: what is cut to find a word's stem.
const ENDINGS: &[&str] = &[
    "ого", "его", "ому", "ему", "ыми", "ими", "ами", "ями", "ой", "ей", "ою", "ею", "ом", "ем", "ым", "им", "ых", "их",
    "ах", "ях", "ам", "ям", "ий", "ый", "ой", "ая", "яя", "а", "я", "у", "ю", "е", "ы", "и", "ь", "й", "о",
];

/// The nominative endings of a surname declined as an adjective: Дубровский, Троекуров's
/// neighbour Верейский, a Толстой, a Дубровская.
const ADJECTIVE_NOMINATIVES: &[&str] = &["ий", "ый", "ой", "ая", "яя"];

/// Words that open a sentence of dialogue in capitals and are nobody's name: interjections,
/// pronouns, questions.
const NOT_NAMES: &[&str] = &[
    "Ну",
    "Ах",
    "Ох",
    "Эх",
    "Ай",
    "Ой",
    "Эй",
    "Да",
    "Нет",
    "Вот",
    "Что",
    "Это",
    "Как",
    "Так",
    "Вы",
    "Ты",
    "Я",
    "Он",
    "Она",
    "Оно",
    "Мы",
    "Они",
    "Ваш",
    "Ваша",
    "Ваше",
    "Наш",
    "Наша",
    "Мой",
    "Моя",
    "Твой",
    "Где",
    "Когда",
    "Кто",
    "Зачем",
    "Почему",
    "Отчего",
    "Куда",
    "Откуда",
    "Боже",
    "Господи",
    "Помилуйте",
    "Полноте",
    "Итак",
    "Однако",
    "Впрочем",
    "Видите",
];

/// Whether a Russian word cannot be a name: one of [`NOT_NAMES`], or a verb's imperative
/// ("Послушайте", "Скажите"), which no name ends like.
pub(super) fn is_not_name(word: &str) -> bool {
    is_cyrillic_word(word)
        && (NOT_NAMES.contains(&word) || word.ends_with("йте") || word.ends_with("ите") || word.ends_with("ешь"))
}

/// The letters a stem keeps at least: "Ас" of Ася.
const MIN_STEM_CHARS: usize = 2;

fn is_cyrillic_word(word: &str) -> bool {
    word.chars().all(|c| matches!(c, 'А'..='я' | 'Ё' | 'ё' | '-'))
}

fn stem(word: &str) -> &str {
    for e in ENDINGS {
        if let Some(s) = word.strip_suffix(e)
            && s.chars().count() >= MIN_STEM_CHARS
        {
            return s;
        }
    }
    word
}

/// Whether a word reads as a nominative: the bare stem (Гагин, Петрович) or a feminine
/// -а, -я (Ася, Каштанка, and the masculine Кирила).
fn nominative_like(word: &str) -> bool {
    stem(word) == word || word.ends_with(['а', 'я']) || ADJECTIVE_NOMINATIVES.iter().any(|e| word.ends_with(e))
}

/// Rewrites each Russian mention to the nominative of its name, where the text uses that
/// form; names in other scripts are left alone.
pub(super) fn merge_cases(found: &mut [Mention]) {
    let key = |phrase: &str| -> Option<Vec<String>> {
        let words: Vec<&str> = phrase.split_whitespace().collect();
        words.iter().all(|w| is_cyrillic_word(w)).then(|| words.iter().map(|w| stem(w).to_lowercase()).collect())
    };
    let mut uses: HashMap<&str, u32> = HashMap::new();
    for m in found.iter() {
        *uses.entry(m.phrase.as_str()).or_default() += 1;
    }
    // Each stem key's forms, and the one to name them by: a nominative-looking form, the
    // most used of those; else the most used form.
    let mut best: HashMap<Vec<String>, (String, (bool, u32))> = HashMap::new();
    // Per stem key: `Some(true)` once a masculine instrumental is seen, `None` once the
    // name shows it is declined as an adjective.
    let mut masculine: HashMap<Vec<String>, Option<bool>> = HashMap::new();
    for (phrase, n) in &uses {
        let Some(k) = key(phrase) else { continue };
        // A one-word name seen with the masculine instrumental ("Яковом", "Гагиным") is
        // masculine: its nominative is the bare stem, whether or not the text writes it.
        // Not a name declined as an adjective ("Дубровского", "Дубровском").
        if let [word] = phrase.split_whitespace().collect::<Vec<_>>().as_slice() {
            let adjective = ["ого", "его"].iter().any(|e| word.ends_with(e))
                || ADJECTIVE_NOMINATIVES.iter().any(|e| word.ends_with(e));
            let instrumental = ["ом", "ым", "ем"].iter().any(|e| word.ends_with(e));
            let seen = masculine.entry(k.clone()).or_insert(Some(false));
            *seen = match (*seen, adjective, instrumental) {
                (None, _, _) | (_, true, _) => None,
                (Some(m), false, i) => Some(m || i),
            };
        }
        let rank = (phrase.split_whitespace().all(nominative_like), *n);
        let entry = best.entry(k).or_insert_with(|| ((*phrase).to_owned(), rank));
        if rank > entry.1 || rank == entry.1 && **phrase < *entry.0 {
            *entry = ((*phrase).to_owned(), rank);
        }
    }
    for (k, (name, _)) in best.iter_mut() {
        if masculine.get(k) == Some(&Some(true)) && name.ends_with(['а', 'я']) {
            *name = stem(name).to_owned();
        }
    }
    for m in found.iter_mut() {
        if let Some((name, _)) = key(&m.phrase).and_then(|k| best.get(&k))
            && *name != m.phrase
        {
            m.phrase = name.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(phrase: &str) -> Mention {
        Mention {
            phrase: phrase.into(),
            sentence_start: false,
            after_article: false,
            after_locative: false,
            after_direction: false,
            para: 0,
        }
    }

    #[test]
    fn the_cases_of_a_name_are_one_name_in_the_nominative() {
        let mut found: Vec<Mention> = [
            "Асю",
            "Ася",
            "Асе",
            "Асей",
            "Гагина",
            "Гагин",
            "Гагиным",
            "Кирилу Петровичу",
            "Кирила Петрович",
            "Кирилы Петровича",
            "Holmes",
            "Якова",
            "Яковом",
            "Дубровского",
            "Дубровский",
            "Дубровском",
        ]
        .into_iter()
        .map(mention)
        .collect();
        merge_cases(&mut found);
        let names: Vec<&str> = found.iter().map(|m| m.phrase.as_str()).collect();
        assert_eq!(
            names,
            [
                "Ася",
                "Ася",
                "Ася",
                "Ася",
                "Гагин",
                "Гагин",
                "Гагин",
                "Кирила Петрович",
                "Кирила Петрович",
                "Кирила Петрович",
                "Holmes",
                "Яков",
                "Яков",
                "Дубровский",
                "Дубровский",
                "Дубровский"
            ]
        );
    }

    #[test]
    fn interjections_and_imperatives_are_no_names() {
        for word in ["Ну", "Послушайте", "Скажите", "Понимаешь"] {
            assert!(is_not_name(word), "{word}");
        }
        for name in ["Ася", "Гагин", "Дубровский", "Ну-ну-Holmes"] {
            assert!(!is_not_name(name), "{name}");
        }
    }
}
