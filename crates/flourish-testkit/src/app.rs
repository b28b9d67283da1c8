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
    state: flourish_web::state::AppState,
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

/// A response with its body read as text (and kept as bytes, for downloads).
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
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
        Self::with_config(db, Self::config()).await
    }

    /// The configuration tests run with: the defaults, without the per-address request
    /// limit (every in-process request comes from one address; the limit has its own test).
    pub fn config() -> WebConfig {
        WebConfig { rate_limit_requests: 0, ..WebConfig::default() }
    }

    pub async fn with_config(db: TestDb, config: WebConfig) -> TestApp {
        let index = Arc::new(SearchIndex::in_memory().expect("an index in memory"));
        let indexer = Indexer::new(index.clone(), db.store.clone());
        indexer.start().await.expect("index the test database");
        let state = AppState::new(db.store.clone(), index, config).expect("templates load");
        let background = state.start_background_tasks();
        TestApp { router: flourish_web::router(state.clone()), state, db, background, indexer }
    }

    /// Writes members' page views to their reading history now, rather than within the
    /// second the background writer takes.
    pub async fn flush_visits(&self) {
        self.state.visits.flush(self.store()).await.expect("visits written");
    }

    /// Applies every outbox entry to the search index now, so a test that just wrote sees
    /// its writes in listings without waiting for a poll.
    pub async fn sync_search(&self) {
        self.indexer.catch_up().await.expect("index catches up");
        self.indexer.refresh_autocomplete().await;
    }

    /// Counts the hits buffered so far now, rather than within the seconds the background
    /// writer takes.
    pub async fn flush_hits(&self) {
        self.state.hits.flush(self.store()).await.expect("hits written");
    }

    /// Delivers every waiting update to its followers now (the background worker would,
    /// within a moment; the two never deliver the same chunk twice).
    pub async fn deliver_updates(&self) {
        while flourish_web::following::deliver_step(&self.state).await.expect("delivery") {}
    }

    /// Runs the saved-search round now, for updates up to `until`, whenever each search
    /// was last checked.
    pub async fn check_saved_searches(&self, until: i64) -> u64 {
        flourish_web::following::check_saved_searches(&self.state, until, 0).await.expect("saved-search round")
    }

    pub fn store(&self) -> &Store {
        &self.db.store
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        let request = Request::get(path).body(Body::empty()).expect("request");
        send(&self.router, request).await
    }

    /// Sends any request, as a guest.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        send(&self.router, request).await
    }

    /// A browser of its own: cookies kept between requests, forms sent with their CSRF
    /// token.
    pub fn browser(&self) -> Browser {
        Browser { router: self.router.clone(), cookies: Default::default() }
    }

    /// Creates a confirmed account with `password` and a browser logged into it.
    pub async fn logged_in(&self, username: &str, password: &str) -> Browser {
        self.create_account(username, password, false).await;
        self.login_as(username, password).await
    }

    /// Creates a confirmed admin account and a browser logged into it.
    pub async fn logged_in_admin(&self, username: &str, password: &str) -> Browser {
        self.create_account(username, password, true).await;
        self.login_as(username, password).await
    }

    /// A new browser logged into an existing account.
    pub async fn login_as(&self, username: &str, password: &str) -> Browser {
        let browser = self.browser();
        let r = browser.login(username, password).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login as {username}: {}", r.body);
        browser
    }

    /// A confirmed account, made directly in the store (sign-up has its own tests).
    pub async fn create_account(&self, username: &str, password: &str, is_admin: bool) -> flourish_core::Account {
        use flourish_store::AccountStore;
        let hash = flourish_web::auth::password::Passwords::new(1).hash(password).await.expect("hash");
        let email = format!("{username}@example.org");
        let new = flourish_store::NewAccount {
            username,
            email: &email,
            password_hash: &hash,
            confirmed: true,
            is_admin,
            invitation: None,
        };
        self.store().register(&new).await.expect("register").0
    }
}

async fn send(router: &Router, request: Request<Body>) -> TestResponse {
    let response = router.clone().oneshot(request).await.expect("router is infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20).await.expect("body");
    TestResponse { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() }
}

/// A client with a cookie jar, driving the router in-process.
pub struct Browser {
    router: Router,
    cookies: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies.lock().expect("jar").iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep_cookies(&self, response: &TestResponse) {
        let mut jar = self.cookies.lock().expect("jar");
        for value in response.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()) {
            let Some((name, rest)) = value.split_once('=') else { continue };
            let value = rest.split(';').next().unwrap_or("");
            if value.is_empty() || value.contains("Max-Age=0") || rest.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().expect("jar").get(name).cloned()
    }

    /// Puts a cookie in the jar as another site or a script could (for attack tests).
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies.lock().expect("jar").insert(name.to_owned(), value.to_owned());
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        let request = Request::get(path).header("cookie", self.cookie_header()).body(Body::empty()).expect("request");
        let response = send(&self.router, request).await;
        self.keep_cookies(&response);
        response
    }

    /// The CSRF token forms carry, fetching a page first if the jar has none.
    pub async fn csrf(&self) -> String {
        if self.cookie("flourish_csrf").is_none() {
            self.get("/login").await;
        }
        self.cookie("flourish_csrf").expect("a CSRF cookie")
    }

    /// Posts a form as a browser would, with the CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let csrf = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly `fields`, with no token added.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let request = Request::post(path)
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        let response = send(&self.router, request).await;
        self.keep_cookies(&response);
        response
    }

    /// Uploads one file as `multipart/form-data` field `file`, the token in the query.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: &[u8]) -> TestResponse {
        let csrf = self.csrf().await;
        let boundary = "flourish-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::post(format!("{path}?csrf={csrf}"))
            .header("cookie", self.cookie_header())
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .expect("request");
        let response = send(&self.router, request).await;
        self.keep_cookies(&response);
        response
    }

    pub async fn login(&self, login: &str, password: &str) -> TestResponse {
        self.post("/login", &[("login", login), ("password", password)]).await
    }
}
