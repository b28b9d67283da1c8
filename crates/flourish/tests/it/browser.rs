//! A work opened in real headless Chromium, driven through chromedriver.

use crate::server::{Server, temp_dir};
use fantoccini::{ClientBuilder, Locator};
use std::process::{Command, Stdio};
use std::time::Duration;

/// chromedriver on a free port, killed when dropped.
pub struct Driver(std::process::Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find(names: &[&str]) -> Option<String> {
    names.iter().map(|n| n.to_string()).find(|n| {
        Command::new("sh")
            .args(["-c", &format!("command -v {n}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

pub async fn start_driver() -> Option<(Driver, String)> {
    let Some(driver) = find(&["chromedriver"]) else {
        flourish_testkit::require_or_skip("chromedriver is not installed (Debian: chromium-driver)");
        return None;
    };
    let Some(browser) = find(&["chromium", "chromium-browser", "google-chrome"]) else {
        flourish_testkit::require_or_skip("Chromium is not installed (Debian: chromium)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let guard = Driver(child, port);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((guard, browser));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

/// A headless Chromium session through `driver`, with its own profile directory.
pub async fn chromium(driver: &Driver, browser: &str, profile: &std::path::Path) -> fantoccini::Client {
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": crate::server::which(browser),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1200,1600", format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    // chromedriver speaks plain HTTP on loopback: no TLS stack needed.
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("a Chromium session")
}

#[tokio::test]
async fn a_reader_opens_a_work_in_chromium() {
    let Some((driver, browser)) = start_driver().await else {
        return;
    };
    let dir = temp_dir();
    let server = Server::start(dir.path(), &["--demo"]);
    let profile = temp_dir();
    let client = chromium(&driver, &browser, profile.path()).await;

    // The front page links to the demo works; follow one the way a reader would.
    client.goto(&server.url).await.unwrap();
    client.find(Locator::LinkText("What the Owl Brought")).await.unwrap().click().await.unwrap();
    client.wait().for_element(Locator::Css("dl.work.meta")).await.unwrap();
    assert!(client.current_url().await.unwrap().path().starts_with("/works/"));

    // The tag block renders, grouped and labelled.
    let meta = client.find(Locator::Css("dl.work.meta")).await.unwrap().text().await.unwrap();
    for expected in [
        "Rating:",
        "Teen And Up Audiences",
        "Archive Warning:",
        "Relationship:",
        "Draco Malfoy/Harry Potter",
        "Chapters:",
        "2/3",
    ] {
        assert!(meta.contains(expected), "tag block lacks {expected:?}: {meta}");
    }
    // The chapter text renders, with the POV banner and flashback as styled sections.
    let text = client.find(Locator::Css("#chapters .userstuff")).await.unwrap().text().await.unwrap();
    assert!(text.contains("Four years is a long time"), "{text}");
    let banner = client.find(Locator::Css("section.pov > .section-label")).await.unwrap();
    assert_eq!(banner.text().await.unwrap().to_lowercase(), "draco's point of view", "shown in small caps by CSS");
    let flashback = client.find(Locator::Css("section.flashback")).await.unwrap();
    let style = flashback.css_value("border-left-style").await.unwrap();
    assert_eq!(style, "solid", "the stylesheet loaded and styles the flashback");
    assert!(!text.contains("*Flash"), "never raw asterisks");

    // Next chapter, without JavaScript: a plain link.
    client.find(Locator::LinkText("Next Chapter →")).await.unwrap().click().await.unwrap();
    client.wait().for_element(Locator::Css("#chapter-2")).await.unwrap();
    let second = client.find(Locator::Css("#chapters")).await.unwrap().text().await.unwrap();
    assert!(second.contains("The Leaky Cauldron had not changed"), "{second}");
    client.close().await.unwrap();
}
