//! Every transform after the sanitizer keeps its promise (issue 18, part 6): what the
//! sanitizer let through, hostile input included, goes through every later writer — the
//! EPUB's XHTML, the HTML download, Markdown, TXT, the Atom feeds and the OPDS catalog — and
//! no result may hold what the sanitizer refuses.
//!
//! The judge holds each result to the sanitizer's own allowlist (`flourish_text::sanitize::
//! ALLOWLIST`): an element of an allowed tag may carry only allowed attributes and classes
//! (or those the writer's own template gives that tag), and no link but http, https or
//! mailto; an element of any other tag belongs to the writer's template, so the hostile
//! book must have exactly as many of it as the same book with harmless text.

use flourish_core::{Chapter, Work};
use flourish_export::{Format, export, fixture};
use flourish_testkit::links::is_unsafe_url;
use flourish_text::sanitize::ALLOWLIST;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, TagKind, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
};
use proptest::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

/// A start tag as written: its name and its attributes.
type Element = (String, Vec<(String, String)>);

#[derive(Default)]
struct Sink {
    elements: RefCell<Vec<Element>>,
    /// The text of Atom elements marked `type="html"`, which readers show as HTML.
    html_text: RefCell<String>,
    /// The element whose text is being read as HTML.
    in_html: RefCell<Option<String>>,
}

impl TokenSink for Sink {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            TagToken(tag) if tag.kind == TagKind::StartTag => {
                let attrs: Vec<(String, String)> =
                    tag.attrs.iter().map(|a| (a.name.local.to_string(), a.value.to_string())).collect();
                if attrs.iter().any(|(n, v)| n == "type" && v == "html") {
                    *self.in_html.borrow_mut() = Some(tag.name.to_string());
                }
                self.elements.borrow_mut().push((tag.name.to_string(), attrs));
            }
            TagToken(tag) if self.in_html.borrow().as_deref() == Some(&*tag.name) => {
                *self.in_html.borrow_mut() = None;
                self.html_text.borrow_mut().push('\n');
            }
            CharacterTokens(text) if self.in_html.borrow().is_some() => self.html_text.borrow_mut().push_str(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// The start tags of `markup`, and the HTML that its `type="html"` elements carry as
/// escaped text (a feed's), decoded.
fn tokens(markup: &str) -> (Vec<Element>, String) {
    let tokenizer = Tokenizer::new(Sink::default(), Default::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(markup));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    (tokenizer.sink.elements.take(), tokenizer.sink.html_text.take())
}

fn elements(markup: &str) -> Vec<Element> {
    tokens(markup).0
}

/// What a writer's template gives each tag when the text is harmless: attributes, classes.
#[derive(Default)]
struct Template {
    attributes: BTreeSet<(String, String)>,
    classes: BTreeSet<(String, String)>,
    /// How many elements of each tag outside the allowlist.
    own_tags: BTreeMap<String, usize>,
}

fn allowed_tag(tag: &str) -> bool {
    ALLOWLIST.tags.contains(&tag)
}

fn template(markup: &str) -> Template {
    let mut t = Template::default();
    for (tag, attrs) in elements(markup) {
        if !allowed_tag(&tag) {
            *t.own_tags.entry(tag.clone()).or_default() += 1;
        }
        for (name, value) in attrs {
            if name == "class" {
                t.classes.extend(value.split_whitespace().map(|c| (tag.clone(), c.to_owned())));
            }
            t.attributes.insert((tag.clone(), name));
        }
    }
    t
}

/// What in `markup` the sanitizer would refuse and `template` does not explain.
fn refused(markup: &str, template: &Template) -> Vec<String> {
    let mut found = Vec::new();
    let mut own_tags: BTreeMap<String, usize> = BTreeMap::new();
    for (tag, attrs) in elements(markup) {
        if !allowed_tag(&tag) {
            *own_tags.entry(tag.clone()).or_default() += 1;
        }
        for (name, value) in &attrs {
            let sanitizer_allows = allowed_tag(&tag)
                && (ALLOWLIST.generic_attributes.contains(&name.as_str())
                    || ALLOWLIST.tag_attributes.iter().any(|(t, a)| *t == tag && a.contains(&name.as_str()))
                    || (tag == "a" && name == "rel")
                    || name == "class");
            if !sanitizer_allows && !template.attributes.contains(&(tag.clone(), name.clone())) {
                found.push(format!("<{tag} {name}={value:?}>"));
            }
            if name == "class" {
                for class in value.split_whitespace() {
                    let allowed = ALLOWLIST.classes.iter().any(|(t, c)| *t == tag && c.contains(&class));
                    if !allowed && !template.classes.contains(&(tag.clone(), class.to_owned())) {
                        found.push(format!("<{tag} class={class:?}>"));
                    }
                }
            }
            if is_unsafe_url(value)
                && (name.ends_with("href") || ["src", "action", "formaction", "data"].contains(&name.as_str()))
            {
                found.push(format!("<{tag} {name}={value:?}>"));
            }
        }
    }
    if own_tags != template.own_tags {
        found.push(format!("template tags {own_tags:?}, expected {:?}", template.own_tags));
    }
    found
}

/// Every file of an EPUB that holds markup, by name.
fn epub_files(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the EPUB is a zip");
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().to_owned();
        if [".xhtml", ".opf", ".ncx"].iter().any(|e| name.ends_with(e)) {
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            files.insert(name, text);
        }
    }
    files
}

fn markdown_as_html(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
    html
}

/// The sample work with every HTML field replaced by `html`, sanitized as writers' input is
/// (after a word of its own, so that no field is left empty and dropped from a template).
fn hostile_book(html: &str) -> (Work, Vec<Chapter>) {
    let (mut work, mut chapters) = fixture::work();
    let clean = flourish_text::sanitize_html(&format!("<p>Words.</p>{html}"));
    work.summary = clean.clone();
    work.notes = clean.clone();
    work.end_notes = clean.clone();
    for chapter in &mut chapters {
        chapter.content = format!("<p>Before.</p>{clean}<p>After.</p>");
        chapter.summary = clean.clone();
        chapter.notes = clean.clone();
        chapter.end_notes = clean.clone();
    }
    (work, chapters)
}

/// The harmless twin of [`hostile_book`]: the same fields, filled with plain text.
fn harmless_book() -> (Work, Vec<Chapter>) {
    hostile_book("<p>Nothing but words.</p>")
}

fn export_all(work: &Work, chapters: &[Chapter]) -> BTreeMap<String, String> {
    let book = fixture::book(work, chapters);
    let mut out = BTreeMap::new();
    for (name, text) in epub_files(&export(&book, Format::Epub).unwrap()) {
        out.insert(format!("EPUB {name}"), text);
    }
    out.insert("HTML".into(), String::from_utf8(export(&book, Format::Html).unwrap()).unwrap());
    let markdown = String::from_utf8(export(&book, Format::Md).unwrap()).unwrap();
    out.insert("Markdown, as a Markdown reader shows it".into(), markdown_as_html(&markdown));
    let text = String::from_utf8(export(&book, Format::Txt).unwrap()).unwrap();
    out.insert("TXT".into(), text);
    out
}

/// Checks every writer's output for `html`; returns what was wrong, by writer.
fn check(html: &str) -> Vec<String> {
    let (work, chapters) = harmless_book();
    let harmless = export_all(&work, &chapters);
    let (work, chapters) = hostile_book(html);
    let hostile = export_all(&work, &chapters);
    let mut wrong = Vec::new();
    for (writer, output) in &hostile {
        if writer == "TXT" {
            // Plain text carries no markup; what the sanitizer refuses in text is control
            // characters, and text must not gain them by decoding character references.
            if let Some(c) = output.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
                wrong.push(format!("TXT: control character {c:?}"));
            }
            continue;
        }
        let template = template(&harmless[writer]);
        for problem in refused(output, &template) {
            wrong.push(format!("{writer}: {problem}"));
        }
    }
    wrong
}

/// Markup that tries what the sanitizer refuses, in pieces a fuzzer recombines.
const PIECES: &[&str] = &[
    "<script>alert(1)</script>",
    "<style>p{}</style>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"https://example.org/\" onclick=\"x()\" style=\"color:red\" class=\"pov admin\">x</a>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mi xlink:href=\"javascript:x\">x</mi></math>",
    "<iframe srcdoc=\"<script>x</script>\"></iframe>",
    "<form action=\"javascript:x\"><input formaction=\"javascript:x\"></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:x\">",
    "<base href=\"javascript:x\">",
    "<link rel=\"stylesheet\" href=\"https://evil.example/\">",
    "<![CDATA[<script>x</script>]]>",
    "]]>",
    "<!-- <script>x</script> -->",
    "<?xml-stylesheet href=\"x\"?>",
    "<section class=\"pov\" data-label=\"&quot;><script>x</script>\">",
    "</section>",
    "<p class=\"scene-break\">* * *</p>",
    "<hr class=\"scene-break\">",
    "<table><tr><td colspan=\"2\" onmouseover=\"x\">x</td></tr></table>",
    "<ol start=\"3\" type=\"i\"><li>x</li></ol>",
    "<pre>```\n<script>x</script>\n```</pre>",
    "<code>&lt;script&gt;x&lt;/script&gt;</code>",
    "[x](javascript:alert(1)) <javascript:alert(1)> ![y](javascript:x)",
    "&lt;img src=x onerror=alert(1)&gt;",
    "&#60;script&#62;x&#60;/script&#62;",
    "&amp;#1;&#1;&#0;",
    "<p>",
    "</p>",
    "<em>",
    "\"'<>&",
];

fn hostile_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        1 => "[a-z <>\"'=/&#;:.*_`\\[\\]()!-]{1,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_download_writer_makes_what_the_sanitizer_refuses(pieces in proptest::collection::vec(hostile_piece(), 1..12)) {
        let wrong = check(&pieces.concat());
        prop_assert!(wrong.is_empty(), "{wrong:#?}");
    }
}

#[test]
fn every_hostile_piece_alone_and_all_together_pass_every_writer() {
    for piece in PIECES {
        let wrong = check(piece);
        assert!(wrong.is_empty(), "{piece:?}: {wrong:#?}");
    }
    let wrong = check(&PIECES.concat());
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A fresh archive with one work whose HTML fields all hold `html`, sanitized; its feeds
/// and catalog pages, by path.
async fn feeds(html: &str) -> BTreeMap<&'static str, String> {
    let app = flourish_testkit::TestApp::sqlite().await;
    let pseud = flourish_testkit::fixtures::writer(app.store(), "quillwright").await;
    let clean = flourish_text::sanitize_html(&format!("<p>Words.</p>{html}"));
    let mut draft = flourish_testkit::fixtures::work("The Robe Shop", &pseud);
    draft.summary = clean.clone();
    draft.notes = clean.clone();
    draft.end_notes = clean.clone();
    draft.chapters = vec![flourish_core::ChapterDraft {
        title: "One".into(),
        summary: clean.clone(),
        notes: clean.clone(),
        end_notes: clean.clone(),
        content: format!("<p>Before.</p>{clean}<p>After.</p>"),
    }];
    let id = flourish_store::WorkStore::create_work(app.store(), &draft).await.unwrap();
    assert_eq!(id.0, 1);
    app.sync_search().await;
    let mut out = BTreeMap::new();
    for path in [
        "/works/1/feed.atom",
        "/tags/Post-War/feed.atom",
        "/users/quillwright/pseuds/quillwright/feed.atom",
        "/opds/recent",
        "/opds/search?q=robe",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, axum::http::StatusCode::OK, "{path}");
        out.insert(path, r.body);
    }
    out
}

#[tokio::test]
async fn feeds_and_the_opds_catalog_carry_no_more_than_the_sanitizer_allows() {
    let harmless = feeds("<p>Nothing but words.</p>").await;
    let hostile = feeds(&PIECES.concat()).await;
    let mut wrong = Vec::new();
    for (path, xml) in &hostile {
        // The document's own elements, and the HTML its escaped text carries.
        let (_, carried) = tokens(xml);
        let (_, harmless_carried) = tokens(&harmless[path]);
        for problem in refused(xml, &template(&harmless[path])) {
            wrong.push(format!("{path}: {problem}"));
        }
        for problem in refused(&carried, &template(&harmless_carried)) {
            wrong.push(format!("{path}, escaped HTML: {problem}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_judge_catches_what_a_careless_writer_would_let_through() {
    // The judge itself must fail on what it is for, or its silence proves nothing.
    let (work, chapters) = harmless_book();
    let harmless = String::from_utf8(export(&fixture::book(&work, &chapters), Format::Html).unwrap()).unwrap();
    let t = template(&harmless);
    for bad in [
        "<p onclick=\"x()\">x</p>",
        "<script>x</script>",
        "<a href=\"javascript:x\">x</a>",
        "<p class=\"admin\">x</p>",
        "<img src=\"x\" style=\"x\">",
    ] {
        let doctored = harmless.replacen("<p>Nothing but words.</p>", bad, 1);
        assert!(!refused(&doctored, &t).is_empty(), "{bad} passed the judge");
    }
    assert!(refused(&harmless, &t).is_empty());
    // In a feed, escaped HTML is read as HTML only where the element says so.
    let feed = |summary: &str| format!("<feed><entry><summary type=\"html\">{summary}</summary></entry></feed>");
    let (_, carried) = tokens(&feed("&lt;p&gt;Words.&lt;/p&gt;"));
    let t = template(&carried);
    let (_, carried) = tokens(&feed("&lt;p onclick=\"x\"&gt;Words.&lt;/p&gt;&lt;script&gt;x&lt;/script&gt;"));
    assert_eq!(refused(&carried, &t).len(), 2, "{carried}");
    let (_, carried) = tokens("<feed><summary type=\"text\">&lt;script&gt;x&lt;/script&gt;</summary></feed>");
    assert!(carried.is_empty(), "text is text: {carried}");
}
