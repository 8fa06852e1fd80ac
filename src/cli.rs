//! The command line, as clap types. Nothing past the settings layer sees these.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::sample::{Metric, parse_assignment};

pub mod policy;
pub mod whatif;
pub use policy::{
    CompareSpec, Override, PolicyArg, PolicyArgs, Preset, ReplayCmd, RpsScopeArg, StatisticArg,
};

/// `--min-replicas` when no flag, environment variable or config file sets it.
pub const DEFAULT_MIN_REPLICAS: u32 = 3;
/// `--max-replicas` when no flag, environment variable or config file sets it.
pub const DEFAULT_MAX_REPLICAS: u32 = 50;
/// `--max-age` when no flag, environment variable or config file sets it.
pub const DEFAULT_MAX_AGE: &str = "15m";

/// Should this service scale, by how many replicas, and why — and is it ready to scale?
#[derive(Debug, Parser)]
#[command(name = "rizk-scale", version = env!("RIZK_SCALE_VERSION"), about, long_about = None, max_term_width = 100)]
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
        help_heading = "History",
        long,
        global = true,
        env = "RIZK_SCALE_HISTORY",
        value_name = "PATH|URL"
    )]
    pub history: Option<PathBuf>,
    /// The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)
    #[arg(help_heading = "History", long, global = true, env = "RIZK_SCALE_SERVICE", value_name = "NAME", default_value = crate::history::redis::DEFAULT_SERVICE)]
    pub service: String,
    /// Prefix of the shared history's Redis keys (<prefix>:{SERVICE}:history)
    #[arg(help_heading = "History", long, global = true, env = "RIZK_SCALE_KEY_PREFIX", value_name = "PREFIX", default_value = crate::history::redis::DEFAULT_PREFIX)]
    pub key_prefix: String,
    /// Samples kept in the rolling history
    #[arg(help_heading = "History", long, global = true, env = "RIZK_SCALE_CAPACITY", default_value_t = crate::history::DEFAULT_CAPACITY, value_parser = parse_capacity)]
    pub capacity: usize,
    /// When to colour the output
    #[arg(help_heading = "Global", long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Print no warnings
    #[arg(help_heading = "Global", short, long, global = true)]
    pub quiet: bool,
    /// Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too
    #[arg(help_heading = "Global", short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]
    #[arg(
        help_heading = "Global",
        long,
        global = true,
        env = "RIZK_SCALE_CONFIG",
        value_name = "PATH"
    )]
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
    /// Loop: collect, append, recommend and show every --interval; optionally serve /metrics
    Monitor(MonitorCmd),
    /// Show, export, import or clear the history
    #[command(subcommand)]
    History(HistoryCmd),
    /// Run the scaling-readiness checklist against the real system
    Validate(ValidateCmd),
    /// Show, create or check the configuration file
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Run a policy over the stored history, sample by sample: timeline, flaps, final replicas
    Replay(ReplayCmd),
}

/// `rizk-scale config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Show every effective setting and where it came from
    Show {
        /// Print as JSON (schema_version 1)
        #[arg(long)]
        json: bool,
        /// Also show what this HorizontalPodAutoscaler manifest sets (as `--hpa` would): the
        /// replica bounds it provides where nothing else sets them, its targets and behavior
        #[arg(long, value_name = "FILE[:NAME]")]
        hpa: Option<String>,
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
    /// Measure CPU from this instance's previous sample only when it is younger than this
    /// (0 = any age); older, a short window is waited instead
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_duration, env = "RIZK_SCALE_MAX_AGE")]
    pub max_age: Duration,
    /// Print the sample written as JSON
    #[arg(long)]
    pub json: bool,
    /// Record the replica count running now in the sample (`replicas`): recommend takes the
    /// newest as the current count, and its changes are the HPA behavior's scale events
    #[arg(long, value_name = "N")]
    pub current_replicas: Option<u32>,
}

/// What goes into a fresh sample.
#[derive(Debug, Args)]
#[command(next_help_heading = "Sources")]
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
    /// Measure CPU over a fresh window of this length instead of the interval since this
    /// instance's previous sample (e.g. 1s)
    #[arg(long, value_name = "DURATION", value_parser = parse_cpu_window)]
    pub cpu_window: Option<Duration>,
    /// The container's CPU request (200m, 0.5, 2): CPU is its usage relative to this, as the
    /// HPA's averageUtilization (over 100 when it uses more) [config host.cpu_request]
    #[arg(long, value_name = "CORES", value_parser = parse_cpu_request)]
    pub cpu_request: Option<f64>,
    /// The container's memory request (256Mi, 1G, 1e9): memory is its working set relative to
    /// this [config host.memory_request]
    #[arg(long, value_name = "BYTES", value_parser = parse_memory_request)]
    pub memory_request: Option<u64>,
    #[command(flatten)]
    pub endpoints: EndpointArgs,
    #[command(flatten)]
    pub prometheus: PrometheusArgs,
}

/// Prometheus as a source: one PromQL instant query per metric.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Sources")]
pub struct PrometheusArgs {
    /// Take each metric from a PromQL instant query to this Prometheus (http:// or https://,
    /// e.g. http://prometheus:9090); an empty answer or an error leaves the metric unknown
    #[arg(long = "prometheus", value_name = "URL")]
    pub url: Option<String>,
    /// Replace a metric's query, e.g. 'requests_per_second=sum(rate(reqs[5m]))'; an empty
    /// query leaves the metric out (repeatable; over [prometheus.queries] in the config)
    #[arg(long = "prometheus-query", value_name = "NAME=PROMQL", value_parser = parse_query_override, requires = "url")]
    pub queries: Vec<(Metric, String)>,
}

/// Parse `--prometheus-query NAME=PROMQL` (the PromQL may contain `=`).
pub fn parse_query_override(s: &str) -> Result<(Metric, String), String> {
    let (name, query) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=PROMQL, got '{s}'"))?;
    let metric: Metric = name.trim().parse()?;
    Ok((metric, query.trim().to_string()))
}

/// Where endpoint metrics come from, and the limits of a scrape.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Sources")]
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
    /// Reject expositions that break a rule of their format (OpenMetrics 1.0's validity rules,
    /// one HELP/TYPE per text family); by default a page is read as Prometheus reads it
    #[arg(long)]
    pub strict_exposition: bool,
    /// When every --endpoint fails, keep a sample of the host (and --metric) instead of exiting
    /// 2 (collect, recommend --collect; monitor always keeps it)
    #[arg(long)]
    pub allow_partial: bool,
}

/// `rizk-scale recommend`.
#[derive(Debug, Args)]
pub struct RecommendCmd {
    /// Print the recommendation as JSON (schema_version 1)
    #[arg(help_heading = "Output", long)]
    pub json: bool,
    /// Take a fresh sample first and append it (one-shot advisor)
    #[arg(help_heading = "Sources", long)]
    pub collect: bool,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    /// Replicas running now: adds current_replicas/target_replicas/clamped/proposed/limited_by
    /// (default: the newest sample's `replicas`; with --collect, recorded in the new sample)
    #[arg(help_heading = "Replicas", long, value_name = "N", allow_negative_numbers = true, value_parser = parse_replicas)]
    pub current_replicas: Option<u32>,
    /// Never recommend fewer replicas than this
    #[arg(
        help_heading = "Replicas",
        long,
        value_name = "N",
        default_value_t = DEFAULT_MIN_REPLICAS,
        env = "RIZK_SCALE_MIN_REPLICAS"
    )]
    pub min_replicas: u32,
    /// Never recommend more replicas than this
    #[arg(
        help_heading = "Replicas",
        long,
        value_name = "N",
        default_value_t = DEFAULT_MAX_REPLICAS,
        env = "RIZK_SCALE_MAX_REPLICAS"
    )]
    pub max_replicas: u32,
    /// Wait when the newest sample is older than this (0 = never stale)
    #[arg(help_heading = "Policy", long, value_name = "DURATION", default_value = DEFAULT_MAX_AGE, value_parser = parse_duration, env = "RIZK_SCALE_MAX_AGE")]
    pub max_age: Duration,
    /// Exit 10 on scale_up, 11 on scale_down, 12 on wait (maintain: 0)
    #[arg(help_heading = "Output", long)]
    pub exit_code: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Decide for the whole fleet: the newest sample of each instance seen within --max-age,
    /// aggregated (sums for rates and connections, request-weighted latency, mean CPU/memory)
    #[arg(help_heading = "Policy", long)]
    pub fleet: bool,
}

/// `rizk-scale validate`.
#[derive(Debug, Args)]
pub struct ValidateCmd {
    /// Kubernetes YAML: a file or a directory of *.yaml/*.yml (repeatable)
    #[arg(long, value_name = "PATH")]
    pub manifests: Vec<PathBuf>,
    /// The load balancer's nginx.conf (includes are followed)
    #[arg(long, value_name = "PATH")]
    pub nginx_conf: Option<PathBuf>,
    /// A URL that must answer 2xx, e.g. the load balancer's /health (repeatable)
    #[arg(long, value_name = "URL")]
    pub health_url: Vec<String>,
    /// A metrics URL that must answer and parse, as `collect --endpoint` reads it (a bare
    /// http://HOST:PORT is its /metrics) (repeatable)
    #[arg(long, value_name = "URL")]
    pub endpoint: Vec<String>,
    /// The shared Redis (redis:// or rediss://; comma-separated seeds for a cluster)
    #[arg(long, value_name = "URL", env = "RIZK_SCALE_REDIS")]
    pub redis: Option<String>,
    /// A Sentinel to ask instead (needs --sentinel-master)
    #[arg(
        long,
        value_name = "URL",
        requires = "sentinel_master",
        conflicts_with = "redis"
    )]
    pub redis_sentinel: Option<String>,
    /// The master name Sentinel monitors
    #[arg(long, value_name = "NAME", requires = "redis_sentinel")]
    pub sentinel_master: Option<String>,
    /// Something only a person can vouch for, e.g. backup_recovery_tested=2026-10-01 (repeatable)
    #[arg(long, value_name = "ID=YYYY-MM-DD")]
    pub attest: Vec<String>,
    /// Attestations older than this many days warn
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub attest_max_age: i64,
    /// Judge only this Deployment or StatefulSet (NAME or NAMESPACE/NAME; repeatable)
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub workload: Vec<String>,
    /// Run only these checks (ids, categories or short names; comma-separated)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip these checks
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Warnings make the deployment not ready (exit 1)
    #[arg(long)]
    pub strict: bool,
    /// A /metrics page that breaks a rule of its format fails instead of warning
    #[arg(long)]
    pub strict_exposition: bool,
    /// Time allowed to each check
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Print the report as JSON (schema_version 1)
    #[arg(long)]
    pub json: bool,
}

/// `rizk-scale history …`.
#[derive(Debug, Subcommand)]
pub enum HistoryCmd {
    /// The last samples as a table, and a sparkline per metric over the whole history
    Show(HistoryShowCmd),
    /// Write the history as CSV, JSON or JSON Lines
    Export(HistoryExportCmd),
    /// Merge samples from a JSON Lines or CSV file into the history
    Import(HistoryImportCmd),
    /// Delete every sample (asks first on a terminal; --yes otherwise)
    Clear(HistoryClearCmd),
}

/// `rizk-scale history show`.
#[derive(Debug, Args)]
pub struct HistoryShowCmd {
    /// Show the last N samples in the table (sparklines always cover the whole history)
    #[arg(short = 'n', long = "last", value_name = "N", default_value_t = 20)]
    pub last: usize,
    /// Print the last N samples as JSON (schema_version 1)
    #[arg(long)]
    pub json: bool,
}

/// `rizk-scale history export`.
#[derive(Debug, Args)]
pub struct HistoryExportCmd {
    /// Output format. CSV has one column per sample field and drops extra fields; JSON and
    /// JSON Lines keep them
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: ExportFormat,
    /// Write to FILE instead of stdout (a new file is created 0600, like the history)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `history export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A header of sample field names, then one row per sample
    Csv,
    /// One document: {"schema_version":1,"samples":[…]}
    Json,
    /// One sample per line, as in the history file
    Jsonl,
}

/// `rizk-scale history import`.
#[derive(Debug, Args)]
pub struct HistoryImportCmd {
    /// The file to import (JSON Lines, or CSV with a header of sample field names); - reads stdin
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The file's format; auto: JSON Lines when it starts with '{', else CSV
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ImportFormat::Auto)]
    pub format: ImportFormat,
}

/// `history import --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// JSON Lines when the first non-blank character is '{', else CSV
    Auto,
    /// A header of sample field names, then one row per sample
    Csv,
    /// One sample per line
    Jsonl,
}

/// `rizk-scale history clear`.
#[derive(Debug, Args)]
pub struct HistoryClearCmd {
    /// Do not ask (required when stdin is not a terminal)
    #[arg(short, long)]
    pub yes: bool,
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
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Time between ticks (humantime: 10s, 500ms, 1m; 0 = back to back)
    #[arg(help_heading = "Monitor", long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub interval: Duration,
    /// Stop after N ticks [default: run until stopped]
    #[arg(help_heading = "Monitor", long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// One JSON object per tick (NDJSON, schema_version 1), nothing else on stdout
    #[arg(help_heading = "Output", long)]
    pub json: bool,
    /// Replicas running now: adds current/target replicas to every recommendation and is
    /// recorded in every sample (`replicas`)
    #[arg(help_heading = "Replicas", long, value_name = "N", allow_negative_numbers = true, value_parser = parse_replicas)]
    pub current_replicas: Option<u32>,
    /// Never recommend fewer replicas than this
    #[arg(
        help_heading = "Replicas",
        long,
        value_name = "N",
        default_value_t = DEFAULT_MIN_REPLICAS,
        env = "RIZK_SCALE_MIN_REPLICAS"
    )]
    pub min_replicas: u32,
    /// Never recommend more replicas than this
    #[arg(
        help_heading = "Replicas",
        long,
        value_name = "N",
        default_value_t = DEFAULT_MAX_REPLICAS,
        env = "RIZK_SCALE_MAX_REPLICAS"
    )]
    pub max_replicas: u32,
    /// Wait when the newest sample is older than this (0 = never stale)
    #[arg(help_heading = "Policy", long, value_name = "DURATION", default_value = DEFAULT_MAX_AGE, value_parser = parse_duration, env = "RIZK_SCALE_MAX_AGE")]
    pub max_age: Duration,
    /// Serve /metrics, /health and /ready on ADDR (PORT alone binds 127.0.0.1)
    #[arg(help_heading = "Monitor", long, value_name = "ADDR", num_args = 0..=1, default_missing_value = DEFAULT_SERVE,
          value_parser = parse_serve_addr)]
    pub serve: Option<SocketAddr>,
    /// Run PROGRAM (no shell) when the action or delta changes, with the --exec-arg
    /// arguments. Environment: RIZK_ACTION, RIZK_REPLICA_DELTA, RIZK_TARGET_REPLICAS,
    /// RIZK_REASON
    #[arg(help_heading = "Monitor", long, value_name = "PROGRAM", value_parser = clap::value_parser!(OsString))]
    pub exec_on_change: Option<OsString>,
    /// An argument for the --exec-on-change program (repeatable, in order; may start with '-',
    /// e.g. --exec-arg=-c)
    #[arg(help_heading = "Monitor", long = "exec-arg", value_name = "ARG", allow_hyphen_values = true,
          requires = "exec_on_change", value_parser = clap::value_parser!(OsString))]
    pub exec_args: Vec<OsString>,
    /// Elect one leader per service with a Redis lease (needs --history redis://…): only the
    /// leader emits fleet recommendations and runs --exec-on-change; the others keep collecting
    #[arg(help_heading = "Fleet", long)]
    pub coordinate: bool,
    /// The leader's lease: renewed every third of it, taken over by another instance when the
    /// leader has not renewed it for this long (at least 100ms)
    #[arg(help_heading = "Fleet", long, value_name = "DURATION", default_value = "30s",
          value_parser = parse_coordination_interval, requires = "coordinate")]
    pub coordination_interval: Duration,
}

impl MonitorCmd {
    /// The `--exec-on-change` program and its `--exec-arg` arguments, if any.
    pub fn hook_program(&self) -> Option<Vec<OsString>> {
        let program = self.exec_on_change.clone()?;
        Some(
            std::iter::once(program)
                .chain(self.exec_args.clone())
                .collect(),
        )
    }
}

/// Parse `--coordination-interval`: at least 100ms (the lease is renewed every third of it).
pub fn parse_coordination_interval(s: &str) -> Result<Duration, String> {
    match parse_duration(s)? {
        d if d < crate::election::coordinator::MIN_INTERVAL => {
            Err(format!("'{s}' is shorter than the 100ms minimum"))
        }
        d => Ok(d),
    }
}

/// Where `--serve` without a value listens (9464: the OpenTelemetry Prometheus exporter port).
pub const DEFAULT_SERVE: &str = "127.0.0.1:9464";

/// Parse `--serve`: `HOST:PORT`, `[V6]:PORT`, `localhost:PORT`, or a bare `PORT` (bound on
/// 127.0.0.1).
pub fn parse_serve_addr(s: &str) -> Result<SocketAddr, String> {
    let t = s.trim();
    let t = t.strip_prefix(':').unwrap_or(t);
    if let Ok(port) = t.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Some(port) = t
        .strip_prefix("localhost:")
        .and_then(|p| p.parse::<u16>().ok())
    {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    t.parse::<SocketAddr>().map_err(|_| {
        format!("'{s}' is not an address like 127.0.0.1:9464, localhost:9464, [::1]:9464 or 9464")
    })
}

/// Parse a replica count (`--current-replicas`): a whole number, 0 or more. A negative one is
/// read as a value (not as an unknown flag) to say so.
pub fn parse_replicas(s: &str) -> Result<u32, String> {
    s.trim()
        .parse::<u32>()
        .map_err(|_| format!("'{s}' is not a replica count (a whole number, 0 or more)"))
}

/// A clap usage error as the one line every error is (`rizk-scale: error: …`), keeping clap's
/// tips ("a similar subcommand exists: 'recommend'") and pointing at `--help`.
pub fn usage_error_line(rendered: &str) -> String {
    let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ");
    let tips: Vec<&str> = lines.filter_map(|l| l.strip_prefix("tip: ")).collect();
    let mut line = format!("rizk-scale: error: {first}");
    if !tips.is_empty() {
        line.push_str(&format!(" ({})", tips.join("; ")));
    }
    line.push_str("; see 'rizk-scale --help'");
    line
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

/// Parse `--cpu-window`: at least 200ms (the kernel counts CPU time in 10 ms ticks).
pub fn parse_cpu_window(s: &str) -> Result<Duration, String> {
    match parse_duration(s)? {
        d if d < crate::sources::host::usage::MIN_INTERVAL => {
            Err(format!("'{s}' is shorter than the 200ms minimum"))
        }
        d => Ok(d),
    }
}

/// Parse a Kubernetes CPU quantity (`200m`, `0.5`, `2`) into CPUs, more than 0.
pub fn parse_cpu_request(s: &str) -> Result<f64, String> {
    crate::sources::manifests::parse_quantity(s)
        .filter(|v| *v > 0.0)
        .ok_or_else(|| format!("'{s}' is not a CPU quantity like 200m, 0.5 or 2"))
}

/// Parse a Kubernetes memory quantity (`256Mi`, `1G`, `1e9`, `134217728`) into bytes, at
/// least 1.
pub fn parse_memory_request(s: &str) -> Result<u64, String> {
    crate::sources::manifests::parse_quantity(s)
        .filter(|v| *v >= 1.0 && *v < 1.8e19)
        .map(|v| v.round() as u64)
        .ok_or_else(|| format!("'{s}' is not a memory quantity like 256Mi, 1G or 134217728"))
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
    fn kubernetes_quantities_for_requests() {
        assert_eq!(parse_cpu_request("200m").unwrap(), 0.2);
        assert_eq!(parse_cpu_request("0.5").unwrap(), 0.5);
        assert_eq!(parse_cpu_request("2").unwrap(), 2.0);
        assert!(parse_cpu_request("0").unwrap_err().contains("'0'"));
        assert!(parse_cpu_request("fast").is_err());
        assert_eq!(parse_memory_request("256Mi").unwrap(), 256 << 20);
        assert_eq!(parse_memory_request("1G").unwrap(), 1_000_000_000);
        assert_eq!(parse_memory_request("1e9").unwrap(), 1_000_000_000);
        assert_eq!(parse_memory_request("1Gi").unwrap(), 1 << 30);
        assert!(parse_memory_request("0").is_err());
        assert!(parse_memory_request("12parsecs").is_err());
        assert!(parse_cpu_window("100ms").unwrap_err().contains("200ms"));
        assert_eq!(parse_cpu_window("1s").unwrap(), Duration::from_secs(1));
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
    fn usage_errors_are_one_line_with_their_tips() {
        let e = Cli::try_parse_from(["rizk-scale", "recomend"]).unwrap_err();
        let line = usage_error_line(&e.render().to_string());
        assert_eq!(
            line,
            "rizk-scale: error: unrecognized subcommand 'recomend' (a similar subcommand exists: 'recommend'); see 'rizk-scale --help'"
        );
        let e = Cli::try_parse_from(["rizk-scale", "recommend", "--current-replicas", "-1"])
            .unwrap_err();
        assert_eq!(
            usage_error_line(&e.render().to_string()),
            "rizk-scale: error: invalid value '-1' for '--current-replicas <N>': '-1' is not a replica count (a whole number, 0 or more); see 'rizk-scale --help'"
        );
        assert_eq!(
            parse_serve_addr("localhost:9464").unwrap().to_string(),
            "127.0.0.1:9464"
        );
    }

    #[test]
    fn monitor_flags() {
        let m = monitor(&[]);
        assert_eq!(m.interval, Duration::from_secs(10));
        assert_eq!((m.count, m.serve, m.hook_program()), (None, None, None));
        let m = monitor(&["--serve", "--count", "2"]);
        assert_eq!(m.serve.unwrap().to_string(), DEFAULT_SERVE);
        assert_eq!(m.count, Some(2));
        assert!(Cli::try_parse_from(["rizk-scale", "monitor", "--count", "0"]).is_err());
    }

    #[test]
    fn exec_on_change_takes_one_program_and_exec_args_and_swallows_nothing() {
        let m = monitor(&[
            "--exec-on-change",
            "kubectl",
            "--exec-arg",
            "scale",
            "--interval",
            "0",
            "--exec-arg=--replicas=3",
            "--exec-arg",
            "-v",
        ]);
        assert_eq!(m.interval, Duration::ZERO);
        assert_eq!(
            m.hook_program().unwrap(),
            vec![
                OsString::from("kubectl"),
                "scale".into(),
                "--replicas=3".into(),
                "-v".into()
            ]
        );
        // A rizk-scale flag after the program is rizk-scale's.
        let m = monitor(&["--exec-on-change", "./hook.sh", "--count", "1"]);
        assert_eq!(m.hook_program().unwrap(), vec![OsString::from("./hook.sh")]);
        assert_eq!(m.count, Some(1));
        // Anything else after it is an error, never the hook's silently.
        assert!(
            Cli::try_parse_from(["rizk-scale", "monitor", "--exec-on-change", "sh", "-c"]).is_err()
        );
    }
}
