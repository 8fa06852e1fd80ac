//! `rizk-scale recommend`: decide from the history and explain.

use anyhow::{Result, bail};

use crate::cli::RecommendCmd;
use crate::commands::collect;
use crate::exit::Exit;
use crate::output::{self, json, table};
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
        let mut collected = collect::take_sample(app, &cmd.sampling)?;
        collect::store_collected(app, &mut collected)?;
    }
    let loaded = app.history.load()?;
    app.warn_rejected(&loaded.rejected, None);
    let policy = ThresholdPolicy {
        max_age: (!cmd.max_age.is_zero()).then_some(cmd.max_age),
        ..ThresholdPolicy::default()
    };
    let rec = threshold::recommend(&loaded.samples, &policy, collect::now_ms());
    let bounds = ReplicaBounds {
        min: cmd.min_replicas,
        max: cmd.max_replicas,
    };
    let replicas = cmd
        .current_replicas
        .map(|n| target_replicas(n, rec.replica_delta, bounds));
    let text = if cmd.json {
        json::pretty(&json::RecommendView::new(&rec, replicas))
    } else {
        table::recommendation(&rec, loaded.samples.last(), replicas, app.color, app.width)
    };
    output::emit(&text)?;
    Ok(if cmd.exit_code {
        Exit::for_action(rec.action)
    } else {
        Exit::Success
    })
}
