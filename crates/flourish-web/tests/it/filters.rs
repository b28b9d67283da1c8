//! Filter profiles through the pages and the API: a muted tag leaves the listing and every
//! count of its sidebar; the listing says how many works the profile hid; the token's
//! default profile applies to its listings; bad profiles come back typed.

use crate::api::{send, token_for};
use axum::http::StatusCode;
use flourish_store::{AccountStore, WorkStore};
use flourish_testkit::{TestApp, fixtures};
use serde_json::{Value, json};

const PASSWORD: &str = "mandrakes remember everything";

async fn library(app: &TestApp) {
    for (creator, title, freeform) in [
        ("harbourlight", "The Little Lamp", "Angst"),
        ("harbourlight", "Morning Tea", "Fluff"),
        ("seafoam", "Storm Light", "Angst"),
    ] {
        let account = match app.store().user_by_name(creator).await.unwrap() {
            Some(user) => user.id,
            None => app.create_account(creator, PASSWORD, false).await.id,
        };
        let pseud = app.store().pseuds_of(account).await.unwrap().remove(0);
        let mut draft = fixtures::work(title, &pseud);
        draft.freeforms = vec![freeform.into()];
        app.store().create_work(&draft).await.unwrap();
    }
    app.sync_search().await;
}

#[tokio::test]
async fn a_default_profile_filters_every_listing_and_its_counts() {
    let app = TestApp::sqlite().await;
    library(&app).await;
    let tide = app.logged_in("tidewatcher", PASSWORD).await;
    let before = tide.get("/works").await.body;
    assert!(before.contains("Storm Light") && before.contains("3 Works"), "{before}");
    let angst_count = "> Angst <span class=\"count\">(2)</span>";
    assert!(before.contains(angst_count), "the sidebar counts Angst before: {before}");

    // A profile muting "Angst": refused first for an unknown creator, with the text kept.
    let refused = tide
        .post(
            "/account/filters",
            &[
                ("name", "No angst"),
                ("is_default", "1"),
                ("exclude_tags", "Angst"),
                ("exclude_creators", "nobody-here"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("No account is named nobody-here") && refused.body.contains("No angst"));
    let saved =
        tide.post("/account/filters", &[("name", "No angst"), ("is_default", "1"), ("exclude_tags", "Angst")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(tide.get("/account/filters").await.body.contains("No angst (default)"));

    // The listing: muted works gone, the sidebar counts without them, and the line.
    let after = tide.get("/works").await.body;
    assert!(!after.contains("The Little Lamp") && !after.contains("Storm Light") && after.contains("Morning Tea"));
    assert!(after.contains("1 Work") && !after.contains("3 Works"));
    assert!(!after.contains("> Angst <span"), "the muted tag is in no count: {after}");
    assert!(after.contains("> Fluff <span class=\"count\">(1)</span>"));
    assert!(after.contains("Your filters (No angst) hide 2 works"), "{after}");
    let shown = tide.get("/works?filters=off").await.body;
    assert!(shown.contains("Storm Light") && shown.contains("are off"));
    // Tag pages and search too; other readers and guests see everything.
    assert!(!tide.get("/works/search?q=light").await.body.contains("Storm Light"));
    assert!(app.get("/works").await.body.contains("Storm Light"));
    let other = app.logged_in("gullfeather", PASSWORD).await;
    assert!(other.get("/works").await.body.contains("Storm Light"));

    // Muting a creator and hiding crossovers from the API, with the token's default.
    let token = token_for(&app, "luna").await;
    let made = send(
        &app,
        "POST",
        "/api/v1/me/filters",
        Some(&token),
        Some(json!({"name": "Quiet", "default": true, "exclude_creators": ["harbourlight"]})),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = serde_json::from_str::<Value>(&made.body).unwrap()["id"].as_i64().unwrap();
    let listed: Value =
        serde_json::from_str(&send(&app, "GET", "/api/v1/works", Some(&token), None).await.body).unwrap();
    assert_eq!(listed["total"], 1, "{listed}");
    let unfiltered: Value =
        serde_json::from_str(&send(&app, "GET", "/api/v1/works?filters=off", Some(&token), None).await.body).unwrap();
    assert_eq!(unfiltered["total"], 3);
    let anonymous: Value = serde_json::from_str(&send(&app, "GET", "/api/v1/works", None, None).await.body).unwrap();
    assert_eq!(anonymous["total"], 3);
    for (body, status) in [
        (json!({"name": "Quiet"}), StatusCode::CONFLICT),
        (json!({"name": "Bad", "exclude_tags": ["No Such Tag"]}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"name": "Bad", "max_fandoms": 0}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"name": "Bad", "mute": []}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = send(&app, "POST", "/api/v1/me/filters", Some(&token), Some(body.clone())).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
    }
    let tide_token = token_for(&app, "neville").await;
    let theirs = send(&app, "DELETE", &format!("/api/v1/me/filters/{id}"), Some(&tide_token), None).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(
        send(&app, "DELETE", &format!("/api/v1/me/filters/{id}"), Some(&token), None).await.status,
        StatusCode::NO_CONTENT
    );
    let listed: Value =
        serde_json::from_str(&send(&app, "GET", "/api/v1/works", Some(&token), None).await.body).unwrap();
    assert_eq!(listed["total"], 3);

    // The quick way: "Mute this tag" on a tag page, "Mute this creator" on a pseud page,
    // into the default profile (made when there is none).
    let quick = app.logged_in("quickmuter", PASSWORD).await;
    let tag_page = quick.get("/tags/Fluff/works").await;
    assert!(tag_page.body.contains("Mute this tag"), "{}", tag_page.body);
    let muted = quick.post("/account/filters/mute", &[("tag", "Fluff"), ("return_to", "/tags/Fluff/works")]).await;
    assert_eq!((muted.status, muted.header("location")), (StatusCode::SEE_OTHER, Some("/tags/Fluff/works")));
    let pseud_page = quick.get("/users/seafoam/pseuds/seafoam").await;
    assert!(pseud_page.body.contains("Mute this creator"));
    quick.post("/account/filters/mute", &[("creator", "seafoam"), ("return_to", "https://evil.example/")]).await;
    let listed = quick.get("/works").await.body;
    assert!(
        listed.contains("The Little Lamp") && !listed.contains("Morning Tea") && !listed.contains("Storm Light"),
        "{listed}"
    );
    assert!(quick.get("/account/filters").await.body.contains("My filters (default)"));
    let nothing = quick.post("/account/filters/mute", &[("return_to", "/works")]).await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = quick.post("/account/filters/mute", &[("creator", "nobody-here")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}
