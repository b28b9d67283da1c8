//! Structured logs: `key=value` text by default, JSON with `log_format = "json"`. The level
//! comes from `FLOURISH_LOG` (or `RUST_LOG`), like `info` or `flourish_web=debug`.

use crate::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

pub fn init(config: &Config) {
    let filter = std::env::var("FLOURISH_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    // Tantivy logs every commit at info, several times a second on a busy archive: keep it
    // to warnings unless the filter asks for it by name.
    let filter = if filter.contains("tantivy") { filter } else { format!("{filter},tantivy=warn") };
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|e| {
        eprintln!("warning: ignoring the log filter {filter:?}: {e}");
        EnvFilter::new("info")
    });
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match config.log_format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
