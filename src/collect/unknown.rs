//! Why a metric is unknown: one [`Reason`] per unknown metric, in words the user can act on.
//! Pure: [`for_round`] explains a collection round from what its sources gave (used by
//! `collect` and `monitor`), [`for_decision`] a decision's unknown conditions from the history's
//! newest sample (used by `recommend` and `monitor`).
//!
//! A round's reasons, except "not configured", are kept in the history line under the optional
//! extra field `unknown` ([`FIELD`], metric → reason text), so a later `recommend` can say why
//! without knowing how the sample was collected.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use jiff::Timestamp;

use crate::history::Flagged;
use crate::policy::{CondState, Condition};
use crate::sample::{Metric, Sample};
use crate::sources::mapping::Gap;
use crate::sources::prometheus::MetricReading;

/// The history line's extra field holding the round's reasons (metric → text).
pub const FIELD: &str = "unknown";

/// Why one metric is unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// No source configured can provide it. `no_host`: `--no-host` took the host's CPU and
    /// memory away; `prometheus`: `--prometheus` is given but has no query for it.
    NotConfigured {
        metric: Metric,
        no_host: bool,
        prometheus: bool,
    },
    /// The target answered, but the series (or JSON field) the mapping reads is not on it.
    NotOnPage {
        wanted: String,
        url: String,
        similar: Vec<String>,
    },
    /// A rate needs a previous scrape of this target.
    FirstScrape { url: String },
    /// The target did not answer.
    TargetDown { url: String, error: String },
    /// A counter went down since the previous scrape (the target restarted).
    CounterReset { url: String, counter: String },
    /// The counters did not move since the previous scrape: nothing to average.
    Idle { url: String },
    /// The target's figure is not a finite number ≥ 0.
    NotFinite { url: String },
    /// The newest sample is older than `--max-age`.
    Stale { age: Duration, max_age: Duration },
    /// The newest sample's value is invalid (`at`: file:line).
    Invalid { at: String, problem: String },
    /// The `--prometheus` query failed.
    QueryFailed { query: String, error: String },
    /// The `--prometheus` query answered with no series (or a NaN).
    QueryEmpty { query: String },
    /// What the sample's producer recorded (the history's `unknown` field).
    Recorded(String),
    /// The newest sample has no value and no recorded reason.
    NotRecorded { metric: Metric },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotConfigured {
                metric,
                no_host,
                prometheus,
            } => {
                let host = if *no_host && host_metric(*metric) {
                    "--no-host was given and no other source provides it; drop --no-host (the host gives CPU and memory), or add "
                } else {
                    "no source provides it; add "
                };
                let prom = if *prometheus
                    || crate::sources::prometheus::default_query(*metric).is_none()
                {
                    format!("--prometheus URL --prometheus-query {metric}=QUERY")
                } else {
                    "--prometheus URL".to_string()
                };
                write!(
                    f,
                    "not configured: {host}--endpoint URL, {prom}, or --metric {metric}=VALUE"
                )
            }
            Reason::NotOnPage {
                wanted,
                url,
                similar,
            } => {
                let like = if similar.is_empty() {
                    "nothing similar there".to_string()
                } else {
                    format!("similar there: {}", similar.join(", "))
                };
                write!(
                    f,
                    "{wanted} not found on {url} ({like}); name the right one in [endpoints.mapping]"
                )
            }
            Reason::FirstScrape { url } => write!(
                f,
                "rate needs a second scrape: first scrape of {url} (no previous counters); the next collect has it"
            ),
            Reason::TargetDown { url, error } => write!(f, "target {url} down: {error}"),
            Reason::CounterReset { url, counter } => write!(
                f,
                "counter reset this scrape: {counter} went down on {url} (the target restarted); the next scrape has the rate again"
            ),
            Reason::Idle { url } => write!(
                f,
                "no traffic: the counters of {url} did not move since the previous scrape, nothing to average"
            ),
            Reason::NotFinite { url } => {
                write!(f, "{url} gave a value that is not a finite number ≥ 0")
            }
            Reason::Stale { age, max_age } => write!(
                f,
                "stale: the newest sample is {} old (--max-age {}); collect a fresh one",
                crate::text::duration(Duration::from_secs(age.as_secs())),
                crate::text::duration(*max_age)
            ),
            Reason::Invalid { at, problem } => {
                write!(
                    f,
                    "invalid value at '{at}': {problem}; fix or remove the value"
                )
            }
            Reason::QueryFailed { query, error } => {
                write!(f, "Prometheus query failed: {query}: {error}")
            }
            Reason::QueryEmpty { query } => {
                write!(f, "Prometheus query returned no series (or NaN): {query}")
            }
            Reason::Recorded(text) => f.write_str(text),
            Reason::NotRecorded { metric } => write!(
                f,
                "not collected: the newest sample has no value and no recorded reason; collect it with --endpoint URL, --prometheus URL, or --metric {metric}=VALUE"
            ),
        }
    }
}

fn host_metric(metric: Metric) -> bool {
    matches!(metric, Metric::CpuPercent | Metric::MemoryPercent)
}

/// How one `--endpoint` went this round.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It did not answer (redacted error).
    Down { url: String, error: String },
    /// It answered: why it gave no value for each metric it gave none for.
    Answered {
        url: String,
        gaps: BTreeMap<Metric, Gap>,
    },
}

/// What a collection round's sources gave, to explain the metrics it left unknown.
#[derive(Debug, Clone, Default)]
pub struct Round<'a> {
    /// `--no-host`.
    pub no_host: bool,
    /// One outcome per `--endpoint` (`None` without endpoints).
    pub endpoints: Option<&'a [Outcome]>,
    /// `--prometheus`: one reading per query sent (`None` without it).
    pub prometheus: Option<&'a [MetricReading]>,
}

/// The reason of every metric `sample` leaves unknown after this round.
pub fn for_round(sample: &Sample, round: &Round<'_>) -> BTreeMap<Metric, Reason> {
    Metric::ALL
        .into_iter()
        .filter(|&m| sample.get(m).is_none())
        .map(|m| (m, explain(m, round)))
        .collect()
}

fn explain(metric: Metric, round: &Round<'_>) -> Reason {
    let endpoint = round.endpoints.map(|o| from_endpoints(metric, o));
    let prometheus = round
        .prometheus
        .and_then(|r| r.iter().find(|r| r.metric == metric))
        .map(|r| match &r.error {
            Some(error) => Reason::QueryFailed {
                query: r.query.clone(),
                error: error.clone(),
            },
            None => Reason::QueryEmpty {
                query: r.query.clone(),
            },
        });
    match (endpoint, prometheus) {
        // A series missing from a page is less telling than a failed query.
        (Some(Reason::NotOnPage { .. }), Some(p)) => p,
        (Some(e), _) => e,
        (None, Some(p)) => p,
        (None, None) => Reason::NotConfigured {
            metric,
            no_host: round.no_host,
            prometheus: round.prometheus.is_some(),
        },
    }
}

/// The endpoints' reason: a target's transient state (first scrape, reset, …) first, as one
/// unknown target makes the fleet's figure unknown; else the first target's missing series;
/// else the first target down.
fn from_endpoints(metric: Metric, outcomes: &[Outcome]) -> Reason {
    let answered: Vec<(&String, Option<&Gap>)> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Answered { url, gaps } => Some((url, gaps.get(&metric))),
            Outcome::Down { .. } => None,
        })
        .collect();
    let rank = |g: &Gap| match g {
        Gap::Reset { .. } => 0,
        Gap::FirstScrape => 1,
        Gap::NotFinite => 2,
        Gap::Idle => 3,
        Gap::NotOnPage { .. } => 4,
    };
    let worst = answered
        .iter()
        .filter_map(|(url, g)| g.map(|g| (rank(g), *url, g)))
        .min_by_key(|(r, _, _)| *r);
    if let Some((_, url, gap)) = worst {
        let url = url.clone();
        return match gap {
            Gap::Reset { counter } => Reason::CounterReset {
                url,
                counter: counter.clone(),
            },
            Gap::FirstScrape => Reason::FirstScrape { url },
            Gap::NotFinite => Reason::NotFinite { url },
            Gap::Idle => Reason::Idle { url },
            Gap::NotOnPage { wanted, similar } => Reason::NotOnPage {
                wanted: wanted.clone(),
                url,
                similar: similar.clone(),
            },
        };
    }
    if let Some((url, _)) = answered.first() {
        // Every target gave a figure, but the fleet's is unusable (negative, NaN).
        return Reason::NotFinite {
            url: (*url).clone(),
        };
    }
    match outcomes.first() {
        Some(Outcome::Down { url, error }) => Reason::TargetDown {
            url: url.clone(),
            error: error.clone(),
        },
        _ => Reason::NotConfigured {
            metric,
            no_host: false,
            prometheus: false,
        },
    }
}

/// The reasons worth keeping in the history line (all but "not configured", which a later
/// reader says itself), as the `unknown` field's JSON object; `None` when there are none.
pub fn to_field(reasons: &BTreeMap<Metric, Reason>) -> Option<serde_json::Value> {
    let kept: serde_json::Map<String, serde_json::Value> = reasons
        .iter()
        .filter(|(_, r)| !matches!(r, Reason::NotConfigured { .. }))
        .map(|(m, r)| (m.name().to_string(), r.to_string().into()))
        .collect();
    (!kept.is_empty()).then_some(serde_json::Value::Object(kept))
}

/// Metric → reason text, as `collect --json` and monitor's lines show them.
pub fn texts(reasons: &BTreeMap<Metric, Reason>) -> BTreeMap<Metric, String> {
    reasons.iter().map(|(m, r)| (*m, r.to_string())).collect()
}

/// What a decision knew about the history it read.
#[derive(Debug, Clone, Copy)]
pub struct Decided<'a> {
    /// The history's location (file path or Redis list), for file:line.
    pub location: &'a str,
    /// The lines read with a problem (`Loaded::flagged`).
    pub flagged: &'a [Flagged],
    /// `--max-age` (None: never stale).
    pub max_age: Option<Duration>,
    /// The decision's time.
    pub now: Timestamp,
}

/// Why `metric` is unknown in the decision over a history whose newest sample is `newest`.
pub fn for_metric(metric: Metric, newest: Option<&Sample>, d: &Decided<'_>) -> Reason {
    let Some(newest) = newest else {
        return Reason::NotRecorded { metric };
    };
    if let (Some(max_age), Some(ts)) = (d.max_age, newest.timestamp)
        && let Ok(age) = Duration::try_from(d.now.duration_since(ts))
        && age > max_age
    {
        return Reason::Stale { age, max_age };
    }
    if newest.invalid.contains_key(&metric) {
        // The newest sample is the last line read: its problem is the last one named for it.
        let flag = d
            .flagged
            .iter()
            .filter(|r| r.problem.unknown_metric() == Some(metric))
            .max_by_key(|r| r.line);
        return match flag {
            Some(r) => Reason::Invalid {
                at: format!("{}:{}", d.location, r.line),
                problem: r.problem.what(),
            },
            None => Reason::Invalid {
                at: d.location.to_string(),
                problem: newest
                    .problems()
                    .iter()
                    .find(|p| p.unknown_metric() == Some(metric))
                    .map_or(String::new(), crate::sample::Problem::what),
            },
        };
    }
    match newest
        .extra
        .get(FIELD)
        .and_then(|u| u.get(metric.name()))
        .and_then(serde_json::Value::as_str)
    {
        Some(text) => Reason::Recorded(text.to_string()),
        None => Reason::NotRecorded { metric },
    }
}

/// Set `unknown_reason` on every unknown condition of a decision over `newest`.
pub fn for_decision(conditions: &mut [Condition], newest: Option<&Sample>, d: &Decided<'_>) {
    for c in conditions.iter_mut() {
        c.unknown_reason =
            (c.state == CondState::Unknown).then(|| for_metric(c.metric, newest, d).to_string());
    }
}

/// One footnote per unknown metric (`metric unknown: reason`), metrics with the same reason on
/// one line, in `order`.
pub fn footnotes<'a>(reasons: impl IntoIterator<Item = (Metric, &'a str)>) -> Vec<String> {
    let mut grouped: Vec<(Vec<Metric>, &str)> = Vec::new();
    for (metric, reason) in reasons {
        match grouped.iter_mut().find(|(_, r)| *r == reason) {
            Some((metrics, _)) if !metrics.contains(&metric) => metrics.push(metric),
            Some(_) => {}
            None => grouped.push((vec![metric], reason)),
        }
    }
    grouped
        .into_iter()
        .map(|(metrics, reason)| {
            let names: Vec<&str> = metrics.iter().map(|m| m.name()).collect();
            format!("{} unknown: {reason}", names.join(", "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://127.0.0.1:9/metrics";

    fn answered(metric: Metric, gap: Gap) -> Outcome {
        Outcome::Answered {
            url: URL.into(),
            gaps: [(metric, gap)].into(),
        }
    }

    fn one(metric: Metric, round: &Round<'_>) -> String {
        for_round(&Sample::default(), round)[&metric].to_string()
    }

    #[test]
    fn not_configured_names_the_flags_that_would_provide_it() {
        let bare = Round::default();
        let rps = one(Metric::RequestsPerSecond, &bare);
        assert_eq!(
            rps,
            "not configured: no source provides it; add --endpoint URL, --prometheus URL, or --metric requests_per_second=VALUE"
        );
        // No default query: the query flag is named.
        assert!(
            one(Metric::ActiveConnections, &bare)
                .contains("--prometheus URL --prometheus-query active_connections=QUERY"),
        );
        let no_host = Round {
            no_host: true,
            ..Round::default()
        };
        assert!(one(Metric::CpuPercent, &no_host).starts_with(
            "not configured: --no-host was given and no other source provides it; drop --no-host"
        ));
        assert!(!one(Metric::ErrorRate, &no_host).contains("--no-host"));
        // Known metrics have no reason.
        let known = Sample {
            cpu_percent: Some(3.0),
            ..Sample::default()
        };
        assert!(!for_round(&known, &bare).contains_key(&Metric::CpuPercent));
        assert_eq!(for_round(&known, &bare).len(), 6);
    }

    #[test]
    fn an_endpoint_says_what_is_missing_and_what_is_similar() {
        let gap = Gap::NotOnPage {
            wanted: "series http_requests_total".into(),
            similar: vec!["api_requests_total".into()],
        };
        let outcomes = [answered(Metric::RequestsPerSecond, gap)];
        let round = Round {
            endpoints: Some(&outcomes),
            ..Round::default()
        };
        assert_eq!(
            one(Metric::RequestsPerSecond, &round),
            format!(
                "series http_requests_total not found on {URL} (similar there: api_requests_total); name the right one in [endpoints.mapping]"
            )
        );
        let nothing = [answered(
            Metric::RequestsPerSecond,
            Gap::NotOnPage {
                wanted: "series x".into(),
                similar: vec![],
            },
        )];
        let round = Round {
            endpoints: Some(&nothing),
            ..Round::default()
        };
        assert!(one(Metric::RequestsPerSecond, &round).contains("(nothing similar there)"));
    }

    #[test]
    fn first_scrape_reset_idle_and_down_are_told_apart() {
        let m = Metric::RequestsPerSecond;
        let case = |outcomes: &[Outcome]| {
            one(
                m,
                &Round {
                    endpoints: Some(outcomes),
                    ..Round::default()
                },
            )
        };
        assert!(case(&[answered(m, Gap::FirstScrape)]).starts_with(&format!(
            "rate needs a second scrape: first scrape of {URL}"
        )));
        assert!(
            case(&[answered(
                m,
                Gap::Reset {
                    counter: "requests".into()
                }
            )])
            .starts_with(&format!(
                "counter reset this scrape: requests went down on {URL}"
            ))
        );
        assert!(case(&[answered(m, Gap::Idle)]).starts_with("no traffic: "));
        assert!(case(&[answered(m, Gap::NotFinite)]).contains("not a finite number"));
        let down = Outcome::Down {
            url: URL.into(),
            error: "connection refused".into(),
        };
        assert_eq!(
            case(std::slice::from_ref(&down)),
            format!("target {URL} down: connection refused")
        );
        // A fleet: one target's first scrape makes the sum unknown, whatever the others say.
        let missing = answered(
            m,
            Gap::NotOnPage {
                wanted: "series x".into(),
                similar: vec![],
            },
        );
        let first = Outcome::Answered {
            url: "http://b/metrics".into(),
            gaps: [(m, Gap::FirstScrape)].into(),
        };
        assert!(case(&[down, missing, first]).contains("first scrape of http://b/metrics"));
    }

    #[test]
    fn prometheus_failures_and_empty_answers_name_the_query() {
        let readings = [
            MetricReading {
                metric: Metric::ErrorRate,
                query: "sum(rate(x[1m]))".into(),
                value: None,
                error: Some("HTTP 503".into()),
            },
            MetricReading {
                metric: Metric::RequestsPerSecond,
                query: "sum(rate(y[1m]))".into(),
                value: None,
                error: None,
            },
        ];
        let round = Round {
            prometheus: Some(&readings),
            ..Round::default()
        };
        assert_eq!(
            one(Metric::ErrorRate, &round),
            "Prometheus query failed: sum(rate(x[1m])): HTTP 503"
        );
        assert_eq!(
            one(Metric::RequestsPerSecond, &round),
            "Prometheus query returned no series (or NaN): sum(rate(y[1m]))"
        );
        // Prometheus given, but no query for it.
        assert!(
            one(Metric::CacheHitRate, &round).contains("--prometheus-query cache_hit_rate=QUERY")
        );
    }

    #[test]
    fn the_history_keeps_all_but_not_configured() {
        let reasons: BTreeMap<Metric, Reason> = [
            (
                Metric::CpuPercent,
                Reason::NotConfigured {
                    metric: Metric::CpuPercent,
                    no_host: true,
                    prometheus: false,
                },
            ),
            (Metric::ErrorRate, Reason::FirstScrape { url: URL.into() }),
        ]
        .into();
        let field = to_field(&reasons).unwrap();
        assert_eq!(field.as_object().unwrap().len(), 1);
        assert!(
            field["error_rate"]
                .as_str()
                .unwrap()
                .starts_with("rate needs")
        );
        assert_eq!(to_field(&BTreeMap::new()), None);
    }

    fn decided<'a>(flagged: &'a [Flagged], now: &str) -> Decided<'a> {
        Decided {
            location: "h.jsonl",
            flagged,
            max_age: Some(Duration::from_secs(900)),
            now: now.parse().unwrap(),
        }
    }

    #[test]
    fn a_decision_reads_stale_invalid_recorded_and_unrecorded_reasons() {
        let line = r#"{"timestamp":"2026-11-23T18:00:00Z","error_rate":200,"unknown":{"requests_per_second":"rate needs a second scrape: first scrape of X"}}"#;
        let newest = Sample::from_line(line).unwrap();
        let flagged = [Flagged {
            line: 4,
            text: line.into(),
            problem: newest.problems().remove(0),
        }];
        let d = decided(&flagged, "2026-11-23T18:01:00Z");
        assert_eq!(
            for_metric(Metric::ErrorRate, Some(&newest), &d).to_string(),
            "invalid value at 'h.jsonl:4': error_rate 200: error_rate is a percentage (0–100), got 200; fix or remove the value"
        );
        assert_eq!(
            for_metric(Metric::RequestsPerSecond, Some(&newest), &d).to_string(),
            "rate needs a second scrape: first scrape of X"
        );
        assert!(
            for_metric(Metric::CacheHitRate, Some(&newest), &d)
                .to_string()
                .starts_with(
                    "not collected: the newest sample has no value and no recorded reason"
                )
        );
        // Two hours later every metric is stale, whatever the sample says.
        let late = decided(&flagged, "2026-11-23T20:05:00Z");
        assert_eq!(
            for_metric(Metric::ErrorRate, Some(&newest), &late).to_string(),
            "stale: the newest sample is 2h 5m old (--max-age 15m); collect a fresh one"
        );
        // Only unknown conditions get a reason.
        let mut conditions = vec![
            Condition {
                metric: Metric::ErrorRate,
                direction: crate::policy::Direction::Up,
                value: None,
                threshold: 5.0,
                state: CondState::Unknown,
                unknown_reason: None,
            },
            Condition {
                metric: Metric::CpuPercent,
                direction: crate::policy::Direction::Up,
                value: Some(3.0),
                threshold: 70.0,
                state: CondState::NotMet,
                unknown_reason: Some("left over".into()),
            },
        ];
        for_decision(&mut conditions, Some(&newest), &d);
        assert!(
            conditions[0]
                .unknown_reason
                .as_deref()
                .unwrap()
                .starts_with("invalid value")
        );
        assert_eq!(conditions[1].unknown_reason, None);
    }

    #[test]
    fn footnotes_are_one_line_per_reason() {
        let lines = footnotes([
            (Metric::CpuPercent, "stale"),
            (Metric::ErrorRate, "x"),
            (Metric::MemoryPercent, "stale"),
            (Metric::CpuPercent, "stale"),
        ]);
        assert_eq!(
            lines,
            [
                "cpu_percent, memory_percent unknown: stale",
                "error_rate unknown: x"
            ]
        );
    }
}
