//! The pure half of collection: readings + the previous raw counters + now → one [`Sample`].
//!
//! Nothing here does I/O: the [`Collector`](super::Collector) reads the sources and the history,
//! then calls [`assemble`]; the tests feed it hand-built readings.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use jiff::{Timestamp, Unit};

use super::unknown::{self, Outcome, Reason, Round};
use super::{Collected, Readings, SampleSpec, TargetStatus};
use crate::sample::{Metric, Sample};
use crate::sources::host::HostReading;
use crate::sources::mapping::{self, Aggregate, Counters, Snapshot};
use crate::sources::prometheus::MetricReading;

/// Build a sample from a host reading and `--metric` assignments (assignments win).
pub fn build_sample(spec: &SampleSpec, host: Option<HostReading>, now: Timestamp) -> Sample {
    let mut sample = Sample {
        timestamp: Some(now),
        instance: spec.instance.clone(),
        ..Sample::default()
    };
    if let Some(h) = host {
        sample.cpu_percent = Some(round2(h.cpu_percent));
        sample.memory_percent = Some(round2(h.memory_percent));
        sample.host_raw = h.raw;
    }
    for &(metric, value) in &spec.metrics {
        sample.set(metric, Some(value));
    }
    sample
}

/// Build the sample from one round of readings. `previous` holds the raw counters of the newest
/// stored sample (the base of the endpoints' rates). Failed endpoints and unanswered queries are
/// pushed to `warnings` and left out; when nothing at all was collected it is an error (whose
/// warnings, if any, are still in `warnings`).
pub fn assemble(
    spec: &SampleSpec,
    readings: Readings,
    previous: &BTreeMap<String, Counters>,
    now: Timestamp,
    warnings: &mut Vec<String>,
) -> Result<Collected> {
    let mut sample = build_sample(spec, readings.host.clone(), now);
    let mut collected = Collected {
        host: readings.host,
        ..Collected::default()
    };
    let scraped_any = readings.endpoints.is_some();
    // Each endpoint's outcome, kept until the sample is final to say why a metric is unknown.
    let mut endpoints: Option<Vec<(String, Result<Snapshot, String>)>> = None;
    if let Some(results) = readings.endpoints {
        let mut fleet = Vec::new();
        let mut failures = Vec::new();
        let mut kept = Vec::new();
        for r in results {
            let status = TargetStatus {
                url: r.target.clone(),
                ok: r.result.is_ok(),
                error: r.result.as_ref().err().cloned(),
                duration_ms: u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX),
                no_series: r.result.as_ref().is_ok_and(|s| s.has_no_series()),
            };
            match r.result {
                Ok(snapshot) => {
                    if snapshot.has_no_series() {
                        warnings.push(format!(
                            "endpoint '{}' answered, but none of the series the metric mapping reads are on its page ([endpoints.mapping] in the config names others)",
                            r.target
                        ));
                    }
                    fleet.push(mapping::reading(previous.get(&r.target), &snapshot));
                    collected
                        .raw
                        .insert(r.target.clone(), snapshot.counters.clone());
                    kept.push((r.target, Ok(snapshot)));
                }
                Err(e) => {
                    failures.push(format!("endpoint '{}': {e}", r.target));
                    kept.push((r.target, Err(e)));
                }
            }
            collected.targets.push(status);
        }
        endpoints = Some(kept);
        let total = collected.targets.len();
        let ok = fleet.len();
        // Every endpoint failed: an error, even with the host sampled (cron must not fall back
        // to host-only figures silently), unless partial results are allowed.
        let fails = ok == 0 && (spec.no_host || !spec.allow_partial);
        // One failed target that fails the command is said once, by the error.
        if !(fails && total == 1) {
            warnings.extend(failures);
        }
        if fails {
            let Some(first) = collected.targets.first() else {
                bail!("no endpoint was scraped");
            };
            let cause = first.error.as_deref().unwrap_or("failed");
            let hint = if spec.no_host {
                ""
            } else {
                " (every endpoint failed; --allow-partial keeps the host's sample)"
            };
            if total == 1 {
                bail!("endpoint '{}': {cause}{hint}", first.url);
            }
            bail!(
                "all {total} endpoints failed, e.g. endpoint '{}': {cause}{hint}",
                first.url
            );
        }
        apply_aggregate(&mut sample, &mapping::aggregate(&fleet), spec.no_host);
        sample.extra.insert("targets_ok".into(), ok.into());
        sample.extra.insert("targets_total".into(), total.into());
    }
    let prometheus_asked = readings.prometheus.is_some();
    if let Some((base, (answered, readings))) = readings.prometheus {
        let shown = crate::redact::url(&base);
        let failed: Vec<&MetricReading> = readings.iter().filter(|r| r.error.is_some()).collect();
        if failed.len() == readings.len() && spec.no_host && !scraped_any && spec.metrics.is_empty()
        {
            let cause = failed
                .first()
                .and_then(|r| r.error.as_deref())
                .unwrap_or("no query");
            bail!(
                "prometheus '{shown}': all {} queries failed, e.g. {}: {cause}",
                readings.len(),
                failed.first().map_or("-", |r| r.metric.name())
            );
        }
        for r in &failed {
            warnings.push(format!(
                "prometheus '{shown}': {} unknown: {}",
                r.metric,
                r.error.as_deref().unwrap_or("")
            ));
        }
        apply_prometheus(&mut sample, &answered, spec.no_host);
        collected.prometheus = readings;
    }
    for &(metric, value) in &spec.metrics {
        sample.set(metric, Some(value));
    }
    collected.unknown = explain(
        &sample,
        spec,
        endpoints.as_deref(),
        prometheus_asked.then_some(collected.prometheus.as_slice()),
        previous,
    );
    match unknown::to_field(&collected.unknown) {
        Some(field) => sample.extra.insert(unknown::FIELD.into(), field),
        None => sample.extra.remove(unknown::FIELD),
    };
    collected.sample = sample;
    Ok(collected)
}

/// Why each metric the finished `sample` leaves unknown is unknown: the gaps of the endpoints
/// that answered are worked out only for those metrics.
fn explain(
    sample: &Sample,
    spec: &SampleSpec,
    endpoints: Option<&[(String, Result<Snapshot, String>)]>,
    prometheus: Option<&[MetricReading]>,
    previous: &BTreeMap<String, Counters>,
) -> BTreeMap<Metric, Reason> {
    let missing: Vec<Metric> = Metric::ALL
        .into_iter()
        .filter(|&m| sample.get(m).is_none())
        .collect();
    let outcomes: Option<Vec<Outcome>> = endpoints.map(|all| {
        all.iter()
            .map(|(url, result)| match result {
                Ok(snapshot) => Outcome::Answered {
                    url: url.clone(),
                    gaps: missing
                        .iter()
                        .filter_map(|&m| {
                            mapping::gap(m, previous.get(url), snapshot, &spec.mapping)
                                .map(|g| (m, g))
                        })
                        .collect(),
                },
                Err(error) => Outcome::Down {
                    url: url.clone(),
                    error: error.clone(),
                },
            })
            .collect()
    });
    let round = Round {
        no_host: spec.no_host,
        endpoints: outcomes.as_deref(),
        prometheus,
    };
    unknown::for_round(sample, &round)
}

/// Put Prometheus's answers into the sample: every metric a query answered (an unknown one
/// leaves what other sources found). As for endpoints, the host's own CPU and memory win.
pub fn apply_prometheus(sample: &mut Sample, answered: &Sample, no_host: bool) {
    for metric in Metric::ALL {
        let host_metric = matches!(metric, Metric::CpuPercent | Metric::MemoryPercent);
        if host_metric && !no_host {
            continue;
        }
        if let Some(v) = answered.get(metric).filter(|v| v.is_finite()) {
            sample.set(metric, Some(round2(v)));
        }
    }
}

/// Put a fleet's figures into the sample. Endpoint CPU and memory are used only without host
/// sampling (the host's own reading wins). Non-finite figures (a NaN counter) are unknown.
pub fn apply_aggregate(sample: &mut Sample, agg: &Aggregate, no_host: bool) {
    let finite = |v: Option<f64>| v.filter(|x| x.is_finite() && *x >= 0.0).map(round2);
    sample.requests_per_second = finite(agg.requests_per_second);
    sample.error_rate = finite(agg.error_rate);
    sample.response_time_ms = finite(agg.response_time_ms);
    sample.cache_hit_rate = finite(agg.cache_hit_rate);
    sample.set(Metric::ActiveConnections, finite(agg.active_connections));
    let mut extra = vec![("response_time_p95_ms", finite(agg.response_time_p95_ms))];
    if no_host {
        sample.cpu_percent = finite(agg.cpu_percent);
        sample.memory_percent = finite(agg.memory_percent);
        extra.push(("cpu_percent_max", finite(agg.cpu_percent_max)));
        extra.push(("memory_percent_max", finite(agg.memory_percent_max)));
    }
    for (name, value) in extra {
        if let Some(v) = value {
            sample.extra.insert(name.into(), v.into());
        }
    }
}

/// Now, to the millisecond (history lines stay short and sortable).
pub fn now_ms() -> Timestamp {
    let now = Timestamp::now();
    now.round(Unit::Millisecond).unwrap_or(now)
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Metric;

    #[test]
    fn prometheus_fills_known_metrics_and_the_host_keeps_cpu_and_memory() {
        let answered = Sample {
            cpu_percent: Some(55.555),
            requests_per_second: Some(11.004),
            ..Sample::default()
        };
        let mut s = Sample {
            cpu_percent: Some(12.0),
            error_rate: Some(0.5),
            ..Sample::default()
        };
        apply_prometheus(&mut s, &answered, false);
        assert_eq!(s.cpu_percent, Some(12.0), "the host's reading wins");
        assert_eq!(s.requests_per_second, Some(11.0));
        assert_eq!(s.error_rate, Some(0.5), "an unknown answer erases nothing");
        assert_eq!(s.response_time_ms, None, "unknown stays unknown, never 0");
        let mut s = Sample::default();
        apply_prometheus(&mut s, &answered, true);
        assert_eq!(s.cpu_percent, Some(55.56));
    }

    #[test]
    fn assignments_override_the_host_and_round() {
        let spec = SampleSpec {
            no_host: false,
            metrics: vec![
                (Metric::CpuPercent, 12.0),
                (Metric::RequestsPerSecond, 140.0),
            ],
            instance: Some("web-1".into()),
            allow_partial: false,
            mapping: Default::default(),
        };
        let host = HostReading {
            cpu_percent: 55.555,
            memory_percent: 61.234,
            cpu: crate::sources::host::CpuMeasure {
                basis: crate::sources::host::CpuBasis::Interval,
                interval_s: 60.0,
                relative_to: crate::sources::host::RelativeTo::Host,
                why_window: None,
            },
            memory_relative_to: crate::sources::host::RelativeTo::Host,
            raw: Some(crate::sample::HostRaw::default()),
        };
        let s = build_sample(&spec, Some(host), Timestamp::UNIX_EPOCH);
        assert_eq!(s.cpu_percent, Some(12.0));
        assert_eq!(s.memory_percent, Some(61.23));
        assert_eq!(s.requests_per_second, Some(140.0));
        assert_eq!(s.error_rate, None);
        assert_eq!(s.instance.as_deref(), Some("web-1"));
        assert_eq!(s.host_raw, Some(crate::sample::HostRaw::default()));
    }

    #[test]
    fn nan_fleet_figures_become_unknown_not_zero() {
        let a = Aggregate {
            requests_per_second: Some(f64::NAN),
            error_rate: Some(f64::NAN),
            ..Aggregate::default()
        };
        let mut s = Sample::default();
        apply_aggregate(&mut s, &a, true);
        assert_eq!((s.requests_per_second, s.error_rate), (None, None));
    }

    fn one_refused_endpoint() -> Readings {
        Readings {
            host: None,
            endpoints: Some(vec![crate::sources::endpoint::TargetResult {
                target: "http://127.0.0.1:9/metrics".into(),
                result: Err("connection refused".into()),
                duration: std::time::Duration::from_millis(3),
            }]),
            prometheus: None,
        }
    }

    #[test]
    fn a_lone_failed_endpoint_is_the_error_and_not_also_a_warning() {
        let spec = SampleSpec {
            no_host: true,
            metrics: vec![],
            instance: None,
            allow_partial: false,
            mapping: Default::default(),
        };
        let mut warnings = Vec::new();
        let e = assemble(
            &spec,
            one_refused_endpoint(),
            &BTreeMap::new(),
            Timestamp::UNIX_EPOCH,
            &mut warnings,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "endpoint 'http://127.0.0.1:9/metrics': connection refused"
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn an_endpoint_that_answers_with_nothing_we_read_is_warned_about() {
        let spec = SampleSpec {
            no_host: false,
            metrics: vec![],
            instance: None,
            allow_partial: false,
            mapping: Default::default(),
        };
        let answered = |snapshot| Readings {
            host: None,
            endpoints: Some(vec![crate::sources::endpoint::TargetResult {
                target: "http://127.0.0.1:9/metrics".into(),
                result: Ok(snapshot),
                duration: std::time::Duration::from_millis(3),
            }]),
            prometheus: None,
        };
        let at = Timestamp::UNIX_EPOCH;
        let mut warnings = Vec::new();
        let mut empty = mapping::Snapshot::default();
        empty.counters.t_ms = 5;
        assemble(&spec, answered(empty), &BTreeMap::new(), at, &mut warnings).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("answered, but none of the series"),
            "{warnings:?}"
        );
        let mut some = mapping::Snapshot::default();
        some.gauges.active_connections = Some(3.0);
        warnings.clear();
        assemble(&spec, answered(some), &BTreeMap::new(), at, &mut warnings).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn every_endpoint_failing_fails_a_host_sample_unless_partial_is_allowed() {
        let mut spec = SampleSpec {
            no_host: false,
            metrics: vec![(Metric::CpuPercent, 40.0)],
            instance: None,
            allow_partial: false,
            mapping: Default::default(),
        };
        let mut warnings = Vec::new();
        let at = Timestamp::UNIX_EPOCH;
        let e = assemble(
            &spec,
            one_refused_endpoint(),
            &BTreeMap::new(),
            at,
            &mut warnings,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "endpoint 'http://127.0.0.1:9/metrics': connection refused (every endpoint failed; --allow-partial keeps the host's sample)"
        );
        spec.allow_partial = true;
        let c = assemble(
            &spec,
            one_refused_endpoint(),
            &BTreeMap::new(),
            at,
            &mut warnings,
        )
        .unwrap();
        assert_eq!(c.sample.cpu_percent, Some(40.0));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        // Why the endpoint's metrics are unknown, kept in the line; not-configured is not.
        assert_eq!(
            c.unknown[&Metric::RequestsPerSecond].to_string(),
            "target http://127.0.0.1:9/metrics down: connection refused"
        );
        assert!(!c.unknown.contains_key(&Metric::CpuPercent));
        assert!(matches!(
            c.unknown[&Metric::MemoryPercent],
            Reason::TargetDown { .. }
        ));
        assert_eq!(
            c.sample.extra["unknown"]["requests_per_second"],
            "target http://127.0.0.1:9/metrics down: connection refused"
        );
    }
}
