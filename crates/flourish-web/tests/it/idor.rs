//! Every id in every address, tried by someone it does not belong to (issue 18, part 7):
//! Mallory, a logged-in writer with her own API token, asks for, changes and deletes
//! Alice's draft, work, chapters, comment, bookmark, filter profile, subscription, token
//! and pseud, through the pages and the API. Each must be refused (403, or 404 where
//! saying more would tell her what exists) and Alice's things must be as they were.

use super::api::{send, token_for};
use axum::http::StatusCode;
use flourish_core::{Viewer, WorkId};
use flourish_store::{AccountStore, ApiTokenStore, WorkStore};
use flourish_testkit::{TestApp, TestResponse};
use serde_json::{Value, json};

fn id_of(r: &TestResponse) -> i64 {
    let v: Value = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body));
    v["id"].as_i64().unwrap_or_else(|| panic!("no id: {}", r.body))
}

fn work_json(title: &str, posted: bool) -> Value {
    json!({
        "title": title, "rating": "General Audiences", "warnings": ["No Archive Warnings Apply"],
        "fandoms": ["Harry Potter - J. K. Rowling"], "posted": posted, "comment_policy": "everyone",
        "chapters": [{"title": "One", "content": "The owl came at dawn."}, {"title": "Two", "content": "It left at dusk."}]
    })
}

/// A page request: method, path and form fields.
type PageRequest<'a> = (&'a str, String, Vec<(&'a str, String)>);

fn refused(r: &TestResponse) -> bool {
    matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
}

#[tokio::test]
async fn nobody_reaches_another_accounts_things_by_their_ids() {
    let app = TestApp::sqlite().await;
    let alice_token = token_for(&app, "alice").await;
    let alice = app.login_as("alice", "mandrakes remember everything").await;
    let mallory_token = token_for(&app, "mallory").await;
    let mallory = app.login_as("mallory", "mandrakes remember everything").await;

    // Alice's things.
    let work =
        id_of(&send(&app, "POST", "/api/v1/works", Some(&alice_token), Some(work_json("Alice's Letters", true))).await);
    let draft =
        id_of(&send(&app, "POST", "/api/v1/works", Some(&alice_token), Some(work_json("Alice's Draft", false))).await);
    let chapters = app.store().chapters(WorkId(work), Viewer::Guest).await.unwrap();
    let chapter = chapters[0].id.0;
    let comment = send(
        &app,
        "POST",
        &format!("/api/v1/works/{work}/comments"),
        Some(&alice_token),
        Some(json!({"content": "My own note."})),
    )
    .await;
    assert_eq!(comment.status, StatusCode::CREATED, "{}", comment.body);
    let comment = id_of(&comment);
    let bookmark = send(
        &app,
        "POST",
        "/api/v1/me/bookmarks",
        Some(&alice_token),
        Some(json!({"work_id": work, "private": true, "notes": "secret"})),
    )
    .await;
    assert_eq!(bookmark.status, StatusCode::CREATED, "{}", bookmark.body);
    let bookmark = id_of(&bookmark);
    let filter = send(
        &app,
        "POST",
        "/api/v1/me/filters",
        Some(&alice_token),
        Some(json!({"name": "Alice's", "exclude_creators": ["mallory"]})),
    )
    .await;
    assert_eq!(filter.status, StatusCode::CREATED, "{}", filter.body);
    let filter = id_of(&filter);
    let subscription =
        send(&app, "POST", "/api/v1/me/subscriptions", Some(&alice_token), Some(json!({"creator": "mallory"}))).await;
    assert_eq!(subscription.status, StatusCode::CREATED, "{}", subscription.body);
    let subscription = id_of(&subscription);
    assert_eq!(alice.post("/account/pseuds", &[("name", "Owlpost")]).await.status, StatusCode::SEE_OTHER);
    let alice_id = app.store().user_by_name("alice").await.unwrap().unwrap().id;
    let pseuds = app.store().pseuds_of(alice_id).await.unwrap();
    let pseud = pseuds.iter().find(|p| p.name == "Owlpost").unwrap().id.0;
    let token = app.store().api_tokens(alice_id).await.unwrap()[0].id;

    // Mallory, through the pages.
    let pages: Vec<PageRequest> = vec![
        ("GET", format!("/works/{draft}"), vec![]),
        ("GET", format!("/works/{draft}/preview"), vec![]),
        ("POST", format!("/works/{draft}/post"), vec![]),
        ("GET", format!("/works/{work}/edit"), vec![]),
        ("POST", format!("/works/{work}/edit"), vec![("title", "Mallory's now".into())]),
        ("GET", format!("/works/{work}/delete"), vec![]),
        ("POST", format!("/works/{work}/delete"), vec![]),
        ("GET", format!("/works/{work}/chapters/manage"), vec![]),
        ("GET", format!("/works/{work}/chapters/new"), vec![]),
        ("POST", format!("/works/{work}/chapters/new"), vec![("content", "Mine.".into())]),
        (
            "POST",
            format!("/works/{work}/chapters/order"),
            vec![("order", format!("{},{}", chapters[1].id, chapters[0].id))],
        ),
        ("GET", format!("/works/{work}/chapters/{chapter}/edit"), vec![]),
        ("POST", format!("/works/{work}/chapters/{chapter}/edit"), vec![("content", "Mine.".into())]),
        ("POST", format!("/works/{work}/chapters/{chapter}/delete"), vec![]),
        ("GET", format!("/works/{work}/comments/held"), vec![]),
        ("POST", format!("/works/{work}/comments/approve"), vec![("comment", comment.to_string())]),
        ("GET", format!("/comments/{comment}/edit"), vec![]),
        ("POST", format!("/comments/{comment}/edit"), vec![("content", "Mallory was here.".into())]),
        ("GET", format!("/comments/{comment}/delete"), vec![]),
        ("POST", format!("/comments/{comment}/delete"), vec![]),
        ("POST", format!("/comments/{comment}/freeze"), vec![]),
        ("POST", format!("/comments/{comment}/hide"), vec![]),
        ("POST", format!("/bookmarks/{bookmark}/delete"), vec![]),
        ("POST", format!("/account/filters/{filter}"), vec![("name", "Mallory's".into())]),
        ("POST", format!("/account/filters/{filter}/delete"), vec![]),
        ("POST", format!("/subscriptions/{subscription}/delete"), vec![]),
        ("POST", format!("/account/tokens/{token}/revoke"), vec![]),
        ("POST", format!("/account/pseuds/{pseud}/default"), vec![]),
        ("POST", format!("/account/creator-invitations/{work}"), vec![("answer", "accept".into())]),
        ("GET", "/users/alice/readings".into(), vec![]),
        ("GET", "/users/alice/stats".into(), vec![]),
        ("GET", "/users/alice/stats.csv".into(), vec![]),
        ("GET", "/users/alice/subscriptions".into(), vec![]),
        ("POST", format!("/admin/works/{work}/hide"), vec![("reason", "mine".into())]),
        ("GET", format!("/downloads/{draft}/alice-s-draft.epub"), vec![]),
        ("GET", format!("/works/{draft}/feed.atom"), vec![]),
    ];
    let mut let_through = Vec::new();
    for (method, path, fields) in &pages {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = if *method == "GET" { mallory.get(path).await } else { mallory.post(path, &fields).await };
        if !refused(&r) {
            let_through.push(format!("{method} {path}: {}", r.status));
        }
    }
    // Mallory, through the API with her own token.
    let api: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("/api/v1/works/{draft}"), None),
        (
            "PUT",
            format!("/api/v1/works/{work}"),
            Some(json!({"title": "Mallory's now", "rating": "General Audiences", "warnings": [], "fandoms": ["X"]})),
        ),
        ("POST", format!("/api/v1/works/{work}/chapters"), Some(json!({"content": "Mine."}))),
        ("PUT", format!("/api/v1/works/{work}/chapters/{chapter}"), Some(json!({"content": "Mine."}))),
        ("POST", format!("/api/v1/works/{draft}/comments"), Some(json!({"content": "Found your draft."}))),
        ("GET", format!("/api/v1/works/{draft}/comments"), None),
        ("POST", format!("/api/v1/works/{draft}/kudos"), None),
        ("PUT", format!("/api/v1/comments/{comment}"), Some(json!({"content": "Mallory was here."}))),
        ("DELETE", format!("/api/v1/comments/{comment}"), None),
        ("GET", format!("/api/v1/me/bookmarks/{bookmark}"), None),
        ("PUT", format!("/api/v1/me/bookmarks/{bookmark}"), Some(json!({"notes": "mine"}))),
        ("DELETE", format!("/api/v1/me/bookmarks/{bookmark}"), None),
        ("PUT", format!("/api/v1/me/filters/{filter}"), Some(json!({"name": "Mallory's"}))),
        ("DELETE", format!("/api/v1/me/filters/{filter}"), None),
        ("DELETE", format!("/api/v1/me/subscriptions/{subscription}"), None),
    ];
    for (method, path, body) in &api {
        let r = send(&app, method, path, Some(&mallory_token), body.clone()).await;
        if !refused(&r) {
            let_through.push(format!("API {method} {path}: {} {}", r.status, r.body));
        }
    }
    assert!(let_through.is_empty(), "Mallory got through:\n{}", let_through.join("\n"));

    // Alice's things are as they were.
    let store = app.store();
    let w = store.work(WorkId(work), Viewer::Member(alice_id)).await.unwrap().expect("the work");
    assert_eq!(w.title, "Alice's Letters");
    let now = store.chapters(WorkId(work), Viewer::Member(alice_id)).await.unwrap();
    assert_eq!(
        now.iter().map(|c| (c.id, c.content.clone())).collect::<Vec<_>>(),
        chapters.iter().map(|c| (c.id, c.content.clone())).collect::<Vec<_>>()
    );
    assert!(store.work(WorkId(draft), Viewer::Guest).await.unwrap().is_none(), "the draft stays a draft");
    let mine = send(&app, "GET", &format!("/api/v1/comments/{comment}"), Some(&alice_token), None).await;
    assert!(mine.body.contains("My own note."), "{}", mine.body);
    assert_eq!(
        send(&app, "GET", &format!("/api/v1/me/bookmarks/{bookmark}"), Some(&alice_token), None).await.status,
        StatusCode::OK
    );
    let filters = send(&app, "GET", "/api/v1/me/filters", Some(&alice_token), None).await;
    assert!(filters.body.contains("Alice's"), "{}", filters.body);
    let subscriptions = send(&app, "GET", "/api/v1/me/subscriptions", Some(&alice_token), None).await;
    assert!(subscriptions.body.contains(&format!("\"id\":{subscription}")), "{}", subscriptions.body);
    let pseuds = store.pseuds_of(alice_id).await.unwrap();
    assert!(pseuds.iter().find(|p| p.name == "alice").unwrap().is_default, "Alice's default pseud is hers to choose");
}
