//! `rizk-scale recommend`: decide from the history and explain.

use anyhow::{Result, bail};

use crate::cli::{PolicyArg, RecommendCmd};
use crate::commands::collect;
use crate::exit::Exit;
use crate::output::{self, json};
use crate::policy::ReplicaBounds;
use crate::policy::engine;
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
    let decision = engine::decide(
        &loaded.samples,
        &settings,
        cmd.current_replicas,
        collect::now_ms(),
    );
    let text = if cmd.json {
        json::pretty(&json::RecommendView::of_decision(&decision))
    } else {
        output::policy::decision_text(&decision, loaded.samples.last(), app.color, app.width)
    };
    output::emit(&text)?;
    Ok(if cmd.exit_code {
        Exit::for_action(decision.recommendation.action)
    } else {
        Exit::Success
    })
}
