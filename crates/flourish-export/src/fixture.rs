//! A work written by the team in the style of the archive's first story, for the format
//! tests: two chapters, a POV section with a flashback, a scene break, notes, a series.

use crate::Book;
use flourish_core::*;

fn tag(id: i64, name: &str, kind: TagKind) -> Tag {
    Tag { id: TagId(id), name: name.into(), kind, canonical: true, synonym_of: None }
}

fn pseud(id: i64, username: &str, name: &str) -> Pseud {
    Pseud {
        id: PseudId(id),
        user_id: UserId(id),
        username: username.into(),
        name: name.into(),
        is_default: true,
        description: String::new(),
    }
}

pub fn work() -> (Work, Vec<Chapter>) {
    let published = time::macros::datetime!(2019-09-01 12:00 UTC);
    let updated = time::macros::datetime!(2019-10-12 08:30 UTC);
    let work = Work {
        id: WorkId(7),
        title: "The Little Boy in Florish's".into(),
        summary: "<p>Draco remembers a boy with <em>green</em> eyes &amp; a cracked wand.</p>".into(),
        notes: "<p>For the robe shop prompt.</p>".into(),
        end_notes: "<p>Thank you for reading!</p>".into(),
        language: "en".into(),
        complete: false,
        expected_chapters: None,
        chapter_count: 2,
        posted: true,
        restricted: false,
        hidden: false,
        allow_downloads: true,
        comment_policy: flourish_core::CommentPolicy::default(),
        moderated: false,
        published_at: published,
        updated_at: updated,
        word_count: 1234,
        version: 3,
        stats: WorkStats::default(),
        creators: vec![pseud(1, "draco_m", "draco_m"), pseud(2, "pansy", "Pansy")],
        tags: WorkTags(vec![
            tag(1, "Teen And Up Audiences", TagKind::Rating),
            tag(2, "No Archive Warnings Apply", TagKind::Warning),
            tag(3, "M/M", TagKind::Category),
            tag(4, "Harry Potter - J. K. Rowling", TagKind::Fandom),
            tag(5, "Draco Malfoy/Harry Potter", TagKind::Relationship),
            tag(6, "Draco Malfoy", TagKind::Character),
            tag(7, "Harry Potter", TagKind::Character),
            tag(8, "Flashbacks", TagKind::Freeform),
        ]),
        series: vec![SeriesEntry { series_id: SeriesId(1), title: "Shop Windows".into(), position: 2 }],
    };
    let chapter = |id: i64, position: u32, title: &str, content: &str| Chapter {
        id: ChapterId(id),
        work_id: work.id,
        position,
        title: title.into(),
        summary: String::new(),
        notes: if position == 1 { "<p>A/N: Florish is spelled that way on purpose.</p>".into() } else { String::new() },
        end_notes: String::new(),
        content: content.into(),
        sanitizer_version: 1,
        word_count: 600,
        published_at: published,
    };
    let chapters = vec![
        chapter(
            11,
            1,
            "Madam Malkin's",
            "<section class=\"pov\" data-label=\"Draco\"><p class=\"section-label\">Draco&#39;s Point of View</p>\n\
             <p>The shop smelled of wool &amp; chalk.</p>\n\
             <section class=\"flashback\" data-label=\"Flashback\"><p class=\"section-label\">Flash Back</p>\n\
             <p>&quot;Hogwarts, too?&quot; I asked.</p></section>\n\
             <p>He had <em>green</em> eyes.</p></section>",
        ),
        chapter(
            12,
            2,
            "Diagon Alley",
            "<p>Father bought me a broom.</p>\n<hr class=\"scene-break\">\n<p>Mother made me give it back.<br>I sulked.</p>",
        ),
    ];
    (work, chapters)
}

pub fn book<'a>(work: &'a Work, chapters: &'a [Chapter]) -> Book<'a> {
    Book { work, chapters, archive_name: "Flourish", work_url: "https://archive.example.org/works/7" }
}
