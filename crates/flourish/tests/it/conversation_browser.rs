//! Readers answering a writer, in real headless Chromium against the real binary, with mail
//! going to a local SMTP server: a guest leaves kudos on a cached page, two readers hold a
//! threaded conversation under the chapter, the creator reads about it in the inbox and by
//! email and freezes the thread, and a reader reports a comment.

use crate::browser::{chromium, start_driver};
use crate::server::{Server, data_file, temp_dir};
use crate::writer_browser::{click, eventually, fill, shows, shows_in, text_in};
use fantoccini::{Client, Locator};
use flourish_core::CommentPolicy;
use flourish_store::{AccountStore, NewAccount, ReportStore, Store, WorkStore};
use flourish_testkit::fixtures;
use flourish_testkit::smtp::smtp_server;
use std::time::{Duration, Instant};

const PASSWORD: &str = "the mandrakes remember";

/// The creator and two readers, confirmed, and one posted work; returns the work's id.
async fn seed(dir: &std::path::Path) -> i64 {
    let store = Store::connect(&format!("sqlite://{}", data_file(dir).display())).await.unwrap();
    store.migrate().await.unwrap();
    let hash = flourish_web::auth::password::Passwords::new(1).hash(PASSWORD).await.unwrap();
    let mut creator = None;
    for name in ["neville", "luna", "ginny", "severus"] {
        let email = format!("{name}@example.org");
        let new = NewAccount {
            username: name,
            email: &email,
            password_hash: &hash,
            confirmed: true,
            is_admin: false,
            invitation: None,
        };
        let (account, pseud) = store.register(&new).await.unwrap();
        if name == "severus" {
            store.set_moderator(account.id, true).await.unwrap();
        }
        creator.get_or_insert(pseud);
    }
    let mut draft = fixtures::work("The Mandrake Letters", &creator.unwrap());
    draft.comment_policy = CommentPolicy::Members;
    let work = store.create_work(&draft).await.unwrap();
    store.close().await;
    work.0
}

async fn log_in(client: &Client, base: &str, name: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    fill(client, "login", name).await;
    fill(client, "password", PASSWORD).await;
    click(client, "form[action='/login'] button[type=submit]").await;
    assert!(shows_in(client, "header.site", name).await, "{name} is logged in");
}

async fn log_out(client: &Client) {
    click(client, "header.site form[action='/logout'] button").await;
    assert!(shows(client, "You have logged out").await);
}

/// Posts the comment form on the page now.
async fn comment(client: &Client, text: &str) {
    fill(client, "content", text).await;
    click(client, "form.comment-form button[type=submit]").await;
}

/// Waits for the local mail server to hold a message to `to` that says `wanted`.
async fn mail_to(received: &std::sync::Mutex<Vec<String>>, to: &str, wanted: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(m) =
            received.lock().unwrap().iter().find(|m| m.contains(&format!("To: {to}")) && m.contains(wanted))
        {
            return m.clone();
        }
        assert!(Instant::now() < deadline, "no mail to {to} saying {wanted:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn readers_answer_and_the_creator_moderates_in_chromium() {
    let Some((driver, browser)) = start_driver().await else {
        return;
    };
    let dir = temp_dir();
    let work = seed(dir.path()).await;
    let (port, received) = smtp_server().await;
    std::fs::write(
        dir.path().join("flourish.toml"),
        format!("[mail]\nsmtp_url = \"smtp://127.0.0.1:{port}\"\nfrom = \"Flourish <noreply@archive.example.org>\"\n"),
    )
    .unwrap();
    let server = Server::start(dir.path(), &[]);
    let profile = temp_dir();
    let client = chromium(&driver, &browser, profile.path()).await;
    let base = server.url.clone();
    let work_url = format!("{base}/works/{work}");

    // A guest leaves kudos from the cached page; the count follows within moments.
    client.goto(&work_url).await.unwrap();
    click(&client, "button.kudos-button").await;
    let took = eventually(&client, &work_url, "1 guest left kudos on this work!").await;
    eprintln!("the guest's kudos showed on the cached page after {} ms", took.as_millis());
    assert!(text_in(&client, "section.kudos").await.contains("1 guest"));

    // Luna comments; Ginny replies; Luna answers: a thread two levels deep.
    log_in(&client, &base, "luna").await;
    client.goto(&work_url).await.unwrap();
    comment(&client, "The greenhouse scene made me cry. Why the mandrakes?").await;
    assert!(shows(&client, "Your comment was posted").await);
    let luna_comment = client.current_url().await.unwrap();
    log_out(&client).await;

    log_in(&client, &base, "ginny").await;
    client.goto(luna_comment.as_str()).await.unwrap();
    comment(&client, "Because they remember everything, obviously.").await;
    assert!(shows(&client, "Your comment was posted").await);
    log_out(&client).await;

    log_in(&client, &base, "luna").await;
    assert!(shows_in(&client, "header.site", "Inbox (1").await, "Luna has an unread reply");
    client.goto(&format!("{base}/inbox")).await.unwrap();
    assert!(shows(&client, "ginny replied to your comment on “The Mandrake Letters”").await);
    client.goto(&work_url).await.unwrap();
    client.find(Locator::LinkText("Reply")).await.unwrap().click().await.unwrap();
    assert!(shows(&client, "Because they remember everything").await);
    // The reply form on the thread page answers Ginny's comment, the deepest one shown.
    let replies = client.find_all(Locator::Css("li.comment li.comment a[href$='#reply']")).await.unwrap();
    replies.last().expect("a reply link under Ginny's comment").click().await.unwrap();
    assert!(shows(&client, "Because they remember everything").await);
    comment(&client, "Fair. Remind me never to repot one.").await;
    assert!(shows(&client, "Your comment was posted").await);
    log_out(&client).await;

    // The thread on the chapter page, nested as it was written.
    client.goto(&work_url).await.unwrap();
    let nested = client.find_all(Locator::Css("section#comments ol.thread ol.thread ol.thread li.comment")).await;
    assert_eq!(nested.map(|n| n.len()).unwrap_or(0), 1, "the third comment sits two levels down");
    // For the closing note: the conversation as a reader sees it.
    if let Ok(comments) = client.find(Locator::Css("section#comments")).await {
        let _ = comments.click().await;
        if let Ok(png) = client.screenshot().await {
            let _ = std::fs::write(std::env::temp_dir().join("flourish-conversation.png"), png);
        }
    }

    // The creator hears by mail and in the inbox, and freezes the thread.
    let mail = mail_to(&received, "neville@example.org", "luna commented on").await;
    assert!(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{mail}");
    mail_to(&received, "luna@example.org", "ginny replied to your comment").await;
    log_in(&client, &base, "neville").await;
    client.goto(&format!("{base}/inbox")).await.unwrap();
    assert!(shows(&client, "luna commented on “The Mandrake Letters”").await);
    client.goto(luna_comment.as_str()).await.unwrap();
    click(&client, "form[action$='/freeze'] button").await;
    assert!(shows(&client, "The thread is frozen").await);
    log_out(&client).await;

    // Ginny can no longer reply there; she reports Luna's comment instead.
    log_in(&client, &base, "ginny").await;
    client.goto(luna_comment.as_str()).await.unwrap();
    assert!(shows(&client, "This comment can't take replies").await);
    assert!(client.find(Locator::Css("form.comment-form")).await.is_err(), "no reply form on a frozen thread");
    client.find(Locator::LinkText("Report")).await.unwrap().click().await.unwrap();
    assert!(shows(&client, "Report this comment").await);
    click(&client, "input[name=reason][value=spam]").await;
    click(&client, "form[action='/reports'] button[type=submit]").await;
    assert!(shows(&client, "Thank you for your report").await);
    log_out(&client).await;

    // The moderator opens it beside the comment and hides the comment; Ginny hears.
    log_in(&client, &base, "severus").await;
    client.find(Locator::LinkText("Reports")).await.unwrap().click().await.unwrap();
    assert!(shows(&client, "1 report.").await);
    client.find(Locator::Css("table.dashboard a[href^='/admin/reports/']")).await.unwrap().click().await.unwrap();
    assert!(shows(&client, "The greenhouse scene made me cry").await, "the report shows what it reports");
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join("flourish-report.png"), png);
    }
    click(&client, "input[name=action][value=hide]").await;
    fill(&client, "note", "Not spam, but off-topic for this work.").await;
    click(&client, "form[action^='/admin/reports/'] button[type=submit]").await;
    assert!(shows(&client, "The queue is empty").await);
    log_out(&client).await;
    log_in(&client, &base, "ginny").await;
    client.goto(&format!("{base}/inbox")).await.unwrap();
    assert!(shows(&client, "Your report of the comment").await);
    client.goto(luna_comment.as_str()).await.unwrap();
    assert!(shows(&client, "hidden by the moderators").await, "readers see the placeholder");
    client.close().await.unwrap();
}
