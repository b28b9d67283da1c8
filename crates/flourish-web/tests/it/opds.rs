//! The OPDS catalog and the Atom feeds, validated with jing: feeds against the Atom schema
//! of RFC 4287 (`schemas/atom.rnc`), catalogs against the OPDS 1.2 schema
//! (`schemas/opds.rnc`, which includes Atom's), and checked for what OPDS 1.2 asks of
//! catalogs beyond its schema: self and start links with the catalog types, acquisition
//! links on every work, a search description.

use axum::http::StatusCode;
use flourish_core::SeriesDraft;
use flourish_store::{AccountStore, SeriesStore, SubscriptionStore, TagStore, WorkStore};
use flourish_testkit::{TestApp, fixtures};
use std::path::Path;
use std::process::Command;

/// The two schemas under `tests/it/schemas`.
const ATOM: &str = "atom.rnc";
const OPDS: &str = "opds.rnc";

/// Validates each document with jing against `schema`: `Some((valid, report))`, `None` when
/// jing is missing outside CI.
fn jing(schema: &str, documents: &[(String, String)]) -> Option<(bool, String)> {
    if !Path::new("/usr/bin/jing").exists() {
        assert!(std::env::var("CI").is_err(), "jing is not installed (Debian: jing) and CI=true requires it");
        eprintln!("skipped: jing is not installed (Debian: jing)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, (name, body)) in documents.iter().enumerate() {
        let file = dir.path().join(format!("{i}.xml"));
        std::fs::write(&file, body).unwrap();
        files.push((name.clone(), file));
    }
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/schemas").join(schema);
    let out = Command::new("jing").arg("-c").arg(schema).args(files.iter().map(|(_, f)| f)).output().expect("run jing");
    let report = String::from_utf8_lossy(&out.stdout);
    let named = files.iter().fold(report.to_string(), |r, (name, f)| r.replace(&f.display().to_string(), name));
    Some((out.status.success(), named))
}

/// The `<link …/>` elements of a document, as their attribute text.
fn links(xml: &str) -> Vec<&str> {
    xml.split("<link ").skip(1).map(|l| l.split("/>").next().unwrap_or("")).collect()
}

#[tokio::test]
async fn the_catalog_and_every_feed_are_valid_atom_and_opds() {
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let first = app.store().create_work(&fixtures::work("Mandrakes & Moonlight", &pseud)).await.unwrap();
    let mut second = fixtures::work("The <Greenhouse>", &pseud);
    second.fandoms = vec!["Pride and Prejudice - Jane Austen".into()];
    second.allow_downloads = false;
    app.store().create_work(&second).await.unwrap();
    for name in ["Harry Potter - J. K. Rowling", "Pride and Prejudice - Jane Austen"] {
        let tag = app.store().tag_by_name(name).await.unwrap().unwrap();
        app.store().set_canonical(tag.id, true).await.unwrap();
    }
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
    app.sync_search().await;
    // A reader's private subscriptions feed, with an update in it.
    let (reader, _) = app.store().create_user("feedfollower").await.unwrap();
    app.store().subscribe(reader.id, &flourish_core::NewSubscription::Work(first.0)).await.unwrap();
    app.store().add_chapter(first, &fixtures::chapter("Later", "And then.")).await.unwrap();
    app.deliver_updates().await;
    let secret = app.store().feed_secret(reader.id, "opds-test-feed-secret-0123456789", false).await.unwrap();

    let mut documents = Vec::new();
    for path in [
        "/opds".to_owned(),
        "/opds/recent".to_owned(),
        "/opds/fandoms".to_owned(),
        "/opds/tags/Harry%20Potter%20-%20J.%20K.%20Rowling".to_owned(),
        "/opds/search?q=greenhouse".to_owned(),
        "/tags/Neville%20Longbottom/feed.atom".to_owned(),
        "/users/quillwright/pseuds/quillwright/feed.atom".to_owned(),
        format!("/series/{series}/feed.atom"),
        format!("/works/{first}/feed.atom"),
        format!("/subscriptions/feed/{secret}"),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        documents.push((path, r.body));
    }
    let (catalogs, feeds): (Vec<_>, Vec<_>) = documents.iter().cloned().partition(|(p, _)| p.starts_with("/opds"));
    if let Some((valid, report)) = jing(OPDS, &catalogs) {
        assert!(valid, "jing found errors in the catalog:\n{report}");
        let (valid, report) = jing(ATOM, &feeds).unwrap();
        assert!(valid, "jing found errors in the feeds:\n{report}");
        // The schemas do catch a feed without its required elements…
        let broken = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>x</id></feed>".to_owned();
        for schema in [ATOM, OPDS] {
            let (valid, report) = jing(schema, &[("broken".to_owned(), broken.clone())]).unwrap();
            assert!(!valid && report.contains("missing required element"), "{schema}: {report}");
        }
        // …and the OPDS schema adds its own rules to Atom's: an HTML summary and a purchase
        // without a price are valid Atom but not valid OPDS.
        let recent = &catalogs.iter().find(|(p, _)| p == "/opds/recent").unwrap().1;
        let html_summary = recent.replacen("<summary type=\"text\">", "<summary type=\"html\">", 1);
        let unpriced =
            recent.replacen("http://opds-spec.org/acquisition\"", "http://opds-spec.org/acquisition/buy\"", 1);
        for (name, doc) in [("html summary", html_summary), ("buy without price", unpriced)] {
            assert_ne!(&doc, recent, "{name}: the test changed nothing");
            let doc = vec![(name.to_owned(), doc)];
            assert!(jing(ATOM, &doc).unwrap().0, "{name} is valid Atom");
            let (valid, report) = jing(OPDS, &doc).unwrap();
            assert!(!valid, "{name} is not valid OPDS: {report}");
        }
    }

    let get = |path: &str| documents.iter().find(|(p, _)| p == path).map(|(_, b)| b.as_str()).unwrap();
    // Navigation feeds: typed self and start links, and subsections with catalog types.
    for path in ["/opds", "/opds/fandoms"] {
        let feed = get(path);
        let l = links(feed);
        assert!(l.iter().any(|l| l.contains("rel=\"self\"") && l.contains("kind=navigation")), "{path}: {l:?}");
        assert!(l.iter().any(|l| l.contains("rel=\"start\"") && l.contains("profile=opds-catalog")), "{path}");
        assert!(l.iter().any(|l| l.contains("rel=\"search\"") && l.contains("opensearchdescription+xml")), "{path}");
        assert!(l.iter().filter(|l| l.contains("rel=\"subsection\"")).all(|l| l.contains("profile=opds-catalog")));
    }
    assert!(get("/opds/fandoms").contains("<title>Pride and Prejudice - Jane Austen</title>"));
    // Acquisition feeds: every work has its EPUB to acquire, unless downloads are off.
    let recent = get("/opds/recent");
    assert!(links(recent).iter().any(|l| l.contains("rel=\"self\"") && l.contains("kind=acquisition")));
    let entries: Vec<&str> = recent.split("<entry>").skip(1).collect();
    assert_eq!(entries.len(), 2);
    for entry in &entries {
        let epub = links(entry).into_iter().any(|l| {
            l.contains("rel=\"http://opds-spec.org/acquisition\"") && l.contains("type=\"application/epub+zip\"")
        });
        assert_eq!(epub, entry.contains("Mandrakes"), "acquisition links only where downloads are allowed: {entry}");
    }
    assert!(get("/opds/search?q=greenhouse").contains("The &lt;Greenhouse&gt;"), "escaped, and found");
    // The EPUB link works.
    let href = links(recent)
        .into_iter()
        .find(|l| l.contains("application/epub+zip"))
        .and_then(|l| l.split("href=\"").nth(1))
        .and_then(|h| h.split('"').next())
        .unwrap()
        .trim_start_matches("http://127.0.0.1:8080")
        .to_owned();
    assert_eq!(app.get(&href).await.header("content-type"), Some("application/epub+zip"));
    // The search description points at the search.
    let description = app.get("/opds/search.xml").await;
    assert!(
        description.body.contains("template=\"http://127.0.0.1:8080/opds/search?q={searchTerms}\""),
        "{}",
        description.body
    );
    assert_eq!(app.get("/opds/tags/Nope").await.status, StatusCode::NOT_FOUND);
}
