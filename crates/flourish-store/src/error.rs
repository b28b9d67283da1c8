//! The store's one error type.

use flourish_core::ValidationErrors;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "unsupported database URL {url:?}: use sqlite://PATH (for example sqlite://./data/flourish.db) or postgres://USER:PASSWORD@HOST/DATABASE"
    )]
    UnsupportedUrl { url: String },

    #[error("cannot connect to the database at {url}: {source}")]
    Connect {
        /// The URL with its password removed.
        url: String,
        #[source]
        source: sqlx::Error,
    },

    #[error("cannot use the data directory {}: {source}", path.display())]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("refusing to use {}: {reason}. Flourish never overwrites a file it did not create; move it away or point the database URL elsewhere", path.display())]
    ForeignDatabase { path: PathBuf, reason: String },

    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    #[error("{0}")]
    Invalid(#[from] ValidationErrors),

    #[error("{0} not found")]
    NotFound(&'static str),

    #[error("{0}")]
    Conflict(String),

    /// The rules refuse this account (or guest) this action: a blocked reader, comments
    /// turned off, a suspended account. The message says why, for the person refused.
    #[error("{0}")]
    Forbidden(String),

    /// Too many of these too quickly (comments per 15 minutes); try again after
    /// `retry_after` seconds.
    #[error("{message}")]
    RateLimited { retry_after: u64, message: String },

    /// A whole-archive export or import that cannot go on, and why.
    #[error("{0}")]
    Archive(String),

    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Why the database cannot be used at all right now, as opposed to refusing one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outage {
    /// The server is down or unreachable, or no connection came free in time.
    Unreachable,
    /// The disk (or SQLite's size limit) is full: reads work, writes cannot.
    DiskFull,
}

impl StoreError {
    /// The outage behind this error, if it is one: a caller answers 503 and tries later,
    /// since nothing about the request itself was wrong.
    pub fn outage(&self) -> Option<Outage> {
        let StoreError::Database(e) = self else { return None };
        match e {
            // Not PoolClosed: the pool closes only after the server stops serving, so a
            // request that meets it is a bug, not an outage.
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => Some(Outage::Unreachable),
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default();
                // PostgreSQL: class 08 is "connection exception", 57P01-03 a server that is
                // shutting down or starting, 53100 "disk_full". SQLite: 13,
                // SQLITE_FULL, which has no extended codes.
                if code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03") {
                    Some(Outage::Unreachable)
                } else if matches!(&*code, "53100" | "13") {
                    Some(Outage::DiskFull)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// A single-field validation error.
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> StoreError {
        let mut errors = ValidationErrors::default();
        errors.add(field, message);
        StoreError::Invalid(errors)
    }
}
