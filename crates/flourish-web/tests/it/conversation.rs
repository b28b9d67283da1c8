//! Kudos, comments, blocking, the inbox and mail, through the pages and the API: the
//! permission matrix of every new route, bad input, cached guest pages, and privacy.

use crate::api::{send, token_for};
use axum::http::StatusCode;
use flourish_core::{CommentPolicy, Commenter, NewComment, TextFormat, WorkId};
use flourish_core::{ReportReason, ReportTarget};
use flourish_store::{
    AccountStore, AuditStore, BlockStore, CommentReader, CommentStore, JobStore, MailLogStore, NewReport,
    NotificationStore, ReportStore, WorkEditing, WorkStore,
};
use flourish_testkit::{Browser, TestApp, TestDb, TestResponse, fixtures};
use serde_json::{Value, json};

const PASSWORD: &str = "mandrakes remember everything";

/// A posted work by `creator`, whose account exists with [`PASSWORD`].
async fn work_by(app: &TestApp, creator: &str, policy: CommentPolicy, moderated: bool) -> WorkId {
    let account = app.create_account(creator, PASSWORD, false).await;
    let pseud = app.store().pseuds_of(account.id).await.unwrap().remove(0);
    let mut draft = fixtures::work("The Mandrake Letters", &pseud);
    draft.comment_policy = policy;
    draft.moderated = moderated;
    app.store().create_work(&draft).await.unwrap()
}

/// An app that mails through a local SMTP server, with what the server received.
async fn app_with_smtp() -> (TestApp, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let (port, received) = flourish_testkit::smtp::smtp_server().await;
    let config = flourish_web::WebConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        mail_from: "Flourish <noreply@archive.example.org>".into(),
        ..TestApp::config()
    };
    (TestApp::with_config(TestDb::sqlite().await, config).await, received)
}

fn id_from_location(r: &TestResponse) -> i64 {
    let location = r.header("location").unwrap_or_else(|| panic!("a redirect: {} {}", r.status, r.body));
    let rest = location.strip_prefix("/comments/").unwrap_or_else(|| panic!("to a comment: {location}"));
    rest.split(['?', '#', '/']).next().unwrap().parse().unwrap()
}

async fn comment(browser: &Browser, work: WorkId, fields: &[(&str, &str)]) -> TestResponse {
    browser.post(&format!("/works/{work}/comments"), fields).await
}

#[tokio::test]
async fn guests_leave_kudos_once_from_cached_pages_with_their_own_token() {
    let app = TestApp::sqlite().await;
    let work = work_by(&app, "neville", CommentPolicy::Members, false).await;
    let first = app.browser();
    let page = first.get(&format!("/works/{work}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Kudos ♥"), "guests see the button");
    // Rendered once, then served from the cache: each guest's form carries their own token.
    let second = app.browser();
    let cached = second.get(&format!("/works/{work}")).await;
    let token = second.cookie("flourish_csrf").unwrap();
    assert!(cached.body.contains(&format!("value=\"{token}\"")), "the cached page carries this guest's token");
    assert!(!cached.body.contains(&first.cookie("flourish_csrf").unwrap()), "never another guest's");
    assert!(!cached.body.contains("flourish-csrf-token"), "no slot left unfilled");

    let r = second.post(&format!("/works/{work}/kudos"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = second.get(&format!("/works/{work}")).await;
    assert!(after.body.contains("1 guest left kudos on this work!"), "the cached page was replaced at once");
    // One per visitor: the same address again, from another browser, is told politely.
    let again = first.post(&format!("/works/{work}/kudos"), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("already left kudos"), "{}", again.body);
    // A forged form changes nothing.
    let forged = first.post_raw(&format!("/works/{work}/kudos"), &[("csrf", "0".repeat(64).as_str())]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let w = app.store().work(work, flourish_core::Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(w.stats.kudos, 1);
}

#[tokio::test]
async fn members_hold_a_threaded_conversation_the_creator_moderates() {
    let app = TestApp::sqlite().await;
    let work = work_by(&app, "neville", CommentPolicy::Members, false).await;
    let luna = app.logged_in("luna", PASSWORD).await;
    let ginny = app.logged_in("ginny", PASSWORD).await;
    let neville = app.login_as("neville", PASSWORD).await;

    let r = comment(&luna, work, &[("content", "The lantern line undid me."), ("format", "plain")]).await;
    let top = id_from_location(&r);
    let thread = luna.get(r.header("location").unwrap()).await;
    assert!(thread.body.contains("Your comment was posted.") && thread.body.contains("The lantern line undid me."));
    let r = comment(
        &ginny,
        work,
        &[("content", "*Same*, honestly."), ("format", "markdown"), ("parent_id", &top.to_string())],
    )
    .await;
    let reply = id_from_location(&r);
    let page = app.get(&format!("/works/{work}")).await;
    assert!(page.body.contains("<em>Same</em>, honestly."), "markdown became HTML");
    assert!(page.body.contains("Comments (2)"), "the heading counts replies too, as the stats do");
    assert!(page.body.contains(&format!("id=\"comment-{reply}\"")));
    // A reply sits in a list of its own inside its parent's item, so threads indent.
    let parent_at = page.body.find(&format!("id=\"comment-{top}\"")).unwrap();
    let reply_at = page.body.find(&format!("id=\"comment-{reply}\"")).unwrap();
    let between = &page.body[parent_at..reply_at];
    let (opened, closed) = (between.matches("<li").count(), between.matches("</li>").count());
    assert!(between.contains("<ol class=\"thread\">") && opened > closed, "the parent's item is still open: {between}");
    // Luna may no longer edit: someone replied.
    let edit = luna.post(&format!("/comments/{top}/edit"), &[("content", "changed")]).await;
    assert_eq!(edit.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", edit.body);
    assert!(edit.body.contains("can no longer be edited"));
    // The creator sees the inbox count, and freezes the thread.
    let dash = neville.get("/inbox").await;
    assert!(
        dash.body.contains("luna commented on") && dash.body.contains("Inbox <span class=\"count\">(2"),
        "{}",
        dash.body
    );
    let only = format!("/inbox?work={work}");
    assert!(dash.body.contains(&format!("href=\"{only}\"")), "each entry narrows the inbox to its work");
    assert!(neville.get(&only).await.body.contains("luna commented on"));
    let elsewhere = neville.get("/inbox?work=999999").await;
    assert!(!elsewhere.body.contains("luna commented on") && elsewhere.body.contains("Nothing here"));
    assert_eq!(neville.post(&format!("/comments/{top}/freeze"), &[]).await.status, StatusCode::SEE_OTHER);
    let frozen = comment(&luna, work, &[("content", "one more"), ("parent_id", &reply.to_string())]).await;
    assert_eq!(frozen.status, StatusCode::FORBIDDEN);
    // Deleting a comment with replies leaves its place in the thread.
    assert_eq!(luna.post(&format!("/comments/{top}/delete"), &[]).await.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/works/{work}")).await;
    assert!(page.body.contains("(This comment was deleted.)") && page.body.contains("honestly"));
    // Marking everything read clears the header.
    neville.post("/inbox", &[("action", "read_all")]).await;
    assert!(!neville.get("/inbox").await.body.contains("class=\"count\""));
}

#[tokio::test]
async fn deep_threads_continue_on_their_own_page() {
    let app = TestApp::sqlite().await;
    let work = work_by(&app, "neville", CommentPolicy::Members, false).await;
    let creator = app.store().account_by_login("neville").await.unwrap().unwrap();
    let mut parent = None;
    let mut ids = vec![];
    for depth in 1..=7 {
        let c = app
            .store()
            .add_comment(&NewComment {
                work,
                chapter: None,
                parent,
                content: format!("Level {depth} of the thread"),
                format: TextFormat::Plain,
                by: Commenter::Member { user: creator.id, pseud: None },
            })
            .await
            .unwrap();
        parent = Some(c.id);
        ids.push(c.id);
    }
    let page = app.get(&format!("/works/{work}")).await;
    assert!(page.body.contains("Level 5 of the thread") && !page.body.contains("Level 6 of the thread"));
    let more = format!("/comments/{}", ids[4]);
    assert!(page.body.contains(&format!("<a href=\"{more}\">Continue this thread")), "{}", page.body);
    let rest = app.get(&more).await;
    assert!(rest.body.contains("Level 6 of the thread") && rest.body.contains("Level 7 of the thread"));
}

#[tokio::test]
async fn bad_comments_come_back_with_the_text_and_nothing_written() {
    let app = TestApp::sqlite().await;
    let work = work_by(&app, "neville", CommentPolicy::Members, false).await;
    let luna = app.logged_in("luna", PASSWORD).await;
    let empty = comment(&luna, work, &[("content", "   ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Comment can&#39;t be blank"), "{}", empty.body);
    let long = "word ".repeat(2_001);
    let too_long = comment(&luna, work, &[("content", &long)]).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.body.contains("word word word"), "what was written is kept");
    let unknown = comment(&luna, work, &[("content", "hi"), ("parent_id", "999999")]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let garbage = comment(&luna, work, &[("content", "hi"), ("parent_id", "abc")]).await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    let guest = comment(&app.browser(), work, &[("content", "hi"), ("name", "x"), ("email", "x@example.org")]).await;
    assert_eq!(guest.status, StatusCode::FORBIDDEN, "members only");
    let missing = comment(&luna, WorkId(424242), &[("content", "hi")]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let forged = luna.post_raw(&format!("/works/{work}/comments"), &[("content", "hi")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let w = app.store().work(work, flourish_core::Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(w.stats.comments, 0);
}

#[tokio::test]
async fn guest_addresses_are_seen_by_nobody() {
    let app = TestApp::sqlite().await;
    let work = work_by(&app, "neville", CommentPolicy::Everyone, false).await;
    let r = comment(
        &app.browser(),
        work,
        &[("content", "From afar."), ("name", "Moony"), ("email", "secret.moony@example.org")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let neville = app.login_as("neville", PASSWORD).await;
    for body in [
        app.get(&format!("/works/{work}")).await.body,
        neville.get(&format!("/works/{work}")).await.body,
        neville.get("/inbox").await.body,
        send(&app, "GET", &format!("/api/v1/works/{work}/comments"), None, None).await.body,
    ] {
        assert!(body.contains("Moony"));
        assert!(!body.contains("secret.moony"), "{body}");
    }
}

/// Every new route, for every kind of visitor: (who, method, path, expected status).
async fn luna_id(store: &flourish_store::Store) -> i64 {
    store.account_by_login("luna").await.unwrap().unwrap().id.0
}

#[tokio::test]
async fn the_permission_matrix_covers_every_conversation_route() {
    let app = TestApp::sqlite().await;
    let work = work_by(&app, "neville", CommentPolicy::Members, true).await;
    let luna = app.logged_in("luna", PASSWORD).await;
    let blocked = app.logged_in("troll", PASSWORD).await;
    let admin = app.logged_in_admin("minerva", PASSWORD).await;
    let creator = app.login_as("neville", PASSWORD).await;
    let guest = app.browser();
    let cocreator = app.logged_in("pomona", PASSWORD).await;
    let moderator = app.logged_in("severus", PASSWORD).await;
    let store = app.store();
    let neville = store.account_by_login("neville").await.unwrap().unwrap();
    let troll = store.account_by_login("troll").await.unwrap().unwrap();
    let pomona = store.account_by_login("pomona").await.unwrap().unwrap();
    let severus = store.account_by_login("severus").await.unwrap().unwrap();
    store.set_moderator(severus.id, true).await.unwrap();
    let pomona_pseud = store.pseuds_of(pomona.id).await.unwrap().remove(0);
    store.invite_creator(work, pomona_pseud.id, neville.id).await.unwrap();
    assert!(store.answer_creator_invitation(work, pomona.id, true).await.unwrap());
    store.block(neville.id, troll.id).await.unwrap();
    let held = comment(&luna, work, &[("content", "Held, for now.")]).await;
    let held = id_from_location(&held);
    let held_page = format!("/works/{work}/comments/held");
    let report = store
        .file_report(&NewReport {
            reporter: troll.id,
            target: ReportTarget::Work(work),
            reason: ReportReason::Tagging,
            details: "",
        })
        .await
        .unwrap();
    let report_work = format!("/reports/new?work={work}");

    let who = |name: &str| match name {
        "guest" => &guest,
        "reader" => &luna,
        "blocked" => &blocked,
        "creator" => &creator,
        "cocreator" => &cocreator,
        "moderator" => &moderator,
        _ => &admin,
    };
    let gets: &[(&str, &str, StatusCode)] = &[
        ("guest", &held_page, StatusCode::SEE_OTHER),
        ("reader", &held_page, StatusCode::FORBIDDEN),
        ("creator", &held_page, StatusCode::OK),
        ("admin", &held_page, StatusCode::OK),
        ("guest", &format!("/comments/{held}"), StatusCode::NOT_FOUND),
        ("blocked", &format!("/comments/{held}"), StatusCode::NOT_FOUND),
        ("reader", &format!("/comments/{held}"), StatusCode::OK),
        ("creator", &format!("/comments/{held}"), StatusCode::OK),
        ("guest", "/inbox", StatusCode::SEE_OTHER),
        ("reader", "/inbox", StatusCode::OK),
        ("guest", "/account/notifications", StatusCode::SEE_OTHER),
        ("reader", "/account/notifications", StatusCode::OK),
        ("reader", &format!("/works/{work}/kudos"), StatusCode::OK),
        ("cocreator", &held_page, StatusCode::OK),
        ("moderator", &held_page, StatusCode::FORBIDDEN),
        ("guest", &report_work, StatusCode::SEE_OTHER),
        ("reader", &report_work, StatusCode::OK),
        ("blocked", &report_work, StatusCode::CONFLICT),
        ("creator", &report_work, StatusCode::UNPROCESSABLE_ENTITY),
        ("cocreator", &report_work, StatusCode::UNPROCESSABLE_ENTITY),
        ("guest", "/admin/reports", StatusCode::SEE_OTHER),
        ("reader", "/admin/reports", StatusCode::FORBIDDEN),
        ("creator", "/admin/reports", StatusCode::FORBIDDEN),
        ("moderator", "/admin/reports", StatusCode::OK),
        ("admin", "/admin/reports", StatusCode::OK),
        ("reader", &format!("/admin/reports/{report}"), StatusCode::FORBIDDEN),
        ("moderator", &format!("/admin/reports/{report}"), StatusCode::OK),
        ("moderator", "/admin", StatusCode::FORBIDDEN),
        ("moderator", "/admin/users", StatusCode::FORBIDDEN),
    ];
    for (name, path, expected) in gets {
        let r = who(name).get(path).await;
        assert_eq!(r.status, *expected, "{name} GET {path}: {}", r.body);
    }
    let posts: &[(&str, String, StatusCode)] = &[
        ("creator", format!("/works/{work}/kudos"), StatusCode::FORBIDDEN),
        ("blocked", format!("/works/{work}/kudos"), StatusCode::FORBIDDEN),
        ("reader", format!("/works/{work}/kudos"), StatusCode::SEE_OTHER),
        ("blocked", format!("/works/{work}/comments"), StatusCode::FORBIDDEN),
        ("reader", format!("/works/{work}/comments/approve"), StatusCode::FORBIDDEN),
        ("guest", format!("/works/{work}/comments/approve"), StatusCode::SEE_OTHER),
        ("creator", format!("/works/{work}/comments/approve"), StatusCode::SEE_OTHER),
        ("reader", format!("/comments/{held}/hide"), StatusCode::FORBIDDEN),
        ("creator", format!("/comments/{held}/hide"), StatusCode::FORBIDDEN),
        ("cocreator", format!("/comments/{held}/hide"), StatusCode::FORBIDDEN),
        ("moderator", format!("/comments/{held}/hide"), StatusCode::SEE_OTHER),
        ("moderator", format!("/comments/{held}/unhide"), StatusCode::SEE_OTHER),
        ("moderator", format!("/comments/{held}/freeze"), StatusCode::FORBIDDEN),
        ("moderator", format!("/works/{work}/comments/approve"), StatusCode::FORBIDDEN),
        ("cocreator", format!("/comments/{held}/freeze"), StatusCode::SEE_OTHER),
        ("cocreator", format!("/comments/{held}/unfreeze"), StatusCode::SEE_OTHER),
        ("cocreator", format!("/works/{work}/kudos"), StatusCode::FORBIDDEN),
        ("guest", "/reports".to_owned(), StatusCode::SEE_OTHER),
        ("creator", "/reports".to_owned(), StatusCode::UNPROCESSABLE_ENTITY),
        ("reader", "/reports".to_owned(), StatusCode::OK),
        ("reader", "/reports".to_owned(), StatusCode::CONFLICT),
        ("reader", format!("/admin/reports/{report}"), StatusCode::FORBIDDEN),
        ("creator", format!("/admin/reports/{report}"), StatusCode::FORBIDDEN),
        ("moderator", format!("/admin/reports/{report}"), StatusCode::SEE_OTHER),
        ("admin", format!("/admin/reports/{report}"), StatusCode::CONFLICT),
        ("moderator", format!("/admin/users/{}/moderator", luna_id(store).await), StatusCode::FORBIDDEN),
        ("admin", format!("/comments/{held}/hide"), StatusCode::SEE_OTHER),
        ("admin", format!("/comments/{held}/unhide"), StatusCode::SEE_OTHER),
        ("reader", format!("/comments/{held}/freeze"), StatusCode::FORBIDDEN),
        ("creator", format!("/comments/{held}/freeze"), StatusCode::SEE_OTHER),
        ("admin", format!("/comments/{held}/unfreeze"), StatusCode::SEE_OTHER),
        ("blocked", format!("/comments/{held}/delete"), StatusCode::FORBIDDEN),
        ("reader", format!("/comments/{held}/delete"), StatusCode::SEE_OTHER),
    ];
    let work_id = work.to_string();
    for (name, path, expected) in posts {
        let fields: &[(&str, &str)] = if path.ends_with("/comments") {
            &[("content", "Let me in.")]
        } else if path.ends_with("/approve") {
            &[("all", "1")]
        } else if path == "/reports" {
            &[("work", &work_id), ("reason", "spam")]
        } else if path.starts_with("/admin/reports/") {
            &[("action", "dismiss")]
        } else if path.ends_with("/moderator") {
            &[("on", "1")]
        } else {
            &[]
        };
        let r = who(name).post(path, fields).await;
        assert_eq!(r.status, *expected, "{name} POST {path}: {}", r.body);
    }
    assert!(
        store.comment(flourish_core::CommentId(held), CommentReader::default()).await.unwrap().is_none(),
        "deleted"
    );
}

#[tokio::test]
async fn comment_mail_is_queued_sent_once_with_one_click_unsubscribe() {
    let (app, received) = app_with_smtp().await;
    let work = work_by(&app, "neville", CommentPolicy::Members, false).await;
    let luna = app.logged_in("luna", PASSWORD).await;
    comment(&luna, work, &[("content", "A letter for you.")]).await;
    // The worker in the background sends it.
    for _ in 0..100 {
        if app.store().pending_jobs().await.unwrap() == 0 && !received.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert!(m.contains("To: neville@example.org") && m.contains("luna commented on"), "{m}");
    assert!(m.contains("Message-ID: <flourish.job.") && m.contains("@archive.example.org>"), "{m}");
    assert!(m.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{m}");
    let url = m.lines().find_map(|l| l.strip_prefix("List-Unsubscribe: <")).expect("unsubscribe header");
    let path = url.trim_end_matches('>').split_once("://").unwrap().1.split_once('/').unwrap().1;
    // RFC 8058: a mail client posts, with no cookie and no CSRF token.
    let request = axum::http::Request::post(format!("/{path}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("List-Unsubscribe=One-Click"))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::OK);
    let neville = app.store().account_by_login("neville").await.unwrap().unwrap();
    let prefs = flourish_store::NotificationStore::notification_prefs(app.store(), neville.id).await.unwrap();
    assert!(prefs.contains(&(flourish_core::NotificationKind::Comment, flourish_core::Channel::Site)));
    // A forged link is refused.
    let request = axum::http::Request::post(format!("/unsubscribe/{}.comment.{}", neville.id, "0".repeat(32)))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::NOT_FOUND);
    assert!(app.store().mail_log(5).await.unwrap()[0].sent);
}

fn json(r: &TestResponse) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body))
}

#[tokio::test]
async fn the_api_gives_kudos_and_holds_threads() {
    let app = TestApp::sqlite().await;
    let work = work_by(&app, "neville", CommentPolicy::Members, false).await;
    let luna = token_for(&app, "luna").await;
    let neville = token_for(&app, "neville_api").await;
    let kudos = send(&app, "POST", &format!("/api/v1/works/{work}/kudos"), Some(&luna), None).await;
    assert_eq!((kudos.status, json(&kudos)["kudos"].as_u64()), (StatusCode::CREATED, Some(1)));
    let twice = send(&app, "POST", &format!("/api/v1/works/{work}/kudos"), Some(&luna), None).await;
    assert_eq!((twice.status, json(&twice)["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
    let no_token = send(&app, "POST", &format!("/api/v1/works/{work}/kudos"), None, None).await;
    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);

    let path = format!("/api/v1/works/{work}/comments");
    let top =
        send(&app, "POST", &path, Some(&luna), Some(json!({"content": "**Bold** praise", "format": "markdown"}))).await;
    assert_eq!(top.status, StatusCode::CREATED, "{}", top.body);
    let top = json(&top);
    assert!(top["content"].as_str().unwrap().contains("<strong>Bold</strong>"));
    let reply =
        send(&app, "POST", &path, Some(&neville), Some(json!({"content": "Thanks!", "parent_id": top["id"]}))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let listed = json(&send(&app, "GET", &path, None, None).await);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["comments"][0]["replies"][0]["content"], "<p>Thanks!</p>");
    let work_json = json(&send(&app, "GET", &format!("/api/v1/works/{work}"), None, None).await);
    assert_eq!((work_json["stats"]["kudos"].as_u64(), work_json["stats"]["comments"].as_u64()), (Some(1), Some(2)));

    for (body, status) in [
        (json!({"content": ""}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"content": "x", "format": "rtf"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"content": "x", "parent_id": 987654}), StatusCode::NOT_FOUND),
        (json!({"contents": "typo"}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = send(&app, "POST", &path, Some(&luna), Some(body.clone())).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
        assert!(json(&r)["code"].is_string());
    }
    let top_id = top["id"].as_i64().unwrap();
    let edit =
        send(&app, "PUT", &format!("/api/v1/comments/{top_id}"), Some(&luna), Some(json!({"content": "edit"}))).await;
    assert_eq!(edit.status, StatusCode::CONFLICT, "replied to: {}", edit.body);
    let not_mine = send(&app, "DELETE", &format!("/api/v1/comments/{top_id}"), Some(&neville), None).await;
    assert_eq!(not_mine.status, StatusCode::FORBIDDEN, "neville_api is not this work's creator");
    let deleted = send(&app, "DELETE", &format!("/api/v1/comments/{top_id}"), Some(&luna), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);

    let inbox = json(&send(&app, "GET", "/api/v1/notifications", Some(&luna), None).await);
    assert_eq!(inbox["notifications"][0]["kind"], "reply");
    assert!(inbox["notifications"][0]["url"].as_str().unwrap().starts_with("http"));
    let nobody = send(&app, "GET", "/api/v1/notifications", None, None).await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn admins_edit_the_spam_list_and_see_and_retry_failed_jobs() {
    let app = TestApp::sqlite().await;
    let work = work_by(&app, "neville", CommentPolicy::Members, false).await;
    let admin = app.logged_in_admin("minerva", PASSWORD).await;
    let saved = admin.post("/admin/spam", &[("words", "Cheap Pills\ncasino\n\n")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = admin.get("/admin/spam").await;
    assert!(page.body.contains("casino\ncheap pills"), "{}", page.body);
    assert_eq!(app.browser().get("/admin/spam").await.status, StatusCode::SEE_OTHER, "admins only");
    // Two listed words from a new account hold the comment for the creator.
    let luna = app.logged_in("luna", PASSWORD).await;
    let r = comment(&luna, work, &[("content", "cheap pills at the casino")]).await;
    assert!(r.header("location").unwrap().ends_with("notice=held"), "{:?}", r.header("location"));
    let w = app.store().work(work, flourish_core::Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(w.stats.comments, 0);

    app.store().enqueue("unknown_kind", "broken-1", "{}", 0).await.unwrap();
    let mut listed = String::new();
    for _ in 0..100 {
        listed = admin.get("/admin/jobs").await.body;
        if listed.contains("unknown job kind") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(listed.contains("unknown job kind"), "the worker gave up on it and says why: {listed}");
    let dead = app.store().jobs(Some("dead"), 10).await.unwrap();
    let retry = admin.post(&format!("/admin/jobs/{}/retry", dead[0].id), &[]).await;
    assert_eq!(retry.status, StatusCode::SEE_OTHER);
    assert_eq!(admin.post("/admin/jobs/999999/retry", &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn kudos_arrive_as_one_daily_digest_mail() {
    use flourish_store::{KudosGiver, KudosStore, NotificationStore};
    let (app, received) = app_with_smtp().await;
    let work = work_by(&app, "neville", CommentPolicy::Members, false).await;
    for key in ["a", "b", "c"] {
        app.store().give_kudos(work, &KudosGiver::Guest(key.into())).await.unwrap();
    }
    assert!(received.lock().unwrap().is_empty(), "kudos are never mailed one by one");
    // What the daily job does for yesterday, here for the last hour.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    app.store().summarize_kudos(now - 3600, now + 1).await.unwrap();
    let neville = app.store().account_by_login("neville").await.unwrap().unwrap();
    let payload = json!({ "user": neville.id.0 }).to_string();
    app.store().enqueue(flourish_store::conversation::jobs::MAIL_DIGEST, "digest:test", &payload, 0).await.unwrap();
    for _ in 0..100 {
        if !received.lock().unwrap().is_empty() && app.store().pending_jobs().await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("daily digest") && messages[0].contains("3 kudos"), "{}", messages[0]);
    assert!(messages[0].contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(app.store().digest_recipients().await.unwrap().is_empty(), "sent entries leave the digest");
}

#[tokio::test]
async fn readers_report_and_moderators_work_the_queue_on_record() {
    let app = TestApp::sqlite().await;
    let work = work_by(&app, "neville", CommentPolicy::Everyone, false).await;
    let luna = app.logged_in("luna", PASSWORD).await;
    let troll = app.logged_in("troll", PASSWORD).await;
    let moderator = app.logged_in("severus", PASSWORD).await;
    let store = app.store();
    let severus = store.account_by_login("severus").await.unwrap().unwrap();
    store.set_moderator(severus.id, true).await.unwrap();

    // A member's kudos shows their name on the work page (the link escapes it).
    assert_eq!(luna.post(&format!("/works/{work}/kudos"), &[]).await.status, StatusCode::SEE_OTHER);
    let page = app.browser().get(&format!("/works/{work}")).await;
    assert!(page.body.contains(r#"href="/users/luna""#), "{}", page.body);
    assert!(page.body.contains(&format!("/reports/new?work={work}")), "the work page offers a report link");

    let spam = comment(&troll, work, &[("content", "Cheap galleons at my shop, see my profile.")]).await;
    let spam = id_from_location(&spam);
    let thread = luna.get(&format!("/comments/{spam}")).await;
    assert!(thread.body.contains(&format!("/reports/new?comment={spam}")), "comments can be reported");
    let own = troll.get(&format!("/comments/{spam}")).await;
    assert!(!own.body.contains(&format!("/reports/new?comment={spam}")), "but not by their writer");

    // The form, bad input kept, then the report.
    let form = luna.get(&format!("/reports/new?comment={spam}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Cheap galleons"), "the form shows what is reported");
    let spam_id = spam.to_string();
    let bad = luna.post("/reports", &[("comment", &spam_id), ("details", "See the link.")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Choose what is wrong") && bad.body.contains("See the link."), "{}", bad.body);
    let other = luna.post("/reports", &[("comment", &spam_id), ("reason", "other")]).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(luna.post("/reports", &[("comment", "x1"), ("reason", "spam")]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(luna.post("/reports", &[("reason", "spam")]).await.status, StatusCode::BAD_REQUEST);
    let filed = luna.post("/reports", &[("comment", &spam_id), ("reason", "spam"), ("details", "An advert.")]).await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    assert!(filed.body.contains("Thank you for your report"));
    let again = luna.post("/reports", &[("comment", &spam_id), ("reason", "spam")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let account = luna.post("/reports", &[("user", "troll"), ("reason", "harassment")]).await;
    assert_eq!(account.status, StatusCode::OK);

    // The queue, as the moderator sees it.
    let queue = moderator.get("/admin/reports").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("A comment on") && queue.body.contains("troll"), "{}", queue.body);
    assert!(queue.body.contains("2 reports."));
    let reports = store.report_queue(flourish_store::QueueFilter::Open, 1, 10).await.unwrap().items;
    let on_comment =
        reports.iter().find(|r| r.target == ReportTarget::Comment(flourish_core::CommentId(spam))).unwrap();
    let on_user = reports.iter().find(|r| matches!(r.target, ReportTarget::User(_))).unwrap();
    let shown = moderator.get(&format!("/admin/reports/{}", on_comment.id)).await;
    assert!(shown.body.contains("Cheap galleons") && shown.body.contains("An advert."), "{}", shown.body);
    assert!(shown.body.contains(r#"value="hide""#) && shown.body.contains(r#"value="suspend""#));

    // Warning without words, then hiding: the comment goes, the reporter hears, the log keeps it.
    let path = format!("/admin/reports/{}", on_comment.id);
    let wordless = moderator.post(&path, &[("action", "warn"), ("note", "")]).await;
    assert_eq!(wordless.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(moderator.post(&path, &[("action", "explode")]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let hidden = moderator.post(&path, &[("action", "hide"), ("note", "Advertising.")]).await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER, "{}", hidden.body);
    let seen = store.comment(flourish_core::CommentId(spam), CommentReader::default()).await.unwrap().unwrap();
    assert!(seen.hidden);
    let inbox = luna.get("/inbox").await;
    assert!(inbox.body.contains("Your report of the comment"), "{}", inbox.body);
    assert!(inbox.body.contains("acted on it"));
    // A moderator can't hide an account, and suspends one only through the queue.
    let user_path = format!("/admin/reports/{}", on_user.id);
    assert_eq!(moderator.post(&user_path, &[("action", "hide")]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(moderator.post(&user_path, &[("action", "suspend")]).await.status, StatusCode::SEE_OTHER);
    let troll_account = store.account_by_login("troll").await.unwrap().unwrap();
    assert_eq!(troll_account.status, flourish_core::AccountStatus::Suspended);
    assert_eq!(
        troll.post("/reports", &[("work", &work.to_string()), ("reason", "spam")]).await.status,
        StatusCode::FORBIDDEN
    );
    let log = store.audit_log(1, 50).await.unwrap().items;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"report_hide") && actions.contains(&"report_suspend"), "{actions:?}");
    assert!(log.iter().any(|e| e.actor == "severus" && e.detail == "Advertising."));
    let closed = moderator.get("/admin/reports?closed=1").await;
    assert!(closed.body.contains("hide") && closed.body.contains("suspend"), "{}", closed.body);
    // The reporter's name reaches nobody but the staff.
    let warned = store.notifications(troll_account.id, flourish_store::InboxFilter::default(), 1, 50).await.unwrap();
    assert!(warned.items.iter().all(|n| !n.title.contains("luna") && !n.body.contains("luna")));
}
