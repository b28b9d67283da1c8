//! Bookmarks through the API: the token owner's own list, a work's public list, the
//! work's count, privacy in every answer, and bad input refused with nothing written.

use crate::api::{send, token_for};
use axum::http::StatusCode;
use flourish_store::{AccountStore, BookmarkStore, WorkStore};
use flourish_testkit::{TestApp, fixtures};
use serde_json::{Value, json};

const PASSWORD: &str = "mandrakes remember everything";

fn json(r: &flourish_testkit::TestResponse) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

#[tokio::test]
async fn the_api_keeps_bookmarks_and_never_shows_a_private_one() {
    let app = TestApp::sqlite().await;
    let writer = app.create_account("harbourlight", PASSWORD, false).await;
    let pseud = app.store().pseuds_of(writer.id).await.unwrap().remove(0);
    let work = app.store().create_work(&fixtures::work("The Little Lamp", &pseud)).await.unwrap();
    let luna = token_for(&app, "luna").await;
    let neville = token_for(&app, "neville").await;
    let mine = "/api/v1/me/bookmarks";

    let made = send(
        &app,
        "POST",
        mine,
        Some(&luna),
        Some(json!({"work_id": work.0, "notes": "**Twice** over", "notes_format": "markdown", "tags": ["comfort read"], "rec": true})),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let made = json(&made);
    assert_eq!((made["kind"].as_str(), made["rec"].as_bool()), (Some("work"), Some(true)));
    assert!(made["notes"].as_str().unwrap().contains("<strong>Twice</strong>"));
    let twice = send(&app, "POST", mine, Some(&luna), Some(json!({"work_id": work.0}))).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    let secret = send(
        &app,
        "POST",
        mine,
        Some(&neville),
        Some(json!({"work_id": work.0, "notes": "nobody must know", "tags": ["hidden shelf"], "private": true})),
    )
    .await;
    assert_eq!(secret.status, StatusCode::CREATED, "{}", secret.body);
    let secret_id = json(&secret)["id"].as_i64().unwrap();

    // The work counts the public bookmark only; its list shows it to everyone but the
    // private one to its owner alone.
    let work_json = json(&send(&app, "GET", &format!("/api/v1/works/{work}"), None, None).await);
    assert_eq!(work_json["stats"]["bookmarks"].as_u64(), Some(1));
    let on_work = format!("/api/v1/works/{work}/bookmarks");
    for token in [None, Some(&luna)] {
        let listed = send(&app, "GET", &on_work, token.map(String::as_str), None).await;
        assert_eq!(listed.status, StatusCode::OK);
        assert!(!listed.body.contains("nobody must know") && !listed.body.contains("hidden shelf"));
        assert_eq!(json(&listed)["total"].as_u64(), Some(1));
    }
    assert_eq!(json(&send(&app, "GET", &on_work, Some(&neville), None).await)["total"].as_u64(), Some(2));
    // Nor through the tag vocabulary: autocomplete and tag pages know nothing of it.
    app.sync_search().await;
    let suggested = send(&app, "GET", "/api/v1/tags/autocomplete?term=hidden", None, None).await;
    assert!(suggested.status == StatusCode::OK && !suggested.body.contains("hidden shelf"), "{}", suggested.body);
    assert_eq!(send(&app, "GET", "/api/v1/tags/hidden%20shelf", None, None).await.status, StatusCode::NOT_FOUND);
    let by_tag = send(&app, "GET", &format!("{on_work}?tags=hidden%20shelf"), None, None).await;
    assert_eq!(json(&by_tag)["total"].as_u64(), Some(0));
    for (token, status) in [(Some(&luna), StatusCode::NOT_FOUND), (None, StatusCode::UNAUTHORIZED)] {
        let path = format!("{mine}/{secret_id}");
        assert_eq!(send(&app, "GET", &path, token.map(String::as_str), None).await.status, status);
        let edit = send(&app, "PUT", &path, token.map(String::as_str), Some(json!({"notes": "mine now"}))).await;
        assert_eq!(edit.status, status);
        assert_eq!(send(&app, "DELETE", &path, token.map(String::as_str), None).await.status, status);
    }
    let own = json(&send(&app, "GET", mine, Some(&neville), None).await);
    assert_eq!(
        (own["total"].as_u64(), own["bookmarks"][0]["notes"].as_str()),
        (Some(1), Some("<p>nobody must know</p>"))
    );

    // Bad input: a clear error, and nothing written.
    for (body, status) in [
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"work_id": work.0, "series_id": 1}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"work_id": 987654}), StatusCode::NOT_FOUND),
        (
            json!({"external": {"url": "javascript:alert(1)", "title": "x", "creator": "y", "fandoms": ["z"]}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"external": {"url": "https://example.org/a", "title": "x", "creator": "y", "fandoms": []}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!({"work_id": work.0, "notes": "a".repeat(5_001)}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"work_id": work.0, "notes_format": "rtf"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"work_id": work.0, "privat": true}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"work_id": "seven"}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = send(&app, "POST", mine, Some(&neville), Some(body.clone())).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
        assert!(json(&r)["code"].is_string(), "{}", r.body);
    }
    assert_eq!(json(&send(&app, "GET", mine, Some(&neville), None).await)["total"].as_u64(), Some(1));
    let by_words: Value = serde_json::from_str(
        &send(&app, "GET", &format!("{mine}?words_from=1&language=en"), Some(&neville), None).await.body,
    )
    .unwrap();
    assert_eq!(by_words["total"].as_u64(), Some(1));
    for query in ["?page=0", "?page=x", "?kind=poem", "?words_from=-3", "?words_to=many"] {
        let r = send(&app, "GET", &format!("{mine}{query}"), Some(&neville), None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }

    // A work elsewhere; then making the private bookmark public counts it, deleting uncounts.
    let far = send(
        &app,
        "POST",
        mine,
        Some(&neville),
        Some(json!({"external": {"url": "https://example.org/lighthouse", "title": "The Lighthouse", "creator": "seafoam", "fandoms": ["Original Work"]}})),
    )
    .await;
    assert_eq!(far.status, StatusCode::CREATED, "{}", far.body);
    assert_eq!(json(&far)["external"]["title"], "The Lighthouse");
    let listed = json(&send(&app, "GET", &format!("{mine}?kind=external"), Some(&neville), None).await);
    assert_eq!(listed["total"].as_u64(), Some(1));
    let public =
        send(&app, "PUT", &format!("{mine}/{secret_id}"), Some(&neville), Some(json!({"notes": "fine, everyone"})))
            .await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    let work_json = json(&send(&app, "GET", &format!("/api/v1/works/{work}"), None, None).await);
    assert_eq!(work_json["stats"]["bookmarks"].as_u64(), Some(2));
    assert_eq!(
        send(&app, "DELETE", &format!("{mine}/{secret_id}"), Some(&neville), None).await.status,
        StatusCode::NO_CONTENT
    );
    let work_json = json(&send(&app, "GET", &format!("/api/v1/works/{work}"), None, None).await);
    assert_eq!(work_json["stats"]["bookmarks"].as_u64(), Some(1));

    // The OpenAPI document describes them.
    let doc = send(&app, "GET", "/api/v1/openapi.json", None, None).await.body;
    assert!(doc.contains("/api/v1/me/bookmarks/{id}") && doc.contains("/api/v1/works/{id}/bookmarks"));
}

#[tokio::test]
async fn readers_bookmark_from_the_work_page_and_private_ones_stay_theirs() {
    let app = TestApp::sqlite().await;
    let writer = app.create_account("harbourlight", PASSWORD, false).await;
    let pseud = app.store().pseuds_of(writer.id).await.unwrap().remove(0);
    let work = app.store().create_work(&fixtures::work("The Little Lamp", &pseud)).await.unwrap();
    let tide = app.logged_in("tidewatcher", PASSWORD).await;
    let gull = app.logged_in("gullfeather", PASSWORD).await;

    // The box is on the work page for members only.
    let page = tide.get(&format!("/works/{work}")).await;
    assert!(page.body.contains("Bookmark this work") && page.body.contains(&format!("/works/{work}/bookmark\"")));
    let guest = app.get(&format!("/works/{work}")).await;
    assert!(!guest.body.contains("Bookmark this work"));

    let saved = tide
        .post(
            &format!("/works/{work}/bookmark"),
            &[("notes", "<p>Read it twice.</p><script>x()</script>"), ("tags", "comfort read, lamps"), ("rec", "1")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = tide.get(&format!("/works/{work}")).await;
    assert!(
        page.body.contains("Your bookmark") && page.body.contains("comfort read, lamps"),
        "the box shows the bookmark to edit"
    );
    assert!(page.body.contains("1 bookmark</a>"));
    let secret = gull
        .post(
            &format!("/works/{work}/bookmark"),
            &[("notes", "nobody must know"), ("private", "1"), ("tags", "hushed")],
        )
        .await;
    assert_eq!(secret.status, StatusCode::SEE_OTHER, "{}", secret.body);

    // The work's bookmarks (from the search index): the public one for everyone, the
    // private one for its owner, and the sidebar's counts over what each may see.
    app.sync_search().await;
    let listed = app.get(&format!("/works/{work}/bookmarks")).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(listed.body.contains("Read it twice.") && !listed.body.contains("<script>x()"));
    assert!(!listed.body.contains("nobody must know"));
    assert!(listed.body.contains("1 bookmark of The Little Lamp"));
    assert!(tide.get(&format!("/works/{work}/bookmarks")).await.body.contains("1 bookmark of"));
    assert!(gull.get(&format!("/works/{work}/bookmarks")).await.body.contains("nobody must know"));
    assert!(!app.get("/users/gullfeather/bookmarks").await.body.contains("nobody must know"));
    assert!(!tide.get("/users/gullfeather/bookmarks").await.body.contains("nobody must know"));
    let own = gull.get("/users/gullfeather/bookmarks").await;
    assert!(own.body.contains("nobody must know") && own.body.contains("Private"));
    assert!(listed.body.contains(">lamps</a> (1)") && listed.body.contains(">comfort read</a> (1)"), "{}", listed.body);
    assert!(listed.body.contains(">Harry Potter - J. K. Rowling</a> (1)"), "the work's tags, counted");
    assert!(listed.body.contains("<h3>Fandoms</h3>") && listed.body.contains("<h3>Characters</h3>"), "by kind");
    assert!(!listed.body.contains("hushed"), "a private bookmark's tags count nowhere for others");
    assert!(own.body.contains(">hushed</a> (1)"), "its owner sees them");

    // The sidebar filters; an edit through the same box; then deleting.
    let filtered = app.get("/users/tidewatcher/bookmarks?tags=lamps&rec=1").await;
    assert!(filtered.body.contains("1 bookmark by tidewatcher"), "{}", filtered.body);
    // The works' own tags, by name: the fixture work is in Harry Potter.
    let hp = app.get("/users/tidewatcher/bookmarks?work_tags=Harry%20Potter%20-%20J.%20K.%20Rowling").await;
    assert!(hp.body.contains("1 bookmark by tidewatcher"), "{}", hp.body);
    let not_hp = app.get("/users/tidewatcher/bookmarks?exclude_work_tags=Harry%20Potter%20-%20J.%20K.%20Rowling").await;
    assert!(not_hp.body.contains("0 bookmarks by tidewatcher"));
    let english = app.get("/users/tidewatcher/bookmarks?language=en&words_from=1&date_from=2000-01-01").await;
    assert!(english.body.contains("1 bookmark by tidewatcher"), "{}", english.body);
    let future = app.get("/users/tidewatcher/bookmarks?date_from=2999-01-01").await;
    assert!(future.body.contains("0 bookmarks by tidewatcher"));
    let unknown = app.get("/users/tidewatcher/bookmarks?work_tags=No%20Such%20Tag").await;
    assert!(unknown.body.contains("0 bookmarks by tidewatcher"));
    let none = app.get("/users/tidewatcher/bookmarks?exclude_tags=LAMPS").await;
    assert!(none.body.contains("0 bookmarks by tidewatcher") && none.body.contains("match these filters"));
    let edited = tide.post(&format!("/works/{work}/bookmark"), &[("notes", "Read it thrice."), ("tags", "")]).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    let one = app
        .store()
        .bookmark_of_work(app.store().user_by_name("tidewatcher").await.unwrap().unwrap().id, work)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((one.notes.as_str(), one.tags.len(), one.rec), ("<p>Read it thrice.</p>", 0, false));
    let not_mine = gull.post(&format!("/bookmarks/{}/delete", one.id.0), &[]).await;
    assert_eq!(not_mine.status, StatusCode::NOT_FOUND);
    let deleted = tide.post(&format!("/bookmarks/{}/delete", one.id.0), &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    app.sync_search().await;
    assert!(app.get(&format!("/works/{work}/bookmarks")).await.body.contains("0 bookmarks of"));

    // Bad input: too long, a guest, an unknown work.
    let long = "a".repeat(5_001);
    let refused = tide.post(&format!("/works/{work}/bookmark"), &[("notes", long.as_str())]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("at most 5000 characters"), "{}", refused.body);
    assert!(refused.body.contains(&long) && refused.body.contains("Nothing you wrote was lost"), "the notes come back");
    assert!(
        app.store()
            .bookmark_of_work(app.store().user_by_name("tidewatcher").await.unwrap().unwrap().id, work)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(tide.post("/works/987654/bookmark", &[("notes", "x")]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/users/nobody-here/bookmarks").await.status, StatusCode::NOT_FOUND);

    // A series, and a work elsewhere through its own form; a bad address comes back typed.
    let mut draft = fixtures::work("Winter Lights I", &pseud);
    draft.series = Some(flourish_core::SeriesPlacement {
        series: flourish_core::SeriesChoice::New("Winter Lights".into()),
        part: None,
    });
    let first = app.store().create_work(&draft).await.unwrap();
    let series = app.store().work(first, flourish_core::Viewer::Guest).await.unwrap().unwrap().series[0].series_id;
    let page = tide.get(&format!("/series/{}", series.0)).await;
    assert!(page.body.contains("Bookmark this series"), "{}", page.body);
    let kept = tide.post(&format!("/series/{}/bookmark", series.0), &[("tags", "winter")]).await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    assert!(tide.get(&format!("/series/{}", series.0)).await.body.contains("Your bookmark"));
    let form = tide.get("/bookmarks/new").await;
    assert!(form.status == StatusCode::OK && form.body.contains("name=\"url\""));
    assert!(tide.get("/users/tidewatcher/bookmarks").await.body.contains("/bookmarks/new"));
    assert!(!gull.get("/users/tidewatcher/bookmarks").await.body.contains("/bookmarks/new"));
    let external = [
        ("url", "javascript:alert(1)"),
        ("title", "The Lighthouse"),
        ("creator", "seafoam"),
        ("fandoms", "Original Work"),
        ("notes", "a lamp at sea"),
    ];
    let refused = tide.post("/bookmarks", &external).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("http:// or https://")
            && refused.body.contains("The Lighthouse")
            && refused.body.contains("a lamp at sea")
    );
    let mut good = external;
    good[0] = ("url", "https://example.org/lighthouse");
    let kept = tide.post("/bookmarks", &good).await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    app.sync_search().await;
    let listed = app.get("/users/tidewatcher/bookmarks?kind=external").await;
    assert!(
        listed.body.contains("The Lighthouse") && listed.body.contains("rel=\"nofollow ugc noopener\""),
        "{}",
        listed.body
    );
    assert!(app.get("/users/tidewatcher/bookmarks?kind=series").await.body.contains("Winter Lights"));
    let guest = app.browser().post("/bookmarks", &good).await;
    assert_eq!(guest.status, StatusCode::SEE_OTHER, "a guest is sent to log in");
    assert!(guest.header("location").is_some_and(|l| l.contains("login")), "{:?}", guest.header("location"));
    assert_eq!(app.get("/users/tidewatcher/bookmarks?kind=external").await.body.matches("The Lighthouse").count(), 1);
}

/// The bookmark ids a listing page shows, in order.
fn listed_ids(body: &str) -> Vec<i64> {
    body.split("id=\"bookmark_").skip(1).filter_map(|s| s.split('"').next()?.parse().ok()).collect()
}

#[tokio::test]
async fn the_bookmark_index_answers_every_filter_as_the_database_does() {
    use flourish_core::{BookmarkFields, BookmarkTarget, UserId};
    use flourish_store::{BookmarkFilter, BookmarkSort, BookmarkStore};
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "indexwright").await;
    let mut works = Vec::new();
    for i in 0..6 {
        let mut draft = fixtures::work(&format!("Lamp {i}"), &pseud);
        if i % 2 == 1 {
            draft.fandoms = vec!["Pride and Prejudice - Jane Austen".into()];
        }
        draft.chapters[0].content = format!("<p>{}</p>", "word ".repeat(100 * (i + 1)));
        works.push(app.store().create_work(&draft).await.unwrap());
    }
    let reader = app.create_account("indexreader", PASSWORD, false).await.id;
    let other = app.create_account("indexother", PASSWORD, false).await.id;
    let tags = [vec!["Lamps"], vec!["lamps", "cosy"], vec![], vec!["Cosy"], vec!["dark"], vec!["lamps", "dark"]];
    for (i, work) in works.iter().enumerate() {
        for (n, user) in [reader, other].into_iter().enumerate() {
            let fields = BookmarkFields {
                notes: if (i + n) % 3 == 0 { "A note.".into() } else { String::new() },
                tags: tags[(i + n) % tags.len()].iter().map(|t| (*t).to_owned()).collect(),
                private: (i + n) % 4 == 0,
                rec: (i + n) % 2 == 0,
                ..Default::default()
            };
            app.store().create_bookmark(user, &BookmarkTarget::Work(*work), &fields).await.unwrap();
        }
    }
    app.sync_search().await;
    let hp = "Harry Potter - J. K. Rowling";
    let pp = "Pride and Prejudice - Jane Austen";
    let hp_id = flourish_store::TagStore::tag_by_name(app.store(), hp).await.unwrap().unwrap().id.0;
    let pp_id = flourish_store::TagStore::tag_by_name(app.store(), pp).await.unwrap().unwrap().id.0;
    let cases: Vec<(&str, BookmarkFilter)> = vec![
        ("", BookmarkFilter::default()),
        ("tags=lamps", BookmarkFilter { tags: vec!["lamps".into()], ..Default::default() }),
        ("tags=LAMPS,cosy", BookmarkFilter { tags: vec!["LAMPS".into(), "cosy".into()], ..Default::default() }),
        ("exclude_tags=dark", BookmarkFilter { exclude_tags: vec!["dark".into()], ..Default::default() }),
        ("rec=1&with_notes=1", BookmarkFilter { rec_only: true, with_notes: true, ..Default::default() }),
        (
            "work_tags=Pride%20and%20Prejudice%20-%20Jane%20Austen",
            BookmarkFilter { work_tags: vec![pp_id], ..Default::default() },
        ),
        (
            "exclude_work_tags=Harry%20Potter%20-%20J.%20K.%20Rowling&words_from=250",
            BookmarkFilter { exclude_work_tags: vec![hp_id], words_from: Some(250), ..Default::default() },
        ),
        (
            "words_to=350&sort=kudos",
            BookmarkFilter { words_to: Some(350), sort: BookmarkSort::Kudos, ..Default::default() },
        ),
    ];
    for (who, viewer) in [("owner", Some(reader)), ("another member", Some(other)), ("a guest", None::<UserId>)] {
        let browser = match who {
            "owner" => app.login_as("indexreader", PASSWORD).await,
            "another member" => app.login_as("indexother", PASSWORD).await,
            _ => app.browser(),
        };
        for (query, filter) in &cases {
            let expected: Vec<i64> = app
                .store()
                .user_bookmarks(reader, viewer, filter, 1, 20)
                .await
                .unwrap()
                .items
                .iter()
                .map(|b| b.id.0)
                .collect();
            let page = browser.get(&format!("/users/indexreader/bookmarks?{query}")).await;
            let mut got = listed_ids(&page.body);
            let mut want = expected.clone();
            if filter.sort == BookmarkSort::Kudos {
                // Ties (every work has no kudos) may fall in either order.
                got.sort_unstable();
                want.sort_unstable();
            }
            assert_eq!(got, want, "{who}, ?{query}");
            if query.is_empty() {
                // Six bookmarks; two of them private, shown to their owner alone.
                assert_eq!(got.len(), if who == "owner" { 6 } else { 4 }, "{who}");
            }
        }
    }
}

/// The search index is asynchronous, and on a busy machine it can lag the database by more
/// than a page may wait. A reader's own bookmarks page must still show what they just saved
/// (read from the database), while nobody else's view of it changes.
#[tokio::test]
async fn a_readers_own_bookmarks_page_shows_a_new_bookmark_before_the_index_has_it() {
    let app = TestApp::sqlite().await;
    let writer = app.create_account("saltmarsh", PASSWORD, false).await;
    let pseud = app.store().pseuds_of(writer.id).await.unwrap().remove(0);
    let work = app.store().create_work(&fixtures::work("The Tide Clock", &pseud)).await.unwrap();
    let reader = app.logged_in("pebblewise", PASSWORD).await;
    app.sync_search().await;

    // Nothing syncs the index after these: it stays behind for the rest of the test.
    let saved = reader
        .post(&format!("/works/{work}/bookmark"), &[("notes", "kept for the lighthouse bit"), ("private", "1")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let own = reader.get("/users/pebblewise/bookmarks").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("kept for the lighthouse bit"), "the reader sees their own new bookmark: {}", own.body);
    assert!(own.body.contains("The Tide Clock") && own.body.contains("Private"));
    // The private bookmark stays its owner's, whichever way the page was answered.
    assert!(!app.get("/users/pebblewise/bookmarks").await.body.contains("kept for the lighthouse bit"));
    let other = app.logged_in("quayside", PASSWORD).await;
    assert!(!other.get("/users/pebblewise/bookmarks").await.body.contains("kept for the lighthouse bit"));
}
