//! Accounts made for load tests.

use crate::{Store, StoreError, with_db};
use flourish_core::UserId;

pub trait SyntheticAccounts {
    /// Sets when an account joined. A load test's accounts are made a moment before it
    /// runs, but stand for readers who have been here a while: the limits on new accounts
    /// (three comments in 15 minutes) are not what it measures.
    async fn set_joined(&self, user: UserId, at: i64) -> Result<(), StoreError>;
}

impl SyntheticAccounts for Store {
    async fn set_joined(&self, user: UserId, at: i64) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("UPDATE users SET created_at = $2 WHERE id = $1").bind(user.0).bind(at).execute(db).await?;
        });
        Ok(())
    }
}
