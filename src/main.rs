//! The `rizk-scale` binary: parse arguments, run, print one error line, exit with its code.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use rizk_scale::cli::Cli;
use rizk_scale::exit::Exit;

fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(&e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    match rizk_scale::run(cli, &matches) {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(e) if rizk_scale::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rizk-scale: error: {e:#}");
            ExitCode::from(Exit::Failure.code())
        }
    }
}

/// `--help` and `--version` print as clap prints them; a usage error is our one line (exit 2).
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ => {
            eprintln!(
                "{}",
                rizk_scale::cli::usage_error_line(&e.render().to_string())
            );
            ExitCode::from(Exit::Failure.code())
        }
    }
}
