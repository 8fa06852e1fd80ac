//! The plain, clap-free options each command runs with: what [`super::resolve`] produces from
//! the config file, the environment and the flags (in that order, each over the last).
//!
//! Commands and the layers below them take these, never the clap structs of `cli`
//! (`validate::ValidateOptions` is the validate command's).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::sample::Metric;
use crate::settings::policy::PolicyChoice;
use crate::sources::exposition::Strictness;
use crate::sources::host::HostOptions;
use crate::sources::mapping::Mapping;
use crate::sources::redis::RedisTarget;
use crate::validate::ValidateOptions;

/// The options every command shares.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalOptions {
    /// The history: a file path or a Redis URL (already defaulted to the XDG location).
    pub history: PathBuf,
    /// The service name, which names the Redis keys.
    pub service: String,
    /// The prefix of the Redis keys.
    pub key_prefix: String,
    /// Samples kept in the rolling history.
    pub capacity: usize,
    /// Whether stdout gets colour (`--color` with NO_COLOR, TERM and the terminal resolved).
    pub color: bool,
    /// Print no warnings.
    pub quiet: bool,
}

/// How endpoints are scraped (`[endpoints]` and the endpoint flags).
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointOptions {
    /// The endpoints to scrape, as given.
    pub urls: Vec<String>,
    /// Request headers sent to every endpoint.
    pub headers: Vec<(String, String)>,
    /// The bearer token's file, read when the scraper is set up.
    pub bearer_token_file: Option<PathBuf>,
    /// Per-endpoint timeout.
    pub timeout: Duration,
    /// Endpoints scraped at once.
    pub concurrency: u32,
    /// Largest response body accepted.
    pub max_body: u64,
    /// Which series feed each sample metric (`[endpoints.mapping]`).
    pub mapping: Mapping,
    /// How much of the exposition formats' rules a page must follow (`--strict-exposition`).
    pub strictness: Strictness,
}

/// What goes into a fresh sample (`collect`, `recommend --collect`, `monitor`).
#[derive(Debug, Clone, PartialEq)]
pub struct SamplingOptions {
    /// Do not measure the host.
    pub no_host: bool,
    /// How the host is measured (`--cpu-window`, `--cpu-request`, `--memory-request` over
    /// `[host]`).
    pub host: HostOptions,
    /// When every endpoint fails, keep the host's (and `--metric`'s) sample (`--allow-partial`).
    pub allow_partial: bool,
    /// `--metric NAME=VALUE`, in the order given (they win over every source).
    pub metrics: Vec<(Metric, f64)>,
    /// Who produces the sample (`--instance`/`INSTANCE_ID`; the host name when none).
    pub instance: Option<String>,
    /// The endpoints and how to scrape them.
    pub endpoints: EndpointOptions,
    /// The Prometheus base URL, when Prometheus is a source.
    pub prometheus: Option<String>,
    /// Query overrides per metric: the config file's, then `--prometheus-query` (which wins).
    pub prometheus_queries: BTreeMap<Metric, String>,
}

/// The decision set-up of a live decision (`recommend`, `monitor`).
#[derive(Debug, Clone)]
pub struct DecideOptions {
    /// The policy flags, the replica bounds and the configured seed rules.
    pub choice: PolicyChoice,
    /// Replicas running now.
    pub current_replicas: Option<u32>,
    /// Samples older than this are stale (None: never stale, `--max-age 0`).
    pub max_age: Option<Duration>,
}

/// `collect`.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// What goes into the sample.
    pub sampling: SamplingOptions,
    /// Print the sample written as JSON.
    pub json: bool,
    /// The replica count running now, recorded in the sample.
    pub current_replicas: Option<u32>,
    /// Measure CPU from this instance's previous sample only when it is younger than this
    /// (`--max-age` over `policy.max_age`; None: any age).
    pub max_age: Option<Duration>,
}

/// `recommend`.
#[derive(Debug, Clone)]
pub struct RecommendOptions {
    /// The decision set-up.
    pub decide: DecideOptions,
    /// Take a fresh sample first.
    pub collect: bool,
    /// What goes into that sample.
    pub sampling: SamplingOptions,
    /// Print JSON.
    pub json: bool,
    /// Exit 10/11/12 by action.
    pub exit_code: bool,
    /// Decide for the whole fleet.
    pub fleet: bool,
}

/// `monitor`.
#[derive(Debug, Clone)]
pub struct MonitorOptions {
    /// The decision set-up, as `recommend` resolves it.
    pub decide: DecideOptions,
    /// What goes into every tick's sample.
    pub sampling: SamplingOptions,
    /// Time between ticks.
    pub interval: Duration,
    /// Stop after N ticks.
    pub count: Option<u64>,
    /// One JSON object per tick.
    pub json: bool,
    /// Serve /metrics, /health and /ready here.
    pub serve: Option<SocketAddr>,
    /// The hook run when the action or delta changes.
    pub exec_on_change: Option<Vec<OsString>>,
    /// Elect one leader per service.
    pub coordinate: bool,
    /// The leader's lease.
    pub coordination_interval: Duration,
}

/// `replay`.
#[derive(Debug, Clone)]
pub struct ReplayOptions {
    /// The policy flags, the replica bounds and the configured seed rules.
    pub choice: PolicyChoice,
    /// The replicas the replay starts from.
    pub current_replicas: Option<u32>,
    /// More runs, one per `--compare` spec in the order given: the choice with the spec's
    /// changes applied, and the spec as given.
    pub compare: Vec<(PolicyChoice, String)>,
    /// Where the history comes from, the load model and the report.
    pub whatif: WhatIfOptions,
    /// Print JSON.
    pub json: bool,
}

/// `replay`'s what-if options: the Prometheus range, the load model, the files written.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIfOptions {
    /// Build the history from range queries to this Prometheus instead of the stored history.
    pub prometheus: Option<String>,
    /// Query overrides per metric: `[prometheus.queries]`, then `--prometheus-query`.
    pub queries: BTreeMap<Metric, String>,
    /// The observed replica count's query (`replicas`), if any.
    pub replicas_query: Option<String>,
    /// Start of the range, as given (parsed against the clock when fetching).
    pub from: String,
    /// End of the range, as given.
    pub to: String,
    /// Between two samples of the range.
    pub step: Duration,
    /// Per range query timeout.
    pub query_timeout: Duration,
    /// Metrics besides cpu_percent that scale with observed / simulated replicas.
    pub scale_metrics: Vec<Metric>,
    /// Replay on the metrics as recorded.
    pub no_load_model: bool,
    /// Also write the samples replayed here.
    pub save_history: Option<PathBuf>,
    /// Write an HTML report here.
    pub report: Option<PathBuf>,
}

/// `validate`.
#[derive(Debug, Clone)]
pub struct ValidateRun {
    /// The checklist's options.
    pub options: ValidateOptions,
    /// The shared Redis to check, if any.
    pub redis: Option<RedisTarget>,
    /// How much of the exposition formats' rules a /metrics page must follow
    /// (`--strict-exposition`: a violation fails instead of warning).
    pub strictness: Strictness,
    /// Print JSON.
    pub json: bool,
}
