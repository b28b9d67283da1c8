//! What two SQLite databases hold, table by table, for tests that compare a backup or a
//! restore with its source.

use crate::backend::Db;
use crate::backup::{quote_identifier, sqlite_tables};
use crate::{Store, StoreError};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A table's row count and the SHA-256 of its rows, each written out by SQLite's `quote()`
/// and sorted on every column: rowids are left out, since `VACUUM INTO` may renumber those
/// of tables that do not name them.
pub type TableDigests = BTreeMap<String, (u64, String)>;

impl Store {
    pub async fn table_digests(&self) -> Result<TableDigests, StoreError> {
        let Db::Sqlite(pool) = &self.db else { return Err(StoreError::Archive("SQLite only".into())) };
        let mut digests = TableDigests::new();
        for table in sqlite_tables(pool).await? {
            let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(&table)
                .fetch_all(pool)
                .await?;
            let row = columns
                .iter()
                .map(|(c,)| format!("quote({})", quote_identifier(c)))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let sql = format!("SELECT {row} FROM {} ORDER BY 1", quote_identifier(&table));
            let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?;
            let mut hash = Sha256::new();
            for (row,) in &rows {
                hash.update(row.as_bytes());
                hash.update(b"\n");
            }
            let hex = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
            digests.insert(table, (rows.len() as u64, hex));
        }
        Ok(digests)
    }
}
