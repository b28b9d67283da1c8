//! Opening databases: URL schemes, foreign files, unreachable servers.

use flourish_store::{Backend, Store, StoreError, WorkStore};

#[tokio::test]
async fn an_unknown_scheme_is_refused_with_the_accepted_ones() {
    let err = Store::connect("mysql://root:hunter2@localhost/x").await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::UnsupportedUrl { .. }));
    assert!(msg.contains("sqlite://") && msg.contains("postgres://"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[tokio::test]
async fn a_new_sqlite_database_is_created_with_its_directory_and_migrated_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("nested/data/flourish.db").display());
    let store = Store::connect(&url).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap().count();
    assert_eq!(store.migrate().await.unwrap(), files, "every embedded migration");
    assert_eq!(store.migrate().await.unwrap(), 0);
    store.close().await;
    let again = Store::connect(&url).await.unwrap();
    assert_eq!(again.migrate().await.unwrap(), 0);
    assert_eq!(again.work_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flourish.db");
    std::fs::write(&path, b"my novel draft, not a database\n".repeat(100)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Store::connect(&format!("sqlite://{}", path.display())).await.unwrap_err();
    assert!(matches!(err, StoreError::ForeignDatabase { .. }), "{err}");
    assert!(err.to_string().contains("not an SQLite database"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[tokio::test]
async fn another_applications_sqlite_database_is_refused() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("CREATE TABLE invoices (id INTEGER PRIMARY KEY)").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let err = Store::connect(&format!("sqlite://{}", path.display())).await.unwrap_err();
    assert!(err.to_string().contains("another application's SQLite database (tables: invoices)"), "{err}");
}

#[tokio::test]
async fn a_data_directory_that_cannot_be_written_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, b"a file where a directory should be").unwrap();
    let err = Store::connect(&format!("sqlite://{}/data/flourish.db", blocker.display())).await.unwrap_err();
    assert!(matches!(err, StoreError::DataDir { .. }), "{err}");
    assert!(err.to_string().contains("blocker"), "{err}");
}

#[tokio::test]
async fn an_unreachable_postgres_is_a_clear_error_without_the_password() {
    // Port 1 on loopback: nothing listens there.
    let err = Store::connect("postgres://flourish:s3cret@127.0.0.1:1/flourish").await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Connect { .. }), "{msg}");
    assert!(msg.contains("postgres://flourish:***@127.0.0.1:1/flourish"), "{msg}");
    assert!(!msg.contains("s3cret"), "{msg}");
}
