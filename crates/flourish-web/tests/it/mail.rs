//! With `mail.smtp_url` set, confirmation mail really goes out over SMTP, to the test
//! kit's local mail server.

use axum::http::StatusCode;
use flourish_store::MailLogStore;
use flourish_testkit::smtp::smtp_server;
use flourish_testkit::{TestApp, TestDb};
use flourish_web::WebConfig;

#[tokio::test]
async fn confirmation_mail_is_sent_over_smtp_when_a_server_is_set() {
    let (port, received) = smtp_server().await;
    let config = WebConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        mail_from: "Flourish <noreply@archive.example.org>".into(),
        ..TestApp::config()
    };
    let app = TestApp::with_config(TestDb::sqlite().await, config).await;
    let browser = app.browser();
    let password = "mandrakes remember everything";
    let r = browser
        .post(
            "/signup",
            &[
                ("username", "neville"),
                ("email", "neville@example.org"),
                ("password", password),
                ("password_confirmation", password),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert!(message.contains("To: neville@example.org"), "{message}");
    assert!(message.contains("Subject: Confirm your Flourish account"), "{message}");
    assert!(message.contains("/confirm/"), "{message}");
    let log = app.store().mail_log(5).await.unwrap();
    assert!(log[0].sent, "recorded as sent, so the admin page does not list it as waiting");
}
