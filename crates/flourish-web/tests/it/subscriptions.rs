//! Subscriptions through the pages, the private feed and the API: buttons that follow and
//! unfollow, updates in the inbox, a saved search's round, a feed that shows only what a
//! guest may see and can be revoked, and every page the owner's alone.

use crate::api::{send, token_for};
use axum::http::StatusCode;
use flourish_core::WorkId;
use flourish_store::{AccountStore, WorkEditing, WorkStore};
use flourish_testkit::{TestApp, fixtures};
use serde_json::json;

const PASSWORD: &str = "mandrakes remember everything";

async fn writer_work(app: &TestApp, title: &str, restricted: bool) -> (WorkId, flourish_core::Pseud) {
    let writer = match app.store().user_by_name("lanternwright").await.unwrap() {
        Some(u) => u.id,
        None => app.create_account("lanternwright", PASSWORD, false).await.id,
    };
    let pseud = app.store().pseuds_of(writer).await.unwrap().remove(0);
    let mut draft = fixtures::work(title, &pseud);
    draft.complete = false;
    draft.expected_chapters = None;
    draft.restricted = restricted;
    (app.store().create_work(&draft).await.unwrap(), pseud)
}

fn feed_path(page: &str) -> String {
    let at = page.find("/subscriptions/feed/").expect("the feed address on the page");
    let end = page[at..].find('"').unwrap();
    page[at..at + end].to_owned()
}

#[tokio::test]
async fn followers_hear_of_updates_and_the_feed_is_a_guest_view() {
    let app = TestApp::sqlite().await;
    let (lamp, pseud) = writer_work(&app, "The Lamp Keeper", false).await;
    let (members, _) = writer_work(&app, "The Members Lamp", true).await;
    let reader = app.logged_in("wickreader", PASSWORD).await;
    let other = app.logged_in("gullfeather", PASSWORD).await;

    // The work page offers Subscribe; pressing it follows, and the page says so.
    let page = reader.get(&format!("/works/{lamp}")).await;
    assert!(page.body.contains("<button type=\"submit\">Subscribe</button>"), "{}", page.body);
    assert!(!app.get(&format!("/works/{lamp}")).await.body.contains("name=\"kind\" value=\"work\""), "not for guests");
    let target = lamp.to_string();
    let members_target = members.to_string();
    for (kind, id) in [("work", target.as_str()), ("work", members_target.as_str())] {
        let r = reader.post("/subscriptions", &[("kind", kind), ("target", id), ("return_to", "/works")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // Pressed twice: still one subscription, no error.
    let again = reader.post("/subscriptions", &[("kind", "work"), ("target", &target)]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(reader.get(&format!("/works/{lamp}")).await.body.contains("Unsubscribe"));
    // A creator from their page, a tag from its page, and a saved search.
    let creator_page = reader.get(&pseud.path()).await;
    assert!(creator_page.body.contains("name=\"kind\" value=\"creator\""), "{}", creator_page.body);
    let r = reader.post("/subscriptions", &[("kind", "creator"), ("username", "lanternwright")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = reader
        .post("/subscriptions", &[("kind", "search"), ("query", "other_tags=Greenhouses"), ("name", "Glass")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("location").unwrap().ends_with("/users/wickreader/subscriptions?notice=saved"));
    app.sync_search().await;
    let listing = reader.get("/works?other_tags=Greenhouses").await;
    assert!(listing.body.contains("Save this search"), "a filtered listing offers it");
    assert!(!reader.get("/works").await.body.contains("Save this search"), "an unfiltered one does not");

    let mine = reader.get("/users/wickreader/subscriptions").await;
    assert_eq!(mine.status, StatusCode::OK);
    for expected in ["The Lamp Keeper", "The Members Lamp", "lanternwright", "Glass", "Saved searches"] {
        assert!(mine.body.contains(expected), "{expected}: {}", mine.body);
    }
    for who in [&other, &app.browser()] {
        let r = who.get("/users/wickreader/subscriptions").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "someone else's subscriptions do not exist");
        assert!(!r.body.contains("The Lamp Keeper"));
    }

    // Bad input: an unknown kind, a work that is not there, an empty search, a hidden work.
    assert_eq!(
        reader.post("/subscriptions", &[("kind", "planet"), ("target", "1")]).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        reader.post("/subscriptions", &[("kind", "work"), ("target", "987654")]).await.status,
        StatusCode::NOT_FOUND
    );
    let empty = reader.post("/subscriptions", &[("kind", "search"), ("query", "page=2")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.body);
    let (hidden, _) = writer_work(&app, "A Hidden Lamp", false).await;
    app.store().set_hidden(hidden, true).await.unwrap();
    let r = other.post("/subscriptions", &[("kind", "work"), ("target", &hidden.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "a hidden work cannot be followed: {}", r.body);

    // New chapters reach the inbox once, through the work and the creator alike. (A second
    // on: a saved search hears of what is updated after the second it was saved in.)
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    for work in [lamp, members] {
        app.store().add_chapter(work, &fixtures::chapter("The Wick", "It caught.")).await.unwrap();
    }
    app.deliver_updates().await;
    let inbox = reader.get("/inbox").await;
    assert_eq!(inbox.body.matches("New chapter of The Lamp Keeper").count(), 1, "{}", inbox.body);
    assert_eq!(inbox.body.matches("New chapter of The Members Lamp").count(), 1);
    assert!(!other.get("/inbox").await.body.contains("New chapter of"), "not a follower");

    // The saved search's round finds the updated work (it carries the Greenhouses tag).
    app.sync_search().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert_eq!(app.check_saved_searches(now + 1).await, 1);
    assert_eq!(app.check_saved_searches(now + 1).await, 0, "checked once per round");
    let inbox = reader.get("/inbox").await;
    assert!(inbox.body.contains("new or updated works match “Glass”"), "{}", inbox.body);

    // The feed: readable without logging in, the members-only work left out.
    let feed_url = feed_path(&reader.get("/users/wickreader/subscriptions").await.body);
    let feed = app.get(&feed_url).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.header("content-type").unwrap().starts_with("application/atom+xml"));
    assert!(feed.body.contains("New chapter of The Lamp Keeper"), "{}", feed.body);
    assert!(!feed.body.contains("Members Lamp"), "a guest view: {}", feed.body);
    // The search found both works; its entry neither names nor counts them (one is
    // members-only), while the inbox does.
    assert!(feed.body.contains("New or updated works in a tag or search you follow"), "{}", feed.body);
    assert!(!feed.body.contains("2 new or updated"), "not even how many: one of the two is members-only");
    let entries = crate::feeds::parse(&feed.body);
    assert_eq!(entries.iter().filter(|(path, _)| path == "feed/entry/title").count(), 2, "{entries:?}");
    // A new address revokes the old one.
    assert_eq!(reader.post("/account/subscriptions/feed", &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&feed_url).await.status, StatusCode::NOT_FOUND);
    let renewed = feed_path(&reader.get("/users/wickreader/subscriptions").await.body);
    assert_ne!(renewed, feed_url);
    assert_eq!(app.get(&renewed).await.status, StatusCode::OK);
    assert_eq!(app.get("/subscriptions/feed/not-a-secret").await.status, StatusCode::NOT_FOUND);

    // The digest choice.
    let r = reader.post("/account/subscriptions/digest", &[("every", "weekly")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(reader.get("/users/wickreader/subscriptions").await.body.contains("value=\"weekly\" checked"));
    assert_eq!(
        reader.post("/account/subscriptions/digest", &[("every", "hourly")]).await.status,
        StatusCode::BAD_REQUEST
    );

    // Unsubscribing from the work page; another reader cannot unsubscribe me.
    let page = reader.get(&format!("/works/{lamp}")).await;
    let at = page.body.find("/subscriptions/").unwrap();
    let action = &page.body[at..at + page.body[at..].find('"').unwrap()];
    assert_eq!(other.post(action, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(reader.post(action, &[]).await.status, StatusCode::SEE_OTHER);
    assert!(reader.get(&format!("/works/{lamp}")).await.body.contains("<button type=\"submit\">Subscribe</button>"));
}

#[tokio::test]
async fn the_api_lists_creates_and_deletes_a_tokens_own_subscriptions() {
    let app = TestApp::sqlite().await;
    let (lamp, _) = writer_work(&app, "The Lamp Keeper", false).await;
    let token = token_for(&app, "apireader").await;
    let other = token_for(&app, "apiother").await;
    let r = send(&app, "POST", "/api/v1/me/subscriptions", Some(&token), Some(json!({ "work_id": lamp.0 }))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let made: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!((made["kind"].as_str(), made["name"].as_str()), (Some("work"), Some("The Lamp Keeper")));
    let again = send(&app, "POST", "/api/v1/me/subscriptions", Some(&token), Some(json!({ "work_id": lamp.0 }))).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let tag = send(&app, "POST", "/api/v1/me/subscriptions", Some(&token), Some(json!({ "tag": "Greenhouses" }))).await;
    assert_eq!(tag.status, StatusCode::CREATED, "{}", tag.body);
    let search = json!({ "search": "other_tags=Greenhouses&words_from=10", "name": "Long glass" });
    let r = send(&app, "POST", "/api/v1/me/subscriptions", Some(&token), Some(search)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for (body, status) in [
        (json!({ "work_id": lamp.0, "tag": "Greenhouses" }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "search": "sort=sideways" }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "tag": "No Such Tag Anywhere" }), StatusCode::NOT_FOUND),
        (json!({ "creator": "apireader" }), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({ "work_id": lamp.0, "extra": 1 }), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = send(&app, "POST", "/api/v1/me/subscriptions", Some(&token), Some(body.clone())).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
    }
    let list = send(&app, "GET", "/api/v1/me/subscriptions", Some(&token), None).await;
    let list: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(list["subscriptions"].as_array().unwrap().len(), 3);
    let theirs = send(&app, "GET", "/api/v1/me/subscriptions", Some(&other), None).await;
    assert!(!theirs.body.contains("Lamp"), "a token lists only its own: {}", theirs.body);
    assert_eq!(send(&app, "GET", "/api/v1/me/subscriptions", None, None).await.status, StatusCode::UNAUTHORIZED);
    let id = made["id"].as_i64().unwrap();
    let path = format!("/api/v1/me/subscriptions/{id}");
    assert_eq!(send(&app, "DELETE", &path, Some(&other), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(send(&app, "DELETE", &path, Some(&token), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(send(&app, "DELETE", &path, Some(&token), None).await.status, StatusCode::NOT_FOUND);
}
