//! `rizk-scale collect`: take one sample and append it to the history.

use anyhow::Result;

use crate::collect::{self, Collector, store};
use crate::exit::Exit;
use crate::output::{self, json};
use crate::settings::App;
use crate::settings::options::CollectOptions;

/// `collect`.
pub async fn run(app: &App, cmd: &CollectOptions) -> Result<Exit> {
    let mut collector = Collector::new(&cmd.sampling)?;
    collector.measure_from_history(app, cmd.max_age)?;
    let mut collected = collector.gather(app).await?;
    collect::record_replicas(&mut collected.sample, cmd.current_replicas);
    let report = store::store_collected(app, &mut collected)?;
    let (path, samples) = match &report.spooled {
        Some(s) => (s.path.display().to_string(), s.waiting),
        None => (app.history.location(), report.samples),
    };
    let sample = &collected.sample;
    let unknown = collect::unknown::texts(&collected.unknown);
    if cmd.json {
        let view = json::CollectView {
            schema_version: json::SCHEMA_VERSION,
            sample,
            cpu_basis: collected.host.as_ref().map(|h| h.cpu.basis.name()),
            cpu_interval_s: collected
                .host
                .as_ref()
                .map(|h| (h.cpu.interval_s * 1000.0).round() / 1000.0),
            cpu_relative_to: collected.host.as_ref().map(|h| h.cpu.relative_to.name()),
            memory_relative_to: collected.host.as_ref().map(|h| h.memory_relative_to.name()),
            targets: &collected.targets,
            prometheus: &collected.prometheus,
            unknown: &unknown,
            history: json::HistoryView {
                path: &path,
                samples,
            },
        };
        output::emit(&json::pretty(&view)?)?;
    } else {
        let ok = collected.targets.iter().filter(|t| t.ok).count();
        let endpoints = (!collected.targets.is_empty()).then_some((ok, collected.targets.len()));
        let stored = output::table::Stored {
            path: &path,
            samples,
            spooled: report.spooled.is_some(),
        };
        let text =
            output::table::collected(sample, &unknown, stored, endpoints, app.color, app.width);
        output::emit(&text)?;
    }
    Ok(Exit::Success)
}
