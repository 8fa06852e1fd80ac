//! `rizk-scale validate`: gather facts from the sources given, run the checklist, report.

use anyhow::{Result, anyhow};
use futures_util::FutureExt;

use crate::cli::ValidateCmd;
use crate::exit::Exit;
use crate::output;
use crate::settings::App;
use crate::sources::redis::{RedisTarget, gather_facts};
use crate::validate::attest::Attestation;
use crate::validate::{self, Inputs, ValidateOptions, report};

/// The `/metrics` URL of an endpoint given as a base URL or as its metrics URL.
pub fn metrics_url(endpoint: &str) -> String {
    let trimmed = endpoint.trim_end_matches('/');
    if trimmed.ends_with("/metrics") || endpoint.starts_with("file://") {
        endpoint.to_string()
    } else {
        format!("{trimmed}/metrics")
    }
}

/// Attestations from the config file's `[attest]` table, then `--attest` (which wins).
fn attestations(app: &App, cmd: &ValidateCmd) -> Result<Vec<Attestation>> {
    let mut list = Vec::new();
    if let Some(table) = app.config.as_ref().and_then(|c| c.file.attest.as_ref()) {
        for (id, value) in table {
            let date = match value.get_ref() {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let parsed = format!("{id}={date}")
                .parse()
                .map_err(|e: String| anyhow!("config [attest] {id}: {e}"))?;
            list.push(parsed);
        }
    }
    for raw in &cmd.attest {
        list.push(
            raw.parse()
                .map_err(|e: String| anyhow!("--attest '{raw}': {e}"))?,
        );
    }
    Ok(list)
}

/// `validate`.
pub async fn run(app: &App, cmd: &ValidateCmd) -> Result<Exit> {
    let opts = ValidateOptions {
        manifests: cmd.manifests.clone(),
        nginx_conf: cmd.nginx_conf.clone(),
        health_urls: cmd.health_url.clone(),
        metrics_urls: cmd.endpoint.iter().map(|e| metrics_url(e)).collect(),
        attestations: attestations(app, cmd)?,
        attest_max_age_days: cmd.attest_max_age,
        workloads: cmd.workload.clone(),
        only: cmd.only.clone(),
        skip: cmd.skip.clone(),
        strict: cmd.strict,
        timeout: cmd.timeout,
        ..ValidateOptions::default()
    };
    let loaded = app.history.load()?;
    app.warn_rejected(&loaded.rejected, None);
    let target = match (&cmd.redis, &cmd.redis_sentinel, &cmd.sentinel_master) {
        (Some(url), _, _) => Some(RedisTarget::from_url_list(url)),
        (None, Some(url), Some(master)) => Some(RedisTarget::Sentinel {
            sentinels: url.split(',').map(str::to_string).collect(),
            master: master.clone(),
        }),
        _ => None,
    };
    let timeout = cmd.timeout;
    let redis = target
        .map(|t| async move { validate::redis::checks(&gather_facts(&t, timeout).await) }.boxed());
    let inputs = Inputs {
        history: Some(loaded.samples),
        redis,
        prober: crate::sources::probe::prober(cmd.timeout),
    };
    let report = validate::run(&opts, inputs).await?;
    let text = if cmd.json {
        report::render_json(&report)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_urls() {
        assert_eq!(metrics_url("http://a:8080"), "http://a:8080/metrics");
        assert_eq!(metrics_url("http://a:8080/"), "http://a:8080/metrics");
        assert_eq!(metrics_url("http://a/metrics"), "http://a/metrics");
        assert_eq!(metrics_url("file:///x.prom"), "file:///x.prom");
    }
}
