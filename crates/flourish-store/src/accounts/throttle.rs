//! Failed logins, counted in the database so the limit holds across nodes.

use super::*;

/// Rows older than this are deleted when new failures are recorded; no throttle looks
/// further back.
const FAILURES_KEPT_SECS: i64 = 3600;

pub trait LoginThrottle {
    /// Failed logins per key since `since` (Unix seconds), in the order of `keys`.
    async fn login_failures(&self, keys: &[String], since: i64) -> Result<Vec<u64>, StoreError>;
    async fn record_login_failure(&self, keys: &[String]) -> Result<(), StoreError>;
    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError>;
}

impl LoginThrottle for Store {
    async fn login_failures(&self, keys: &[String], since: i64) -> Result<Vec<u64>, StoreError> {
        let mut counts = Vec::with_capacity(keys.len());
        for key in keys {
            let (n,): (i64,) = with_db!(self, db => {
                sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE throttle_key = $1 AND at > $2")
                    .bind(key)
                    .bind(since)
                    .fetch_one(db)
                    .await?
            });
            counts.push(n as u64);
        }
        Ok(counts)
    }

    async fn record_login_failure(&self, keys: &[String]) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            for key in keys {
                sqlx::query("INSERT INTO login_failures (throttle_key, at) VALUES ($1, $2)")
                    .bind(key)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM login_failures WHERE at < $1")
                .bind(at - FAILURES_KEPT_SECS)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1").bind(key).execute(db).await?;
        });
        Ok(())
    }
}
