//! `rizk-scale recommend`: decide from the history and explain.

use anyhow::Result;

use crate::collect::{self, Collector, store};
use crate::decide::Decider;
use crate::exit::Exit;
use crate::output::{self, json, table};
use crate::settings::App;
use crate::settings::options::RecommendOptions;

/// `recommend`.
pub async fn run(app: &App, cmd: &RecommendOptions) -> Result<Exit> {
    let max_age = cmd.decide.max_age;
    let decider = Decider::live(&cmd.decide)?;
    if cmd.collect {
        let mut collector = Collector::new(&cmd.sampling)?;
        collector.measure_from_history(app, max_age)?;
        let mut collected = collector.gather(app).await?;
        collect::record_replicas(&mut collected.sample, cmd.decide.current_replicas);
        store::store_collected(app, &mut collected)?;
    }
    let loaded = app.history.load()?;
    app.warn_rejected(&loaded.rejected, None);
    app.warn_flagged(&loaded.flagged);
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
    decider.require_current(&loaded.samples)?;
    let now = collect::now_ms();
    let (mut decision, fleet) = decider.decide_as(&loaded.samples, now, cmd.fleet);
    let series = fleet.as_ref().map_or(&loaded.samples, |f| &f.series);
    let location = app.history.location();
    collect::unknown::for_decision(
        &mut decision.recommendation.conditions,
        series.last(),
        &collect::unknown::Decided {
            location: &location,
            flagged: if cmd.fleet { &[] } else { &loaded.flagged },
            max_age,
            now,
        },
    );
    let text = if cmd.json {
        json::pretty(
            &json::RecommendView::of_decision(&decision)
                .with_fleet(fleet.as_ref().map(json::FleetJson::new)),
        )?
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
