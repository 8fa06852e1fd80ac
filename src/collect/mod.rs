//! The collection layer: sources → one [`Sample`], below every command that samples.
//!
//! A [`Collector`] owns the long-lived readers (the host sampler, the endpoint scraper with its
//! HTTP client, the Prometheus plan). [`Collector::read`] queries them all at once (the only
//! I/O), [`Collector::gather`] adds the history's previous raw counters and calls the pure
//! [`assemble::assemble`]. `collect`, `recommend --collect` and `monitor` all go through it;
//! [`store`] appends the result.

pub mod assemble;
pub mod store;
pub mod unknown;

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use serde::Serialize;

use crate::sample::{Metric, Sample};
use crate::settings::App;
use crate::settings::options::{EndpointOptions, SamplingOptions};
use crate::sources::endpoint::{self, ScrapeOptions, Scraper, Target, TargetResult};
use crate::sources::host::{self, HostReading, HostSampler};
use crate::sources::mapping::{self, Counters};
use crate::sources::prometheus::{self, MetricReading};

pub use assemble::now_ms;

/// A fresh sample, the status of every endpoint scraped for it, and the raw counters to keep.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// The sample (without the raw counters, which [`store::store_collected`] merges in under
    /// the lock).
    pub sample: Sample,
    /// One entry per `--endpoint`, in the order given.
    pub targets: Vec<TargetStatus>,
    /// Counters of this scrape per target (redacted URL), for the next sample's rates.
    pub raw: BTreeMap<String, Counters>,
    /// One reading per PromQL query sent (`--prometheus`).
    pub prometheus: Vec<MetricReading>,
    /// How the host's CPU and memory were measured (`None` with `--no-host`).
    pub host: Option<HostReading>,
    /// Why each metric the sample leaves unknown is unknown.
    pub unknown: BTreeMap<Metric, unknown::Reason>,
}

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

/// What goes into every sample besides the readings: whether the host is sampled, the
/// `--metric` assignments (which win) and who produces the sample.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleSpec {
    /// `--no-host`.
    pub no_host: bool,
    /// `--metric NAME=VALUE`, in the order given.
    pub metrics: Vec<(Metric, f64)>,
    /// `--instance`, else the host name.
    pub instance: Option<String>,
    /// `--allow-partial`: when every endpoint fails, keep the host's (and `--metric`'s) sample
    /// instead of failing. `monitor` always allows it (a tick is not a cron job's one answer).
    pub allow_partial: bool,
    /// The endpoints' metric mapping (what a missing series is named by).
    pub mapping: crate::sources::mapping::Mapping,
}

/// One round of raw readings, before they become a sample.
#[derive(Debug, Default)]
pub struct Readings {
    /// The host's CPU and memory, unless `--no-host`.
    pub host: Option<HostReading>,
    /// One result per `--endpoint`, in the order given; `None` without endpoints.
    pub endpoints: Option<Vec<TargetResult>>,
    /// `--prometheus`: the base URL and its answers.
    pub prometheus: Option<(String, PromAnswer)>,
}

/// The readers of one command run, kept across rounds (`monitor` reuses them every tick, so
/// CPU is measured over the interval and HTTP connections are kept alive).
pub struct Collector {
    spec: SampleSpec,
    host: Option<HostSampler>,
    endpoints: Option<(Scraper, Vec<Target>)>,
    prometheus: Option<(Scraper, PromPlan)>,
}

impl Collector {
    /// Check what `args` ask for and set up its readers (reads the bearer token file, checks
    /// the Prometheus URL). Fails early when nothing would be collected.
    pub fn new(args: &SamplingOptions) -> Result<Collector> {
        check_sampling(args)?;
        let endpoints = match scrape_plan(args)? {
            Some((targets, options)) => Some((Scraper::new(options)?, targets)),
            None => None,
        };
        let prometheus = match prometheus_plan(args)? {
            Some(plan) => Some((Scraper::new(plan.options.clone())?, plan)),
            None => None,
        };
        let host = if args.no_host {
            None
        } else {
            Some(HostSampler::new(args.host)?)
        };
        Ok(Collector {
            spec: SampleSpec {
                no_host: args.no_host,
                metrics: args.metrics.clone(),
                instance: args.instance.clone().or_else(host::hostname),
                allow_partial: args.allow_partial,
                mapping: args.endpoints.mapping.clone(),
            },
            host,
            endpoints,
            prometheus,
        })
    }

    /// Read every source at once: the host (its wait for the CPU counters runs on the
    /// blocking pool), the endpoints and Prometheus. Cancelling this writes nothing.
    pub async fn read(&mut self) -> Result<Readings> {
        let Collector {
            host,
            endpoints,
            prometheus,
            ..
        } = self;
        let host_read = async {
            let Some(mut sampler) = host.take() else {
                return Ok(None);
            };
            if !sampler.will_wait() {
                // A warm reading is a few small file reads: no blocking thread to start.
                let reading = sampler.read();
                *host = Some(sampler);
                return Ok(Some(reading));
            }
            let (sampler, reading) = tokio::task::spawn_blocking(move || {
                let reading = sampler.read();
                (sampler, reading)
            })
            .await
            .map_err(|e| anyhow!("host sampler: {e}"))?;
            *host = Some(sampler);
            Ok::<_, anyhow::Error>(Some(reading))
        };
        let scrape = async {
            match endpoints {
                Some((scraper, targets)) => Some(scraper.scrape_all(targets).await),
                None => None,
            }
        };
        let query = async {
            match prometheus {
                Some((scraper, plan)) => Some((
                    plan.base.clone(),
                    prometheus::query_all(scraper, &plan.base, &plan.queries).await,
                )),
                None => None,
            }
        };
        let (host, endpoints, prometheus) = tokio::join!(host_read, scrape, query);
        Ok(Readings {
            host: host?,
            endpoints,
            prometheus,
        })
    }

    /// For a one-shot: measure CPU from this instance's newest sample in the history that has
    /// host counters, when it is not older than `max_age`; else the first reading waits a
    /// window (and `-v` says why).
    pub fn measure_from_history(
        &mut self,
        app: &App,
        max_age: Option<std::time::Duration>,
    ) -> Result<()> {
        let Some(sampler) = self.host.as_mut() else {
            return Ok(());
        };
        let loaded = app.history.load()?;
        let now = jiff::Timestamp::now().as_millisecond();
        let instance = self.spec.instance.as_deref();
        match host::usage::previous(&loaded.samples, instance, now, max_age) {
            Ok(raw) => sampler.measure_from(raw, now),
            Err(why) => sampler.no_previous(why),
        }
        Ok(())
    }

    /// Turn a round of readings into the sample, against the history's newest raw counters;
    /// failed sources are warned about (the diagnostics path) and left out.
    pub fn finish(&self, app: &App, readings: Readings) -> Result<Collected> {
        if let Some(h) = &readings.host {
            say_host(h);
        }
        let previous = match &readings.endpoints {
            Some(results) => {
                for r in results {
                    crate::diag_info!(
                        "endpoint '{}': {} in {} ms",
                        r.target,
                        if r.result.is_ok() {
                            "scraped"
                        } else {
                            "failed"
                        },
                        r.duration.as_millis()
                    );
                }
                mapping::previous_raw(&app.history.load()?.samples)
            }
            None => BTreeMap::new(),
        };
        let mut warnings = Vec::new();
        let collected =
            assemble::assemble(&self.spec, readings, &previous, now_ms(), &mut warnings);
        warnings.iter().for_each(|w| app.warn(w));
        collected
    }

    /// One round: [`read`](Self::read) then [`finish`](Self::finish).
    pub async fn gather(&mut self, app: &App) -> Result<Collected> {
        let readings = self.read().await?;
        self.finish(app, readings)
    }

    /// Keep the host's sample when every endpoint fails (`monitor`: a failed tick would hide
    /// the host's figures and every target's state).
    pub fn allowing_partial(mut self) -> Collector {
        self.spec.allow_partial = true;
        self
    }

    /// The sample's producer (`--instance`, else the host name).
    pub fn instance(&self) -> Option<&str> {
        self.spec.instance.as_deref()
    }
}

/// `-v`: how the host's CPU was measured, and against what.
fn say_host(reading: &HostReading) {
    let c = &reading.cpu;
    crate::diag_info!(
        "host: CPU {}% over {} of {:.3} s{}, relative to {}; memory {}% relative to {}",
        reading.cpu_percent,
        match c.basis {
            host::CpuBasis::Interval => "the interval since the previous sample",
            host::CpuBasis::Window => "a window",
            host::CpuBasis::Sysinfo => "sysinfo's window",
        },
        c.interval_s,
        c.why_window
            .as_deref()
            .map(|w| format!(" ({w})"))
            .unwrap_or_default(),
        c.relative_to.name(),
        reading.memory_percent,
        reading.memory_relative_to.name()
    );
}

/// Record the replica count observed (`--current-replicas`) in the sample's `replicas` field:
/// `recommend` reads the newest as the current count, and its changes are the scale events the
/// HPA behavior policies count.
pub fn record_replicas(sample: &mut Sample, replicas: Option<u32>) {
    if let Some(n) = replicas {
        sample.extra.insert("replicas".into(), n.into());
    }
}

/// Fail early when nothing would be collected.
pub fn check_sampling(args: &SamplingOptions) -> Result<()> {
    if args.no_host
        && args.metrics.is_empty()
        && args.endpoints.urls.is_empty()
        && args.prometheus.is_none()
    {
        bail!(
            "nothing to collect: --no-host was given and no --endpoint URL, --prometheus URL or --metric NAME=VALUE"
        );
    }
    Ok(())
}

/// The `--prometheus` plan, `None` without it. The URL is checked here (scheme, syntax), so a
/// typo fails the command instead of leaving every metric unknown.
pub fn prometheus_plan(args: &SamplingOptions) -> Result<Option<PromPlan>> {
    let Some(base) = &args.prometheus else {
        return Ok(None);
    };
    prometheus::query_url(base, "up").map_err(|e| anyhow!("--prometheus: {e}"))?;
    let queries = prometheus::queries(&args.prometheus_queries);
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

/// The endpoints to scrape and how, `None` without `--endpoint` (reads the bearer token file).
fn scrape_plan(args: &SamplingOptions) -> Result<Option<(Vec<Target>, ScrapeOptions)>> {
    let targets = args
        .endpoints
        .urls
        .iter()
        .map(|raw| Target::parse(raw))
        .collect::<Result<Vec<_>>>()?;
    if targets.is_empty() {
        return Ok(None);
    }
    Ok(Some((targets, scrape_options(&args.endpoints)?)))
}

/// Resolve the endpoint flags into scrape options (reads the bearer token file).
fn scrape_options(args: &EndpointOptions) -> Result<ScrapeOptions> {
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
        strictness: args.strictness,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_host_and_no_metrics_is_an_error() {
        let args = SamplingOptions {
            no_host: true,
            metrics: vec![],
            instance: None,
            host: crate::sources::host::HostOptions::default(),
            allow_partial: false,
            endpoints: EndpointOptions {
                urls: vec![],
                headers: vec![],
                bearer_token_file: None,
                timeout: std::time::Duration::from_secs(5),
                concurrency: 64,
                max_body: 1 << 20,
                mapping: crate::sources::mapping::Mapping::default(),
                strictness: crate::sources::exposition::Strictness::default(),
            },
            prometheus: None,
            prometheus_queries: BTreeMap::new(),
        };
        assert!(
            check_sampling(&args)
                .unwrap_err()
                .to_string()
                .contains("nothing to collect")
        );
    }
}
