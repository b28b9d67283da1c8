//! Mail sent, or written down when no SMTP server is set.

use super::*;

pub trait MailLogStore {
    async fn log_mail(&self, recipient: &str, subject: &str, body: &str, sent: bool) -> Result<(), StoreError>;
    async fn mail_log(&self, limit: u32) -> Result<Vec<MailRecord>, StoreError>;
}

impl MailLogStore for Store {
    async fn log_mail(&self, recipient: &str, subject: &str, body: &str, sent: bool) -> Result<(), StoreError> {
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            sqlx::query("INSERT INTO mail_log (recipient, subject, body, sent, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(recipient)
                .bind(subject)
                .bind(body)
                .bind(sent)
                .bind(now())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn mail_log(&self, limit: u32) -> Result<Vec<MailRecord>, StoreError> {
        let rows = with_db!(self, db => {
            sqlx::query_as(
                "SELECT id, recipient, subject, body, sent, created_at FROM mail_log ORDER BY id DESC LIMIT $1",
            )
            .bind(limit as i64)
            .fetch_all(db)
            .await?
        });
        Ok(rows)
    }
}
