//! The Prometheus text exposition format (0.0.4) of the monitor's state, for `/metrics`.
//!
//! Every family has `# HELP` and `# TYPE`, and names follow Prometheus's conventions (base
//! units: `rizk_response_time_seconds`; `promtool check metrics` is clean). A sample metric that
//! is unknown is omitted, never exported as 0 (an HPA reading 0 requests/s would scale down).
//! `rizk_requests_per_second` is the custom metric the seed's HPA manifest scales on. Each
//! endpoint scraped has `rizk_scale_target_up` and `rizk_scale_target_scrape_duration_seconds`,
//! labelled with its URL (userinfo redacted).

use std::fmt::Write as _;

use crate::policy::Action;
use crate::sample::{Metric, Sample};

/// The media type of the format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Every action, in the order the one-hot gauge lists them.
pub const ACTIONS: [Action; 4] = [
    Action::ScaleUp,
    Action::ScaleDown,
    Action::Maintain,
    Action::Wait,
];

/// What `/metrics` shows: plain data copied out of the loop after each tick.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// The newest recommendation's action and delta (none before the first good tick).
    pub decision: Option<(Action, i64)>,
    /// The replica target, when `--current-replicas` is known.
    pub target_replicas: Option<u32>,
    /// Samples in the history after the last tick.
    pub history_samples: usize,
    /// The newest sample collected (none before the first good tick).
    pub sample: Option<Sample>,
    /// Ticks that failed to collect or store, since start.
    pub collect_errors: u64,
    /// Ticks run, since start.
    pub ticks: u64,
    /// Unix time of the last completed tick, in seconds.
    pub last_tick_seconds: Option<f64>,
    /// Whether this instance leads its service (`monitor --coordinate` only).
    pub leader: Option<bool>,
    /// The endpoints scraped by the last good tick.
    pub targets: Vec<TargetState>,
}

/// One endpoint's last scrape.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetState {
    /// The URL, userinfo redacted.
    pub target: String,
    /// Whether it was scraped and parsed.
    pub up: bool,
    /// How long the scrape took, in seconds.
    pub scrape_seconds: f64,
}

/// The metric name a sample field is exported as: `rizk_` + the history field name, in base
/// units (`rizk_response_time_seconds`).
pub fn metric_name(metric: Metric) -> String {
    match metric {
        Metric::ResponseTimeMs => "rizk_response_time_seconds".to_string(),
        other => format!("rizk_{}", other.name()),
    }
}

/// The exported value of a sample field (in the unit of [`metric_name`]).
fn exported_value(metric: Metric, v: f64) -> f64 {
    match metric {
        Metric::ResponseTimeMs => v / 1000.0,
        _ => v,
    }
}

fn help(metric: Metric) -> &'static str {
    match metric {
        Metric::CpuPercent => {
            "CPU utilization of the newest sample, percent (above 100 when measured against requests)."
        }
        Metric::MemoryPercent => {
            "Memory utilization of the newest sample, percent (above 100 when measured against requests)."
        }
        Metric::RequestsPerSecond => "Requests per second of the newest sample.",
        Metric::CacheHitRate => "Cache hit rate of the newest sample, percent (0-100).",
        Metric::ErrorRate => "Share of failed requests in the newest sample, percent (0-100).",
        Metric::ResponseTimeMs => "Mean response time of the newest sample, seconds.",
        Metric::ActiveConnections => "Open connections in the newest sample.",
    }
}

/// Escape a label value: backslash, double quote and line feed.
pub fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Escape HELP text: backslash and line feed.
pub fn escape_help(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A float as the format writes it (`+Inf`, `-Inf`, `NaN`, else Rust's shortest round-trip form).
pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        v.to_string()
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# HELP {name} {}", escape_help(help));
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Render `/metrics`.
pub fn render(snap: &Snapshot, version: &str) -> String {
    let mut out = String::with_capacity(2048);
    if let Some((action, delta)) = snap.decision {
        family(
            &mut out,
            "rizk_scale_recommendation",
            "gauge",
            "The current recommendation: 1 for its action, 0 for the others.",
        );
        for a in ACTIONS {
            let _ = writeln!(
                out,
                "rizk_scale_recommendation{{action=\"{}\"}} {}",
                escape_label(a.as_str()),
                u8::from(a == action)
            );
        }
        family(
            &mut out,
            "rizk_scale_replica_delta",
            "gauge",
            "Replicas to add (positive) or remove (negative).",
        );
        let _ = writeln!(out, "rizk_scale_replica_delta {delta}");
    }
    if let Some(t) = snap.target_replicas {
        family(
            &mut out,
            "rizk_scale_target_replicas",
            "gauge",
            "Replicas recommended, within --min-replicas..--max-replicas.",
        );
        let _ = writeln!(out, "rizk_scale_target_replicas {t}");
    }
    family(
        &mut out,
        "rizk_scale_history_samples",
        "gauge",
        "Samples in the rolling history.",
    );
    let _ = writeln!(out, "rizk_scale_history_samples {}", snap.history_samples);
    if let Some(sample) = &snap.sample {
        for metric in Metric::ALL {
            if let Some(v) = sample.get(metric) {
                let name = metric_name(metric);
                family(&mut out, &name, "gauge", help(metric));
                let _ = writeln!(out, "{name} {}", format_value(exported_value(metric, v)));
            }
        }
    }
    if !snap.targets.is_empty() {
        family(
            &mut out,
            "rizk_scale_target_up",
            "gauge",
            "1 when the last scrape of the endpoint succeeded, else 0.",
        );
        for t in &snap.targets {
            let _ = writeln!(
                out,
                "rizk_scale_target_up{{target=\"{}\"}} {}",
                escape_label(&t.target),
                u8::from(t.up)
            );
        }
        family(
            &mut out,
            "rizk_scale_target_scrape_duration_seconds",
            "gauge",
            "How long the last scrape of the endpoint took.",
        );
        for t in &snap.targets {
            let _ = writeln!(
                out,
                "rizk_scale_target_scrape_duration_seconds{{target=\"{}\"}} {}",
                escape_label(&t.target),
                format_value(t.scrape_seconds)
            );
        }
    }
    family(
        &mut out,
        "rizk_scale_collect_errors_total",
        "counter",
        "Ticks that failed to collect or store a sample.",
    );
    let _ = writeln!(
        out,
        "rizk_scale_collect_errors_total {}",
        snap.collect_errors
    );
    family(&mut out, "rizk_scale_ticks_total", "counter", "Ticks run.");
    let _ = writeln!(out, "rizk_scale_ticks_total {}", snap.ticks);
    if let Some(t) = snap.last_tick_seconds {
        family(
            &mut out,
            "rizk_scale_last_tick_timestamp_seconds",
            "gauge",
            "Unix time the last tick completed.",
        );
        let _ = writeln!(
            out,
            "rizk_scale_last_tick_timestamp_seconds {}",
            format_value(t)
        );
    }
    if let Some(leader) = snap.leader {
        family(
            &mut out,
            "rizk_scale_leader",
            "gauge",
            "1 when this instance holds its service's leader lease (monitor --coordinate), else 0.",
        );
        let _ = writeln!(out, "rizk_scale_leader {}", u8::from(leader));
    }
    family(
        &mut out,
        "rizk_scale_build_info",
        "gauge",
        "The rizk-scale build, as a label; always 1.",
    );
    let _ = writeln!(
        out,
        "rizk_scale_build_info{{version=\"{}\"}} 1",
        escape_label(version)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Snapshot {
        Snapshot {
            decision: Some((Action::ScaleUp, 2)),
            target_replicas: Some(7),
            history_samples: 57,
            sample: Some(Sample {
                cpu_percent: Some(84.5),
                requests_per_second: Some(140.0),
                active_connections: Some(37.0),
                ..Sample::default()
            }),
            collect_errors: 3,
            ticks: 60,
            last_tick_seconds: Some(1_700_000_000.25),
            leader: None,
            targets: vec![
                TargetState {
                    target: "http://u:***@web-1:8080/metrics".into(),
                    up: true,
                    scrape_seconds: 0.012,
                },
                TargetState {
                    target: "http://web-2:8080/metrics".into(),
                    up: false,
                    scrape_seconds: 5.0,
                },
            ],
        }
    }

    /// Every non-comment line: `name{labels} value`.
    fn series(text: &str) -> Vec<(String, String)> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let (k, v) = l.rsplit_once(' ').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect()
    }

    #[test]
    fn one_hot_recommendation_and_replica_gauges() {
        let text = render(&full(), "0.1.0");
        let s = series(&text);
        let get = |k: &str| s.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(
            get("rizk_scale_recommendation{action=\"scale_up\"}"),
            Some("1")
        );
        assert_eq!(
            get("rizk_scale_recommendation{action=\"scale_down\"}"),
            Some("0")
        );
        assert_eq!(
            get("rizk_scale_recommendation{action=\"maintain\"}"),
            Some("0")
        );
        assert_eq!(get("rizk_scale_recommendation{action=\"wait\"}"), Some("0"));
        assert_eq!(get("rizk_scale_replica_delta"), Some("2"));
        assert_eq!(get("rizk_scale_target_replicas"), Some("7"));
        assert_eq!(get("rizk_scale_history_samples"), Some("57"));
        assert_eq!(get("rizk_cpu_percent"), Some("84.5"));
        assert_eq!(get("rizk_requests_per_second"), Some("140"));
        assert_eq!(get("rizk_active_connections"), Some("37"));
        assert_eq!(
            get("rizk_scale_target_up{target=\"http://u:***@web-1:8080/metrics\"}"),
            Some("1")
        );
        assert_eq!(
            get("rizk_scale_target_up{target=\"http://web-2:8080/metrics\"}"),
            Some("0")
        );
        assert_eq!(
            get("rizk_scale_target_scrape_duration_seconds{target=\"http://web-2:8080/metrics\"}"),
            Some("5")
        );
        assert_eq!(get("rizk_scale_collect_errors_total"), Some("3"));
        assert_eq!(
            get("rizk_scale_last_tick_timestamp_seconds"),
            Some("1700000000.25")
        );
        assert_eq!(get("rizk_scale_build_info{version=\"0.1.0\"}"), Some("1"));
    }

    #[test]
    fn unknown_metrics_are_omitted_not_zero() {
        let text = render(&full(), "0.1.0");
        assert!(!text.contains("rizk_memory_percent"));
        assert!(!text.contains("rizk_error_rate"));
        let empty = render(&Snapshot::default(), "0.1.0");
        assert!(!empty.contains("rizk_scale_recommendation"));
        assert!(!empty.contains("rizk_scale_target_replicas"));
        assert!(!empty.contains("rizk_cpu_percent"));
        assert!(empty.contains("rizk_scale_history_samples 0\n"));
        assert!(
            !empty.contains("rizk_scale_leader"),
            "only with --coordinate"
        );
    }

    #[test]
    fn the_leader_gauge_is_0_or_1_under_coordinate() {
        let mut snap = full();
        snap.leader = Some(true);
        assert!(
            render(&snap, "0.1.0")
                .contains("\n# TYPE rizk_scale_leader gauge\nrizk_scale_leader 1\n")
        );
        snap.leader = Some(false);
        assert!(render(&snap, "0.1.0").contains("\nrizk_scale_leader 0\n"));
    }

    #[test]
    fn every_family_has_help_then_type_then_its_series() {
        let text = render(&full(), "0.1.0");
        let lines: Vec<&str> = text.lines().collect();
        let mut families = 0;
        for (i, line) in lines.iter().enumerate() {
            if let Some(rest) = line.strip_prefix("# HELP ") {
                families += 1;
                let name = rest.split(' ').next().unwrap();
                let ty = lines[i + 1].strip_prefix("# TYPE ").unwrap();
                assert!(ty.starts_with(&format!("{name} ")), "{ty}");
                assert!(ty.ends_with(" gauge") || ty.ends_with(" counter"));
                assert!(lines[i + 2].starts_with(name), "{}", lines[i + 2]);
            }
        }
        // Families: recommendation, delta, target, history, 3 sample metrics, target up and
        // scrape duration, errors, ticks, last tick, build info.
        assert_eq!(families, 13);
        assert!(text.ends_with('\n'));
        for (key, _) in series(&text) {
            let name = key.split('{').next().unwrap();
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{name}"
            );
        }
    }

    #[test]
    fn label_values_and_help_are_escaped() {
        assert_eq!(escape_label(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(escape_label("x\ny"), "x\\ny");
        assert_eq!(escape_help("a\\b\nc"), "a\\\\b\\nc");
        let text = render(&Snapshot::default(), "1.0\"\n");
        assert!(text.contains("rizk_scale_build_info{version=\"1.0\\\"\\n\"} 1\n"));
    }

    #[test]
    fn our_parser_reads_the_page_back() {
        use crate::sources::exposition::{Format, MetricType, parse};
        let mut snap = full();
        if let Some(s) = snap.sample.as_mut() {
            s.response_time_ms = Some(f64::INFINITY);
        }
        let text = render(&snap, "1.0-\"odd\"\\\n");
        let page = parse(&text, Format::PrometheusText).unwrap();
        let rec = page.family("rizk_scale_recommendation").unwrap();
        assert_eq!(rec.kind, MetricType::Gauge);
        let hot: Vec<&str> = rec
            .samples
            .iter()
            .filter(|s| s.value == 1.0)
            .filter_map(|s| s.label("action"))
            .collect();
        assert_eq!(hot, vec!["scale_up"]);
        assert_eq!(rec.samples.len(), 4);
        let errors = page.family("rizk_scale_collect_errors_total").unwrap();
        assert_eq!(errors.kind, MetricType::Counter);
        assert_eq!(errors.samples[0].value, 3.0);
        let rt = page
            .samples_named("rizk_response_time_seconds")
            .next()
            .unwrap();
        assert_eq!(rt.value, f64::INFINITY);
        let mut snap = full();
        if let Some(s) = snap.sample.as_mut() {
            s.response_time_ms = Some(250.0);
        }
        let text = render(&snap, "1");
        assert!(
            text.contains("\nrizk_response_time_seconds 0.25\n"),
            "{text}"
        );
        assert!(!text.contains("_ms"), "base units only: {text}");
        let info = page.samples_named("rizk_scale_build_info").next().unwrap();
        // The escaped label value comes back as it was.
        assert_eq!(info.label("version"), Some("1.0-\"odd\"\\\n"));
        assert!(page.families.iter().all(|f| f.help.is_some()));
    }

    #[test]
    fn special_floats() {
        assert_eq!(format_value(f64::INFINITY), "+Inf");
        assert_eq!(format_value(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_value(f64::NAN), "NaN");
        assert_eq!(format_value(0.5), "0.5");
        assert_eq!(format_value(3.0), "3");
    }
}
