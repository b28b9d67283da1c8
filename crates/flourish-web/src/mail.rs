//! Mail the archive sends: confirmation, password-reset and invitation links. With SMTP
//! set in `flourish.toml` it is sent; without, it is written to the log and kept for the
//! admin page, so a small archive works without a mail server. Every message is kept in
//! the mail log either way.

use flourish_store::MailLogStore;
use flourish_store::Store;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Clone)]
pub struct Mailer {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("invalid mail.smtp_url: {0}")]
    Url(String),
    #[error("invalid mail.from {0:?}: use an address such as \"Archive <noreply@example.org>\"")]
    From(String),
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtps://user:password@host` or `smtp://host:25`.
    pub fn new(smtp_url: Option<&str>, from: &str) -> Result<Mailer, MailConfigError> {
        let smtp = smtp_url
            .filter(|u| !u.trim().is_empty())
            .map(|url| AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map(|b| b.build()))
            .transpose()
            .map_err(|e| MailConfigError::Url(e.to_string()))?;
        let from = from.parse().map_err(|_| MailConfigError::From(from.to_owned()))?;
        Ok(Mailer { smtp, from })
    }

    /// No SMTP: every message goes to the log and the admin page.
    pub fn log_only() -> Mailer {
        Mailer { smtp: None, from: "Flourish <noreply@localhost>".parse().expect("valid address") }
    }

    /// The domain of the archive's sending address, for `Message-ID`s.
    pub fn domain(&self) -> String {
        self.from.email.domain().to_owned()
    }

    /// Whether an SMTP server is set.
    pub fn can_send(&self) -> bool {
        self.smtp.is_some()
    }

    /// Sends one queued message (the job worker's path): with the job's own `Message-ID`,
    /// so a message sent twice after a crash folds into one in mail clients, and with
    /// RFC 8058 one-click unsubscribe headers when `unsubscribe` is given. `Ok(false)` means
    /// no SMTP server is set and the message went to the mail log instead; an error is
    /// worth trying again.
    pub async fn send_queued(&self, store: &Store, mail: &QueuedMail<'_>) -> Result<bool, String> {
        let Some(smtp) = &self.smtp else {
            tracing::warn!(
                to = mail.to,
                subject = mail.subject,
                "mail not sent (no SMTP server set): listed on the admin page"
            );
            store.log_mail(mail.to, mail.subject, mail.body, false).await.map_err(|e| e.to_string())?;
            return Ok(false);
        };
        let to: Mailbox = mail.to.parse().map_err(|e| format!("bad address {:?}: {e}", mail.to))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .message_id(Some(mail.message_id.clone()));
        if let Some(url) = &mail.unsubscribe {
            builder = builder.header(ListUnsubscribe(format!("<{url}>"))).header(ListUnsubscribePost);
        }
        let message = builder.body(mail.body.to_owned()).map_err(|e| e.to_string())?;
        smtp.send(message).await.map_err(|e| e.to_string())?;
        // Sent: a failure to note it in the mail log must not make the job send it again.
        if let Err(e) = store.log_mail(mail.to, mail.subject, mail.body, true).await {
            tracing::error!(error = %e, to = mail.to, "mail sent, but it could not be written to the mail log");
        }
        Ok(true)
    }

    /// Sends (or logs) a message. Failure to send is logged, never the caller's error: the
    /// link is on the admin page either way.
    pub async fn send(&self, store: &Store, to: &str, subject: &str, body: &str) {
        let sent = match (&self.smtp, to.parse::<Mailbox>()) {
            (Some(smtp), Ok(mailbox)) => {
                let message =
                    Message::builder().from(self.from.clone()).to(mailbox).subject(subject).body(body.to_owned());
                match message {
                    Ok(m) => match smtp.send(m).await {
                        Ok(_) => true,
                        Err(e) => {
                            tracing::error!(error = %e, to, subject, "cannot send mail; it is listed on the admin page");
                            false
                        }
                    },
                    Err(e) => {
                        tracing::error!(error = %e, to, "cannot build mail");
                        false
                    }
                }
            }
            _ => {
                tracing::warn!(to, subject, body, "mail not sent (no SMTP server set): listed on the admin page");
                false
            }
        };
        if let Err(e) = store.log_mail(to, subject, body, sent).await {
            tracing::error!(error = %e, "cannot record mail in the mail log");
        }
    }
}

/// A message from the job queue.
pub struct QueuedMail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// `<…@domain>`, the same on every attempt.
    pub message_id: String,
    /// The one-click unsubscribe URL.
    pub unsubscribe: Option<String>,
}

/// `List-Unsubscribe` (RFC 2369), which lettre has no type for.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl lettre::message::header::Header for ListUnsubscribe {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_owned()))
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Clone)]
struct ListUnsubscribePost;

impl lettre::message::header::Header for ListUnsubscribePost {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}
