//! The sample: one line of the history (a stable contract, see DESIGN.md).
//!
//! Every metric is optional: `None` means *unknown* and is never read as 0. Unknown extra fields
//! (raw counters kept by endpoint collection, `targets_ok`, …) are preserved verbatim in `extra`
//! so that rewriting the history never loses them.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One observation of the service, as stored in the history (JSON Lines).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// When the sample was taken (RFC 3339, UTC). Absent in hand-written files: never stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// Host (or service) CPU usage, 0–100.
    #[serde(default)]
    pub cpu_percent: Option<f64>,
    /// Memory in use, 0–100.
    #[serde(default)]
    pub memory_percent: Option<f64>,
    /// Requests per second served.
    #[serde(default)]
    pub requests_per_second: Option<f64>,
    /// Cache hit rate, 0–100.
    #[serde(default)]
    pub cache_hit_rate: Option<f64>,
    /// Share of requests that failed (5xx), 0–100.
    #[serde(default)]
    pub error_rate: Option<f64>,
    /// Mean response time in milliseconds.
    #[serde(default)]
    pub response_time_ms: Option<f64>,
    /// Open connections (a gauge).
    #[serde(default)]
    pub active_connections: Option<u64>,
    /// Who produced the sample (hostname or `--instance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Fields this version does not interpret, kept as they were.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
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

    /// Whether the value is a percentage (must lie in 0–100).
    pub fn is_percent(self) -> bool {
        matches!(
            self,
            Metric::CpuPercent | Metric::MemoryPercent | Metric::CacheHitRate | Metric::ErrorRate
        )
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
            // Connection counts are far below 2^53: the conversion is exact.
            Metric::ActiveConnections => self.active_connections.map(|c| c as f64),
        }
    }

    /// Set `metric` (or clear it with `None`). Connections are rounded to a whole count.
    pub fn set(&mut self, metric: Metric, value: Option<f64>) {
        match metric {
            Metric::CpuPercent => self.cpu_percent = value,
            Metric::MemoryPercent => self.memory_percent = value,
            Metric::RequestsPerSecond => self.requests_per_second = value,
            Metric::CacheHitRate => self.cache_hit_rate = value,
            Metric::ErrorRate => self.error_rate = value,
            Metric::ResponseTimeMs => self.response_time_ms = value,
            Metric::ActiveConnections => {
                self.active_connections = value.map(|v| v.max(0.0).round() as u64)
            }
        }
    }

    /// Parse one history line, rejecting values the policy could not use.
    pub fn from_line(line: &str) -> Result<Sample, String> {
        let sample: Sample = serde_json::from_str(line).map_err(|e| e.to_string())?;
        sample.check()?;
        Ok(sample)
    }

    /// Check the invariants a hand-written line might break: finite, non-negative values and
    /// percentages within 0–100.
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
    if metric.is_percent() && value > 100.0 {
        return Err(format!("{metric} is a percentage (0–100), got {value}"));
    }
    Ok(())
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
        assert_eq!(s.active_connections, Some(37));
        assert_eq!(s.instance.as_deref(), Some("web-1"));
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
    fn rejects_bad_values_and_shapes() {
        assert!(Sample::from_line(r#"{"cpu_percent":101}"#).is_err());
        assert!(Sample::from_line(r#"{"cpu_percent":-1}"#).is_err());
        assert!(Sample::from_line(r#"{"cpu_percent":"high"}"#).is_err());
        assert!(Sample::from_line(r#"{"timestamp":"yesterday"}"#).is_err());
        assert!(Sample::from_line("[1,2]").is_err());
        assert!(Sample::from_line(r#"{"cpu_percent":50"#).is_err());
        // Not a percentage: may exceed 100.
        assert!(Sample::from_line(r#"{"requests_per_second":5000}"#).is_ok());
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
        assert!(parse_assignment("cpu_percent=150").is_err());
        assert!(
            parse_assignment("cpu_percent")
                .unwrap_err()
                .contains("NAME=VALUE")
        );
    }

    #[test]
    fn set_rounds_connections() {
        let mut s = Sample::default();
        s.set(Metric::ActiveConnections, Some(36.6));
        assert_eq!(s.active_connections, Some(37));
        s.set(Metric::CpuPercent, Some(12.0));
        assert_eq!(s.get(Metric::CpuPercent), Some(12.0));
    }
}
