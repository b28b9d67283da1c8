//! Hits counted from real page views (cached pages too), and the creator's statistics page
//! and CSV: their own alone, filtered by year and fandom.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use flourish_core::Viewer;
use flourish_store::{AccountStore, WorkStore};
use flourish_testkit::{TestApp, fixtures};

const PASSWORD: &str = "mandrakes remember everything";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

async fn guest_view(app: &TestApp, path: &str, user_agent: &str) {
    let request = Request::get(path).header("user-agent", user_agent).body(Body::empty()).unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::OK, "{path}");
}

#[tokio::test]
async fn hits_count_visitors_once_a_day_and_the_stats_page_is_the_creators() {
    let app = TestApp::sqlite().await;
    let writer = app.create_account("statwriter", PASSWORD, false).await;
    let pseud = app.store().pseuds_of(writer.id).await.unwrap().remove(0);
    let mut draft = fixtures::work("Counted Lamps", &pseud);
    draft.chapters.push(fixtures::chapter("Two", "Again."));
    let lamps = app.store().create_work(&draft).await.unwrap();
    let mut other = fixtures::work("Pride Lamps", &pseud);
    other.fandoms = vec!["Pride and Prejudice - Jane Austen".into()];
    let pride = app.store().create_work(&other).await.unwrap();
    let chapters: Vec<i64> =
        app.store().chapter_index(lamps, Viewer::Guest).await.unwrap().iter().map(|c| c.id.0).collect();
    let chapter2 = format!("/works/{lamps}/chapters/{}", chapters[1]);

    // One guest, three views (the later ones from the page cache): one hit, and chapter 2
    // one. A second browser is a second visitor; a robot is none.
    guest_view(&app, &format!("/works/{lamps}"), FIREFOX).await;
    guest_view(&app, &format!("/works/{lamps}"), FIREFOX).await;
    guest_view(&app, &chapter2, FIREFOX).await;
    guest_view(&app, &chapter2, "Mozilla/5.0 (Macintosh) Safari/605").await;
    guest_view(&app, &chapter2, "Mozilla/5.0 (compatible; Googlebot/2.1)").await;
    // The creator's own visits are not hits; a member's are.
    let me = app.login_as("statwriter", PASSWORD).await;
    assert_eq!(me.get(&format!("/works/{lamps}")).await.status, StatusCode::OK);
    let reader = app.logged_in("statreader", PASSWORD).await;
    assert_eq!(reader.get(&format!("/works/{pride}")).await.status, StatusCode::OK);
    app.flush_hits().await;
    let store = app.store();
    let hits = async |w| store.work(w, Viewer::Guest).await.unwrap().unwrap().stats.hits;
    assert_eq!(hits(lamps).await, 2, "two browsers; not the robot, not the creator");
    assert_eq!(hits(pride).await, 1);

    let page = me.get("/users/statwriter/stats").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Counted Lamps") && page.body.contains("Pride Lamps"));
    assert!(page.body.contains("<td>3</td>"), "total hits 3: {}", page.body);
    assert!(page.body.contains("<svg class=\"hits-chart\""), "a chart per work");
    assert!(page.body.contains("<td>2. Two</td><td>2</td>"), "chapter 2's two visitors: {}", page.body);
    let section = page.body.split("<section class=\"stats-page\">").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(!["<script", "onload=", "onclick=", "javascript:"].iter().any(|s| section.contains(s)), "no script");
    let pride_only = me.get("/users/statwriter/stats?fandom=Pride+and+Prejudice+-+Jane+Austen").await;
    assert!(pride_only.body.contains("Pride Lamps") && !pride_only.body.contains("Counted Lamps"));
    let year = time::OffsetDateTime::now_utc().year();
    let this_year = me.get(&format!("/users/statwriter/stats?year={year}")).await;
    assert!(this_year.body.contains("Counted Lamps") && this_year.body.contains("<td>3</td>"));
    let last_year = me.get(&format!("/users/statwriter/stats?year={}", year - 1)).await;
    assert!(!last_year.body.contains("<td>3</td>"), "no hits that year");
    assert_eq!(me.get("/users/statwriter/stats?year=someday").await.status, StatusCode::BAD_REQUEST);

    let csv = me.get("/users/statwriter/stats.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "date,work_id,title,chapter,hits,kudos,comments,bookmarks,subscriptions");
    let today = flourish_web::listing::filters::format_date(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap();
    assert!(lines.contains(&format!("{today},{lamps},Counted Lamps,,2,0,0,0,0").as_str()), "{lines:?}");
    assert!(lines.contains(&format!("{today},{lamps},Counted Lamps,2,2,0,0,0,0").as_str()), "{lines:?}");

    for who in [&reader, &app.browser()] {
        assert_eq!(who.get("/users/statwriter/stats").await.status, StatusCode::NOT_FOUND);
        assert_eq!(who.get("/users/statwriter/stats.csv").await.status, StatusCode::NOT_FOUND);
    }
}
