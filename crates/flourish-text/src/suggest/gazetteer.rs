//! Places every reader knows (`gazetteer.txt`): a name there is a place wherever a text
//! writes it, and no character unless someone speaks under it. Names that are as often
//! people's (Jordan, Florence, Virginia, Sydney) are left out.

use std::collections::HashSet;
use std::sync::LazyLock;

static PLACES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("gazetteer.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
});

/// The places written in Chinese characters, in a stable order, for texts whose names
/// cannot be picked out by their capitals.
static CJK_PLACES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut places: Vec<&str> = PLACES
        .iter()
        .copied()
        .filter(|p| p.chars().next().is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
        .collect();
    places.sort_unstable();
    places
});

pub(super) fn cjk_places() -> impl Iterator<Item = &'static str> {
    CJK_PLACES.iter().copied()
}

/// Whether `name` is a place every reader knows.
pub(super) fn is_known_place(name: &str) -> bool {
    PLACES.contains(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_places_and_names_that_are_people_s_too() {
        for place in ["London", "New York", "Vienna", "Москва", "南京", "Surrey"] {
            assert!(is_known_place(place), "{place}");
        }
        for person in ["Jordan", "Florence", "Sydney", "Gatsby", "# Places every reader knows"] {
            assert!(!is_known_place(person), "{person}");
        }
    }
}
