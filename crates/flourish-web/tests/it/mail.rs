//! With `mail.smtp_url` set, confirmation mail really goes out over SMTP. The server here
//! is a few lines that speak the protocol and keep what they are sent.

use axum::http::StatusCode;
use flourish_store::MailLogStore;
use flourish_testkit::{TestApp, TestDb};
use flourish_web::WebConfig;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Accepts SMTP sessions on a free port; every message's DATA is pushed to the vector.
pub(crate) async fn smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(data.take().unwrap_or_default());
                            write.write_all(b"250 2.0.0 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let reply: &[u8] = match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
                        Some("EHLO") => b"250-test\r\n250 8BITMIME\r\n",
                        Some("DATA") => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        Some("QUIT") => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, received)
}

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
