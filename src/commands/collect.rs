//! `rizk-scale collect`: take one sample and append it to the history.

use anyhow::Result;

use crate::collect::{self, Collector, store};
use crate::exit::Exit;
use crate::output::{self, json};
use crate::settings::App;
use crate::settings::options::CollectOptions;
use crate::sources::mapping;

/// `collect`.
pub async fn run(app: &App, cmd: &CollectOptions) -> Result<Exit> {
    let mut collected = Collector::new(&cmd.sampling)?.gather(app).await?;
    collect::record_replicas(&mut collected.sample, cmd.current_replicas);
    let report = store::store_collected(app, &mut collected)?;
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
        output::emit(&json::pretty(&view)?)?;
    } else {
        // The raw counters are bookkeeping for the next rates: not shown to people.
        let mut shown = sample.clone();
        shown.extra.remove(mapping::RAW_FIELD);
        let mut text = format!(
            "Collected {} ({samples} samples in '{path}')
",
            shown.to_line()?
        );
        let ok = collected.targets.iter().filter(|t| t.ok).count();
        if !collected.targets.is_empty() {
            text.push_str(&format!(
                "Endpoints: {ok} of {} scraped
",
                collected.targets.len()
            ));
        }
        output::emit(&text)?;
    }
    Ok(Exit::Success)
}
