use axum::http::StatusCode;
use flourish_core::{SeriesDraft, TagKind, WorkId};
use flourish_store::{SeriesStore, TagStore, WorkStore};
use flourish_testkit::{TestApp, fixtures};

async fn app_with_work() -> (TestApp, WorkId) {
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let mut draft = fixtures::work("The Greenhouse", &pseud);
    draft.chapters[0].title = "Mandrakes".into();
    draft.chapters.push(fixtures::chapter("Seedlings", "The second chapter's text."));
    draft.chapters.push(fixtures::chapter("", "The third chapter's text."));
    draft.complete = false;
    draft.expected_chapters = None;
    draft.notes = "<p>Work notes here.</p>".into();
    draft.end_notes = "<p>Thanks for reading!</p>".into();
    let id = app.store().create_work(&draft).await.unwrap();
    (app, id)
}

/// The text of the page with tags removed and whitespace folded, for reading assertions.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_work_page_shows_the_tag_block_stats_and_first_chapter() {
    let (app, id) = app_with_work().await;
    let page = app.get(&format!("/works/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let t = text(&page.body);
    for expected in [
        "Rating: Teen And Up Audiences",
        "Archive Warning: No Archive Warnings Apply",
        "Category: F/M",
        "Fandom: Harry Potter - J. K. Rowling",
        "Relationship: Neville Longbottom/Luna Lovegood",
        "Characters: Neville Longbottom Luna Lovegood",
        "Additional Tags: Post-War Greenhouses",
        "Language: English",
        "Chapters: 3/?",
        "Summary: The mandrakes remember. So does Neville.",
        "Notes: Work notes here.",
        "Chapter 1 : Mandrakes",
        "Neville's Point of View",
    ] {
        assert!(t.contains(expected), "missing {expected:?} in: {t}");
    }
    // The tag block comes before the summary, which comes before the chapter text.
    let (block, summary, text_at) =
        (t.find("Rating:").unwrap(), t.find("Summary:").unwrap(), t.find("I had not set foot").unwrap());
    assert!(block < summary && summary < text_at);
    assert!(!t.contains("second chapter's text"), "only the first chapter");
    assert!(!t.contains("Thanks for reading"), "end notes wait for the last chapter");
    assert!(page.body.contains(r#"<section class="flashback""#));
    assert!(page.body.contains("Next Chapter"));
    assert!(!page.body.contains("Previous Chapter"));
}

#[tokio::test]
async fn chapters_navigate_and_the_entire_work_shows_everything() {
    let (app, id) = app_with_work().await;
    let index = app.store().chapter_index(id, Default::default()).await.unwrap();
    let second = app.get(&format!("/works/{id}/chapters/{}", index[1].id)).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.body.contains("second chapter's text"));
    assert!(second.body.contains(&format!("href=\"/works/{id}/chapters/{}\"", index[0].id)), "previous link");
    assert!(second.body.contains(&format!("href=\"/works/{id}/chapters/{}\"", index[2].id)), "next link");
    assert!(second.body.contains("<title>The Greenhouse - Chapter 2 | Flourish</title>"));

    let last = app.get(&format!("/works/{id}/chapters/{}", index[2].id)).await;
    assert!(text(&last.body).contains("End Notes: Thanks for reading!"));
    assert!(!last.body.contains("Next Chapter"));

    let full = text(&app.get(&format!("/works/{id}?view_full_work=true")).await.body);
    for expected in ["I had not set foot", "second chapter's text", "third chapter's text", "Thanks for reading!"] {
        assert!(full.contains(expected), "{expected}");
    }

    let nav = app.get(&format!("/works/{id}/navigate")).await;
    let t = text(&nav.body);
    assert!(t.contains("1. Mandrakes") && t.contains("2. Seedlings") && t.contains("Chapter 3"), "{t}");
    let jump = app.get(&format!("/works/{id}/navigate?chapter={}", index[2].id)).await;
    assert_eq!(jump.status, StatusCode::SEE_OTHER);
    assert_eq!(jump.header("location"), Some(format!("/works/{id}/chapters/{}", index[2].id).as_str()));
}

#[tokio::test]
async fn unknown_or_malformed_ids_are_styled_404s() {
    let (app, id) = app_with_work().await;
    for path in [
        "/works/999999".to_string(),
        "/works/abc".into(),
        "/works/-1".into(),
        "/works/1%00".into(),
        "/works/99999999999999999999999".into(),
        format!("/works/{id}/chapters/nope"),
        format!("/works/{id}/chapters/424242"),
        "/tags/Nope/works".into(),
        "/series/0".into(),
        "/users/nobody/pseuds/nobody".into(),
        "/no/such/page".into(),
        "/static/../Cargo.toml".into(),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("<h1>404 · Not Found</h1>"), "{path}: {}", page.body);
        assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"), "{path}");
    }
}

#[tokio::test]
async fn restricted_works_are_invisible_to_guests_everywhere() {
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let mut secret = fixtures::work("Members Only Story", &pseud);
    secret.restricted = true;
    secret.freeforms = vec!["Secret Tag".into()];
    let id = app.store().create_work(&secret).await.unwrap();
    let series = app
        .store()
        .create_series(&SeriesDraft { title: "Hidden Series".into(), creators: vec![pseud.id], ..Default::default() })
        .await
        .unwrap();
    app.store().add_to_series(series, id, None).await.unwrap();
    app.sync_search().await;

    assert_eq!(app.get(&format!("/works/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/works/{id}?view_full_work=true")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/works/{id}/navigate")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/series/{series}")).await.status, StatusCode::NOT_FOUND);
    for path in ["/", "/works", "/tags/Secret%20Tag/works", "/users/quillwright/pseuds/quillwright"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("Members Only Story"), "{path} leaks the title");
    }
    let home = text(&app.get("/").await.body);
    assert!(home.contains("0 works") && home.contains("0 fandoms"), "{home}");
}

#[tokio::test]
async fn listings_paginate_at_twenty_and_tolerate_odd_pages() {
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    for n in 0..23 {
        app.store().create_work(&fixtures::work(&format!("Story {n:02}"), &pseud)).await.unwrap();
    }
    app.sync_search().await;
    let first = app.get("/works").await;
    assert_eq!(first.body.matches("class=\"blurb\"").count(), 20);
    assert!(text(&first.body).contains("1 – 20 of 23 Works"));
    let second = app.get("/works?page=2").await;
    assert_eq!(second.body.matches("class=\"blurb\"").count(), 3);
    assert!(second.body.contains("Story 00"), "oldest last");
    for odd in ["/works?page=abc", "/works?page=-3", "/works?page=1&page=2", "/works?page=%ZZ"] {
        let page = app.get(odd).await;
        assert_eq!(page.status, StatusCode::OK, "{odd}");
        assert_eq!(page.body.matches("class=\"blurb\"").count(), 20, "{odd} is page 1");
    }
    let past = app.get("/works?page=99").await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(past.body.matches("class=\"blurb\"").count(), 0);
    assert!(text(&past.body).contains("Nothing on page 99"));
}

#[tokio::test]
async fn tag_pages_include_synonyms_and_escape_special_characters() {
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let mut a = fixtures::work("Canonical Tagged", &pseud);
    a.relationships = vec!["Draco Malfoy/Harry Potter".into()];
    let mut b = fixtures::work("Synonym Tagged", &pseud);
    b.relationships = vec!["Drarry".into()];
    app.store().create_work(&a).await.unwrap();
    app.store().create_work(&b).await.unwrap();
    let canonical = app.store().tag_by_name("Draco Malfoy/Harry Potter").await.unwrap().unwrap();
    let synonym = app.store().tag_by_name("Drarry").await.unwrap().unwrap();
    app.store().set_canonical(canonical.id, true).await.unwrap();
    app.store().make_synonym(synonym.id, canonical.id).await.unwrap();
    app.sync_search().await;
    assert_eq!(canonical.kind, TagKind::Relationship);

    let page = app.get("/tags/Draco%20Malfoy*s*Harry%20Potter/works").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Canonical Tagged") && page.body.contains("Synonym Tagged"));
    assert!(text(&page.body).contains("Also shown here: Drarry"));
    let syn = app.get("/tags/Drarry/works").await;
    assert!(text(&syn.body).contains("a synonym of Draco Malfoy/Harry Potter"));
    assert!(syn.body.contains("Canonical Tagged"));
    let landing = app.get("/tags/Drarry").await;
    assert_eq!(landing.header("location"), Some("/tags/Drarry/works"));
}

#[tokio::test]
async fn pseud_and_series_pages_list_their_works() {
    let (app, id) = app_with_work().await;
    let pseud = app.store().work(id, Default::default()).await.unwrap().unwrap().creators[0].clone();
    let series = app
        .store()
        .create_series(&SeriesDraft { title: "Greenhouse Days".into(), creators: vec![pseud.id], ..Default::default() })
        .await
        .unwrap();
    app.store().add_to_series(series, id, None).await.unwrap();
    let s = text(&app.get(&format!("/series/{series}")).await.body);
    assert!(
        s.contains("Greenhouse Days") && s.contains("The Greenhouse") && s.contains("Part 1 of Greenhouse Days"),
        "{s}"
    );
    let p = app.get("/users/quillwright/pseuds/quillwright").await;
    assert!(text(&p.body).contains("Works by quillwright"));
    assert!(p.body.contains("The Greenhouse"));
    let u = app.get("/users/QuillWright").await;
    assert_eq!(u.header("location"), Some("/users/quillwright/pseuds/quillwright"));
    let work = text(&app.get(&format!("/works/{id}")).await.body);
    assert!(work.contains("Series: Part 1 of Greenhouse Days"), "{work}");
}

#[tokio::test]
async fn every_page_carries_security_headers_and_a_request_id() {
    let (app, id) = app_with_work().await;
    for path in ["/", &format!("/works/{id}"), "/nope", "/static/style.css"] {
        let page = app.get(path).await;
        let csp = page.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert!(page.header("x-request-id").is_some_and(|id| !id.is_empty()), "{path}");
    }
    let home = app.get("/").await.body;
    assert_eq!(
        home.matches("<script").count(),
        home.matches("<script src=\"/static/").count(),
        "no inline script: scripts only improve pages"
    );
}

#[tokio::test]
async fn health_and_assets() {
    let app = TestApp::sqlite().await;
    let health = app.get("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (StatusCode::OK, "ok"));
    let css = app.get("/static/style.css").await;
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.body.contains("prefers-color-scheme: dark"));
    app.store().close().await;
    assert_eq!(app.get("/healthz").await.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_same_pages_render_on_postgres() {
    let Some(app) = TestApp::postgres().await else {
        return;
    };
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let id = app.store().create_work(&fixtures::work("Postgres Story", &pseud)).await.unwrap();
    app.sync_search().await;
    for path in ["/".to_string(), "/works".into(), format!("/works/{id}"), "/tags/Post-War/works".into()] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains("Postgres Story"), "{path}");
    }
}

#[tokio::test]
async fn cached_work_pages_follow_changes_through_the_outbox() {
    let (app, id) = app_with_work().await;
    let path = format!("/works/{id}");
    let before = app.get(&path).await;
    assert!(text(&before.body).contains("Chapters: 3/?"));
    // Served again from the cache: the same page, but each guest's forms carry their own
    // CSRF token (set in their cookie).
    let again = app.get(&path).await;
    let token = |r: &flourish_testkit::TestResponse| {
        let cookie = r.header("set-cookie").expect("a new guest gets a CSRF cookie");
        cookie.split_once('=').unwrap().1.split(';').next().unwrap().to_owned()
    };
    assert_ne!(token(&again), token(&before));
    assert_eq!(again.body.replace(&token(&again), "TOKEN"), before.body.replace(&token(&before), "TOKEN"));
    assert!(again.header("content-security-policy").is_some() && again.header("x-request-id").is_some());
    assert_eq!(again.header("content-type"), Some("text/html; charset=utf-8"));

    app.store().add_chapter(id, &fixtures::chapter("Four", "A fourth chapter.")).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let page = text(&app.get(&path).await.body);
        if page.contains("Chapters: 4/?") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the change never reached the cached page: {page}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn without_the_cache_pages_are_rendered_every_time() {
    let db = flourish_testkit::TestDb::sqlite().await;
    let config = flourish_web::WebConfig { page_cache_bytes: 0, ..Default::default() };
    let app = TestApp::with_config(db, config).await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let id = app.store().create_work(&fixtures::work("Uncached", &pseud)).await.unwrap();
    assert!(app.get(&format!("/works/{id}")).await.body.contains("Uncached"));
    app.store().add_chapter(id, &fixtures::chapter("Two", "Second.")).await.unwrap();
    assert!(text(&app.get(&format!("/works/{id}")).await.body).contains("Chapters: 2/2"));
}

#[tokio::test]
async fn an_internal_failure_is_a_styled_500_that_reveals_nothing() {
    let app = TestApp::sqlite().await;
    app.store().close().await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.body.contains("<h1>500 · Internal Server Error</h1>"), "{}", page.body);
    assert!(page.body.contains("Something went wrong on our side"));
    let lower = page.body.to_lowercase();
    assert!(!lower.contains("pool") && !lower.contains("sqlx") && !lower.contains("closed"), "{}", page.body);
}
