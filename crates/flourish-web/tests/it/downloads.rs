//! Downloads through the router: every format, ETags and 304s, members-only works, and the
//! creator's switch.

use axum::http::StatusCode;
use flourish_core::Viewer;
use flourish_store::{WorkEditing, WorkStore};
use flourish_testkit::{TestApp, fixtures};

#[tokio::test]
async fn every_format_downloads_with_its_type_name_and_etag() {
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let mut draft = fixtures::work("The Greenhouse", &pseud);
    draft.chapters.push(fixtures::chapter("Seedlings", "The second chapter's text."));
    let id = app.store().create_work(&draft).await.unwrap();
    let page = app.get(&format!("/works/{id}")).await;
    for (label, ext, content_type) in [
        ("EPUB", "epub", "application/epub+zip"),
        ("HTML", "html", "text/html; charset=utf-8"),
        ("TXT", "txt", "text/plain; charset=utf-8"),
        ("Markdown", "md", "text/markdown; charset=utf-8"),
    ] {
        let path = format!("/downloads/{id}/The_Greenhouse.{ext}");
        assert!(
            page.body.contains(&format!("<a href=\"{path}\" download>{label}</a>")),
            "{label} link on the work page"
        );
        let r = app.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("content-type"), Some(content_type));
        assert_eq!(
            r.header("content-disposition"),
            Some(format!("attachment; filename=\"The_Greenhouse.{ext}\"").as_str())
        );
        let etag = r.header("etag").unwrap().to_owned();
        if ext != "epub" {
            assert!(r.body.contains("The second chapter") && r.body.contains("The Greenhouse"), "{ext}: {}", r.body);
        } else {
            assert!(r.body.starts_with("PK"), "a zip");
        }
        let request =
            axum::http::Request::get(&path).header("if-none-match", &etag).body(axum::body::Body::empty()).unwrap();
        let cached = app.send(request).await;
        assert_eq!(cached.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(cached.body.is_empty());
    }
    // An edit changes the version, so the old ETag no longer matches.
    let before = app.get(&format!("/downloads/{id}/x.txt")).await.header("etag").unwrap().to_owned();
    app.store().add_chapter(id, &fixtures::chapter("Three", "A third.")).await.unwrap();
    let after = app.get(&format!("/downloads/{id}/x.txt")).await;
    assert_ne!(after.header("etag").unwrap(), before);
    assert!(after.body.contains("A third."));
    assert_eq!(app.get(&format!("/downloads/{id}/x.pdf")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/downloads/999/x.epub").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn members_only_and_switched_off_downloads_are_refused() {
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let mut restricted = fixtures::work("Members Only", &pseud);
    restricted.restricted = true;
    let restricted = app.store().create_work(&restricted).await.unwrap();
    assert_eq!(app.get(&format!("/downloads/{restricted}/a.epub")).await.status, StatusCode::NOT_FOUND, "guests");
    let member = app.logged_in("reader", "mandrakes remember everything").await;
    let r = member.get(&format!("/downloads/{restricted}/a.epub")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("cache-control"), Some("private, no-cache"));

    let mut off = fixtures::work("No Downloads", &pseud);
    off.allow_downloads = false;
    let off = app.store().create_work(&off).await.unwrap();
    let r = app.get(&format!("/downloads/{off}/a.epub")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("turned off downloads"), "{}", r.body);
    assert!(!app.get(&format!("/works/{off}")).await.body.contains("/downloads/"), "no links either");
    let mut draft = fixtures::work("On Again", &pseud);
    draft.allow_downloads = true;
    app.store().update_work(off, &draft).await.unwrap();
    assert!(app.store().work(off, Viewer::Guest).await.unwrap().unwrap().allow_downloads);
    assert_eq!(app.get(&format!("/downloads/{off}/a.epub")).await.status, StatusCode::OK);
}
