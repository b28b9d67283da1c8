//! Tests of the real `flourish` binary: serving, configuration, refusing bad databases,
//! graceful shutdown, and a work opened in headless Chromium.

mod api_contract;
mod backup;
mod browser;
mod cli;
mod connections;
mod conversation_browser;
mod crash;
mod degraded;
mod library_browser;
mod limits;
mod mail_crash;
mod search;
mod server;
mod writer_browser;
