//! Attacks on accounts and pages (issue 18, part 7): session fixation, login CSRF, open
//! redirects, telling who has an account (by answer, by throttle and by time), one-time
//! tokens leaking through Referer, and paths that climb out of their folder. Each must be
//! answered with the right status and leak nothing.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use flourish_store::MailLogStore;
use flourish_testkit::{TestApp, TestDb, TestResponse};
use flourish_web::WebConfig;
use std::time::{Duration, Instant};

const PASSWORD: &str = "mandrakes remember everything";

#[tokio::test]
async fn a_session_id_chosen_before_login_is_never_the_one_after_it() {
    let app = TestApp::sqlite().await;
    app.create_account("harry", PASSWORD, false).await;
    // An attacker plants a well-formed session id in the victim's browser.
    let planted = "ab".repeat(32);
    let victim = app.browser();
    victim.set_cookie("flourish_session", &planted);
    assert_eq!(victim.login("harry", PASSWORD).await.status, StatusCode::SEE_OTHER);
    let session = victim.cookie("flourish_session").expect("a session");
    assert_ne!(session, planted, "the planted id was kept");
    // The planted id logs the attacker into nothing.
    let attacker = app.browser();
    attacker.set_cookie("flourish_session", &planted);
    let r = attacker.get("/account").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.header("location").unwrap().starts_with("/login"));
}

#[tokio::test]
async fn a_login_posted_from_another_site_is_refused_and_starts_no_session() {
    let app = TestApp::sqlite().await;
    app.create_account("harry", PASSWORD, false).await;
    let victim = app.browser();
    victim.get("/").await;
    let fields = [("login", "harry"), ("password", PASSWORD)];
    let without = victim.post_raw("/login", &fields).await;
    let forged = victim.post_raw("/login", &[fields[0], fields[1], ("csrf", &"0".repeat(64))]).await;
    for r in [without, forged] {
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.headers.get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("flourish_session=")));
    }
    assert!(victim.cookie("flourish_session").is_none());
}

/// Where a redirect sends a browser, read as a browser reads a Location: tabs and line
/// breaks dropped, backslashes as slashes. `None` when it stays on this archive.
fn leaves_the_site(location: &str) -> Option<String> {
    let read: String =
        location.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect::<String>().replace('\\', "/");
    let on_site = read.starts_with('/') && !read.starts_with("//");
    (!on_site).then_some(read)
}

const ELSEWHERE: &[&str] = &[
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "\t//evil.example/",
    " //evil.example/",
    "/%09/evil.example/",
    "/%2F/evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "/\\/evil.example/",
    "///evil.example/",
    "data:text/html,x",
];

#[tokio::test]
async fn no_return_to_sends_anyone_to_another_site() {
    let app = TestApp::sqlite().await;
    app.create_account("harry", PASSWORD, false).await;
    app.create_account("draco", PASSWORD, false).await;
    for target in ELSEWHERE {
        let browser = app.browser();
        let page = browser.get(&format!("/login?return_to={}", urlencode(target))).await;
        assert_eq!(page.status, StatusCode::OK, "{target:?}");
        let r = browser.post("/login", &[("login", "harry"), ("password", PASSWORD), ("return_to", target)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{target:?}: {}", r.body);
        let location = r.header("location").unwrap();
        assert_eq!(leaves_the_site(location), None, "login with return_to {target:?} went to {location:?}");
        // A form of the library that sends people back (the other check of return_to).
        let r = browser.post("/account/filters/mute", &[("creator", "draco"), ("return_to", target)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "mute {target:?}: {}", r.body);
        let location = r.header("location").unwrap();
        assert_eq!(leaves_the_site(location), None, "mute with return_to {target:?} went to {location:?}");
    }
    // The field is written back into the page escaped, never as markup.
    let page = app.browser().get("/login?return_to=%22%3E%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert!(!page.body.contains("<script>alert(1)"), "{}", page.body);
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A login form posted from `address` (behind a trusted proxy), with a matching CSRF pair.
async fn login_from(app: &TestApp, address: &str, login: &str, password: &str) -> (TestResponse, Duration) {
    let token = "c".repeat(64);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("csrf", token.as_str()), ("login", login), ("password", password)])
        .finish();
    let request = Request::post("/login")
        .header("cookie", format!("flourish_csrf={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", address)
        .body(Body::from(body))
        .unwrap();
    let started = Instant::now();
    let r = app.send(request).await;
    (r, started.elapsed())
}

/// The page without what differs from one request to the next: the echoed login and every
/// form value (CSRF tokens among them).
fn without_noise(body: &str, login: &str) -> String {
    let body = body.replace(login, "LOGIN");
    let (mut out, mut rest) = (String::new(), body.as_str());
    while let Some(at) = rest.find("value=\"") {
        out.push_str(&rest[..at + 7]);
        rest = &rest[at + 7..];
        rest = &rest[rest.find('"').unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn logins_do_not_tell_who_has_an_account_by_answer_or_by_time() {
    let config = WebConfig { trust_proxy: true, rate_limit_requests: 0, ..TestApp::config() };
    let app = TestApp::with_config(TestDb::sqlite().await, config).await;
    app.create_account("harry", PASSWORD, false).await;
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let (mut known_page, mut unknown_page) = (String::new(), String::new());
    // Alternating, each from an address of its own, and no more than the account throttle
    // allows (five failures in 20 s), so that it never speaks.
    for i in 0..5 {
        let (r, took) = login_from(&app, &format!("10.0.1.{i}"), "harry", "not the password at all").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        known.push(took);
        known_page = without_noise(&r.body, "harry");
        let (r, took) = login_from(&app, &format!("10.0.2.{i}"), "nobody-here", "not the password at all").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        unknown.push(took);
        unknown_page = without_noise(&r.body, "nobody-here");
    }
    assert_eq!(known_page, unknown_page, "the answer differs");
    known.sort();
    unknown.sort();
    let ratio = known[2].as_secs_f64() / unknown[2].as_secs_f64();
    eprintln!("median login: wrong password {:?}, no such account {:?} (ratio {ratio:.2})", known[2], unknown[2]);
    // The password check dominates both; without the decoy an unknown name answers in a
    // fraction of the time, a ratio of 10 or more.
    assert!((0.4..2.5).contains(&ratio), "a wrong password takes {ratio:.2} times as long as an unknown name");
}

#[tokio::test]
async fn password_resets_do_not_tell_who_has_an_account_by_answer_or_by_throttle() {
    let app = TestApp::sqlite().await;
    app.create_account("hermione", PASSWORD, false).await;
    let (known, unknown) = (app.browser(), app.browser());
    let mut answers = Vec::new();
    for _ in 0..8 {
        let k = known.post("/password/forgot", &[("login", "hermione")]).await;
        let u = unknown.post("/password/forgot", &[("login", "nobody-here")]).await;
        assert_eq!(k.status, u.status, "the two answers differ in status");
        assert_eq!(without_noise(&k.body, "hermione"), without_noise(&u.body, "nobody-here"), "the two answers differ");
        answers.push(k.status);
    }
    // The throttle that keeps the form from flooding an inbox holds for any name.
    assert!(answers.contains(&StatusCode::TOO_MANY_REQUESTS), "{answers:?}");
}

#[tokio::test]
async fn signing_up_with_an_address_that_has_an_account_looks_like_any_sign_up() {
    let app = TestApp::sqlite().await;
    app.create_account("pansy", PASSWORD, false).await;
    let browser = app.browser();
    let signup = |username: &'static str, email: &'static str| {
        let browser = &browser;
        async move {
            browser
                .post(
                    "/signup",
                    &[
                        ("username", username),
                        ("email", email),
                        ("password", PASSWORD),
                        ("password_confirmation", PASSWORD),
                    ],
                )
                .await
        }
    };
    let taken = signup("blaise", "PANSY@example.org").await;
    let fresh = signup("theodore", "theodore@example.org").await;
    assert_eq!(taken.status, fresh.status);
    assert_eq!(taken.status, StatusCode::CREATED);
    assert_eq!(
        without_noise(&taken.body.replace("PANSY@example.org", "ADDRESS"), "blaise"),
        without_noise(&fresh.body.replace("theodore@example.org", "ADDRESS"), "theodore")
    );
    // The address's owner hears of it; no account was made.
    let mail = app.store().mail_log(10).await.unwrap();
    let to_pansy =
        mail.iter().find(|m| m.recipient.eq_ignore_ascii_case("pansy@example.org")).expect("a mail to the owner");
    assert!(to_pansy.body.contains("already has an account"), "{}", to_pansy.body);
    assert!(flourish_store::AccountStore::account_by_login(app.store(), "blaise").await.unwrap().is_none());
}

#[tokio::test]
async fn pages_reached_by_a_one_time_link_send_no_referer() {
    let app = TestApp::sqlite().await;
    for path in [
        format!("/password/reset/{}", "a".repeat(64)),
        format!("/confirm/{}", "b".repeat(64)),
        format!("/setup/{}", "c".repeat(64)),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
    }
}

#[tokio::test]
async fn paths_that_climb_out_of_their_folder_find_nothing() {
    let app = TestApp::sqlite().await;
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/%2e%2e/Cargo.toml",
        "/static/..%2f..%2fCargo.toml",
        "/static/..%5c..%5cCargo.toml",
        "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/static/....//....//etc/passwd",
        "/static//etc/passwd",
        "/downloads/1/..%2f..%2f..%2fetc%2fpasswd",
        "/downloads/..%2f..%2fetc/passwd",
        "/downloads/1/%2e%2e",
    ] {
        let r = app.get(path).await;
        assert!(r.status == StatusCode::NOT_FOUND || r.status == StatusCode::BAD_REQUEST, "{path}: {}", r.status);
        assert!(!r.body.contains("root:") && !r.body.contains("[workspace]"), "{path} leaked a file");
    }
}

/// A zip of `files`, deflated, as an EPUB is packed (the mimetype first and stored).
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).unwrap();
    out.write_all(b"application/epub+zip").unwrap();
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        out.start_file(*name, deflated).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

const CONTAINER: &[u8] = br#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;

fn opf(doctype: &str, title: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0"?>{doctype}<package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title><dc:language>en</dc:language></metadata><manifest><item id="c" href="one.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c"/></spine></package>"#
    )
    .into_bytes()
}

/// The classic billion laughs: ten entities, each ten of the one before (10^9 "lol"s).
fn billion_laughs() -> String {
    let mut doctype = String::from("<!DOCTYPE package [<!ENTITY lol \"lol\">");
    doctype.push_str("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
    for i in 2..=9 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        doctype.push_str(&format!("<!ENTITY lol{i} \"{prev}\">"));
    }
    doctype.push_str("]>");
    doctype
}

/// Whether a page shows markup that could run: a script element or an event handler.
fn runs_script(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    lower.contains("<script>alert") || lower.contains("onerror=") || lower.contains("javascript:alert")
}

#[tokio::test]
async fn hostile_uploads_are_refused_or_defused_quickly_and_never_crash_the_importer() {
    let app = TestApp::sqlite().await;
    let writer = app.logged_in("archivist", PASSWORD).await;
    let chapter = b"<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>The owl came at dawn.</p><script>alert(1)</script><img src=x onerror=alert(1)></body></html>".to_vec();

    // A zip bomb: 60 MB of zeros packed into a few dozen kilobytes.
    let zeros = vec![0u8; 60 << 20];
    let bomb = zip_of(&[
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", &opf("", "Bomb")),
        ("OEBPS/one.xhtml", &zeros),
    ]);
    assert!(bomb.len() < 1 << 20);
    let started = Instant::now();
    let r = writer.upload("/works/import", "bomb.epub", &bomb).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", &r.body[..r.body.len().min(300)]);
    assert!(r.body.contains("zip bomb"), "a clear message");
    eprintln!("zip bomb refused in {:?}", started.elapsed());

    // Billion laughs in the package file and in a chapter: entities are not expanded.
    let laughs = billion_laughs();
    let laughing_chapter = format!(
        "<?xml version=\"1.0\"?>{}<html><body><p>&lol9;</p><p>The owl came.</p></body></html>",
        laughs.replace("package", "html")
    );
    let epub = zip_of(&[
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", &opf(&laughs, "Laughing &lol9;")),
        ("OEBPS/one.xhtml", laughing_chapter.as_bytes()),
    ]);
    let started = Instant::now();
    let r = writer.upload("/works/import", "laughs.epub", &epub).await;
    assert!(r.status == StatusCode::OK || r.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", r.status);
    assert!(!r.body.contains("lollollol"), "an entity was expanded");
    let r2 = writer.upload("/works/import", "laughs.html", laughing_chapter.as_bytes()).await;
    assert!(r2.status == StatusCode::OK || r2.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", r2.status);
    assert!(!r2.body.contains("lollollol"), "an entity was expanded");
    eprintln!("billion laughs handled in {:?}", started.elapsed());

    // A polyglot: HTML with a script in front of a real EPUB (zip readers read from the
    // end), uploaded under each name it could pass for.
    let mut polyglot = b"<html><body><script>alert(1)</script><p>Hello</p></body></html>\n".to_vec();
    polyglot.extend(zip_of(&[
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", &opf("", "Polyglot")),
        ("OEBPS/one.xhtml", &chapter),
    ]));
    // An image that is also a page: a PNG signature, then markup.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(
        b"<html><body><img src=x onerror=alert(1)><p>Hello</p><script>alert(1)</script></body></html>",
    );
    for (name, bytes) in [
        ("polyglot.epub", &polyglot),
        ("polyglot.html", &polyglot),
        ("polyglot.txt", &polyglot),
        ("picture.png", &png),
        ("picture.html", &png),
        ("picture.md", &png),
        ("chapter.xhtml", &chapter),
    ] {
        let r = writer.upload("/works/import", name, bytes).await;
        assert!(r.status == StatusCode::OK || r.status == StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.status);
        assert!(!runs_script(&r.body), "{name}: script survived: {}", r.body);
        if r.status == StatusCode::UNPROCESSABLE_ENTITY {
            assert!(r.body.contains("<h1>") || r.body.contains("class=\"errors\""), "{name}: a page that says why");
        }
    }
}
