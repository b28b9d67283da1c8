//! A reader's own archive in real headless Chromium against the real binary: bookmarking
//! with notes and tags, subscribing, reading to the middle of a chapter (the page's script keeps the
//! place), then logging in from a second browser and being offered to continue there.

use crate::browser::{chromium, start_driver};
use crate::server::{Server, data_file, temp_dir};
use crate::writer_browser::{click, fill, shows, shows_in, text_in};
use fantoccini::{Client, Locator};
use flourish_store::{AccountStore, NewAccount, Store, WorkStore};
use flourish_testkit::fixtures;
use std::time::{Duration, Instant};

const PASSWORD: &str = "lanterns in the long winter";
/// The paragraph of chapter 2 the reader stops at.
const MIDDLE: usize = 30;

/// A writer, a reader, and a three-chapter work whose second chapter is long; returns the
/// work's id and its chapters' ids.
async fn seed(dir: &std::path::Path) -> (i64, Vec<i64>) {
    let store = Store::connect(&format!("sqlite://{}", data_file(dir).display())).await.unwrap();
    store.migrate().await.unwrap();
    let hash = flourish_web::auth::password::Passwords::new(1).hash(PASSWORD).await.unwrap();
    let mut writer = None;
    for name in ["harbourlight", "tidewatcher"] {
        let email = format!("{name}@example.org");
        let new = NewAccount {
            username: name,
            email: &email,
            password_hash: &hash,
            confirmed: true,
            is_admin: false,
            invitation: None,
        };
        let (_, pseud) = store.register(&new).await.unwrap();
        writer.get_or_insert(pseud);
    }
    let long: String = (0..60)
        .map(|i| format!("<p>Paragraph {i}: the lamp burned low while the sea outside went on and on, grey on grey, and nobody came up the path.</p>"))
        .collect();
    let mut draft = fixtures::work("The Little Lamp", &writer.unwrap());
    draft.chapters.push(fixtures::chapter("The Long Night", &long));
    draft.chapters.push(fixtures::chapter("Morning", "<p>The boat came at last.</p>"));
    draft.complete = false;
    draft.expected_chapters = None;
    let work = store.create_work(&draft).await.unwrap();
    let chapters =
        store.chapter_index(work, flourish_core::Viewer::Guest).await.unwrap().iter().map(|c| c.id.0).collect();
    store.close().await;
    (work.0, chapters)
}

async fn log_in(client: &Client, base: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    fill(client, "login", "tidewatcher").await;
    fill(client, "password", PASSWORD).await;
    click(client, "form[action='/login'] button[type=submit]").await;
    assert!(shows_in(client, "header.site", "tidewatcher").await, "logged in");
}

/// Where paragraph `n` of the chapter text is from the top of the window, in pixels.
async fn paragraph_top(client: &Client, n: usize) -> f64 {
    let script =
        format!("return document.querySelectorAll('#chapters .userstuff p')[{n}].getBoundingClientRect().top;");
    client.execute(&script, vec![]).await.unwrap().as_f64().unwrap()
}

#[tokio::test]
async fn a_reader_bookmarks_subscribes_reads_halfway_and_continues_on_another_browser_in_chromium() {
    let Some((driver, browser)) = start_driver().await else {
        return;
    };
    let dir = temp_dir();
    let (work, chapters) = seed(dir.path()).await;
    let server = Server::start(dir.path(), &[]);
    let base = server.url.clone();
    let first_profile = temp_dir();
    let client = chromium(&driver, &browser, first_profile.path()).await;

    // A bookmark with notes and tags, from the box under the work.
    log_in(&client, &base).await;
    client.goto(&format!("{base}/works/{work}")).await.unwrap();
    click(&client, "details.bookmark-box summary").await;
    fill(&client, "notes", "The lamp scene, every winter.").await;
    fill(&client, "tags", "comfort read, lamps").await;
    click(&client, "details.bookmark-box form button[type=submit]").await;
    assert!(shows(&client, "Your bookmark").await);
    client.goto(&format!("{base}/users/tidewatcher/bookmarks")).await.unwrap();
    let listed = text_in(&client, "main").await;
    assert!(listed.contains("The lamp scene, every winter.") && listed.contains("comfort read"), "{listed}");

    // Subscribing from the work page: the button turns to Unsubscribe, and the work is on
    // the reader's subscriptions page.
    client.goto(&format!("{base}/works/{work}")).await.unwrap();
    click(&client, "form.subscribe button[type=submit]").await;
    assert!(shows_in(&client, "form.subscribe", "Unsubscribe").await, "subscribed");
    client.goto(&format!("{base}/users/tidewatcher/subscriptions")).await.unwrap();
    let followed = text_in(&client, "main").await;
    assert!(followed.contains("The Little Lamp") && followed.contains("Your private feed"), "{followed}");

    // Reading chapter 2 down to its middle; the script sends the paragraph at the top.
    client.goto(&format!("{base}/works/{work}/chapters/{}", chapters[1])).await.unwrap();
    let scroll =
        format!("document.querySelectorAll('#chapters .userstuff p')[{MIDDLE}].scrollIntoView({{block: 'start'}});");
    client.execute(&scroll, vec![]).await.unwrap();
    // Past the script's pause after scrolling, then leave the page.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    client.goto(&format!("{base}/")).await.unwrap();
    client.close().await.unwrap();

    // A second browser: the home page offers to continue, and the link lands at the place.
    let second_profile = temp_dir();
    let client = chromium(&driver, &browser, second_profile.path()).await;
    log_in(&client, &base).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        client.goto(&format!("{base}/")).await.unwrap();
        if text_in(&client, "main").await.contains("Continue reading") {
            break;
        }
        assert!(Instant::now() < deadline, "no Continue Reading shelf");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let link = client.find(Locator::Css("section.shelf a")).await.unwrap();
    let href = link.attr("href").await.unwrap().unwrap_or_default();
    assert!(href.ends_with(&format!("/chapters/{}#resume", chapters[1])), "{href}");
    link.click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let top = paragraph_top(&client, MIDDLE).await;
        if top.abs() < 40.0 {
            break;
        }
        assert!(Instant::now() < deadline, "paragraph {MIDDLE} is {top}px from the top, not at it");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(paragraph_top(&client, 0).await < -500.0, "the page scrolled past the chapter's start");
    client.close().await.unwrap();
}
