//! Personal API tokens (only their hashes are stored).

use super::*;

pub trait ApiTokenStore {
    async fn create_api_token(&self, user: UserId, name: &str, token_hash: &str) -> Result<i64, StoreError>;
    async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError>;
    /// Revokes one of the account's tokens; false if it has no such token.
    async fn revoke_api_token(&self, user: UserId, id: i64) -> Result<bool, StoreError>;
    /// The account a token belongs to, marking the token used.
    async fn account_by_api_token(&self, token_hash: &str) -> Result<Option<Account>, StoreError>;
}

impl ApiTokenStore for Store {
    async fn create_api_token(&self, user: UserId, name: &str, token_hash: &str) -> Result<i64, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::invalid(
                "name",
                "Name the token (at most 100 characters), to tell your tokens apart.",
            ));
        }
        let (id,): (i64,) = with_db!(self, db => {
            sqlx::query_as("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(user.0)
                .bind(name)
                .bind(token_hash)
                .bind(now())
                .fetch_one(db)
                .await?
        });
        Ok(id)
    }

    async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let rows = with_db!(self, db => {
            sqlx::query_as("SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY id")
                .bind(user.0)
                .fetch_all(db)
                .await?
        });
        Ok(rows)
    }

    async fn revoke_api_token(&self, user: UserId, id: i64) -> Result<bool, StoreError> {
        let deleted: u64 = with_db!(self, db => {
            sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user.0)
                .execute(db)
                .await?
                .rows_affected()
        });
        Ok(deleted == 1)
    }

    async fn account_by_api_token(&self, token_hash: &str) -> Result<Option<Account>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            account: AccountRow,
            last_used_at: Option<i64>,
        }
        const SQL: &str = concat!(
            "SELECT ",
            account_columns!(),
            ", t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1"
        );
        let row: Option<Row> = with_db!(self, db => sqlx::query_as(SQL).bind(token_hash).fetch_optional(db).await?);
        let Some(row) = row else { return Ok(None) };
        // A use is recorded at most once a minute: a write on every API request would take
        // SQLite's write lock for every read a script makes.
        let at = now();
        if row.last_used_at.is_none_or(|t| t < at - 60) {
            with_db!(self, db => {
                let (_turn, mut tx) = db.begin_write().await?;
                sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            });
        }
        Ok(Some(row.account.into_account()))
    }
}
