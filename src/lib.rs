//! rizk-scale: a scaling advisor. Sources → sample → history → policy → output.
//!
//! `main.rs` parses the command line and calls [`run`]; everything else lives here.

pub mod cli;
pub mod commands;
pub mod exit;
pub mod exporter;
pub mod history;
pub mod output;
pub mod policy;
pub mod redact;
pub mod sample;
pub mod settings;
pub mod sources;
pub mod validate;

use anyhow::Result;

use cli::{Cli, Command};
use exit::Exit;
use settings::App;

/// Run a parsed command line to its exit code.
pub fn run(cli: Cli) -> Result<Exit> {
    let app = App::from_args(&cli.global)?;
    match &cli.command {
        Command::Collect(cmd) => commands::collect::run(&app, cmd),
        Command::Recommend(cmd) => commands::recommend::run(&app, cmd),
        Command::Monitor(cmd) => commands::monitor::run(&app, cmd),
    }
}

/// Whether an error is a closed stdout (`| head`), which ends the program quietly.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
