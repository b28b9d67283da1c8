//! Choosing and opening a backend from its URL: SQLite pragmas, PostgreSQL pool settings,
//! migrations, and the checks that keep Flourish from writing into a file it does not own.

use crate::StoreError;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

/// `PRAGMA application_id` of a Flourish SQLite database: "FLRS".
const SQLITE_APPLICATION_ID: i64 = 0x464C_5253;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Memory the database connections may hold, set by the operator (`database_cache_mb`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tuning {
    /// SQLite's page cache, in MiB, over all the pool's connections together.
    pub sqlite_cache_mb: u32,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning { sqlite_cache_mb: 16 }
    }
}

/// Connections in the SQLite pool.
const SQLITE_CONNECTIONS: u32 = 8;

// No memory map (`PRAGMA mmap_size`): in WAL mode SQLite unmaps a connection's whole map
// whenever another connection has written since its last read, and maps it again at the
// next read. Under the soak's writes (about 50 a second) the server unmapped and remapped
// the 150 MB file some 200 times a second (strace), and every page read after that was a
// fault. On the same archive and load, one run each way twice: a p99 of 141 and 146 ms
// with the map, 112 and 105 ms without; capacity 607/740 against 640/688 req/s (the
// machine's spread); anonymous memory the same (about 245 MiB).

impl Db {
    pub(crate) async fn connect(url: &str, tuning: Tuning) -> Result<Db, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => connect_sqlite(url, tuning).await.map(Db::Sqlite),
            "postgres" | "postgresql" => connect_postgres(url).await.map(Db::Postgres),
            _ => Err(StoreError::UnsupportedUrl { url: redact_url(url) }),
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) async fn migrate(&self) -> Result<usize, StoreError> {
        // Count what was applied before, since `Migrator::run` does not say what it did.
        const APPLIED: &str = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        let (total, before) = match self {
            Db::Sqlite(pool) => {
                let before: Option<(i64,)> = sqlx::query_as(APPLIED).fetch_optional(pool).await.ok().flatten();
                SQLITE_MIGRATIONS.run(pool).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA application_id = {SQLITE_APPLICATION_ID}")))
                    .execute(pool)
                    .await?;
                (SQLITE_MIGRATIONS.iter().count(), before)
            }
            Db::Postgres(pool) => {
                let before: Option<(i64,)> = sqlx::query_as(APPLIED).fetch_optional(pool).await.ok().flatten();
                POSTGRES_MIGRATIONS.run(pool).await?;
                (POSTGRES_MIGRATIONS.iter().count(), before)
            }
        };
        Ok(total.saturating_sub(before.map_or(0, |(n,)| n as usize)))
    }
}

async fn connect_sqlite(url: &str, tuning: Tuning) -> Result<SqlitePool, StoreError> {
    let options =
        SqliteConnectOptions::from_str(url).map_err(|_| StoreError::UnsupportedUrl { url: url.to_owned() })?;
    let path = options.get_filename().to_path_buf();
    let in_memory = path.as_os_str().is_empty() || path.to_string_lossy().contains(":memory:");
    if !in_memory {
        prepare_data_dir(&path)?;
        refuse_non_sqlite_file(&path)?;
    }
    // Pragmas are set here and only here, for every connection the pool opens.
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // A negative size is in KiB. SQLite empties a connection's cache when another has
        // written since its last read (WAL mode), so under steady writes a large cache is
        // mostly refilled, not reused; pages missed come from the kernel's file cache.
        .pragma("cache_size", format!("-{}", (tuning.sqlite_cache_mb.max(1) * 1024 / SQLITE_CONNECTIONS).max(64)))
        .pragma("temp_store", "memory")
        // Rows cross from SQLite's thread to the caller through a channel, and a full channel
        // puts that thread to sleep until the caller drains it (sqlx's default holds 50).
        // perf of a reindex, which reads the archive in batches of 500 works, showed that
        // thread's time going to futex wake-ups. Measured together with reading a batch's
        // creators and series by id range, not alone: the reindex went from 115.8 s to
        // 100.3 s at 1,000,000 works. Small results never fill it, so it costs nothing there.
        .row_buffer_size(1024)
        // Checkpoints run beside the requests (`checkpoint_in_background`), not inside the
        // commit that happens to cross the log's threshold: that threshold is set high, a
        // safety net only (see `WAL_SAFETY_PAGES`).
        .pragma("wal_autocheckpoint", WAL_SAFETY_PAGES);
    let pool = SqlitePoolOptions::new()
        .max_connections(SQLITE_CONNECTIONS)
        .min_connections(1)
        // SQLite rolls a transaction back by itself when the disk fills (SQLITE_FULL); the
        // ROLLBACK sqlx then sends fails, and sqlx still counts the connection as inside a
        // transaction, so every later BEGIN on it failed, even once there was room again.
        // Such a connection is closed instead of handed out.
        .before_acquire(|conn, _| Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(conn)) }))
        .connect_with(options)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(ref db) if db.message().contains("not a database") => {
                StoreError::ForeignDatabase { path: path.clone(), reason: "it is not an SQLite database".into() }
            }
            source => StoreError::Connect { url: url.to_owned(), source },
        })?;
    if !in_memory {
        refuse_foreign_sqlite(&pool, &path).await?;
    }
    checkpoint_in_background(pool.clone());
    Ok(pool)
}

/// The write-ahead log's size, in 4 KiB pages, past which the commit that crosses it
/// checkpoints itself (64 MiB). A PASSIVE checkpoint beside a writer that never pauses
/// (`flourish dev gen-corpus`, a large import) copies frames but never gets the log back to
/// its start, and the log grew to 6.7 GB in ninety seconds; in the writer's own commit the
/// checkpoint completes, and the next transaction starts the log over. The background
/// task keeps the log far below this in a server's ordinary traffic.
const WAL_SAFETY_PAGES: &str = "16384";

/// How often the write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// SQLite copies its write-ahead log back into the database file in a checkpoint. Left to
/// itself, it does so inside the commit that takes the log past 1,000 pages, and that
/// writer (a reader posting a comment) waits for the copy and its fsync: under steady
/// writes, a stall of a few hundred milliseconds every few seconds (the conversation
/// benchmark's comment posts had a p99 of 290-440 ms). Here a task does it every half
/// second on a connection of its own; a PASSIVE checkpoint waits for no reader or writer.
/// It ends with the pool.
fn checkpoint_in_background(pool: SqlitePool) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(CHECKPOINT_EVERY).await;
            if pool.is_closed() {
                return;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
                tracing::debug!(error = %e, "checkpoint deferred");
            }
        }
    });
}

/// Creates the database's directory, and proves it writable, so a read-only data directory
/// is reported as such instead of as an obscure SQLite error later.
fn prepare_data_dir(db_path: &Path) -> Result<(), StoreError> {
    let dir = match db_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let err = |source| StoreError::DataDir { path: dir.clone(), source };
    std::fs::create_dir_all(&dir).map_err(err)?;
    let probe = dir.join(format!(".flourish-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(err)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

fn refuse_non_sqlite_file(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let mut header = [0u8; 16];
    let n = file.read(&mut header).unwrap_or(0);
    if n == 0 {
        return Ok(()); // an empty file is a new database
    }
    if n < 16 || &header != b"SQLite format 3\0" {
        return Err(StoreError::ForeignDatabase { path: path.into(), reason: "it is not an SQLite database".into() });
    }
    Ok(())
}

/// An SQLite file is Flourish's if it carries our application id, or is empty.
async fn refuse_foreign_sqlite(pool: &SqlitePool, path: &Path) -> Result<(), StoreError> {
    let foreign = |reason: String| StoreError::ForeignDatabase { path: path.into(), reason };
    let (app_id,): (i64,) = sqlx::query_as("PRAGMA application_id")
        .fetch_one(pool)
        .await
        .map_err(|e| foreign(format!("it cannot be read as an SQLite database ({e})")))?;
    if app_id == SQLITE_APPLICATION_ID {
        return Ok(());
    }
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 5",
    )
    .fetch_all(pool)
    .await?;
    if tables.is_empty() {
        return Ok(());
    }
    let names: Vec<_> = tables.into_iter().map(|(n,)| n).collect();
    Err(foreign(format!("it is another application's SQLite database (tables: {})", names.join(", "))))
}

async fn connect_postgres(url: &str) -> Result<PgPool, StoreError> {
    use sqlx::Connection;
    let err = |source| StoreError::Connect { url: redact_url(url), source };
    // One direct connection first: the pool would retry a refused connection until its
    // acquire timeout, and a wrong URL should fail at once with the server's own reason.
    sqlx::PgConnection::connect(url).await.map_err(err)?.close().await.map_err(err)?;
    PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await.map_err(err)
}

/// The URL with any password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        // Not a URL at all: show only what precedes a possible `user:password@`.
        Err(_) => match url.rfind('@') {
            Some(at) => format!("***{}", &url[at..]),
            None => url.to_owned(),
        },
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails with
/// SQLITE_BUSY_SNAPSHOT when another connection (a request, the job worker) committed in
/// between, and the busy timeout cannot save it; waiting for the lock up front can. Every
/// transaction in the store writes, so every one begins here.
///
/// On SQLite, writers in this process also queue for a [`WriteTurn`] first. SQLite lets one
/// connection write at a time and makes the others wait in its busy handler, which sleeps
/// in growing steps (up to 100 ms) between tries: under many concurrent writers (64 clients
/// giving kudos) most of their time was spent asleep with the lock free. A queue in the
/// process hands the lock on at once, in arrival order. Keep the turn as long as the
/// transaction: `let (_turn, mut tx) = db.begin_write().await?;`.
#[doc(hidden)]
pub trait BeginWrite {
    type Db: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<(WriteTurn, sqlx::Transaction<'static, Self::Db>), sqlx::Error>> + Send;
}

/// This process's turn to write to an SQLite database (nothing on PostgreSQL, whose rows
/// lock one by one). Dropped after the transaction it was taken for.
#[doc(hidden)]
pub struct WriteTurn(#[allow(dead_code)] Option<tokio::sync::OwnedMutexGuard<()>>);

/// One queue of writers per SQLite file this process has open.
fn writers(path: &Path) -> Arc<tokio::sync::Mutex<()>> {
    static WRITERS: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> = LazyLock::new(Default::default);
    let mut writers = WRITERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    writers.entry(path.to_path_buf()).or_default().clone()
}

impl BeginWrite for sqlx::SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<(WriteTurn, sqlx::Transaction<'static, sqlx::Sqlite>), sqlx::Error> {
        let turn = writers(self.connect_options().get_filename()).lock_owned().await;
        let tx = self.begin_with("BEGIN IMMEDIATE").await?;
        Ok((WriteTurn(Some(turn)), tx))
    }
}

impl BeginWrite for sqlx::PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<(WriteTurn, sqlx::Transaction<'static, sqlx::Postgres>), sqlx::Error> {
        Ok((WriteTurn(None), self.begin().await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(redact_url("postgres://flo:s3cret@db:5432/flourish"), "postgres://flo:***@db:5432/flourish");
        assert_eq!(redact_url("postgres://db/flourish"), "postgres://db/flourish");
        assert!(!redact_url("nonsense://u:s3cret@h").contains("s3cret"));
    }
}
