//! `replay`'s what-if flags (clap types): the Prometheus range, the load model, the report.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{parse_duration, parse_timeout};
use crate::sample::Metric;

/// Where the long history comes from, how the load is modelled, and the report.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "What-if over Prometheus history")]
pub struct WhatIfArgs {
    /// Build the history from range queries to this Prometheus (http:// or https://) instead of
    /// the stored history: the collect queries ([prometheus.queries], --prometheus-query) plus
    /// the observed replica count (query 'replicas')
    #[arg(long = "prometheus", value_name = "URL")]
    pub prometheus: Option<String>,
    /// Replace a query, e.g. 'requests_per_second=sum(rate(reqs[5m]))', or give the replica
    /// count: 'replicas=kube_deployment_status_replicas{deployment="web"}' (repeatable)
    #[arg(long = "prometheus-query", value_name = "NAME=PROMQL", value_parser = parse_range_query, requires = "prometheus")]
    pub queries: Vec<(String, String)>,
    /// Start of the range: RFC 3339 (2026-11-23T18:00:00Z), now, or relative (-7d, now-36h)
    #[arg(
        long,
        value_name = "TIME",
        default_value = "-1d",
        allow_hyphen_values = true,
        requires = "prometheus"
    )]
    pub from: String,
    /// End of the range (same forms as --from)
    #[arg(
        long,
        value_name = "TIME",
        default_value = "now",
        allow_hyphen_values = true,
        requires = "prometheus"
    )]
    pub to: String,
    /// Between two samples of the range
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_step, requires = "prometheus")]
    pub step: Duration,
    /// Per range query timeout
    #[arg(long = "query-timeout", value_name = "DURATION", default_value = "60s", value_parser = parse_timeout, requires = "prometheus")]
    pub query_timeout: Duration,
    /// Metrics besides cpu_percent whose per-replica value scales with observed / simulated
    /// replicas, comma-separated (e.g. memory_percent,active_connections)
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub scale_metrics: Vec<Metric>,
    /// Replay on the metrics as recorded even where the observed replica count is known
    #[arg(long, conflicts_with = "scale_metrics")]
    pub no_load_model: bool,
    /// Also write the samples replayed to this file as a history (JSON Lines), e.g. to replay a
    /// Prometheus range again offline with --history
    #[arg(long, value_name = "PATH")]
    pub save_history: Option<PathBuf>,
    /// Write a self-contained HTML report (inline SVG charts, the figures table, the model)
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
}

/// Parse `--prometheus-query NAME=PROMQL` for a range: NAME is a sample metric or `replicas`.
pub fn parse_range_query(s: &str) -> Result<(String, String), String> {
    let (name, query) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=PROMQL, got '{s}'"))?;
    let name = name.trim();
    if name != crate::sample::REPLICAS {
        name.parse::<Metric>()
            .map_err(|e| format!("{e}, or {}", crate::sample::REPLICAS))?;
    }
    Ok((name.to_string(), query.trim().to_string()))
}

/// Parse `--step` (at least one second).
pub fn parse_step(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d < Duration::from_secs(1) {
        return Err(format!("'{s}' is below the smallest step, 1s"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_queries_take_metrics_and_replicas() {
        assert_eq!(
            parse_range_query("replicas=count(up{job=\"web\"})").unwrap(),
            ("replicas".into(), "count(up{job=\"web\"})".into())
        );
        assert!(parse_range_query("cpu_percent=avg(x)").is_ok());
        let e = parse_range_query("pods=count(up)").unwrap_err();
        assert!(e.contains("'pods'") && e.contains("replicas"), "{e}");
        assert!(parse_step("30s").is_ok());
        assert!(parse_step("100ms").unwrap_err().contains("1s"));
    }
}
