//! Mapping scrapes to the sample: pure functions from parsed expositions (or JSON bodies) and
//! the previous scrape's raw counters to the sample's fields. No I/O here.
//!
//! Three steps, each tested below:
//!
//! 1. [`snapshot`] / [`snapshot_json`]: one scrape → a [`Snapshot`]: the cumulative counters the
//!    next scrape needs ([`Counters`], stored in the history) and the gauges read now.
//! 2. [`reading`]: this snapshot and the previous one of the same target → a [`Reading`] of
//!    per-second rates. A counter that went down was restarted: with two scrapes the increase
//!    across the restart is not known, so that rate is *unknown* for this scrape (the next one
//!    has it again). Without a previous snapshot every rate is *unknown* (`None` in the
//!    sample), never 0. [`gap`] says why a field is unknown on a target.
//! 3. [`aggregate`]: the readings of a fleet → one set of sample fields: rates and connections
//!    summed, error rate and latency as ratios of summed rates (so weighted by request counts),
//!    CPU and memory averaged (and their maximum kept).
//!
//! ## Defaults (see [`Mapping::default`])
//!
//! | sample field | from |
//! |---|---|
//! | `requests_per_second` | rate of `http_requests_total`, summed over its series |
//! | `error_rate` | rate of those series whose `code` (or `status`) label is `5xx`, over the total |
//! | `response_time_ms` | Δ`http_request_duration_seconds_sum` / Δ`…_count` × 1000 |
//! | `response_time_p95_ms` (extra) | `…_bucket`, linear interpolation as `histogram_quantile` |
//! | `active_connections` | gauge `http_connections_active`, else `nginx_connections_active` |
//! | `cache_hit_rate` | Δ`cache_hits_total` / (Δhits + Δ`cache_misses_total`) |
//! | `cpu_percent` | `node_cpu_seconds_total` non-idle share, else `process_cpu_seconds_total` rate |
//! | `memory_percent` | 1 − `node_memory_MemAvailable_bytes` / `node_memory_MemTotal_bytes` |
//!
//! `process_cpu_seconds_total` is CPU time of one process: its rate × 100 is the percentage of
//! one core, capped at 100 (a process does not expose how many cores it may use).
//!
//! ## Raw counters in the history line
//!
//! The newest sample written by endpoint collection carries, under the extra field `raw`, one
//! object per target keyed by the target's redacted URL:
//!
//! ```json
//! "raw": {"http://127.0.0.1:8080/metrics": {"t_ms": 1764000000123, "requests": 1200,
//!   "errors": 5, "duration_sum": 30.5, "duration_count": 1200,
//!   "buckets": [[0.1, 800], [0.5, 1150], [1, 1190]], "cache_hits": 90, "cache_misses": 10,
//!   "cpu_seconds": 12.5, "node_cpu_total": 81234.5, "node_cpu_idle": 80000.25}}
//! ```
//!
//! `t_ms` is when the scrape completed (ms since the Unix epoch); each other key is present only
//! when the target exposes that counter: values are summed over the counter's series (so a
//! counter reset is detected on the sum — series of one process restart together), `buckets`
//! are the finite `le` bounds with their cumulative counts (the `+Inf` bucket is
//! `duration_count`). Entries for targets not scraped this time are carried forward from the
//! previous raw object for [`RAW_MAX_AGE_MS`], so a target that was down once still gets rates
//! when it comes back; older samples lose their `raw` so only the newest line holds it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sample::{Metric, Sample};
use crate::sources::exposition::Exposition;

/// The extra field of the sample holding raw counters per target.
pub const RAW_FIELD: &str = "raw";

/// Raw entries older than this (relative to the newest scrape) are not carried forward: 1 hour.
pub const RAW_MAX_AGE_MS: i64 = 3_600_000;

/// The quantile reported as `response_time_p95_ms`.
pub const LATENCY_QUANTILE: f64 = 0.95;

/// `label="value"` (or `label!="value"` when `negate`): a label matcher as in PromQL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matcher {
    /// The label name.
    pub label: String,
    /// The value compared with (a missing label compares as the empty string, as in PromQL).
    pub value: String,
    /// `!=` instead of `=`.
    #[serde(default)]
    pub negate: bool,
}

/// A sample name and label matchers, e.g. `http_requests_total{job="api"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selector {
    /// The sample name (for counters the `_total` name; for histograms the base name).
    pub name: String,
    /// All must match.
    #[serde(default)]
    pub matchers: Vec<Matcher>,
}

impl Selector {
    /// Parse a PromQL-style selector: `name`, `name{label="value",other!="x"}` (values in
    /// double quotes with `\\` and `\"` escapes).
    pub fn parse(text: &str) -> Result<Selector, String> {
        let text = text.trim();
        let (name, rest) = match text.find('{') {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text, None),
        };
        let valid_name = !name.is_empty()
            && name.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
            });
        if !valid_name {
            return Err(format!(
                "'{text}': expected a metric name like http_requests_total"
            ));
        }
        let mut matchers = Vec::new();
        if let Some(rest) = rest {
            let body = rest
                .strip_suffix('}')
                .ok_or_else(|| format!("'{text}': missing the closing '}}'"))?;
            let mut chars = body.chars().peekable();
            loop {
                while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    break;
                }
                let label: String = std::iter::from_fn(|| {
                    chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_')
                })
                .collect();
                let negate = match (chars.next(), chars.peek()) {
                    (Some('='), _) => false,
                    (Some('!'), Some('=')) => {
                        chars.next();
                        true
                    }
                    _ => {
                        return Err(format!(
                            "'{text}': expected label=\"value\" or label!=\"value\""
                        ));
                    }
                };
                if label.is_empty() || chars.next() != Some('"') {
                    return Err(format!(
                        "'{text}': expected label=\"value\" or label!=\"value\""
                    ));
                }
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => value.extend(chars.next()),
                        Some(c) => value.push(c),
                        None => return Err(format!("'{text}': unterminated label value")),
                    }
                }
                matchers.push(Matcher {
                    label,
                    value,
                    negate,
                });
            }
        }
        Ok(Selector {
            name: name.to_string(),
            matchers,
        })
    }

    /// A selector on a name alone.
    pub fn name(name: &str) -> Selector {
        Selector {
            name: name.to_string(),
            matchers: Vec::new(),
        }
    }

    fn matches_labels(&self, labels: &[(impl AsRef<str>, impl AsRef<str>)]) -> bool {
        self.matchers.iter().all(|m| {
            let value = labels
                .iter()
                .find(|(n, _)| n.as_ref() == m.label)
                .map_or("", |(_, v)| v.as_ref());
            (value == m.value) != m.negate
        })
    }
}

impl std::fmt::Display for Selector {
    /// As written in PromQL: `name`, or `name{label="value",other!="x"}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)?;
        if self.matchers.is_empty() {
            return Ok(());
        }
        let inner: Vec<String> = self
            .matchers
            .iter()
            .map(|m| {
                let op = if m.negate { "!=" } else { "=" };
                let value = m.value.replace('\\', "\\\\").replace('"', "\\\"");
                format!("{}{op}\"{value}\"", m.label)
            })
            .collect();
        write!(f, "{{{}}}", inner.join(","))
    }
}

/// Which metrics of a target feed which sample field: the documented defaults, overridable per
/// metric (name and label matchers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// Request counter (`http_requests_total`).
    pub requests: Selector,
    /// Labels holding the HTTP status; a series is an error when the first present one is 5xx.
    pub status_labels: Vec<String>,
    /// Latency histogram base name (`http_request_duration_seconds`): `_sum`, `_count`,
    /// `_bucket` are read, in seconds.
    pub duration: Selector,
    /// Connection gauges, the first one exposed wins.
    pub connections: Vec<Selector>,
    /// Cache hit counter (`cache_hits_total`).
    pub cache_hits: Selector,
    /// Cache miss counter (`cache_misses_total`).
    pub cache_misses: Selector,
    /// Process CPU seconds (`process_cpu_seconds_total`).
    pub process_cpu: Selector,
    /// node_exporter CPU seconds by mode (`node_cpu_seconds_total`).
    pub node_cpu: Selector,
    /// node_exporter available memory (`node_memory_MemAvailable_bytes`).
    pub node_memory_available: Selector,
    /// node_exporter total memory (`node_memory_MemTotal_bytes`).
    pub node_memory_total: Selector,
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            requests: Selector::name("http_requests_total"),
            status_labels: vec!["code".into(), "status".into()],
            duration: Selector::name("http_request_duration_seconds"),
            connections: vec![
                Selector::name("http_connections_active"),
                Selector::name("nginx_connections_active"),
            ],
            cache_hits: Selector::name("cache_hits_total"),
            cache_misses: Selector::name("cache_misses_total"),
            process_cpu: Selector::name("process_cpu_seconds_total"),
            node_cpu: Selector::name("node_cpu_seconds_total"),
            node_memory_available: Selector::name("node_memory_MemAvailable_bytes"),
            node_memory_total: Selector::name("node_memory_MemTotal_bytes"),
        }
    }
}

/// Cumulative counters of one scrape, summed over series: what the history keeps (see the
/// module documentation for the layout).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counters {
    /// When the scrape completed, ms since the Unix epoch.
    pub t_ms: i64,
    /// Requests (all series).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<f64>,
    /// Requests answered 5xx.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<f64>,
    /// Latency sum, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_sum: Option<f64>,
    /// Latency observations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_count: Option<f64>,
    /// Finite latency buckets: (upper bound in seconds, cumulative count), ascending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buckets: Option<Vec<(f64, f64)>>,
    /// Cache hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_hits: Option<f64>,
    /// Cache misses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_misses: Option<f64>,
    /// Process CPU seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_seconds: Option<f64>,
    /// node_exporter CPU seconds, all modes and CPUs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_cpu_total: Option<f64>,
    /// node_exporter idle CPU seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_cpu_idle: Option<f64>,
}

/// Values read directly from a target, needing no previous scrape: gauges, and the already
/// computed figures of a JSON body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gauges {
    /// Open connections.
    pub active_connections: Option<f64>,
    /// Memory in use, 0–100.
    pub memory_percent: Option<f64>,
    /// CPU usage, 0–100 (JSON bodies only; expositions give CPU as a counter).
    pub cpu_percent: Option<f64>,
    /// Requests per second (JSON).
    pub requests_per_second: Option<f64>,
    /// Error rate, 0–100 (JSON).
    pub error_rate: Option<f64>,
    /// Mean response time, ms (JSON).
    pub response_time_ms: Option<f64>,
    /// Cache hit rate, 0–100 (JSON).
    pub cache_hit_rate: Option<f64>,
}

/// What one scrape of one target yielded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Kept for the next scrape.
    pub counters: Counters,
    /// Read now.
    pub gauges: Gauges,
    /// The distinct sample names on the page (a JSON body's field names), sorted: what a
    /// missing series' similar names are looked up in.
    pub names: Vec<String>,
    /// Whether the page was a JSON body (its "series" are fields).
    pub json: bool,
}

impl Snapshot {
    /// Whether the page held none of the series the mapping asks for (it answered, but
    /// nothing on it feeds a sample: a wrong port, a wrong mapping).
    pub fn has_no_series(&self) -> bool {
        let bare = Counters {
            t_ms: self.counters.t_ms,
            ..Counters::default()
        };
        self.counters == bare && self.gauges == Gauges::default()
    }
}

/// A sample field as seen on one target: not exposed, exposed but not yet computable (first
/// scrape), or known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Obs<T> {
    /// The target does not expose it.
    Absent,
    /// Exposed, but a rate needs a previous scrape (or the bucket layout changed).
    Unknown,
    /// The value.
    Known(T),
}

impl<T> Obs<T> {
    fn from_option(exposed: bool, value: Option<T>) -> Obs<T> {
        match (exposed, value) {
            (_, Some(v)) => Obs::Known(v),
            (true, None) => Obs::Unknown,
            (false, None) => Obs::Absent,
        }
    }

    /// `Some` when known.
    pub fn known(self) -> Option<T> {
        match self {
            Obs::Known(v) => Some(v),
            _ => None,
        }
    }
}

/// One target's contribution, as per-second rates (ratios are formed after summing a fleet).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// Requests per second.
    pub requests: Obs<f64>,
    /// (5xx per second, requests per second) — the error-rate ratio's parts.
    pub errors: Obs<(f64, f64)>,
    /// (latency seconds per second, observations per second).
    pub latency: Obs<(f64, f64)>,
    /// Bucket rates (upper bound, cumulative observations per second), `+Inf` last.
    pub buckets: Obs<Vec<(f64, f64)>>,
    /// (hits per second, misses per second).
    pub cache: Obs<(f64, f64)>,
    /// Open connections.
    pub connections: Obs<f64>,
    /// CPU usage, 0–100.
    pub cpu_percent: Obs<f64>,
    /// Memory in use, 0–100.
    pub memory_percent: Obs<f64>,
}

/// Reduce a parsed exposition to a snapshot, in one pass over its samples.
pub fn snapshot(exposition: &Exposition<'_>, mapping: &Mapping, t_ms: i64) -> Snapshot {
    let d = &mapping.duration.name;
    let (d_sum, d_count, d_bucket) = (
        format!("{d}_sum"),
        format!("{d}_count"),
        format!("{d}_bucket"),
    );
    let mut c = Counters {
        t_ms,
        ..Counters::default()
    };
    let mut g = Gauges::default();
    // Connection gauges by the index of their selector: the first exposed selector wins.
    let mut connections: Vec<Option<f64>> = vec![None; mapping.connections.len()];
    let mut buckets: BTreeMap<OrdF64, f64> = BTreeMap::new();
    let mut saw_bucket = false;
    let (mut mem_avail, mut mem_total) = (None, None);
    let add = |slot: &mut Option<f64>, v: f64| *slot = Some(slot.unwrap_or(0.0) + v);
    let mut names: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();

    for family in &exposition.families {
        let mut last_name = "";
        for s in &family.samples {
            let name = s.name.as_ref();
            if name != last_name {
                names.insert(name);
                last_name = name;
            }
            let labels = &s.labels;
            let is = |sel: &Selector| sel.name == name && sel.matches_labels(labels);
            if is(&mapping.requests) {
                add(&mut c.requests, s.value);
                let status = mapping.status_labels.iter().find_map(|l| s.label(l));
                let five_xx = status.is_some_and(|v| {
                    let b = v.as_bytes();
                    b.len() == 3 && b[0] == b'5' && b[1].is_ascii_digit() && b[2].is_ascii_digit()
                });
                let errors = c.errors.get_or_insert(0.0);
                if five_xx {
                    *errors += s.value;
                }
            } else if name == d_sum && mapping.duration.matches_labels(labels) {
                add(&mut c.duration_sum, s.value);
            } else if name == d_count && mapping.duration.matches_labels(labels) {
                add(&mut c.duration_count, s.value);
            } else if name == d_bucket && mapping.duration.matches_labels(labels) {
                saw_bucket = true;
                if let Some(le) = s.label("le").and_then(|v| v.trim().parse::<f64>().ok())
                    && le.is_finite()
                {
                    *buckets.entry(OrdF64(le)).or_insert(0.0) += s.value;
                }
            } else if is(&mapping.cache_hits) {
                add(&mut c.cache_hits, s.value);
            } else if is(&mapping.cache_misses) {
                add(&mut c.cache_misses, s.value);
            } else if is(&mapping.process_cpu) {
                add(&mut c.cpu_seconds, s.value);
            } else if is(&mapping.node_cpu) {
                add(&mut c.node_cpu_total, s.value);
                let idle = c.node_cpu_idle.get_or_insert(0.0);
                if s.label("mode") == Some("idle") {
                    *idle += s.value;
                }
            } else if is(&mapping.node_memory_available) {
                add(&mut mem_avail, s.value);
            } else if is(&mapping.node_memory_total) {
                add(&mut mem_total, s.value);
            } else if let Some(i) = mapping.connections.iter().position(is) {
                add(&mut connections[i], s.value);
            }
        }
    }
    if saw_bucket {
        c.buckets = Some(buckets.into_iter().map(|(le, n)| (le.0, n)).collect());
    }
    g.active_connections = connections.into_iter().flatten().next();
    if let (Some(avail), Some(total)) = (mem_avail, mem_total)
        && total > 0.0
    {
        g.memory_percent = Some(clamp_percent((1.0 - avail / total) * 100.0));
    }
    Snapshot {
        counters: c,
        gauges: g,
        names: names.into_iter().map(str::to_string).collect(),
        json: false,
    }
}

/// The sample-field names a JSON body may use (and the Lua article's `cpuUsage`/`memoryUsage`).
const JSON_FIELDS: [&str; 9] = [
    "cpu_percent",
    "memory_percent",
    "requests_per_second",
    "cache_hit_rate",
    "error_rate",
    "response_time_ms",
    "active_connections",
    "cpuUsage",
    "memoryUsage",
];

/// Read a JSON body: an object whose numeric fields use the sample's names (`cpu_percent`,
/// `requests_per_second`, …) or the Lua article's `cpuUsage` / `memoryUsage`. Other fields are
/// ignored; a known field that is not a number (or `null`), or out of range, is an error.
pub fn snapshot_json(body: &str, t_ms: i64) -> Result<Snapshot, String> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let object = value
        .as_object()
        .ok_or_else(|| "JSON body is not an object".to_string())?;
    let mut g = Gauges::default();
    for field in JSON_FIELDS {
        let v = match object.get(field) {
            None | Some(serde_json::Value::Null) => continue,
            Some(v) => v
                .as_f64()
                .ok_or_else(|| format!("JSON field '{field}' is not a number: {v}"))?,
        };
        // CPU and memory are utilization and may exceed 100; rates are shares of a whole.
        let percent = matches!(field, "cache_hit_rate" | "error_rate");
        if !v.is_finite() || v < 0.0 || (percent && v > 100.0) {
            let range = if percent { "0–100" } else { "a number ≥ 0" };
            return Err(format!("JSON field '{field}' is {v}, expected {range}"));
        }
        let slot = match field {
            "cpu_percent" | "cpuUsage" => &mut g.cpu_percent,
            "memory_percent" | "memoryUsage" => &mut g.memory_percent,
            "requests_per_second" => &mut g.requests_per_second,
            "cache_hit_rate" => &mut g.cache_hit_rate,
            "error_rate" => &mut g.error_rate,
            "response_time_ms" => &mut g.response_time_ms,
            _ => &mut g.active_connections,
        };
        // The sample's own name wins over the article's alias.
        slot.get_or_insert(v);
    }
    let mut names: Vec<String> = object.keys().cloned().collect();
    names.sort();
    Ok(Snapshot {
        counters: Counters {
            t_ms,
            ..Counters::default()
        },
        gauges: g,
        names,
        json: true,
    })
}

/// How much a counter grew from `prev` to `cur`; `None` when it went down (the target
/// restarted: with two scrapes the increments before the restart are lost, so the interval's
/// rate is unknown — reading the new value as the increase would under-count a busy service).
pub fn increase(prev: f64, cur: f64) -> Option<f64> {
    // A NaN compares false: it stays NaN (unknown downstream), never a reset.
    if cur < prev { None } else { Some(cur - prev) }
}

/// Per-second rates from the previous snapshot of the same target (`None`: first scrape).
pub fn reading(prev: Option<&Counters>, cur: &Snapshot) -> Reading {
    let c = &cur.counters;
    let g = &cur.gauges;
    let seconds = prev
        .map(|p| (c.t_ms - p.t_ms) as f64 / 1000.0)
        .filter(|s| *s > 0.0);
    let rate = |get: fn(&Counters) -> Option<f64>| -> Obs<f64> {
        let now = get(c);
        let value = match (prev.and_then(get), now, seconds) {
            (Some(p), Some(n), Some(s)) => increase(p, n).map(|d| d / s),
            _ => None,
        };
        Obs::from_option(now.is_some(), value)
    };

    let counted = rate(|c| c.requests);
    let errors = rate(|c| c.errors);
    let dsum = rate(|c| c.duration_sum);
    let dcount = rate(|c| c.duration_count);
    let hits = rate(|c| c.cache_hits);
    let misses = rate(|c| c.cache_misses);

    // JSON figures: already rates and ratios. Weight them by their request rate when given,
    // else by 1 (the fleet average is then unweighted for them).
    let weight = g.requests_per_second.unwrap_or(1.0);
    let requests = match (counted, g.requests_per_second) {
        (Obs::Absent, Some(v)) => Obs::Known(v),
        (obs, _) => obs,
    };
    let errors = match (both(errors, counted), g.error_rate) {
        (Obs::Absent, Some(pct)) => Obs::Known((pct / 100.0 * weight, weight)),
        (obs, _) => obs,
    };
    let latency = match (both(dsum, dcount), g.response_time_ms) {
        (Obs::Absent, Some(ms)) => Obs::Known((ms / 1000.0 * weight, weight)),
        (obs, _) => obs,
    };
    let cache = match (both(hits, misses), g.cache_hit_rate) {
        (Obs::Absent, Some(pct)) => Obs::Known((pct / 100.0, 1.0 - pct / 100.0)),
        (obs, _) => obs,
    };

    let buckets = bucket_rates(prev, c, seconds);

    let node_cpu = match (prev, seconds, c.node_cpu_total, c.node_cpu_idle) {
        (Some(p), Some(_), Some(total), Some(idle)) => match (p.node_cpu_total, p.node_cpu_idle) {
            (Some(pt), Some(pi)) => match (increase(pt, total), increase(pi, idle)) {
                (Some(dt), Some(di)) if dt > 0.0 => {
                    Obs::Known(clamp_percent((1.0 - di / dt) * 100.0))
                }
                _ => Obs::Unknown,
            },
            _ => Obs::Unknown,
        },
        (_, _, Some(_), _) => Obs::Unknown,
        _ => Obs::Absent,
    };
    let cpu_percent = match node_cpu {
        Obs::Absent => match rate(|c| c.cpu_seconds) {
            Obs::Known(r) => Obs::Known(clamp_percent(r * 100.0)),
            Obs::Absent => Obs::from_option(false, g.cpu_percent),
            Obs::Unknown => Obs::Unknown,
        },
        obs => obs,
    };

    Reading {
        requests,
        errors,
        latency,
        buckets,
        cache,
        connections: Obs::from_option(false, g.active_connections),
        cpu_percent,
        memory_percent: Obs::from_option(false, g.memory_percent),
    }
}

/// Two observations together: known only when both are.
fn both(a: Obs<f64>, b: Obs<f64>) -> Obs<(f64, f64)> {
    match (a, b) {
        (Obs::Known(x), Obs::Known(y)) => Obs::Known((x, y)),
        (Obs::Absent, Obs::Absent) => Obs::Absent,
        _ => Obs::Unknown,
    }
}

/// Bucket rates, `+Inf` (the count) last. Unknown when the layout of bounds changed.
fn bucket_rates(
    prev: Option<&Counters>,
    c: &Counters,
    seconds: Option<f64>,
) -> Obs<Vec<(f64, f64)>> {
    let (Some(now), Some(count)) = (&c.buckets, c.duration_count) else {
        return Obs::Absent;
    };
    let (Some(p), Some(s)) = (prev, seconds) else {
        return Obs::Unknown;
    };
    let (Some(before), Some(pcount)) = (&p.buckets, p.duration_count) else {
        return Obs::Unknown;
    };
    if before.len() != now.len() || before.iter().zip(now).any(|(a, b)| a.0 != b.0) {
        return Obs::Unknown;
    }
    let mut out = Vec::with_capacity(now.len() + 1);
    for (a, b) in before.iter().zip(now) {
        let Some(d) = increase(a.1, b.1) else {
            return Obs::Unknown;
        };
        out.push((b.0, d / s));
    }
    let Some(d) = increase(pcount, count) else {
        return Obs::Unknown;
    };
    out.push((f64::INFINITY, d / s));
    Obs::Known(out)
}

/// The `q`-quantile of cumulative buckets (upper bound, count), `+Inf` last, interpolated
/// linearly inside the bucket as Prometheus's `histogram_quantile` does. `None` when there
/// are no observations or fewer than two buckets.
pub fn histogram_quantile(q: f64, buckets: &[(f64, f64)]) -> Option<f64> {
    if !(0.0..=1.0).contains(&q) || buckets.len() < 2 {
        return None;
    }
    let last = buckets.last()?;
    if last.0 != f64::INFINITY {
        return None;
    }
    // Cumulative counts must not decrease (they can, slightly, with rates of separate series).
    let mut fixed: Vec<(f64, f64)> = Vec::with_capacity(buckets.len());
    let mut max = 0.0_f64;
    for &(le, n) in buckets {
        max = max.max(n);
        fixed.push((le, max));
    }
    let total = fixed.last()?.1;
    if total <= 0.0 {
        return None;
    }
    let rank = q * total;
    let finite = fixed.len() - 1;
    let b = fixed[..finite]
        .iter()
        .position(|&(_, n)| n >= rank)
        .unwrap_or(finite);
    if b == finite {
        return Some(fixed[finite - 1].0);
    }
    let (end, count_b) = fixed[b];
    if b == 0 && end <= 0.0 {
        return Some(end);
    }
    let (start, below) = if b == 0 { (0.0, 0.0) } else { fixed[b - 1] };
    let in_bucket = count_b - below;
    if in_bucket <= 0.0 {
        return Some(end);
    }
    Some(start + (end - start) * ((rank - below) / in_bucket))
}

/// Why a target gave no value for a sample field (see [`gap`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Gap {
    /// None of the series feeding it is on the page: what was looked for (`wanted`, e.g.
    /// `http_requests_total`), and up to 3 similar names that are on the page.
    NotOnPage {
        wanted: String,
        similar: Vec<String>,
    },
    /// On the page, but a rate needs a previous scrape of this target (none, or it lacked the
    /// counter).
    FirstScrape,
    /// A counter feeding it went down since the previous scrape (the target restarted).
    Reset { counter: String },
    /// Its counters did not move since the previous scrape (no request or lookup to average).
    Idle,
    /// The figure is not a finite number (a NaN or infinite sample on the page).
    NotFinite,
}

/// A counter's name in the history's `raw` object, and how to read it.
type Feed = (&'static str, fn(&Counters) -> Option<f64>);

/// The counters that feed `metric`.
fn feeding(metric: Metric) -> &'static [Feed] {
    match metric {
        Metric::RequestsPerSecond => &[("requests", |c| c.requests)],
        Metric::ErrorRate => &[("requests", |c| c.requests), ("errors", |c| c.errors)],
        Metric::ResponseTimeMs => &[
            ("duration_sum", |c| c.duration_sum),
            ("duration_count", |c| c.duration_count),
        ],
        Metric::CacheHitRate => &[
            ("cache_hits", |c| c.cache_hits),
            ("cache_misses", |c| c.cache_misses),
        ],
        Metric::CpuPercent => &[
            ("node_cpu_total", |c| c.node_cpu_total),
            ("node_cpu_idle", |c| c.node_cpu_idle),
            ("cpu_seconds", |c| c.cpu_seconds),
        ],
        Metric::MemoryPercent | Metric::ActiveConnections => &[],
    }
}

/// What the mapping looks for to fill `metric`, as the user would write it, and the names to
/// find similar ones of: selectors (an exposition) or field names (a JSON body).
fn wanted(metric: Metric, mapping: &Mapping, json: bool) -> (String, Vec<String>) {
    if json {
        let mut names = vec![metric.name().to_string()];
        match metric {
            Metric::CpuPercent => names.push("cpuUsage".into()),
            Metric::MemoryPercent => names.push("memoryUsage".into()),
            _ => {}
        }
        return (format!("field {}", names.join(" or ")), names);
    }
    let one = |s: &Selector| (s.to_string(), vec![s.name.clone()]);
    let both = |a: &Selector, b: &Selector| {
        (
            format!("series {a} and {b}"),
            vec![a.name.clone(), b.name.clone()],
        )
    };
    let (text, names) = match metric {
        Metric::RequestsPerSecond | Metric::ErrorRate => one(&mapping.requests),
        Metric::ResponseTimeMs => {
            let d = &mapping.duration;
            let sum = Selector {
                name: format!("{}_sum", d.name),
                matchers: d.matchers.clone(),
            };
            let count = Selector {
                name: format!("{}_count", d.name),
                matchers: d.matchers.clone(),
            };
            return both(&sum, &count);
        }
        Metric::CacheHitRate => return both(&mapping.cache_hits, &mapping.cache_misses),
        Metric::MemoryPercent => {
            return both(&mapping.node_memory_available, &mapping.node_memory_total);
        }
        Metric::CpuPercent => {
            let (a, b) = (&mapping.node_cpu, &mapping.process_cpu);
            return (
                format!("series {a} or {b}"),
                vec![a.name.clone(), b.name.clone()],
            );
        }
        Metric::ActiveConnections => {
            let all: Vec<String> = mapping.connections.iter().map(|s| s.to_string()).collect();
            let names = mapping.connections.iter().map(|s| s.name.clone()).collect();
            return (format!("series {}", all.join(" or ")), names);
        }
    };
    (format!("series {text}"), names)
}

/// Why this target gives no value for `metric` this scrape (`prev`: its previous counters),
/// `None` when it gives one.
pub fn gap(
    metric: Metric,
    prev: Option<&Counters>,
    cur: &Snapshot,
    mapping: &Mapping,
) -> Option<Gap> {
    let r = reading(prev, cur);
    // Absent, unknown, or known (whether the figure can be formed from it).
    let state: Obs<bool> = match metric {
        Metric::RequestsPerSecond => obs_map(&r.requests, |v| v.is_finite()),
        Metric::ErrorRate => obs_map(&r.errors, |(e, n)| e.is_finite() && n.is_finite()),
        Metric::ResponseTimeMs => obs_map(&r.latency, |(s, n)| s.is_finite() && n.is_finite()),
        Metric::CacheHitRate => obs_map(&r.cache, |(h, m)| h.is_finite() && m.is_finite()),
        Metric::ActiveConnections => obs_map(&r.connections, |v| v.is_finite()),
        Metric::CpuPercent => obs_map(&r.cpu_percent, |v| v.is_finite()),
        Metric::MemoryPercent => obs_map(&r.memory_percent, |v| v.is_finite()),
    };
    let idle = match (metric, &r.latency, &r.cache) {
        (Metric::ResponseTimeMs, Obs::Known((_, n)), _) => *n == 0.0,
        (Metric::CacheHitRate, _, Obs::Known((h, m))) => h + m == 0.0,
        _ => false,
    };
    match state {
        Obs::Known(true) if idle => Some(Gap::Idle),
        Obs::Known(true) => None,
        Obs::Known(false) => Some(Gap::NotFinite),
        Obs::Absent => {
            let (wanted, names) = wanted(metric, mapping, cur.json);
            Some(Gap::NotOnPage {
                wanted,
                similar: similar(&names, &cur.names, 3),
            })
        }
        Obs::Unknown => {
            let reset = prev.and_then(|p| {
                feeding(metric).iter().find_map(|(name, get)| {
                    let (before, now) = (get(p)?, get(&cur.counters)?);
                    (now < before).then(|| name.to_string())
                })
            });
            Some(match reset {
                Some(counter) => Gap::Reset { counter },
                None => Gap::FirstScrape,
            })
        }
    }
}

fn obs_map<T>(obs: &Obs<T>, finite: impl Fn(&T) -> bool) -> Obs<bool> {
    match obs {
        Obs::Absent => Obs::Absent,
        Obs::Unknown => Obs::Unknown,
        Obs::Known(v) => Obs::Known(finite(v)),
    }
}

/// Words a metric name is made of that say nothing about what it measures (suffixes, and
/// namespaces most names on a page share).
const COMMON_WORDS: [&str; 11] = [
    "total", "count", "sum", "bucket", "created", "info", "", "http", "node", "process", "go",
];

/// Up to `n` of `names` similar to one of `wanted`: within a few edits (a typo first), or
/// sharing a meaningful word (`requests`, `duration`; the most shared first).
pub fn similar(wanted: &[String], names: &[String], n: usize) -> Vec<String> {
    let words = |s: &str| -> Vec<String> {
        s.to_ascii_lowercase()
            .split(['_', ':'])
            .filter(|w| !COMMON_WORDS.contains(w))
            .map(str::to_string)
            .collect()
    };
    let mut scored: Vec<(usize, usize, usize, &String)> = names
        .iter()
        .filter(|name| !wanted.contains(name))
        .filter_map(|name| {
            let own = words(name);
            wanted
                .iter()
                .filter_map(|w| {
                    let shared = words(w).iter().filter(|x| own.contains(x)).count();
                    let distance = crate::sample::edit_distance(name, w);
                    let close = distance <= (w.chars().count() / 4).max(2);
                    // A typo (two edits at most) first, then the most shared words.
                    let tier = usize::from(distance > 2);
                    (shared > 0 || close).then_some((tier, usize::MAX - shared, distance, name))
                })
                .min()
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(n)
        .map(|(_, _, _, s)| s.clone())
        .collect()
}

/// The fleet's figures, ready for the sample.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Aggregate {
    pub requests_per_second: Option<f64>,
    pub error_rate: Option<f64>,
    pub response_time_ms: Option<f64>,
    pub response_time_p95_ms: Option<f64>,
    pub cache_hit_rate: Option<f64>,
    pub active_connections: Option<f64>,
    pub cpu_percent: Option<f64>,
    pub cpu_percent_max: Option<f64>,
    pub memory_percent: Option<f64>,
    pub memory_percent_max: Option<f64>,
}

/// Fold one field over a fleet: unknown if any target's is unknown (a partial sum would be
/// read as the whole), absent if none exposes it, else the known values.
fn collect_known<T: Clone>(
    readings: &[Reading],
    get: impl Fn(&Reading) -> &Obs<T>,
) -> Option<Vec<T>> {
    let mut known = Vec::new();
    for r in readings {
        match get(r) {
            Obs::Absent => {}
            Obs::Unknown => return None,
            Obs::Known(v) => known.push(v.clone()),
        }
    }
    (!known.is_empty()).then_some(known)
}

/// Combine the readings of the targets that answered (failed targets are not passed in).
pub fn aggregate(readings: &[Reading]) -> Aggregate {
    let sum_pairs = |v: Vec<(f64, f64)>| {
        v.into_iter()
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1))
    };
    let requests = collect_known(readings, |r| &r.requests).map(|v| v.iter().sum::<f64>());
    // No request in the interval: no request failed, so 0 % (not unknown).
    let error_rate = collect_known(readings, |r| &r.errors)
        .map(sum_pairs)
        .map(|(e, n)| {
            if n == 0.0 {
                0.0
            } else {
                clamp_percent(e / n * 100.0)
            }
        });
    // No observation in the interval: no latency was measured, so unknown.
    let response_time_ms = collect_known(readings, |r| &r.latency)
        .map(sum_pairs)
        .and_then(|(s, n)| (n > 0.0).then(|| s / n * 1000.0));
    let response_time_p95_ms = collect_known(readings, |r| &r.buckets)
        .and_then(|all| {
            let mut merged: BTreeMap<OrdF64, f64> = BTreeMap::new();
            for b in all.iter().flatten() {
                *merged.entry(OrdF64(b.0)).or_insert(0.0) += b.1;
            }
            let v: Vec<(f64, f64)> = merged.into_iter().map(|(k, n)| (k.0, n)).collect();
            histogram_quantile(LATENCY_QUANTILE, &v)
        })
        .map(|s| s * 1000.0);
    let cache_hit_rate = collect_known(readings, |r| &r.cache)
        .map(sum_pairs)
        .and_then(|(h, m)| (h + m > 0.0).then(|| clamp_percent(h / (h + m) * 100.0)));
    let active_connections = collect_known(readings, |r| &r.connections).map(|v| v.iter().sum());
    let mean_max = |v: Vec<f64>| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        (mean, v.iter().copied().fold(f64::MIN, f64::max))
    };
    let cpu = collect_known(readings, |r| &r.cpu_percent).map(mean_max);
    let memory = collect_known(readings, |r| &r.memory_percent).map(mean_max);
    Aggregate {
        requests_per_second: requests,
        error_rate,
        response_time_ms,
        response_time_p95_ms,
        cache_hit_rate,
        active_connections,
        cpu_percent: cpu.map(|c| c.0),
        cpu_percent_max: cpu.map(|c| c.1),
        memory_percent: memory.map(|m| m.0),
        memory_percent_max: memory.map(|m| m.1),
    }
}

/// The raw counters per target of the newest sample that has them.
pub fn previous_raw(samples: &[Sample]) -> BTreeMap<String, Counters> {
    samples
        .iter()
        .rev()
        .find_map(|s| s.extra.get(RAW_FIELD))
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// Fold this scrape's raw counters into the newest raw object of `samples` (entries of other
/// targets younger than [`RAW_MAX_AGE_MS`] carried forward), remove `raw` from every older
/// sample, and return the object to store in the new sample. If it cannot be serialised, the
/// samples are left as they were.
pub fn carry_raw(
    samples: &mut [Sample],
    fresh: BTreeMap<String, Counters>,
) -> serde_json::Result<serde_json::Value> {
    let mut raw = previous_raw(samples);
    let newest = fresh.values().map(|c| c.t_ms).max().unwrap_or(0);
    raw.retain(|_, c| newest - c.t_ms <= RAW_MAX_AGE_MS);
    for (target, counters) in fresh {
        match raw.get(&target) {
            // A concurrent collect stored a newer scrape of this target: keep it.
            Some(existing) if existing.t_ms > counters.t_ms => {}
            _ => {
                raw.insert(target, counters);
            }
        }
    }
    let value = serde_json::to_value(raw)?;
    for s in samples.iter_mut() {
        s.extra.remove(RAW_FIELD);
    }
    Ok(value)
}

/// Into 0–100. NaN (a NaN counter) stays NaN: the caller treats non-finite figures as unknown,
/// never as 0.
fn clamp_percent(v: f64) -> f64 {
    v.clamp(0.0, 100.0)
}

/// An `f64` ordered totally (for bucket bounds as map keys).
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrdF64(f64);

impl Eq for OrdF64 {}

impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod selector_tests {
    use super::*;

    #[test]
    fn parses_promql_style_selectors() {
        assert_eq!(Selector::parse("up").unwrap(), Selector::name("up"));
        let s =
            Selector::parse(r#"http_requests_total{job="api", path!="/health",q="a\"b"}"#).unwrap();
        assert_eq!(s.name, "http_requests_total");
        assert_eq!(
            s.matchers,
            vec![
                Matcher {
                    label: "job".into(),
                    value: "api".into(),
                    negate: false
                },
                Matcher {
                    label: "path".into(),
                    value: "/health".into(),
                    negate: true
                },
                Matcher {
                    label: "q".into(),
                    value: "a\"b".into(),
                    negate: false
                },
            ]
        );
        for bad in ["", "9x", "a{", "a{b}", "a{b=c}", r#"a{b="c}"#, "a b"] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::sources::exposition::{MetricFamily, MetricSample, MetricType};

    type Row<'a> = (&'a str, &'a [(&'a str, &'a str)], f64);

    /// A hand-built exposition: one untyped family holding every sample.
    fn expo(rows: &[Row<'_>]) -> Exposition<'static> {
        let samples = rows
            .iter()
            .map(|(name, labels, value)| MetricSample {
                name: Cow::Owned(name.to_string()),
                labels: labels
                    .iter()
                    .map(|(k, v)| (Cow::Owned(k.to_string()), Cow::Owned(v.to_string())))
                    .collect(),
                value: *value,
                timestamp: None,
                exemplar: None,
            })
            .collect();
        Exposition {
            families: vec![MetricFamily {
                name: Cow::Borrowed("x"),
                kind: MetricType::Unknown,
                help: None,
                unit: None,
                samples,
            }],
        }
    }

    fn web(t_ms: i64, ok: f64, errors: f64, sum: f64, count: f64, buckets: [f64; 3]) -> Snapshot {
        let e = expo(&[
            (
                "http_requests_total",
                &[("code", "200"), ("method", "GET")],
                ok,
            ),
            ("http_requests_total", &[("code", "503")], errors),
            ("http_requests_total", &[("code", "404")], 0.0),
            (
                "http_request_duration_seconds_bucket",
                &[("le", "0.1")],
                buckets[0],
            ),
            (
                "http_request_duration_seconds_bucket",
                &[("le", "0.5")],
                buckets[1],
            ),
            (
                "http_request_duration_seconds_bucket",
                &[("le", "1")],
                buckets[2],
            ),
            (
                "http_request_duration_seconds_bucket",
                &[("le", "+Inf")],
                count,
            ),
            ("http_request_duration_seconds_sum", &[], sum),
            ("http_request_duration_seconds_count", &[], count),
            ("http_connections_active", &[], 7.0),
            ("cache_hits_total", &[], ok),
            ("cache_misses_total", &[], errors),
        ]);
        snapshot(&e, &Mapping::default(), t_ms)
    }

    #[test]
    fn a_page_without_any_mapped_series_is_told_apart() {
        assert!(!web(5, 90.0, 10.0, 3.0, 100.0, [50.0, 90.0, 99.0]).has_no_series());
        let other = snapshot_json(r#"{"unrelated": 1}"#, 5).unwrap();
        assert!(other.has_no_series());
        let one = snapshot_json(r#"{"error_rate": 0.5}"#, 5).unwrap();
        assert!(!one.has_no_series());
    }

    #[test]
    fn snapshot_sums_series_and_finds_5xx() {
        let s = web(5, 90.0, 10.0, 3.0, 100.0, [50.0, 90.0, 99.0]);
        let c = &s.counters;
        assert_eq!(c.t_ms, 5);
        assert_eq!(c.requests, Some(100.0));
        assert_eq!(c.errors, Some(10.0));
        assert_eq!((c.duration_sum, c.duration_count), (Some(3.0), Some(100.0)));
        assert_eq!(c.buckets, Some(vec![(0.1, 50.0), (0.5, 90.0), (1.0, 99.0)]));
        assert_eq!((c.cache_hits, c.cache_misses), (Some(90.0), Some(10.0)));
        assert_eq!(c.cpu_seconds, None);
        assert_eq!(s.gauges.active_connections, Some(7.0));
        // `status` is read when `code` is absent; 5xx means exactly three digits starting with 5.
        let e = expo(&[
            ("http_requests_total", &[("status", "500")], 2.0),
            ("http_requests_total", &[("status", "5")], 4.0),
            ("http_requests_total", &[("status", "200")], 8.0),
        ]);
        let c = snapshot(&e, &Mapping::default(), 0).counters;
        assert_eq!((c.requests, c.errors), (Some(14.0), Some(2.0)));
    }

    #[test]
    fn overrides_select_by_name_and_labels() {
        let e = expo(&[
            (
                "api_requests_total",
                &[("job", "api"), ("code", "500")],
                3.0,
            ),
            (
                "api_requests_total",
                &[("job", "batch"), ("code", "200")],
                100.0,
            ),
            (
                "api_requests_total",
                &[("job", "api"), ("code", "200")],
                7.0,
            ),
            ("http_requests_total", &[], 1000.0),
            ("nginx_connections_active", &[], 4.0),
            ("conns", &[("state", "idle")], 9.0),
            ("conns", &[("state", "busy")], 2.0),
        ]);
        let mapping = Mapping {
            requests: Selector {
                name: "api_requests_total".into(),
                matchers: vec![Matcher {
                    label: "job".into(),
                    value: "api".into(),
                    negate: false,
                }],
            },
            connections: vec![Selector {
                name: "conns".into(),
                matchers: vec![Matcher {
                    label: "state".into(),
                    value: "idle".into(),
                    negate: true,
                }],
            }],
            ..Mapping::default()
        };
        let s = snapshot(&e, &mapping, 0);
        assert_eq!(
            (s.counters.requests, s.counters.errors),
            (Some(10.0), Some(3.0))
        );
        assert_eq!(s.gauges.active_connections, Some(2.0));
        // Defaults: the first connection gauge exposed wins.
        let d = snapshot(&e, &Mapping::default(), 0);
        assert_eq!(d.gauges.active_connections, Some(4.0));
        assert_eq!(d.counters.requests, Some(1000.0));
    }

    #[test]
    fn first_scrape_gives_unknown_rates_and_known_gauges() {
        let s = web(1_000, 90.0, 10.0, 3.0, 100.0, [50.0, 90.0, 99.0]);
        let r = reading(None, &s);
        assert_eq!(r.requests, Obs::Unknown);
        assert_eq!(r.errors, Obs::Unknown);
        assert_eq!(r.latency, Obs::Unknown);
        assert_eq!(r.buckets, Obs::Unknown);
        assert_eq!(r.cache, Obs::Unknown);
        assert_eq!(r.cpu_percent, Obs::Absent);
        assert_eq!(r.connections, Obs::Known(7.0));
        let a = aggregate(&[r]);
        assert_eq!(a.requests_per_second, None);
        assert_eq!(a.error_rate, None);
        assert_eq!(a.response_time_ms, None);
        assert_eq!(a.cache_hit_rate, None);
        assert_eq!(a.active_connections, Some(7.0));
    }

    #[test]
    fn two_scrapes_give_exact_rates() {
        let before = web(10_000, 90.0, 10.0, 3.0, 100.0, [50.0, 90.0, 99.0]);
        // 10 s later: +180 ok, +20 errors, +200 observations taking 8 s in total.
        let after = web(20_000, 270.0, 30.0, 11.0, 300.0, [150.0, 270.0, 295.0]);
        let r = reading(Some(&before.counters), &after);
        assert_eq!(r.requests, Obs::Known(20.0));
        assert_eq!(r.errors, Obs::Known((2.0, 20.0)));
        assert_eq!(r.latency, Obs::Known((0.8, 20.0)));
        let a = aggregate(std::slice::from_ref(&r));
        assert_eq!(a.requests_per_second, Some(20.0));
        assert_eq!(a.error_rate, Some(10.0));
        assert_eq!(a.response_time_ms, Some(40.0));
        assert_eq!(a.cache_hit_rate, Some(90.0));
        // Δbuckets: 100, 180, 196, +Inf 200 → rank 190 lies in (0.5, 1]: 0.5 + 0.5 × 10/16.
        let p95 = a.response_time_p95_ms.unwrap();
        assert!((p95 - 812.5).abs() < 1e-9, "{p95}");
    }

    #[test]
    fn a_counter_that_goes_down_makes_its_rate_unknown_for_that_scrape() {
        assert_eq!(increase(1000.0, 50.0), None);
        assert_eq!(increase(50.0, 80.0), Some(30.0));
        let before = web(0, 900.0, 100.0, 30.0, 1000.0, [500.0, 900.0, 990.0]);
        let after = web(5_000, 45.0, 5.0, 1.0, 50.0, [20.0, 40.0, 50.0]);
        let r = reading(Some(&before.counters), &after);
        assert_eq!(r.requests, Obs::Unknown);
        assert_eq!(r.errors, Obs::Unknown);
        assert_eq!(r.buckets, Obs::Unknown);
        let a = aggregate(&[r]);
        assert_eq!((a.response_time_ms, a.error_rate), (None, None));
        assert_eq!(a.active_connections, Some(7.0), "gauges are still read");
        let m = Mapping::default();
        assert_eq!(
            gap(
                Metric::RequestsPerSecond,
                Some(&before.counters),
                &after,
                &m
            ),
            Some(Gap::Reset {
                counter: "requests".into()
            })
        );
        assert_eq!(
            gap(Metric::ResponseTimeMs, Some(&before.counters), &after, &m),
            Some(Gap::Reset {
                counter: "duration_sum".into()
            })
        );
        // The scrape after the restart has rates again.
        let later = web(10_000, 90.0, 10.0, 2.0, 100.0, [40.0, 80.0, 100.0]);
        let a = aggregate(&[reading(Some(&after.counters), &later)]);
        assert_eq!(a.requests_per_second, Some(10.0));
        assert_eq!(
            gap(Metric::RequestsPerSecond, Some(&after.counters), &later, &m),
            None
        );
    }

    #[test]
    fn gaps_tell_a_first_scrape_an_idle_target_and_a_missing_series_apart() {
        let m = Mapping::default();
        let first = web(0, 90.0, 10.0, 3.0, 100.0, [50.0, 90.0, 99.0]);
        for metric in [
            Metric::RequestsPerSecond,
            Metric::ErrorRate,
            Metric::ResponseTimeMs,
            Metric::CacheHitRate,
        ] {
            assert_eq!(
                gap(metric, None, &first, &m),
                Some(Gap::FirstScrape),
                "{metric}"
            );
        }
        assert_eq!(gap(Metric::ActiveConnections, None, &first, &m), None);
        // Nothing moved: no latency to average, no lookup to share out.
        let same = web(5_000, 90.0, 10.0, 3.0, 100.0, [50.0, 90.0, 99.0]);
        let prev = Some(&first.counters);
        assert_eq!(
            gap(Metric::ResponseTimeMs, prev, &same, &m),
            Some(Gap::Idle)
        );
        assert_eq!(gap(Metric::CacheHitRate, prev, &same, &m), Some(Gap::Idle));
        assert_eq!(gap(Metric::RequestsPerSecond, prev, &same, &m), None);
        // A previous scrape without the counter is a first scrape of it.
        let bare = Counters::default();
        assert_eq!(
            gap(Metric::RequestsPerSecond, Some(&bare), &same, &m),
            Some(Gap::FirstScrape)
        );
        // Not on the page: what was looked for, and similar names that are there.
        let e = expo(&[
            ("api_requests_total", &[], 3.0),
            ("http_server_requests_seconds_count", &[], 3.0),
            ("go_goroutines", &[], 8.0),
            ("process_open_fds", &[], 8.0),
        ]);
        let page = snapshot(&e, &m, 0);
        assert_eq!(
            page.names,
            [
                "api_requests_total",
                "go_goroutines",
                "http_server_requests_seconds_count",
                "process_open_fds"
            ]
        );
        assert_eq!(
            gap(Metric::RequestsPerSecond, None, &page, &m),
            Some(Gap::NotOnPage {
                wanted: "series http_requests_total".into(),
                similar: vec![
                    "api_requests_total".into(),
                    "http_server_requests_seconds_count".into()
                ],
            })
        );
        let Some(Gap::NotOnPage { wanted, .. }) = gap(Metric::ActiveConnections, None, &page, &m)
        else {
            panic!("connections are not on the page");
        };
        assert_eq!(
            wanted,
            "series http_connections_active or nginx_connections_active"
        );
        // A JSON body's fields.
        let json = snapshot_json(r#"{"cpu_usage": 3, "rps": 4}"#, 0).unwrap();
        assert_eq!(
            gap(Metric::CpuPercent, None, &json, &m),
            Some(Gap::NotOnPage {
                wanted: "field cpu_percent or cpuUsage".into(),
                similar: vec!["cpu_usage".into()],
            })
        );
        let nan = snapshot(&expo(&[("http_connections_active", &[], f64::NAN)]), &m, 0);
        assert_eq!(
            gap(Metric::ActiveConnections, None, &nan, &m),
            Some(Gap::NotFinite)
        );
    }

    #[test]
    fn similar_names_share_a_word_or_are_a_few_edits_away() {
        let names: Vec<String> = [
            "http_request_total",
            "http_requests_created",
            "node_load1",
            "requests_in_flight",
            "up",
            "web_requests_total",
            "zz_requests_total",
        ]
        .map(String::from)
        .to_vec();
        let wanted = ["http_requests_total".to_string()];
        // A typo first, then a shared word by edit distance; at most 3.
        assert_eq!(
            similar(&wanted, &names, 3),
            [
                "http_request_total",
                "web_requests_total",
                "zz_requests_total"
            ]
        );
        // Namespaces and suffixes are not words in common.
        assert!(similar(&["http_x_total".into()], &["http_y_created".into()], 3).is_empty());
        assert!(similar(&["cache_hits_total".into()], &names, 3).is_empty());
        // The wanted name itself is never "similar".
        assert!(similar(&["up".into()], &["up".into()], 3).is_empty());
    }

    #[test]
    fn selectors_display_as_promql() {
        let s = Selector::parse(r#"http_requests_total{job="api",path!="/a\"b"}"#).unwrap();
        assert_eq!(
            s.to_string(),
            r#"http_requests_total{job="api",path!="/a\"b"}"#
        );
        assert_eq!(Selector::parse(&s.to_string()).unwrap(), s);
        assert_eq!(Selector::name("up").to_string(), "up");
    }

    #[test]
    fn nan_counters_stay_nan_not_zero() {
        let snap = |t: i64, v: f64| {
            snapshot(
                &expo(&[("http_requests_total", &[("code", "500")], v)]),
                &Mapping::default(),
                t,
            )
        };
        let r = reading(Some(&snap(0, 1.0).counters), &snap(1_000, f64::NAN));
        let a = aggregate(&[r]);
        assert!(a.requests_per_second.unwrap().is_nan());
        assert!(a.error_rate.unwrap().is_nan());
        // `collect::assemble` turns these into unknowns (tested there).
    }

    #[test]
    fn histogram_quantile_interpolates_like_prometheus() {
        let inf = f64::INFINITY;
        let b = [(0.1, 50.0), (0.5, 90.0), (1.0, 100.0), (inf, 100.0)];
        assert_eq!(histogram_quantile(0.95, &b), Some(0.75));
        assert_eq!(histogram_quantile(0.5, &b), Some(0.1));
        // The rank falls in +Inf: the highest finite bound.
        assert_eq!(
            histogram_quantile(0.95, &[(0.1, 10.0), (inf, 100.0)]),
            Some(0.1)
        );
        // First bucket starts at 0.
        assert_eq!(
            histogram_quantile(0.5, &[(2.0, 100.0), (inf, 100.0)]),
            Some(1.0)
        );
        // No observations, no +Inf, too few buckets: unknown.
        assert_eq!(histogram_quantile(0.95, &[(1.0, 0.0), (inf, 0.0)]), None);
        assert_eq!(histogram_quantile(0.95, &[(1.0, 5.0), (2.0, 9.0)]), None);
        assert_eq!(histogram_quantile(0.95, &[(inf, 9.0)]), None);
        // A non-monotonic series is made monotonic, as Prometheus does.
        assert_eq!(
            histogram_quantile(0.5, &[(1.0, 10.0), (2.0, 8.0), (inf, 20.0)]),
            histogram_quantile(0.5, &[(1.0, 10.0), (2.0, 10.0), (inf, 20.0)])
        );
    }

    #[test]
    fn node_exporter_cpu_and_memory() {
        let node = |t: i64, user: f64, idle: f64| {
            let e = expo(&[
                (
                    "node_cpu_seconds_total",
                    &[("cpu", "0"), ("mode", "idle")],
                    idle,
                ),
                (
                    "node_cpu_seconds_total",
                    &[("cpu", "0"), ("mode", "user")],
                    user,
                ),
                (
                    "node_cpu_seconds_total",
                    &[("cpu", "1"), ("mode", "idle")],
                    idle,
                ),
                (
                    "node_cpu_seconds_total",
                    &[("cpu", "1"), ("mode", "system")],
                    user,
                ),
                ("node_memory_MemAvailable_bytes", &[], 2.5e9),
                ("node_memory_MemTotal_bytes", &[], 1e10),
                ("process_cpu_seconds_total", &[], 1.0),
            ]);
            snapshot(&e, &Mapping::default(), t)
        };
        let first = node(0, 100.0, 1000.0);
        assert_eq!(first.gauges.memory_percent, Some(75.0));
        let r = reading(None, &first);
        assert_eq!(r.cpu_percent, Obs::Unknown);
        assert_eq!(r.memory_percent, Obs::Known(75.0));
        // 10 s on 2 CPUs: 20 CPU-seconds, of which 2 × 3 busy → 30 %. node_cpu wins over process.
        let r = reading(Some(&first.counters), &node(10_000, 103.0, 1007.0));
        let cpu = r.cpu_percent.known().unwrap();
        assert!((cpu - 30.0).abs() < 1e-9, "{cpu}");
    }

    #[test]
    fn process_cpu_is_percent_of_one_core_capped() {
        let p = |t: i64, v: f64| {
            snapshot(
                &expo(&[("process_cpu_seconds_total", &[], v)]),
                &Mapping::default(),
                t,
            )
        };
        let r = reading(Some(&p(0, 10.0).counters), &p(4_000, 12.0));
        assert_eq!(r.cpu_percent, Obs::Known(50.0));
        let r = reading(Some(&p(0, 10.0).counters), &p(1_000, 13.0));
        assert_eq!(r.cpu_percent, Obs::Known(100.0));
        // Same timestamp: no interval, no rate.
        let r = reading(Some(&p(0, 10.0).counters), &p(0, 13.0));
        assert_eq!(r.cpu_percent, Obs::Unknown);
    }

    #[test]
    fn json_bodies_use_sample_names_or_the_lua_aliases() {
        let s = snapshot_json(
            r#"{"cpuUsage": 40, "memoryUsage": 55.5, "requests_per_second": 12, "error_rate": 2.5,
                "response_time_ms": 120, "active_connections": 3, "cache_hit_rate": 80, "other": "x"}"#,
            7,
        )
        .unwrap();
        assert_eq!(s.counters.t_ms, 7);
        assert_eq!(s.gauges.cpu_percent, Some(40.0));
        assert_eq!(s.gauges.memory_percent, Some(55.5));
        let r = reading(None, &s);
        assert_eq!(r.requests, Obs::Known(12.0));
        let a = aggregate(&[r]);
        assert_eq!(a.requests_per_second, Some(12.0));
        assert!((a.error_rate.unwrap() - 2.5).abs() < 1e-9);
        assert!((a.response_time_ms.unwrap() - 120.0).abs() < 1e-9);
        assert_eq!(a.cache_hit_rate, Some(80.0));
        assert_eq!(a.active_connections, Some(3.0));
        assert_eq!(a.cpu_percent, Some(40.0));
        // The sample's own name wins over the alias.
        let s = snapshot_json(r#"{"cpu_percent": 10, "cpuUsage": 90}"#, 0).unwrap();
        assert_eq!(s.gauges.cpu_percent, Some(10.0));
        assert!(
            snapshot_json("[1]", 0)
                .unwrap_err()
                .contains("not an object")
        );
        assert!(snapshot_json("{", 0).unwrap_err().contains("invalid JSON"));
        assert!(
            snapshot_json(r#"{"cpu_percent": "hot"}"#, 0)
                .unwrap_err()
                .contains("'cpu_percent'")
        );
        assert!(
            snapshot_json(r#"{"error_rate": 150}"#, 0)
                .unwrap_err()
                .contains("0–100")
        );
        assert!(snapshot_json(r#"{"requests_per_second": -1}"#, 0).is_err());
        assert_eq!(
            snapshot_json(r#"{"cpu_percent": null}"#, 0).unwrap().gauges,
            Gauges::default()
        );
    }

    fn known(requests: f64, errors: f64, latency: (f64, f64), cpu: f64, conns: f64) -> Reading {
        Reading {
            requests: Obs::Known(requests),
            errors: Obs::Known((errors, requests)),
            latency: Obs::Known(latency),
            buckets: Obs::Absent,
            cache: Obs::Absent,
            connections: Obs::Known(conns),
            cpu_percent: Obs::Known(cpu),
            memory_percent: Obs::Absent,
        }
    }

    #[test]
    fn fleets_sum_rates_and_weight_ratios_by_requests() {
        let a = aggregate(&[
            known(90.0, 0.0, (0.9, 90.0), 20.0, 5.0),
            known(10.0, 5.0, (2.1, 10.0), 80.0, 1.0),
        ]);
        assert_eq!(a.requests_per_second, Some(100.0));
        assert_eq!(a.error_rate, Some(5.0));
        // (0.9 + 2.1) s over 100 requests = 30 ms (an unweighted mean would say 110 ms).
        assert_eq!(a.response_time_ms, Some(30.0));
        assert_eq!(a.active_connections, Some(6.0));
        assert_eq!((a.cpu_percent, a.cpu_percent_max), (Some(50.0), Some(80.0)));
        assert_eq!((a.memory_percent, a.memory_percent_max), (None, None));
        assert_eq!(a.cache_hit_rate, None);
        // One target seen for the first time makes the fleet's rates unknown, not understated.
        let mut new = known(0.0, 0.0, (0.0, 0.0), 10.0, 2.0);
        new.requests = Obs::Unknown;
        new.errors = Obs::Unknown;
        new.latency = Obs::Unknown;
        let a = aggregate(&[known(90.0, 0.0, (0.9, 90.0), 20.0, 5.0), new]);
        assert_eq!(a.requests_per_second, None);
        assert_eq!(a.error_rate, None);
        assert_eq!(a.active_connections, Some(7.0));
        assert_eq!(a.cpu_percent, Some(15.0));
        // No traffic: 0 % errors, latency unknown.
        let a = aggregate(&[known(0.0, 0.0, (0.0, 0.0), 1.0, 0.0)]);
        assert_eq!((a.error_rate, a.response_time_ms), (Some(0.0), None));
        assert_eq!(aggregate(&[]), Aggregate::default());
    }

    #[test]
    fn raw_counters_are_carried_forward_on_the_newest_line_only() {
        let counters = |t_ms: i64, requests: f64| Counters {
            t_ms,
            requests: Some(requests),
            ..Counters::default()
        };
        let with_raw = |raw: &[(&str, Counters)]| {
            let mut s = Sample::default();
            let map: BTreeMap<String, Counters> = raw
                .iter()
                .map(|(k, c)| (k.to_string(), c.clone()))
                .collect();
            s.extra
                .insert(RAW_FIELD.into(), serde_json::to_value(map).unwrap());
            s
        };
        let mut history = vec![
            with_raw(&[("a", counters(1, 1.0))]),
            with_raw(&[
                ("a", counters(100_000, 5.0)),
                ("b", counters(100_000, 9.0)),
                ("old", counters(-4_000_000, 1.0)),
                ("c", counters(200_000, 3.0)),
            ]),
            Sample::default(),
        ];
        assert_eq!(previous_raw(&history)["a"].requests, Some(5.0));
        let fresh: BTreeMap<String, Counters> = [
            ("a".to_string(), counters(150_000, 7.0)),
            ("c".to_string(), counters(150_000, 4.0)),
        ]
        .into();
        let raw = carry_raw(&mut history, fresh).unwrap();
        let raw: BTreeMap<String, Counters> = serde_json::from_value(raw).unwrap();
        assert_eq!(raw["a"], counters(150_000, 7.0));
        assert_eq!(
            raw["b"],
            counters(100_000, 9.0),
            "a target not scraped keeps its counters"
        );
        assert_eq!(
            raw["c"],
            counters(200_000, 3.0),
            "a newer concurrent scrape is kept"
        );
        assert!(
            !raw.contains_key("old"),
            "entries older than an hour are dropped"
        );
        assert!(history.iter().all(|s| !s.extra.contains_key(RAW_FIELD)));
        // The stored layout.
        let json = serde_json::to_string(&Counters {
            t_ms: 1,
            requests: Some(2.0),
            buckets: Some(vec![(0.5, 3.0)]),
            ..Counters::default()
        })
        .unwrap();
        assert_eq!(json, r#"{"t_ms":1,"requests":2.0,"buckets":[[0.5,3.0]]}"#);
    }
}
