//! The command line, as clap types. Nothing past the settings layer sees these.

use std::ffi::OsString;
use std::net::SocketAddr;
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
    /// History file (JSON Lines) [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]
    #[arg(long, global = true, env = "RIZK_SCALE_HISTORY", value_name = "PATH")]
    pub history: Option<PathBuf>,
    /// Samples kept in the rolling history
    #[arg(long, global = true, env = "RIZK_SCALE_CAPACITY", default_value_t = crate::history::DEFAULT_CAPACITY, value_parser = parse_capacity)]
    pub capacity: usize,
    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Print no warnings
    #[arg(short, long, global = true)]
    pub quiet: bool,
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
    /// Loop: collect, append, recommend and show every --interval; optionally serve /metrics
    Monitor(MonitorCmd),
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
    #[command(flatten)]
    pub endpoints: EndpointArgs,
}

/// Where endpoint metrics come from, and the limits of a scrape.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Endpoints")]
pub struct EndpointArgs {
    /// Scrape a metrics endpoint: http://, https:// or file:// (repeatable)
    #[arg(long = "endpoint", value_name = "URL")]
    pub endpoints: Vec<String>,
    /// Send a request header to every endpoint, e.g. 'X-Api-Key: …' (repeatable)
    #[arg(long = "header", value_name = "'NAME: VALUE'", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,
    /// Send 'Authorization: Bearer <token>' with the token read from this file
    #[arg(long, value_name = "PATH")]
    pub bearer_token_file: Option<PathBuf>,
    /// Per-endpoint timeout (connect and whole response)
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Endpoints scraped at once
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,
    /// Largest response body accepted (bigger is an error), e.g. 16MiB, 512KiB
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = parse_size)]
    pub max_body: u64,
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
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub min_replicas: u32,
    /// Never recommend more replicas than this
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_replicas: u32,
    /// Wait when the newest sample is older than this (0 = never stale)
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_duration)]
    pub max_age: Duration,
    /// Exit 10 on scale_up, 11 on scale_down, 12 on wait (maintain: 0)
    #[arg(long)]
    pub exit_code: bool,
}

/// `rizk-scale monitor`.
#[derive(Debug, Args)]
#[command(after_help = "\
Stops after --count ticks, or on SIGINT/SIGTERM: a tick still scraping is abandoned, one \
appending is finished (the history is never torn). Prints a summary on stderr and exits 0 \
(2 if no tick succeeded).")]
pub struct MonitorCmd {
    #[command(flatten)]
    pub sampling: SamplingArgs,
    /// Time between ticks (humantime: 10s, 500ms, 1m; 0 = back to back)
    #[arg(help_heading = "Monitor", long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub interval: Duration,
    /// Stop after N ticks [default: run until stopped]
    #[arg(help_heading = "Monitor", long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// One JSON object per tick (NDJSON, schema_version 1), nothing else on stdout
    #[arg(help_heading = "Monitor", long)]
    pub json: bool,
    /// Replicas running now: adds current/target replicas to every recommendation
    #[arg(help_heading = "Monitor", long, value_name = "N")]
    pub current_replicas: Option<u32>,
    /// Never recommend fewer replicas than this
    #[arg(help_heading = "Monitor", long, value_name = "N", default_value_t = 3)]
    pub min_replicas: u32,
    /// Never recommend more replicas than this
    #[arg(help_heading = "Monitor", long, value_name = "N", default_value_t = 50)]
    pub max_replicas: u32,
    /// Wait when the newest sample is older than this (0 = never stale)
    #[arg(help_heading = "Monitor", long, value_name = "DURATION", default_value = "15m", value_parser = parse_duration)]
    pub max_age: Duration,
    /// Serve /metrics, /health and /ready on ADDR (PORT alone binds 127.0.0.1)
    #[arg(help_heading = "Monitor", long, value_name = "ADDR", num_args = 0..=1, default_missing_value = DEFAULT_SERVE,
          value_parser = parse_serve_addr)]
    pub serve: Option<SocketAddr>,
    /// Run PROGRAM [ARGS…] (no shell) when the action or delta changes; takes the rest of the
    /// line, or up to a lone ';'. Environment: RIZK_ACTION, RIZK_REPLICA_DELTA,
    /// RIZK_TARGET_REPLICAS, RIZK_REASON
    #[arg(help_heading = "Monitor", long, value_name = "PROGRAM", num_args = 1.., value_terminator = ";",
          allow_hyphen_values = true, value_parser = clap::value_parser!(OsString))]
    pub exec_on_change: Option<Vec<OsString>>,
}

/// Where `--serve` without a value listens (9464: the OpenTelemetry Prometheus exporter port).
pub const DEFAULT_SERVE: &str = "127.0.0.1:9464";

/// Parse `--serve`: `HOST:PORT`, `[V6]:PORT`, or a bare `PORT` (bound on 127.0.0.1).
pub fn parse_serve_addr(s: &str) -> Result<SocketAddr, String> {
    let t = s.trim();
    let t = t.strip_prefix(':').unwrap_or(t);
    if let Ok(port) = t.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    t.parse::<SocketAddr>()
        .map_err(|_| format!("'{s}' is not an address like 127.0.0.1:9464, [::1]:9464 or 9464"))
}

/// Parse a history capacity (1 to 1,000,000 samples).
pub fn parse_capacity(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
        _ => Err(format!("'{s}' is not a capacity from 1 to 1000000")),
    }
}

/// Parse `Name: value` for `--header`.
pub fn parse_header(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once(':')
        .ok_or_else(|| "expected 'Name: value'".to_string())?;
    let name = name.trim();
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid {
        return Err(format!("'{name}' is not a header name"));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// Parse a positive timeout.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    match parse_duration(s)? {
        d if d.is_zero() => Err("the timeout must be more than 0".into()),
        d => Ok(d),
    }
}

/// Parse a byte size: a number with an optional suffix B, KiB/K, MiB/M, GiB/G (powers of 1024)
/// or kB, MB, GB (powers of 1000).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size like 16MiB or 1048576"))?;
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "K" | "KiB" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        "kB" | "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        other => {
            return Err(format!(
                "'{other}' is not a size unit (B, KiB, MiB, GiB, kB, MB, GB)"
            ));
        }
    };
    match n.checked_mul(factor) {
        Some(0) => Err("the size must be more than 0".into()),
        Some(v) => Ok(v),
        None => Err(format!("'{s}' is too large")),
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
        assert!(parse_timeout("0").is_err());
        assert_eq!(parse_timeout("250ms").unwrap(), Duration::from_millis(250));
    }

    #[test]
    fn sizes_and_headers() {
        assert_eq!(parse_size("16MiB").unwrap(), 16 * 1024 * 1024);
        assert_eq!(parse_size("512K").unwrap(), 512 * 1024);
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert_eq!(parse_size("2MB").unwrap(), 2_000_000);
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("3 parsecs").unwrap_err().contains("'parsecs'"));
        assert!(
            parse_size("99999999999999G")
                .unwrap_err()
                .contains("too large")
        );
        assert_eq!(
            parse_header("X-Api-Key:  abc: def ").unwrap(),
            ("X-Api-Key".to_string(), "abc: def".to_string())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: v").is_err());
    }

    #[test]
    fn serve_addresses_default_to_loopback() {
        assert_eq!(
            parse_serve_addr("9464").unwrap().to_string(),
            "127.0.0.1:9464"
        );
        assert_eq!(parse_serve_addr(":0").unwrap().to_string(), "127.0.0.1:0");
        assert_eq!(
            parse_serve_addr("0.0.0.0:80").unwrap().to_string(),
            "0.0.0.0:80"
        );
        assert_eq!(parse_serve_addr("[::1]:9").unwrap().to_string(), "[::1]:9");
        assert!(
            parse_serve_addr("localhost")
                .unwrap_err()
                .contains("'localhost'")
        );
    }

    fn monitor(args: &[&str]) -> MonitorCmd {
        let mut argv = vec!["rizk-scale", "monitor"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Monitor(m) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn monitor_flags() {
        let m = monitor(&[]);
        assert_eq!(m.interval, Duration::from_secs(10));
        assert_eq!((m.count, m.serve, m.exec_on_change), (None, None, None));
        let m = monitor(&["--serve", "--count", "2"]);
        assert_eq!(m.serve.unwrap().to_string(), DEFAULT_SERVE);
        assert_eq!(m.count, Some(2));
        assert!(Cli::try_parse_from(["rizk-scale", "monitor", "--count", "0"]).is_err());
    }

    #[test]
    fn exec_on_change_takes_the_rest_of_the_line_or_up_to_a_semicolon() {
        let m = monitor(&[
            "--interval",
            "0",
            "--exec-on-change",
            "kubectl",
            "scale",
            "--replicas=3",
        ]);
        assert_eq!(m.interval, Duration::ZERO);
        assert_eq!(
            m.exec_on_change.unwrap(),
            vec![
                OsString::from("kubectl"),
                "scale".into(),
                "--replicas=3".into()
            ]
        );
        let m = monitor(&["--exec-on-change", "./hook", "-v", ";", "--count", "3"]);
        assert_eq!(
            m.exec_on_change.unwrap(),
            vec![OsString::from("./hook"), "-v".into()]
        );
        assert_eq!(m.count, Some(3));
    }
}
