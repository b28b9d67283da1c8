//! The fixed vocabulary every archive starts with, spelled exactly as AO3 readers know it.
//!
//! These are stored as tags of the Rating, Warning and Category kinds (so filters treat them
//! like any other tag), seeded by the first migration; these enums are the single source of
//! their names and order.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $label:literal, $short:literal;)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),* }

        impl $name {
            /// Every value, in the order AO3 lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The tag name, as shown to readers.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            /// A short form for compact places such as work blurbs.
            pub fn short(self) -> &'static str {
                match self { $($name::$variant => $short),* }
            }

            /// The value whose tag name is `name` (exact spelling, case-insensitive).
            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.name().eq_ignore_ascii_case(name.trim()))
            }
        }
    };
}

vocabulary! {
    /// How explicit a work is; exactly one per work.
    Rating {
        GeneralAudiences => "General Audiences", "G";
        TeenAndUp => "Teen And Up Audiences", "T";
        Mature => "Mature", "M";
        Explicit => "Explicit", "E";
        NotRated => "Not Rated", "NR";
    }
}

vocabulary! {
    /// Archive warnings; one or more per work.
    ArchiveWarning {
        ChoseNotToUse => "Creator Chose Not To Use Archive Warnings", "CNTW";
        NoneApply => "No Archive Warnings Apply", "None";
        GraphicViolence => "Graphic Depictions Of Violence", "Violence";
        MajorCharacterDeath => "Major Character Death", "MCD";
        RapeNonCon => "Rape/Non-Con", "Non-Con";
        UnderageSex => "Underage Sex", "Underage";
    }
}

vocabulary! {
    /// Relationship categories; zero or more per work.
    Category {
        FF => "F/F", "F/F";
        FM => "F/M", "F/M";
        Gen => "Gen", "Gen";
        MM => "M/M", "M/M";
        Multi => "Multi", "Multi";
        Other => "Other", "Other";
    }
}

impl Rating {
    /// A rating as people write it: the AO3 name, its short form (`G`, `T`, `M`, `E`, `NR`),
    /// a first word (`Teen`, `General`), or FanFiction.Net's scale (`K`, `K+`, `T`, `M`, `MA`).
    pub fn parse_lenient(s: &str) -> Option<Rating> {
        let s = s.trim();
        if let Some(r) = Rating::from_name(s) {
            return Some(r);
        }
        let key = s.to_ascii_lowercase().replace(['.', ' ', '-'], "");
        Some(match key.as_str() {
            "g" | "general" | "k" | "k+" | "gen" => Rating::GeneralAudiences,
            "t" | "teen" | "teenandup" | "pg13" | "pg" => Rating::TeenAndUp,
            "m" | "mature" | "r" => Rating::Mature,
            "e" | "explicit" | "ma" | "nc17" => Rating::Explicit,
            "nr" | "notrated" | "unrated" => Rating::NotRated,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_has_the_sizes_and_names_readers_know() {
        assert_eq!(Rating::ALL.len(), 5);
        assert_eq!(ArchiveWarning::ALL.len(), 6);
        assert_eq!(Category::ALL.len(), 6);
        assert_eq!(Rating::TeenAndUp.name(), "Teen And Up Audiences");
        assert_eq!(ArchiveWarning::from_name("rape/non-con"), Some(ArchiveWarning::RapeNonCon));
        assert_eq!(Category::from_name("M/M"), Some(Category::MM));
        assert_eq!(Rating::from_name("PG-13"), None);
        assert_eq!(Rating::parse_lenient("K+"), Some(Rating::GeneralAudiences));
        assert_eq!(Rating::parse_lenient("teen"), Some(Rating::TeenAndUp));
        assert_eq!(Rating::parse_lenient("MA"), Some(Rating::Explicit));
        assert_eq!(Rating::parse_lenient("Explicit"), Some(Rating::Explicit));
        assert_eq!(Rating::parse_lenient("spicy"), None);
    }
}
