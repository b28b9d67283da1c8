//! A deterministic synthetic corpus for benchmarks: the same seed gives the same works.

use flourish_core::{ArchiveWarning, Category, ChapterDraft, PseudId, Rating, WorkDraft};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const FANDOMS: &[&str] = &[
    "Harry Potter - J. K. Rowling",
    "Sherlock Holmes - Arthur Conan Doyle",
    "Pride and Prejudice - Jane Austen",
    "Star Wars - All Media Types",
    "Naruto",
    "Marvel Cinematic Universe",
    "Original Work",
];
const WORDS: &[&str] = &[
    "the", "lantern", "quiet", "letter", "tower", "said", "and", "she", "he", "walked", "into", "rain", "morning",
    "smiled", "book", "shop", "corner", "war", "after", "before", "green", "eyes", "owl", "tea",
];

/// Generates work drafts credited to the given pseuds.
pub struct Corpus {
    rng: StdRng,
    pseuds: Vec<PseudId>,
}

impl Corpus {
    pub fn new(seed: u64, pseuds: Vec<PseudId>) -> Corpus {
        Corpus { rng: StdRng::seed_from_u64(seed), pseuds }
    }

    fn paragraph(&mut self, words: usize) -> String {
        let mut p = String::from("<p>");
        for i in 0..words {
            if i > 0 {
                p.push(' ');
            }
            p.push_str(WORDS[self.rng.random_range(0..WORDS.len())]);
        }
        p.push_str(".</p>\n");
        p
    }

    /// The next work: 1–3 chapters of 200–2,000 words.
    pub fn work(&mut self, n: usize) -> WorkDraft {
        // Zipf-like: low-numbered fandoms are far more common.
        let fandom = FANDOMS[(self.rng.random_range(0.0f64..1.0).powi(3) * FANDOMS.len() as f64) as usize];
        let pseud = self.pseuds[self.rng.random_range(0..self.pseuds.len())];
        let chapters = self.rng.random_range(1..=3);
        let mut draft = WorkDraft::new(&format!("Generated Work {n}"), fandom, pseud, "");
        draft.chapters = (0..chapters)
            .map(|c| {
                let paragraphs = self.rng.random_range(4..40);
                let content = (0..paragraphs).map(|_| self.paragraph(50)).collect::<String>();
                ChapterDraft { title: format!("Part {}", c + 1), content, ..Default::default() }
            })
            .collect();
        draft.rating = Rating::ALL[self.rng.random_range(0..Rating::ALL.len())];
        draft.warnings = vec![ArchiveWarning::ALL[self.rng.random_range(0..ArchiveWarning::ALL.len())]];
        draft.categories = vec![Category::ALL[self.rng.random_range(0..Category::ALL.len())]];
        draft.freeforms = vec![format!("Tag {}", self.rng.random_range(0..50))];
        draft.summary = self.paragraph(30);
        draft
    }
}
