//! Login sessions, kept in the database so any node serves any session.

use super::*;

pub trait SessionStore {
    async fn create_session(
        &self,
        id_hash: &str,
        user: UserId,
        expires_at: i64,
        remember: bool,
    ) -> Result<(), StoreError>;
    /// The session and its account, if the session exists and has not expired.
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError>;
    async fn extend_session(&self, id_hash: &str, expires_at: i64) -> Result<(), StoreError>;
    async fn end_session(&self, id_hash: &str) -> Result<(), StoreError>;
    async fn end_sessions(&self, user: UserId) -> Result<(), StoreError>;
}

impl SessionStore for Store {
    async fn create_session(
        &self,
        id_hash: &str,
        user: UserId,
        expires_at: i64,
        remember: bool,
    ) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("INSERT INTO sessions (id_hash, user_id, created_at, expires_at, remember) VALUES ($1, $2, $3, $4, $5)")
                .bind(id_hash)
                .bind(user.0)
                .bind(now())
                .bind(expires_at)
                .bind(remember)
                .execute(db)
                .await?;
        });
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            account: AccountRow,
            expires_at: i64,
            remember: bool,
        }
        const SQL: &str = concat!(
            "SELECT ",
            account_columns!(),
            ", s.expires_at, s.remember FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2"
        );
        let row: Option<Row> =
            with_db!(self, db => sqlx::query_as(SQL).bind(id_hash).bind(now()).fetch_optional(db).await?);
        Ok(row.map(|r| SessionRecord {
            account: r.account.into_account(),
            expires_at: r.expires_at,
            remember: r.remember,
        }))
    }

    async fn extend_session(&self, id_hash: &str, expires_at: i64) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("UPDATE sessions SET expires_at = $2 WHERE id_hash = $1")
                .bind(id_hash)
                .bind(expires_at)
                .execute(db)
                .await?;
        });
        Ok(())
    }

    async fn end_session(&self, id_hash: &str) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(db).await?;
            // Expired sessions go whenever someone logs out; no timer needed.
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now()).execute(db).await?;
        });
        Ok(())
    }

    async fn end_sessions(&self, user: UserId) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(db).await?;
        });
        Ok(())
    }
}
