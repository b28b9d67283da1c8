//! Invitation codes and the queue of people asking for one.

use super::*;

pub trait InvitationStore {
    async fn create_invitation(&self, code: &str, email: Option<&str>, by: Option<UserId>) -> Result<(), StoreError>;
    async fn invitation_usable(&self, code: &str) -> Result<bool, StoreError>;
    async fn invitations(&self, limit: u32) -> Result<Vec<Invitation>, StoreError>;
    /// Queues a request for an invitation; one per email.
    async fn request_invitation(&self, email: &str, reason: &str) -> Result<(), StoreError>;
    async fn pending_requests(&self) -> Result<Vec<AccountRequest>, StoreError>;
    /// Marks a pending request `invited` or `declined`; `None` if it was not pending.
    async fn resolve_request(&self, id: i64, status: &str) -> Result<Option<AccountRequest>, StoreError>;
}

impl InvitationStore for Store {
    async fn create_invitation(&self, code: &str, email: Option<&str>, by: Option<UserId>) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("INSERT INTO invitations (code, email, created_by, created_at) VALUES ($1, $2, $3, $4)")
                .bind(code)
                .bind(email)
                .bind(by.map(|u| u.0))
                .bind(now())
                .execute(db)
                .await?;
        });
        Ok(())
    }

    async fn invitation_usable(&self, code: &str) -> Result<bool, StoreError> {
        let row: Option<(String,)> = with_db!(self, db => {
            sqlx::query_as("SELECT code FROM invitations WHERE code = $1 AND used_at IS NULL")
                .bind(code.trim())
                .fetch_optional(db)
                .await?
        });
        Ok(row.is_some())
    }

    async fn invitations(&self, limit: u32) -> Result<Vec<Invitation>, StoreError> {
        let rows = with_db!(self, db => {
            sqlx::query_as(
                "SELECT i.code, i.email, i.created_at, u.username AS used_by, i.used_at FROM invitations i \
                 LEFT JOIN users u ON u.id = i.used_by ORDER BY i.created_at DESC, i.code LIMIT $1",
            )
            .bind(limit as i64)
            .fetch_all(db)
            .await?
        });
        Ok(rows)
    }

    async fn request_invitation(&self, email: &str, reason: &str) -> Result<(), StoreError> {
        if !is_plausible_email(email.trim()) {
            return Err(StoreError::invalid("email", "Enter an email address such as name@example.org."));
        }
        if reason.chars().count() > 1000 {
            return Err(StoreError::invalid("reason", "Tell us in at most 1,000 characters."));
        }
        let result: Result<(), sqlx::Error> = with_db!(self, db => {
            sqlx::query("INSERT INTO account_requests (email, email_key, reason, created_at) VALUES ($1, $2, $3, $4)")
                .bind(email.trim())
                .bind(name_key(email))
                .bind(reason.trim())
                .bind(now())
                .execute(db)
                .await
                .map(|_| ())
        });
        match result {
            Ok(()) => Ok(()),
            Err(e) if is_unique_violation(&e) => {
                Err(StoreError::invalid("email", "This address is already in the queue; we will write to it."))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn pending_requests(&self) -> Result<Vec<AccountRequest>, StoreError> {
        let rows = with_db!(self, db => {
            sqlx::query_as(
                "SELECT id, email, reason, status, created_at FROM account_requests WHERE status = 'pending' ORDER BY id",
            )
            .fetch_all(db)
            .await?
        });
        Ok(rows)
    }

    async fn resolve_request(&self, id: i64, status: &str) -> Result<Option<AccountRequest>, StoreError> {
        let row = with_db!(self, db => {
            sqlx::query_as(
                "UPDATE account_requests SET status = $2 WHERE id = $1 AND status = 'pending' \
                 RETURNING id, email, reason, status, created_at",
            )
            .bind(id)
            .bind(status)
            .fetch_optional(db)
            .await?
        });
        Ok(row)
    }
}
