//! One-time links: email confirmation, password reset, the first admin's setup.

use super::*;

pub trait OneTimeLinkStore {
    async fn create_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        user: Option<UserId>,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// Whether the token is unused and unexpired: `Some(user)` if so. Nothing changes.
    async fn check_token(&self, token_hash: &str, purpose: TokenPurpose) -> Result<Option<Option<UserId>>, StoreError>;
    /// Uses the token up, atomically: of two requests with the same link, one wins.
    async fn use_token(&self, token_hash: &str, purpose: TokenPurpose) -> Result<Option<Option<UserId>>, StoreError>;
}

impl OneTimeLinkStore for Store {
    async fn create_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        user: Option<UserId>,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query(
                "INSERT INTO account_tokens (token_hash, purpose, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(user.map(|u| u.0))
            .bind(now())
            .bind(expires_at)
            .execute(db)
            .await?;
        });
        Ok(())
    }

    async fn check_token(&self, token_hash: &str, purpose: TokenPurpose) -> Result<Option<Option<UserId>>, StoreError> {
        let row: Option<(Option<i64>,)> = with_db!(self, db => {
            sqlx::query_as(
                "SELECT user_id FROM account_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
            )
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(now())
            .fetch_optional(db)
            .await?
        });
        Ok(row.map(|(u,)| u.map(UserId)))
    }

    async fn use_token(&self, token_hash: &str, purpose: TokenPurpose) -> Result<Option<Option<UserId>>, StoreError> {
        let at = now();
        let row: Option<(Option<i64>,)> = with_db!(self, db => {
            sqlx::query_as(
                "UPDATE account_tokens SET used_at = $3 \
                 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
            )
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(at)
            .fetch_optional(db)
            .await?
        });
        Ok(row.map(|(u,)| u.map(UserId)))
    }
}
