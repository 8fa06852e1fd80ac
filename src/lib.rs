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
pub mod output;
pub mod policy;
pub mod redact;
pub mod sample;
pub mod serve;
pub mod settings;
pub mod sources;
pub mod validate;

use anyhow::{Context, Result};
use clap::ArgMatches;

use cli::{Cli, Command};
use exit::Exit;
use settings::App;
use settings::resolve::Resolver;

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

async fn run_async(cli: Cli, matches: &ArgMatches) -> Result<Exit> {
    diag::set_verbosity(cli.global.verbose);
    diag::set_quiet(cli.global.quiet);
    let config = settings::load_config(cli.global.config.as_deref())?;
    match &config {
        Some(cfg) => diag_info!("config file: {}", cfg.path.display()),
        None => diag_info!("config file: none (defaults, environment and flags only)"),
    }
    let global = Resolver::global(matches, config.as_ref()).global_options(&cli.global)?;
    let app = App::new(&global, config)?;
    diag_info!(
        "history: {} ({}, capacity {})",
        app.history.location(),
        if app.history.is_shared() {
            "redis"
        } else {
            "file"
        },
        global.capacity
    );
    // The second stage: the command's flags over the config file, once, into plain options.
    let mut r = Resolver::command(matches, app.config.as_ref());
    match &cli.command {
        Command::Collect(cmd) => commands::collect::run(&app, &r.collect(cmd)?).await,
        Command::Recommend(cmd) => commands::recommend::run(&app, &r.recommend(cmd)?).await,
        Command::History(cmd) => commands::history::run(&app, cmd),
        Command::Validate(cmd) => commands::validate::run(&app, &r.validate(cmd)?).await,
        Command::Config(cmd) => commands::config::run(&app, cmd, matches),
        Command::Replay(cmd) => commands::replay::run(&app, &r.replay(cmd)?),
        Command::Monitor(cmd) => commands::monitor::run(&app, &r.monitor(cmd)?).await,
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
