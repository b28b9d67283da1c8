//! Reading the outbox.

use crate::traits::{OutboxEntry, OutboxStore};
use crate::{Store, StoreError, with_db};
use flourish_core::WorkId;

impl OutboxStore for Store {
    async fn outbox_after(&self, after: i64, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows: Vec<(i64, i64, i64, bool)> = with_db!(self, db => {
            sqlx::query_as("SELECT id, work_id, version, counts_only FROM outbox WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(db)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, work, version, counts_only)| OutboxEntry { id, work: WorkId(work), version, counts_only })
            .collect())
    }

    async fn outbox_head(&self) -> Result<i64, StoreError> {
        let (head,): (i64,) =
            with_db!(self, db => sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM outbox").fetch_one(db).await?);
        Ok(head)
    }
}
