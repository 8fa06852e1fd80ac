//! `rizk-scale recommend`: decide from the history and explain.

use anyhow::{Result, bail};

use crate::cli::RecommendCmd;
use crate::commands::collect;
use crate::exit::Exit;
use crate::output::{self, json, table};
use crate::policy::fleet;
use crate::policy::threshold::{self, ThresholdPolicy};
use crate::policy::{ReplicaBounds, target_replicas};
use crate::settings::App;

/// `recommend`.
pub fn run(app: &App, cmd: &RecommendCmd) -> Result<Exit> {
    if cmd.min_replicas > cmd.max_replicas {
        bail!(
            "--min-replicas '{}' is greater than --max-replicas '{}'",
            cmd.min_replicas,
            cmd.max_replicas
        );
    }
    if cmd.collect {
        let sample = collect::take_sample(&cmd.sampling)?;
        collect::store(app, &sample)?;
    }
    let loaded = app.history.load()?;
    app.warn_rejected(&loaded.rejected, None);
    let policy = ThresholdPolicy {
        max_age: (!cmd.max_age.is_zero()).then_some(cmd.max_age),
        ..app.policy.clone()
    };
    let now = collect::now_ms();
    let fleet = cmd.fleet.then(|| {
        fleet::fleet_view(
            &loaded.samples,
            now,
            policy.max_age,
            policy.min_samples.max(1),
        )
    });
    let series = fleet.as_ref().map_or(&loaded.samples, |f| &f.series);
    let mut rec = threshold::recommend(series, &policy, now);
    if let Some(f) = fleet
        .as_ref()
        .filter(|f| f.counted.is_empty() && !f.stale.is_empty())
    {
        rec.reason = format!(
            "No live instance: {} seen, none within the max age",
            f.stale.len()
        );
    }
    let bounds = ReplicaBounds {
        min: cmd.min_replicas,
        max: cmd.max_replicas,
    };
    let replicas = cmd
        .current_replicas
        .map(|n| target_replicas(n, rec.replica_delta, bounds));
    let text = if cmd.json {
        json::pretty(
            &json::RecommendView::new(&rec, replicas)
                .with_fleet(fleet.as_ref().map(json::FleetJson::new)),
        )
    } else {
        let mut text = table::recommendation(&rec, series.last(), replicas, app.color, app.width);
        if let Some(f) = &fleet {
            text.push_str(&table::fleet_summary(f, policy.max_age));
        }
        text
    };
    output::emit(&text)?;
    Ok(if cmd.exit_code {
        Exit::for_action(rec.action)
    } else {
        Exit::Success
    })
}
