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

impl StoreError {
    /// A single-field validation error.
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> StoreError {
        let mut errors = ValidationErrors::default();
        errors.add(field, message);
        StoreError::Invalid(errors)
    }
}
