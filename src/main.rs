//! The `rizk-scale` binary: parse arguments, run, print one error line, exit with its code.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
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
            match from_environment(e) {
                Some(line) => eprintln!("rizk-scale: error: {line}"),
                None => eprintln!(
                    "{}",
                    rizk_scale::cli::usage_error_line(&e.render().to_string())
                ),
            }
            ExitCode::from(Exit::Failure.code())
        }
    }
}

/// A bad value that came from an environment variable (not the command line) is reported with
/// the variable's name: "RIZK_SCALE_MIN_REPLICAS 'abc': invalid digit found in string".
fn from_environment(e: &clap::Error) -> Option<String> {
    if !matches!(
        e.kind(),
        ErrorKind::ValueValidation | ErrorKind::InvalidValue
    ) {
        return None;
    }
    let (Some(ContextValue::String(arg)), Some(ContextValue::String(value))) = (
        e.get(ContextKind::InvalidArg),
        e.get(ContextKind::InvalidValue),
    ) else {
        return None;
    };
    let long = arg.split_whitespace().next()?.strip_prefix("--")?;
    let flag = format!("--{long}");
    let on_command_line = std::env::args().any(|a| a == flag || a.starts_with(&format!("{flag}=")));
    if on_command_line {
        return None;
    }
    let cmd = Cli::command();
    let env = std::iter::once(&cmd)
        .chain(cmd.get_subcommands())
        .flat_map(|c| c.get_arguments())
        .filter(|a| a.get_long() == Some(long))
        .find_map(|a| a.get_env())?
        .to_str()?
        .to_string();
    if std::env::var(&env).ok().as_deref() != Some(value.as_str()) {
        return None;
    }
    let text = e.to_string();
    let cause = text
        .lines()
        .next()?
        .split_once(&format!("'{arg}': "))
        .map_or("invalid value", |(_, c)| c);
    Some(format!("{env} '{value}': {cause} (the value of {flag})"))
}
