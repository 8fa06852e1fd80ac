//! Layered settings: flags > environment (`RIZK_SCALE_*`) > config file > defaults, with the
//! provenance of every effective value (for `config show`).
//!
//! clap resolves flags and environment variables and tells where each value came from
//! (`ArgMatches::value_source`); a value that came from clap's default is replaced by the config
//! file's, when the file sets it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Serialize;

use crate::cli::{Cli, Command, EndpointArgs, SamplingArgs, ValidateCmd};
use crate::config::LoadedConfig;
use crate::policy::threshold::{ThresholdPolicy, Tier};
use crate::sample::Metric;
use crate::sources::mapping::{Mapping, Selector};

/// Where an effective value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "from")]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// An environment variable (named).
    Env(String),
    /// The config file, at `path:line`.
    Config(String),
    /// The built-in default (the seed's value).
    Default,
    /// An HPA manifest (`--hpa FILE[:NAME]`).
    Hpa(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::Config(at) => write!(f, "config {at}"),
            Source::Default => f.write_str("default"),
            Source::Hpa(file) => write!(f, "hpa {file}"),
        }
    }
}

/// One effective setting as `config show` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effective {
    /// The config-file key, e.g. `replicas.min`.
    pub key: String,
    /// The value, as text.
    pub value: String,
    /// Where it came from.
    pub source: Source,
}

/// The source clap reports for `id`, when it is a flag or an environment variable.
fn explicit(m: &ArgMatches, id: &str, env: &str) -> Option<Source> {
    match m.value_source(id)? {
        ValueSource::CommandLine => Some(Source::Flag),
        ValueSource::EnvVariable => Some(Source::Env(env.to_string())),
        _ => None,
    }
}

/// Replace clap defaults in `cli` by config-file values.
pub fn apply(cli: &mut Cli, matches: &ArgMatches, cfg: &LoadedConfig) {
    let f = &cfg.file;
    if let Some(h) = &f.history {
        if explicit(matches, "history", "RIZK_SCALE_HISTORY").is_none()
            && let Some(p) = &h.path
        {
            cli.global.history = Some(p.get_ref().clone());
        }
        if explicit(matches, "capacity", "RIZK_SCALE_CAPACITY").is_none()
            && let Some(c) = &h.capacity
        {
            cli.global.capacity = usize::try_from(*c.get_ref()).unwrap_or(cli.global.capacity);
        }
    }
    let Some((_, sub)) = matches.subcommand() else {
        return;
    };
    match &mut cli.command {
        Command::Collect(cmd) => apply_endpoints(&mut cmd.sampling.endpoints, sub, cfg),
        Command::Recommend(cmd) => apply_endpoints(&mut cmd.sampling.endpoints, sub, cfg),
        Command::Monitor(cmd) => apply_endpoints(&mut cmd.sampling.endpoints, sub, cfg),
        Command::Validate(cmd) => apply_validate(cmd, sub, cfg),
        _ => {}
    }
    match &mut cli.command {
        Command::Collect(cmd) => apply_host(&mut cmd.sampling, sub, cfg),
        Command::Recommend(cmd) => apply_host(&mut cmd.sampling, sub, cfg),
        Command::Monitor(cmd) => apply_host(&mut cmd.sampling, sub, cfg),
        _ => {}
    }
    // collect measures CPU from a previous sample no older than policy.max_age.
    if let Command::Collect(cmd) = &mut cli.command
        && explicit(sub, "max_age", "RIZK_SCALE_MAX_AGE").is_none()
        && let Some(value) = config_max_age(cfg)
    {
        cmd.max_age = value;
    }
    let (min, max, max_age) = match &mut cli.command {
        Command::Recommend(cmd) => (
            &mut cmd.min_replicas,
            &mut cmd.max_replicas,
            Some(&mut cmd.max_age),
        ),
        Command::Replay(cmd) => (&mut cmd.min_replicas, &mut cmd.max_replicas, None),
        Command::Monitor(cmd) => (
            &mut cmd.min_replicas,
            &mut cmd.max_replicas,
            Some(&mut cmd.max_age),
        ),
        _ => return,
    };
    let r = f.replicas.as_ref();
    if explicit(sub, "min_replicas", "RIZK_SCALE_MIN_REPLICAS").is_none()
        && let Some(v) = r.and_then(|r| r.min.as_ref())
    {
        *min = u32::try_from(*v.get_ref()).unwrap_or(*min);
    }
    if explicit(sub, "max_replicas", "RIZK_SCALE_MAX_REPLICAS").is_none()
        && let Some(v) = r.and_then(|r| r.max.as_ref())
    {
        *max = u32::try_from(*v.get_ref()).unwrap_or(*max);
    }
    if let Some(age) = max_age
        && explicit(sub, "max_age", "RIZK_SCALE_MAX_AGE").is_none()
        && let Some(value) = config_max_age(cfg)
    {
        *age = value;
    }
}

/// Record in the policy flags where the replica bounds were set (flag, environment variable or
/// config file), so that an `--hpa` file only fills in what was left at its default and errors
/// name what set a value.
pub fn mark_bounds(cli: &mut Cli, matches: &ArgMatches, cfg: Option<&LoadedConfig>) {
    let Some((_, sub)) = matches.subcommand() else {
        return;
    };
    let policy = match &mut cli.command {
        Command::Recommend(cmd) => &mut cmd.policy,
        Command::Replay(cmd) => &mut cmd.policy,
        Command::Monitor(cmd) => &mut cmd.policy,
        _ => return,
    };
    let r = cfg.and_then(|c| c.file.replicas.as_ref());
    let from = |id: &str, flag: &str, env: &str, key: &str, set: bool| match explicit(sub, id, env)
    {
        Some(Source::Flag) => Some(flag.to_string()),
        Some(Source::Env(name)) => Some(name),
        _ => set.then(|| key.to_string()),
    };
    let (min, max) = (
        r.and_then(|r| r.min.as_ref()),
        r.and_then(|r| r.max.as_ref()),
    );
    policy.bounds_from.min = from(
        "min_replicas",
        "--min-replicas",
        "RIZK_SCALE_MIN_REPLICAS",
        "replicas.min",
        min.is_some(),
    );
    policy.bounds_from.max = from(
        "max_replicas",
        "--max-replicas",
        "RIZK_SCALE_MAX_REPLICAS",
        "replicas.max",
        max.is_some(),
    );
}

/// `[endpoints]` into the endpoint flags not given on the command line.
fn apply_endpoints(args: &mut EndpointArgs, m: &ArgMatches, cfg: &LoadedConfig) {
    args.mapping = mapping(Some(cfg));
    let Some(e) = &cfg.file.endpoints else { return };
    let unset = |id: &str| explicit(m, id, "").is_none();
    if unset("endpoints")
        && let Some(urls) = &e.urls
    {
        args.endpoints = urls.get_ref().clone();
    }
    if unset("headers")
        && let Some(h) = &e.headers
    {
        args.headers = h
            .get_ref()
            .iter()
            .filter_map(|x| crate::cli::parse_header(x).ok())
            .collect();
    }
    if unset("bearer_token_file")
        && let Some(p) = &e.bearer_token_file
    {
        args.bearer_token_file = Some(p.get_ref().clone());
    }
    if unset("timeout")
        && let Some(t) = e
            .timeout
            .as_ref()
            .and_then(|t| crate::cli::parse_timeout(t.get_ref()).ok())
    {
        args.timeout = t;
    }
    if unset("concurrency")
        && let Some(n) = e
            .concurrency
            .as_ref()
            .and_then(|n| u32::try_from(*n.get_ref()).ok())
    {
        args.concurrency = n;
    }
    if unset("max_body")
        && let Some(b) = e
            .max_body
            .as_ref()
            .and_then(|b| crate::cli::parse_size(b.get_ref()).ok())
    {
        args.max_body = b;
    }
}

/// `[host]` into the host flags not given on the command line (values were checked when the
/// file was loaded).
fn apply_host(args: &mut SamplingArgs, m: &ArgMatches, cfg: &LoadedConfig) {
    let Some(h) = &cfg.file.host else { return };
    let unset = |id: &str| explicit(m, id, "").is_none();
    let quantity = |v: &Option<toml::Spanned<toml::Value>>| {
        v.as_ref().and_then(crate::config::HostSection::quantity)
    };
    if unset("cpu_request")
        && let Some(v) =
            quantity(&h.cpu_request).and_then(|t| crate::cli::parse_cpu_request(&t).ok())
    {
        args.cpu_request = Some(v);
    }
    if unset("memory_request")
        && let Some(v) =
            quantity(&h.memory_request).and_then(|t| crate::cli::parse_memory_request(&t).ok())
    {
        args.memory_request = Some(v);
    }
    if unset("cpu_window")
        && let Some(w) = h
            .cpu_window
            .as_ref()
            .and_then(|w| crate::cli::parse_cpu_window(w.get_ref()).ok())
    {
        args.cpu_window = Some(w);
    }
}

/// `[validate]` into the validate flags not given on the command line.
fn apply_validate(cmd: &mut ValidateCmd, m: &ArgMatches, cfg: &LoadedConfig) {
    let Some(v) = &cfg.file.validate else { return };
    let unset = |id: &str| explicit(m, id, "").is_none();
    if unset("manifests")
        && let Some(x) = &v.manifests
    {
        cmd.manifests = x.get_ref().clone();
    }
    if unset("nginx_conf")
        && let Some(x) = &v.nginx_conf
    {
        cmd.nginx_conf = Some(x.get_ref().clone());
    }
    if unset("health_url")
        && let Some(x) = &v.health_urls
    {
        cmd.health_url = x.get_ref().clone();
    }
    // One Redis source: a flag for either kind wins over both config keys.
    if unset("redis") && unset("redis_sentinel") {
        if let Some(x) = &v.redis {
            cmd.redis = Some(x.get_ref().clone());
        } else if let (Some(s), Some(master)) = (&v.redis_sentinel, &v.sentinel_master) {
            cmd.redis_sentinel = Some(s.get_ref().clone());
            cmd.sentinel_master = Some(master.get_ref().clone());
        }
    }
    if unset("attest_max_age")
        && let Some(x) = &v.attest_max_age
    {
        cmd.attest_max_age = *x.get_ref();
    }
    if unset("timeout")
        && let Some(t) = v
            .timeout
            .as_ref()
            .and_then(|t| crate::cli::parse_duration(t.get_ref()).ok())
    {
        cmd.timeout = t;
    }
}

/// The endpoint mapping: defaults with the config file's `[endpoints.mapping]` selectors.
pub fn mapping(cfg: Option<&LoadedConfig>) -> Mapping {
    let mut m = Mapping::default();
    let Some(section) = cfg
        .and_then(|c| c.file.endpoints.as_ref())
        .and_then(|e| e.mapping.as_ref())
    else {
        return m;
    };
    let sel = |v: &Option<toml::Spanned<String>>| {
        v.as_ref().and_then(|s| Selector::parse(s.get_ref()).ok())
    };
    let pairs = [
        (&mut m.requests, &section.requests),
        (&mut m.duration, &section.duration),
        (&mut m.cache_hits, &section.cache_hits),
        (&mut m.cache_misses, &section.cache_misses),
        (&mut m.process_cpu, &section.process_cpu),
        (&mut m.node_cpu, &section.node_cpu),
        (&mut m.node_memory_available, &section.node_memory_available),
        (&mut m.node_memory_total, &section.node_memory_total),
    ];
    for (slot, value) in pairs {
        if let Some(s) = sel(value) {
            *slot = s;
        }
    }
    if let Some(list) = &section.connections {
        m.connections = list
            .get_ref()
            .iter()
            .filter_map(|s| Selector::parse(s).ok())
            .collect();
    }
    if let Some(labels) = &section.status_labels {
        m.status_labels = labels.get_ref().clone();
    }
    m
}

fn config_max_age(cfg: &LoadedConfig) -> Option<Duration> {
    let age = cfg.file.policy.as_ref()?.max_age.as_ref()?;
    crate::cli::parse_duration(age.get_ref()).ok()
}

/// The seed policy with the config file's thresholds, tiers and steps (max age is a flag).
pub fn threshold_policy(cfg: Option<&LoadedConfig>) -> ThresholdPolicy {
    let mut policy = ThresholdPolicy::default();
    let Some(cfg) = cfg else { return policy };
    if let Some(t) = &cfg.file.thresholds {
        for (set, target) in [
            (&t.scale_up, &mut policy.scale_up),
            (&t.scale_down, &mut policy.scale_down),
        ] {
            for (metric, v) in set.iter().flat_map(|s| s.entries()) {
                if let Some(slot) = target.iter_mut().find(|(m, _)| *m == metric) {
                    slot.1 = *v.get_ref();
                }
            }
        }
    }
    if let Some(p) = &cfg.file.policy {
        let as_usize = |v: &toml::Spanned<i64>| usize::try_from(*v.get_ref()).ok();
        if let Some(n) = p.min_up_conditions.as_ref().and_then(as_usize) {
            policy.min_up_conditions = n;
        }
        if let Some(n) = &p.base_up_delta {
            policy.base_up_delta = *n.get_ref();
        }
        if let Some(n) = &p.scale_down_step {
            policy.down_step = *n.get_ref();
        }
        if let Some(tiers) = &p.scale_up_tiers {
            policy.up_tiers = tiers
                .get_ref()
                .iter()
                .map(|t| Tier {
                    cpu_above: t.cpu_above,
                    delta: t.delta,
                })
                .collect();
        }
    }
    policy
}

/// The config file's `[prometheus.queries]` overrides (flags are applied over these by the
/// commands: `--prometheus-query` > file > the documented defaults).
pub fn prometheus_overrides(cfg: Option<&LoadedConfig>) -> BTreeMap<Metric, String> {
    cfg.and_then(|c| c.file.prometheus.as_ref())
        .map(|p| {
            p.overrides()
                .into_iter()
                .map(|(m, (q, _))| (m, q))
                .collect()
        })
        .unwrap_or_default()
}

/// `[prometheus.queries] replicas`: the observed replica count for `replay --prometheus`.
pub fn prometheus_replicas_query(cfg: Option<&LoadedConfig>) -> Option<String> {
    cfg.and_then(|c| c.file.prometheus.as_ref())
        .and_then(|p| p.queries.as_ref())
        .and_then(|q| q.get(crate::sample::REPLICAS))
        .map(|q| q.get_ref().clone())
}

/// Every effective setting with its source, for `config show`. Flags of other commands do not
/// apply here, so the layers are environment > config file > default.
pub fn effective(
    cfg: Option<&LoadedConfig>,
    history: PathBuf,
    history_source: Source,
) -> Vec<Effective> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut rows = vec![Effective {
        key: "history.path".into(),
        value: history.display().to_string(),
        source: history_source,
    }];
    let f = cfg.map(|c| &c.file);
    let at =
        |span: std::ops::Range<usize>| cfg.map_or(Source::Default, |c| Source::Config(c.at(&span)));
    let mut layered = |key: &str,
                       env_name: &str,
                       from_file: Option<(String, std::ops::Range<usize>)>,
                       default: String| {
        let (value, source) = match (env(env_name), from_file) {
            (Some(v), _) => (v, Source::Env(env_name.to_string())),
            (None, Some((v, span))) => (v, at(span)),
            (None, None) => (default, Source::Default),
        };
        rows.push(Effective {
            key: key.into(),
            value,
            source,
        });
    };
    let h = f.and_then(|f| f.history.as_ref());
    let r = f.and_then(|f| f.replicas.as_ref());
    let p = f.and_then(|f| f.policy.as_ref());
    let int = |v: &toml::Spanned<i64>| (v.get_ref().to_string(), v.span());
    layered(
        "history.capacity",
        "RIZK_SCALE_CAPACITY",
        h.and_then(|h| h.capacity.as_ref()).map(int),
        crate::history::DEFAULT_CAPACITY.to_string(),
    );
    layered(
        "replicas.min",
        "RIZK_SCALE_MIN_REPLICAS",
        r.and_then(|r| r.min.as_ref()).map(int),
        crate::cli::DEFAULT_MIN_REPLICAS.to_string(),
    );
    layered(
        "replicas.max",
        "RIZK_SCALE_MAX_REPLICAS",
        r.and_then(|r| r.max.as_ref()).map(int),
        crate::cli::DEFAULT_MAX_REPLICAS.to_string(),
    );
    let age = p
        .and_then(|p| p.max_age.as_ref())
        .map(|v| (v.get_ref().clone(), v.span()));
    layered(
        "policy.max_age",
        "RIZK_SCALE_MAX_AGE",
        age,
        crate::cli::DEFAULT_MAX_AGE.into(),
    );

    // Config-only keys: file > default.
    let defaults = ThresholdPolicy::default();
    let mut config_only =
        |key: String, file: Option<(String, std::ops::Range<usize>)>, default: String| {
            let (value, source) = match file {
                Some((v, span)) => (v, at(span)),
                None => (default, Source::Default),
            };
            rows.push(Effective { key, value, source });
        };
    config_only(
        "policy.min_up_conditions".into(),
        p.and_then(|p| p.min_up_conditions.as_ref()).map(int),
        defaults.min_up_conditions.to_string(),
    );
    config_only(
        "policy.base_up_delta".into(),
        p.and_then(|p| p.base_up_delta.as_ref()).map(int),
        defaults.base_up_delta.to_string(),
    );
    config_only(
        "policy.scale_down_step".into(),
        p.and_then(|p| p.scale_down_step.as_ref()).map(int),
        defaults.down_step.to_string(),
    );
    let tiers = |t: &[Tier]| {
        t.iter()
            .map(|t| format!("cpu > {} → +{}", t.cpu_above, t.delta))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let file_tiers = p.and_then(|p| p.scale_up_tiers.as_ref()).map(|t| {
        let list: Vec<Tier> = t
            .get_ref()
            .iter()
            .map(|x| Tier {
                cpu_above: x.cpu_above,
                delta: x.delta,
            })
            .collect();
        (tiers(&list), t.span())
    });
    config_only(
        "policy.scale_up_tiers".into(),
        file_tiers,
        tiers(&defaults.up_tiers),
    );
    let t = f.and_then(|f| f.thresholds.as_ref());
    for (dir, set, default) in [
        (
            "scale_up",
            t.and_then(|t| t.scale_up.as_ref()),
            &defaults.scale_up,
        ),
        (
            "scale_down",
            t.and_then(|t| t.scale_down.as_ref()),
            &defaults.scale_down,
        ),
    ] {
        for (metric, d) in default {
            let file = set
                .and_then(|s| s.entries().into_iter().find(|(m, _)| m == metric))
                .map(|(_, v)| (v.get_ref().to_string(), v.span()));
            config_only(format!("thresholds.{dir}.{metric}"), file, d.to_string());
        }
    }
    let e = f.and_then(|f| f.endpoints.as_ref());
    let text = |v: &toml::Spanned<String>| (v.get_ref().clone(), v.span());
    let list = |v: &toml::Spanned<Vec<String>>| {
        let shown: Vec<String> = v.get_ref().iter().map(|u| crate::redact::url(u)).collect();
        (shown.join(", "), v.span())
    };
    config_only(
        "endpoints.urls".into(),
        e.and_then(|e| e.urls.as_ref()).map(list),
        String::new(),
    );
    config_only(
        "endpoints.timeout".into(),
        e.and_then(|e| e.timeout.as_ref()).map(text),
        "5s".into(),
    );
    config_only(
        "endpoints.concurrency".into(),
        e.and_then(|e| e.concurrency.as_ref()).map(int),
        "64".into(),
    );
    config_only(
        "endpoints.max_body".into(),
        e.and_then(|e| e.max_body.as_ref()).map(text),
        "16MiB".into(),
    );
    let hs = f.and_then(|f| f.host.as_ref());
    let quantity = |v: &toml::Spanned<toml::Value>| {
        crate::config::HostSection::quantity(v).map(|t| (t, v.span()))
    };
    config_only(
        "host.cpu_request".into(),
        hs.and_then(|h| h.cpu_request.as_ref()).and_then(quantity),
        String::new(),
    );
    config_only(
        "host.memory_request".into(),
        hs.and_then(|h| h.memory_request.as_ref())
            .and_then(quantity),
        String::new(),
    );
    config_only(
        "host.cpu_window".into(),
        hs.and_then(|h| h.cpu_window.as_ref()).map(text),
        String::new(),
    );
    let m = e.and_then(|e| e.mapping.as_ref());
    let defaults = Mapping::default();
    for (key, default) in [
        ("requests", &defaults.requests.name),
        ("duration", &defaults.duration.name),
        ("cache_hits", &defaults.cache_hits.name),
        ("cache_misses", &defaults.cache_misses.name),
    ] {
        let set = m
            .and_then(|m| m.selectors().into_iter().find(|(k, _)| *k == key))
            .map(|(_, v)| text(v));
        config_only(format!("endpoints.mapping.{key}"), set, default.clone());
    }
    let v = f.and_then(|f| f.validate.as_ref());
    let paths = |p: &toml::Spanned<Vec<PathBuf>>| {
        let shown: Vec<String> = p
            .get_ref()
            .iter()
            .map(|x| x.display().to_string())
            .collect();
        (shown.join(", "), p.span())
    };
    config_only(
        "validate.manifests".into(),
        v.and_then(|v| v.manifests.as_ref()).map(paths),
        String::new(),
    );
    let redis = v
        .and_then(|v| v.redis.as_ref())
        .map(|r| (crate::redact::url(r.get_ref()), r.span()));
    config_only("validate.redis".into(), redis, String::new());
    let prom = f
        .and_then(|f| f.prometheus.as_ref())
        .map(|p| p.overrides())
        .unwrap_or_default();
    for metric in Metric::ALL {
        let default = crate::sources::prometheus::default_query(metric).unwrap_or("");
        config_only(
            format!("prometheus.queries.{metric}"),
            prom.get(&metric).cloned(),
            default.to_string(),
        );
    }
    if let Some(attest) = f.and_then(|f| f.attest.as_ref()) {
        for (id, v) in attest {
            let value = match v.get_ref() {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            config_only(
                format!("attest.{id}"),
                Some((value, v.span())),
                String::new(),
            );
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;
    use clap::{CommandFactory, FromArgMatches};

    fn cfg(text: &str) -> LoadedConfig {
        parse(std::path::Path::new("c.toml"), text.to_string()).unwrap()
    }

    fn parsed(args: &[&str], c: &LoadedConfig) -> Cli {
        let m = Cli::command().try_get_matches_from(args).unwrap();
        let mut cli = Cli::from_arg_matches(&m).unwrap();
        apply(&mut cli, &m, c);
        cli
    }

    fn bounds(cli: &Cli) -> (u32, u32) {
        match &cli.command {
            Command::Recommend(r) => (r.min_replicas, r.max_replicas),
            _ => unreachable!(),
        }
    }

    #[test]
    fn config_overrides_defaults_and_flags_override_config() {
        let c = cfg("[replicas]\nmin = 4\nmax = 20\n[history]\ncapacity = 7\n");
        let cli = parsed(&["rizk-scale", "recommend"], &c);
        assert_eq!(bounds(&cli), (4, 20));
        assert_eq!(cli.global.capacity, 7);
        let cli = parsed(
            &[
                "rizk-scale",
                "--capacity",
                "9",
                "recommend",
                "--max-replicas",
                "30",
            ],
            &c,
        );
        assert_eq!(bounds(&cli), (4, 30));
        assert_eq!(cli.global.capacity, 9);
    }

    #[test]
    fn thresholds_and_tiers_come_from_the_file() {
        let c = cfg(
            "[thresholds.scale_up]\ncpu_percent = 60\n[policy]\nscale_up_tiers = [{ cpu_above = 95, delta = 5 }]\nmin_up_conditions = 1\n",
        );
        let p = threshold_policy(Some(&c));
        assert_eq!(p.scale_up[0], (Metric::CpuPercent, 60.0));
        assert_eq!(p.scale_up[1], (Metric::MemoryPercent, 80.0));
        assert_eq!(
            p.up_tiers,
            vec![Tier {
                cpu_above: 95.0,
                delta: 5
            }]
        );
        assert_eq!(p.min_up_conditions, 1);
        assert_eq!(threshold_policy(None), ThresholdPolicy::default());
    }

    #[test]
    fn effective_rows_say_where_values_came_from() {
        let c = cfg("[replicas]\n\nmax = 20\n");
        let rows = effective(Some(&c), "/h".into(), Source::Flag);
        let max = rows.iter().find(|r| r.key == "replicas.max").unwrap();
        assert_eq!(
            (max.value.as_str(), &max.source),
            ("20", &Source::Config("c.toml:3".into()))
        );
        let min = rows.iter().find(|r| r.key == "replicas.min").unwrap();
        assert_eq!((min.value.as_str(), &min.source), ("3", &Source::Default));
        let up = rows
            .iter()
            .find(|r| r.key == "thresholds.scale_up.cpu_percent")
            .unwrap();
        assert_eq!(up.value, "70");
    }

    #[test]
    fn prometheus_queries_layer_the_file_over_the_defaults() {
        let c = cfg("[prometheus.queries]\n\nrequests_per_second = \"sum(rate(reqs[5m]))\"\n");
        assert_eq!(
            prometheus_overrides(Some(&c)),
            BTreeMap::from([(Metric::RequestsPerSecond, "sum(rate(reqs[5m]))".to_string())])
        );
        assert!(prometheus_overrides(None).is_empty());
        let rows = effective(Some(&c), "/h".into(), Source::Flag);
        let rps = rows
            .iter()
            .find(|r| r.key == "prometheus.queries.requests_per_second")
            .unwrap();
        assert_eq!(
            (rps.value.as_str(), &rps.source),
            ("sum(rate(reqs[5m]))", &Source::Config("c.toml:3".into()))
        );
        let cpu = rows
            .iter()
            .find(|r| r.key == "prometheus.queries.cpu_percent")
            .unwrap();
        assert!(
            cpu.value.contains("node_cpu_seconds_total"),
            "{}",
            cpu.value
        );
        assert_eq!(cpu.source, Source::Default);
        let conns = rows
            .iter()
            .find(|r| r.key == "prometheus.queries.active_connections")
            .unwrap();
        assert_eq!(
            (conns.value.as_str(), &conns.source),
            ("", &Source::Default)
        );
    }
}
