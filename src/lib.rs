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
pub mod text;
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
    // `config init FILE` and `config check FILE` act on the file they name: a broken
    // ./rizk-scale.toml must not stand in their way (nor be reported instead).
    let names_its_file = matches!(
        &cli.command,
        Command::Config(cli::ConfigCmd::Init { .. } | cli::ConfigCmd::Check { path: Some(_) })
    );
    let config = if names_its_file {
        None
    } else {
        settings::load_config(cli.global.config.as_deref())?
    };
    match &config {
        Some(cfg) => diag_info!("config file: {}", cfg.path.display()),
        None => diag_info!("config file: none (defaults, environment and flags only)"),
    }
    let mut g = Resolver::global(matches, config.as_ref());
    let global = g.global_options(&cli.global)?;
    let global_rows = g.into_rows();
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
    // -vv: every resolved setting, as `config show` lists them: key = value (where from).
    // The history location was said above; the command's own rows follow when resolved.
    log_rows(global_rows.iter().skip(1));
    // The second stage: the command's flags over the config file, once, into plain options.
    let mut r = Resolver::command(matches, app.config.as_ref());
    match &cli.command {
        Command::Collect(cmd) => {
            let options = r.collect(cmd)?;
            commands::collect::run(&app, &r.logged(options)).await
        }
        Command::Recommend(cmd) => {
            let options = r.recommend(cmd)?;
            commands::recommend::run(&app, &r.logged(options)).await
        }
        Command::History(cmd) => commands::history::run(&app, cmd),
        Command::Validate(cmd) => {
            let options = r.validate(cmd)?;
            commands::validate::run(&app, &r.logged(options)).await
        }
        Command::Config(cmd) => commands::config::run(&app, cmd, matches),
        Command::Replay(cmd) => {
            let options = r.replay(cmd)?;
            commands::replay::run(&app, &r.logged(options)).await
        }
        Command::Monitor(cmd) => {
            let options = r.monitor(cmd)?;
            commands::monitor::run(&app, &r.logged(options)).await
        }
    }
}

/// `-vv`: settings as `key = value (source)` lines.
pub(crate) fn log_rows<'a>(rows: impl IntoIterator<Item = &'a settings::resolve::Effective>) {
    if diag::enabled(diag::Level::Debug) {
        for row in rows {
            diag_debug!("setting {} = {} ({})", row.key, row.value, row.source);
        }
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
