//! The fuzz targets' bodies, one function per target, each taking arbitrary bytes.
//!
//! `fuzz/` (a cargo-fuzz project of its own, built with nightly and libFuzzer) calls these
//! under coverage guidance; this crate's tests replay the committed corpora
//! (`fuzz/corpus/TARGET/`) through the same functions on stable, so every input a fuzzer
//! ever kept is a regression test in CI. A target fails by panicking: on a crash in the
//! code under test, or on a broken property (`assert!`).
//!
//! Why libFuzzer through cargo-fuzz rather than AFL++ through cargo-afl: it runs in
//! process (thousands of executions a second on these parsers, no fork per input), needs
//! nothing but a nightly toolchain and a C++ compiler (AFL++ needs its own LLVM-based
//! compiler built first), and its corpus directories are plain files that a stable test
//! can replay.

use std::sync::LazyLock;

pub mod markup;

/// The importer on a file named `x.EXT`: reading, structure, suggestions and the draft.
pub fn import(data: &[u8], ext: &str) {
    let Ok(doc) = flourish_text::read_document(data, Some(&format!("x.{ext}"))) else { return };
    let _ = flourish_text::suggest::suggest(&doc, &[]);
    let draft = flourish_text::draft::work_draft(&doc, "x", &[], None, flourish_core::PseudId(1), &Default::default());
    for chapter in &draft.chapters {
        // What the importer hands on is what the store sanitizes: it must come out clean.
        markup::assert_clean(&flourish_text::sanitize_html(&chapter.content));
    }
}

/// The sanitizers: their output is stable when sanitized again, and nothing that can run
/// script survives a parse, a serialization and a second parse.
pub fn sanitize(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let sanitizers: [fn(&str) -> String; 2] = [flourish_text::sanitize_html, flourish_text::sanitize_comment_html];
    for sanitizer in sanitizers {
        let clean = sanitizer(&input);
        markup::assert_clean(&clean);
        markup::assert_clean(&markup::reserialize(&clean));
        assert_eq!(sanitizer(&clean), clean, "sanitizing twice changed the output of {input:?}");
    }
}

/// The search box's query language, parsed and run against an index.
pub fn search(data: &[u8]) {
    static INDEX: LazyLock<flourish_search::SearchIndex> =
        LazyLock::new(|| flourish_search::SearchIndex::in_memory().expect("an index in memory"));
    let text = String::from_utf8_lossy(data);
    let _ = flourish_search::query::parse(&text, 1_700_000_000);
    let query = flourish_search::WorkQuery { text: text.into_owned(), ..Default::default() };
    let _ = INDEX.search(&query, 1_700_000_000);
}

/// The EPUB writer fed with arbitrary sanitized chapters (the bytes split at NUL into
/// chapters, the first piece the summary). Returns the book, which has passed the
/// structural checks epubcheck makes first: a zip whose first entry is the stored
/// `mimetype`, a container naming a package file that exists, and every XML file
/// well-formed. The replay test sends a sample through epubcheck itself.
pub fn epub(data: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(data);
    let mut pieces = text.split('\0');
    let (mut work, mut chapters) = flourish_export::fixture::work();
    work.summary = flourish_text::sanitize_html(pieces.next().unwrap_or_default());
    let contents: Vec<String> = pieces.map(flourish_text::sanitize_html).collect();
    if !contents.is_empty() {
        let template = chapters[0].clone();
        chapters = contents
            .into_iter()
            .take(50)
            .enumerate()
            .map(|(i, content)| flourish_core::Chapter {
                id: flourish_core::ChapterId(i as i64 + 1),
                position: i as u32 + 1,
                content,
                ..template.clone()
            })
            .collect();
        work.chapter_count = chapters.len() as u32;
    }
    let book = flourish_export::fixture::book(&work, &chapters);
    let bytes = flourish_export::export(&book, flourish_export::Format::Epub).expect("an EPUB is written");
    markup::assert_epub_structure(&bytes);
    bytes
}

/// The configuration file, as `flourish.toml`, through every layer's checks.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = std::env::temp_dir().join(format!("flourish-fuzz-{}.toml", std::process::id()));
    if std::fs::write(&path, text).is_err() {
        return;
    }
    let _ = flourish::config::Config::load_from(Some(&path), &Default::default(), &Default::default());
}

/// The JSON API's request bodies, read as the API reads them and turned into what it
/// would store.
pub fn api_body(data: &[u8]) {
    use flourish_web::api;
    let own = [flourish_core::Pseud {
        id: flourish_core::PseudId(1),
        user_id: flourish_core::UserId(1),
        username: "writer".into(),
        name: "writer".into(),
        is_default: true,
        description: String::new(),
    }];
    if let Ok(work) = serde_json::from_slice::<api::input::WorkInput>(data) {
        let _ = work.draft(&own);
    }
    if let Ok(chapter) = serde_json::from_slice::<api::input::ChapterInput>(data) {
        let _ = chapter.draft("", &mut Default::default());
    }
    let _ = serde_json::from_slice::<api::conversation::CommentInput>(data);
    let _ = serde_json::from_slice::<api::conversation::CommentEdit>(data);
    let _ = serde_json::from_slice::<api::bookmarks::BookmarkInput>(data);
    let _ = serde_json::from_slice::<api::bookmarks::BookmarkEdit>(data);
    let _ = serde_json::from_slice::<api::filters::FilterInput>(data);
    let _ = serde_json::from_slice::<api::subscriptions::SubscriptionInput>(data);
}

/// A target: its name (the corpus folder's) and its body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target by name, as the corpora's folders are named.
pub const TARGETS: &[Target] = &[
    ("import_txt", |d| import(d, "txt")),
    ("import_md", |d| import(d, "md")),
    ("import_html", |d| import(d, "html")),
    ("import_epub", |d| import(d, "epub")),
    ("sanitize", sanitize),
    ("search", search),
    ("epub", |d| {
        epub(d);
    }),
    ("config", config),
    ("api_body", api_body),
];
