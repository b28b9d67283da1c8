//! Accounts made for load tests.

use crate::{Store, StoreError, with_db};
use flourish_core::UserId;

pub trait SyntheticAccounts {
    /// Sets when an account joined. A load test's accounts are made a moment before it
    /// runs, but stand for readers who have been here a while: the limits on new accounts
    /// (three comments in 15 minutes) are not what it measures.
    async fn set_joined(&self, user: UserId, at: i64) -> Result<(), StoreError>;
    /// Makes `count` accounts `{prefix}1…` (no password: they never log in) that follow
    /// `work`, every `digest_every`-th of them by the email digest and the rest by email at
    /// once: the subscriptions benchmark's followers, in bulk statements. Returns the first
    /// new account's id.
    async fn seed_followers(
        &self,
        work: flourish_core::WorkId,
        prefix: &str,
        count: u32,
        digest_every: u32,
    ) -> Result<i64, StoreError>;
}

impl SyntheticAccounts for Store {
    async fn set_joined(&self, user: UserId, at: i64) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("UPDATE users SET created_at = $2 WHERE id = $1").bind(user.0).bind(at).execute(db).await?;
        });
        Ok(())
    }

    async fn seed_followers(
        &self,
        work: flourish_core::WorkId,
        prefix: &str,
        count: u32,
        digest_every: u32,
    ) -> Result<i64, StoreError> {
        let at = crate::now();
        let first = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM users").fetch_one(&mut *tx).await?;
            for start in (0..count).step_by(5_000) {
                let n = (count - start).min(5_000);
                let rows: Vec<String> = (0..n)
                    .map(|i| {
                        let k = start + i + 1;
                        format!("('{prefix}{k}', '{prefix}{k}', {at}, '{prefix}{k}@example.org', '{prefix}{k}@example.org', TRUE, FALSE, 'active')")
                    })
                    .collect();
                let sql = format!(
                    "INSERT INTO users (username, username_key, created_at, email, email_key, confirmed, is_admin, status) VALUES {}",
                    rows.join(", ")
                );
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
            }
            let last = first + i64::from(count) - 1;
            sqlx::query(
                "INSERT INTO subscriptions (user_id, kind, target_id, query, name, checked_until, created_at) \
                 SELECT id, 'work', $3, '', '', $4, $4 FROM users WHERE id BETWEEN $1 AND $2",
            )
            .bind(first)
            .bind(last)
            .bind(work.0)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO notification_prefs (user_id, kind, channel) \
                 SELECT id, 'subscription', 'digest' FROM users WHERE id BETWEEN $1 AND $2 AND id % $3 = 0",
            )
            .bind(first)
            .bind(last)
            .bind(i64::from(digest_every.max(1)))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            first
        });
        Ok(first)
    }
}
