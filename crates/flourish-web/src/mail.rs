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
