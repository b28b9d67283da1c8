//! A deterministic synthetic archive for benchmarks: the same seed and size give the same
//! works. The distributions follow what AO3's public statistics show:
//!
//! - fandoms: a long tail — a few fandoms hold much of the archive, thousands hold a few
//!   works each (Zipf over the fandom rank);
//! - characters and relationships belong to their fandom, popular ones far more used
//!   (Zipf within the fandom); relationships pair the fandom's characters, mostly romantic;
//! - additional tags: Zipf over a large pool, the head being the familiar ones (Fluff,
//!   Angst, Hurt/Comfort…);
//! - word counts log-normal around a median of about 3,000, clamped to 100–500,000;
//!   longer works have more chapters; a quarter are in progress;
//! - publication dates over 15 years; kudos heavy-tailed, hits, comments and bookmarks
//!   following kudos.
//!
//! The two distributions needed (Zipf, log-normal) are a few lines each, so they are
//! written here rather than pulling in a statistics crate.

use flourish_core::{ArchiveWarning, Category, ChapterDraft, PseudId, Rating, WorkDraft, WorkStats};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::OffsetDateTime;

const ADJECTIVES: &[&str] = &[
    "Silver",
    "Hollow",
    "Crimson",
    "Quiet",
    "Northern",
    "Gilded",
    "Broken",
    "Last",
    "Wandering",
    "Hidden",
    "Iron",
    "Starlit",
    "Burning",
    "Paper",
    "Glass",
    "Sunken",
    "Winter",
    "Golden",
    "Secret",
    "Distant",
];
const NOUNS: &[&str] = &[
    "Archive",
    "Crown",
    "Harbor",
    "Academy",
    "Lantern",
    "Garden",
    "Empire",
    "Orchard",
    "Tower",
    "Circus",
    "Library",
    "Station",
    "Kingdom",
    "Forest",
    "Court",
    "Voyage",
    "Republic",
    "Cathedral",
    "Sea",
    "Road",
];
const MEDIA: &[&str] = &["TV", "Anime", "Video Game", "Movies", "Books", "Comics", "Podcast", "Webcomic"];
const FIRST: &[&str] = &[
    "Mira", "Tobias", "Elena", "Rafe", "Iris", "Dorian", "Sana", "Caleb", "Noor", "Felix", "Ada", "Jonah", "Lio",
    "Maren", "Theo", "Yara", "Silas", "Wren", "Anselm", "Kit", "Ophelia", "Rowan", "Hugo", "Esme", "Tamsin", "Idris",
    "Juno", "Cass", "Lark", "Nico",
];
const LAST: &[&str] = &[
    "Ashdown",
    "Vell",
    "Marlowe",
    "Okafor",
    "Quill",
    "Darrow",
    "Hale",
    "Moreau",
    "Sato",
    "Brennan",
    "Kovač",
    "Lind",
    "Farrow",
    "Reyes",
    "Thorne",
    "Ivers",
    "Castell",
    "Nakamura",
    "Penhallow",
    "Greaves",
];
/// The head of the additional-tag distribution, most used first.
const COMMON_FREEFORMS: &[&str] = &[
    "Fluff",
    "Angst",
    "Hurt/Comfort",
    "Alternate Universe",
    "Romance",
    "Friendship",
    "Humor",
    "Slow Burn",
    "Established Relationship",
    "Canon Compliant",
    "Alternate Universe - Modern Setting",
    "Fix-It",
    "Smut",
    "Found Family",
    "Whump",
    "Enemies to Lovers",
    "Pining",
    "Mutual Pining",
    "Drama",
    "Family",
    "Hurt No Comfort",
    "Happy Ending",
    "Major Character Injury",
    "Domestic Fluff",
    "Character Study",
    "Post-Canon",
    "Pre-Canon",
    "Alternate Universe - Coffee Shops & Cafés",
    "Minor Character Death",
    "Grief/Mourning",
];
const FREEFORM_THEMES: &[&str] = &[
    "Letters",
    "Rain",
    "Storms",
    "Dragons",
    "Tea",
    "Trains",
    "Bookshops",
    "Ghosts",
    "Music",
    "Dreams",
    "Cooking",
    "Snow",
    "Secrets",
    "Masks",
    "Maps",
    "Magic",
    "Gardens",
    "Libraries",
    "Stars",
    "Boats",
];
/// The head of the summary vocabulary, most frequent first, as in English prose; a
/// generated tail follows, and word use is Zipf-distributed over both (so a common word
/// such as "night" is in a few percent of summaries, as on a real archive, not in most).
const VOCABULARY_HEAD: &[&str] = &[
    "the", "and", "to", "a", "of", "he", "she", "in", "was", "it", "his", "her", "that", "with", "for", "is", "on",
    "but", "they", "you", "at", "as", "had", "not", "be", "what", "one", "all", "from", "this", "when", "there", "him",
    "so", "have", "were", "out", "about", "their", "into", "back", "time", "just", "like", "could", "would", "after",
    "never", "before", "again", "love", "home", "night", "heart", "little", "world", "first", "last", "eyes", "hand",
    "war", "family", "friends", "letter", "secret", "morning", "rain", "summer", "winter", "lantern", "tower",
    "garden", "owl", "dragon", "harbor", "train", "forest", "ghost", "king", "queen", "magic", "school", "storm",
    "river", "tea", "book", "shop", "music", "dream", "promise", "memory", "stranger", "truth",
];

fn vocabulary_word(rank: usize) -> String {
    match VOCABULARY_HEAD.get(rank) {
        Some(w) => (*w).to_owned(),
        None => {
            // Pronounceable, distinct, deterministic: consonant-vowel syllables of the rank.
            const C: &[u8] = b"bdfgklmnprstvz";
            const V: &[u8] = b"aeiou";
            let mut n = rank;
            let mut word = String::new();
            while n > 0 || word.len() < 4 {
                word.push(C[n % C.len()] as char);
                n /= C.len();
                word.push(V[n % V.len()] as char);
                n /= V.len();
            }
            word
        }
    }
}

const VOCABULARY_SIZE: usize = 5_000;

const LANGUAGES: &[(&str, u32)] =
    &[("en", 880), ("es", 30), ("zh", 25), ("ru", 20), ("fr", 15), ("pt", 12), ("de", 10), ("ja", 8)];

/// The archive's reference moment: dates count back 15 years from here, so a corpus does
/// not depend on when it was generated.
pub const CORPUS_END: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const FIFTEEN_YEARS: i64 = 15 * 365 * 86_400;

/// Samples ranks 0..n with probability proportional to 1/(rank+1)^s.
#[derive(Clone, Debug)]
pub struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, s: f64) -> Zipf {
        let mut total = 0.0;
        let cdf = (0..n.max(1))
            .map(|k| {
                total += 1.0 / ((k + 1) as f64).powf(s);
                total
            })
            .collect::<Vec<_>>();
        Zipf { cdf: cdf.into_iter().map(|c| c / total).collect() }
    }

    pub fn sample(&self, rng: &mut impl Rng) -> usize {
        let u: f64 = rng.random();
        self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1)
    }
}

/// A log-normal sample by Box–Muller.
fn log_normal(rng: &mut impl Rng, median: f64, sigma: f64) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    let normal = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    median * (sigma * normal).exp()
}

struct Fandom {
    name: String,
    characters: Vec<String>,
    character_zipf: Zipf,
}

/// One generated work: the draft to store, and the figures set after storing (a
/// generated work carries a short text, not its nominal word count).
pub struct GeneratedWork {
    pub draft: WorkDraft,
    pub words: u64,
    pub stats: WorkStats,
    pub updated_at: OffsetDateTime,
}

/// Generates works credited to the given pseuds.
pub struct Corpus {
    rng: StdRng,
    pseuds: Vec<PseudId>,
    pseud_zipf: Zipf,
    fandoms: Vec<Fandom>,
    fandom_zipf: Zipf,
    freeform_zipf: Zipf,
    freeform_count: usize,
    vocabulary: Vec<String>,
    word_zipf: Zipf,
}

impl Corpus {
    /// A corpus sized for `works` works: about one fandom per 100 works (at least 20), and
    /// a freeform pool of about one tag per 30 works.
    pub fn new(seed: u64, pseuds: Vec<PseudId>, works: usize) -> Corpus {
        let mut rng = StdRng::seed_from_u64(seed);
        let fandom_count = (works / 100).clamp(20, 20_000);
        let fandoms = (0..fandom_count)
            .map(|rank| {
                let name = fandom_name(rank);
                // Popular fandoms have bigger casts.
                let cast = (200 / (rank + 1)).clamp(6, 200) + rng.random_range(0..6);
                let characters = (0..cast).map(|i| character_name(rank, i)).collect();
                Fandom { name, characters, character_zipf: Zipf::new(cast, 1.1) }
            })
            .collect();
        let freeform_count = (works / 30).clamp(COMMON_FREEFORMS.len(), 50_000);
        Corpus {
            pseud_zipf: Zipf::new(pseuds.len(), 0.8),
            rng,
            pseuds,
            fandom_zipf: Zipf::new(fandom_count, 1.05),
            fandoms,
            freeform_zipf: Zipf::new(freeform_count, 1.0),
            freeform_count,
            vocabulary: (0..VOCABULARY_SIZE).map(vocabulary_word).collect(),
            word_zipf: Zipf::new(VOCABULARY_SIZE, 1.0),
        }
    }

    fn paragraph(&mut self, words: usize) -> String {
        let mut p = String::from("<p>");
        for i in 0..words {
            if i > 0 {
                p.push(' ');
            }
            p.push_str(&self.vocabulary[self.word_zipf.sample(&mut self.rng)]);
        }
        p.push_str(".</p>\n");
        p
    }

    fn pick<T: Copy>(&mut self, weighted: &[(T, u32)]) -> T {
        let total: u32 = weighted.iter().map(|(_, w)| w).sum();
        let mut at = self.rng.random_range(0..total);
        for (value, weight) in weighted {
            if at < *weight {
                return *value;
            }
            at -= weight;
        }
        weighted[0].0
    }

    fn freeform(&mut self) -> String {
        let rank = self.freeform_zipf.sample(&mut self.rng).min(self.freeform_count - 1);
        match COMMON_FREEFORMS.get(rank) {
            Some(name) => (*name).to_owned(),
            None => {
                let theme = FREEFORM_THEMES[rank % FREEFORM_THEMES.len()];
                let adjective = ADJECTIVES[(rank / FREEFORM_THEMES.len()) % ADJECTIVES.len()];
                format!("{adjective} {theme} #{rank}")
            }
        }
    }

    /// The next work.
    pub fn work(&mut self, n: usize) -> GeneratedWork {
        let rng = &mut self.rng;
        let primary = self.fandom_zipf.sample(rng);
        let mut fandom_ranks = vec![primary];
        if rng.random_bool(0.08) {
            let other = self.fandom_zipf.sample(rng);
            if other != primary {
                fandom_ranks.push(other);
            }
        }
        let pseud = self.pseuds[self.pseud_zipf.sample(rng)];
        let words = log_normal(rng, 3_000.0, 1.4).clamp(100.0, 500_000.0) as u64;
        let chapters = if words < 2_500 || rng.random_bool(0.45) {
            1
        } else {
            (words / rng.random_range(2_000..6_000)).clamp(2, 200) as u32
        };
        let complete = chapters == 1 && rng.random_bool(0.92) || chapters > 1 && rng.random_bool(0.6);
        let published = CORPUS_END - FIFTEEN_YEARS + rng.random_range(0..FIFTEEN_YEARS);
        let updated =
            if chapters > 1 { (published + rng.random_range(0..2 * 365 * 86_400)).min(CORPUS_END) } else { published };
        let age_years = (CORPUS_END - published) as f64 / (365.0 * 86_400.0);
        let kudos = (log_normal(rng, 40.0, 1.3) * (1.0 + age_years / 5.0) * (words as f64 / 3_000.0).powf(0.3)) as u64;
        let stats = WorkStats {
            kudos,
            hits: kudos * rng.random_range(8..30) + rng.random_range(0..50),
            comments: kudos / rng.random_range(5..15),
            bookmarks: kudos / rng.random_range(4..12),
            guest_kudos: 0,
        };

        let title = format!(
            "{} {} {}",
            ADJECTIVES[rng.random_range(0..ADJECTIVES.len())],
            NOUNS[rng.random_range(0..NOUNS.len())],
            n
        );
        let primary_name = self.fandoms[primary].name.clone();
        let mut draft = WorkDraft::new(&title, &primary_name, pseud, "");
        draft.fandoms = fandom_ranks.iter().map(|&r| self.fandoms[r].name.clone()).collect();
        for &rank in &fandom_ranks {
            let fandom = &self.fandoms[rank];
            let cast = rng.random_range(1..=4);
            let mut chosen: Vec<String> = Vec::new();
            for _ in 0..cast {
                let c = fandom.characters[fandom.character_zipf.sample(rng)].clone();
                if !chosen.contains(&c) {
                    chosen.push(c);
                }
            }
            if chosen.len() >= 2 && rng.random_bool(0.7) {
                let (a, b) = if chosen[0] < chosen[1] { (&chosen[0], &chosen[1]) } else { (&chosen[1], &chosen[0]) };
                let separator = if rng.random_bool(0.75) { "/" } else { " & " };
                draft.relationships.push(format!("{a}{separator}{b}"));
            }
            draft.characters.extend(chosen);
        }
        let freeforms = rng.random_range(0..8);
        for _ in 0..freeforms {
            let tag = self.freeform();
            if !draft.freeforms.contains(&tag) {
                draft.freeforms.push(tag);
            }
        }
        draft.rating = self.pick(&[
            (Rating::GeneralAudiences, 30),
            (Rating::TeenAndUp, 30),
            (Rating::Mature, 15),
            (Rating::Explicit, 20),
            (Rating::NotRated, 5),
        ]);
        let rng = &mut self.rng;
        draft.warnings = if rng.random_bool(0.55) {
            vec![ArchiveWarning::NoneApply]
        } else if rng.random_bool(0.6) {
            vec![ArchiveWarning::ChoseNotToUse]
        } else {
            vec![ArchiveWarning::ALL[rng.random_range(0..ArchiveWarning::ALL.len())]]
        };
        draft.categories = if draft.relationships.is_empty() {
            vec![Category::Gen]
        } else {
            vec![Category::ALL[rng.random_range(0..Category::ALL.len())]]
        };
        draft.language = self.pick(LANGUAGES).to_owned();
        draft.complete = complete;
        draft.expected_chapters = if complete { Some(chapters) } else { None };
        draft.published_at = OffsetDateTime::from_unix_timestamp(published).ok();
        draft.summary = self.paragraph(25);
        // One short chapter per chapter: the nominal word count is set after storing.
        draft.chapters = (0..chapters.min(3))
            .map(|c| ChapterDraft {
                title: format!("Part {}", c + 1),
                content: self.paragraph(40),
                ..Default::default()
            })
            .collect();
        GeneratedWork {
            draft,
            words,
            stats,
            updated_at: OffsetDateTime::from_unix_timestamp(updated).unwrap_or(OffsetDateTime::UNIX_EPOCH),
        }
    }
}

fn fandom_name(rank: usize) -> String {
    let a = ADJECTIVES[rank % ADJECTIVES.len()];
    let n = NOUNS[(rank / ADJECTIVES.len()) % NOUNS.len()];
    let m = MEDIA[(rank / (ADJECTIVES.len() * NOUNS.len())) % MEDIA.len()];
    let cycle = rank / (ADJECTIVES.len() * NOUNS.len() * MEDIA.len());
    if cycle == 0 { format!("The {a} {n} ({m})") } else { format!("The {a} {n} ({m}) {}", cycle + 1) }
}

fn character_name(fandom: usize, i: usize) -> String {
    let first = FIRST[(i + fandom * 7) % FIRST.len()];
    let last = LAST[(i / FIRST.len() + fandom * 3) % LAST.len()];
    // Unique per fandom: the same name in two fandoms is two characters, as AO3 wrangles.
    format!("{first} {last} ({})", fandom_name(fandom).trim_start_matches("The "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_works_and_the_tail_is_long() {
        let mut a = Corpus::new(7, vec![PseudId(1), PseudId(2)], 5_000);
        let mut b = Corpus::new(7, vec![PseudId(1), PseudId(2)], 5_000);
        let mut fandom_uses = std::collections::HashMap::<String, usize>::new();
        let mut max_words = 0;
        for n in 0..3_000 {
            let (x, y) = (a.work(n), b.work(n));
            assert_eq!(
                (x.draft.title.clone(), x.words, x.draft.fandoms.clone()),
                (y.draft.title, y.words, y.draft.fandoms)
            );
            assert!((100..=500_000).contains(&x.words));
            max_words = max_words.max(x.words);
            for c in &x.draft.characters {
                assert!(
                    x.draft.fandoms.iter().any(|f| c.contains(f.trim_start_matches("The "))),
                    "{c} belongs to a fandom of the work"
                );
            }
            *fandom_uses.entry(x.draft.fandoms[0].clone()).or_default() += 1;
        }
        let mut uses: Vec<usize> = fandom_uses.values().copied().collect();
        uses.sort_unstable_by(|a, b| b.cmp(a));
        assert!(uses[0] > 20 * uses[uses.len() / 2], "a head and a long tail: {:?}", &uses[..5]);
        assert!(max_words > 50_000, "some long works");
    }
}
