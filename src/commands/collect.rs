//! `rizk-scale collect`: take one sample and append it to the history.

use std::collections::BTreeMap;

use anyhow::{Context, Result, anyhow, bail};
use jiff::{Timestamp, Unit};
use serde::Serialize;

use crate::cli::{CollectCmd, EndpointArgs, SamplingArgs};
use crate::exit::Exit;
use crate::history::store::Appended;
use crate::output::{self, json};
use crate::sample::{Metric, Sample};
use crate::settings::App;
use crate::sources::endpoint::{self, ScrapeOptions, Scraper, Target, TargetResult};
use crate::sources::host::{self, HostReading, HostSampler};
use crate::sources::mapping::{self, Aggregate, Counters};
use crate::sources::prometheus::{self, MetricReading};

/// Build a sample from a host reading and `--metric` assignments (assignments win).
pub fn build_sample(args: &SamplingArgs, host: Option<HostReading>, now: Timestamp) -> Sample {
    let mut sample = Sample {
        timestamp: Some(now),
        instance: args.instance.clone().or_else(host::hostname),
        ..Sample::default()
    };
    if let Some(h) = host {
        sample.cpu_percent = Some(round2(h.cpu_percent));
        sample.memory_percent = Some(round2(h.memory_percent));
    }
    for &(metric, value) in &args.metrics {
        sample.set(metric, Some(value));
    }
    sample
}

/// A fresh sample, the status of every endpoint scraped for it, and the raw counters to keep.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// The sample (without the raw counters, which [`store`] merges in under the lock).
    pub sample: Sample,
    /// One entry per `--endpoint`, in the order given.
    pub targets: Vec<TargetStatus>,
    /// Counters of this scrape per target (redacted URL), for the next sample's rates.
    pub raw: BTreeMap<String, Counters>,
    /// One reading per PromQL query sent (`--prometheus`).
    pub prometheus: Vec<MetricReading>,
}

/// What `--prometheus` queries, and how.
#[derive(Debug, Clone)]
pub struct PromPlan {
    /// The Prometheus base URL (as given; redact it before showing it).
    pub base: String,
    /// The query per metric: the defaults, the config file's, then the flags'.
    pub queries: BTreeMap<Metric, String>,
    /// Timeout and body cap (the endpoint flags'); no endpoint headers or token.
    pub options: ScrapeOptions,
}

/// The answers of a `--prometheus` round: the metrics filled, and each query's reading.
pub type PromAnswer = (Sample, Vec<MetricReading>);

/// How one endpoint's scrape went (`collect --json` lists these under `targets`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetStatus {
    /// The endpoint, userinfo redacted.
    pub url: String,
    /// Whether it was scraped and parsed.
    pub ok: bool,
    /// Why not (redacted), `null` when ok.
    pub error: Option<String>,
    /// How long the scrape took.
    pub duration_ms: u64,
    /// It answered, but with none of the series the mapping asks for (not in `--json`).
    #[serde(skip)]
    pub no_series: bool,
}

/// Fail early when nothing would be collected.
pub fn check_sampling(args: &SamplingArgs) -> Result<()> {
    if args.no_host
        && args.metrics.is_empty()
        && args.endpoints.endpoints.is_empty()
        && args.prometheus.url.is_none()
    {
        bail!(
            "nothing to collect: --no-host was given and no --endpoint URL, --prometheus URL or --metric NAME=VALUE"
        );
    }
    Ok(())
}

/// The `--prometheus` plan, `None` without it. The URL is checked here (scheme, syntax), so a
/// typo fails the command instead of leaving every metric unknown.
pub fn prometheus_plan(app: &App, args: &SamplingArgs) -> Result<Option<PromPlan>> {
    let Some(base) = &args.prometheus.url else {
        return Ok(None);
    };
    prometheus::query_url(base, "up").map_err(|e| anyhow!("--prometheus: {e}"))?;
    let mut overrides = crate::layers::prometheus_overrides(app.config.as_ref());
    for (metric, query) in &args.prometheus.queries {
        overrides.insert(*metric, query.clone());
    }
    let queries = prometheus::queries(&overrides);
    if queries.is_empty() {
        bail!(
            "--prometheus '{}': every query is disabled",
            crate::redact::url(base)
        );
    }
    Ok(Some(PromPlan {
        base: base.clone(),
        queries,
        options: ScrapeOptions {
            timeout: args.endpoints.timeout,
            max_body: args.endpoints.max_body,
            ..ScrapeOptions::default()
        },
    }))
}

/// Run a `--prometheus` round from synchronous code (a small runtime for the duration).
pub fn query_prometheus_blocking(plan: &PromPlan) -> Result<PromAnswer> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let scraper = Scraper::new(plan.options.clone())?;
        Ok(prometheus::query_all(&scraper, &plan.base, &plan.queries).await)
    })
}

/// The endpoints to scrape and how, `None` without `--endpoint` (reads the bearer token file).
pub fn scrape_plan(args: &SamplingArgs) -> Result<Option<(Vec<Target>, ScrapeOptions)>> {
    let targets = args
        .endpoints
        .endpoints
        .iter()
        .map(|raw| Target::parse(raw))
        .collect::<Result<Vec<_>>>()?;
    if targets.is_empty() {
        return Ok(None);
    }
    Ok(Some((targets, scrape_options(&args.endpoints)?)))
}

/// Take a fresh sample as `args` say: host (unless `--no-host`), endpoints, then `--metric`
/// assignments (which win). Failed endpoints are warned about and left out; when all fail and
/// the host is not sampled, nothing is collected (an error).
pub fn take_sample(app: &App, args: &SamplingArgs) -> Result<Collected> {
    check_sampling(args)?;
    let plan = scrape_plan(args)?;
    let prom_plan = prometheus_plan(app, args)?;
    // The host waits ~200 ms between CPU readings: measure it while the endpoints (and
    // Prometheus) are queried.
    let (host, scraped, prom) = std::thread::scope(|scope| {
        let host =
            (!args.no_host).then(|| scope.spawn(|| HostSampler::new().map(|mut h| h.read())));
        let prom = prom_plan
            .as_ref()
            .map(|p| scope.spawn(|| query_prometheus_blocking(p)));
        let scraped = match plan {
            Some((targets, options)) => endpoint::scrape_blocking(&targets, options).map(Some),
            None => Ok(None),
        };
        let host = host.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(anyhow!("host sampler panicked")))
        });
        let prom = prom.map(|p| {
            p.join()
                .unwrap_or_else(|_| Err(anyhow!("Prometheus query panicked")))
        });
        (host.transpose(), scraped, prom.transpose())
    });
    let prom = prom_plan
        .zip(prom?)
        .map(|(plan, answer)| (plan.base, answer));
    assemble(app, args, host?, scraped?, prom)
}

/// Build the sample from a host reading and scrape results (`monitor` scrapes with its own
/// long-lived sampler and client, then calls this as `collect` does).
pub fn assemble(
    app: &App,
    args: &SamplingArgs,
    host: Option<HostReading>,
    scraped: Option<Vec<TargetResult>>,
    prom: Option<(String, PromAnswer)>,
) -> Result<Collected> {
    let mut sample = build_sample(args, host, now_ms());
    let mut collected = Collected::default();
    let scraped_any = scraped.is_some();
    if let Some(results) = scraped {
        let previous = mapping::previous_raw(&app.history.load()?.samples);
        let mut readings = Vec::new();
        let mut failures = Vec::new();
        for r in results {
            let status = TargetStatus {
                url: r.target.clone(),
                ok: r.result.is_ok(),
                error: r.result.as_ref().err().cloned(),
                duration_ms: u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX),
                no_series: r.result.as_ref().is_ok_and(|s| s.has_no_series()),
            };
            crate::diag_info!(
                "endpoint '{}': {} in {} ms",
                status.url,
                status.error.as_deref().map_or("scraped", |_| "failed"),
                status.duration_ms
            );
            match r.result {
                Ok(snapshot) => {
                    readings.push(mapping::reading(previous.get(&r.target), &snapshot));
                    collected.raw.insert(r.target, snapshot.counters);
                }
                Err(e) => failures.push(format!("endpoint '{}': {e}", r.target)),
            }
            collected.targets.push(status);
        }
        let total = collected.targets.len();
        let ok = readings.len();
        // One failed target that fails the command is said once, by the error.
        if !(ok == 0 && args.no_host && total == 1) {
            failures.iter().for_each(|f| app.warn(f));
        }
        if ok == 0 && args.no_host {
            let first = &collected.targets[0];
            let cause = first.error.as_deref().unwrap_or("failed");
            if total == 1 {
                bail!("endpoint '{}': {cause}", first.url);
            }
            bail!(
                "all {total} endpoints failed, e.g. endpoint '{}': {cause}",
                first.url
            );
        }
        apply_aggregate(&mut sample, &mapping::aggregate(&readings), args.no_host);
        sample.extra.insert("targets_ok".into(), ok.into());
        sample.extra.insert("targets_total".into(), total.into());
    }
    if let Some((base, (answered, readings))) = prom {
        let shown = crate::redact::url(&base);
        let failed: Vec<&MetricReading> = readings.iter().filter(|r| r.error.is_some()).collect();
        if failed.len() == readings.len() && args.no_host && !scraped_any && args.metrics.is_empty()
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
            app.warn(&format!(
                "prometheus '{shown}': {} unknown: {}",
                r.metric,
                r.error.as_deref().unwrap_or("")
            ));
        }
        apply_prometheus(&mut sample, &answered, args.no_host);
        collected.prometheus = readings;
    }
    for &(metric, value) in &args.metrics {
        sample.set(metric, Some(value));
    }
    collected.sample = sample;
    Ok(collected)
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

/// Resolve the endpoint flags into scrape options (reads the bearer token file).
fn scrape_options(args: &EndpointArgs) -> Result<ScrapeOptions> {
    let bearer_token = match &args.bearer_token_file {
        Some(path) => Some(endpoint::read_token_file(path)?),
        None => None,
    };
    Ok(ScrapeOptions {
        timeout: args.timeout,
        concurrency: usize::try_from(args.concurrency).unwrap_or(endpoint::DEFAULT_CONCURRENCY),
        max_body: args.max_body,
        headers: args.headers.clone(),
        bearer_token,
        mapping: args.mapping.clone(),
    })
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

/// Append one sample and report what was written. When a Redis history cannot be written the
/// sample is spooled locally and a warning says where (the write itself succeeds).
pub fn store(app: &App, sample: &Sample) -> Result<Appended> {
    let report = app.history.append(std::slice::from_ref(sample))?;
    warn_over_capacity(app, report.over_capacity);
    let source = app.history.rejected_source().display().to_string();
    app.warn_rejected_in(&source, &report.rejected, report.rejected_path.as_deref());
    if let Some(s) = &report.spooled {
        app.warn(&format!(
            "history '{}' could not be written ({}): sample kept in spool '{}' ({} waiting), pushed on the next successful write",
            app.history.location(),
            s.cause,
            s.path.display(),
            s.waiting
        ));
    }
    if report.pushed_from_spool > 0 {
        app.warn(&format!(
            "pushed {} spooled samples to history '{}'",
            report.pushed_from_spool,
            app.history.location()
        ));
    }
    Ok(report)
}

/// Append a collected sample. Its raw counters are merged with the newest raw object already
/// stored (see `sources::mapping`), which older lines then drop: for the file store under its
/// lock, for a shared (Redis) history against the newest samples read just before the append.
/// `collected.sample` becomes the line written.
pub fn store_collected(app: &App, collected: &mut Collected) -> Result<Appended> {
    if collected.targets.is_empty() {
        return store(app, &collected.sample);
    }
    let fresh = std::mem::take(&mut collected.raw);
    let Some(file) = app.history.as_file() else {
        let mut recent = app.history.load().map(|l| l.samples).unwrap_or_default();
        let raw = mapping::carry_raw(&mut recent, fresh);
        collected
            .sample
            .extra
            .insert(mapping::RAW_FIELD.into(), raw);
        return store(app, &collected.sample);
    };
    let mut sample = collected.sample.clone();
    let mut written = None;
    let report = file.rewrite(|samples| {
        let raw = mapping::carry_raw(samples, fresh);
        sample.extra.insert(mapping::RAW_FIELD.into(), raw);
        written = Some(sample.clone());
        samples.push(sample);
    })?;
    app.warn_rejected(&report.rejected, report.rejected_path.as_deref());
    warn_over_capacity(app, report.over_capacity);
    if let Some(s) = written {
        collected.sample = s;
    }
    Ok(Appended {
        samples: report.samples,
        rejected: report.rejected,
        rejected_path: report.rejected_path,
        over_capacity: report.over_capacity,
        ..Appended::default()
    })
}

/// Say (once: the write trims it) that a history longer than its capacity lost its oldest
/// samples, with the counts (`--quiet` silences it).
fn warn_over_capacity(app: &App, found: Option<usize>) {
    if let Some(found) = found {
        let capacity = app.history.capacity();
        app.warn(&format!(
            "history '{}' held {found} samples, more than its capacity {capacity}: kept the newest {capacity}, dropped {} (raise --capacity or history.capacity to keep more)",
            app.history.location(),
            found + 1 - capacity
        ));
    }
}

/// `collect`.
pub fn run(app: &App, cmd: &CollectCmd) -> Result<Exit> {
    let mut collected = take_sample(app, &cmd.sampling)?;
    let report = store_collected(app, &mut collected)?;
    let (path, samples) = match &report.spooled {
        Some(s) => (s.path.display().to_string(), s.waiting),
        None => (app.history.location(), report.samples),
    };
    let sample = &collected.sample;
    if cmd.json {
        let view = json::CollectView {
            schema_version: json::SCHEMA_VERSION,
            sample,
            targets: &collected.targets,
            prometheus: &collected.prometheus,
            history: json::HistoryView {
                path: &path,
                samples,
            },
        };
        output::emit(&json::pretty(&view))?;
    } else {
        let ok = collected.targets.iter().filter(|t| t.ok).count();
        let endpoints = (!collected.targets.is_empty()).then_some((ok, collected.targets.len()));
        let stored = output::table::Stored {
            path: &path,
            samples,
            spooled: report.spooled.is_some(),
        };
        let text = output::table::collected(sample, stored, endpoints, app.color, app.width);
        output::emit(&text)?;
    }
    Ok(Exit::Success)
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
        let args = SamplingArgs {
            no_host: false,
            metrics: vec![
                (Metric::CpuPercent, 12.0),
                (Metric::RequestsPerSecond, 140.0),
            ],
            instance: Some("web-1".into()),
            endpoints: EndpointArgs::default(),
            prometheus: crate::cli::PrometheusArgs::default(),
        };
        let host = HostReading {
            cpu_percent: 55.555,
            memory_percent: 61.234,
            cgroup_limited: false,
        };
        let s = build_sample(&args, Some(host), Timestamp::UNIX_EPOCH);
        assert_eq!(s.cpu_percent, Some(12.0));
        assert_eq!(s.memory_percent, Some(61.23));
        assert_eq!(s.requests_per_second, Some(140.0));
        assert_eq!(s.error_rate, None);
        assert_eq!(s.instance.as_deref(), Some("web-1"));
    }

    #[test]
    fn no_host_and_no_metrics_is_an_error() {
        let args = SamplingArgs {
            no_host: true,
            metrics: vec![],
            instance: None,
            endpoints: EndpointArgs::default(),
            prometheus: crate::cli::PrometheusArgs::default(),
        };
        let app = App {
            history: crate::history::store::HistoryStore::File(
                crate::history::file::FileStore::new("/nonexistent/h.jsonl", 10),
            ),
            service: "default".into(),
            keys: crate::history::redis::ServiceKeys::new("rizk-scale", "default").unwrap(),
            color: false,
            quiet: true,
            width: None,
            config: None,
            policy: Default::default(),
        };
        assert!(
            take_sample(&app, &args)
                .unwrap_err()
                .to_string()
                .contains("nothing to collect")
        );
    }
}
