//! The storage parity suite: every test runs on SQLite and, when
//! `FLOURISH_TEST_DATABASE_URL` is set, on PostgreSQL.

mod accounts;
mod archive;
mod bookmarks;
mod conversation;
mod filters;
mod open;
mod parity;
mod readings;
mod resanitize;
mod statistics;
mod subscriptions;
