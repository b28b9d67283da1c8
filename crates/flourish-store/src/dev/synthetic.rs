//! Reader statistics set directly on generated works.

use crate::changes::{Changed, works_changed};
use crate::{Store, StoreError, with_db};
use flourish_core::{WorkId, WorkStats};

pub trait SyntheticStats {
    /// Sets reader statistics, word counts and updated dates (Unix seconds) directly,
    /// through the outbox. Only generated archives use it: a generated million works
    /// cannot carry 500,000 words of text each, nor be read a million times.
    async fn set_synthetic_stats(&self, works: &[(WorkId, WorkStats, u64, i64)]) -> Result<(), StoreError>;
}

impl SyntheticStats for Store {
    async fn set_synthetic_stats(&self, works: &[(WorkId, WorkStats, u64, i64)]) -> Result<(), StoreError> {
        let at = crate::now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            for (id, stats, words, updated_at) in works {
                sqlx::query(
                    "UPDATE works SET hits = $2, kudos = $3, comments = $4, bookmarks = $5, word_count = $6, \
                     updated_at = $7 WHERE id = $1",
                )
                .bind(id.0)
                .bind(stats.hits as i64)
                .bind(stats.kudos as i64)
                .bind(stats.comments as i64)
                .bind(stats.bookmarks as i64)
                .bind(*words as i64)
                .bind(*updated_at)
                .execute(&mut *tx)
                .await?;
                works_changed(&mut tx, Changed::Work(id.0), at).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
