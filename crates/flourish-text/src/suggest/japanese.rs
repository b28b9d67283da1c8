//! Names in Japanese text, which has no capitals either: a name is a short run of kanji
//! that the text makes the subject or topic of its sentences ("杜子春は", "運慶が"), again
//! and again, or calls by an honorific ("健さん"). A run of kanji between kana is a word;
//! one that a particle marks as who acts, many times over, is someone.

use std::collections::HashMap;

/// Particles that mark who a sentence is about or who acts: topic, subject, and "too".
const SUBJECT_PARTICLES: &[char] = &['は', 'が', 'も'];

/// Honorifics that follow a name: the name keeps them, as readers say it ("健さん").
const HONORIFICS: &[&str] = &["さん", "様", "さま", "君", "くん", "ちゃん", "殿"];

/// Kanji a name holds: two to four, or one with an honorific ("健さん").
const MAX_KANJI: usize = 4;

/// Times a name must be the subject of a sentence.
const MIN_SUBJECT_USES: u32 = 3;

/// Words in kanji that are the subject of many sentences and nobody: times, places near
/// and far, counts.
const NOT_NAMES: &[&str] = &[
    "今日", "明日", "昨日", "今夜", "今度", "今年", "其処", "此処", "何処", "何時", "時分", "其時", "此時", "仕方",
    "一番", "以上", "世間", "世界", "自然", "空気", "様子", "気分", "気持", "心持", "天気", "時間", "場合", "今迄",
    "是非",
];

/// Whether `text` is Japanese: Han characters with kana among them.
pub(super) fn is_japanese(text: &str) -> bool {
    let (mut han, mut kana) = (0usize, 0usize);
    for c in text.chars() {
        if is_kanji(c) {
            han += 1;
        } else if is_kana(c) {
            kana += 1;
        }
    }
    kana > 0 && kana * 20 >= han && (han + kana) * 2 > text.chars().filter(|c| c.is_alphabetic()).count()
}

fn is_kanji(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c) || c == '々'
}

fn is_kana(c: char) -> bool {
    ('\u{3040}'..='\u{30ff}').contains(&c)
}

/// The text's names, each with its number of uses, most used first.
pub(super) fn names(paras: &[&str]) -> Vec<(String, u32)> {
    let mut subject: HashMap<String, u32> = HashMap::new();
    let mut uses: HashMap<String, u32> = HashMap::new();
    for para in paras {
        let chars: Vec<char> = para.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if !is_kanji(chars[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && is_kanji(chars[i]) {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
            let honorific = HONORIFICS.iter().find(|h| rest.starts_with(*h));
            let len = i - start;
            let (name, after) = match honorific {
                Some(h) if len <= MAX_KANJI => (format!("{run}{h}"), chars.get(i + h.chars().count()).copied()),
                _ if (2..=MAX_KANJI).contains(&len) => (run, chars.get(i).copied()),
                _ => continue,
            };
            // Counts and times ("二人", "三日") open with a numeral.
            if name.starts_with(|c: char| "一二三四五六七八九十百千幾何".contains(c))
                || NOT_NAMES.contains(&name.as_str())
            {
                continue;
            }
            *uses.entry(name.clone()).or_default() += 1;
            if after.is_some_and(|c| SUBJECT_PARTICLES.contains(&c)) || honorific.is_some() {
                *subject.entry(name).or_default() += 1;
            }
        }
    }
    let mut out: Vec<(String, u32)> =
        uses.into_iter().filter(|(name, _)| subject.get(name).is_some_and(|&n| n >= MIN_SUBJECT_USES)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // A name in passing is not worth a tag: a twentieth of the leader's uses at least.
    let floor = out.first().map_or(0, |(_, n)| n / 20);
    out.retain(|(_, n)| *n >= floor);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_honorifics_are_names_and_counts_are_not() {
        let story = "杜子春は門の下に立つてゐました。老人は杜子春を見ました。杜子春は驚きました。\
                     健さんが来ました。健さんは笑ひました。健さんも黙りました。老人が言ひました。\
                     二人は歩きました。二人は止りました。二人は座りました。老人も笑ひました。杜子春が答へました。";
        assert!(is_japanese(story));
        let names: Vec<String> = names(&[story]).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["杜子春", "健さん", "老人"]);
        assert!(!is_japanese("杜子春者，長安人也。"));
    }
}
