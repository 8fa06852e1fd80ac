//! The sample: one line of the history (a stable contract, see DESIGN.md).
//!
//! Every metric is optional: `None` means *unknown* and is never read as 0. Unknown extra fields
//! (raw counters kept by endpoint collection, `targets_ok`, …) are preserved verbatim in `extra`
//! so that rewriting the history never loses them.
//!
//! A metric field whose value cannot be used (not a number, negative, a rate above 100) makes
//! that one metric unknown for the sample, not the whole line: the value is kept in `invalid`
//! and written back as it was, and [`Sample::problems`] says what is wrong — as it does for an
//! extra field whose name is close to a metric's (`memory_percnt`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// One observation of the service, as stored in the history (JSON Lines). The line's fields
/// are written in this order: timestamp, the metrics, instance, then the extra fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    /// When the sample was taken (RFC 3339, UTC). Absent in hand-written files: never stale.
    pub timestamp: Option<Timestamp>,
    /// Host (or service) CPU utilization in percent; may exceed 100 when measured against
    /// requests, as the HPA reads it.
    pub cpu_percent: Option<f64>,
    /// Memory utilization in percent; may exceed 100 like CPU.
    pub memory_percent: Option<f64>,
    /// Requests per second served.
    pub requests_per_second: Option<f64>,
    /// Cache hit rate, 0–100.
    pub cache_hit_rate: Option<f64>,
    /// Share of requests that failed (5xx), 0–100.
    pub error_rate: Option<f64>,
    /// Mean response time in milliseconds.
    pub response_time_ms: Option<f64>,
    /// Open connections (a gauge; fractional when it is an average over a fleet or a window).
    pub active_connections: Option<f64>,
    /// Who produced the sample (hostname or `--instance`).
    pub instance: Option<String>,
    /// The host's cumulative CPU counters when the sample was taken: the next sample of this
    /// instance measures CPU over the interval between the two (see `sources::host`).
    pub host_raw: Option<HostRaw>,
    /// Fields this version does not interpret, kept as they were.
    pub extra: serde_json::Map<String, Value>,
    /// Metric fields whose value could not be used: unknown for this sample, written back
    /// verbatim.
    pub invalid: BTreeMap<Metric, InvalidField>,
}

/// A metric field's value that could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidField {
    /// The value as written.
    pub raw: Value,
    /// Why it cannot be used.
    pub reason: String,
}

/// Something a reader of a sample is warned about; the sample itself is kept.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// A metric field's value could not be used: that metric is unknown for this sample.
    #[error("{metric} {raw}: {reason}; unknown for this sample")]
    Invalid {
        /// The metric.
        metric: Metric,
        /// The value as written.
        raw: Value,
        /// Why it cannot be used.
        reason: String,
    },
    /// A field that is not a metric, with a name close to one.
    #[error("unknown field '{field}' (did you mean {metric}?)")]
    CloseTo {
        /// The field as written.
        field: String,
        /// The metric it is close to.
        metric: Metric,
    },
}

impl Problem {
    /// The metric this problem leaves unknown (an invalid value), if any.
    pub fn unknown_metric(&self) -> Option<Metric> {
        match self {
            Problem::Invalid { metric, .. } => Some(*metric),
            Problem::CloseTo { .. } => None,
        }
    }

    /// What is wrong, without what it means for the sample (`error_rate 200: …`).
    pub fn what(&self) -> String {
        match self {
            Problem::Invalid {
                metric,
                raw,
                reason,
            } => format!("{metric} {raw}: {reason}"),
            Problem::CloseTo { .. } => self.to_string(),
        }
    }
}

/// The kernel's cumulative counters read with a host sample (`host_raw` in the history line).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostRaw {
    /// When they were read, ms since the Unix epoch.
    pub t_ms: i64,
    /// The kernel's boot time (`btime` of `/proc/stat`, s since the epoch): a change is a reboot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_time: Option<u64>,
    /// Online CPUs (the `cpuN` lines of `/proc/stat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpus: Option<u32>,
    /// The aggregate `cpu` line of `/proc/stat`, in USER_HZ ticks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stat: Option<CpuTimes>,
    /// The process's own cgroup's CPU usage, when it runs in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cgroup: Option<CgroupCpu>,
}

/// The aggregate CPU times of `/proc/stat` (guest time is already inside user and nice).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuTimes {
    pub user: u64,
    pub nice: u64,
    pub system: u64,
    pub idle: u64,
    pub iowait: u64,
    pub irq: u64,
    pub softirq: u64,
    pub steal: u64,
}

impl CpuTimes {
    /// Every tick counted.
    pub fn total(&self) -> u64 {
        [
            self.user,
            self.nice,
            self.system,
            self.idle,
            self.iowait,
            self.irq,
            self.softirq,
            self.steal,
        ]
        .iter()
        .fold(0u64, |a, b| a.saturating_add(*b))
    }

    /// Ticks not idle and not waiting for I/O (what top and psutil count as busy).
    pub fn busy(&self) -> u64 {
        self.total()
            .saturating_sub(self.idle)
            .saturating_sub(self.iowait)
    }

    /// Whether any counter of `self` is ahead of `later` (the kernel restarted them).
    /// `iowait` is left out: the kernel documents that it can go backwards.
    pub fn ahead_of(&self, later: &CpuTimes) -> bool {
        self.user > later.user
            || self.nice > later.nice
            || self.system > later.system
            || self.idle > later.idle
            || self.irq > later.irq
            || self.softirq > later.softirq
            || self.steal > later.steal
    }
}

/// A cgroup's cumulative CPU usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CgroupCpu {
    /// The hierarchy: 1 or 2.
    pub version: u8,
    /// The cgroup (its path in the hierarchy, e.g. `/kubepods/pod1/c1`): another cgroup's
    /// counter is not comparable.
    pub path: String,
    /// CPU time used by its processes, microseconds.
    pub usage_us: u64,
}

/// The metrics the policy knows, by their history-line field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    CpuPercent,
    MemoryPercent,
    RequestsPerSecond,
    CacheHitRate,
    ErrorRate,
    ResponseTimeMs,
    ActiveConnections,
}

impl Metric {
    /// Every metric, in the order of the seed's `ScalingMetrics`.
    pub const ALL: [Metric; 7] = [
        Metric::CpuPercent,
        Metric::MemoryPercent,
        Metric::RequestsPerSecond,
        Metric::CacheHitRate,
        Metric::ErrorRate,
        Metric::ResponseTimeMs,
        Metric::ActiveConnections,
    ];

    /// The field name in the history line.
    pub fn name(self) -> &'static str {
        match self {
            Metric::CpuPercent => "cpu_percent",
            Metric::MemoryPercent => "memory_percent",
            Metric::RequestsPerSecond => "requests_per_second",
            Metric::CacheHitRate => "cache_hit_rate",
            Metric::ErrorRate => "error_rate",
            Metric::ResponseTimeMs => "response_time_ms",
            Metric::ActiveConnections => "active_connections",
        }
    }

    /// A short human label with its unit, for tables and reasons.
    pub fn label(self) -> &'static str {
        match self {
            Metric::CpuPercent => "CPU %",
            Metric::MemoryPercent => "Memory %",
            Metric::RequestsPerSecond => "Requests/s",
            Metric::CacheHitRate => "Cache hit %",
            Metric::ErrorRate => "Error %",
            Metric::ResponseTimeMs => "Response ms",
            Metric::ActiveConnections => "Connections",
        }
    }

    /// Whether the value is a share of a whole, which never exceeds 100 (cache hits, errors).
    /// CPU and memory are utilizations: against requests (as the HPA reads them) they may.
    pub fn is_share(self) -> bool {
        matches!(self, Metric::CacheHitRate | Metric::ErrorRate)
    }

    /// Whether the value is a percentage (usually 0–100; CPU and memory may exceed it).
    pub fn is_percent(self) -> bool {
        matches!(
            self,
            Metric::CpuPercent | Metric::MemoryPercent | Metric::CacheHitRate | Metric::ErrorRate
        )
    }

    /// The metric whose name `field` (not a metric name) is probably a typo or shorthand of:
    /// within two edits (`memory_percnt`), the leading words of the name (`cpu`, `response_time`),
    /// or its initials (`rps`).
    pub fn close_to(field: &str) -> Option<Metric> {
        let f = field.to_ascii_lowercase().replace('-', "_");
        if f.is_empty() || Metric::ALL.iter().any(|m| m.name() == field) {
            return None;
        }
        Metric::ALL.into_iter().find(|m| {
            let name = m.name();
            let words: Vec<&str> = name.split('_').collect();
            let initials: String = words.iter().filter_map(|w| w.chars().next()).collect();
            let leading = (1..words.len()).any(|n| words[..n].join("_") == f);
            edit_distance(&f, name) <= 2 || leading || (f.len() >= 2 && initials == f)
        })
    }

    /// The comma-separated list of valid names, for error messages.
    pub fn valid_names() -> String {
        Metric::ALL.map(Metric::name).join(", ")
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Metric {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Metric::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| format!("unknown metric '{s}' (valid: {})", Metric::valid_names()))
    }
}

impl Sample {
    /// The value of `metric`, `None` when unknown.
    pub fn get(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::CpuPercent => self.cpu_percent,
            Metric::MemoryPercent => self.memory_percent,
            Metric::RequestsPerSecond => self.requests_per_second,
            Metric::CacheHitRate => self.cache_hit_rate,
            Metric::ErrorRate => self.error_rate,
            Metric::ResponseTimeMs => self.response_time_ms,
            Metric::ActiveConnections => self.active_connections,
        }
    }

    /// Set `metric` (or clear it with `None`); a value set replaces an invalid one.
    pub fn set(&mut self, metric: Metric, value: Option<f64>) {
        self.invalid.remove(&metric);
        match metric {
            Metric::CpuPercent => self.cpu_percent = value,
            Metric::MemoryPercent => self.memory_percent = value,
            Metric::RequestsPerSecond => self.requests_per_second = value,
            Metric::CacheHitRate => self.cache_hit_rate = value,
            Metric::ErrorRate => self.error_rate = value,
            Metric::ResponseTimeMs => self.response_time_ms = value,
            Metric::ActiveConnections => self.active_connections = value,
        }
    }

    /// Parse one history line. A line that is not a JSON object, or whose timestamp or
    /// instance is malformed, is an error; a metric field with an unusable value only makes that
    /// metric unknown (see [`Sample::problems`]).
    pub fn from_line(line: &str) -> Result<Sample, String> {
        serde_json::from_str(line).map_err(|e| e.to_string())
    }

    /// What a reader should be warned about: each metric field whose value could not be used,
    /// and each extra field whose name is close to a metric's.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out: Vec<Problem> = self
            .invalid
            .iter()
            .map(|(m, f)| Problem::Invalid {
                metric: *m,
                raw: f.raw.clone(),
                reason: f.reason.clone(),
            })
            .collect();
        out.extend(self.extra.keys().filter_map(|k| {
            Metric::close_to(k).map(|metric| Problem::CloseTo {
                field: k.clone(),
                metric,
            })
        }));
        out
    }

    /// A sample from a JSON object's fields (see [`Sample::from_line`]).
    fn from_map(mut map: serde_json::Map<String, Value>) -> Result<Sample, String> {
        let mut s = Sample::default();
        match map.remove("timestamp") {
            None | Some(Value::Null) => {}
            Some(v) => {
                s.timestamp =
                    Some(serde_json::from_value(v).map_err(|e| format!("invalid timestamp: {e}"))?)
            }
        }
        match map.remove("instance") {
            None | Some(Value::Null) => {}
            Some(Value::String(i)) => s.instance = Some(i),
            Some(other) => return Err(format!("instance must be a string, got {other}")),
        }
        // Counters that cannot be read only cost the next sample its warm CPU: kept verbatim.
        if let Some(raw) = map.remove("host_raw") {
            match serde_json::from_value::<HostRaw>(raw.clone()) {
                Ok(r) => s.host_raw = Some(r),
                Err(_) if raw.is_null() => {}
                Err(_) => {
                    map.insert("host_raw".to_string(), raw);
                }
            }
        }
        for metric in Metric::ALL {
            let Some(raw) = map.remove(metric.name()) else {
                continue;
            };
            let checked = match &raw {
                Value::Null => continue,
                Value::Number(n) => n
                    .as_f64()
                    .ok_or_else(|| "not a number".to_string())
                    .and_then(|v| check_value(metric, v).map(|()| v)),
                _ => Err("not a number".to_string()),
            };
            match checked {
                Ok(v) => s.set(metric, Some(v)),
                Err(reason) => {
                    s.invalid.insert(metric, InvalidField { raw, reason });
                }
            }
        }
        s.extra = map;
        Ok(s)
    }

    /// Check the invariants a hand-written line might break: finite, non-negative values and
    /// shares (cache hits, errors) within 0–100.
    pub fn check(&self) -> Result<(), String> {
        for metric in Metric::ALL {
            if let Some(v) = self.get(metric) {
                check_value(metric, v)?;
            }
        }
        Ok(())
    }

    /// Serialize as one history line (no trailing newline).
    pub fn to_line(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

/// Whether `value` is acceptable for `metric`.
pub fn check_value(metric: Metric, value: f64) -> Result<(), String> {
    if !value.is_finite() || value < 0.0 {
        return Err(format!("{metric} must be a finite number ≥ 0, got {value}"));
    }
    if metric.is_share() && value > 100.0 {
        return Err(format!("{metric} is a percentage (0–100), got {value}"));
    }
    Ok(())
}

/// The Levenshtein distance between two short ASCII-ish strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let insert = row.get(j).copied().unwrap_or(0) + 1;
            let delete = prev.get(j + 1).copied().unwrap_or(0) + 1;
            row.push(substitute.min(insert).min(delete));
        }
        prev = row;
    }
    prev.last().copied().unwrap_or(0)
}

impl Serialize for Sample {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(t) = &self.timestamp {
            map.serialize_entry("timestamp", t)?;
        }
        for metric in Metric::ALL {
            if let Some(bad) = self.invalid.get(&metric) {
                map.serialize_entry(metric.name(), &bad.raw)?;
                continue;
            }
            match self.get(metric) {
                // A whole connection count is written as an integer, as it always was.
                Some(v)
                    if metric == Metric::ActiveConnections
                        && v.fract() == 0.0
                        && (0.0..9.0e15).contains(&v) =>
                {
                    map.serialize_entry(metric.name(), &(v as u64))?
                }
                value => map.serialize_entry(metric.name(), &value)?,
            }
        }
        if let Some(i) = &self.instance {
            map.serialize_entry("instance", i)?;
        }
        if let Some(raw) = &self.host_raw {
            map.serialize_entry("host_raw", raw)?;
        }
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Sample {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, Value>::deserialize(deserializer)?;
        Sample::from_map(map).map_err(serde::de::Error::custom)
    }
}

/// The history line's field holding the observed replica count.
pub const REPLICAS: &str = "replicas";

/// The replica count a sample records (its `replicas` field), if any.
pub fn replicas_of(sample: &Sample) -> Option<u32> {
    sample
        .extra
        .get(REPLICAS)
        .and_then(serde_json::Value::as_f64)
        .filter(|v| v.is_finite() && *v >= 0.0 && *v <= f64::from(u32::MAX))
        .map(|v| v.round() as u32)
}

/// Write (or clear) the replica count a sample records.
pub fn set_replicas(sample: &mut Sample, replicas: Option<u32>) {
    match replicas {
        Some(n) => {
            sample.extra.insert(REPLICAS.to_string(), n.into());
        }
        None => {
            sample.extra.remove(REPLICAS);
        }
    }
}

/// Parse a calendar date `YYYY-MM-DD` (attestations).
pub fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.trim()
        .parse::<jiff::civil::Date>()
        .map_err(|e| format!("'{s}' is not a date like 2026-10-01: {e}"))
}

/// Parse `NAME=VALUE` as given to `collect --metric`.
pub fn parse_assignment(s: &str) -> Result<(Metric, f64), String> {
    let (name, value) = s.split_once('=').ok_or_else(|| {
        format!(
            "expected NAME=VALUE, got '{s}' (names: {})",
            Metric::valid_names()
        )
    })?;
    let metric: Metric = name.trim().parse()?;
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("'{}' is not a number for {metric}", value.trim()))?;
    check_value(metric, value)?;
    Ok((metric, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_design_example_and_keeps_extra_fields() {
        let line = r#"{"timestamp":"2026-11-23T18:00:00Z","cpu_percent":72.5,"memory_percent":61.0,"requests_per_second":140.2,"cache_hit_rate":91.3,"error_rate":0.4,"response_time_ms":212.0,"active_connections":37,"instance":"web-1","raw":{"a":1}}"#;
        let s = Sample::from_line(line).unwrap();
        assert_eq!(s.cpu_percent, Some(72.5));
        assert_eq!(s.active_connections, Some(37.0));
        assert_eq!(s.instance.as_deref(), Some("web-1"));
        assert_eq!(
            s.to_line().unwrap(),
            line,
            "the line is written back as it was"
        );
        assert_eq!(s.extra["raw"]["a"], 1);
        let again = Sample::from_line(&s.to_line().unwrap()).unwrap();
        assert_eq!(again, s);
        assert!(
            s.to_line()
                .unwrap()
                .contains(r#""timestamp":"2026-11-23T18:00:00Z""#)
        );
    }

    #[test]
    fn null_and_absent_are_unknown_not_zero() {
        let s = Sample::from_line(r#"{"cpu_percent":null}"#).unwrap();
        assert_eq!(s.cpu_percent, None);
        assert_eq!(s.memory_percent, None);
        assert_eq!(s.get(Metric::ActiveConnections), None);
        assert_eq!(s.timestamp, None);
    }

    #[test]
    fn rejects_bad_shapes_but_only_the_bad_metric_of_a_line() {
        assert!(Sample::from_line(r#"{"timestamp":"yesterday"}"#).is_err());
        assert!(Sample::from_line(r#"{"instance":5}"#).is_err());
        assert!(Sample::from_line("[1,2]").is_err());
        assert!(Sample::from_line(r#"{"cpu_percent":50"#).is_err());
        // Utilization and rates may exceed 100; shares may not.
        let s = Sample::from_line(
            r#"{"cpu_percent":250,"memory_percent":1200.5,"requests_per_second":5000}"#,
        )
        .unwrap();
        assert_eq!(
            (s.cpu_percent, s.memory_percent, s.requests_per_second),
            (Some(250.0), Some(1200.5), Some(5000.0))
        );
        assert!(s.problems().is_empty());
        let line = r#"{"cpu_percent":-1,"memory_percent":"high","requests_per_second":7.5,"cache_hit_rate":101,"error_rate":100.0,"response_time_ms":null,"active_connections":null}"#;
        let s = Sample::from_line(line).unwrap();
        assert_eq!(
            (s.cpu_percent, s.memory_percent, s.cache_hit_rate),
            (None, None, None)
        );
        assert_eq!(
            (s.requests_per_second, s.error_rate),
            (Some(7.5), Some(100.0))
        );
        let typed = s.problems();
        assert_eq!(
            typed
                .iter()
                .map(Problem::unknown_metric)
                .collect::<Vec<_>>(),
            [
                Metric::CpuPercent,
                Metric::MemoryPercent,
                Metric::CacheHitRate
            ]
            .map(Some)
        );
        let problems: Vec<String> = typed.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("cpu_percent -1: "), "{problems:?}");
        assert!(
            problems[1].starts_with("memory_percent \"high\": not a number"),
            "{problems:?}"
        );
        assert!(
            problems[2].contains("cache_hit_rate is a percentage (0–100)"),
            "{problems:?}"
        );
        // Written back verbatim; setting a value replaces the invalid one.
        assert_eq!(s.to_line().unwrap(), line);
        let mut s = s;
        s.set(Metric::CpuPercent, Some(3.0));
        assert!(
            s.to_line()
                .unwrap()
                .starts_with(r#"{"cpu_percent":3.0,"memory_percent":"high""#)
        );
    }

    #[test]
    fn fractional_connections_are_kept_and_whole_ones_stay_integers() {
        let s = Sample::from_line(r#"{"active_connections":12.5}"#).unwrap();
        assert_eq!(s.active_connections, Some(12.5));
        assert!(
            s.to_line()
                .unwrap()
                .contains(r#""active_connections":12.5"#)
        );
        let s = Sample::from_line(r#"{"active_connections":12}"#).unwrap();
        assert!(
            s.to_line()
                .unwrap()
                .ends_with(r#""active_connections":12}"#),
            "{}",
            s.to_line().unwrap()
        );
        assert_eq!(parse_assignment("active_connections=12.5").unwrap().1, 12.5);
    }

    #[test]
    fn fields_close_to_a_metric_name_are_named() {
        let s = Sample::from_line(
            r#"{"cpu":50,"memory_percnt":61,"rps":140,"response_time":3,"cpu_percent_max":9,"raw":{},"targets_ok":1,"replicas":3}"#,
        )
        .unwrap();
        assert_eq!(s.cpu_percent, None);
        assert_eq!(
            s.problems()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "unknown field 'cpu' (did you mean cpu_percent?)",
                "unknown field 'memory_percnt' (did you mean memory_percent?)",
                "unknown field 'response_time' (did you mean response_time_ms?)",
                "unknown field 'rps' (did you mean requests_per_second?)",
            ]
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(Metric::close_to("error_rate"), None);
    }

    #[test]
    fn accepts_offsets_and_fractional_seconds() {
        let s = Sample::from_line(r#"{"timestamp":"2026-11-23T20:00:00.250+02:00"}"#).unwrap();
        assert_eq!(s.timestamp.unwrap().to_string(), "2026-11-23T18:00:00.25Z");
    }

    #[test]
    fn metric_names_parse_and_assignments_are_checked() {
        for m in Metric::ALL {
            assert_eq!(m.name().parse::<Metric>().unwrap(), m);
        }
        assert_eq!(
            parse_assignment("requests_per_second=140.5").unwrap(),
            (Metric::RequestsPerSecond, 140.5)
        );
        let err = parse_assignment("rps=3").unwrap_err();
        assert!(err.contains("unknown metric 'rps'") && err.contains("requests_per_second"));
        assert!(
            parse_assignment("cpu_percent=abc")
                .unwrap_err()
                .contains("not a number")
        );
        assert_eq!(parse_assignment("cpu_percent=150").unwrap().1, 150.0);
        assert!(parse_assignment("error_rate=150").is_err());
        assert!(parse_assignment("cpu_percent=-1").is_err());
        assert!(
            parse_assignment("cpu_percent")
                .unwrap_err()
                .contains("NAME=VALUE")
        );
    }

    #[test]
    fn set_keeps_fractional_connections() {
        let mut s = Sample::default();
        s.set(Metric::ActiveConnections, Some(36.6));
        assert_eq!(s.active_connections, Some(36.6));
        s.set(Metric::CpuPercent, Some(12.0));
        assert_eq!(s.get(Metric::CpuPercent), Some(12.0));
    }
}
