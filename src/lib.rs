//! rizk-scale: a scaling advisor. Sources → sample → history → policy → output.
//!
//! `main.rs` parses the command line and calls [`run`]; everything else lives here.

// A panic is a crash a user can meet: errors name the input instead (tests may expect).
#![deny(clippy::expect_used)]

pub mod cli;
pub mod collect;
pub mod commands;
pub mod config;
pub mod decide;
pub mod diag;
pub mod election;
pub mod exit;
pub mod history;
pub mod layers;
pub mod output;
pub mod policy;
pub mod redact;
pub mod sample;
pub mod serve;
pub mod settings;
pub mod sources;
pub mod text;
pub mod validate;

use anyhow::{Context, Result};
use clap::ArgMatches;

use cli::{Cli, Command};
use exit::Exit;
use settings::App;

/// Run a parsed command line (and clap's matches, which say where each value came from).
///
/// The one tokio runtime of the process is built here; every command runs on it (synchronous
/// code inside, such as the Redis history store, blocks in place on the same runtime).
pub fn run(cli: Cli, matches: &ArgMatches) -> Result<Exit> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(run_async(cli, matches));
    // Tasks still running (the exporter, a hook past its grace) get a moment, then are dropped.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    result
}

async fn run_async(mut cli: Cli, matches: &ArgMatches) -> Result<Exit> {
    diag::set_verbosity(cli.global.verbose);
    diag::set_quiet(cli.global.quiet);
    // `config init FILE` and `config check FILE` act on the file they name: a broken
    // ./rizk-scale.toml must not stand in their way (nor be reported instead).
    let names_its_file = matches!(
        &cli.command,
        Command::Config(cli::ConfigCmd::Init { .. } | cli::ConfigCmd::Check { path: Some(_) })
    );
    let config = if names_its_file {
        None
    } else {
        settings::load_config(&cli.global)?
    };
    match &config {
        Some(cfg) => diag_info!("config file: {}", cfg.path.display()),
        None => diag_info!("config file: none (defaults, environment and flags only)"),
    }
    if let Some(cfg) = &config {
        layers::apply(&mut cli, matches, cfg);
    }
    layers::mark_bounds(&mut cli, matches, config.as_ref());
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
    if diag::enabled(diag::Level::Debug) {
        // Every resolved setting, as `config show` lists them: key = value (where from).
        let rows = layers::effective(
            app.config.as_ref(),
            std::path::PathBuf::from(app.history.location()),
            layers::Source::Default,
        );
        for r in rows.iter().skip(1) {
            diag_debug!("setting {} = {} ({})", r.key, r.value, r.source);
        }
    }
    match &cli.command {
        Command::Collect(cmd) => commands::collect::run(&app, cmd).await,
        Command::Recommend(cmd) => commands::recommend::run(&app, cmd).await,
        Command::History(cmd) => commands::history::run(&app, cmd),
        Command::Validate(cmd) => commands::validate::run(&app, cmd).await,
        Command::Config(cmd) => commands::config::run(&app, cmd, matches),
        Command::Replay(cmd) => commands::replay::run(&app, cmd).await,
        Command::Monitor(cmd) => commands::monitor::run(&app, cmd).await,
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
