//! The `rizk-scale` binary: parse arguments, run, print one error line, exit with its code.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use rizk_scale::cli::Cli;
use rizk_scale::exit::Exit;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match rizk_scale::run(cli, &matches) {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(e) if rizk_scale::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rizk-scale: error: {e:#}");
            ExitCode::from(Exit::Failure.code())
        }
    }
}
