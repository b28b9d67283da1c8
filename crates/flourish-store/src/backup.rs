//! Online backups of a SQLite archive, and the checks a restore makes.
//!
//! `VACUUM INTO` writes a compacted copy of the database as one read transaction sees it:
//! a consistent snapshot, taken while the server keeps writing (in WAL mode writers do not
//! wait for readers). PostgreSQL has its own tools for this (`pg_dump`, `pg_basebackup`),
//! which the README explains; the store refuses rather than pretend.

use crate::backend::Db;
use crate::{Store, StoreError};
use std::path::Path;

/// Rows per table, as a backup's manifest records them and a restore checks them.
pub type TableRows = std::collections::BTreeMap<String, u64>;

const POSTGRES: &str = "flourish backup and restore copy SQLite archives. On PostgreSQL use the database's own tools \
     (pg_dump for a logical backup, pg_basebackup for a physical one) or `flourish export --all`; the README explains";

impl Store {
    /// Writes a consistent copy of the whole database to `file`, which must not exist.
    pub async fn backup_into(&self, file: &Path) -> Result<(), StoreError> {
        let Db::Sqlite(pool) = &self.db else { return Err(StoreError::Archive(POSTGRES.into())) };
        let path = file.to_str().ok_or_else(|| StoreError::Archive(format!("{} is not UTF-8", file.display())))?;
        sqlx::query("VACUUM INTO ?").bind(path).execute(pool).await?;
        Ok(())
    }

    /// How many rows each table holds (SQLite only).
    pub async fn table_rows(&self) -> Result<TableRows, StoreError> {
        let Db::Sqlite(pool) = &self.db else { return Err(StoreError::Archive(POSTGRES.into())) };
        let mut rows = TableRows::new();
        for table in sqlite_tables(pool).await? {
            let sql = format!("SELECT COUNT(*) FROM {}", quote_identifier(&table));
            let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await?;
            rows.insert(table, n as u64);
        }
        Ok(rows)
    }

    /// SQLite's own check of every page and index: `Ok` when it finds nothing wrong, or
    /// the problems it lists.
    pub async fn integrity_check(&self) -> Result<Result<(), Vec<String>>, StoreError> {
        let Db::Sqlite(pool) = &self.db else { return Err(StoreError::Archive(POSTGRES.into())) };
        let problems: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check").fetch_all(pool).await?;
        let mut problems: Vec<String> = problems.into_iter().map(|(p,)| p).filter(|p| p != "ok").collect();
        let broken_links: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check").fetch_all(pool).await?;
        problems
            .extend(broken_links.into_iter().map(|(t,)| format!("a row of {t} points at a row that does not exist")));
        Ok(if problems.is_empty() { Ok(()) } else { Err(problems) })
    }
}

/// The tables of a SQLite database, SQLite's own excepted.
pub(crate) async fn sqlite_tables(pool: &sqlx::SqlitePool) -> Result<Vec<String>, StoreError> {
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    Ok(tables.into_iter().map(|(t,)| t).collect())
}

/// `name` as a SQLite identifier, whatever it holds.
pub(crate) fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
