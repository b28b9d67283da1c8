//! Per-test databases on each backend.

use flourish_store::Store;
use tempfile::TempDir;

/// The environment variable naming the PostgreSQL server tests may create databases on.
pub const POSTGRES_URL_VAR: &str = "FLOURISH_TEST_DATABASE_URL";

/// In strict mode (`CI=true`) a test that needs PostgreSQL or Chromium and cannot find it
/// fails instead of skipping.
pub fn strict() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Call when a test's requirement is missing: panics in strict mode, otherwise prints why
/// the test is skipped. Returns so the caller can `return`.
pub fn require_or_skip(what: &str) {
    if strict() {
        panic!("{what}, and CI=true requires this test to run");
    }
    eprintln!("skipped: {what} (set CI=true to make this a failure)");
}

/// A fresh, migrated database for one test.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<TempDir>,
    postgres: Option<PostgresCleanup>,
}

struct PostgresCleanup {
    admin_url: String,
    database: String,
}

impl TestDb {
    /// A new SQLite database in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("flourish.db").display());
        let store = Store::connect(&url).await.expect("open SQLite");
        store.migrate().await.expect("migrate SQLite");
        TestDb { store, url, _dir: Some(dir), postgres: None }
    }

    /// A new SQLite database in `dir`, which the caller keeps (a [`crate::disk::SmallDisk`]).
    pub async fn sqlite_in(dir: &std::path::Path) -> TestDb {
        let url = format!("sqlite://{}", dir.join("flourish.db").display());
        let store = Store::connect(&url).await.expect("open SQLite");
        store.migrate().await.expect("migrate SQLite");
        TestDb { store, url, _dir: None, postgres: None }
    }

    /// A new PostgreSQL database on the server `FLOURISH_TEST_DATABASE_URL` names, or `None`
    /// (after [`require_or_skip`]) when it is not set.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
            require_or_skip(&format!("{POSTGRES_URL_VAR} is not set"));
            return None;
        };
        let database = format!("flourish_test_{}_{}", std::process::id(), rand::random::<u32>());
        let url = Self::create_postgres_database(&admin_url, &database).await;
        let store = Store::connect(&url).await.expect("open PostgreSQL test database");
        store.migrate().await.expect("migrate PostgreSQL");
        Some(TestDb { store, url, _dir: None, postgres: Some(PostgresCleanup { admin_url, database }) })
    }

    /// Creates `database` on the server of `admin_url` and returns its URL.
    pub async fn create_postgres_database(admin_url: &str, database: &str) -> String {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{database}\"")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let mut url = url::Url::parse(admin_url).expect("FLOURISH_TEST_DATABASE_URL is a URL");
        url.set_path(database);
        url.to_string()
    }

    /// Drops a database created by [`TestDb::create_postgres_database`].
    pub fn drop_postgres_database(admin_url: &str, database: &str) {
        let (admin_url, database) = (admin_url.to_owned(), database.to_owned());
        // Drop runs outside any runtime, so use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                use sqlx::Connection;
                let mut admin = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)")))
                    .execute(&mut admin)
                    .await
                    .ok()
            })
        })
        .join();
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(pg) = &self.postgres {
            Self::drop_postgres_database(&pg.admin_url, &pg.database);
        }
    }
}

/// Writes a store test once and runs it on SQLite and on PostgreSQL:
///
/// ```ignore
/// parity_test!(creates_a_work, |store| {
///     let id = store.create_work(&draft).await.unwrap();
/// });
/// ```
#[macro_export]
macro_rules! parity_test {
    ($name:ident, |$store:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::TestDb::sqlite().await;
                let $store = &db.store;
                $body
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = $crate::TestDb::postgres().await else {
                    return;
                };
                let $store = &db.store;
                $body
            }
        }
    };
}
