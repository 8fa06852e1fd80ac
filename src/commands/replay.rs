//! `rizk-scale replay`: run policies over the stored history or a Prometheus range, sample by
//! sample (an offline dry-run) with the load model where the observed replica count is known,
//! and print the timeline (short replays), the figures, the JSON, or an HTML report.

use anyhow::{Context, Result, anyhow, bail};

use crate::decide::Decider;
use crate::exit::Exit;
use crate::output::progress::Progress;
use crate::output::replay::{Run, compare_text, single_text};
use crate::output::whatif::{
    PolicyRun, Source, WhatIf, figures_table, figures_text, model_line, whatif_json,
};
use crate::output::{self, json, report_html};
use crate::policy::replay::summarize;
use crate::policy::whatif::{self, Detail, LoadModel};
use crate::sample::{Sample, replicas_of};
use crate::settings::App;
use crate::settings::options::ReplayOptions;
use crate::sources::endpoint::{ScrapeOptions, Scraper};
use crate::sources::prometheus_range::{self, Range, RangeQueries};

/// Above this many samples (or with more than two policies) the text shows the figures only.
const TIMELINE_MAX: usize = 500;

/// `replay`.
pub async fn run(app: &App, cmd: &ReplayOptions) -> Result<Exit> {
    let mut choices = vec![(cmd.choice.clone(), None)];
    choices.extend(
        cmd.compare
            .iter()
            .map(|(choice, spec)| (choice.clone(), Some(spec.clone()))),
    );
    let progress = Progress::stderr(app.quiet);
    let (history, source) = match &cmd.whatif.prometheus {
        Some(url) => fetch_range(app, cmd, url, &progress).await?,
        None => {
            let loaded = app.history.load()?;
            app.warn_rejected(&loaded.rejected, None);
            app.warn_flagged(&loaded.flagged);
            let source = Source {
                kind: "history",
                location: app.history.location(),
                from: None,
                to: None,
                step_seconds: None,
                queries: Vec::new(),
            };
            (loaded.samples, source)
        }
    };
    if let Some(path) = &cmd.whatif.save_history {
        std::fs::write(path, crate::history::to_lines(&history)?)
            .with_context(|| format!("--save-history '{}'", path.display()))?;
    }
    let observed_known = history.iter().filter(|s| replicas_of(s).is_some()).count();
    let start = cmd
        .current_replicas
        .or_else(|| history.iter().find_map(replicas_of));
    let model = (observed_known > 0 && !cmd.whatif.no_load_model)
        .then(|| LoadModel::new(&cmd.whatif.scale_metrics));
    // The timeline text and the JSON show every decision's reason; the figures do not.
    let detail = if cmd.json || (history.len() <= TIMELINE_MAX && choices.len() <= 2) {
        Detail::Full
    } else {
        Detail::Counts
    };
    let mut runs = Vec::new();
    for (i, (choice, spec)) in choices.iter().enumerate() {
        let label = choice.label();
        let decider = Decider::for_replay(choice, start, spec.as_deref())?;
        let what = format!("simulating {} ({label})", output::whatif::letter(i));
        let sim = decider.simulate(&history, model.as_ref(), detail, &mut |d, t| {
            progress.update(&what, d, t)
        });
        let summary = summarize(&sim.steps, start);
        let figures = whatif::figures(&history, &sim.track);
        // Figures-only output never shows the timeline: keep only what is drawn and counted.
        let steps = match detail {
            Detail::Full => sim.steps,
            Detail::Counts => Vec::new(),
        };
        runs.push(PolicyRun {
            run: Run {
                label,
                steps,
                summary,
            },
            spec: spec.clone(),
            track: sim.track,
            figures,
        });
    }
    progress.finish();
    let observed = (observed_known > 0).then(|| {
        let overload = runs.first().map(|r| r.track.overload).unwrap_or_default();
        let track = whatif::observed(&history, overload);
        let figures = whatif::figures(&history, &track);
        (track, figures)
    });
    let w = WhatIf {
        history: &history,
        source,
        model,
        observed_known,
        observed,
        runs,
    };
    if let Some(path) = &cmd.whatif.report {
        std::fs::write(path, report_html::render(&w))
            .with_context(|| format!("report '{}'", path.display()))?;
    }
    let text = if cmd.json {
        json::pretty(&whatif_json(&w).ok_or_else(|| anyhow!("no policy to replay"))?)?
    } else {
        short_or_long(&w, app)
    };
    output::emit(&text)?;
    Ok(Exit::Success)
}

/// The timeline text for short replays of one or two policies, followed by the figures; the
/// figures alone otherwise.
fn short_or_long(w: &WhatIf<'_>, app: &App) -> String {
    let (color, width) = (app.color, app.width);
    let timeline = match w.runs.as_slice() {
        _ if w.history.len() > TIMELINE_MAX => None,
        [a] => Some(single_text(&a.run, color, width)),
        [a, b] => Some(compare_text(&a.run, &b.run, color, width)),
        _ => None,
    };
    match timeline {
        Some(t) => format!(
            "{t}{}{}",
            output::fit(&format!("{}\n", model_line(w)), width),
            figures_table(w, color, width, false)
        ),
        None => figures_text(w, color, width),
    }
}

/// `--prometheus URL`: the history from range queries, with a progress line.
async fn fetch_range(
    app: &App,
    cmd: &ReplayOptions,
    url: &str,
    progress: &Progress,
) -> Result<(Vec<Sample>, Source)> {
    let a = &cmd.whatif;
    let now = jiff::Timestamp::now();
    let from = prometheus_range::parse_time(&a.from, now).map_err(|e| anyhow!("--from {e}"))?;
    let to = prometheus_range::parse_time(&a.to, now).map_err(|e| anyhow!("--to {e}"))?;
    let range = Range::new(from, to, a.step).map_err(|e| anyhow!("{e}"))?;
    prometheus_range::range_url(url, "up", &range).map_err(|e| anyhow!("--prometheus: {e}"))?;
    let queries = RangeQueries {
        metrics: crate::sources::prometheus::queries(&a.queries),
        replicas: a.replicas_query.clone().filter(|q| !q.trim().is_empty()),
    };
    if queries.metrics.is_empty() {
        bail!(
            "--prometheus '{}': every query is disabled",
            crate::redact::url(url)
        );
    }
    crate::diag_info!(
        "prometheus range: {} points from {from} to {to}, step {}s, {} queries",
        range.points(),
        a.step.as_secs_f64(),
        queries.named().len()
    );
    let options = ScrapeOptions {
        timeout: a.query_timeout,
        ..ScrapeOptions::default()
    };
    let scraper = Scraper::new(options)?;
    let fetched = prometheus_range::fetch(&scraper, url, &queries, &range, |d, t| {
        progress.update("fetching from Prometheus", d, t)
    })
    .await
    .map_err(|e| anyhow!("--prometheus '{}': {e}", crate::redact::url(url)))?;
    progress.finish();
    if fetched.readings.iter().all(|r| r.known == 0) {
        let why = fetched
            .readings
            .iter()
            .find_map(|r| r.error.clone())
            .unwrap_or_else(|| "every query answered no data in the range".to_string());
        bail!(
            "--prometheus '{}': no data from {from} to {to}: {why}",
            crate::redact::url(url)
        );
    }
    for r in &fetched.readings {
        if let Some(e) = &r.error {
            app.warn(&format!(
                "--prometheus query {} '{}': {e} (unknown where it failed)",
                r.name, r.query
            ));
        } else if r.known == 0 {
            app.warn(&format!(
                "--prometheus query {} '{}': no data in the range (unknown)",
                r.name, r.query
            ));
        }
    }
    let source = Source {
        kind: "prometheus",
        location: crate::redact::url(url).to_string(),
        from: Some(from),
        to: Some(to),
        step_seconds: Some(a.step.as_secs_f64()),
        queries: fetched.readings,
    };
    Ok((fetched.samples, source))
}
