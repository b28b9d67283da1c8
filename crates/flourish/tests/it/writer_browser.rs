//! A writer's whole day in real headless Chromium against the real binary: sign up,
//! confirm (the link read from the server's log, as on an archive without SMTP), log in,
//! post a two-chapter work with tags, find it in the listing and in search, edit a
//! chapter, restrict the work, log out and see it disappear.

use crate::browser::{chromium, start_driver};
use crate::server::{Server, temp_dir};
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};

const PASSWORD: &str = "the mandrakes remember";

/// The confirmation link the server logged for a mail it could not send.
fn confirmation_link(server: &Server) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(line) = server.logs.recv_timeout(Duration::from_millis(200))
            && let Some(at) = line.find("/confirm/")
        {
            let token: String = line[at + "/confirm/".len()..].chars().take_while(char::is_ascii_hexdigit).collect();
            return format!("{}/confirm/{token}", server.url);
        }
    }
    panic!("no confirmation link in the server's log");
}

pub(crate) async fn fill(client: &Client, name: &str, value: &str) {
    let field = client.find(Locator::Css(&format!("[name='{name}']"))).await.unwrap_or_else(|e| panic!("{name}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

pub(crate) async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
}

/// The main text of the page now; during a navigation the old page's element goes stale,
/// so it is looked up again.
/// Clicks the link named `text` and waits for the next page to load.
pub(crate) async fn follow(client: &Client, text: &str) {
    let before = client.current_url().await.unwrap();
    client.find(Locator::LinkText(text)).await.unwrap_or_else(|e| panic!("{text}: {e}")).click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.current_url().await.unwrap() == before {
        assert!(Instant::now() < deadline, "following {text:?} never left {before}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    text_in(client, "main").await;
}

pub(crate) async fn page_text(client: &Client) -> String {
    text_in(client, "main").await
}

pub(crate) async fn text_in(client: &Client, css: &str) -> String {
    for _ in 0..100 {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && let Ok(text) = element.text().await
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the page has no {css}");
}

/// Waits (up to 10 s) for the page after a click to say `wanted` in its main part.
pub(crate) async fn shows(client: &Client, wanted: &str) -> bool {
    shows_in(client, "main", wanted).await
}

pub(crate) async fn shows_in(client: &Client, css: &str, wanted: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if text_in(client, css).await.contains(wanted) {
            return true;
        }
        if Instant::now() > deadline {
            eprintln!("{css} says: {}", text_in(client, css).await);
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Loads `path` until its text contains `wanted` (search follows the outbox within moments).
pub(crate) async fn eventually(client: &Client, url: &str, wanted: &str) -> Duration {
    let started = Instant::now();
    loop {
        client.goto(url).await.unwrap();
        if page_text(client).await.contains(wanted) {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{url} never showed {wanted:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_writer_signs_up_posts_edits_and_restricts_a_work_in_chromium() {
    let Some((driver, browser)) = start_driver().await else {
        return;
    };
    let dir = temp_dir();
    let server = Server::start(dir.path(), &[]);
    let profile = temp_dir();
    let client = chromium(&driver, &browser, profile.path()).await;
    let url = |path: &str| format!("{}{path}", server.url);

    // Sign up and confirm.
    client.goto(&url("/")).await.unwrap();
    follow(&client, "Sign up").await;
    fill(&client, "username", "draco_writes").await;
    fill(&client, "email", "draco@example.org").await;
    fill(&client, "password", PASSWORD).await;
    fill(&client, "password_confirmation", PASSWORD).await;
    click(&client, "form[action='/signup'] button[type=submit]").await;
    assert!(shows(&client, "Check your email").await);
    client.goto(&confirmation_link(&server)).await.unwrap();
    assert!(shows(&client, "Your email address is confirmed").await);

    // Log in.
    fill(&client, "login", "draco_writes").await;
    fill(&client, "password", PASSWORD).await;
    click(&client, "form[action='/login'] button[type=submit]").await;
    assert!(shows_in(&client, "header.site", "draco_writes").await);
    assert!(text_in(&client, "header.site").await.contains("Log out"));

    // Post a work with tags.
    follow(&client, "Post").await;
    client
        .find(Locator::Css("select[name=rating]"))
        .await
        .unwrap()
        .select_by_value("Teen And Up Audiences")
        .await
        .unwrap();
    click(&client, "input[name=warnings][value='No Archive Warnings Apply']").await;
    click(&client, "input[name=categories][value='M/M']").await;
    fill(&client, "fandoms", "Harry Potter - J. K. Rowling").await;
    fill(&client, "relationships", "Draco Malfoy/Harry Potter").await;
    fill(&client, "characters", "Draco Malfoy, Harry Potter").await;
    fill(&client, "freeforms", "Robe Shops").await;
    fill(&client, "title", "The Boy in the Robe Shop").await;
    fill(&client, "summary", "Draco remembers the first time.").await;
    fill(&client, "chapters[0].title", "Madam Malkin's").await;
    fill(
        &client,
        "chapters[0].content",
        "The shop smelled of wool and chalk.\n\nHe was standing on the next stool, quilliform and nervous.",
    )
    .await;
    // For the README: the posting form as a writer sees it.
    client.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join("flourish-post-form.png"), png);
    }
    click(&client, "button[name=action][value=post]").await;
    assert!(shows_in(&client, "dl.work.meta", "Draco Malfoy/Harry Potter").await);
    assert!(text_in(&client, "dl.work.meta").await.contains("Robe Shops"));
    let work_url = client.current_url().await.unwrap();
    assert!(work_url.path().starts_with("/works/"), "{work_url}");

    // A second chapter.
    follow(&client, "Add chapter").await;
    fill(&client, "chapters[0].title", "Diagon Alley").await;
    fill(&client, "chapters[0].content", "Father bought me a broom I was not allowed to keep.").await;
    click(&client, "form[action$='/chapters/new'] button[type=submit]").await;
    assert!(shows(&client, "a broom I was not allowed to keep").await);

    // Found in the listing and in search.
    eventually(&client, &url("/works"), "The Boy in the Robe Shop").await;
    let found = eventually(&client, &url("/works/search?q=remembers"), "The Boy in the Robe Shop").await;
    eprintln!("search found the new work after {} ms", found.as_millis());
    let listing = page_text(&client).await;
    assert!(listing.contains("2/2"), "two chapters: {listing}");

    // Edit the second chapter.
    client.goto(work_url.as_str()).await.unwrap();
    follow(&client, "Next Chapter →").await;
    follow(&client, "Edit this chapter").await;
    fill(&client, "chapters[0].content", "Father bought me a broom, and Mother made me give it back.").await;
    click(&client, "form[action$='/edit'] button[type=submit]").await;
    assert!(shows(&client, "Mother made me give it back").await);

    // The dashboard lists it, with its actions (a picture for whoever changes the page).
    client.goto(&url("/account")).await.unwrap();
    assert!(shows(&client, "The Boy in the Robe Shop").await);
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join("flourish-dashboard.png"), png);
    }

    // Restrict it to members, log out, and it is gone.
    client.goto(work_url.as_str()).await.unwrap();
    follow(&client, "Edit work").await;
    click(&client, "input[name=restricted]").await;
    click(&client, "button[name=action][value=save]").await;
    assert!(shows(&client, "The Boy in the Robe Shop").await, "members still see it");
    click(&client, "header.site form[action='/logout'] button").await;
    assert!(shows(&client, "You have logged out").await);
    client.goto(work_url.as_str()).await.unwrap();
    assert!(shows(&client, "doesn't exist").await, "guests get the 404 page");
    client.goto(&url("/works")).await.unwrap();
    assert!(!page_text(&client).await.contains("The Boy in the Robe Shop"), "and it is not listed");
    client.close().await.unwrap();
}
