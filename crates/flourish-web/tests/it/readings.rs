//! Reading history, places in chapters, Continue Reading and Marked for Later through the
//! pages: every page its reader's alone, bad beacons refused.

use axum::http::StatusCode;
use flourish_core::{Viewer, WorkId};
use flourish_store::{AccountStore, WorkStore};
use flourish_testkit::{TestApp, fixtures};

const PASSWORD: &str = "mandrakes remember everything";

async fn three_chapters(app: &TestApp) -> (WorkId, Vec<i64>) {
    let writer = app.create_account("harbourlight", PASSWORD, false).await;
    let pseud = app.store().pseuds_of(writer.id).await.unwrap().remove(0);
    let mut draft = fixtures::work("The Little Lamp", &pseud);
    draft.chapters.push(fixtures::chapter("Two", "<p>One.</p><p>Two.</p><p>Three.</p><p>Four.</p><p>Five.</p>"));
    draft.chapters.push(fixtures::chapter("Three", "<p>The end.</p>"));
    draft.complete = false;
    draft.expected_chapters = None;
    let work = app.store().create_work(&draft).await.unwrap();
    let ids = app.store().chapter_index(work, Viewer::Guest).await.unwrap().iter().map(|c| c.id.0).collect();
    (work, ids)
}

#[tokio::test]
async fn a_readers_history_place_and_later_list_are_theirs_alone() {
    let app = TestApp::sqlite().await;
    let (work, chapters) = three_chapters(&app).await;
    let tide = app.logged_in("tidewatcher", PASSWORD).await;
    let gull = app.logged_in("gullfeather", PASSWORD).await;
    let chapter = |i: usize| format!("/works/{work}/chapters/{}", chapters[i]);

    // Reading chapters 1 and 2 is kept, by chapter, within a second (here: at once).
    assert_eq!(tide.get(&chapter(0)).await.status, StatusCode::OK);
    let page = tide.get(&chapter(1)).await;
    assert!(page.body.contains("data-position-url") && page.body.contains("Mark for Later"));
    assert!(!app.get(&chapter(1)).await.body.contains("data-position-url"), "guests have no reading box");
    app.flush_visits().await;
    let history = tide.get("/users/tidewatcher/readings").await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("The Little Lamp") && history.body.contains("visited 2 times"), "{}", history.body);
    assert!(history.body.contains("Chapter 2 of 3"));
    for (who, status) in [(&gull, StatusCode::NOT_FOUND), (&app.browser(), StatusCode::NOT_FOUND)] {
        let r = who.get("/users/tidewatcher/readings").await;
        assert_eq!(r.status, status);
        assert!(!r.body.contains("The Little Lamp"));
    }
    // Listings mark what the reader has read, for the reader alone.
    app.sync_search().await;
    assert!(tide.get("/works").await.body.contains("<p class=\"reading-mark\">Read to chapter 2 of 3</p>"));
    assert!(!gull.get("/works").await.body.contains("reading-mark"));
    assert!(!app.get("/works").await.body.contains("reading-mark"));
    // Chapter 2 read to its end: Continue Reading offers chapter 3.
    let home = tide.get("/").await;
    assert!(home.body.contains("Continue reading") && home.body.contains(&chapter(2)), "{}", home.body);
    assert!(!gull.get("/").await.body.contains("Continue reading"));

    // The paragraph in view, from the page's script; then the page offers to go back.
    let beacon = format!("{}/position", chapter(1));
    assert_eq!(tide.post(&beacon, &[("paragraph", "3")]).await.status, StatusCode::NO_CONTENT);
    let back = tide.get(&chapter(1)).await;
    assert!(back.body.contains("data-resume-paragraph=\"3\"") && back.body.contains("Jump to where you stopped"));
    let elsewhere = tide.get(&chapter(0)).await;
    assert!(elsewhere.body.contains("You stopped in") && elsewhere.body.contains(&format!("{}#resume", chapter(1))));
    assert!(tide.get("/").await.body.contains(&format!("{}#resume", chapter(1))));
    // Bad beacons: another work's chapter, nonsense, a guest.
    let other = app
        .store()
        .create_work(&fixtures::work(
            "Elsewhere",
            &app.store().pseuds_of(app.store().user_by_name("harbourlight").await.unwrap().unwrap().id).await.unwrap()
                [0],
        ))
        .await
        .unwrap();
    let foreign = format!("/works/{other}/chapters/{}/position", chapters[0]);
    assert_eq!(tide.post(&foreign, &[("paragraph", "1")]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(tide.post(&beacon, &[("paragraph", "-1")]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(tide.post(&beacon, &[("paragraph", "many")]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.browser().post(&beacon, &[("paragraph", "1")]).await.status, StatusCode::SEE_OTHER);
    assert!(!gull.get(&chapter(1)).await.body.contains("data-resume-paragraph"), "a place is its reader's");

    // A new chapter: the listing says so.
    app.store().add_chapter(work, &fixtures::chapter("Four", "<p>Spring.</p>")).await.unwrap();
    // Views from before the chapter, written after it, still compare with what they saw.
    app.flush_visits().await;
    app.sync_search().await;
    assert!(tide.get("/works").await.body.contains("1 new chapter since you read"));
    // Marked for Later, on and off, apart from the history.
    let later = format!("/works/{work}/later");
    assert_eq!(tide.post(&later, &[("marked", "1")]).await.status, StatusCode::SEE_OTHER);
    assert!(tide.get(&chapter(0)).await.body.contains("Marked for Later ✓"));
    assert!(tide.get("/users/tidewatcher/readings?show=later").await.body.contains("The Little Lamp"));
    assert_eq!(gull.get("/users/tidewatcher/readings?show=later").await.status, StatusCode::NOT_FOUND);
    assert_eq!(tide.post("/works/987654/later", &[("marked", "1")]).await.status, StatusCode::NOT_FOUND);

    // Clearing the history, and switching it off.
    assert_eq!(tide.post("/readings/clear", &[]).await.status, StatusCode::SEE_OTHER);
    assert!(tide.get("/users/tidewatcher/readings").await.body.contains("Your history is empty"));
    assert!(tide.get("/users/tidewatcher/readings?show=later").await.body.contains("The Little Lamp"), "later stays");
    assert_eq!(tide.post("/readings/settings", &[("keep_position", "1")]).await.status, StatusCode::SEE_OTHER);
    tide.get(&chapter(0)).await;
    app.flush_visits().await;
    let off = tide.get("/users/tidewatcher/readings").await;
    assert!(off.body.contains("switched off") && off.body.contains("Your history is empty"), "{}", off.body);
    assert!(!tide.get(&chapter(0)).await.body.contains("data-position-url"), "no script beacon when history is off");
}

#[tokio::test]
async fn the_api_reads_ones_own_history_and_later_list_only() {
    use crate::api::{send, token_for};
    let app = TestApp::sqlite().await;
    let (work, chapters) = three_chapters(&app).await;
    let luna = token_for(&app, "luna").await;
    let neville = token_for(&app, "neville").await;
    let reader = app.login_as("luna", PASSWORD).await;
    reader.get(&format!("/works/{work}/chapters/{}", chapters[1])).await;
    app.flush_visits().await;

    let mine = send(&app, "GET", "/api/v1/me/history", Some(&luna), None).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let mine: serde_json::Value = serde_json::from_str(&mine.body).unwrap();
    assert_eq!(mine["total"], 1);
    assert_eq!(
        (mine["history"][0]["work_id"].as_i64(), mine["history"][0]["chapter_position"].as_u64()),
        (Some(work.0), Some(2))
    );
    let theirs: serde_json::Value =
        serde_json::from_str(&send(&app, "GET", "/api/v1/me/history", Some(&neville), None).await.body).unwrap();
    assert_eq!(theirs["total"], 0, "a token sees its own history only");
    assert_eq!(send(&app, "GET", "/api/v1/me/history", None, None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        send(&app, "GET", "/api/v1/me/history?page=0", Some(&luna), None).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let later = format!("/api/v1/me/later/{work}");
    assert_eq!(send(&app, "PUT", &later, Some(&luna), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(send(&app, "PUT", "/api/v1/me/later/987654", Some(&luna), None).await.status, StatusCode::NOT_FOUND);
    let list: serde_json::Value =
        serde_json::from_str(&send(&app, "GET", "/api/v1/me/later", Some(&luna), None).await.body).unwrap();
    assert_eq!(list["work_ids"], serde_json::json!([work.0]));
    assert_eq!(send(&app, "DELETE", &later, Some(&luna), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        send(&app, "DELETE", &format!("/api/v1/me/history/{work}"), Some(&luna), None).await.status,
        StatusCode::NO_CONTENT
    );
    let after: serde_json::Value =
        serde_json::from_str(&send(&app, "GET", "/api/v1/me/history", Some(&luna), None).await.body).unwrap();
    assert_eq!(after["total"], 0);
}

#[tokio::test]
async fn reading_preferences_shape_the_pages_of_the_reader_who_chose_them() {
    let app = TestApp::sqlite().await;
    let (work, _) = three_chapters(&app).await;
    let tide = app.logged_in("tidewatcher", PASSWORD).await;
    let first = tide.get(&format!("/works/{work}")).await.body;
    assert!(!first.contains("Chapter 3</a>"), "one chapter");
    assert!(first.contains("<body class=\"font-serif size-medium spacing-normal theme-system\">"), "the default look");

    let saved = tide
        .post(
            "/account/preferences",
            &[
                ("whole_work", "1"),
                ("hide_warnings", "1"),
                ("font_size", "larger"),
                ("line_spacing", "loose"),
                ("font", "sans"),
                ("theme", "dark"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = tide.get(&format!("/works/{work}")).await.body;
    assert!(page.contains("Chapter 3</a>"), "the whole work");
    assert!(page.contains("<body class=\"font-sans size-larger spacing-loose theme-dark\">"));
    assert!(page.contains("<summary>Show archive warning"), "warnings folded: {page}");
    let one = tide.get(&format!("/works/{work}?view_full_work=false")).await.body;
    assert!(!one.contains("Chapter 3</a>"), "a link may still ask for one chapter");
    // Someone else's pages, and a guest's, are untouched.
    let guest = app.get(&format!("/works/{work}")).await.body;
    assert!(!guest.contains("theme-dark") && !guest.contains("<summary>Show archive"));

    let refused = tide.post("/account/preferences", &[("font_size", "enormous"), ("theme", "dark")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Choose one of the choices offered"));
    assert!(tide.get("/").await.body.contains("size-larger"), "nothing changed");
}

#[tokio::test]
async fn a_members_time_zone_shows_times_in_it_and_only_for_them() {
    let app = TestApp::sqlite().await;
    let (work, _) = three_chapters(&app).await;
    let tide = app.logged_in("tidewatcher", PASSWORD).await;
    let posted = tide.post(&format!("/works/{work}/comments"), &[("content", "The lamp!")]).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let chapter = posted.header("location").unwrap().split('#').next().unwrap().to_owned();
    let utc = tide.get(&chapter).await.body;
    assert!(utc.contains(" UTC</"), "UTC until chosen: {utc}");

    let form = |zone: &'static str| {
        [
            ("font_size", "medium"),
            ("line_spacing", "normal"),
            ("font", "serif"),
            ("theme", "system"),
            ("time_zone", zone),
        ]
    };
    let refused = tide.post("/account/preferences", &form("Atlantis/Sunken_City")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Choose a time zone from the list"));
    let page = tide.get("/account/preferences").await.body;
    assert!(page.contains("<option>Asia/Tokyo</option>") && page.contains("<option selected>UTC</option>"));
    assert_eq!(tide.post("/account/preferences", &form("Asia/Tokyo")).await.status, StatusCode::SEE_OTHER);
    let tokyo = tide.get(&chapter).await.body;
    assert!(tokyo.contains(" JST</"), "the comment's time in Tokyo: {tokyo}");
    // Nine hours on from UTC, the same comment.
    let time_of = |page: &str, zone: &str| {
        let end = page.find(&format!(" {zone}</")).unwrap();
        page[end - 5..end].to_owned()
    };
    let (h_utc, h_jst) = (time_of(&utc, "UTC"), time_of(&tokyo, "JST"));
    let hours = |hm: &str| hm[..2].parse::<i32>().unwrap();
    assert_eq!((hours(&h_utc) + 9) % 24, hours(&h_jst), "{h_utc} UTC is {h_jst} JST");
    // A guest (and the cache guests read from) still sees UTC.
    assert!(app.get(&chapter).await.body.contains(" UTC</"));
}
