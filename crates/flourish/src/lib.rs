//! What other crates reach of the `flourish` binary: its configuration, which the fuzz
//! targets (`crates/flourish-fuzz`) read from arbitrary bytes. Everything else lives in
//! the binary's own modules (`main.rs`).

pub mod config;
