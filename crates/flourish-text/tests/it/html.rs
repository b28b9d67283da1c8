use crate::{chapters, fixture};
use flourish_text::document::{NoteKind, Position, SectionKind};

fn t(s: &str) -> Option<String> {
    Some(s.to_owned())
}

#[test]
fn an_ao3_download_gives_its_metadata_chapters_and_notes() {
    let doc = fixture("ao3-download.html");
    assert_eq!(doc.title.as_deref(), Some("The Greenhouse at Midnight"));
    assert_eq!(doc.authors, ["quillwright"]);
    assert_eq!(doc.summary.as_deref(), Some("The mandrakes remember. So does Neville."));
    assert_eq!(doc.header_field("rating"), Some("Teen And Up Audiences"));
    assert_eq!(doc.header_field("fandom"), Some("Harry Potter - J. K. Rowling"));
    assert_eq!(doc.header_field("characters"), Some("Neville Longbottom, Luna Lovegood"));
    assert_eq!(chapters(&doc), [(Some(1), t("Mandrakes")), (Some(2), t("Seedlings"))]);
    let notes: Vec<_> = doc.notes.iter().map(|n| (n.kind, n.chapter, n.position)).collect();
    assert_eq!(
        notes,
        [
            (NoteKind::AuthorNote, None, Position::Start),
            (NoteKind::AuthorNote, Some(1), Position::Start),
            (NoteKind::AuthorNote, Some(2), Position::End),
        ]
    );
    assert!(doc.notes[0].html.contains("For the spring exchange."));
    let first = &doc.chapters[0];
    assert_eq!(first.start_line, Some(45), "the line of the chapter's <h2>");
    assert_eq!(
        first.sections.iter().map(|s| (s.kind, s.label.as_str())).collect::<Vec<_>>(),
        [(SectionKind::Pov, "Neville")]
    );
    assert_eq!(first.scene_breaks.len(), 1);
    let html = first.content_html();
    assert!(html.contains("<strong>spun sugar</strong>"), "{html}");
    assert!(!html.contains("alert") && !html.contains("Chapter Notes"), "{html}");
    let spans: Vec<_> = doc.boilerplate.iter().map(|b| b.start_line.unwrap()).collect();
    assert!(spans.contains(&10), "the 'Posted originally' message: {spans:?}");
    let last = doc.chapters[1].content_html();
    assert!(!last.contains("comment") && !last.contains("Afterword"), "{last}");
}

#[test]
fn any_html_page_uses_its_headings_and_drops_navigation_and_script() {
    let doc = fixture("plain-page.html");
    assert_eq!(doc.format, flourish_text::document::Format::Html);
    assert_eq!(doc.title.as_deref(), Some("Salt and Starlight"));
    assert_eq!(chapters(&doc), [(None, t("The Storm")), (None, t("The Morning"))]);
    assert_eq!(doc.chapters[0].scene_breaks, [8]);
    let all: String = doc.chapters.iter().map(|c| c.content_html()).collect();
    assert!(!all.contains("Home") && !all.contains("steal"), "{all}");
}

#[test]
fn html_nested_a_hundred_thousand_levels_deep_is_read_without_trouble() {
    let depth = 100_000;
    let html =
        format!("<html><body>{}<p>Deep text here.</p>{}</body></html>", "<div>".repeat(depth), "</div>".repeat(depth));
    let doc = flourish_text::read_document(html.as_bytes(), Some("deep.html")).unwrap();
    assert_eq!(doc.word_count, 3);
}

#[test]
fn markdown_headings_are_title_and_chapters() {
    let doc = fixture("chapters.md");
    assert_eq!(doc.format, flourish_text::document::Format::Md);
    assert_eq!(doc.title.as_deref(), Some("Hyperspace Is Mostly Waiting"));
    assert_eq!(doc.summary.as_deref(), Some("Nine hours to Takodana. Finn has counted the rivets."));
    assert_eq!(chapters(&doc), [(None, t("The Rivets")), (None, t("The Cards"))]);
    let first = &doc.chapters[0];
    assert_eq!(first.start_line, Some(5));
    assert_eq!(first.scene_breaks, [11]);
    let html = first.content_html();
    assert!(html.contains("<em>mostly waiting</em>") && html.contains("<strong>seven</strong>"), "{html}");
    assert!(doc.chapters[1].content_html().contains("<p>Hand one: Finn lost.</p>"));
}

#[test]
fn a_fanficfare_download_gives_its_byline_fields_and_chapters() {
    let doc = fixture("fanficfare.html");
    assert_eq!(doc.title.as_deref(), Some("The Cartographer's Apprentice"));
    assert_eq!(doc.authors, ["quillwright"]);
    assert_eq!(doc.summary.as_deref(), Some("Hermione is hired to map the Room of Requirement."));
    assert_eq!(doc.header_field("category"), Some("Harry Potter"));
    assert_eq!(doc.header_field("rating"), Some("K+"));
    assert_eq!(doc.header_field("status"), Some("In-Progress"));
    assert_eq!(chapters(&doc), [(None, t("The Room That Moves")), (None, t("Upside Down"))]);
    assert_eq!(
        doc.notes.iter().map(|n| (n.kind, n.chapter, n.position)).collect::<Vec<_>>(),
        [(NoteKind::AuthorNote, Some(1), Position::Start)]
    );
    assert_eq!(doc.chapters[0].scene_breaks.len(), 1);
    assert!(doc.chapters[0].content_html().starts_with("<p>The door was not there"));
}

/// AO3's download as its templates write it today (otwarchive `app/views/downloads/` and
/// `layouts/download`): an XHTML page whose preface and afterword open with `<h2
/// class="toc-heading">` headings, a `<base>`, a work title in `<h1>` inside the meta block,
/// an unnamed chapter ("Chapter 2"), chapter notes and work end notes.
#[test]
fn an_ao3_download_as_its_templates_write_it_is_titled_by_the_work_not_preface() {
    let doc = fixture("ao3-download-preface.html");
    assert_eq!(doc.title.as_deref(), Some("The Lantern-Keeper's Daughter"));
    assert_eq!(doc.authors, ["saltmarsh"]);
    assert_eq!(doc.summary.as_deref(), Some("Every night the lamp is lit. One night it is not."));
    assert_eq!(doc.header_field("fandom"), Some("Original Work"));
    assert_eq!(chapters(&doc), [(Some(1), t("The Lamp")), (Some(2), None)]);
    assert_eq!(doc.chapters[0].scene_breaks.len(), 1, "a centred * * * paragraph");
    for c in &doc.chapters {
        let html = c.content_html();
        for chrome in ["Preface", "Afterword", "Posted originally", "drop by the Archive", "See the end", "End Notes"] {
            assert!(!html.contains(chrome), "{chrome:?} in chapter text: {html}");
        }
    }
    // The work's end notes close its last chapter (a work has no end notes of its own).
    let end = doc.notes.iter().find(|n| n.html.contains("Thank you")).expect("the work's end notes are kept");
    assert_eq!((end.chapter, end.position), (Some(2), Position::End));
}

/// A one-chapter AO3 download in Chinese: no chapter heading at all, the text straight in
/// the chapters block, a full-width ＊＊＊ break.
#[test]
fn a_one_chapter_ao3_download_in_chinese_is_one_chapter_titled_by_the_work() {
    let doc = fixture("ao3-download-oneshot-zh.html");
    assert_eq!(doc.title.as_deref(), Some("灯塔与雨"));
    assert_eq!(doc.authors, ["haidao"]);
    assert_eq!(doc.chapters.len(), 1);
    assert_eq!(doc.chapters[0].scene_breaks.len(), 1);
    let html = doc.chapters[0].content_html();
    assert!(html.starts_with("<p>林晚爬上灯塔"), "{html}");
    assert!(!html.contains("Afterword") && !html.contains("Preface"), "{html}");
}

/// Project Gutenberg's HTML books: the header and licence in `pg-boilerplate` sections
/// (and between the START and END lines) are not story; the header names title and author.
#[test]
fn a_gutenberg_html_book_drops_its_header_and_licence() {
    let page = r#"<!DOCTYPE html><html><head><title>The Project Gutenberg eBook of The Salt Road, by Jonas Whitcombe</title></head><body>
<section class="pg-boilerplate pgheader" id="pg-header">
<h2 id="pg-header-heading">The Project Gutenberg eBook of <span lang="en">The Salt Road</span></h2>
<p>This ebook is for the use of anyone anywhere in the United States and most other parts of the world at no cost.</p>
<p>Title: The Salt Road</p>
<p>Author: Jonas Whitcombe</p>
<div id="pg-start-separator"><span>*** START OF THE PROJECT GUTENBERG EBOOK THE SALT ROAD ***</span></div>
</section>
<h2>CHAPTER I. THE CARTS</h2>
<p>The carts came down the hill before the sun was up, six of them, each with its lantern.</p>
<h2>CHAPTER II. THE MILLER</h2>
<p>The miller said nothing at all for a long time, which in the miller was a kind of speech.</p>
<section class="pg-boilerplate pgheader" id="pg-footer">
<div id="pg-end-separator"><span>*** END OF THE PROJECT GUTENBERG EBOOK THE SALT ROAD ***</span></div>
<p>Updated editions will replace the previous one. Project Gutenberg-tm electronic works.</p>
</section>
</body></html>"#;
    let doc = flourish_text::read_document(page.as_bytes(), Some("salt-road.html")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("The Salt Road"));
    assert_eq!(doc.authors, ["Jonas Whitcombe"]);
    assert_eq!(chapters(&doc), [(Some(1), t("THE CARTS")), (Some(2), t("THE MILLER"))]);
    let all: String = doc.chapters.iter().map(|c| c.content_html()).collect();
    assert!(!all.contains("Gutenberg") && !all.contains("ebook is for the use"), "{all}");
}

/// The Gutenberg HTML of the 2000s: the header in a `<pre>` above "***START OF THE
/// PROJECT GUTENBERG EBOOK…***" (no space after the stars), the licence after the END line.
#[test]
fn an_older_gutenberg_html_book_drops_its_header_and_licence_too() {
    let page = r#"<html><head><title>Harbour Tales</title></head><body>
<pre>
The Project Gutenberg eBook, Harbour Tales

Title: Harbour Tales

Author: Mary Lisle

Release Date: March 1, 2006 [eBook #9999]

***START OF THE PROJECT GUTENBERG EBOOK HARBOUR TALES***
</pre>
<h2>I.&mdash;THE PILOT</h2>
<p>The pilot went out in every weather, and came back in most of them.</p>
<h2>II.&mdash;THE NETS</h2>
<p>Nobody mended nets like the widow, and nobody paid her for it.</p>
<p>***END OF THE PROJECT GUTENBERG EBOOK HARBOUR TALES***</p>
<pre>
Section 1.  General Terms of Use and Redistributing Project Gutenberg-tm electronic works
</pre>
</body></html>"#;
    let doc = flourish_text::read_document(page.as_bytes(), Some("harbour.html")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("Harbour Tales"));
    assert_eq!(doc.authors, ["Mary Lisle"]);
    assert_eq!(doc.header_field("source"), Some("Project Gutenberg"));
    assert_eq!(doc.chapters.len(), 2, "{:?}", chapters(&doc));
    let all: String = doc.chapters.iter().map(|c| c.content_html()).collect();
    assert!(!all.contains("Gutenberg") && !all.contains("Terms of Use"), "{all}");
}

/// Gutenberg's HTML books mark a scene break with an empty spacer (`<div
/// class="gapspace">&nbsp;</div>`) and put the printed page number in the heading (`<span
/// class="pagenum">p. 31</span>`). The spacers are breaks; the page numbers are not text.
/// A page with a spacer after nearly every paragraph only uses them for spacing.
#[test]
fn spacer_paragraphs_are_scene_breaks_and_page_numbers_are_dropped() {
    let mut page = String::from("<html><head><title>Two Tales</title></head><body>");
    for (n, title) in [(1, "THE LANTERN"), (31, "THE WELL")] {
        page.push_str(&format!("<h2><a name=\"page{n}\"></a><span class=\"pagenum\">p. {n}</span>{title}</h2>"));
        for k in 0..6 {
            page.push_str(&format!("<p>Paragraph {k} of the tale, with enough words in it to be a paragraph.</p>"));
            if k == 2 {
                page.push_str("<div class=\"gapspace\">&nbsp;</div>");
            }
        }
    }
    page.push_str("</body></html>");
    let doc = flourish_text::read_document(page.as_bytes(), Some("tales.html")).unwrap();
    assert_eq!(chapters(&doc), [(None, t("THE LANTERN")), (None, t("THE WELL"))]);
    assert!(doc.chapters.iter().all(|c| c.scene_breaks.len() == 1), "{:?}", doc.chapters);

    let spaced: String = (0..12).map(|k| format!("<p>Line {k} of a poem set apart.</p><p>&nbsp;</p>")).collect();
    let doc = flourish_text::read_document(format!("<html><body>{spaced}</body></html>").as_bytes(), Some("poem.html"))
        .unwrap();
    assert!(doc.chapters.iter().all(|c| c.scene_breaks.is_empty()), "spacing, not breaks");
}

/// Markdown that holds HTML (a title page in `<p class="centered">`, as digital editions
/// write it) under YAML front matter: still Markdown, its front matter the work's, its HTML
/// blocks read as HTML, its `##` headings the chapters.
#[test]
fn markdown_with_front_matter_and_html_blocks_is_read_as_markdown() {
    let text = "---\nlayout: narrative\ntitle: \"Letters from the Shore\"\nauthor: Anonymous\ntoc:\n- Letter I.\n- Letter II.\n---\n\n<p class=\"centered large\">LETTERS</p>\n<p class=\"centered\">FROM THE SHORE</p>\n\n---\n## LETTER I.\n\n<p>Dear Sister, the sea has been grey all week and the boats stay in.</p>\n\nI write this by the window, *in haste*.\n\n## LETTER II.\n\nDear Sister, the boats went out this morning at last.\n";
    let doc = flourish_text::read_document(text.as_bytes(), Some("letters.md")).unwrap();
    assert_eq!(doc.format, flourish_text::document::Format::Md);
    assert_eq!(doc.title.as_deref(), Some("Letters from the Shore"));
    assert_eq!(doc.authors, ["Anonymous"]);
    assert_eq!(doc.chapters.len(), 2, "{:?}", chapters(&doc));
    let first = doc.chapters[0].content_html();
    assert!(first.contains("the sea has been grey") && first.contains("<em>in haste</em>"), "{first}");
    assert!(!first.contains("class="), "attributes do not survive: {first}");
}

/// A Gutenberg HTML collection: a "CONTENTS" section under its own heading (front matter),
/// stories headed "I.—THE LANTERN." (number, dash, title), and a story that ends by quoting
/// "Chapter XXXIII." in a blockquote (a quotation, not a chapter).
#[test]
fn numbered_headings_a_headed_contents_list_and_a_quoted_chapter_line() {
    let body = "<p>The lantern burned all night in the window, and nobody in the village asked why.</p>";
    let page = format!(
        "<html><body><h2>CONTENTS</h2><p>I. The Lantern</p><p>II. The Well</p><p>III. The Road</p>\
         <h2>I.&mdash;THE LANTERN.</h2>{body}<blockquote><p>Chapter XXXIII.</p></blockquote>\
         <h2>II.&mdash;THE WELL.</h2>{body}<h2>III&mdash;THE ROAD.</h2>{body}</body></html>"
    );
    let doc = flourish_text::read_document(page.as_bytes(), Some("tales.html")).unwrap();
    assert_eq!(
        chapters(&doc),
        [(Some(1), t("THE LANTERN")), (Some(2), t("THE WELL")), (Some(3), t("THE ROAD"))],
        "{:?}",
        chapters(&doc)
    );
    assert!(doc.chapters[0].content_html().contains("Chapter XXXIII."), "kept as text");
}

/// A play in HTML: acts in `<h2>`, a scene continued over an act break set as a heading too,
/// a "DRAMATIS PERSONAE" section first; and a verse preface ("Vorwort", each stanza's lines
/// cut by `<br>`), which is the poem's opening and stays a chapter.
#[test]
fn an_html_play_and_a_verse_preface() {
    let speech = "<p>HASTINGS. You saw the old lady and Miss Neville, then, and they were well enough.</p>";
    let page = format!(
        "<html><body><h2>DRAMATIS PERSONAE.</h2><p>HASTINGS, a friend.</p><p>MARLOW, his friend.</p>\
         <h2>ACT THE FIRST.</h2><p>SCENE&mdash;A chamber.</p>{speech}<h2>ACT THE SECOND.</h2>{speech}\
         <h2>(SCENE continued.)</h2>{speech}<h2>ACT THE THIRD.</h2>{speech}</body></html>"
    );
    let doc = flourish_text::read_document(page.as_bytes(), Some("play.html")).unwrap();
    assert_eq!(chapters(&doc), [(Some(1), None), (Some(2), None), (Some(3), None)], "{:?}", chapters(&doc));
    assert_eq!(doc.chapters[1].scene_breaks.len(), 1, "the continued scene");

    let stanza = "<div>Ach, was muss man oft von boesen<br />Kindern hoeren oder lesen!<br />Wie zum Beispiel hier von diesen,</div>";
    let page = format!(
        "<html><body><h2>Vorwort.</h2>{stanza}{stanza}<h2>Erster Streich.</h2>{stanza}<h2>Zweiter Streich.</h2>{stanza}</body></html>"
    );
    let doc = flourish_text::read_document(page.as_bytes(), Some("verse.html")).unwrap();
    assert_eq!(doc.chapters.len(), 3, "the verse preface is a chapter: {:?}", chapters(&doc));
}

/// A book page that sets its title in `<h1>` twice (title page, then the text's head) and a
/// byline in `<h2>`: the chapters are the other `<h2>`s, and the byline names the author.
#[test]
fn a_title_set_twice_in_h1_does_not_hide_the_h2_chapters() {
    let body = "<p>The garden was quiet that year, and the river ran low past the orchard wall.</p>";
    let page = format!(
        "<html><body><h1>THE GARDEN BOOK</h1><h2>By Ada Quill</h2><h1>The Garden Book</h1>{body}\
         <h2>Spring</h2>{body}<h2>Summer</h2>{body}<h2>Autumn</h2>{body}</body></html>"
    );
    let doc = flourish_text::read_document(page.as_bytes(), Some("garden.html")).unwrap();
    let titles: Vec<&str> = doc.chapters.iter().filter_map(|c| c.title.as_deref()).collect();
    assert_eq!(titles, ["Spring", "Summer", "Autumn"], "{:?}", chapters(&doc));
    assert!(!titles.contains(&"By Ada Quill"));
}

/// A Gutenberg header in `<pre>` continues the title on an indented line: that is the
/// subtitle, which the title keeps out of and the book's fandom too.
#[test]
fn a_gutenberg_pre_header_s_title_ends_at_its_line() {
    let page = r#"<html><head><title>Harbour Tales</title></head><body>
<pre>
The Project Gutenberg EBook of Harbour Tales, by Mary Lisle

Title: Harbour Tales
       Seven Stories of the Sea Wall

Author: Mary Lisle

*** START OF THIS PROJECT GUTENBERG EBOOK HARBOUR TALES ***
</pre>
<h2>I.&mdash;THE PILOT</h2>
<p>The pilot went out in every weather, and came back in most of them.</p>
<h2>II.&mdash;THE NETS</h2>
<p>Nobody mended nets like the widow, and nobody paid her for it.</p>
</body></html>"#;
    let doc = flourish_text::read_document(page.as_bytes(), Some("harbour.html")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("Harbour Tales"));
    let (suggested, _) = flourish_text::suggest::suggest(&doc, &[]);
    assert_eq!(suggested.fandoms, ["Harbour Tales - Mary Lisle"]);
}

/// An anthology's page: each selection headed by a bare number (`<h3>190</h3>`), an
/// editor's note, then its title a level lower; a story in parts has a heading for each
/// part a level lower still. The title names the chapter; each part after the first is a
/// scene break, its heading kept as text.
#[test]
fn headings_below_the_chapters_are_their_titles_or_their_sections() {
    let page = r#"<html><body>
<h3>190</h3>
<p>An editor's note on this story, which is very old and comes from far away.</p>
<h4>A FOUR-LEAVED CLOVER</h4>
<h5>1. The Rabbi</h5>
<p>The rabbi walked to the market and found a diadem lying in the road.</p>
<h5>2. Friendship</h5>
<p>Two friends shared a loaf through a whole winter.</p>
<h5>3. Charity</h5>
<p>A beggar gave his coat to a poorer beggar.</p>
<h3>191</h3>
<h4>THE LORD HELPETH</h4>
<p>The lord helped the man and the beast alike, in the old days.</p>
</body></html>"#;
    let doc = flourish_text::read_document(page.as_bytes(), Some("anthology.html")).unwrap();
    assert_eq!(
        chapters(&doc),
        [(Some(190), Some("A FOUR-LEAVED CLOVER".into())), (Some(191), Some("THE LORD HELPETH".into()))]
    );
    assert_eq!(doc.chapters[0].scene_break_count(), 2);
    let first = doc.chapters[0].content_html();
    assert!(first.starts_with("<p>An editor's note") && first.contains("2. Friendship"), "{first}");
    assert_eq!(doc.chapters[1].scene_break_count(), 0);
}

/// A book page sets its title in `<h1>` on the title page and again over the story, whose
/// later chapters are `<h2>`: the story under the second `<h1>` is the first chapter, and
/// the title page before it is not.
#[test]
fn the_title_set_again_over_the_story_heads_the_first_chapter() {
    let story = "I am almost a whole day old, now, and I arrived yesterday; that is how it seems to me, and it must be so, for if there was a day before yesterday I was not there when it happened.";
    let page = format!(
        r#"<html><body>
<h1>THE GARDEN BOOK</h1><h2>By Ann Holt</h2><h3>Illustrated by Tom Holt</h3>
<div class="fig"><img alt="cover" src="cover.jpg"/></div>
<h1>The Garden Book</h1><h3>Set down from the Original</h3>
<p>{story}</p><p>{story}</p>
<h2>The Second Week</h2><p>{story}</p>
<h2>The Third Week</h2><p>{story}</p>
</body></html>"#
    );
    let doc = flourish_text::read_document(page.as_bytes(), Some("garden.html")).unwrap();
    let titles: Vec<_> = doc.chapters.iter().map(|c| c.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["The Garden Book", "The Second Week", "The Third Week"]);
    let first = doc.chapters[0].content_html();
    assert!(!first.contains("Illustrated") && !first.contains("Ann Holt"), "{first}");
    assert_eq!(doc.chapters[0].scene_break_count(), 0);
}

/// Before a numbered series of selections, the unnumbered sections at the same level are
/// the book's apparatus (a bibliography, suggestions for reading), not chapters; a
/// prologue there is the story's own.
#[test]
fn unnumbered_sections_before_a_numbered_series_are_apparatus_but_a_prologue_is_not() {
    let para = "The ferryman's daughter kept the tally of every crossing in a book that nobody else was allowed to read, and she kept it for forty years without missing a single day.";
    let page = |prologue: &str| {
        format!(
            r#"<html><body>
<h3>BIBLIOGRAPHY</h3><p>Rowe, Ada. Songs of the Ferry. Harbour Press, 1901.</p>
<h3>SUGGESTIONS FOR READING</h3><p>{para}</p>
{prologue}
<h3>1</h3><h4>THE FERRY</h4><p>{para}</p>
<h3>2</h3><h4>THE TALLY</h4><p>{para}</p>
<h3>3</h3><h4>THE BOOK</h4><p>{para}</p>
</body></html>"#
        )
    };
    let doc = flourish_text::read_document(page("").as_bytes(), Some("ferry.html")).unwrap();
    let titles: Vec<_> = doc.chapters.iter().map(|c| c.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["THE FERRY", "THE TALLY", "THE BOOK"]);
    assert!(doc.notes.iter().any(|n| n.chapter.is_none() && n.html.contains("Songs of the Ferry")));

    let with_prologue = page(&format!("<h3>PROLOGUE</h3><p>{para}</p>"));
    let doc = flourish_text::read_document(with_prologue.as_bytes(), Some("ferry.html")).unwrap();
    let titles: Vec<_> = doc.chapters.iter().map(|c| c.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["Prologue", "THE FERRY", "THE TALLY", "THE BOOK"]);
}

/// A Jekyll page in Markdown: an editor's note, a title page of centred HTML paragraphs
/// (short lines, like verse) and an imprint, each between `---` rules, and the letters
/// under `##` headings straight after an HTML paragraph. Jekyll's Markdown ends an HTML
/// block at its closing tag, so the heading right under `</p>` is a heading; the note, the
/// title page and the imprint are front matter, and the rules between them are no breaks.
#[test]
fn a_jekyll_page_s_front_matter_and_headings_under_html_paragraphs() {
    let letter = |n: &str| {
        format!(
            "## LETTER {n}.\n\nMy dearest, the ferry was late again, and I waited at the gate until the lamps were lit and the last cart had gone home.\n\nYours ever,\n\n—A—\n\n"
        )
    };
    let text = format!(
        "---\ntitle: \"Ferry Letters\"\nauthor: Anonymous\n---\n\n---\n## Digital editor's note\nThis text was corrected by hand from a scan of the only copy.\n\n---\n<p class=\"centered large\">FERRY</p>\n<p class=\"centered\">AND</p>\n<p class=\"centered large\">LETTERS</p>\n---\nPublished by a Clerk of the Harbour.\n---\n<p class=\"centered\">LONDON:</p>\n<p class=\"centered large\">THE LETTERS</p>\n## LETTER I.\n\nMy dearest, I could not have imagined that the ferry would part us for a whole week.\n\n{}{}{}",
        letter("II"),
        letter("III"),
        letter("IV")
    );
    let doc = flourish_text::read_document(text.as_bytes(), Some("ferry.md")).unwrap();
    let titles: Vec<_> = doc.chapters.iter().map(|c| c.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["Letter I", "Letter II", "Letter III", "Letter IV"]);
    assert!(doc.chapters[0].content_html().starts_with("<p>My dearest, I could not"));
    assert!(doc.chapters.iter().all(|c| c.scene_break_count() == 0));
    let notes: String = doc.notes.iter().map(|n| n.html.as_str()).collect();
    assert!(notes.contains("corrected by hand"), "{notes}");
}
