//! `rizk-scale validate`: gather facts from the sources given, run the checklist, report.

use anyhow::Result;
use futures_util::FutureExt;

use crate::exit::Exit;
use crate::output;
use crate::settings::App;
use crate::settings::options::ValidateRun;
use crate::sources::redis::gather_facts;
use crate::validate::{self, Inputs, report};

/// `validate`.
pub async fn run(app: &App, cmd: &ValidateRun) -> Result<Exit> {
    let opts = &cmd.options;
    let loaded = app.history.load()?;
    app.warn_rejected(&loaded.rejected, None);
    app.warn_flagged(&loaded.flagged);
    let target = cmd.redis.clone();
    let timeout = opts.timeout;
    let redis = target
        .map(|t| async move { validate::redis::checks(&gather_facts(&t, timeout).await) }.boxed());
    let inputs = Inputs {
        history: Some(loaded.samples),
        redis,
        prober: crate::sources::probe::prober(opts.timeout, cmd.strictness),
    };
    let report = validate::run(opts, inputs).await?;
    let text = if cmd.json {
        report::render_json(&report)?
    } else {
        report::render_table(&report, app.color, app.width.unwrap_or(100))
    };
    output::emit(&text)?;
    Ok(if report.exit_code() == 0 {
        Exit::Success
    } else {
        Exit::NotReady
    })
}
