//! Issue 20: links that hide a script from the sanitizer (control characters, NUL, tabs and
//! newlines inside the scheme, character references, mixed case, `vbscript:`, `data:`)
//! posted through every HTML field of the API and of the forms, then looked for in the
//! stored HTML, every page, the feeds, the OPDS catalog, the API, the HTML and Markdown
//! downloads and every file of the EPUB. The judge is the test kit's own reading of a URL
//! (`flourish_testkit::links`), not the product's.

use super::api::{send, token_for};
use axum::http::StatusCode;
use flourish_core::{SeriesId, WorkId};
use flourish_store::{SeriesStore, WorkEditing};
use flourish_testkit::links::{unsafe_links, unsafe_links_in_feed, unsafe_links_in_json, unsafe_markdown_links};
use flourish_testkit::{Browser, TestApp, TestResponse};
use proptest::prelude::*;
use serde_json::json;
use std::io::Read;

/// Link targets a browser reads as harmless (or refuses) but that a careless later step
/// could turn into script, as they would stand inside a double-quoted attribute.
fn hostile_targets() -> Vec<String> {
    let mut targets: Vec<String> = [
        "\u{1}java\u{3}script:alert(1)",
        "\u{1}JAVA\u{2}SCRIPT:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\rscript:alert(1)",
        "java script:alert(1)",
        " javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#1;java&#3;script:alert(1)",
        "java&#0;script:alert(1)",
        "java&#x09;script:alert(1)",
        "java&Tab;script:alert(1)",
        "java&NewLine;script:alert(1)",
        "&#x6A;ava&#x73;cript&#x3A;alert(1)",
        "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
        "vbscript:msgbox(1)",
        "VB\u{4}Script:msgbox(1)",
        "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "da\u{1f}ta:text/html,x",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    // Every C0 control character but the three HTML treats as whitespace, and NUL.
    for c in (0u8..0x20).filter(|c| !matches!(c, b'\t' | b'\n' | b'\r')) {
        targets.push(format!("java{}script:alert({c})", c as char));
    }
    targets
}

/// HTML fragments that together carry every hostile target as a link and as an image, in
/// double quotes, single quotes and none, each with one good link that must survive. Each
/// fits a summary (1,250 characters), so every field can hold one.
fn hostile_html() -> Vec<String> {
    const GOOD: &str = "<p>Draco watched the shop. <a href=\"https://example.org/robes\">robes</a></p>\n";
    let mut pieces: Vec<String> = hostile_targets()
        .iter()
        .enumerate()
        .map(|(i, t)| format!("<p><a href=\"{t}\">d{i}</a><a href='{t}'>s{i}</a><img src=\"{t}\" alt=\"i\"></p>\n"))
        .collect();
    pieces.push("<p><a href=\u{1}java\u{3}script:alert(9)>bare</a></p>\n".to_owned());
    let mut chunks = vec![GOOD.to_owned()];
    for piece in pieces {
        if chunks.last().unwrap().chars().count() + piece.chars().count() > 1200 {
            chunks.push(GOOD.to_owned());
        }
        chunks.last_mut().unwrap().push_str(&piece);
    }
    chunks
}

/// The same targets in Markdown's link syntax, for a chapter posted as Markdown.
fn hostile_markdown() -> String {
    let mut md = String::from("Harry *ran*. [robes](https://example.org/robes)\n\n");
    for t in hostile_targets() {
        md.push_str(&format!("[x]({t}) and [y](<{t}>) and <{t}>\n\n"));
    }
    md
}

fn assert_clean(what: &str, found: Vec<String>) {
    assert!(found.is_empty(), "{what} carries unsafe links: {found:#?}");
}

async fn fetch(browser: &Browser, path: &str) -> TestResponse {
    let r = browser.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    r
}

/// Every place the work's HTML reaches a reader, checked with the judge.
async fn check_everywhere(app: &TestApp, reader: &Browser, work: WorkId, series: Option<SeriesId>) {
    // Stored HTML.
    let stored = app.store().work_for_editing(work).await.unwrap().unwrap();
    for (field, html) in [("summary", &stored.summary), ("notes", &stored.notes), ("end_notes", &stored.end_notes)] {
        assert_clean(&format!("stored work {field}"), unsafe_links(html));
    }
    let chapters = app.store().chapters_for_editing(work).await.unwrap();
    for c in &chapters {
        for html in [&c.summary, &c.notes, &c.end_notes, &c.content] {
            assert_clean("stored chapter", unsafe_links(html));
            assert!(!html.chars().any(|ch| (ch as u32) < 0x20 && !"\t\n\r".contains(ch)), "{html:?}");
        }
    }
    assert!(chapters[0].content.contains("href=\"https://example.org/robes\""), "good links survive");
    if let Some(series) = series {
        let s = app.store().series(series).await.unwrap().unwrap();
        assert_clean("stored series", unsafe_links(&s.summary));
        assert_clean("series page", unsafe_links(&fetch(reader, &format!("/series/{series}")).await.body));
        assert_clean(
            "series feed",
            unsafe_links_in_feed(&fetch(reader, &format!("/series/{series}/feed.atom")).await.body),
        );
    }

    // Pages.
    let mut pages = vec![
        format!("/works/{work}"),
        format!("/works/{work}?view_full_work=true"),
        format!("/works/{work}/navigate"),
        "/works".to_owned(),
        "/works/search?q=Draco".to_owned(),
        "/tags/Harry%20Potter%20-%20J.%20K.%20Rowling/works".to_owned(),
    ];
    pages.extend(chapters.iter().map(|c| format!("/works/{work}/chapters/{}", c.id)));
    for path in &pages {
        assert_clean(path, unsafe_links(&fetch(reader, path).await.body));
    }

    // Feeds and the OPDS catalog, whose entries carry HTML as escaped text.
    for path in [
        format!("/works/{work}/feed.atom"),
        "/tags/Harry%20Potter%20-%20J.%20K.%20Rowling/feed.atom".to_owned(),
        "/opds/recent".to_owned(),
    ] {
        assert_clean(&path, unsafe_links_in_feed(&fetch(reader, &path).await.body));
    }

    // The API's HTML fields.
    for path in [format!("/api/v1/works/{work}"), "/api/v1/works".to_owned()] {
        let r = fetch(reader, &path).await;
        let value: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_clean(&path, unsafe_links_in_json(&value));
    }

    // Downloads: the HTML file, the Markdown file, and every file inside the EPUB.
    let html = fetch(reader, &format!("/downloads/{work}/w.html")).await;
    assert_clean("HTML download", unsafe_links(&html.body));
    assert!(html.body.contains("href=\"https://example.org/robes\""), "good links survive the download");
    let md = fetch(reader, &format!("/downloads/{work}/w.md")).await;
    assert_clean("Markdown download", unsafe_markdown_links(&md.body));
    let epub = fetch(reader, &format!("/downloads/{work}/w.epub")).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub.bytes)).expect("the EPUB is a zip");
    let mut xhtml_files = 0;
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let mut text = String::new();
        if file.read_to_string(&mut text).is_err() {
            continue;
        }
        xhtml_files += usize::from(file.name().ends_with(".xhtml"));
        assert_clean(&format!("EPUB {}", file.name()), unsafe_links(&text));
    }
    assert!(xhtml_files >= 3, "title page, chapters and afterword were all read");
}

#[tokio::test]
async fn hidden_script_links_never_survive_the_api() {
    let app = TestApp::sqlite().await;
    let token = token_for(&app, "scripter").await;
    let chunks = hostile_html();
    assert!(chunks.len() >= 2, "the targets are spread over several works");
    for html in &chunks {
        let work = json!({
            "title": "The Robe Shop",
            "summary": html, "notes": html, "end_notes": html,
            "rating": "General Audiences",
            "warnings": ["No Archive Warnings Apply"],
            "fandoms": ["Harry Potter - J. K. Rowling"],
            "chapters": [
                {"title": "Diagon Alley", "summary": html, "notes": html, "end_notes": html, "content": html},
                {"title": "Flourish and Blotts", "content": hostile_markdown(), "format": "markdown"},
            ],
        });
        let r = send(&app, "POST", "/api/v1/works", Some(&token), Some(work)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let id = WorkId(id["id"].as_i64().unwrap());
        app.sync_search().await;
        check_everywhere(&app, &app.browser(), id, None).await;
    }
}

#[tokio::test]
async fn hidden_script_links_never_survive_the_forms() {
    let app = TestApp::sqlite().await;
    let writer = app.logged_in("draco_m", "mandrakes remember everything").await;
    let page = writer.get("/works/new").await;
    let at = page.body.find("name=\"pseuds\" value=\"").expect("a pseud choice") + 21;
    let pseud = &page.body[at..at + page.body[at..].find('"').unwrap()];
    for (i, html) in hostile_html().iter().enumerate() {
        let title = format!("Robes {i}");
        let r = writer.post("/series/new", &[("title", &title), ("summary", html)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let series: SeriesId = r.header("location").unwrap().trim_start_matches("/series/").parse().unwrap();
        let series_field = series.to_string();
        let fields = [
            ("title", "The Robe Shop"),
            ("rating", "Teen And Up Audiences"),
            ("warnings", "No Archive Warnings Apply"),
            ("fandoms", "Harry Potter - J. K. Rowling"),
            ("language", "en"),
            ("pseuds", pseud),
            ("complete", "1"),
            ("allow_downloads", "1"),
            ("summary", html),
            ("notes", html),
            ("end_notes", html),
            ("series", &series_field),
            ("text_format", "html"),
            ("chapter_count", "1"),
            ("chapters[0].title", "Diagon Alley"),
            ("chapters[0].summary", html),
            ("chapters[0].notes", html),
            ("chapters[0].end_notes", html),
            ("chapters[0].content", html),
            ("action", "post"),
        ];
        let r = writer.post("/works/new", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id: WorkId = r.header("location").unwrap().trim_start_matches("/works/").parse().unwrap();
        app.sync_search().await;
        check_everywhere(&app, &app.browser(), id, Some(series)).await;
        // The creator's own view of the work, with its edit links, too.
        assert_clean("creator's work page", unsafe_links(&fetch(&writer, &format!("/works/{id}")).await.body));
    }
}

/// Text made of the pieces hostile markup is built from, biased toward links.
fn hostile_fragment() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<a href=\"".to_owned()),
        Just("<img src=\"".to_owned()),
        Just("<a href='".to_owned()),
        Just("<a href=".to_owned()),
        Just("\">".to_owned()),
        Just("'>".to_owned()),
        Just("</a>".to_owned()),
        Just("<p>".to_owned()),
        Just("java".to_owned()),
        Just("script".to_owned()),
        Just("vbscript".to_owned()),
        Just("data".to_owned()),
        Just(":".to_owned()),
        Just("&#58;".to_owned()),
        Just("&#".to_owned()),
        Just("&Tab;".to_owned()),
        Just("alert(1)".to_owned()),
        Just("https://example.org/".to_owned()),
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        (0u32..0x20).prop_map(|c| format!("&#{c};")),
        "[a-zA-Z0-9 <>\"'=/&#;:.-]{1,4}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Arbitrary text through the sanitizer, then through every writer of downloads and
    /// feeds: none may hold a link the judge calls unsafe.
    #[test]
    fn sanitize_then_export_never_makes_a_script_link(input in hostile_fragment()) {
        let clean = flourish_text::sanitize_html(&input);
        prop_assert!(unsafe_links(&clean).is_empty(), "sanitized: {clean:?}");
        let xhtml = flourish_export::xhtml::to_xhtml(&clean);
        prop_assert!(unsafe_links(&xhtml).is_empty(), "XHTML: {xhtml:?}");
        let mut markdown = String::new();
        flourish_export::markdown::render_blocks(&mut markdown, &clean);
        prop_assert!(unsafe_markdown_links(&markdown).is_empty(), "Markdown: {markdown:?}");
        let escaped = flourish_export::xhtml::escape(&clean);
        prop_assert!(
            unsafe_links_in_feed(&format!("<summary type=\"html\">{escaped}</summary>")).is_empty(),
            "escaped for a feed: {escaped:?}"
        );
    }
}
