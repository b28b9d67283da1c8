//! Joining and signing in, through the router: sign-up modes, confirmation, login and
//! logout, throttling, CSRF, password reset, setup links, headers, cookies, rate limits.

use axum::http::StatusCode;
use flourish_core::SignupMode;
use flourish_store::AccountStore;
use flourish_store::AuditStore;
use flourish_store::InvitationStore;
use flourish_store::MailLogStore;
use flourish_store::SessionStore;
use flourish_testkit::{Browser, TestApp, TestDb};
use flourish_web::WebConfig;

const GOOD_PASSWORD: &str = "mandrakes remember everything";

/// The last link a mail to `to` carried.
async fn link_mailed_to(app: &TestApp, to: &str) -> String {
    let mail = app.store().mail_log(50).await.unwrap();
    let body = &mail.iter().find(|m| m.recipient == to).unwrap_or_else(|| panic!("no mail to {to}: {mail:?}")).body;
    let start = body.find("http").expect("a link");
    let link = body[start..].split_whitespace().next().unwrap();
    link.trim_start_matches("http://127.0.0.1:8080").to_owned()
}

async fn sign_up(browser: &Browser, username: &str, password: &str) -> flourish_testkit::TestResponse {
    let email = format!("{username}@example.org");
    browser
        .post(
            "/signup",
            &[("username", username), ("email", &email), ("password", password), ("password_confirmation", password)],
        )
        .await
}

#[tokio::test]
async fn a_new_writer_signs_up_confirms_logs_in_and_out() {
    let app = TestApp::sqlite().await;
    let browser = app.browser();
    assert_eq!(browser.get("/signup").await.status, StatusCode::OK);

    let weak = sign_up(&browser, "draco_m", "password1").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("common passwords"), "{}", weak.body);
    let mismatch = browser
        .post(
            "/signup",
            &[
                ("username", "draco_m"),
                ("email", "d@example.org"),
                ("password", GOOD_PASSWORD),
                ("password_confirmation", "other"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.body.contains("The passwords don&#39;t match."), "{}", mismatch.body);
    assert!(app.store().account_by_login("draco_m").await.unwrap().is_none(), "nothing saved");

    let done = sign_up(&browser, "draco_m", GOOD_PASSWORD).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    assert!(done.body.contains("Check your email"));

    let early = browser.login("draco_m", GOOD_PASSWORD).await;
    assert_eq!(early.status, StatusCode::FORBIDDEN);
    assert!(early.body.contains("Confirm your email"), "{}", early.body);

    let link = link_mailed_to(&app, "draco_m@example.org").await;
    assert!(link.starts_with("/confirm/"), "{link}");
    let confirmed = browser.get(&link).await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get(&link).await.status, StatusCode::GONE, "a link works once");
    assert_eq!(browser.get("/confirm/not-a-token").await.status, StatusCode::NOT_FOUND);

    let wrong = browser.login("draco_m", "wrong password here").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("username or password is not right"));

    let csrf_before = browser.cookie("flourish_csrf").unwrap();
    let ok = browser.login("Draco_M@example.org", GOOD_PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let cookies: Vec<&str> = ok.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    let session = cookies.iter().find(|c| c.starts_with("flourish_session=")).expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "plain http");
    assert!(!session.contains("Max-Age"), "a browser-session cookie without remember me");
    assert_ne!(browser.cookie("flourish_csrf").unwrap(), csrf_before, "a new CSRF token at login");

    let dashboard = browser.get("/account").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("draco_m's dashboard"));
    assert!(dashboard.body.contains("Log out"));

    let out = browser.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = browser.get("/account").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.header("location"), Some("/login?return_to=%2Faccount"));
    let log = app.store().audit_log(1, 50).await.unwrap();
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    for wanted in ["signup", "email_confirmed", "login_failed", "login", "logout"] {
        assert!(actions.contains(&wanted), "{wanted} in {actions:?}");
    }
}

#[tokio::test]
async fn remember_me_and_session_rotation() {
    let app = TestApp::sqlite().await;
    app.create_account("harry", GOOD_PASSWORD, false).await;
    let browser = app.browser();
    let r = browser.post("/login", &[("login", "harry"), ("password", GOOD_PASSWORD), ("remember", "1")]).await;
    let session = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("flourish_session="))
        .unwrap();
    assert!(session.contains("Max-Age=1209600"), "two weeks: {session}");
    let first = browser.cookie("flourish_session").unwrap();
    browser.login("harry", GOOD_PASSWORD).await;
    let second = browser.cookie("flourish_session").unwrap();
    assert_ne!(first, second, "a login gets a new session id");
    // The old id no longer logs anyone in.
    assert!(app.store().session(&flourish_web::auth::tokens::hash_token(&first)).await.unwrap().is_none());
    assert!(app.store().session(&flourish_web::auth::tokens::hash_token(&second)).await.unwrap().is_some());
}

#[tokio::test]
async fn duplicate_names_and_bad_fields_get_field_messages() {
    let app = TestApp::sqlite().await;
    app.create_account("pansy", GOOD_PASSWORD, false).await;
    let browser = app.browser();
    let taken = sign_up(&browser, "Pansy", GOOD_PASSWORD).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("already taken"), "{}", taken.body);
    let email_taken = browser
        .post(
            "/signup",
            &[
                ("username", "blaise"),
                ("email", "PANSY@example.org"),
                ("password", GOOD_PASSWORD),
                ("password_confirmation", GOOD_PASSWORD),
            ],
        )
        .await;
    // A taken address is not told apart from a new one (see attacks.rs): no field error.
    assert_eq!(email_taken.status, StatusCode::CREATED);
    assert!(email_taken.body.contains("Check your email"), "{}", email_taken.body);
    let long = "x".repeat(5000);
    let oversized = sign_up(&browser, &long, GOOD_PASSWORD).await;
    assert_eq!(oversized.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(oversized.body.contains("3 to 40"));
    let huge_password = "p".repeat(5000);
    let r = sign_up(&browser, "blaise", &huge_password).await;
    assert!(r.body.contains("at most 1024"), "{}", r.body);
    assert_eq!(app.store().accounts("", 1, 10).await.unwrap().total, 1, "nothing half-saved");
}

#[tokio::test]
async fn five_failed_logins_in_twenty_seconds_are_throttled() {
    let app = TestApp::sqlite().await;
    app.create_account("harry", GOOD_PASSWORD, false).await;
    let browser = app.browser();
    for _ in 0..5 {
        assert_eq!(browser.login("harry", "not the password").await.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = browser.login("harry", GOOD_PASSWORD).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(blocked.header("retry-after"), Some("20"));
    assert!(blocked.body.contains("Too many failed logins"), "{}", blocked.body);
    assert!(blocked.body.contains("<h1>429"), "a styled page");
}

#[tokio::test]
async fn state_changing_requests_need_the_csrf_token() {
    let app = TestApp::sqlite().await;
    let browser = app.logged_in("harry", GOOD_PASSWORD).await;
    let missing = browser.post_raw("/logout", &[]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("expired or was sent from another site"));
    let forged = browser.post_raw("/logout", &[("csrf", &"0".repeat(64))]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let no_cookie = app.browser();
    let r = no_cookie
        .post_raw("/login", &[("login", "harry"), ("password", GOOD_PASSWORD), ("csrf", &"a".repeat(64))])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a token without its cookie is no token");
    assert_eq!(browser.get("/account").await.status, StatusCode::OK, "still logged in");
}

#[tokio::test]
async fn a_password_reset_link_works_once_and_ends_other_sessions() {
    let app = TestApp::sqlite().await;
    app.create_account("hermione", GOOD_PASSWORD, false).await;
    let elsewhere = app.login_as("hermione", GOOD_PASSWORD).await;
    let browser = app.browser();
    let asked = browser.post("/password/forgot", &[("login", "hermione")]).await;
    assert_eq!(asked.status, StatusCode::OK);
    let nobody = browser.post("/password/forgot", &[("login", "nobody-at-all")]).await;
    assert_eq!(text_of(&nobody.body), text_of(&asked.body), "the answer does not tell who has an account");
    let link = link_mailed_to(&app, "hermione@example.org").await;
    assert_eq!(browser.get(&link).await.status, StatusCode::OK);
    let weak = browser.post(&link, &[("password", "12345678"), ("password_confirmation", "12345678")]).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new = "a brand new passphrase";
    let done = browser.post(&link, &[("password", new), ("password_confirmation", new)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        browser.post(&link, &[("password", new), ("password_confirmation", new)]).await.status,
        StatusCode::GONE
    );
    assert_eq!(browser.get(&format!("/password/reset/{}", "f".repeat(64))).await.status, StatusCode::GONE, "forged");
    assert_eq!(elsewhere.get("/account").await.status, StatusCode::SEE_OTHER, "other sessions ended");
    assert_eq!(browser.login("hermione", GOOD_PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(browser.login("hermione", new).await.status, StatusCode::SEE_OTHER);
}

fn text_of(html: &str) -> String {
    html.split("<main").nth(1).unwrap_or(html).split("</main>").next().unwrap_or("").to_owned()
}

#[tokio::test]
async fn invitation_request_and_closed_modes() {
    let app = TestApp::sqlite().await;
    let admin = app.logged_in_admin("boss", GOOD_PASSWORD).await;
    let r = admin
        .post(
            "/admin/settings",
            &[("archive_name", "Flourish"), ("archive_description", "d"), ("signup_mode", "invitation")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let browser = app.browser();
    let form = browser.get("/signup").await;
    assert!(form.body.contains("Invitation code"));
    let without = sign_up(&browser, "luna", GOOD_PASSWORD).await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(without.body.contains("invitation code is not valid"));
    admin.post("/admin/invitations", &[("count", "1")]).await;
    let code = app.store().invitations(5).await.unwrap()[0].code.clone();
    let fields =
        |u: &'static str| vec![("username", u), ("password", GOOD_PASSWORD), ("password_confirmation", GOOD_PASSWORD)];
    let mut f = fields("luna");
    let email = "luna@example.org";
    f.push(("email", email));
    f.push(("invitation", &code));
    assert_eq!(browser.post("/signup", &f).await.status, StatusCode::CREATED);
    let mut again = fields("ginny");
    again.push(("email", "ginny@example.org"));
    again.push(("invitation", &code));
    assert_eq!(browser.post("/signup", &again).await.status, StatusCode::UNPROCESSABLE_ENTITY, "used once");

    admin
        .post(
            "/admin/settings",
            &[("archive_name", "Flourish"), ("archive_description", "d"), ("signup_mode", "request")],
        )
        .await;
    assert_eq!(browser.get("/signup").await.header("location"), Some("/invitations/request"));
    assert_eq!(
        browser
            .post("/invitations/request", &[("email", "neville@example.org"), ("reason", "Herbology fics")])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        browser.post("/invitations/request", &[("email", "neville@example.org")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let pending = app.store().pending_requests().await.unwrap();
    let r = admin.post(&format!("/admin/requests/{}", pending[0].id), &[("answer", "invite")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(link_mailed_to(&app, "neville@example.org").await.starts_with("/signup?invitation="));

    admin
        .post(
            "/admin/settings",
            &[("archive_name", "Flourish"), ("archive_description", "d"), ("signup_mode", "closed")],
        )
        .await;
    let closed = browser.get("/signup").await;
    assert_eq!(closed.status, StatusCode::FORBIDDEN);
    assert!(closed.body.contains("not accepting new accounts"));
    assert_eq!(sign_up(&browser, "dean", GOOD_PASSWORD).await.status, StatusCode::FORBIDDEN);
    let _ = SignupMode::Closed;
}

#[tokio::test]
async fn a_setup_link_makes_the_first_admin_once() {
    let app = TestApp::sqlite().await;
    assert!(!app.store().admin_exists().await.unwrap());
    let link = flourish_web::html::account::setup_link(app.store(), "http://127.0.0.1:8080").await.unwrap();
    let path = link.trim_start_matches("http://127.0.0.1:8080");
    let browser = app.browser();
    assert_eq!(browser.get(path).await.status, StatusCode::OK);
    let fields = [
        ("username", "boss"),
        ("email", "boss@example.org"),
        ("password", GOOD_PASSWORD),
        ("password_confirmation", GOOD_PASSWORD),
    ];
    let r = browser.post(path, &fields).await;
    assert_eq!(r.header("location"), Some("/admin"), "{}", r.body);
    assert!(app.store().admin_exists().await.unwrap());
    assert_eq!(browser.get("/admin").await.status, StatusCode::OK);
    assert_eq!(app.browser().post(path, &fields).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn every_page_sends_the_security_headers_and_https_cookies_are_secure() {
    let db = TestDb::sqlite().await;
    let config = WebConfig { public_url: "https://archive.example.org".into(), ..TestApp::config() };
    let app = TestApp::with_config(db, config).await;
    for path in ["/", "/login", "/works", "/no/such/page"] {
        let page = app.get(path).await;
        let csp = page.header("content-security-policy").unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        assert!(page.header("referrer-policy").is_some());
        let csrf = page
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("flourish_csrf="));
        let csrf = csrf.expect("a CSRF cookie for a new browser");
        assert!(csrf.contains("Secure") && csrf.contains("HttpOnly") && csrf.contains("SameSite=Lax"), "{csrf}");
    }
}

#[tokio::test]
async fn too_many_requests_get_429_with_retry_after_and_a_friendly_page() {
    let db = TestDb::sqlite().await;
    let config = WebConfig { rate_limit_requests: 5, rate_limit_secs: 300, ..TestApp::config() };
    let app = TestApp::with_config(db, config).await;
    for _ in 0..5 {
        assert_eq!(app.get("/works").await.status, StatusCode::OK);
    }
    let limited = app.get("/works").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "one request's share of 300 s: {wait}");
    assert!(limited.body.contains("<h1>429") && limited.body.contains("Please wait"), "{}", limited.body);
    assert_eq!(app.get("/static/style.css").await.status, StatusCode::OK, "assets are not counted");
}

#[tokio::test]
async fn deleting_an_account_needs_the_password_and_can_keep_the_works() {
    let app = TestApp::sqlite().await;
    let browser = app.logged_in("leaver", GOOD_PASSWORD).await;
    let account = app.store().account_by_login("leaver").await.unwrap().unwrap();
    let pseud = app.store().pseuds_of(account.id).await.unwrap().remove(0);
    let id = flourish_store::WorkStore::create_work(app.store(), &flourish_testkit::fixtures::work("Stays", &pseud))
        .await
        .unwrap();
    let wrong = browser.post("/account/delete", &[("works", "orphan"), ("confirm_password", "nope nope nope")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.store().user_by_name("leaver").await.unwrap().is_some());
    let gone = browser.post("/account/delete", &[("works", "orphan"), ("confirm_password", GOOD_PASSWORD)]).await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert!(app.store().user_by_name("leaver").await.unwrap().is_none());
    let work = app.get(&format!("/works/{id}")).await;
    assert!(work.body.contains("orphan_account"), "the work stays, orphaned");
    assert_eq!(browser.get("/account").await.status, StatusCode::SEE_OTHER, "logged out");
}
