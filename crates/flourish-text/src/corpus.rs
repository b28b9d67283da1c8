//! Scoring the importer and the tag suggestions against hand-annotated real texts (the
//! development corpus in `corpus/`, issue 17). Pure: the caller reads the files; this
//! compares one read work with its annotation and adds the results up.
//!
//! Texts are compared as their letters and digits alone, lowercased, with single spaces
//! between words: markup, entities, typographic quotes and dashes differ between a file and
//! what the importer makes of it, and none of them decides whether a chapter starts at the
//! right place.

use crate::pipeline::ReadWork;
pub use crate::structure::normalise;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// One text's annotation (format: `corpus/README.md`).
#[derive(Clone, Debug, Deserialize)]
pub struct Annotation {
    pub file: String,
    /// The file's name where it was published, when the corpus stores it under another
    /// ("Oscar Wilde/The Canterville Ghost.md"): a user imports it by that name, and the
    /// importer may read a title from it.
    #[serde(default)]
    pub published_name: Option<String>,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub title_aliases: Vec<String>,
    #[serde(default)]
    pub fandom: String,
    #[serde(default)]
    pub fandom_aliases: Vec<String>,
    pub chapters: Vec<AnnotatedChapter>,
    #[serde(default)]
    pub characters: Vec<AnnotatedCharacter>,
    #[serde(default)]
    pub relationships: Vec<AnnotatedRelationship>,
    #[serde(default)]
    pub places: Vec<AnnotatedPlace>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AnnotatedChapter {
    #[serde(default)]
    pub heading: Option<String>,
    pub title: Option<String>,
    pub first_words: String,
    #[serde(default)]
    pub scene_breaks: u32,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AnnotatedCharacter {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub importance: Importance,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Importance {
    Main,
    Secondary,
    Minor,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AnnotatedRelationship {
    pub between: [String; 2],
    pub kind: RelationshipKind,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RelationshipKind {
    Romantic,
    Platonic,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(from = "PlaceForm")]
pub struct AnnotatedPlace {
    pub name: String,
    pub aliases: Vec<String>,
}

/// A place is written as an object, or as its name alone.
#[derive(Deserialize)]
#[serde(untagged)]
enum PlaceForm {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

impl From<PlaceForm> for AnnotatedPlace {
    fn from(form: PlaceForm) -> AnnotatedPlace {
        match form {
            PlaceForm::Name(name) => AnnotatedPlace { name, aliases: vec![] },
            PlaceForm::Full { name, aliases } => AnnotatedPlace { name, aliases },
        }
    }
}

/// How far into a chapter's text its annotated first words may be found, in normalised
/// characters: a heading's second line left in the text still finds the chapter; front
/// matter glued on does not.
const FIRST_WORDS_WITHIN: usize = 300;

/// One text's results: counts, so texts add up (micro-averages).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TextScore {
    pub name: String,
    pub chapters_annotated: u32,
    pub chapters_found: u32,
    /// Annotated chapters the importer found (boundaries right).
    pub chapters_matched: u32,
    pub structure_exact: bool,
    pub title_right: bool,
    pub scene_breaks_annotated: u32,
    /// |found − annotated| summed per chapter, plus the breaks of chapters not matched.
    pub scene_break_error: u32,
    pub characters_suggested: u32,
    pub characters_real: u32,
    pub characters_to_find: u32,
    pub characters_found: u32,
    pub relationships_annotated: u32,
    pub relationships_suggested: u32,
    pub relationships_found: u32,
    /// Suggested pairs of two annotated people, and of those, the ones annotated with that
    /// kind: the suggestions' precision, as far as the annotation can judge it.
    pub relationships_judged: u32,
    pub relationships_right: u32,
    pub places_suggested: u32,
    pub places_real: u32,
    pub places_annotated: u32,
    pub places_found: u32,
    pub fandom_right: bool,
    /// What went wrong, for the report.
    pub problems: Vec<String>,
}

/// Scores one read work against its annotation.
pub fn score(name: &str, annotation: &Annotation, work: &ReadWork) -> TextScore {
    let mut s = TextScore { name: name.to_owned(), ..TextScore::default() };
    score_title(annotation, work, &mut s);
    score_chapters(annotation, work, &mut s);
    score_characters(annotation, work, &mut s);
    score_relationships(annotation, work, &mut s);
    score_places(annotation, work, &mut s);
    score_fandom(annotation, work, &mut s);
    s
}

fn score_title(a: &Annotation, work: &ReadWork, s: &mut TextScore) {
    let got = normalise(&work.draft.title);
    s.title_right = std::iter::once(&a.title).chain(&a.title_aliases).any(|t| normalise(t) == got);
    if !s.title_right {
        s.problems.push(format!("title {:?}, not {:?}", work.draft.title, a.title));
    }
}

fn score_chapters(a: &Annotation, work: &ReadWork, s: &mut TextScore) {
    let found = &work.document.chapters;
    s.chapters_annotated = a.chapters.len() as u32;
    s.chapters_found = found.len() as u32;
    // Each found chapter's opening, normalised; an annotated chapter is matched to the first
    // found chapter after the previous match whose opening holds its first words.
    let openings: Vec<String> = found
        .iter()
        .map(|c| {
            let text = normalise(&crate::html_to_text(&c.content_html()));
            text.chars().take(FIRST_WORDS_WITHIN + 200).collect()
        })
        .collect();
    let mut matched_found = vec![false; found.len()];
    let mut next = 0;
    let mut titles_right = true;
    for (i, chapter) in a.chapters.iter().enumerate() {
        let words = normalise(&chapter.first_words);
        s.scene_breaks_annotated += chapter.scene_breaks;
        let at = (next..found.len()).find(|&j| {
            openings[j].find(&words).is_some_and(|at| openings[j][..at].chars().count() <= FIRST_WORDS_WITHIN)
        });
        let Some(j) = at else {
            s.scene_break_error += chapter.scene_breaks;
            titles_right = false;
            s.problems.push(format!("chapter {} {:?} not found", i + 1, chapter.heading.as_deref().unwrap_or("")));
            continue;
        };
        next = j + 1;
        matched_found[j] = true;
        s.chapters_matched += 1;
        let breaks = found[j].scene_break_count() as u32;
        s.scene_break_error += breaks.abs_diff(chapter.scene_breaks);
        if breaks != chapter.scene_breaks {
            s.problems.push(format!("chapter {}: {breaks} scene breaks, not {}", i + 1, chapter.scene_breaks));
        }
        // A numbered label kept as the title ("Letter II", "First Act": Flourish shows it
        // so that a letter is not called "Chapter 2") is the annotation's title-less heading.
        let label = |t: &&str| crate::patterns::is_number_label(t);
        let title = found[j].title.as_deref().filter(|t| !label(t)).map(normalise).unwrap_or_default();
        let want = chapter.title.as_deref().map(normalise).unwrap_or_default();
        if title != want {
            titles_right = false;
            s.problems.push(format!("chapter {} titled {:?}, not {:?}", i + 1, found[j].title, chapter.title));
        }
    }
    for (j, chapter) in found.iter().enumerate().filter(|(j, _)| !matched_found[*j]) {
        s.scene_break_error += chapter.scene_break_count() as u32;
        let opening: String = openings[j].chars().take(60).collect();
        s.problems.push(format!("extra chapter {} {:?}: {opening}…", j + 1, chapter.title.as_deref().unwrap_or("")));
    }
    s.structure_exact =
        titles_right && s.chapters_matched == s.chapters_annotated && s.chapters_found == s.chapters_annotated;
}

/// Honorifics and titles dropped before names are compared: "Mr. Holmes" is "Holmes".
const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "miss",
    "ms",
    "dr",
    "doctor",
    "sir",
    "lady",
    "lord",
    "madame",
    "mme",
    "monsieur",
    "m",
    "mademoiselle",
    "mlle",
    "herr",
    "frau",
    "fräulein",
    "señor",
    "señora",
    "don",
    "doña",
    "captain",
    "colonel",
    "professor",
    "prof",
    "king",
    "queen",
    "prince",
    "princess",
    "aunt",
    "uncle",
    "saint",
    "st",
];

/// A leading article is dropped too: annotators wrote "The Whale" and "Hatter" alike for
/// characters the text calls "the Whale" and "the Hatter", and either names them.
fn name_key(name: &str) -> String {
    let normal = normalise(name);
    let words: Vec<&str> = normal.split(' ').collect();
    let dropped = |w: &&&str| HONORIFICS.contains(*w) || ARTICLES.contains(*w);
    let start = words.iter().take_while(dropped).count().min(words.len().saturating_sub(1));
    words[start..].join(" ")
}

/// Articles a character's name may open with, in the corpus's languages.
const ARTICLES: &[&str] = &["the", "le", "la", "les", "el", "der", "die", "das"];

/// The annotated character a suggested name stands for: the one with that very name or
/// alias, else one whose name is the same without honorifics or articles. "Mr. Vernon"
/// is Charles Vernon, whose alias it is, though "Mrs. Vernon" is also "Vernon" bare.
fn character_of<'a>(a: &'a Annotation, name: &str) -> Option<&'a AnnotatedCharacter> {
    let names = |c: &'a AnnotatedCharacter| std::iter::once(&c.name).chain(&c.aliases);
    let exact = normalise(name);
    if let Some(c) = a.characters.iter().find(|c| names(c).any(|n| normalise(n) == exact)) {
        return Some(c);
    }
    let key = name_key(name);
    a.characters.iter().find(|c| names(c).any(|n| name_key(n) == key))
}

fn score_characters(a: &Annotation, work: &ReadWork, s: &mut TextScore) {
    let suggested = &work.suggested.characters;
    s.characters_suggested = suggested.len() as u32;
    let mut wrong = vec![];
    for c in suggested {
        if character_of(a, &c.name).is_some() {
            s.characters_real += 1;
        } else {
            wrong.push(c.name.as_str());
        }
    }
    if !wrong.is_empty() {
        s.problems.push(format!("not characters: {}", wrong.join(", ")));
    }
    let mut missed = vec![];
    for c in a.characters.iter().filter(|c| c.importance != Importance::Minor) {
        s.characters_to_find += 1;
        let found = suggested.iter().any(|sugg| {
            std::iter::once(&sugg.name)
                .chain(&sugg.aliases)
                .any(|n| character_of(a, n).is_some_and(|found| std::ptr::eq(found, c)))
        });
        if found {
            s.characters_found += 1;
        } else {
            missed.push(c.name.as_str());
        }
    }
    if !missed.is_empty() {
        s.problems.push(format!("characters missed: {}", missed.join(", ")));
    }
}

/// A pair of people as the annotation knows them (`None`: not an annotated person).
type PeoplePair<'a> = [Option<&'a AnnotatedCharacter>; 2];

/// Whether two names stand for one annotated person (never when either is nobody's).
fn same_person(a: Option<&AnnotatedCharacter>, b: Option<&AnnotatedCharacter>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => std::ptr::eq(a, b),
        _ => false,
    }
}

/// Whether two pairs are the same two annotated people, in either order.
fn same_pair(x: &PeoplePair, y: &PeoplePair) -> bool {
    (same_person(x[0], y[0]) && same_person(x[1], y[1])) || (same_person(x[0], y[1]) && same_person(x[1], y[0]))
}

fn score_relationships(a: &Annotation, work: &ReadWork, s: &mut TextScore) {
    s.relationships_annotated = a.relationships.len() as u32;
    s.relationships_suggested = work.suggested.relationships.len() as u32;
    let suggested: Vec<(RelationshipKind, PeoplePair)> = work
        .suggested
        .relationships
        .iter()
        .filter_map(|r| {
            let (kind, (x, y)) = match r.name.split_once('/') {
                Some(pair) => (RelationshipKind::Romantic, pair),
                None => (RelationshipKind::Platonic, r.name.split_once(" & ")?),
            };
            Some((kind, [character_of(a, x.trim()), character_of(a, y.trim())]))
        })
        .collect();
    let annotated: Vec<(RelationshipKind, PeoplePair)> = a
        .relationships
        .iter()
        .map(|r| (r.kind, [character_of(a, &r.between[0]), character_of(a, &r.between[1])]))
        .collect();
    // Precision over the pairs the annotation can judge: both people annotated, and two of
    // them. A pair the annotation leaves out counts as wrong: it lists the relationships
    // the text shows clearly, and a suggestion should be one of those.
    for (kind, got) in &suggested {
        if got[0].is_none() || got[1].is_none() || same_person(got[0], got[1]) {
            continue;
        }
        s.relationships_judged += 1;
        s.relationships_right += u32::from(annotated.iter().any(|(k, pair)| k == kind && same_pair(got, pair)));
    }
    for (r, (kind, pair)) in a.relationships.iter().zip(&annotated) {
        if suggested.iter().any(|(k, got)| k == kind && same_pair(got, pair)) {
            s.relationships_found += 1;
            continue;
        }
        // Why: a person of the pair not suggested at all, the pair suggested as the other
        // kind, or the two suggested but never paired.
        let suggested_as = |c: Option<&AnnotatedCharacter>| {
            work.suggested.characters.iter().any(|sugg| {
                std::iter::once(&sugg.name).chain(&sugg.aliases).any(|n| same_person(character_of(a, n), c))
            })
        };
        let why = if !suggested_as(pair[0]) || !suggested_as(pair[1]) {
            "a person not found"
        } else if suggested.iter().any(|(_, got)| same_pair(got, pair)) {
            "the other kind"
        } else {
            "not paired"
        };
        s.problems.push(format!("relationship missed: {} ({:?}; {why})", r.between.join(" + "), r.kind));
    }
}

fn score_places(a: &Annotation, work: &ReadWork, s: &mut TextScore) {
    let place_of = |name: &str| {
        let key = normalise(name);
        a.places.iter().position(|p| std::iter::once(&p.name).chain(&p.aliases).any(|n| normalise(n) == key))
    };
    s.places_suggested = work.suggested.places.len() as u32;
    s.places_annotated = a.places.len() as u32;
    let mut found = vec![false; a.places.len()];
    let mut wrong = vec![];
    for p in &work.suggested.places {
        match place_of(p) {
            Some(i) => {
                s.places_real += 1;
                found[i] = true;
            }
            None => wrong.push(p.as_str()),
        }
    }
    s.places_found = found.iter().filter(|f| **f).count() as u32;
    if !wrong.is_empty() {
        s.problems.push(format!("not places: {}", wrong.join(", ")));
    }
    let missed: Vec<&str> = a.places.iter().zip(&found).filter(|(_, f)| !**f).map(|(p, _)| p.name.as_str()).collect();
    if !missed.is_empty() {
        s.problems.push(format!("places missed: {}", missed.join(", ")));
    }
}

fn score_fandom(a: &Annotation, work: &ReadWork, s: &mut TextScore) {
    let wanted: Vec<String> = std::iter::once(&a.fandom).chain(&a.fandom_aliases).map(|f| normalise(f)).collect();
    let named: Vec<&String> = work.draft.fandoms.iter().chain(&work.suggested.fandoms).collect();
    s.fandom_right = named.first().is_some_and(|f| wanted.contains(&normalise(f)));
    if !s.fandom_right {
        s.problems.push(format!("fandom {:?}, not {:?}", named.first(), a.fandom));
    }
}

/// The measures of issue 17's table over many texts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Measures {
    pub texts: u32,
    pub chapter_f1: f64,
    pub structure_exact: f64,
    pub title_right: f64,
    /// Scene-break count error over the breaks annotated.
    pub scene_break_error: f64,
    pub character_precision: f64,
    pub character_recall: f64,
    pub relationship_recall: f64,
    /// Of the suggested pairs of two annotated people, the share annotated with that kind.
    pub relationship_precision: f64,
    pub place_precision: f64,
    pub place_recall: f64,
    pub fandom_right: f64,
}

fn ratio(n: u32, d: u32) -> f64 {
    if d == 0 { 1.0 } else { f64::from(n) / f64::from(d) }
}

/// Adds texts' counts up into the table's measures.
pub fn measures(scores: &[TextScore]) -> Measures {
    let sum = |f: fn(&TextScore) -> u32| scores.iter().map(f).sum::<u32>();
    let share = |f: fn(&TextScore) -> bool| ratio(scores.iter().filter(|s| f(s)).count() as u32, scores.len() as u32);
    let matched = sum(|s| s.chapters_matched);
    let precision = ratio(matched, sum(|s| s.chapters_found));
    let recall = ratio(matched, sum(|s| s.chapters_annotated));
    Measures {
        texts: scores.len() as u32,
        chapter_f1: if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) },
        structure_exact: share(|s| s.structure_exact),
        title_right: share(|s| s.title_right),
        scene_break_error: if sum(|s| s.scene_breaks_annotated) == 0 {
            0.0
        } else {
            ratio(sum(|s| s.scene_break_error), sum(|s| s.scene_breaks_annotated))
        },
        character_precision: ratio(sum(|s| s.characters_real), sum(|s| s.characters_suggested)),
        character_recall: ratio(sum(|s| s.characters_found), sum(|s| s.characters_to_find)),
        relationship_recall: ratio(sum(|s| s.relationships_found), sum(|s| s.relationships_annotated)),
        relationship_precision: ratio(sum(|s| s.relationships_right), sum(|s| s.relationships_judged)),
        place_precision: ratio(sum(|s| s.places_real), sum(|s| s.places_suggested)),
        place_recall: ratio(sum(|s| s.places_found), sum(|s| s.places_annotated)),
        fandom_right: share(|s| s.fandom_right),
    }
}

/// A report: one line per text, its problems indented below when `verbose`, then the table.
pub fn report(scores: &[TextScore], verbose: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<44} {:>9} {:>5} {:>5} {:>7} {:>9} {:>9} {:>6} {:>9} {:>6}",
        "text", "chapters", "exact", "title", "breaks±", "char P/R", "rel", "place", "P/R", "fandom"
    );
    for s in scores {
        let _ = writeln!(
            out,
            "{:<44} {:>4}/{:<4} {:>5} {:>5} {:>3}/{:<3} {:>4}/{:<4} {:>3}/{:<3} {:>9} {:>6}",
            s.name,
            s.chapters_matched,
            s.chapters_annotated,
            yes(s.structure_exact),
            yes(s.title_right),
            s.scene_break_error,
            s.scene_breaks_annotated,
            format!("{:.2}", ratio(s.characters_real, s.characters_suggested)),
            format!("{:.2}", ratio(s.characters_found, s.characters_to_find)),
            s.relationships_found,
            s.relationships_annotated,
            format!("{:.2}/{:.2}", ratio(s.places_real, s.places_suggested), ratio(s.places_found, s.places_annotated)),
            yes(s.fandom_right)
        );
        if verbose {
            for p in &s.problems {
                let _ = writeln!(out, "    {p}");
            }
        }
    }
    let m = measures(scores);
    let breaks = (
        scores.iter().map(|s| s.scene_break_error).sum::<u32>(),
        scores.iter().map(|s| s.scene_breaks_annotated).sum::<u32>(),
    );
    let _ = writeln!(out, "\n{} texts", m.texts);
    let rows = [
        ("chapter-boundary F1", format!("{:.3}", m.chapter_f1)),
        ("whole chapter structure exactly right", percent(m.structure_exact)),
        ("work title right", percent(m.title_right)),
        ("scene breaks: count error", format!("{} of {} ({})", breaks.0, breaks.1, percent(ratio(breaks.0, breaks.1)))),
        ("characters: precision", format!("{:.2}", m.character_precision)),
        ("characters: recall (main and secondary)", format!("{:.2}", m.character_recall)),
        ("relationships found, kind right", format!("{:.2}", m.relationship_recall)),
        ("relationships: precision", format!("{:.2}", m.relationship_precision)),
        ("places: precision / recall", format!("{:.2} / {:.2}", m.place_precision, m.place_recall)),
        ("fandom right", percent(m.fandom_right)),
    ];
    for (name, value) in rows {
        let _ = writeln!(out, "{name:<42} {value}");
    }
    out
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_honorifics_or_articles() {
        assert_eq!(name_key("The Whale"), name_key("Whale"));
        assert_eq!(name_key("Mr. Holmes"), name_key("Holmes"));
        assert_eq!(name_key("la marquise"), name_key("Marquise"));
        assert_ne!(name_key("The Whale"), name_key("The Elephant's Child"));
        assert_eq!(name_key("The"), "the", "a name that is only an article keeps it");
    }

    #[test]
    fn normalising_keeps_letters_and_digits_only() {
        assert_eq!(normalise("“Well,” said\n Mr. Holmes—quite so!"), "well said mr holmes quite so");
        assert_eq!(normalise("第一章　春"), "第一章 春");
    }

    #[test]
    fn a_name_written_as_annotated_is_that_person_before_any_with_the_same_bare_name() {
        let json = r#"{"file": "f", "title": "t", "chapters": [], "characters": [
            {"name": "Catherine Vernon", "aliases": ["Mrs. Vernon"], "importance": "main"},
            {"name": "Charles Vernon", "aliases": ["Mr. Vernon"], "importance": "main"}]}"#;
        let a: Annotation = serde_json::from_str(json).unwrap();
        assert_eq!(character_of(&a, "Mr. Vernon").unwrap().name, "Charles Vernon");
        assert_eq!(character_of(&a, "Mrs. Vernon").unwrap().name, "Catherine Vernon");
        assert_eq!(character_of(&a, "Vernon").unwrap().name, "Catherine Vernon", "bare: the first");
    }

    #[test]
    fn honorifics_do_not_make_another_person() {
        assert_eq!(name_key("Mr. Sherlock Holmes"), "sherlock holmes");
        assert_eq!(name_key("Doctor"), "doctor", "a name that is only a title stays");
    }
}
