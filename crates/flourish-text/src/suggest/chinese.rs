//! Names in Chinese text, which has no capitals: a name is a run of two or three Han
//! characters that opens with a common surname, comes back at least three times, and
//! speaks ("靖曰", "徐鹏子道") at least once, under its own name or the part after the
//! surname. Runs that end in a particle, a pronoun or a verb ("陈也", "任你", "莫说") are
//! not names; runs that end in a place word ("江阴县") are places, unless an official's
//! title ("赵知州") ends that way.

use std::collections::HashMap;

/// Common single-character surnames (the most frequent of the Hundred Family Surnames).
const SURNAMES: &str = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤聂萧柳卓裴温牛包鲁葛伍";

/// Last characters that end a phrase, never a name: particles, pronouns, verbs, "family".
const NOT_LAST: &str = "也之乎者矣焉哉你我他她的了着说道曰上下中里来去是在与和而亦乃又不家有得到把被才见";

/// Last characters of place names: county, prefecture, city, mountain, temple, village…
const PLACE_LAST: &str = "县州府城山寺村镇国江河湖楼院庙门关";

/// Verbs that follow a speaker.
const SPEECH: &[&str] = &["曰", "道", "问", "说", "云", "答", "笑道", "叫道"];

/// Phrases and their uses.
type Counted = Vec<(String, u32)>;

/// Times a name must come back.
const MIN_USES: u32 = 3;

/// Whether `text` is Chinese: mostly Han characters, hardly any kana (Japanese writes its
/// names differently, and often in kana).
pub(super) fn is_chinese(text: &str) -> bool {
    let (mut han, mut kana, mut letters) = (0usize, 0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if is_han(c) {
            han += 1;
        } else if ('\u{3040}'..='\u{30ff}').contains(&c) {
            kana += 1;
        }
    }
    letters > 0 && han * 2 > letters && kana * 20 < han.max(1)
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// The names and places of a Chinese text, each with its number of uses, most used first.
pub(super) fn names_and_places(paras: &[&str]) -> (Counted, Counted) {
    let mut uses: HashMap<String, u32> = HashMap::new();
    let mut spoke: HashMap<String, u32> = HashMap::new();
    for p in paras {
        let chars: Vec<char> = p.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if SURNAMES.contains(*c) {
                for n in 2..=3 {
                    let Some(run) = chars.get(i..i + n) else { break };
                    if !run.iter().all(|c| is_han(*c)) {
                        break;
                    }
                    *uses.entry(run.iter().collect()).or_default() += 1;
                }
            }
            // A speaker: one to three Han characters opening a clause, then a verb of speech.
            let opens_clause = i == 0 || !is_han(chars[i - 1]);
            if opens_clause && is_han(*c) {
                for n in 1..=3 {
                    let Some(run) = chars.get(i..i + n) else { break };
                    if !run.iter().all(|c| is_han(*c)) {
                        break;
                    }
                    let rest: String = chars[i + n..chars.len().min(i + n + 2)].iter().collect();
                    if SPEECH.iter().any(|v| rest.starts_with(v)) {
                        *spoke.entry(run.iter().collect()).or_default() += 1;
                    }
                }
            }
        }
    }
    let count = |s: &str| uses.get(s).copied().unwrap_or(0);
    // Each two-character run's most used three-character extension, found in one pass (a
    // long novel has tens of thousands of runs).
    let mut longest: HashMap<String, u32> = HashMap::new();
    for (run, &n) in &uses {
        if let Some((at, _)) = run.char_indices().nth(2) {
            let best = longest.entry(run[..at].to_owned()).or_default();
            *best = (*best).max(n);
        }
    }
    let mut names = Vec::new();
    let mut places = Vec::new();
    for (run, &n) in &uses {
        let chars: Vec<char> = run.chars().collect();
        if n < MIN_USES {
            continue;
        }
        // A two-character run that is mostly the start of one three-character name is that
        // name ("徐鹏" of "徐鹏子").
        let longer = chars.len() == 2 && longest.get(run).is_some_and(|&m| m * 5 >= n * 3);
        let shorter_dominates = chars.len() == 3 && n * 5 < count(&chars[..2].iter().collect::<String>()) * 3;
        if longer || shorter_dominates {
            continue;
        }
        let last = chars[chars.len() - 1];
        if NOT_LAST.contains(last) {
            continue;
        }
        let official = chars.len() >= 2 && chars[chars.len() - 2] == '知';
        if PLACE_LAST.contains(last) && !official {
            places.push((run.clone(), n));
            continue;
        }
        let given: String = chars[1..].iter().collect();
        let speaks = [run.as_str(), given.as_str()].iter().any(|s| spoke.contains_key(*s))
            || spoke.contains_key(&last.to_string());
        if speaks {
            names.push((run.clone(), n));
        }
    }
    let by_use = |a: &(String, u32), b: &(String, u32)| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0));
    names.sort_by(by_use);
    places.sort_by(by_use);
    (names, places)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speakers_with_a_surname_are_names_and_county_towns_are_places() {
        let paras = [
            "徐鹏子道：“今日天晴，我去江阴县走走。”王氏道：“早些回来。”",
            "徐鹏子出了门，到江阴县城外，遇见周德。周德问：“徐鹏子何往？”",
            "徐鹏子笑道：“去江阴县。”陈也不知。王氏在家等他。",
            "王氏又道：“你莫说了。”赵知州坐堂。赵知州道：“带上来。”赵知州看了。",
        ];
        let (names, places) = names_and_places(&paras);
        let names: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["徐鹏子", "王氏", "赵知州"], "{names:?}");
        assert_eq!(places.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(), ["江阴县"]);
        assert!(is_chinese(paras[0]));
        assert!(!is_chinese("彼は東京へ行きました。そして帰りました。"));
        assert!(!is_chinese("Harry went to London."));
    }
}
