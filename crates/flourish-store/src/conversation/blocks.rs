//! Blocking: a user keeps another away from their works and comments, silently.

use crate::{Store, StoreError, now, with_db};
use flourish_core::UserId;

/// Accounts one user may block.
pub const MAX_BLOCKS: u64 = 2_000;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct BlockedAccount {
    pub user_id: i64,
    pub username: String,
    pub created_at: i64,
}

pub trait BlockStore {
    /// Blocks `blocked` for `blocker`. Blocking oneself is invalid; past [`MAX_BLOCKS`] a
    /// conflict; blocking again changes nothing.
    async fn block(&self, blocker: UserId, blocked: UserId) -> Result<(), StoreError>;
    async fn unblock(&self, blocker: UserId, blocked: UserId) -> Result<(), StoreError>;
    async fn blocked_accounts(&self, blocker: UserId) -> Result<Vec<BlockedAccount>, StoreError>;
    async fn is_blocked(&self, blocker: UserId, blocked: UserId) -> Result<bool, StoreError>;
}

impl BlockStore for Store {
    async fn block(&self, blocker: UserId, blocked: UserId) -> Result<(), StoreError> {
        if blocker == blocked {
            return Err(StoreError::invalid("username", "You can't block yourself."));
        }
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let (count,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM blocks WHERE blocker_id = $1").bind(blocker.0).fetch_one(&mut *tx).await?;
            if count as u64 >= MAX_BLOCKS {
                return Err(StoreError::Conflict(format!(
                    "You have blocked {MAX_BLOCKS} accounts, the most you can; unblock someone first."
                )));
            }
            let exists: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM users WHERE id = $1").bind(blocked.0).fetch_optional(&mut *tx).await?;
            if exists.is_none() {
                return Err(StoreError::invalid("username", "There is no such account."));
            }
            sqlx::query("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(blocker.0)
                .bind(blocked.0)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn unblock(&self, blocker: UserId, blocked: UserId) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
                .bind(blocker.0)
                .bind(blocked.0)
                .execute(db)
                .await?;
        });
        Ok(())
    }

    async fn blocked_accounts(&self, blocker: UserId) -> Result<Vec<BlockedAccount>, StoreError> {
        let rows = with_db!(self, db => {
            sqlx::query_as(
                "SELECT b.blocked_id AS user_id, u.username, b.created_at FROM blocks b JOIN users u ON u.id = b.blocked_id \
                 WHERE b.blocker_id = $1 ORDER BY u.username_key",
            )
            .bind(blocker.0)
            .fetch_all(db)
            .await?
        });
        Ok(rows)
    }

    async fn is_blocked(&self, blocker: UserId, blocked: UserId) -> Result<bool, StoreError> {
        let found: Option<(i64,)> = with_db!(self, db => {
            sqlx::query_as("SELECT blocker_id FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
                .bind(blocker.0)
                .bind(blocked.0)
                .fetch_optional(db)
                .await?
        });
        Ok(found.is_some())
    }
}
