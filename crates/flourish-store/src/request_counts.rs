//! The request limit's shared counts (see the web crate's `rate_limit`): requests per
//! client per fixed window, added to by every node.

use crate::{Store, StoreError, with_db};

impl Store {
    /// Whether more than one node may be counting: the shared counts are needed.
    pub fn is_shared(&self) -> bool {
        self.backend() == crate::Backend::Postgres
    }

    /// Adds `delta` requests of `client` in the window that starts at `window` (Unix
    /// seconds) and returns the window's total for it, every node's requests included.
    pub async fn count_requests(&self, client: &str, window: i64, delta: i64) -> Result<i64, StoreError> {
        const SQL: &str = "INSERT INTO request_counts (client, window_start, count) VALUES ($1, $2, $3) \
             ON CONFLICT (client, window_start) DO UPDATE SET count = request_counts.count + excluded.count \
             RETURNING count";
        let (total,): (i64,) = with_db!(self, db => {
            sqlx::query_as(SQL).bind(client).bind(window).bind(delta).fetch_one(db).await?
        });
        Ok(total)
    }

    /// Forgets the counts of windows that started before `window`.
    pub async fn forget_request_counts(&self, window: i64) -> Result<u64, StoreError> {
        let done = with_db!(self, db => {
            sqlx::query("DELETE FROM request_counts WHERE window_start < $1").bind(window).execute(db).await?.rows_affected()
        });
        Ok(done)
    }
}
