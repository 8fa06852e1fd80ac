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
        let mut collected = Collector::new(&cmd.sampling)?.gather(app).await?;
        collect::record_replicas(&mut collected.sample, cmd.decide.current_replicas);
        store::store_collected(app, &mut collected)?;
    }
    let loaded = app.history.load()?;
    app.warn_rejected(&loaded.rejected, None);
    decider.require_current(&loaded.samples)?;
    let (decision, fleet) = decider.decide_as(&loaded.samples, collect::now_ms(), cmd.fleet);
    let series = fleet.as_ref().map_or(&loaded.samples, |f| &f.series);
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
        text
    };
    output::emit(&text)?;
    Ok(if cmd.exit_code {
        Exit::for_action(decision.recommendation.action)
    } else {
        Exit::Success
    })
}
