//! A mail server for tests: a few lines that speak enough SMTP for lettre, and keep each
//! message they accept. Real mail goes over a real socket, so nothing about sending is
//! mocked away.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// What happens on the server, as [`smtp_server_then`] reports it. Sessions (connections)
/// are numbered from 1 in the order they were opened.
#[derive(Clone, Copy, Debug)]
pub enum SmtpEvent<'a> {
    Connected {
        session: usize,
    },
    /// Reported after the `250` reply has been written, so the sender has the acceptance in
    /// hand, unless it died first (a crash test kills the sender here).
    Accepted {
        session: usize,
        message: &'a str,
    },
}

pub type OnEvent = Arc<dyn Fn(SmtpEvent<'_>) + Send + Sync>;

/// Accepts SMTP sessions on a free port; every message's DATA is pushed to the vector.
pub async fn smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    smtp_server_then(Arc::new(|_| {})).await
}

/// [`smtp_server`], reporting each connection and each accepted message to `on_event`.
pub async fn smtp_server_then(on_event: OnEvent) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind an SMTP port");
    let port = listener.local_addr().expect("SMTP port").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        let mut sessions = 0;
        while let Ok((socket, _)) = listener.accept().await {
            sessions += 1;
            let session = sessions;
            on_event(SmtpEvent::Connected { session });
            let store = store.clone();
            let on_event = on_event.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                if write.write_all(b"220 test ESMTP\r\n").await.is_err() {
                    return;
                }
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            let message = data.take().unwrap_or_default();
                            store.lock().unwrap().push(message.clone());
                            if write.write_all(b"250 2.0.0 queued\r\n").await.is_err() {
                                return;
                            }
                            let _ = write.flush().await;
                            on_event(SmtpEvent::Accepted { session, message: &message });
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
                    if write.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, received)
}

/// A message's `Message-ID` header, if it has one.
pub fn message_id(message: &str) -> Option<&str> {
    message.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("message-id").then(|| value.trim())
    })
}
