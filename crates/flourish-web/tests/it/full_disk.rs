//! A full disk: writes are refused with a clear 503 and `Retry-After`, reads go on, nothing
//! half-written is left, and writing works again once there is room.

use crate::api::{send, token_for};
use axum::http::StatusCode;
use flourish_core::{Viewer, WorkId};
use flourish_store::WorkStore;
use flourish_testkit::disk::SmallDisk;
use flourish_testkit::{TestApp, TestDb};
use serde_json::{Value, json};

fn work(title: &str, words: usize) -> Value {
    let text = "The mandrakes knew my voice before they knew my face. ".repeat(words / 10);
    json!({
        "title": title,
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": ["Harry Potter - J. K. Rowling"],
        "chapters": [{"title": "One", "content": text}, {"title": "Two", "content": text}]
    })
}

#[tokio::test]
async fn a_full_disk_refuses_writes_clearly_keeps_serving_reads_and_corrupts_nothing() {
    let Some(disk) = SmallDisk::mount(16) else { return };
    let app = TestApp::with_db(TestDb::sqlite_in(disk.path()).await).await;
    let token = token_for(&app, "scripter").await;
    let posted = send(&app, "POST", "/api/v1/works", Some(&token), Some(work("Before the Disk Filled", 2000))).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
    let first: i64 = serde_json::from_str::<Value>(&posted.body).unwrap()["id"].as_i64().unwrap();

    let filler = disk.fill();
    for n in 0..3 {
        let refused = send(&app, "POST", "/api/v1/works", Some(&token), Some(work(&format!("Lost {n}"), 20_000))).await;
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE, "{}", refused.body);
        assert!(refused.header("retry-after").is_some());
        let answer: Value = serde_json::from_str(&refused.body).unwrap();
        assert_eq!(answer["code"], "unavailable");
        assert!(answer["message"].as_str().unwrap().contains("disk is full"), "{answer}");
    }
    // Reading needs no room.
    let read = send(&app, "GET", &format!("/api/v1/works/{first}"), None, None).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);

    std::fs::remove_file(filler).unwrap();
    let after = send(&app, "POST", "/api/v1/works", Some(&token), Some(work("After the Disk Emptied", 2000))).await;
    assert_eq!(after.status, StatusCode::CREATED, "{}", after.body);

    let store = app.store();
    assert_eq!(store.integrity_check().await.unwrap(), Ok(()));
    let titles: Vec<String> = {
        let mut titles = Vec::new();
        for id in 1..=first + 5 {
            if let Some(work) = store.work(WorkId(id), Viewer::Guest).await.unwrap() {
                assert_eq!(store.chapters(work.id, Viewer::Guest).await.unwrap().len(), 2, "{}", work.title);
                titles.push(work.title);
            }
        }
        titles
    };
    assert_eq!(titles, ["Before the Disk Filled", "After the Disk Emptied"]);
}
