//! `rizk-scale collect`: take one sample and append it to the history.

use anyhow::{Result, bail};
use jiff::{Timestamp, Unit};

use crate::cli::{CollectCmd, SamplingArgs};
use crate::exit::Exit;
use crate::history::store::Appended;
use crate::output::{self, json};
use crate::sample::Sample;
use crate::settings::App;
use crate::sources::host::{self, HostReading, HostSampler};

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

/// Take a fresh sample as `args` say (host unless `--no-host`).
pub fn take_sample(args: &SamplingArgs) -> Result<Sample> {
    if args.no_host && args.metrics.is_empty() {
        bail!("nothing to collect: --no-host was given and no --metric NAME=VALUE");
    }
    let host = if args.no_host {
        None
    } else {
        Some(HostSampler::new()?.read())
    };
    Ok(build_sample(args, host, now_ms()))
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

/// `collect`.
pub fn run(app: &App, cmd: &CollectCmd) -> Result<Exit> {
    let sample = take_sample(&cmd.sampling)?;
    let report = store(app, &sample)?;
    let (path, samples) = match &report.spooled {
        Some(s) => (s.path.display().to_string(), s.waiting),
        None => (app.history.location(), report.samples),
    };
    if cmd.json {
        let view = json::CollectView {
            schema_version: json::SCHEMA_VERSION,
            sample: &sample,
            history: json::HistoryView {
                path: &path,
                samples,
            },
        };
        output::emit(&json::pretty(&view))?;
    } else {
        output::emit(&format!(
            "Collected {} ({samples} samples in '{path}')\n",
            sample.to_line(),
        ))?;
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Metric;

    #[test]
    fn assignments_override_the_host_and_round() {
        let args = SamplingArgs {
            no_host: false,
            metrics: vec![
                (Metric::CpuPercent, 12.0),
                (Metric::RequestsPerSecond, 140.0),
            ],
            instance: Some("web-1".into()),
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
        };
        assert!(
            take_sample(&args)
                .unwrap_err()
                .to_string()
                .contains("nothing to collect")
        );
    }
}
