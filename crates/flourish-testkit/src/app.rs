//! The web router driven in-process, on a fresh database.

use crate::TestDb;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use flourish_search::{Indexer, SearchIndex};
use flourish_store::Store;
use flourish_web::{AppState, WebConfig};
use std::sync::Arc;
use tower::ServiceExt;

pub struct TestApp {
    pub db: TestDb,
    router: Router,
    background: tokio::task::JoinHandle<()>,
    /// Not polling on its own: tests call [`TestApp::sync_search`], so what a listing
    /// shows never depends on timing.
    indexer: Indexer,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.background.abort();
    }
}

/// A response with its body read as text.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::with_db(TestDb::sqlite().await).await
    }

    /// `None` (after `require_or_skip`) when PostgreSQL is not configured.
    pub async fn postgres() -> Option<TestApp> {
        Some(Self::with_db(TestDb::postgres().await?).await)
    }

    /// An app on `db`, with its background tasks (the outbox watcher) running, as in
    /// `flourish serve`, and an in-memory search index brought up to date.
    pub async fn with_db(db: TestDb) -> TestApp {
        Self::with_config(db, WebConfig::default()).await
    }

    pub async fn with_config(db: TestDb, config: WebConfig) -> TestApp {
        let index = Arc::new(SearchIndex::in_memory().expect("an index in memory"));
        let indexer = Indexer::new(index.clone(), db.store.clone());
        indexer.start().await.expect("index the test database");
        let state = AppState::new(db.store.clone(), index, config).expect("templates load");
        let background = state.start_background_tasks();
        TestApp { router: flourish_web::router(state), db, background, indexer }
    }

    /// Applies every outbox entry to the search index now, so a test that just wrote sees
    /// its writes in listings without waiting for a poll.
    pub async fn sync_search(&self) {
        self.indexer.catch_up().await.expect("index catches up");
        self.indexer.refresh_autocomplete().await;
    }

    pub fn store(&self) -> &Store {
        &self.db.store
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        let request = Request::get(path).body(Body::empty()).expect("request");
        let response = self.router.clone().oneshot(request).await.expect("router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 64 << 20).await.expect("body");
        TestResponse { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }
}
