//! rizk-scale: a scaling advisor. Sources → sample → history → policy → output.
//!
//! `main.rs` parses the command line and calls [`run`]; everything else lives here.

// A panic is a crash a user can meet: errors name the input instead (tests may expect).
#![deny(clippy::expect_used)]

pub mod cli;
pub mod commands;
pub mod config;
pub mod diag;
pub mod exit;
pub mod exporter;
pub mod fleet;
pub mod history;
pub mod layers;
pub mod output;
pub mod policy;
pub mod redact;
pub mod sample;
pub mod settings;
pub mod sources;
pub mod text;
pub mod validate;

use anyhow::Result;
use clap::ArgMatches;

use cli::{Cli, Command};
use exit::Exit;
use settings::App;

/// Run a parsed command line (and clap's matches, which say where each value came from).
pub fn run(mut cli: Cli, matches: &ArgMatches) -> Result<Exit> {
    diag::set_verbosity(cli.global.verbose);
    let config = settings::load_config(&cli.global)?;
    match &config {
        Some(cfg) => diag_info!("config file: {}", cfg.path.display()),
        None => diag_info!("config file: none (defaults, environment and flags only)"),
    }
    if let Some(cfg) = &config {
        layers::apply(&mut cli, matches, cfg);
    }
    let app = App::from_args(&cli.global, config)?;
    diag_info!(
        "history: {} ({}, capacity {})",
        app.history.location(),
        if app.history.is_shared() {
            "redis"
        } else {
            "file"
        },
        cli.global.capacity
    );
    diag_debug!("threshold policy from the configuration: {:?}", app.policy);
    match &cli.command {
        Command::Collect(cmd) => commands::collect::run(&app, cmd),
        Command::Recommend(cmd) => commands::recommend::run(&app, cmd),
        Command::History(cmd) => commands::history::run(&app, cmd),
        Command::Validate(cmd) => commands::validate::run(&app, cmd),
        Command::Config(cmd) => commands::config::run(&app, cmd, matches),
        Command::Replay(cmd) => commands::replay::run(&app, cmd),
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
