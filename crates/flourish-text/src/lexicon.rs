//! What the archive knows of a few large fandoms before it has wrangled anything: their
//! characters and places by the names AO3 wrangles them under, the other ways a story may
//! say them, and names that are not characters (groups, exclamations). Tag suggestions
//! read the text against these (and against the archive's own canonical tags).
//!
//! Lexicons are plain text, one fact a line, written by the team as plain facts; admins add
//! their own in the same form:
//!
//! ```text
//! fandom: Harry Potter - J. K. Rowling
//! character: Draco Malfoy | Draco, Malfoy, Mr. Malfoy
//! place: The Leaky Cauldron | Leaky Cauldron
//! group: Death Eaters | Death Eater
//! exclaim: Merlin | Oh Merlin
//! ```

use std::fmt;

/// One named thing: the name AO3 uses, and the other names the text may use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub aliases: Vec<String>,
}

impl Entry {
    /// The canonical name, then every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// One fandom's facts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lexicon {
    /// The fandom tag, as AO3 wrangles it.
    pub fandom: String,
    pub characters: Vec<Entry>,
    pub places: Vec<Entry>,
    /// Names of many people at once ("Death Eaters"): never a character.
    pub groups: Vec<Entry>,
    /// Words people swear by ("Merlin" in "Oh Merlin"): never a character.
    pub exclamations: Vec<Entry>,
}

/// A line a lexicon file cannot hold, by number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct LexiconError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The lexicons Flourish ships with.
const BUNDLED: &[&str] = &[
    include_str!("lexicon/harry-potter.txt"),
    include_str!("lexicon/marvel.txt"),
    include_str!("lexicon/sherlock-holmes.txt"),
    include_str!("lexicon/naruto.txt"),
    include_str!("lexicon/star-wars.txt"),
    include_str!("lexicon/pride-and-prejudice.txt"),
];

impl Lexicon {
    /// Every bundled lexicon.
    pub fn bundled() -> Vec<Lexicon> {
        BUNDLED.iter().map(|text| Lexicon::parse(text).expect("the bundled lexicons parse")).collect()
    }

    /// The bundled lexicons and every `*.txt` lexicon in `dir` (an archive's own), in file
    /// name order. A file that does not parse is an error naming the file and the line.
    pub fn bundled_and_dir(dir: Option<&std::path::Path>) -> Result<Vec<Lexicon>, String> {
        let mut all = Lexicon::bundled();
        let Some(dir) = dir else { return Ok(all) };
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read the lexicon folder {}: {e}", dir.display()))?;
        let mut files: Vec<std::path::PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            all.push(Lexicon::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?);
        }
        Ok(all)
    }

    /// Reads one fandom's facts. Blank lines and `#` comments are skipped; every other line
    /// is `kind: Name | alias, alias`.
    pub fn parse(text: &str) -> Result<Lexicon, LexiconError> {
        let mut lexicon = Lexicon::default();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: &str| LexiconError { line: i + 1, message: message.to_owned() };
            let (kind, rest) = line.split_once(':').ok_or_else(|| err("expected `kind: Name | aliases`"))?;
            let (name, aliases) = rest.split_once('|').unwrap_or((rest, ""));
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 150 {
                return Err(err("a name of 1 to 150 characters is needed"));
            }
            let entry = Entry {
                name: name.to_owned(),
                aliases: aliases.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect(),
            };
            match kind.trim() {
                "fandom" if lexicon.fandom.is_empty() => lexicon.fandom = entry.name,
                "fandom" => return Err(err("one fandom per lexicon")),
                "character" => lexicon.characters.push(entry),
                "place" => lexicon.places.push(entry),
                "group" => lexicon.groups.push(entry),
                "exclaim" => lexicon.exclamations.push(entry),
                other => {
                    return Err(err(&format!(
                        "unknown kind {other:?}: use fandom, character, place, group or exclaim"
                    )));
                }
            }
        }
        if lexicon.fandom.is_empty() {
            return Err(LexiconError { line: 0, message: "no `fandom:` line".into() });
        }
        Ok(lexicon)
    }

    /// The character a name stands for, if this lexicon knows exactly one.
    pub fn character(&self, name: &str) -> Option<&Entry> {
        let mut found = self.characters.iter().filter(|c| c.names().any(|n| n.eq_ignore_ascii_case(name)));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_lexicons_parse_and_name_what_the_first_story_needs() {
        let all = Lexicon::bundled();
        assert_eq!(all.len(), 6);
        let hp = all.iter().find(|l| l.fandom == "Harry Potter - J. K. Rowling").unwrap();
        assert_eq!(hp.character("Draco").map(|c| c.name.as_str()), Some("Draco Malfoy"));
        assert_eq!(hp.character("Mr. Potter").map(|c| c.name.as_str()), Some("Harry Potter"));
        assert!(hp.places.iter().any(|p| p.name == "Flourish and Blotts"));
        assert!(hp.places.iter().any(|p| p.names().any(|n| n == "Leaky Cauldron")));
        assert!(hp.groups.iter().any(|g| g.names().any(|n| n == "Death Eater")));
        assert!(hp.exclamations.iter().any(|e| e.names().any(|n| n == "Oh Merlin")));
        for l in &all {
            assert!(!l.characters.is_empty() && !l.places.is_empty(), "{}", l.fandom);
        }
    }

    #[test]
    fn bad_lines_are_named_by_number() {
        let e = Lexicon::parse("fandom: X\n\ncharacter Draco").unwrap_err();
        assert_eq!(e.to_string(), "line 3: expected `kind: Name | aliases`");
        let e = Lexicon::parse("fandom: X\nvillain: Y").unwrap_err();
        assert!(e.message.contains("unknown kind"), "{e}");
        assert_eq!(Lexicon::parse("character: Y").unwrap_err().message, "no `fandom:` line");
        assert!(Lexicon::parse("fandom: X\ncharacter: | alias").is_err());
        let ok = Lexicon::parse("# mine\nfandom: X\ncharacter: A B | A, B\n").unwrap();
        assert_eq!(ok.characters[0].aliases, ["A", "B"]);
    }
}
