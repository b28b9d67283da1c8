//! A play's characters are its speakers: each speech opens with the speaker's name, in
//! capitals before a stop or a tab ("ROSALIND. Ay, …", "OLIVER\tCall him in.",
//! "MRS. HARDCASTLE. I vow…"), or alone on the line above it ("**Algernon.**").

use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A speech's opening name in capitals, a title allowed first.
static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:(?:MR|MRS|MS|DR|ST)\. )?[A-Z][A-Z'’\-]+(?: [A-Z][A-Z'’\-]+){0,3})(?:[.:\t]| {2,}| [A-Z][a-z])")
        .expect("valid pattern")
});

/// A name alone on its line before the speech, in any case: "Algernon.", "Lady Bracknell."
static ALONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:(?:Mr|Mrs|Ms|Dr)\. )?[A-Z][A-Za-z'’\-]+(?: [A-Z][A-Za-z'’\-]+){0,2})\.$").expect("valid pattern")
});

/// Capitals that open a stage direction or a heading, not a speech.
const NOT_SPEAKERS: &[&str] = &[
    "ACT", "SCENE", "ENTER", "EXIT", "EXEUNT", "ALL", "BOTH", "OMNES", "END", "THE END", "CHAPTER", "PROLOGUE",
    "EPILOGUE",
];

/// Speeches a speaker makes at least to be suggested.
const MIN_SPEECHES: u32 = 3;

/// Of all paragraphs, the share that open with a speaker (one in three), at least, for the
/// text to be a play: a novel in letters has a place and a signature alone on their lines
/// in each letter, fewer than that.
const MIN_SPEECH_SHARE: usize = 3;

/// A play's speakers and the paragraphs of their speeches (the paragraph under a name
/// alone on its line), named as a reader writes them ("MRS. HARDCASTLE" is
/// "Mrs. Hardcastle"), most speeches first; none for a text that is not a play.
pub(super) fn speakers<'a>(paras: impl Iterator<Item = &'a str>) -> Vec<(String, Vec<usize>)> {
    let mut speeches_of: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let (mut total, mut speeches) = (0usize, 0usize);
    for (i, text) in paras.enumerate() {
        total += 1;
        let text = text.trim();
        let prefixed = PREFIX
            .captures(text)
            .map(|c| (c[1].to_owned(), i))
            .filter(|(n, _)| n.chars().filter(|c| c.is_alphabetic()).count() >= 2);
        let named = prefixed.or_else(|| ALONE.captures(text).map(|c| (c[1].to_owned(), i + 1)));
        if let Some((name, speech)) = named.filter(|(n, _)| !NOT_SPEAKERS.contains(&n.to_uppercase().as_str())) {
            speeches += 1;
            speeches_of.entry(reader_case(&name)).or_default().push(speech);
        }
    }
    if speeches < 20 || speeches * MIN_SPEECH_SHARE < total {
        return Vec::new();
    }
    let mut out: Vec<(String, Vec<usize>)> =
        speeches_of.into_iter().filter(|(_, ps)| ps.len() as u32 >= MIN_SPEECHES).collect();
    out.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    out
}

/// "MRS. HARDCASTLE" as "Mrs. Hardcastle", "DUKE SENIOR" as "Duke Senior".
fn reader_case(name: &str) -> String {
    name.split(' ').map(crate::patterns::capitalize).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_play_s_speakers_in_each_layout() {
        let mut paras = Vec::new();
        for _ in 0..8 {
            paras.push("OLIVER\tCall him in.");
            paras.push("MRS. HARDCASTLE. I vow, Mr. Hardcastle, you are very particular.");
            paras.push("Algernon.");
            paras.push("Good heavens! Is marriage so demoralising as that?");
            paras.push("[Exit DENNIS]");
        }
        paras.push("ACT I. A room.");
        let found = speakers(paras.into_iter());
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Algernon", "Mrs. Hardcastle", "Oliver"]);
        // Where each speech is: the paragraph itself, or the one under a name alone.
        assert_eq!(found[0].1[..2], [3, 8], "Algernon's speeches, under his name");
        assert_eq!(found[1].1[..2], [1, 6], "Mrs. Hardcastle's, after hers");

        let prose = ["It was dark. The wind blew.", "She said nothing."].repeat(30);
        assert!(speakers(prose.into_iter()).is_empty());

        // A novel in letters: each letter's place and signature stand alone on a line,
        // among long paragraphs; not a play.
        let letter =
            "My dear Alicia, I have been here a week, and the weather has been very fine, and the company very dull.";
        let letters = ["Langford.", letter, letter, letter, letter, letter, "S. Vernon."].repeat(10);
        assert!(speakers(letters.into_iter()).is_empty());
    }
}
