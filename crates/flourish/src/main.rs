//! `flourish`: the archive's one binary. Each subcommand lives in its own module; this file
//! only parses the command line and hands over.

mod backup;
mod cli;
use flourish::config;
mod demo;
mod dev;
mod import;
mod inspect;
mod logging;
mod serve;
mod tags;

use clap::Parser;
use std::process::ExitCode;

/// jemalloc rather than the C library's allocator. Under the mixed benchmark (100,000
/// works, the same run) glibc's malloc held 474 MiB of anonymous memory where jemalloc
/// held 281 MiB, and served 792 requests/s where jemalloc served 975: glibc keeps an
/// arena per busy thread and gives little back; jemalloc's background thread returns
/// unused pages. (Capping glibc at two arenas came to 250 MiB but 547 requests/s.)
/// Its settings are built in from `.cargo/config.toml` (`JEMALLOC_SYS_WITH_MALLOC_CONF`).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
