//! The command line, as clap types. Nothing past the settings layer sees these.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::sample::{Metric, parse_assignment};

/// Should this service scale, by how many replicas, and why — and is it ready to scale?
#[derive(Debug, Parser)]
#[command(name = "rizk-scale", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or
    /// rediss://…, several comma-separated seed nodes for a cluster
    /// [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]
    #[arg(
        long,
        global = true,
        env = "RIZK_SCALE_HISTORY",
        value_name = "PATH|URL"
    )]
    pub history: Option<PathBuf>,
    /// The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)
    #[arg(long, global = true, env = "RIZK_SCALE_SERVICE", value_name = "NAME", default_value = crate::history::redis::DEFAULT_SERVICE)]
    pub service: String,
    /// Prefix of the Redis keys (the seed's key_prefix)
    #[arg(long, global = true, env = "RIZK_SCALE_KEY_PREFIX", value_name = "PREFIX", default_value = crate::history::redis::DEFAULT_PREFIX)]
    pub key_prefix: String,
    /// Samples kept in the rolling history
    #[arg(long, global = true, env = "RIZK_SCALE_CAPACITY", default_value_t = crate::history::DEFAULT_CAPACITY, value_parser = parse_capacity)]
    pub capacity: usize,
    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Print no warnings
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]
    #[arg(long, global = true, env = "RIZK_SCALE_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb
    Auto,
    Always,
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Take one sample (host and given metrics) and append it to the history
    Collect(CollectCmd),
    /// Decide from the history: action, replica delta, reason and every condition
    Recommend(RecommendCmd),
    /// Show, create or check the configuration file
    #[command(subcommand)]
    Config(ConfigCmd),
}

/// `rizk-scale config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Show every effective setting and where it came from
    Show {
        /// Print as JSON (schema_version 1)
        #[arg(long)]
        json: bool,
    },
    /// Write a commented default configuration file
    Init {
        /// Where to write it
        #[arg(default_value = "rizk-scale.toml")]
        path: PathBuf,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Check a configuration file (default: the one in effect) and exit 2 if it is invalid
    Check {
        /// The file to check
        path: Option<PathBuf>,
    },
}

/// `rizk-scale collect`.
#[derive(Debug, Args)]
pub struct CollectCmd {
    #[command(flatten)]
    pub sampling: SamplingArgs,
    /// Print the sample written as JSON
    #[arg(long)]
    pub json: bool,
}

/// What goes into a fresh sample.
#[derive(Debug, Args)]
pub struct SamplingArgs {
    /// Do not measure host CPU and memory
    #[arg(long)]
    pub no_host: bool,
    /// Set a sample field, e.g. requests_per_second=140 (repeatable)
    #[arg(long = "metric", value_name = "NAME=VALUE", value_parser = parse_assignment)]
    pub metrics: Vec<(Metric, f64)>,
    /// Who produces the sample [default: the host name]
    #[arg(long, env = "INSTANCE_ID", value_name = "NAME")]
    pub instance: Option<String>,
}

/// `rizk-scale recommend`.
#[derive(Debug, Args)]
pub struct RecommendCmd {
    /// Print the recommendation as JSON (schema_version 1)
    #[arg(long)]
    pub json: bool,
    /// Take a fresh sample first and append it (one-shot advisor)
    #[arg(long)]
    pub collect: bool,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    /// Replicas running now: adds current_replicas/target_replicas/clamped
    #[arg(long, value_name = "N")]
    pub current_replicas: Option<u32>,
    /// Never recommend fewer replicas than this
    #[arg(
        long,
        value_name = "N",
        default_value_t = 3,
        env = "RIZK_SCALE_MIN_REPLICAS"
    )]
    pub min_replicas: u32,
    /// Never recommend more replicas than this
    #[arg(
        long,
        value_name = "N",
        default_value_t = 50,
        env = "RIZK_SCALE_MAX_REPLICAS"
    )]
    pub max_replicas: u32,
    /// Wait when the newest sample is older than this (0 = never stale)
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_duration, env = "RIZK_SCALE_MAX_AGE")]
    pub max_age: Duration,
    /// Exit 10 on scale_up, 11 on scale_down, 12 on wait (maintain: 0)
    #[arg(long)]
    pub exit_code: bool,
    /// Decide for the whole fleet: the newest sample of each instance seen within --max-age,
    /// aggregated (sums for rates and connections, request-weighted latency, mean CPU/memory)
    #[arg(long)]
    pub fleet: bool,
}

/// Parse a history capacity (1 to 1,000,000 samples).
pub fn parse_capacity(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
        _ => Err(format!("'{s}' is not a capacity from 1 to 1000000")),
    }
}

/// Parse a humantime duration ("15m", "90s", "1h 30m"; "0" for none).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    if s.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(s.trim())
        .map_err(|e| format!("'{s}' is not a duration like 90s, 15m or 1h: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert!(parse_duration("soon").unwrap_err().contains("'soon'"));
    }
}
