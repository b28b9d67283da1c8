//! `flourish serve --demo`: a handful of works written by the Flourish team, so a new
//! archive looks alive at once. Only an archive with no works at all is filled.

use anyhow::Context;
use flourish_core::{ArchiveWarning, Category, ChapterDraft, PseudId, Rating, SeriesDraft, WorkDraft};
use flourish_store::{AccountStore, SeriesStore, Store, WorkStore};
use flourish_text::plain_to_html;
use time::{Duration, OffsetDateTime};

struct DemoWork {
    title: &'static str,
    fandom: &'static str,
    rating: Rating,
    warnings: &'static [ArchiveWarning],
    categories: &'static [Category],
    relationships: &'static [&'static str],
    characters: &'static [&'static str],
    freeforms: &'static [&'static str],
    summary: &'static str,
    notes: &'static str,
    end_notes: &'static str,
    /// (title, HTML)
    chapters: Vec<(&'static str, String)>,
    expected_chapters: Option<u32>,
    complete: bool,
    days_ago: i64,
}

fn text(t: &str) -> String {
    plain_to_html(t)
}

fn works() -> Vec<(usize, DemoWork)> {
    vec![
        (
            0,
            DemoWork {
                title: "What the Owl Brought",
                fandom: "Harry Potter - J. K. Rowling",
                rating: Rating::TeenAndUp,
                warnings: &[ArchiveWarning::NoneApply],
                categories: &[Category::MM],
                relationships: &["Draco Malfoy/Harry Potter"],
                characters: &["Draco Malfoy", "Harry Potter", "Hermione Granger"],
                freeforms: &["Post-Hogwarts", "Second Chances", "Flashbacks", "Bookshop", "Slow Burn"],
                summary: "Four years after the war, Draco Malfoy gets a letter from the one man he has been avoiding: Harry Potter has bought a bookshop, and has no idea what to do with it.",
                notes: "Written for the Flourish demo archive. Told from Draco's point of view.",
                end_notes: "",
                chapters: vec![
                    ("Diagon Alley", include_str!("owl-1.html").to_owned()),
                    ("The Leaky Cauldron", include_str!("owl-2.html").to_owned()),
                ],
                expected_chapters: Some(3),
                complete: false,
                days_ago: 3,
            },
        ),
        (
            1,
            DemoWork {
                title: "The Adventure of the Borrowed Umbrella",
                fandom: "Sherlock Holmes - Arthur Conan Doyle",
                rating: Rating::GeneralAudiences,
                warnings: &[ArchiveWarning::NoneApply],
                categories: &[Category::Gen],
                relationships: &["Sherlock Holmes & John Watson"],
                characters: &["Sherlock Holmes", "John Watson", "Mrs. Hudson"],
                freeforms: &["Case Fic", "Baker Street", "Short One Shot"],
                summary: "An umbrella appears in 221B that nobody brought in. Holmes is delighted.",
                notes: "",
                end_notes: "",
                chapters: vec![("", text(include_str!("umbrella.txt")))],
                expected_chapters: Some(1),
                complete: true,
                days_ago: 40,
            },
        ),
        (
            0,
            DemoWork {
                title: "A Letter Unsent",
                fandom: "Pride and Prejudice - Jane Austen",
                rating: Rating::GeneralAudiences,
                warnings: &[ArchiveWarning::NoneApply],
                categories: &[Category::FM],
                relationships: &["Elizabeth Bennet/Fitzwilliam Darcy", "Elizabeth Bennet & Jane Bennet"],
                characters: &["Elizabeth Bennet", "Jane Bennet", "Fitzwilliam Darcy"],
                freeforms: &["Letters", "Missing Scene", "Sisters"],
                summary: "After Hunsford, Elizabeth tries to answer Mr Darcy's letter. She gets as far as the first word.",
                notes: "Set between chapters 36 and 37 of the novel.",
                end_notes: "Thank you for reading! Part two of the series is Jane's turn.",
                chapters: vec![
                    ("Sir", text(include_str!("letter-1.txt"))),
                    ("Jane", text(include_str!("letter-2.txt"))),
                    ("Pemberley", text(include_str!("letter-3.txt"))),
                ],
                expected_chapters: Some(3),
                complete: true,
                days_ago: 120,
            },
        ),
        (
            0,
            DemoWork {
                title: "Tea at Netherfield",
                fandom: "Pride and Prejudice - Jane Austen",
                rating: Rating::GeneralAudiences,
                warnings: &[ArchiveWarning::NoneApply],
                categories: &[Category::FM],
                relationships: &["Charles Bingley/Jane Bennet"],
                characters: &["Charles Bingley", "Jane Bennet", "Caroline Bingley"],
                freeforms: &["Fluff", "Tea"],
                summary: "Mr Bingley pours the tea himself. Jane Bennet laughs.",
                notes: "",
                end_notes: "",
                chapters: vec![("", text(include_str!("netherfield.txt")))],
                expected_chapters: Some(1),
                complete: true,
                days_ago: 90,
            },
        ),
        (
            1,
            DemoWork {
                title: "Salt and Starlight",
                fandom: "Original Work",
                rating: Rating::TeenAndUp,
                warnings: &[ArchiveWarning::ChoseNotToUse],
                categories: &[Category::FF],
                relationships: &["Maren/Ilse (Original Characters)"],
                characters: &["Maren (Original Character)", "Ilse (Original Character)"],
                freeforms: &["Lighthouses", "Storms", "Strangers to Lovers"],
                summary: "The lighthouse at Carrow Point has been automatic for thirty years. Nobody expected a keeper.",
                notes: "",
                end_notes: "",
                chapters: vec![
                    ("The Storm", text(include_str!("salt-1.txt"))),
                    ("The Morning", text(include_str!("salt-2.txt"))),
                ],
                expected_chapters: Some(2),
                complete: true,
                days_ago: 12,
            },
        ),
        (
            1,
            DemoWork {
                title: "Hyperspace Is Mostly Waiting",
                fandom: "Star Wars - All Media Types",
                rating: Rating::GeneralAudiences,
                warnings: &[ArchiveWarning::NoneApply],
                categories: &[Category::Gen],
                relationships: &["Finn & Rey"],
                characters: &["Finn", "Rey", "BB-8"],
                freeforms: &["Humor", "Road Trip", "Sabacc"],
                summary: "Nine hours to Takodana. Finn has counted the rivets.",
                notes: "",
                end_notes: "",
                chapters: vec![("", text(include_str!("hyperspace.txt")))],
                expected_chapters: Some(1),
                complete: true,
                days_ago: 25,
            },
        ),
    ]
}

/// Fills an empty archive; returns how many works were added (0 when it had works).
pub async fn seed(store: &Store) -> anyhow::Result<usize> {
    if store.work_count().await? > 0 {
        return Ok(0);
    }
    let (quill, _) = store.create_user("quillwright").await.context("demo user")?;
    let quill_default = store.pseud("quillwright", "quillwright").await?.context("demo pseud")?;
    let inkwell = store.add_pseud(quill.id, "Inkwell").await?;
    let (_, moonlit) = store.create_user("moonlit_archivist").await.context("demo user")?;
    let pseuds: [[PseudId; 2]; 2] = [[quill_default.id, inkwell.id], [moonlit.id, moonlit.id]];

    let now = OffsetDateTime::now_utc();
    let mut ids = Vec::new();
    for (i, (writer, w)) in works().into_iter().enumerate() {
        // Pride and Prejudice goes out under quillwright's second pseud.
        let pseud = if w.fandom.starts_with("Pride") { pseuds[writer][1] } else { pseuds[writer][0] };
        let draft = WorkDraft {
            title: w.title.into(),
            summary: text(w.summary),
            notes: text(w.notes),
            end_notes: text(w.end_notes),
            language: "en".into(),
            rating: w.rating,
            warnings: w.warnings.to_vec(),
            categories: w.categories.to_vec(),
            fandoms: vec![w.fandom.into()],
            relationships: w.relationships.iter().map(|s| s.to_string()).collect(),
            characters: w.characters.iter().map(|s| s.to_string()).collect(),
            freeforms: w.freeforms.iter().map(|s| s.to_string()).collect(),
            creators: vec![pseud],
            expected_chapters: w.expected_chapters,
            complete: w.complete,
            posted: true,
            restricted: false,
            published_at: Some(now - Duration::days(w.days_ago) + Duration::minutes(i as i64)),
            allow_downloads: true,
            comment_policy: flourish_core::CommentPolicy::Everyone,
            moderated: false,
            chapters: w
                .chapters
                .into_iter()
                .map(|(title, content)| ChapterDraft { title: title.into(), content, ..Default::default() })
                .collect(),
            series: None,
        };
        ids.push(store.create_work(&draft).await.with_context(|| format!("demo work {:?}", w.title))?);
    }
    let series = store
        .create_series(&SeriesDraft {
            title: "Letters from Longbourn".into(),
            summary: text("Small scenes from the Bennet sisters' year, one letter at a time."),
            notes: String::new(),
            complete: false,
            creators: vec![inkwell.id],
        })
        .await?;
    store.add_to_series(series, ids[2], Some(1)).await?;
    store.add_to_series(series, ids[3], Some(2)).await?;
    Ok(ids.len())
}
