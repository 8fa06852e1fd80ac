//! `rizk-scale replay`: run a policy over the stored history, sample by sample (an offline
//! dry-run), and print the timeline, the chart, the flaps and the final replica count.

use anyhow::Result;

use crate::decide::Decider;
use crate::exit::Exit;
use crate::output::replay::{Run, compare_text, json_view, single_text};
use crate::output::{self, json};
use crate::policy::behavior::observed_replicas;
use crate::sample::Sample;
use crate::settings::App;
use crate::settings::options::ReplayOptions;
use crate::settings::policy::PolicyChoice;

/// `replay`.
pub fn run(app: &App, cmd: &ReplayOptions) -> Result<Exit> {
    let base = cmd.choice.clone();
    let other = cmd.compare.as_ref().map(|spec| (base.with(spec), spec));
    let loaded = app.history.load()?;
    app.warn_rejected(&loaded.rejected, None);
    let a = run_one(&base, &loaded.samples, cmd.current_replicas, None)?;
    let b = match &other {
        Some((choice, spec)) => Some(run_one(
            choice,
            &loaded.samples,
            cmd.current_replicas,
            Some(&spec.text),
        )?),
        None => None,
    };
    let text = match (&b, cmd.json) {
        (_, true) => json::pretty(&json_view(&a, b.as_ref()))?,
        (Some(b), false) => compare_text(&a, b, app.color, app.width),
        (None, false) => single_text(&a, app.color, app.width),
    };
    output::emit(&text)?;
    Ok(Exit::Success)
}

fn run_one(
    choice: &PolicyChoice,
    history: &[Sample],
    start: Option<u32>,
    compare: Option<&str>,
) -> Result<Run> {
    // Without --current-replicas, start from the oldest sample's recorded count.
    let start = start.or_else(|| history.iter().find_map(observed_replicas));
    let (steps, summary) = Decider::for_replay(choice, start, compare)?.replay(history);
    Ok(Run {
        label: choice.label(),
        steps,
        summary,
    })
}
