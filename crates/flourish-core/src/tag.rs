//! Tags: typed, optionally canonical, optionally a synonym of a canonical tag.

use crate::ids::TagId;
use serde::{Deserialize, Serialize};

/// What a tag describes. Rating, Warning and Category hold the fixed vocabulary; the rest
/// are written by creators and wrangled by the archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagKind {
    Rating,
    Warning,
    Category,
    Fandom,
    Relationship,
    Character,
    /// AO3 calls these "Additional Tags" on pages and "Freeform" internally.
    Freeform,
}

impl TagKind {
    /// Every kind, in the order a work's tag block lists them.
    pub const ALL: &'static [TagKind] = &[
        TagKind::Rating,
        TagKind::Warning,
        TagKind::Category,
        TagKind::Fandom,
        TagKind::Relationship,
        TagKind::Character,
        TagKind::Freeform,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TagKind::Rating => "rating",
            TagKind::Warning => "warning",
            TagKind::Category => "category",
            TagKind::Fandom => "fandom",
            TagKind::Relationship => "relationship",
            TagKind::Character => "character",
            TagKind::Freeform => "freeform",
        }
    }

    pub fn parse(s: &str) -> Option<TagKind> {
        TagKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The heading readers see, singular and plural.
    pub fn label(self, count: usize) -> &'static str {
        let one = count == 1;
        match self {
            TagKind::Rating => {
                if one {
                    "Rating"
                } else {
                    "Ratings"
                }
            }
            TagKind::Warning => {
                if one {
                    "Archive Warning"
                } else {
                    "Archive Warnings"
                }
            }
            TagKind::Category => {
                if one {
                    "Category"
                } else {
                    "Categories"
                }
            }
            TagKind::Fandom => {
                if one {
                    "Fandom"
                } else {
                    "Fandoms"
                }
            }
            TagKind::Relationship => {
                if one {
                    "Relationship"
                } else {
                    "Relationships"
                }
            }
            TagKind::Character => {
                if one {
                    "Character"
                } else {
                    "Characters"
                }
            }
            TagKind::Freeform => "Additional Tags",
        }
    }

    /// Whether creators may type new tags of this kind (the fixed vocabulary is closed).
    pub fn is_user_defined(self) -> bool {
        !matches!(self, TagKind::Rating | TagKind::Warning | TagKind::Category)
    }
}

/// A tag as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub id: TagId,
    pub name: String,
    pub kind: TagKind,
    pub canonical: bool,
    /// The canonical tag this one is a synonym of; a synonym filters as its canonical.
    pub synonym_of: Option<TagId>,
}

impl Tag {
    /// The path of this tag's works page.
    pub fn works_path(&self) -> String {
        format!("/tags/{}/works", tag_url_segment(&self.name))
    }
}

/// Characters AO3 refuses in tag names; the commas (ASCII, full-width and ideographic)
/// are refused because tag fields are comma-separated.
pub const FORBIDDEN_TAG_CHARACTERS: &[char] = &[',', '^', '*', '<', '>', '{', '}', '=', '`', '，', '、', '\\', '%'];

/// Why a tag name was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TagNameError {
    #[error("a tag name cannot be empty")]
    Empty,
    #[error("a tag name can be at most {max} characters long")]
    TooLong { max: usize },
    #[error("a tag name cannot contain {0:?}")]
    ForbiddenCharacter(char),
}

/// Tag names from what a person typed: separated by commas, full-width commas (，) or
/// ideographic commas (、), trimmed, empty ones dropped.
pub fn split_tag_input(value: &str) -> Vec<String> {
    value.split([',', '，', '、']).map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect()
}

/// Checks a tag name (already trimmed) against AO3's rules.
pub fn validate_tag_name(name: &str, max_chars: usize) -> Result<(), TagNameError> {
    if name.trim().is_empty() {
        return Err(TagNameError::Empty);
    }
    if name.chars().count() > max_chars {
        return Err(TagNameError::TooLong { max: max_chars });
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN_TAG_CHARACTERS.contains(c)) {
        return Err(TagNameError::ForbiddenCharacter(c));
    }
    Ok(())
}

/// The two kinds of relationship tag: AO3 writes romantic pairings `A/B` and platonic or
/// family ones `A & B`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pairing {
    Romantic,
    Platonic,
}

impl Pairing {
    fn separator(self) -> &'static str {
        match self {
            Pairing::Romantic => "/",
            Pairing::Platonic => " & ",
        }
    }
}

/// A relationship tag's name as AO3 wrangles it: the characters' names in alphabetical
/// order, so that a pair has one name whichever of them a text or a writer names first
/// ("Draco Malfoy/Harry Potter"), joined by the pairing's separator.
pub fn relationship_name(people: &[&str], pairing: Pairing) -> String {
    let mut people: Vec<&str> = people.iter().map(|p| p.trim()).collect();
    people.sort_by(|a, b| a.to_lowercase().cmp(&b.to_lowercase()).then_with(|| a.cmp(b)));
    people.join(pairing.separator())
}

/// The characters a relationship tag's name joins, and how: `None` for a name that is not
/// a relationship of two or more named characters (or mixes `/` and `&`).
pub fn relationship_people(name: &str) -> Option<(Vec<&str>, Pairing)> {
    let pairing = match (name.contains('/'), name.contains(" & ")) {
        (true, false) => Pairing::Romantic,
        (false, true) => Pairing::Platonic,
        _ => return None,
    };
    let people: Vec<&str> = name.split(pairing.separator().trim()).map(str::trim).collect();
    (people.len() >= 2 && people.iter().all(|p| !p.is_empty())).then_some((people, pairing))
}

/// Escapes a tag name for a URL path segment the way AO3 does: the characters that routers
/// and browsers treat specially become `*s*` (`/`), `*a*` (`&`), `*d*` (`.`), `*q*` (`?`)
/// and `*h*` (`#`); everything else is percent-encoded as usual. `*` itself is forbidden in
/// tag names, so the escapes can never be ambiguous.
pub fn tag_url_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        match c {
            '/' => out.push_str("*s*"),
            '&' => out.push_str("*a*"),
            '.' => out.push_str("*d*"),
            '?' => out.push_str("*q*"),
            '#' => out.push_str("*h*"),
            c if c.is_ascii_alphanumeric() || "-_~!$'()+:@;".contains(c) => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

/// Reverses [`tag_url_segment`] on a segment the router has already percent-decoded.
pub fn tag_from_url_segment(segment: &str) -> String {
    segment.replace("*s*", "/").replace("*a*", "&").replace("*d*", ".").replace("*q*", "?").replace("*h*", "#")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_names_have_one_order_and_split_back() {
        assert_eq!(
            relationship_name(&["Harry Potter", "Draco Malfoy"], Pairing::Romantic),
            "Draco Malfoy/Harry Potter"
        );
        assert_eq!(
            relationship_name(&["Jane Bennet", "Elizabeth Bennet"], Pairing::Platonic),
            "Elizabeth Bennet & Jane Bennet"
        );
        assert_eq!(
            relationship_people("Draco Malfoy/Harry Potter"),
            Some((vec!["Draco Malfoy", "Harry Potter"], Pairing::Romantic))
        );
        assert_eq!(relationship_people("Ron & Hermione").map(|(_, p)| p), Some(Pairing::Platonic));
        for not_one in ["Harry Potter", "Harry/", "/Draco", "A/B & C", "Fluff"] {
            assert_eq!(relationship_people(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn tag_names_round_trip_through_urls() {
        for name in
            ["Draco Malfoy/Harry Potter", "Harry Potter & Hermione Granger", "Mr. Darcy?", "C# Jokes", "Ünïcode tag"]
        {
            let seg = tag_url_segment(name);
            assert!(!seg.contains(['/', '&', '.', '?', '#', ' ']), "{seg}");
            // The router percent-decodes before we see the segment.
            let decoded = percent_decode(&seg);
            assert_eq!(tag_from_url_segment(&decoded), name);
        }
        assert_eq!(tag_url_segment("Draco Malfoy/Harry Potter"), "Draco%20Malfoy*s*Harry%20Potter");
    }

    fn percent_decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn tag_names_follow_ao3_rules() {
        assert_eq!(validate_tag_name("Fluff", 150), Ok(()));
        assert_eq!(validate_tag_name("  ", 150), Err(TagNameError::Empty));
        assert_eq!(validate_tag_name("a,b", 150), Err(TagNameError::ForbiddenCharacter(',')));
        assert_eq!(validate_tag_name("a，b", 150), Err(TagNameError::ForbiddenCharacter('，')));
        assert_eq!(validate_tag_name(&"x".repeat(151), 150), Err(TagNameError::TooLong { max: 150 }));
    }
}
