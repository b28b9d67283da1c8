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
