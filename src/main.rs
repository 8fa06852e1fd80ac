//! The `rizk-scale` binary: parse arguments, run, print one error line, exit with its code.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches};
use rizk_scale::cli::Cli;
use rizk_scale::exit::Exit;

fn main() -> ExitCode {
    let matches = Cli::command()
        .try_get_matches()
        .unwrap_or_else(|e| match from_environment(&e) {
            Some(line) => {
                eprintln!("rizk-scale: error: {line}");
                std::process::exit(i32::from(Exit::Failure.code()))
            }
            None => e.exit(),
        });
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
