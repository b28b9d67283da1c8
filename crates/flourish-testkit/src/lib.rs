//! Test support for Flourish.
//!
//! - [`TestDb`]: a fresh, migrated database on SQLite (always) or PostgreSQL (when
//!   `FLOURISH_TEST_DATABASE_URL` is set), dropped when the test ends.
//! - [`parity_test!`]: writes a store test once and runs it on both backends.
//! - [`fixtures`]: works written in the style of the archive's first story.
//! - [`TestApp`]: the web router driven in-process (feature `web`, which the web crate's
//!   tests turn on; the store's and the search index's tests build without the web crate).
//! - [`links`]: an independent judge of the links in pages, downloads and feeds.
//! - [`smtp`]: a local mail server that keeps what it accepts.
//! - [`disk`]: a small filesystem to fill up.

#[cfg(feature = "web")]
pub mod app;
pub mod db;
pub mod disk;
pub mod fixtures;
pub mod links;
pub mod smtp;

#[cfg(feature = "web")]
pub use app::{Browser, TestApp, TestResponse};
pub use db::{TestDb, require_or_skip, strict};
