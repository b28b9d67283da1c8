//! My data: the whole library out as JSON (and bookmarks as CSV), and read back into
//! another account here, and into another archive, reproducing it; bad files refused.

use axum::http::StatusCode;
use flourish_core::{
    BookmarkFields, BookmarkTarget, DigestEvery, ExternalWork, FilterProfile, NewSubscription, ReadingPreferences,
};
use flourish_store::{
    AccountStore, BookmarkFilter, BookmarkStore, FilterStore, ReadingStore, SubscriptionStore, WorkStore,
};
use flourish_testkit::{TestApp, fixtures};
use serde_json::Value;

const PASSWORD: &str = "mandrakes remember everything";

#[tokio::test]
async fn a_library_goes_out_and_comes_back_whole() {
    let app = TestApp::sqlite().await;
    let writer = app.create_account("harbourlight", PASSWORD, false).await;
    let pseud = app.store().pseuds_of(writer.id).await.unwrap().remove(0);
    let lamp = app.store().create_work(&fixtures::work("The Little Lamp", &pseud)).await.unwrap();
    let tide = app.logged_in("tidewatcher", PASSWORD).await;
    let me = app.store().user_by_name("tidewatcher").await.unwrap().unwrap().id;
    let fields = |notes: &str, private: bool| BookmarkFields {
        notes: notes.into(),
        tags: vec!["comfort read".into()],
        private,
        rec: !private,
        ..Default::default()
    };
    app.store().create_bookmark(me, &BookmarkTarget::Work(lamp), &fields("Every winter.", false)).await.unwrap();
    let far = ExternalWork {
        url: "https://example.org/lighthouse".into(),
        title: "The Lighthouse".into(),
        creator: "seafoam".into(),
        fandoms: vec!["Original Work".into()],
        ..Default::default()
    };
    app.store().create_bookmark(me, &BookmarkTarget::External(far), &fields("secret, \"quoted\"", true)).await.unwrap();
    app.store().mark_for_later(me, lamp, true).await.unwrap();
    let profile = FilterProfile {
        name: "No lamps".into(),
        is_default: true,
        exclude_creators: vec!["harbourlight".into()],
        ..Default::default()
    };
    app.store().save_filter_profile(me, None, &profile).await.unwrap();
    let prefs = ReadingPreferences { theme: "dark".into(), whole_work: true, ..Default::default() };
    app.store().set_reading_preferences(me, &prefs).await.unwrap();
    for new in [
        NewSubscription::Work(lamp.0),
        NewSubscription::Creator(writer.id.0),
        NewSubscription::Search { query: "other_tags=Greenhouses".into(), name: "Glass".into() },
    ] {
        app.store().subscribe(me, &new).await.unwrap();
    }
    app.store().set_digest_every(me, DigestEvery::Weekly).await.unwrap();
    tide.get(&format!("/works/{lamp}")).await;
    app.flush_visits().await;

    let out = tide.get("/account/data.json").await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(out.header("content-disposition").is_some_and(|d| d.contains("tidewatcher-library.json")));
    let file: Value = serde_json::from_str(&out.body).unwrap();
    assert_eq!((file["format"].as_str(), file["bookmarks"].as_array().unwrap().len()), (Some("flourish-library"), 2));
    assert_eq!(file["history"][0]["work"]["title"], "The Little Lamp");
    assert_eq!(file["later"][0]["work_id"].as_i64(), Some(lamp.0));
    assert_eq!(file["filters"][0]["exclude_creators"][0], "harbourlight");
    assert_eq!(file["preferences"]["theme"], "dark");
    assert_eq!(file["subscriptions"].as_array().unwrap().len(), 3);
    assert_eq!(file["digest_every"], "weekly");
    let csv = tide.get("/account/bookmarks.csv").await;
    assert!(csv.body.starts_with("type,title,creators,fandoms,url,notes,tags,private,rec,bookmarked"));
    assert!(
        csv.body.contains("work,The Little Lamp,harbourlight,") && csv.body.contains("\"secret, \"\"quoted\"\"\""),
        "{}",
        csv.body
    );
    assert_eq!(app.get("/account/data.json").await.status, StatusCode::SEE_OTHER, "a guest is sent to log in");

    // Read back into another account on the same archive: the same library.
    let gull = app.logged_in("gullfeather", PASSWORD).await;
    let read = gull.upload("/account/data/import", "library.json", out.body.as_bytes()).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert!(
        read.body.contains("2 bookmarks added, 0 already here; 1 marked for later; 1 filter profile added"),
        "{}",
        read.body
    );
    let them = app.store().user_by_name("gullfeather").await.unwrap().unwrap().id;
    let kept = app.store().user_bookmarks(them, Some(them), &BookmarkFilter::default(), 1, 10).await.unwrap();
    let mine = app.store().user_bookmarks(me, Some(me), &BookmarkFilter::default(), 1, 10).await.unwrap();
    let shape = |b: &flourish_core::Bookmark| {
        (b.target.clone(), b.notes.clone(), b.tags.clone(), b.private, b.rec, b.created_at)
    };
    assert_eq!(kept.items.iter().map(shape).collect::<Vec<_>>(), mine.items.iter().map(shape).collect::<Vec<_>>());
    assert_eq!(app.store().filter_profiles(them).await.unwrap()[0].exclude_creators, ["harbourlight"]);
    assert_eq!(app.store().reading_preferences(them).await.unwrap(), prefs);
    assert!(app.store().is_marked_for_later(them, lamp).await.unwrap());
    let store = app.store();
    let followed = async |user| {
        let mut names: Vec<String> = store.subscriptions(user).await.unwrap().into_iter().map(|s| s.name).collect();
        names.sort();
        names
    };
    assert_eq!(followed(them).await, followed(me).await);
    assert_eq!(followed(them).await, ["Glass", "The Little Lamp", "harbourlight"]);
    assert_eq!(app.store().digest_every(them).await.unwrap(), DigestEvery::Weekly);
    // Again: nothing doubles.
    let again = gull.upload("/account/data/import", "library.json", out.body.as_bytes()).await;
    assert!(again.body.contains("0 bookmarks added, 2 already here"), "{}", again.body);

    // Into another archive: the work becomes a bookmark of a work elsewhere.
    let other = TestApp::sqlite().await;
    let reader = other.logged_in("tidewatcher", PASSWORD).await;
    let moved = file.to_string().replace(&file["archive"].as_str().unwrap().to_owned(), "https://old.archive.example/");
    let read = reader.upload("/account/data/import", "library.json", moved.as_bytes()).await;
    assert!(read.body.contains("2 bookmarks added") && read.body.contains("works elsewhere"), "{}", read.body);
    let there = other.store().user_by_name("tidewatcher").await.unwrap().unwrap().id;
    let kept = other.store().user_bookmarks(there, Some(there), &BookmarkFilter::default(), 1, 10).await.unwrap();
    assert!(kept.items.iter().all(|b| matches!(b.target, BookmarkTarget::External(_))));
    assert!(
        kept.items.iter().any(|b| matches!(&b.target, BookmarkTarget::External(e) if e.title == "The Little Lamp"))
    );
    assert!(read.body.contains("Skipped filter profile"), "harbourlight is not an account there: {}", read.body);
    // A saved search travels; a work and an account followed there stay there.
    let there_follows: Vec<String> =
        other.store().subscriptions(there).await.unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(there_follows, ["Glass"]);
    assert!(
        read.body.contains("“harbourlight” is followed on https://old.archive.example/, not here."),
        "{}",
        read.body
    );

    // Files that are not ours: a clear 422, nothing read.
    for (name, bytes) in [
        ("empty.json", &b""[..]),
        ("works.json", &br#"{"format": "flourish-archive", "version": 1}"#[..]),
        ("broken.json", &b"{ not json"[..]),
        (
            "future.json",
            &br#"{"format": "flourish-library", "version": 99, "archive": "x", "username": "x", "exported_at": 0}"#[..],
        ),
    ] {
        let r = reader.upload("/account/data/import", name, bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.body);
    }
    assert_eq!(
        other.store().user_bookmarks(there, Some(there), &BookmarkFilter::default(), 1, 10).await.unwrap().total,
        2
    );
}
