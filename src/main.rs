//! The `rizk-scale` binary: parse arguments, run, print one error line, exit with its code.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use rizk_scale::cli::Cli;
use rizk_scale::exit::Exit;

fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        // A bad value from a RIZK_SCALE_* variable: say which variable.
        Err(e) => match rizk_scale::cli::env_error(&e) {
            Some(line) => {
                eprintln!("rizk-scale: error: {line}");
                return ExitCode::from(Exit::Failure.code());
            }
            None => e.exit(),
        },
    };
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
