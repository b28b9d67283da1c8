//! The audit log: admin actions and account-security events.

use super::*;

pub trait AuditStore {
    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    async fn audit_log(&self, page: u32, per_page: u32) -> Result<Page<AuditEntry>, StoreError>;
}

impl AuditStore for Store {
    async fn audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query(
                "INSERT INTO audit_log (at, actor, action, target, detail, address) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(now())
            .bind(&e.actor)
            .bind(&e.action)
            .bind(&e.target)
            .bind(&e.detail)
            .bind(&e.address)
            .execute(db)
            .await?;
        });
        Ok(())
    }

    async fn audit_log(&self, page: u32, per_page: u32) -> Result<Page<AuditEntry>, StoreError> {
        let (items, total): (Vec<AuditEntry>, i64) = with_db!(self, db => {
            let items = sqlx::query_as(
                "SELECT id, at, actor, action, target, detail, address FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2",
            )
            .bind(per_page as i64)
            .bind(Page::<()>::offset(page, per_page))
            .fetch_all(db)
            .await?;
            let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(db).await?;
            (items, total)
        });
        Ok(Page { items, page: page.max(1), per_page, total: total as u64 })
    }
}
