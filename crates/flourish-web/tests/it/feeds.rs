//! Atom feeds: well-formed XML with what RFC 4287 requires, and only what guests may see.

use axum::http::StatusCode;
use flourish_core::{SeriesDraft, Viewer};
use flourish_store::{SeriesStore, WorkStore};
use flourish_testkit::{TestApp, fixtures};
use quick_xml::Reader;
use quick_xml::events::Event;

/// Element paths of a feed (`feed/entry/title`), in order, and their text; panics on XML
/// that is not well-formed.
pub(crate) fn parse(xml: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    // Indexes in `out` of the open elements, whose text is being read.
    let mut open: Vec<usize> = Vec::new();
    let mut out: Vec<(String, String)> = Vec::new();
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{xml}")) {
            Event::Start(e) => {
                path.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                open.push(out.len());
                out.push((path.join("/"), String::new()));
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                out.push((format!("{}/{name}", path.join("/")), String::new()));
            }
            Event::Text(t) => {
                if let Some(&at) = open.last() {
                    out[at].1.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                let text = match r.decode().unwrap().as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("an entity XML does not define: &{other};"),
                };
                if let Some(&at) = open.last() {
                    out[at].1.push_str(text);
                }
            }
            Event::End(_) => {
                path.pop();
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(path.is_empty(), "every element closed");
    out
}

fn count(doc: &[(String, String)], path: &str) -> usize {
    doc.iter().filter(|(p, _)| p == path).count()
}

/// What RFC 4287 requires of a feed and of each entry.
fn assert_atom(doc: &[(String, String)]) {
    for required in ["feed/id", "feed/title", "feed/updated", "feed/author"] {
        assert_eq!(count(doc, required), 1, "{required}");
    }
    let entries = count(doc, "feed/entry");
    for required in ["feed/entry/id", "feed/entry/title", "feed/entry/updated", "feed/entry/link"] {
        assert!(count(doc, required) >= entries, "{required} in every entry");
    }
}

#[tokio::test]
async fn tag_creator_series_and_work_feeds_list_what_guests_may_read() {
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let mut first = fixtures::work("Mandrakes & Moonlight", &pseud);
    first.chapters.push(fixtures::chapter("Two", "The second chapter."));
    let first = app.store().create_work(&first).await.unwrap();
    let mut hidden = fixtures::work("Members Only", &pseud);
    hidden.restricted = true;
    let hidden = app.store().create_work(&hidden).await.unwrap();
    let series = app
        .store()
        .create_series(&SeriesDraft {
            title: "Greenhouse Tales".into(),
            creators: vec![pseud.id],
            ..Default::default()
        })
        .await
        .unwrap();
    app.store().add_to_series(series, first, None).await.unwrap();
    app.store().add_to_series(series, hidden, None).await.unwrap();
    app.sync_search().await;

    for path in [
        "/tags/Neville%20Longbottom/feed.atom".to_owned(),
        "/users/quillwright/pseuds/quillwright/feed.atom".to_owned(),
        format!("/series/{series}/feed.atom"),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("content-type"), Some("application/atom+xml; charset=utf-8"));
        let doc = parse(&r.body);
        assert_atom(&doc);
        let titles: Vec<&str> = doc.iter().filter(|(p, _)| p == "feed/entry/title").map(|(_, t)| t.as_str()).collect();
        assert_eq!(titles, ["Mandrakes & Moonlight"], "{path}: members-only works stay out");
        assert!(r.body.contains("<category term=\"Neville Longbottom\" label=\"Character\""), "tags as categories");
    }
    let r = app.get(&format!("/works/{first}/feed.atom")).await;
    let doc = parse(&r.body);
    assert_atom(&doc);
    let titles: Vec<&str> = doc.iter().filter(|(p, _)| p == "feed/entry/title").map(|(_, t)| t.as_str()).collect();
    assert_eq!(titles, ["Mandrakes & Moonlight: Chapter 2: Two", "Mandrakes & Moonlight: Chapter 1"]);
    assert_eq!(app.get(&format!("/works/{hidden}/feed.atom")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/tags/No%20Such%20Tag/feed.atom").await.status, StatusCode::NOT_FOUND);
    // Pages point feed readers at their feed.
    let page = app.get("/tags/Neville%20Longbottom/works").await;
    assert!(page.body.contains("<link rel=\"alternate\" type=\"application/atom+xml\""), "{}", page.body);
    assert!(app.store().work(first, Viewer::Guest).await.unwrap().is_some());
}
