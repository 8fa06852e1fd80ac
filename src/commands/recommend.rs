//! `rizk-scale recommend`: decide from the history and explain.

use anyhow::{Result, bail};

use crate::cli::{PolicyArg, RecommendCmd};
use crate::commands::collect;
use crate::exit::Exit;
use crate::output::{self, json, table};
use crate::policy::ReplicaBounds;
use crate::policy::{engine, fleet};
use crate::settings::App;
use crate::settings::policy::PolicyChoice;

/// `recommend`.
pub fn run(app: &App, cmd: &RecommendCmd) -> Result<Exit> {
    let choice = PolicyChoice {
        args: cmd.policy.clone(),
        bounds: ReplicaBounds {
            min: cmd.min_replicas,
            max: cmd.max_replicas,
        },
        base: app.policy.clone(),
    };
    let settings = choice.resolve((!cmd.max_age.is_zero()).then_some(cmd.max_age))?;
    if cmd.policy.policy == PolicyArg::Hpa && cmd.current_replicas.is_none() {
        bail!(
            "--policy 'hpa' needs --current-replicas N: the HPA's proposals are proportional to the replicas running"
        );
    }
    if cmd.collect {
        let mut collected = collect::take_sample(app, &cmd.sampling)?;
        collect::store_collected(app, &mut collected)?;
    }
    let loaded = app.history.load()?;
    app.warn_rejected(&loaded.rejected, None);
    // A typo'd --history must be obvious: a file that is not there is named, not "empty".
    let missing = app
        .history
        .as_file()
        .filter(|f| !f.path().exists())
        .map(|f| f.path().display().to_string());
    if let Some(path) = &missing {
        app.warn(&format!(
            "history '{path}' does not exist: no samples yet (check --history or RIZK_SCALE_HISTORY; `rizk-scale collect` creates it)"
        ));
    }
    let now = collect::now_ms();
    let max_age = (!cmd.max_age.is_zero()).then_some(cmd.max_age);
    let fleet = cmd
        .fleet
        .then(|| fleet::fleet_view(&loaded.samples, now, max_age, app.policy.min_samples.max(1)));
    let series = fleet.as_ref().map_or(&loaded.samples, |f| &f.series);
    let mut decision = engine::decide(series, &settings, cmd.current_replicas, now);
    if let Some(reason) = fleet.as_ref().and_then(fleet::no_live_instance) {
        decision.recommendation.reason = reason;
    }
    let text = if cmd.json {
        json::pretty(
            &json::RecommendView::of_decision(&decision)
                .with_fleet(fleet.as_ref().map(json::FleetJson::new)),
        )
    } else {
        let mut text =
            output::policy::decision_text(&decision, series.last(), app.color, app.width);
        if let Some(f) = &fleet {
            text.push_str(&table::fleet_summary(f, max_age));
        }
        match &missing {
            Some(path) => text.replacen(
                "History is empty.\n",
                &format!("History '{path}' does not exist.\n"),
                1,
            ),
            None => text,
        }
    };
    output::emit(&text)?;
    Ok(if cmd.exit_code {
        Exit::for_action(decision.recommendation.action)
    } else {
        Exit::Success
    })
}
