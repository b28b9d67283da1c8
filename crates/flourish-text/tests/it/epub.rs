use crate::chapters;
use std::io::Write;

/// Builds an EPUB from (path, content) pairs; `mimetype` comes first, stored.
pub fn epub(files: &[(&str, &str)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/epub+zip").unwrap();
        let deflated = zip::write::SimpleFileOptions::default();
        for (path, content) in files {
            zip.start_file(*path, deflated).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

const CONTAINER: &str = r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;

fn xhtml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body>{body}</body></html>"#
    )
}

fn ao3_like() -> Vec<u8> {
    let opf = r#"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:title>The Greenhouse at Midnight</dc:title>
    <dc:creator>quillwright</dc:creator>
    <dc:creator>moonlit_archivist</dc:creator>
    <dc:description>&lt;p&gt;The mandrakes remember. So does Neville.&lt;/p&gt;</dc:description>
    <dc:subject>Harry Potter - J. K. Rowling</dc:subject>
    <dc:subject>Post-War</dc:subject>
    <dc:language>en</dc:language>
    <meta name="calibre:series" content="Greenhouse Days"/>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="preface" href="preface.xhtml" media-type="application/xhtml+xml"/>
    <item id="c1" href="text/chapter_1.xhtml" media-type="application/xhtml+xml"/>
    <item id="c2" href="text/chapter_2.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine><itemref idref="nav"/><itemref idref="preface"/><itemref idref="c1"/><itemref idref="c2"/></spine>
</package>"#;
    epub(&[
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", opf),
        ("OEBPS/nav.xhtml", &xhtml("<nav><ol><li>Chapter 1</li><li>Chapter 2</li></ol></nav>")),
        (
            "OEBPS/preface.xhtml",
            &xhtml(
                r#"<div id="preface"><h1>The Greenhouse at Midnight</h1><div class="byline">by quillwright</div><p>Notes</p><blockquote class="userstuff"><p>For the spring exchange.</p></blockquote></div>"#,
            ),
        ),
        (
            "OEBPS/text/chapter_1.xhtml",
            &xhtml(
                r#"<h2 class="heading">Chapter 1: Mandrakes</h2><div class="userstuff"><p>*Neville's Point of View*</p><p>I had not set foot in the greenhouse.</p><hr/><p>Later, the rain came.</p></div>"#,
            ),
        ),
        (
            "OEBPS/text/chapter_2.xhtml",
            &xhtml(
                r#"<h2 class="heading">Chapter 2: Seedlings</h2><div class="userstuff"><p>The seedlings came up in a row.</p></div>"#,
            ),
        ),
    ])
}

#[test]
fn an_epub_gives_its_package_metadata_and_its_chapters() {
    let doc = flourish_text::read_document(&ao3_like(), Some("story.epub")).unwrap();
    assert_eq!(doc.format, flourish_text::document::Format::Epub);
    assert_eq!(doc.title.as_deref(), Some("The Greenhouse at Midnight"));
    assert_eq!(doc.authors, ["quillwright", "moonlit_archivist"]);
    assert_eq!(doc.summary.as_deref(), Some("The mandrakes remember. So does Neville."));
    assert_eq!(doc.header_field("tags"), Some("Harry Potter - J. K. Rowling, Post-War"));
    assert_eq!(doc.header_field("series"), Some("Greenhouse Days"));
    assert_eq!(chapters(&doc), [(Some(1), Some("Mandrakes".into())), (Some(2), Some("Seedlings".into()))]);
    let first = &doc.chapters[0];
    assert_eq!((first.start_line, first.end_line), (None, None), "an EPUB has no lines");
    assert_eq!(first.sections.len(), 1);
    assert!(first.content_html().contains("<hr class=\"scene-break\">"));
    assert!(doc.notes.iter().any(|n| n.html.contains("spring exchange")));

    let mut json = serde_json::to_value(&doc).unwrap();
    for note in json["notes"].as_array_mut().unwrap() {
        note.as_object_mut().unwrap().remove("html");
    }
    insta::assert_json_snapshot!("ao3-like.epub", json);
}

#[test]
fn broken_epubs_get_clear_errors() {
    let not_zip = b"PK\x03\x04 this is not really a zip file at all";
    let err = flourish_text::read_document(not_zip, Some("x.epub")).unwrap_err().to_string();
    assert!(err.starts_with("not a valid EPUB: not a zip file"), "{err}");

    let no_container = epub(&[("OEBPS/content.opf", "<package/>")]);
    let err = flourish_text::read_document(&no_container, None).unwrap_err().to_string();
    assert_eq!(err, "not a valid EPUB: META-INF/container.xml is missing");

    let empty_spine =
        epub(&[("META-INF/container.xml", CONTAINER), ("OEBPS/content.opf", "<package><manifest/><spine/></package>")]);
    let err = flourish_text::read_document(&empty_spine, None).unwrap_err().to_string();
    assert_eq!(err, "not a valid EPUB: its spine lists no documents");
}

#[test]
fn a_zip_bomb_posing_as_an_epub_is_refused_in_bounded_memory() {
    let opf = r#"<package><manifest><item id="c" href="bomb.xhtml"/></manifest><spine><itemref idref="c"/></spine></package>"#;
    let zeros = "\0".repeat(60 << 20);
    let bomb = epub(&[("META-INF/container.xml", CONTAINER), ("OEBPS/content.opf", opf), ("OEBPS/bomb.xhtml", &zeros)]);
    assert!(bomb.len() < 1 << 20, "the bomb is small packed: {} bytes", bomb.len());
    let err = flourish_text::read_document(&bomb, Some("bomb.epub")).unwrap_err().to_string();
    assert!(err.contains("looks like a zip bomb"), "{err}");
}

fn draft_of(doc: &flourish_text::Document) -> flourish_core::WorkDraft {
    flourish_text::draft::work_draft(doc, "x", &[], None, flourish_core::PseudId(1), &flourish_core::Limits::default())
}

fn package(spine: &[&str]) -> String {
    let items: String = spine
        .iter()
        .enumerate()
        .map(|(i, f)| format!(r#"<item id="i{i}" href="{f}" media-type="application/xhtml+xml"/>"#))
        .collect();
    let refs: String = (0..spine.len()).map(|i| format!(r#"<itemref idref="i{i}"/>"#)).collect();
    format!(
        r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Owl Post</dc:title><dc:creator>inkpot</dc:creator><dc:language>en</dc:language></metadata><manifest>{items}</manifest><spine>{refs}</spine></package>"#
    )
}

#[test]
fn an_ao3_epub_preface_fills_the_work_s_fields() {
    let preface = r#"<div id="preface"><h1>Owl Post</h1><div class="byline">by inkpot</div><dl class="tags">
        <dt>Rating:</dt><dd>Mature</dd><dt>Archive Warning:</dt><dd>Graphic Depictions Of Violence, Major Character Death</dd>
        <dt>Category:</dt><dd>F/M, Gen</dd><dt>Fandom:</dt><dd>Harry Potter - J. K. Rowling</dd>
        <dt>Relationship:</dt><dd>Hermione Granger/Ron Weasley</dd><dt>Characters:</dt><dd>Hermione Granger, Ron Weasley, Hedwig</dd>
        <dt>Additional Tags:</dt><dd>Owls, Letters</dd><dt>Language:</dt><dd>English</dd><dt>Series:</dt><dd>Part 3 of Winter Letters</dd>
        <dt>Stats:</dt><dd>Published: 2018-12-24 Updated: 2019-01-02 Words: 1,234 Chapters: 1/4</dd></dl>
        <p>Summary</p><blockquote class="userstuff"><p>An owl that will not stop delivering.</p></blockquote></div>"#;
    let book = epub(&[
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", &package(&["preface.xhtml", "chapter_1.xhtml"])),
        ("OEBPS/preface.xhtml", &xhtml(preface)),
        (
            "OEBPS/chapter_1.xhtml",
            &xhtml(
                r#"<h2 class="heading">Chapter 1: Hedwig</h2><div class="userstuff"><p>The owl came at dawn.</p></div>"#,
            ),
        ),
    ]);
    let doc = flourish_text::read_document(&book, Some("owl.epub")).unwrap();
    let draft = draft_of(&doc);
    use flourish_core::{ArchiveWarning, Category, Rating};
    assert_eq!(draft.rating, Rating::Mature);
    assert_eq!(draft.warnings, [ArchiveWarning::GraphicViolence, ArchiveWarning::MajorCharacterDeath]);
    assert_eq!(draft.categories, [Category::FM, Category::Gen]);
    assert_eq!(draft.fandoms, ["Harry Potter - J. K. Rowling"], "AO3's categories are not fandoms");
    assert_eq!(draft.characters, ["Hermione Granger", "Ron Weasley", "Hedwig"]);
    assert_eq!(draft.freeforms, ["Owls", "Letters"]);
    assert_eq!(draft.language, "en");
    assert_eq!(draft.published_at.map(|t| t.date().to_string()).as_deref(), Some("2018-12-24"));
    assert!(!draft.complete);
    assert_eq!(draft.expected_chapters, Some(4));
    assert_eq!(flourish_text::draft::series_of(&doc), Some(("Winter Letters".into(), Some(3))));
    assert!(draft.summary.contains("will not stop delivering"));
    assert_eq!(draft.chapters.len(), 1);
}

#[test]
fn a_fanficfare_title_page_fills_the_work_s_fields_and_stays_out_of_the_story() {
    let title_page = r#"<h3><a href="https://www.fanfiction.net/s/1">Owl Post</a> by <a href="https://www.fanfiction.net/u/2">inkpot</a></h3>
        <div><b>Category:</b> Harry Potter<br/><b>Genre:</b> Romance/Humor<br/><b>Characters:</b> Hermione G., Ron W.<br/>
        <b>Status:</b> In-Progress<br/><b>Published:</b> 2011-03-04<br/><b>Rating:</b> T<br/><b>Words:</b> 1,000</div>"#;
    let book = epub(&[
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", &package(&["title_page.xhtml", "toc_page.xhtml", "file0001.xhtml"])),
        ("OEBPS/title_page.xhtml", &xhtml(title_page)),
        ("OEBPS/toc_page.xhtml", &xhtml("<p>Table of Contents</p><p>Chapter 1</p>")),
        ("OEBPS/file0001.xhtml", &xhtml("<h2>Chapter 1</h2><p>The owl came at dawn, as owls do.</p>")),
    ]);
    let doc = flourish_text::read_document(&book, Some("ffnet.epub")).unwrap();
    let draft = draft_of(&doc);
    assert_eq!(draft.fandoms, ["Harry Potter"], "FanFiction.Net's category is the fandom");
    assert_eq!(draft.characters, ["Hermione G.", "Ron W."]);
    assert_eq!(draft.freeforms, ["Romance", "Humor"]);
    assert_eq!(draft.rating, flourish_core::Rating::TeenAndUp);
    assert!(!draft.complete, "In-Progress");
    assert_eq!(draft.published_at.map(|t| t.date().to_string()).as_deref(), Some("2011-03-04"));
    let text = flourish_text::html_to_text(&draft.chapters.iter().map(|c| c.content.clone()).collect::<String>());
    assert_eq!(text, "The owl came at dawn, as owls do.", "no title page or contents in the story");
}

fn book_epub(publisher: &str, rights: &str) -> Vec<u8> {
    let opf = format!(
        r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Songs of the Ferry</dc:title><dc:creator>Ada Rowe</dc:creator><dc:creator>Tom Rowe</dc:creator>{publisher}{rights}<dc:language>en</dc:language></metadata><manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c1"/></spine></package>"#
    );
    epub(&[
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", &opf),
        ("OEBPS/c1.xhtml", &xhtml("<h1>I</h1><p>The ferry crossed at dawn, and the ferryman sang.</p>")),
    ])
}

/// A book's EPUB says it is published: a publisher, or rights in the public domain. Such a
/// book is its own fandom, named as AO3 names a source work, all its authors with it. An
/// EPUB a fan fiction site published is a story, not a source work.
#[test]
fn a_published_epub_is_its_own_fandom_and_a_fan_fiction_site_s_is_not() {
    let fandoms = |bytes: Vec<u8>| {
        let doc = flourish_text::read_document(&bytes, Some("ferry.epub")).unwrap();
        flourish_text::suggest::suggest(&doc, &[]).0.fandoms
    };
    let wanted = ["Songs of the Ferry - Ada Rowe & Tom Rowe"];
    assert_eq!(fandoms(book_epub("<dc:publisher>Harbour Press</dc:publisher>", "")), wanted);
    assert_eq!(fandoms(book_epub("", "<dc:rights>Public domain in the USA.</dc:rights>")), wanted);
    assert!(fandoms(book_epub("<dc:publisher>Archive of Our Own</dc:publisher>", "")).is_empty());
    assert!(fandoms(book_epub("", "")).is_empty(), "nothing says it was published");
}

/// An EPUB's scene breaks have no line to be found at, and are counted all the same.
#[test]
fn an_epub_s_scene_breaks_are_counted_without_lines() {
    let body = "<h2>I</h2><p>The ferry crossed at dawn.</p><hr/><p>The ferry crossed back at dusk.</p><h2>II</h2><p>Nobody crossed at all.</p>";
    let bytes = epub(&[
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", &package(&["c1.xhtml"])),
        ("OEBPS/c1.xhtml", &xhtml(body)),
    ]);
    let doc = flourish_text::read_document(&bytes, Some("ferry.epub")).unwrap();
    assert_eq!(doc.chapters.len(), 2);
    assert_eq!(doc.chapters[0].scene_break_count(), 1);
    assert!(doc.chapters[0].scene_breaks.is_empty(), "no lines in an EPUB");
}
