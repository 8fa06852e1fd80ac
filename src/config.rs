//! The configuration file `rizk-scale.toml`: format, discovery and validation.
//!
//! Unknown keys and nonsensical values are errors naming the file, line and key. Values here are
//! the third layer of precedence: flags > environment (`RIZK_SCALE_*`) > this file > defaults.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde::Deserialize;
use toml::Spanned;

use crate::sample::Metric;

/// The whole file. Every section and key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub history: Option<HistorySection>,
    pub replicas: Option<ReplicasSection>,
    pub policy: Option<PolicySection>,
    pub thresholds: Option<ThresholdsSection>,
    /// `[prometheus]`: the PromQL source's per-metric queries.
    pub prometheus: Option<PrometheusSection>,
    /// `[attest]`: things only a person can vouch for, with the date they were last verified.
    pub attest: Option<BTreeMap<String, Spanned<toml::Value>>>,
    pub endpoints: Option<EndpointsSection>,
    pub validate: Option<ValidateSection>,
    /// `[host]`: how host CPU and memory are measured.
    pub host: Option<HostSection>,
}

/// `[host]`: the container's requests (utilization is relative to them, as the HPA's) and a
/// forced CPU window. Quantities are Kubernetes's: `"200m"`, `0.5`, `"256Mi"`, `"1G"`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSection {
    pub cpu_request: Option<Spanned<toml::Value>>,
    pub memory_request: Option<Spanned<toml::Value>>,
    pub cpu_window: Option<Spanned<String>>,
}

/// A `[host]` request that is neither a string nor a number.
pub const NOT_A_QUANTITY: &str = "must be a quantity like \"200m\" or 0.5";

impl HostSection {
    /// A quantity key's text: a string as written, a number as its decimal form.
    pub fn quantity(v: &toml::Value) -> Option<String> {
        match v {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Integer(i) => Some(i.to_string()),
            toml::Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }
}

/// `[endpoints]`: the `/metrics` targets `collect`, `recommend --collect` and `monitor` scrape.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointsSection {
    pub urls: Option<Spanned<Vec<String>>>,
    pub headers: Option<Spanned<Vec<String>>>,
    pub bearer_token_file: Option<Spanned<PathBuf>>,
    pub timeout: Option<Spanned<String>>,
    pub concurrency: Option<Spanned<i64>>,
    pub max_body: Option<Spanned<String>>,
    pub mapping: Option<MappingSection>,
}

/// `[endpoints.mapping]`: which series feed each sample metric (PromQL-style selectors).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingSection {
    pub requests: Option<Spanned<String>>,
    pub status_labels: Option<Spanned<Vec<String>>>,
    pub duration: Option<Spanned<String>>,
    pub connections: Option<Spanned<Vec<String>>>,
    pub cache_hits: Option<Spanned<String>>,
    pub cache_misses: Option<Spanned<String>>,
    pub process_cpu: Option<Spanned<String>>,
    pub node_cpu: Option<Spanned<String>>,
    pub node_memory_available: Option<Spanned<String>>,
    pub node_memory_total: Option<Spanned<String>>,
}

impl MappingSection {
    /// The single-selector keys that are set, with their names.
    pub fn selectors(&self) -> Vec<(&'static str, &Spanned<String>)> {
        [
            ("requests", &self.requests),
            ("duration", &self.duration),
            ("cache_hits", &self.cache_hits),
            ("cache_misses", &self.cache_misses),
            ("process_cpu", &self.process_cpu),
            ("node_cpu", &self.node_cpu),
            ("node_memory_available", &self.node_memory_available),
            ("node_memory_total", &self.node_memory_total),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect()
    }
}

/// `[validate]`: the sources `validate` checks when no flag names them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateSection {
    pub manifests: Option<Spanned<Vec<PathBuf>>>,
    pub nginx_conf: Option<Spanned<PathBuf>>,
    pub health_urls: Option<Spanned<Vec<String>>>,
    pub redis: Option<Spanned<String>>,
    pub redis_sentinel: Option<Spanned<String>>,
    pub sentinel_master: Option<Spanned<String>>,
    pub attest_max_age: Option<Spanned<i64>>,
    pub timeout: Option<Spanned<String>>,
}

/// `[history]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistorySection {
    pub path: Option<Spanned<PathBuf>>,
    pub capacity: Option<Spanned<i64>>,
}

/// `[replicas]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicasSection {
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
}

/// `[policy]`: the seed rules' knobs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySection {
    pub max_age: Option<Spanned<String>>,
    pub min_up_conditions: Option<Spanned<i64>>,
    pub base_up_delta: Option<Spanned<i64>>,
    pub scale_down_step: Option<Spanned<i64>>,
    pub scale_up_tiers: Option<Spanned<Vec<TierEntry>>>,
}

/// `[prometheus]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusSection {
    /// `[prometheus.queries]`: sample metric name → PromQL replacing its default query (an
    /// empty string leaves the metric out).
    pub queries: Option<BTreeMap<String, Spanned<String>>>,
}

impl PrometheusSection {
    /// The overrides by metric (names were validated on load; any other is skipped).
    pub fn overrides(&self) -> BTreeMap<Metric, (String, Range<usize>)> {
        self.queries
            .iter()
            .flatten()
            .filter_map(|(name, q)| {
                let metric = name.parse::<Metric>().ok()?;
                Some((metric, (q.get_ref().clone(), q.span())))
            })
            .collect()
    }
}

/// One `scale_up_tiers` entry.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierEntry {
    pub cpu_above: f64,
    pub delta: i64,
}

/// `[thresholds.scale_up]` and `[thresholds.scale_down]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsSection {
    pub scale_up: Option<MetricThresholds>,
    pub scale_down: Option<MetricThresholds>,
}

/// A threshold per metric.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricThresholds {
    pub cpu_percent: Option<Spanned<f64>>,
    pub memory_percent: Option<Spanned<f64>>,
    pub requests_per_second: Option<Spanned<f64>>,
    pub response_time_ms: Option<Spanned<f64>>,
    pub error_rate: Option<Spanned<f64>>,
}

impl MetricThresholds {
    /// The thresholds set, by metric.
    pub fn entries(&self) -> Vec<(Metric, &Spanned<f64>)> {
        [
            (Metric::CpuPercent, &self.cpu_percent),
            (Metric::MemoryPercent, &self.memory_percent),
            (Metric::RequestsPerSecond, &self.requests_per_second),
            (Metric::ResponseTimeMs, &self.response_time_ms),
            (Metric::ErrorRate, &self.error_rate),
        ]
        .into_iter()
        .filter_map(|(m, v)| v.as_ref().map(|v| (m, v)))
        .collect()
    }
}

/// A parsed file with what is needed to point at its lines.
#[derive(Debug)]
pub struct LoadedConfig {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text (for line numbers).
    pub text: String,
    /// The parsed content.
    pub file: ConfigFile,
}

impl LoadedConfig {
    /// The 1-based line of a byte offset.
    pub fn line_of(&self, span: &Range<usize>) -> usize {
        line_col(&self.text, span.start).0
    }

    /// `path:line`, for provenance and errors.
    pub fn at(&self, span: &Range<usize>) -> String {
        format!("{}:{}", self.path.display(), self.line_of(span))
    }

    /// An error at `span` naming the file, line, column and key.
    pub fn error(&self, span: &Range<usize>, key: &str, message: &str) -> anyhow::Error {
        let (line, col) = line_col(&self.text, span.start);
        anyhow::anyhow!(
            "config '{}:{line}:{col}': {key}: {message}",
            self.path.display()
        )
    }
}

/// 1-based (line, column) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Where the configuration comes from: `--config`/`RIZK_SCALE_CONFIG` (must exist), else
/// `./rizk-scale.toml`, else `$XDG_CONFIG_HOME/rizk-scale/config.toml` (`~/.config/…`).
pub fn discover(
    explicit: Option<&Path>,
    cwd: &Path,
    xdg: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let local = cwd.join("rizk-scale.toml");
    if local.is_file() {
        return Some(local);
    }
    let base = xdg
        .filter(|x| x.is_absolute())
        .or_else(|| home.map(|h| h.join(".config")))?;
    let user = base.join("rizk-scale").join("config.toml");
    user.is_file().then_some(user)
}

/// Read and validate a configuration file.
pub fn load(path: &Path) -> Result<LoadedConfig> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("config '{}': {e}", path.display()))?;
    parse(path, text)
}

/// Parse and validate configuration text read from `path`.
pub fn parse(path: &Path, text: String) -> Result<LoadedConfig> {
    let file: ConfigFile = match toml::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(&text, s.start));
            let message = e.message().trim().replace('\n', " ");
            bail!("config '{}:{line}:{col}': {message}", path.display());
        }
    };
    let loaded = LoadedConfig {
        path: path.to_path_buf(),
        text,
        file,
    };
    validate(&loaded)?;
    Ok(loaded)
}

fn validate(c: &LoadedConfig) -> Result<()> {
    let f = &c.file;
    if let Some(cap) = f.history.as_ref().and_then(|h| h.capacity.as_ref())
        && !(1..=1_000_000).contains(cap.get_ref())
    {
        return Err(c.error(&cap.span(), "history.capacity", "must be from 1 to 1000000"));
    }
    if let Some(r) = &f.replicas {
        for (key, v) in [("replicas.min", &r.min), ("replicas.max", &r.max)] {
            if let Some(v) = v
                && !(0..=i64::from(u32::MAX)).contains(v.get_ref())
            {
                return Err(c.error(&v.span(), key, "must be a whole number ≥ 0"));
            }
        }
        if let (Some(min), Some(max)) = (&r.min, &r.max)
            && min.get_ref() > max.get_ref()
        {
            let msg = format!(
                "{} is greater than replicas.max ({})",
                min.get_ref(),
                max.get_ref()
            );
            return Err(c.error(&min.span(), "replicas.min", &msg));
        }
    }
    if let Some(p) = &f.policy {
        validate_policy(c, p)?;
    }
    if let Some(t) = &f.thresholds {
        validate_thresholds(c, t)?;
    }
    if let Some(e) = &f.endpoints {
        validate_endpoints(c, e)?;
    }
    if let Some(v) = &f.validate {
        validate_validate(c, v)?;
    }
    if let Some(h) = &f.host {
        validate_host(c, h)?;
    }
    if let Some(queries) = f.prometheus.as_ref().and_then(|p| p.queries.as_ref()) {
        for (name, query) in queries {
            let key = format!("prometheus.queries.{name}");
            if let Err(e) = name.parse::<Metric>()
                && name != crate::sample::REPLICAS
            {
                let e = format!("{e}, or replicas (replay --prometheus)");
                return Err(c.error(&query.span(), &key, &e));
            }
        }
    }
    if let Some(attest) = &f.attest {
        for (id, value) in attest {
            let ok = match value.get_ref() {
                toml::Value::String(s) => crate::sample::parse_date(s).is_ok(),
                toml::Value::Datetime(d) => d.date.is_some(),
                _ => false,
            };
            if !ok {
                return Err(c.error(
                    &value.span(),
                    &format!("attest.{id}"),
                    "must be a date like 2026-10-01",
                ));
            }
        }
    }
    Ok(())
}

fn validate_host(c: &LoadedConfig, h: &HostSection) -> Result<()> {
    type Parse = fn(&str) -> Result<(), String>;
    let checks: [(&str, &Option<Spanned<toml::Value>>, Parse); 2] = [
        ("host.cpu_request", &h.cpu_request, |t| {
            crate::cli::parse_cpu_request(t).map(|_| ())
        }),
        ("host.memory_request", &h.memory_request, |t| {
            crate::cli::parse_memory_request(t).map(|_| ())
        }),
    ];
    for (key, value, parse) in checks {
        if let Some(v) = value {
            let checked = HostSection::quantity(v.get_ref())
                .ok_or_else(|| NOT_A_QUANTITY.to_string())
                .and_then(|t| parse(&t));
            if let Err(err) = checked {
                return Err(c.error(&v.span(), key, &err));
            }
        }
    }
    if let Some(w) = &h.cpu_window
        && let Err(err) = crate::cli::parse_cpu_window(w.get_ref())
    {
        return Err(c.error(&w.span(), "host.cpu_window", &err));
    }
    Ok(())
}

fn validate_endpoints(c: &LoadedConfig, e: &EndpointsSection) -> Result<()> {
    if let Some(urls) = &e.urls {
        for url in urls.get_ref() {
            if let Err(err) = crate::sources::endpoint::Target::parse(url) {
                let msg = format!("{err:#}");
                return Err(c.error(&urls.span(), "endpoints.urls", &msg));
            }
        }
    }
    if let Some(headers) = &e.headers {
        for h in headers.get_ref() {
            if let Err(err) = crate::cli::parse_header(h) {
                return Err(c.error(&headers.span(), "endpoints.headers", &err));
            }
        }
    }
    if let Some(t) = &e.timeout
        && let Err(err) = crate::cli::parse_timeout(t.get_ref())
    {
        return Err(c.error(&t.span(), "endpoints.timeout", &err));
    }
    if let Some(n) = &e.concurrency
        && !(1..=4096).contains(n.get_ref())
    {
        return Err(c.error(&n.span(), "endpoints.concurrency", "must be from 1 to 4096"));
    }
    if let Some(m) = &e.max_body
        && let Err(err) = crate::cli::parse_size(m.get_ref())
    {
        return Err(c.error(&m.span(), "endpoints.max_body", &err));
    }
    if let Some(map) = &e.mapping {
        for (key, sel) in map.selectors() {
            if let Err(err) = crate::sources::mapping::Selector::parse(sel.get_ref()) {
                return Err(c.error(&sel.span(), &format!("endpoints.mapping.{key}"), &err));
            }
        }
        if let Some(list) = &map.connections {
            for sel in list.get_ref() {
                if let Err(err) = crate::sources::mapping::Selector::parse(sel) {
                    return Err(c.error(&list.span(), "endpoints.mapping.connections", &err));
                }
            }
        }
        if let Some(labels) = &map.status_labels
            && (labels.get_ref().is_empty() || labels.get_ref().iter().any(|l| l.trim().is_empty()))
        {
            return Err(c.error(
                &labels.span(),
                "endpoints.mapping.status_labels",
                "needs at least one label name",
            ));
        }
    }
    Ok(())
}

fn validate_validate(c: &LoadedConfig, v: &ValidateSection) -> Result<()> {
    if let Some(n) = &v.attest_max_age
        && !(1..=3650).contains(n.get_ref())
    {
        return Err(c.error(
            &n.span(),
            "validate.attest_max_age",
            "must be from 1 to 3650 days",
        ));
    }
    if let Some(t) = &v.timeout
        && let Err(err) = crate::cli::parse_duration(t.get_ref())
    {
        return Err(c.error(&t.span(), "validate.timeout", &err));
    }
    match (&v.redis_sentinel, &v.sentinel_master) {
        (Some(s), None) => Err(c.error(
            &s.span(),
            "validate.redis_sentinel",
            "needs validate.sentinel_master",
        )),
        (None, Some(m)) => Err(c.error(
            &m.span(),
            "validate.sentinel_master",
            "needs validate.redis_sentinel",
        )),
        _ => Ok(()),
    }
}

fn validate_policy(c: &LoadedConfig, p: &PolicySection) -> Result<()> {
    if let Some(age) = &p.max_age
        && let Err(e) = crate::cli::parse_duration(age.get_ref())
    {
        return Err(c.error(&age.span(), "policy.max_age", &e));
    }
    for (key, v, lo) in [
        ("policy.min_up_conditions", &p.min_up_conditions, 1),
        ("policy.base_up_delta", &p.base_up_delta, 1),
        ("policy.scale_down_step", &p.scale_down_step, 1),
    ] {
        if let Some(v) = v
            && !(lo..=1000).contains(v.get_ref())
        {
            return Err(c.error(&v.span(), key, &format!("must be from {lo} to 1000")));
        }
    }
    if let Some(n) = &p.min_up_conditions
        && *n.get_ref() > 5
    {
        return Err(c.error(
            &n.span(),
            "policy.min_up_conditions",
            "there are only 5 scale-up conditions",
        ));
    }
    if let Some(tiers) = &p.scale_up_tiers {
        for t in tiers.get_ref() {
            if !(0.0..=100.0).contains(&t.cpu_above) || !(1..=1000).contains(&t.delta) {
                return Err(c.error(
                    &tiers.span(),
                    "policy.scale_up_tiers",
                    "each tier needs cpu_above within 0–100 and delta from 1 to 1000",
                ));
            }
        }
    }
    Ok(())
}

fn validate_thresholds(c: &LoadedConfig, t: &ThresholdsSection) -> Result<()> {
    for (dir, set) in [("scale_up", &t.scale_up), ("scale_down", &t.scale_down)] {
        for (metric, v) in set.iter().flat_map(MetricThresholds::entries) {
            let key = format!("thresholds.{dir}.{metric}");
            if let Err(e) = crate::sample::check_value(metric, *v.get_ref()) {
                return Err(c.error(&v.span(), &key, &e));
            }
        }
    }
    // A scale-down threshold at or above its scale-up threshold would let both rules hold.
    let policy = crate::policy::threshold::ThresholdPolicy::default();
    let up = |m: Metric| {
        t.scale_up
            .as_ref()
            .and_then(|s| {
                s.entries()
                    .into_iter()
                    .find(|(x, _)| *x == m)
                    .map(|(_, v)| *v.get_ref())
            })
            .or_else(|| {
                policy
                    .scale_up
                    .iter()
                    .find(|(x, _)| *x == m)
                    .map(|(_, v)| *v)
            })
    };
    for (metric, v) in t.scale_down.iter().flat_map(MetricThresholds::entries) {
        if let Some(u) = up(metric)
            && *v.get_ref() >= u
        {
            let msg = format!("{} must be below the scale-up threshold ({u})", v.get_ref());
            return Err(c.error(&v.span(), &format!("thresholds.scale_down.{metric}"), &msg));
        }
    }
    if let Some(up_set) = &t.scale_up {
        for (metric, v) in up_set.entries() {
            let down = t
                .scale_down
                .as_ref()
                .and_then(|s| {
                    s.entries()
                        .into_iter()
                        .find(|(x, _)| *x == metric)
                        .map(|(_, d)| *d.get_ref())
                })
                .or_else(|| {
                    policy
                        .scale_down
                        .iter()
                        .find(|(x, _)| *x == metric)
                        .map(|(_, d)| *d)
                });
            if let Some(d) = down
                && *v.get_ref() <= d
            {
                let msg = format!(
                    "{} must be above the scale-down threshold ({d})",
                    v.get_ref()
                );
                return Err(c.error(&v.span(), &format!("thresholds.scale_up.{metric}"), &msg));
            }
        }
    }
    Ok(())
}

/// The commented default file `config init` writes (every value is the seed's default).
pub const DEFAULT_FILE: &str = r#"# rizk-scale configuration. Precedence: flags > environment (RIZK_SCALE_*) > this file > defaults.
# Every value below is the default (the scaling guide's); uncomment to change.

[history]
# path = "/var/lib/rizk-scale/history.jsonl"   # default: $XDG_STATE_HOME/rizk-scale/history.jsonl
# capacity = 100                               # samples kept

[replicas]
# min = 3       # never recommend fewer (the scaling guide's HPA minReplicas)
# max = 50      # never recommend more (maxReplicas)

[policy]
# max_age = "15m"            # a newest sample older than this means `wait`; "0" = never stale
# min_up_conditions = 2      # scale-up conditions that must hold
# base_up_delta = 1          # replicas added when no CPU tier matches
# scale_down_step = 1        # replicas removed on scale-down
# scale_up_tiers = [{ cpu_above = 90, delta = 3 }, { cpu_above = 80, delta = 2 }]

[thresholds.scale_up]        # scale up when at least min_up_conditions hold (value > threshold)
# cpu_percent = 70
# memory_percent = 80
# requests_per_second = 100
# response_time_ms = 1000
# error_rate = 5

[thresholds.scale_down]      # scale down when all hold (value < threshold)
# cpu_percent = 30
# memory_percent = 40
# requests_per_second = 20
# response_time_ms = 200
# error_rate = 1

[endpoints]                  # scraped by collect, recommend --collect and monitor (flags: --endpoint …)
# urls = ["http://127.0.0.1:8080/metrics"]
# headers = ["X-Api-Key: …"]
# bearer_token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token"
# timeout = "5s"
# concurrency = 64
# max_body = "16MiB"

[endpoints.mapping]          # which series feed the sample (PromQL-style selectors)
# requests = "http_requests_total"
# status_labels = ["code", "status"]
# duration = "http_request_duration_seconds"
# connections = ["http_connections_active", "nginx_connections_active"]
# cache_hits = "cache_hits_total"
# cache_misses = "cache_misses_total"

[host]                       # host CPU and memory (flags: --cpu-request, --memory-request, --cpu-window)
# cpu_request = "200m"       # the container's request: CPU % is relative to it, as the HPA's (may exceed 100)
# memory_request = "256Mi"   # likewise for memory (the cgroup's working set)
# cpu_window = "1s"          # always measure CPU over a fresh window, not since the previous sample

[validate]                   # sources `validate` checks when no flag names them
# manifests = ["k8s/"]
# nginx_conf = "/etc/nginx/nginx.conf"
# health_urls = ["http://lb.internal/health"]
# redis = "redis://redis-1:6379,redis://redis-2:6379"
# attest_max_age = 90
# timeout = "3s"

[prometheus.queries]         # --prometheus URL: one PromQL instant query per sample metric
# requests_per_second = "sum(rate(http_requests_total[1m]))"
# response_time_ms = "1000 * histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))"
# active_connections = "sum(nginx_connections_active)"   # no default query
# cache_hit_rate = ""                                     # "" leaves a metric out

[attest]                     # for `validate`: what a person verified, and when
# backup_recovery_tested = "2026-10-01"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<LoadedConfig> {
        parse(Path::new("rizk-scale.toml"), text.to_string())
    }

    fn err(text: &str) -> String {
        parse_text(text).unwrap_err().to_string()
    }

    #[test]
    fn the_default_file_parses_and_sets_nothing() {
        let c = parse_text(DEFAULT_FILE).unwrap();
        assert!(c.file.history.unwrap().capacity.is_none());
        let uncommented: String = DEFAULT_FILE
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| r.contains(" = ") && !r.contains("Precedence"))
                    .unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let c = parse_text(&uncommented).unwrap();
        assert_eq!(*c.file.replicas.unwrap().max.unwrap().get_ref(), 50);
    }

    #[test]
    fn unknown_keys_name_the_file_line_and_key() {
        let e = err("[history]\ncapacity = 10\ncolour = 1\n");
        assert!(e.starts_with("config 'rizk-scale.toml:3:1'"), "{e}");
        assert!(e.contains("colour"), "{e}");
        let e = err("[thresholds.scale_up]\ncpu = 5\n");
        assert!(e.contains(":2:1'") && e.contains("cpu"), "{e}");
        assert!(err("[nope]\n").contains("nope"));
        assert!(err("not toml = = 1").starts_with("config 'rizk-scale.toml:1:"));
    }

    #[test]
    fn nonsensical_values_are_errors() {
        let e = err("[thresholds.scale_down]\ncpu_percent = 75\n");
        assert_eq!(
            e,
            "config 'rizk-scale.toml:2:15': thresholds.scale_down.cpu_percent: 75 must be below the scale-up threshold (70)"
        );
        let e = err("[thresholds.scale_up]\ncpu_percent = 20\n");
        assert!(
            e.contains(
                "thresholds.scale_up.cpu_percent: 20 must be above the scale-down threshold (30)"
            ),
            "{e}"
        );
        let e = err("[thresholds.scale_up]\nerror_rate = 120\n");
        assert!(e.contains(":2:") && e.contains("percentage"), "{e}");
        let e = err("[replicas]\nmin = 10\nmax = 5\n");
        assert_eq!(
            e,
            "config 'rizk-scale.toml:2:7': replicas.min: 10 is greater than replicas.max (5)"
        );
        assert!(err("[history]\ncapacity = 0\n").contains("history.capacity"));
        assert!(err("[policy]\nmax_age = \"soon\"\n").contains("policy.max_age"));
        assert!(err("[policy]\nmin_up_conditions = 6\n").contains("only 5"));
        assert!(
            err("[policy]\nscale_up_tiers = [{ cpu_above = 150, delta = 3 }]\n")
                .contains("scale_up_tiers")
        );
        assert!(err("[attest]\nbackup = \"last week\"\n").contains("attest.backup"));
        let e = err("[prometheus.queries]\nrps = \"sum(x)\"\n");
        assert!(
            e.starts_with("config 'rizk-scale.toml:2:7': prometheus.queries.rps: "),
            "{e}"
        );
        assert!(
            e.contains("requests_per_second"),
            "names the valid metrics: {e}"
        );
        assert!(err("[prometheus.queries]\ncpu_percent = 5\n").contains(":2:"));
        assert!(err("[prometheus]\nquery = \"x\"\n").contains("query"));
        let c = parse_text(
            "[prometheus.queries]\nactive_connections = \"sum(conns)\"\ncache_hit_rate = \"\"\n",
        )
        .unwrap();
        let o = c.file.prometheus.unwrap().overrides();
        assert_eq!(o[&Metric::ActiveConnections].0, "sum(conns)");
        assert_eq!(o[&Metric::CacheHitRate].0, "");
        assert!(parse_text("[attest]\nbackup = 2026-10-01\nother = \"2026-09-01\"\n").is_ok());
        let e = err("[endpoints]\nurls = [\"ftp://x\"]\n");
        assert!(e.contains(":2:8'") && e.contains("endpoints.urls"), "{e}");
        assert!(err("[endpoints]\nconcurrency = 0\n").contains("endpoints.concurrency"));
        assert!(err("[endpoints]\ntimeout = \"soon\"\n").contains("endpoints.timeout"));
        assert!(err("[endpoints]\nmax_body = \"lots\"\n").contains("endpoints.max_body"));
        assert!(err("[host]\ncpu_request = \"lots\"\n").contains("host.cpu_request"));
        assert!(err("[host]\ncpu_request = 0\n").contains("host.cpu_request"));
        assert!(err("[host]\nmemory_request = true\n").contains("host.memory_request"));
        assert!(err("[host]\ncpu_window = \"10ms\"\n").contains("host.cpu_window"));
        assert!(err("[host]\ncpu_requests = \"1\"\n").contains("cpu_requests"));
        assert!(err("[endpoints]\nheaders = [\"nocolon\"]\n").contains("endpoints.headers"));
        let e = err("[endpoints.mapping]\nrequests = \"reqs{job=api}\"\n");
        assert!(
            e.contains("endpoints.mapping.requests") && e.contains(":2:12'"),
            "{e}"
        );
        assert!(err("[endpoints.mapping]\nstatus_labels = []\n").contains("status_labels"));
        assert!(
            err("[validate]\nredis_sentinel = \"redis://s:26379\"\n").contains("sentinel_master")
        );
        assert!(err("[validate]\nattest_max_age = 0\n").contains("attest_max_age"));
        assert!(err("[validate]\nmanifest = []\n").contains("manifest"));
    }

    #[test]
    fn consistent_threshold_changes_are_accepted() {
        let c = parse_text(
            "[thresholds.scale_up]\ncpu_percent = 20\n[thresholds.scale_down]\ncpu_percent = 10\n",
        )
        .unwrap();
        let up = c.file.thresholds.unwrap().scale_up.unwrap();
        assert_eq!(up.entries()[0].0, Metric::CpuPercent);
    }

    #[test]
    fn discovery_order() {
        let dir = tempfile::tempdir().unwrap();
        let explicit = dir.path().join("x.toml");
        assert_eq!(
            discover(Some(&explicit), dir.path(), None, None),
            Some(explicit)
        );
        assert_eq!(
            discover(None, dir.path(), None, Some(dir.path().into())),
            None
        );
        let user = dir.path().join(".config/rizk-scale/config.toml");
        std::fs::create_dir_all(user.parent().unwrap()).unwrap();
        std::fs::write(&user, "").unwrap();
        assert_eq!(
            discover(None, dir.path(), None, Some(dir.path().into())),
            Some(user)
        );
        std::fs::write(dir.path().join("rizk-scale.toml"), "").unwrap();
        assert_eq!(
            discover(None, dir.path(), None, Some(dir.path().into())),
            Some(dir.path().join("rizk-scale.toml"))
        );
    }
}
