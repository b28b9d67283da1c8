//! Tests of the real `flourish` binary: serving, configuration, refusing bad databases,
//! graceful shutdown, and a work opened in headless Chromium.

mod browser;
mod cli;
mod conversation_browser;
mod library_browser;
mod mail_crash;
mod search;
mod server;
mod writer_browser;
