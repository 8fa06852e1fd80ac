//! The settings resolver, the second stage after clap (as ripgrep's `lowargs.rs` → `hiargs.rs`,
//! fd's `cli.rs` → `config.rs`): the config file, the environment and the flags, each over the
//! last, applied once into the plain options of [`super::options`].
//!
//! clap parses the flags and the `RIZK_SCALE_*` variables (and says which of them gave a value,
//! `ArgMatches::value_source`); the [`Resolver`] puts the config file between them and the
//! defaults, and records every setting it resolves as an [`Effective`] row. `config show`
//! lists those rows, so what it reports is what a command uses.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory};
use serde::Serialize;
use toml::Spanned;

use crate::cli::whatif::WhatIfArgs;
use crate::cli::{
    Cli, CollectCmd, GlobalArgs, MonitorCmd, RecommendCmd, ReplayCmd, SamplingArgs, ValidateCmd,
};
use crate::config::LoadedConfig;
use crate::policy::ReplicaBounds;
use crate::policy::threshold::{ThresholdPolicy, Tier};
use crate::sample::Metric;
use crate::settings::options::{
    CollectOptions, DecideOptions, EndpointOptions, GlobalOptions, MonitorOptions,
    RecommendOptions, ReplayOptions, SamplingOptions, ValidateRun, WhatIfOptions,
};
use crate::settings::policy::{BoundsFrom, PolicyChoice};
use crate::sources::exposition::Strictness;
use crate::sources::host::HostOptions;
use crate::sources::mapping::{Mapping, Selector};
use crate::sources::redis::RedisTarget;
use crate::validate::ValidateOptions;
use crate::validate::attest::Attestation;

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

/// Applies the config file under one command's flags and environment, recording each value's
/// source.
pub struct Resolver<'a> {
    /// clap's matches for the command whose settings are resolved (the top level for globals).
    matches: &'a ArgMatches,
    /// The subcommand those matches belong to (none: the top level), for the names of
    /// environment variables.
    subcommand: Option<&'a str>,
    config: Option<&'a LoadedConfig>,
    rows: Vec<Effective>,
}

impl<'a> Resolver<'a> {
    /// A resolver over the top-level matches (the global options).
    pub fn global(matches: &'a ArgMatches, config: Option<&'a LoadedConfig>) -> Resolver<'a> {
        Resolver {
            matches,
            subcommand: None,
            config,
            rows: Vec::new(),
        }
    }

    /// A resolver over the matches of the subcommand given on `top`'s command line.
    pub fn command(top: &'a ArgMatches, config: Option<&'a LoadedConfig>) -> Resolver<'a> {
        match top.subcommand() {
            Some((name, sub)) => Resolver {
                matches: sub,
                subcommand: Some(name),
                config,
                rows: Vec::new(),
            },
            None => Resolver::global(top, config),
        }
    }

    /// Every setting resolved so far, in order, with its source.
    pub fn into_rows(self) -> Vec<Effective> {
        self.rows
    }

    /// `options`, once the rows that made them are listed at `-vv`.
    pub fn logged<T>(&self, options: T) -> T {
        crate::log_rows(&self.rows);
        options
    }

    fn record(&mut self, key: &str, value: String, source: Source) {
        self.rows.push(Effective {
            key: key.to_string(),
            value,
            source,
        });
    }

    /// The name of the environment variable that feeds the argument `id` (clap's command is
    /// built only here, when a value came from the environment: it costs a collect's CPU).
    fn env_name(&self, id: &str) -> String {
        let root = Cli::command();
        let command = match self.subcommand {
            Some(name) => root.find_subcommand(name).cloned().unwrap_or(root),
            None => root,
        };
        command
            .get_arguments()
            .find(|a| a.get_id() == id)
            .and_then(|a| a.get_env())
            .map_or_else(|| id.to_uppercase(), |e| e.to_string_lossy().into_owned())
    }

    /// A config-file value converted, or an error naming the file, line and key.
    fn file_value<R, T>(
        &self,
        key: &str,
        file: Option<&Spanned<R>>,
        convert: impl FnOnce(&R) -> Result<T, String>,
    ) -> Result<Option<(T, Source)>> {
        let (Some(v), Some(cfg)) = (file, self.config) else {
            return Ok(None);
        };
        let value = convert(v.get_ref()).map_err(|e| cfg.error(&v.span(), key, &e))?;
        Ok(Some((value, Source::Config(cfg.at(&v.span())))))
    }

    /// A setting with a flag: the flag (or its environment variable), else the config file's
    /// `key`, else clap's default (`parsed` is clap's value in every case).
    pub fn layered<R, T>(
        &mut self,
        key: &str,
        id: &str,
        parsed: T,
        file: Option<&Spanned<R>>,
        convert: impl FnOnce(&R) -> Result<T, String>,
        show: impl Fn(&T) -> String,
    ) -> Result<T> {
        let (value, source) = match self.matches.value_source(id) {
            Some(ValueSource::CommandLine) => (parsed, Source::Flag),
            Some(ValueSource::EnvVariable) => (parsed, Source::Env(self.env_name(id))),
            _ => match self.file_value(key, file, convert)? {
                Some(found) => found,
                None => (parsed, Source::Default),
            },
        };
        self.record(key, show(&value), source);
        Ok(value)
    }

    /// A setting only the config file sets: its `key`, else `default`.
    pub fn file_only<R, T>(
        &mut self,
        key: &str,
        default: T,
        file: Option<&Spanned<R>>,
        convert: impl FnOnce(&R) -> Result<T, String>,
        show: impl Fn(&T) -> String,
    ) -> Result<T> {
        let (value, source) = match self.file_value(key, file, convert)? {
            Some(found) => found,
            None => (default, Source::Default),
        };
        self.record(key, show(&value), source);
        Ok(value)
    }

    /// An optional path (flag, else file, else none).
    fn optional_path(
        &mut self,
        key: &str,
        id: &str,
        parsed: &Option<PathBuf>,
        file: Option<&Spanned<PathBuf>>,
    ) -> Result<Option<PathBuf>> {
        self.layered(
            key,
            id,
            parsed.clone(),
            file,
            |p: &PathBuf| Ok(Some(p.clone())),
            |p| p.as_ref().map_or(String::new(), |p| show_path(p)),
        )
    }

    /// A list of URLs (shown redacted).
    fn urls(
        &mut self,
        key: &str,
        id: &str,
        parsed: &[String],
        file: Option<&Spanned<Vec<String>>>,
    ) -> Result<Vec<String>> {
        self.layered(
            key,
            id,
            parsed.to_vec(),
            file,
            |u: &Vec<String>| Ok(u.clone()),
            |u: &Vec<String>| {
                u.iter()
                    .map(|u| crate::redact::url(u))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        )
    }

    /// A duration, the file's text parsed as the flag's is.
    fn duration(
        &mut self,
        key: &str,
        id: &str,
        parsed: Duration,
        file: Option<&Spanned<String>>,
        parse: fn(&str) -> Result<Duration, String>,
    ) -> Result<Duration> {
        self.layered(
            key,
            id,
            parsed,
            file,
            |s: &String| parse(s),
            |d| humantime::format_duration(*d).to_string(),
        )
    }

    fn file(&self) -> Option<&'a crate::config::ConfigFile> {
        self.config.map(|c| &c.file)
    }

    /// The global options (history location and capacity layered with `[history]`).
    pub fn global_options(&mut self, g: &GlobalArgs) -> Result<GlobalOptions> {
        let h = self.file().and_then(|f| f.history.as_ref());
        let history = self.optional_path(
            "history.path",
            "history",
            &g.history,
            h.and_then(|h| h.path.as_ref()),
        )?;
        let history = match history {
            Some(p) if p.as_os_str().is_empty() => anyhow::bail!("history path '' is empty"),
            Some(p) => p,
            None => {
                let default = crate::settings::default_history_path(
                    std::env::var_os("XDG_STATE_HOME"),
                    std::env::var_os("HOME"),
                )?;
                if let Some(row) = self.rows.last_mut() {
                    row.value = show_path(&default);
                }
                default
            }
        };
        let capacity = self.layered(
            "history.capacity",
            "capacity",
            g.capacity,
            h.and_then(|h| h.capacity.as_ref()),
            |c: &i64| usize::try_from(*c).map_err(|e| e.to_string()),
            usize::to_string,
        )?;
        Ok(GlobalOptions {
            history,
            service: g.service.clone(),
            key_prefix: g.key_prefix.clone(),
            capacity,
            color: crate::output::color_enabled(g.color),
            quiet: g.quiet,
        })
    }

    /// The seed rules with the config file's thresholds, tiers and steps (config-only keys).
    pub fn threshold_policy(&mut self) -> Result<ThresholdPolicy> {
        let mut policy = ThresholdPolicy::default();
        let p = self.file().and_then(|f| f.policy.as_ref());
        let count = |n: &i64| usize::try_from(*n).map_err(|e| e.to_string());
        policy.min_up_conditions = self.file_only(
            "policy.min_up_conditions",
            policy.min_up_conditions,
            p.and_then(|p| p.min_up_conditions.as_ref()),
            count,
            usize::to_string,
        )?;
        policy.base_up_delta = self.file_only(
            "policy.base_up_delta",
            policy.base_up_delta,
            p.and_then(|p| p.base_up_delta.as_ref()),
            |n: &i64| Ok(*n),
            i64::to_string,
        )?;
        policy.down_step = self.file_only(
            "policy.scale_down_step",
            policy.down_step,
            p.and_then(|p| p.scale_down_step.as_ref()),
            |n: &i64| Ok(*n),
            i64::to_string,
        )?;
        policy.up_tiers = self.file_only(
            "policy.scale_up_tiers",
            policy.up_tiers.clone(),
            p.and_then(|p| p.scale_up_tiers.as_ref()),
            |t: &Vec<crate::config::TierEntry>| {
                Ok(t.iter()
                    .map(|t| Tier {
                        cpu_above: t.cpu_above,
                        delta: t.delta,
                    })
                    .collect())
            },
            |t: &Vec<Tier>| {
                t.iter()
                    .map(|t| format!("cpu > {} → +{}", t.cpu_above, t.delta))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        )?;
        let t = self.file().and_then(|f| f.thresholds.as_ref());
        for (dir, set) in [("scale_up", 0), ("scale_down", 1)] {
            let file_set = t.and_then(|t| match set {
                0 => t.scale_up.as_ref(),
                _ => t.scale_down.as_ref(),
            });
            let entries = file_set.map(|s| s.entries()).unwrap_or_default();
            let slots = match set {
                0 => &mut policy.scale_up,
                _ => &mut policy.scale_down,
            };
            for slot in slots.iter_mut() {
                let file = entries.iter().find(|(m, _)| *m == slot.0).map(|(_, v)| *v);
                slot.1 = self.file_only(
                    &format!("thresholds.{dir}.{}", slot.0),
                    slot.1,
                    file,
                    |v: &f64| Ok(*v),
                    f64::to_string,
                )?;
            }
        }
        Ok(policy)
    }

    /// `--min-replicas`, `--max-replicas` over `[replicas]`, and the policy flags.
    fn policy_choice(
        &mut self,
        args: &crate::cli::PolicyArgs,
        min: u32,
        max: u32,
    ) -> Result<PolicyChoice> {
        let r = self.file().and_then(|f| f.replicas.as_ref());
        let replicas = |n: &i64| u32::try_from(*n).map_err(|e| e.to_string());
        let min = self.layered(
            "replicas.min",
            "min_replicas",
            min,
            r.and_then(|r| r.min.as_ref()),
            replicas,
            u32::to_string,
        )?;
        let max = self.layered(
            "replicas.max",
            "max_replicas",
            max,
            r.and_then(|r| r.max.as_ref()),
            replicas,
            u32::to_string,
        )?;
        // What set each bound, named as an error would name it (an `--hpa` file fills the rest).
        let from = |rows: &[Effective], key: &str, flag: &str| {
            rows.iter()
                .rev()
                .find(|r| r.key == key)
                .and_then(|r| match &r.source {
                    Source::Flag => Some(flag.to_string()),
                    Source::Env(name) => Some(name.clone()),
                    Source::Config(_) => Some(key.to_string()),
                    Source::Default | Source::Hpa(_) => None,
                })
        };
        let bounds_from = BoundsFrom {
            min: from(&self.rows, "replicas.min", "--min-replicas"),
            max: from(&self.rows, "replicas.max", "--max-replicas"),
        };
        let base = self.threshold_policy()?;
        Ok(PolicyChoice::new(
            args,
            ReplicaBounds { min, max },
            bounds_from,
            &base,
        ))
    }

    /// `--max-age` over `policy.max_age`; 0 means never stale.
    fn max_age(&mut self, parsed: Duration) -> Result<Option<Duration>> {
        let p = self.file().and_then(|f| f.policy.as_ref());
        let age = self.duration(
            "policy.max_age",
            "max_age",
            parsed,
            p.and_then(|p| p.max_age.as_ref()),
            crate::cli::parse_duration,
        )?;
        Ok((!age.is_zero()).then_some(age))
    }

    /// The endpoint mapping: defaults with `[endpoints.mapping]`'s selectors.
    pub fn mapping(&mut self) -> Result<Mapping> {
        let mut m = Mapping::default();
        let section = self
            .file()
            .and_then(|f| f.endpoints.as_ref())
            .and_then(|e| e.mapping.as_ref());
        let selector = |s: &String| Selector::parse(s);
        let pick = |key: &str| {
            section.and_then(|s| {
                s.selectors()
                    .into_iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v)
            })
        };
        let slots = [
            ("requests", &mut m.requests),
            ("duration", &mut m.duration),
            ("cache_hits", &mut m.cache_hits),
            ("cache_misses", &mut m.cache_misses),
            ("process_cpu", &mut m.process_cpu),
            ("node_cpu", &mut m.node_cpu),
            ("node_memory_available", &mut m.node_memory_available),
            ("node_memory_total", &mut m.node_memory_total),
        ];
        for (key, slot) in slots {
            *slot = self.file_only(
                &format!("endpoints.mapping.{key}"),
                slot.clone(),
                pick(key),
                selector,
                |s: &Selector| s.name.clone(),
            )?;
        }
        m.connections = self.file_only(
            "endpoints.mapping.connections",
            m.connections.clone(),
            section.and_then(|s| s.connections.as_ref()),
            |list: &Vec<String>| list.iter().map(|s| Selector::parse(s)).collect(),
            |list: &Vec<Selector>| {
                list.iter()
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        )?;
        m.status_labels = self.file_only(
            "endpoints.mapping.status_labels",
            m.status_labels.clone(),
            section.and_then(|s| s.status_labels.as_ref()),
            |l: &Vec<String>| Ok(l.clone()),
            |l: &Vec<String>| l.join(", "),
        )?;
        Ok(m)
    }

    /// The endpoint flags over `[endpoints]`.
    fn endpoints(&mut self, args: &crate::cli::EndpointArgs) -> Result<EndpointOptions> {
        let e = self.file().and_then(|f| f.endpoints.as_ref());
        let urls = self.urls(
            "endpoints.urls",
            "endpoints",
            &args.endpoints,
            e.and_then(|e| e.urls.as_ref()),
        )?;
        let headers = self.layered(
            "endpoints.headers",
            "headers",
            args.headers.clone(),
            e.and_then(|e| e.headers.as_ref()),
            |h: &Vec<String>| h.iter().map(|h| crate::cli::parse_header(h)).collect(),
            // Header values may be secrets: show the names only.
            |h: &Vec<(String, String)>| {
                h.iter()
                    .map(|(n, _)| format!("{n}: ***"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        )?;
        let bearer_token_file = self.optional_path(
            "endpoints.bearer_token_file",
            "bearer_token_file",
            &args.bearer_token_file,
            e.and_then(|e| e.bearer_token_file.as_ref()),
        )?;
        let timeout = self.duration(
            "endpoints.timeout",
            "timeout",
            args.timeout,
            e.and_then(|e| e.timeout.as_ref()),
            crate::cli::parse_timeout,
        )?;
        let concurrency = self.layered(
            "endpoints.concurrency",
            "concurrency",
            args.concurrency,
            e.and_then(|e| e.concurrency.as_ref()),
            |n: &i64| u32::try_from(*n).map_err(|e| e.to_string()),
            u32::to_string,
        )?;
        let max_body = self.layered(
            "endpoints.max_body",
            "max_body",
            args.max_body,
            e.and_then(|e| e.max_body.as_ref()),
            |s: &String| crate::cli::parse_size(s),
            |b| show_size(*b),
        )?;
        Ok(EndpointOptions {
            urls,
            headers,
            bearer_token_file,
            timeout,
            concurrency,
            max_body,
            mapping: self.mapping()?,
            strictness: strictness(args.strict_exposition),
        })
    }

    /// `--cpu-request`, `--memory-request`, `--cpu-window` over `[host]` (no environment
    /// variables). The requests are shown as written.
    fn host(&mut self, args: &SamplingArgs) -> Result<HostOptions> {
        let h = self.file().and_then(|f| f.host.as_ref());
        let cpu_request = self.layered(
            "host.cpu_request",
            "cpu_request",
            args.cpu_request.map(|c| (c.to_string(), c)),
            h.and_then(|h| h.cpu_request.as_ref()),
            |v: &toml::Value| {
                let text =
                    crate::config::HostSection::quantity(v).ok_or(crate::config::NOT_A_QUANTITY)?;
                let cpus = crate::cli::parse_cpu_request(&text)?;
                Ok(Some((text, cpus)))
            },
            shown_as_written,
        )?;
        let memory_request = self.layered(
            "host.memory_request",
            "memory_request",
            args.memory_request.map(|b| (b.to_string(), b)),
            h.and_then(|h| h.memory_request.as_ref()),
            |v: &toml::Value| {
                let text =
                    crate::config::HostSection::quantity(v).ok_or(crate::config::NOT_A_QUANTITY)?;
                let bytes = crate::cli::parse_memory_request(&text)?;
                Ok(Some((text, bytes)))
            },
            shown_as_written,
        )?;
        let cpu_window = self.layered(
            "host.cpu_window",
            "cpu_window",
            args.cpu_window,
            h.and_then(|h| h.cpu_window.as_ref()),
            |w: &String| crate::cli::parse_cpu_window(w).map(Some),
            |w| w.map_or(String::new(), |w| humantime::format_duration(w).to_string()),
        )?;
        Ok(HostOptions {
            cpu_window,
            cpu_request: cpu_request.map(|(_, c)| c),
            memory_request: memory_request.map(|(_, b)| b),
        })
    }

    /// The query per metric: `[prometheus.queries]`, then `--prometheus-query`. Every metric
    /// gets a row (the documented default when neither sets it).
    pub fn prometheus_queries(&mut self, flags: &[(Metric, String)]) -> BTreeMap<Metric, String> {
        let file = self
            .file()
            .and_then(|f| f.prometheus.as_ref())
            .map(|p| p.overrides())
            .unwrap_or_default();
        let mut overrides = BTreeMap::new();
        for metric in Metric::ALL {
            let key = format!("prometheus.queries.{metric}");
            let flag = flags.iter().rev().find(|(m, _)| *m == metric);
            let (value, source) = match (flag, file.get(&metric), self.config) {
                (Some((_, q)), _, _) => (Some(q.clone()), Source::Flag),
                (None, Some((q, span)), Some(cfg)) => {
                    (Some(q.clone()), Source::Config(cfg.at(span)))
                }
                _ => (None, Source::Default),
            };
            let shown = value.clone().unwrap_or_else(|| {
                crate::sources::prometheus::default_query(metric)
                    .unwrap_or("")
                    .to_string()
            });
            self.record(&key, shown, source);
            if let Some(q) = value {
                overrides.insert(metric, q);
            }
        }
        overrides
    }

    /// What goes into a fresh sample.
    pub fn sampling(&mut self, args: &SamplingArgs) -> Result<SamplingOptions> {
        Ok(SamplingOptions {
            no_host: args.no_host,
            host: self.host(args)?,
            allow_partial: args.endpoints.allow_partial,
            metrics: args.metrics.clone(),
            instance: args.instance.clone(),
            endpoints: self.endpoints(&args.endpoints)?,
            prometheus: args.prometheus.url.clone(),
            prometheus_queries: self.prometheus_queries(&args.prometheus.queries),
        })
    }

    /// `collect`.
    pub fn collect(&mut self, cmd: &CollectCmd) -> Result<CollectOptions> {
        Ok(CollectOptions {
            sampling: self.sampling(&cmd.sampling)?,
            json: cmd.json,
            current_replicas: cmd.current_replicas,
            max_age: self.max_age(cmd.max_age)?,
        })
    }

    /// `recommend`.
    pub fn recommend(&mut self, cmd: &RecommendCmd) -> Result<RecommendOptions> {
        let choice = self.policy_choice(&cmd.policy, cmd.min_replicas, cmd.max_replicas)?;
        let max_age = self.max_age(cmd.max_age)?;
        Ok(RecommendOptions {
            decide: DecideOptions {
                choice,
                current_replicas: cmd.current_replicas,
                max_age,
            },
            collect: cmd.collect,
            sampling: self.sampling(&cmd.sampling)?,
            json: cmd.json,
            exit_code: cmd.exit_code,
            fleet: cmd.fleet,
        })
    }

    /// `monitor`.
    pub fn monitor(&mut self, cmd: &MonitorCmd) -> Result<MonitorOptions> {
        let choice = self.policy_choice(&cmd.policy, cmd.min_replicas, cmd.max_replicas)?;
        let max_age = self.max_age(cmd.max_age)?;
        Ok(MonitorOptions {
            decide: DecideOptions {
                choice,
                current_replicas: cmd.current_replicas,
                max_age,
            },
            sampling: self.sampling(&cmd.sampling)?,
            interval: cmd.interval,
            count: cmd.count,
            json: cmd.json,
            serve: cmd.serve,
            exec_on_change: cmd.hook_program(),
            coordinate: cmd.coordinate,
            coordination_interval: cmd.coordination_interval,
        })
    }

    /// `replay`.
    pub fn replay(&mut self, cmd: &ReplayCmd) -> Result<ReplayOptions> {
        let choice = self.policy_choice(&cmd.policy, cmd.min_replicas, cmd.max_replicas)?;
        let compare = cmd
            .compare
            .iter()
            .map(|spec| (choice.with(spec), spec.text.clone()))
            .collect();
        Ok(ReplayOptions {
            choice,
            current_replicas: cmd.current_replicas,
            compare,
            whatif: self.whatif(&cmd.whatif)?,
            json: cmd.json,
        })
    }

    /// `replay`'s what-if flags; the range queries are `[prometheus.queries]` (with its
    /// `replicas` key) under `--prometheus-query`.
    fn whatif(&mut self, a: &WhatIfArgs) -> Result<WhatIfOptions> {
        let mut metric_flags = Vec::new();
        let mut replicas_flag = None;
        for (name, query) in &a.queries {
            match name.parse::<Metric>() {
                Ok(metric) => metric_flags.push((metric, query.clone())),
                Err(_) if name == crate::sample::REPLICAS => replicas_flag = Some(query.clone()),
                Err(e) => anyhow::bail!("--prometheus-query '{name}': {e}"),
            }
        }
        let queries = self.prometheus_queries(&metric_flags);
        let file = self
            .file()
            .and_then(|f| f.prometheus.as_ref())
            .and_then(|p| p.queries.as_ref())
            .and_then(|q| q.get(crate::sample::REPLICAS));
        let key = format!("prometheus.queries.{}", crate::sample::REPLICAS);
        let (replicas_query, source) = match (replicas_flag, file, self.config) {
            (Some(q), _, _) => (Some(q), Source::Flag),
            (None, Some(q), Some(cfg)) => {
                (Some(q.get_ref().clone()), Source::Config(cfg.at(&q.span())))
            }
            _ => (None, Source::Default),
        };
        self.record(&key, replicas_query.clone().unwrap_or_default(), source);
        Ok(WhatIfOptions {
            prometheus: a.prometheus.clone(),
            queries,
            replicas_query,
            from: a.from.clone(),
            to: a.to.clone(),
            step: a.step,
            query_timeout: a.query_timeout,
            scale_metrics: a.scale_metrics.clone(),
            no_load_model: a.no_load_model,
            save_history: a.save_history.clone(),
            report: a.report.clone(),
        })
    }

    /// `validate`: the flags over `[validate]` and `[attest]`.
    pub fn validate(&mut self, cmd: &ValidateCmd) -> Result<ValidateRun> {
        let v = self.file().and_then(|f| f.validate.as_ref());
        let manifests = self.layered(
            "validate.manifests",
            "manifests",
            cmd.manifests.clone(),
            v.and_then(|v| v.manifests.as_ref()),
            |m: &Vec<PathBuf>| Ok(m.clone()),
            |m: &Vec<PathBuf>| {
                m.iter()
                    .map(|p| show_path(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        )?;
        let nginx_conf = self.optional_path(
            "validate.nginx_conf",
            "nginx_conf",
            &cmd.nginx_conf,
            v.and_then(|v| v.nginx_conf.as_ref()),
        )?;
        let health_urls = self.urls(
            "validate.health_urls",
            "health_url",
            &cmd.health_url,
            v.and_then(|v| v.health_urls.as_ref()),
        )?;
        let redis = self.redis_target(cmd)?;
        let attest_max_age_days = self.layered(
            "validate.attest_max_age",
            "attest_max_age",
            cmd.attest_max_age,
            v.and_then(|v| v.attest_max_age.as_ref()),
            |n: &i64| Ok(*n),
            i64::to_string,
        )?;
        let timeout = self.duration(
            "validate.timeout",
            "timeout",
            cmd.timeout,
            v.and_then(|v| v.timeout.as_ref()),
            crate::cli::parse_duration,
        )?;
        let options = ValidateOptions {
            manifests,
            nginx_conf,
            health_urls,
            metrics_urls: cmd
                .endpoint
                .iter()
                .map(|e| crate::sources::endpoint::metrics_url(e))
                .collect(),
            attestations: self.attestations(&cmd.attest)?,
            attest_max_age_days,
            workloads: cmd.workload.clone(),
            only: cmd.only.clone(),
            skip: cmd.skip.clone(),
            strict: cmd.strict,
            timeout,
            ..ValidateOptions::default()
        };
        Ok(ValidateRun {
            options,
            redis,
            strictness: strictness(cmd.strict_exposition),
            json: cmd.json,
        })
    }

    /// One Redis source: `--redis`/`RIZK_SCALE_REDIS` or `--redis-sentinel` win over both
    /// config keys; in the file `validate.redis` wins over a Sentinel.
    fn redis_target(&mut self, cmd: &ValidateCmd) -> Result<Option<RedisTarget>> {
        let v = self.file().and_then(|f| f.validate.as_ref());
        let sentinel_flag =
            self.matches.value_source("redis_sentinel") == Some(ValueSource::CommandLine);
        let redis = if sentinel_flag {
            None
        } else {
            self.layered(
                "validate.redis",
                "redis",
                cmd.redis.clone(),
                v.and_then(|v| v.redis.as_ref()),
                |u: &String| Ok(Some(u.clone())),
                |u| u.as_deref().map_or(String::new(), crate::redact::url_list),
            )?
        };
        if let Some(url) = redis {
            return Ok(Some(RedisTarget::from_url_list(&url)));
        }
        let sentinel = match (&cmd.redis_sentinel, &cmd.sentinel_master) {
            (Some(s), Some(m)) => Some((s.clone(), m.clone(), Source::Flag)),
            _ => match (
                v.and_then(|v| v.redis_sentinel.as_ref()),
                v.and_then(|v| v.sentinel_master.as_ref()),
                self.config,
            ) {
                (Some(s), Some(m), Some(cfg)) => Some((
                    s.get_ref().clone(),
                    m.get_ref().clone(),
                    Source::Config(cfg.at(&s.span())),
                )),
                _ => None,
            },
        };
        Ok(sentinel.map(|(urls, master, source)| {
            self.record(
                "validate.redis_sentinel",
                crate::redact::url_list(&urls),
                source,
            );
            RedisTarget::Sentinel {
                sentinels: urls.split(',').map(str::to_string).collect(),
                master,
            }
        }))
    }

    /// Attestations from `[attest]`, then `--attest` (which wins).
    fn attestations(&mut self, flags: &[String]) -> Result<Vec<Attestation>> {
        let mut list = Vec::new();
        let file = self.file().and_then(|f| f.attest.as_ref());
        for (id, value) in file.into_iter().flatten() {
            let date = match value.get_ref() {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let parsed: Attestation = format!("{id}={date}")
                .parse()
                .map_err(|e: String| anyhow!("config [attest] {id}: {e}"))?;
            let at = self
                .config
                .map_or(Source::Default, |c| Source::Config(c.at(&value.span())));
            self.record(&format!("attest.{id}"), date, at);
            list.push(parsed);
        }
        for raw in flags {
            list.push(
                raw.parse()
                    .map_err(|e: String| anyhow!("--attest '{raw}': {e}"))?,
            );
        }
        Ok(list)
    }
}

/// A size in the largest binary unit that divides it (`16MiB`), as `--max-body` takes it.
fn show_size(bytes: u64) -> String {
    for (unit, factor) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes >= factor && bytes.is_multiple_of(factor) {
            return format!("{}{unit}", bytes / factor);
        }
    }
    bytes.to_string()
}

/// A value kept with its text, shown as that text (empty when unset).
fn shown_as_written<T>(v: &Option<(String, T)>) -> String {
    v.as_ref().map_or(String::new(), |(text, _)| text.clone())
}

/// `--strict-exposition` as the parsers' strictness.
fn strictness(strict: bool) -> Strictness {
    if strict {
        Strictness::Strict
    } else {
        Strictness::Prometheus
    }
}

/// A path, or a URL list (the history may be Redis seeds), as `config show` prints it.
fn show_path(p: &std::path::Path) -> String {
    crate::redact::url_list(&p.to_string_lossy())
}

/// Every setting `config show` lists, from the same resolver the commands use: the global
/// options as given to `config show`, then what `monitor` (replica bounds, max age, policy,
/// endpoints, host, Prometheus), `validate` and `replay` (the range's replica count query)
/// would use with no flags of their own.
pub fn effective(top: &ArgMatches, config: Option<&LoadedConfig>) -> Result<Vec<Effective>> {
    let global = <GlobalArgs as clap::FromArgMatches>::from_arg_matches(top)?;
    let mut r = Resolver::global(top, config);
    r.global_options(&global)?;
    let mut rows = r.into_rows();
    for command in ["monitor", "validate", "replay"] {
        let matches = Cli::command()
            .try_get_matches_from(["rizk-scale", command])
            .with_context(|| format!("resolving the settings of '{command}'"))?;
        let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches)?;
        let mut r = Resolver::command(&matches, config);
        match &cli.command {
            crate::cli::Command::Monitor(cmd) => {
                r.monitor(cmd)?;
            }
            crate::cli::Command::Validate(cmd) => {
                r.validate(cmd)?;
            }
            crate::cli::Command::Replay(cmd) => {
                r.replay(cmd)?;
            }
            _ => {}
        }
        for row in r.into_rows() {
            if !rows.iter().any(|r| r.key == row.key) {
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Command;
    use crate::config::parse;
    use clap::FromArgMatches;

    fn cfg(text: &str) -> LoadedConfig {
        parse(std::path::Path::new("c.toml"), text.to_string()).unwrap()
    }

    /// Parse `argv`: the parsed CLI and clap's matches.
    fn resolved(argv: &[&str]) -> (Cli, ArgMatches) {
        let matches = Cli::command().try_get_matches_from(argv).unwrap();
        (Cli::from_arg_matches(&matches).unwrap(), matches)
    }

    fn row<'r>(rows: &'r [Effective], key: &str) -> &'r Effective {
        rows.iter().find(|r| r.key == key).unwrap()
    }

    fn recommend(
        argv: &[&str],
        config: Option<&LoadedConfig>,
    ) -> (RecommendOptions, Vec<Effective>) {
        let (cli, m) = resolved(argv);
        let Command::Recommend(cmd) = &cli.command else {
            panic!("not recommend")
        };
        let mut r = Resolver::command(&m, config);
        let options = r.recommend(cmd).unwrap();
        (options, r.into_rows())
    }

    #[test]
    fn config_overrides_defaults_and_flags_override_config() {
        let c = cfg(
            "[replicas]\nmin = 4\nmax = 20\n[history]\ncapacity = 7\n[policy]\nmax_age = \"1m\"\n",
        );
        let (o, rows) = recommend(&["rizk-scale", "recommend"], Some(&c));
        let b = o.decide.choice.bounds;
        assert_eq!((b.min, b.max), (4, 20));
        assert_eq!(o.decide.max_age, Some(Duration::from_secs(60)));
        assert_eq!(
            row(&rows, "replicas.min").source,
            Source::Config("c.toml:2".into())
        );
        let (o, rows) = recommend(
            &[
                "rizk-scale",
                "recommend",
                "--max-replicas",
                "30",
                "--max-age",
                "0",
            ],
            Some(&c),
        );
        let b = o.decide.choice.bounds;
        assert_eq!((b.min, b.max), (4, 30));
        assert_eq!(o.decide.max_age, None);
        assert_eq!(row(&rows, "replicas.max").source, Source::Flag);
        assert_eq!(row(&rows, "replicas.max").value, "30");

        let (cli, m) = resolved(&["rizk-scale", "--capacity", "9", "recommend"]);
        let mut r = Resolver::global(&m, Some(&c));
        assert_eq!(r.global_options(&cli.global).unwrap().capacity, 9);
        let (cli, m) = resolved(&["rizk-scale", "recommend"]);
        let mut r = Resolver::global(&m, Some(&c));
        assert_eq!(r.global_options(&cli.global).unwrap().capacity, 7);
    }

    #[test]
    fn sizes_are_shown_as_the_flag_takes_them() {
        assert_eq!(show_size(16 << 20), "16MiB");
        assert_eq!(show_size(1 << 30), "1GiB");
        assert_eq!(show_size(1536), "1536");
        assert_eq!(show_size(3 << 10), "3KiB");
        for b in [16 << 20, 1536, 3 << 10] {
            assert_eq!(crate::cli::parse_size(&show_size(b)).unwrap(), b);
        }
    }

    #[test]
    fn host_section_is_layered_under_the_host_flags() {
        let c = cfg(
            "[host]\ncpu_request = \"200m\"\nmemory_request = 134217728\ncpu_window = \"1s\"\n",
        );
        let collect = |argv: &[&str], c: Option<&LoadedConfig>| {
            let (cli, m) = resolved(argv);
            let Command::Collect(cmd) = &cli.command else {
                panic!("not collect")
            };
            let mut r = Resolver::command(&m, c);
            let options = r.collect(cmd).unwrap();
            (options, r.into_rows())
        };
        let (o, rows) = collect(&["rizk-scale", "collect"], Some(&c));
        let h = o.sampling.host;
        assert_eq!(h.cpu_request, Some(0.2));
        assert_eq!(h.memory_request, Some(134_217_728));
        assert_eq!(h.cpu_window, Some(Duration::from_secs(1)));
        assert_eq!(row(&rows, "host.cpu_request").value, "200m");
        assert_eq!(
            row(&rows, "host.memory_request").source,
            Source::Config("c.toml:3".into())
        );
        let (o, rows) = collect(
            &[
                "rizk-scale",
                "collect",
                "--cpu-request",
                "2",
                "--strict-exposition",
            ],
            Some(&c),
        );
        assert_eq!(o.sampling.host.cpu_request, Some(2.0));
        assert_eq!(row(&rows, "host.cpu_request").source, Source::Flag);
        assert_eq!(o.sampling.endpoints.strictness, Strictness::Strict);
        let (o, rows) = collect(&["rizk-scale", "collect", "--allow-partial"], None);
        assert_eq!(o.sampling.host, HostOptions::default());
        assert!(o.sampling.allow_partial);
        assert_eq!(o.sampling.endpoints.strictness, Strictness::Prometheus);
        assert_eq!(row(&rows, "host.cpu_window").source, Source::Default);
        // collect's --max-age is policy.max_age's.
        let c = cfg("[policy]\nmax_age = \"2m\"\n");
        let (o, _) = collect(&["rizk-scale", "collect"], Some(&c));
        assert_eq!(o.max_age, Some(Duration::from_secs(120)));
    }

    #[test]
    fn replay_range_queries_layer_flags_over_the_file_replicas_included() {
        let c = cfg("[prometheus.queries]\nreplicas = \"count(up)\"\ncpu_percent = \"avg(cpu)\"\n");
        let replay = |argv: &[&str]| {
            let (cli, m) = resolved(argv);
            let Command::Replay(cmd) = &cli.command else {
                panic!("not replay")
            };
            let mut r = Resolver::command(&m, Some(&c));
            let options = r.replay(cmd).unwrap();
            (options, r.into_rows())
        };
        let (o, rows) = replay(&["rizk-scale", "replay"]);
        assert_eq!(o.whatif.replicas_query.as_deref(), Some("count(up)"));
        assert_eq!(o.whatif.queries[&Metric::CpuPercent], "avg(cpu)");
        assert_eq!(
            row(&rows, "prometheus.queries.replicas").source,
            Source::Config("c.toml:2".into())
        );
        let (o, rows) = replay(&[
            "rizk-scale",
            "replay",
            "--prometheus",
            "http://127.0.0.1:9",
            "--prometheus-query",
            "replicas=sum(kube)",
            "--prometheus-query",
            "cpu_percent=max(cpu)",
            "--step",
            "1m",
        ]);
        assert_eq!(o.whatif.replicas_query.as_deref(), Some("sum(kube)"));
        assert_eq!(o.whatif.queries[&Metric::CpuPercent], "max(cpu)");
        assert_eq!(o.whatif.step, Duration::from_secs(60));
        assert_eq!(
            row(&rows, "prometheus.queries.replicas").source,
            Source::Flag
        );
        assert_eq!(o.whatif.prometheus.as_deref(), Some("http://127.0.0.1:9"));
    }

    #[test]
    fn every_row_is_the_value_the_command_runs_with() {
        let c = cfg(
            "[replicas]\nmax = 20\n[endpoints]\ntimeout = \"2s\"\nurls = [\"http://a:1/metrics\"]\n",
        );
        let (o, rows) = recommend(
            &[
                "rizk-scale",
                "recommend",
                "--min-replicas",
                "5",
                "--concurrency",
                "8",
            ],
            Some(&c),
        );
        let e = &o.sampling.endpoints;
        for (key, value, source) in [
            ("replicas.min", "5", Source::Flag),
            ("replicas.max", "20", Source::Config("c.toml:2".into())),
            ("endpoints.timeout", "2s", Source::Config("c.toml:4".into())),
            ("endpoints.concurrency", "8", Source::Flag),
            ("endpoints.max_body", "16MiB", Source::Default),
            (
                "endpoints.urls",
                "http://a:1/metrics",
                Source::Config("c.toml:5".into()),
            ),
        ] {
            let r = row(&rows, key);
            assert_eq!((r.value.as_str(), &r.source), (value, &source), "{key}");
        }
        assert_eq!(o.decide.choice.bounds.min, 5);
        assert_eq!(o.decide.choice.bounds.max, 20);
        assert_eq!(e.timeout, Duration::from_secs(2));
        assert_eq!((e.concurrency, e.max_body), (8, 16 << 20));
        assert_eq!(e.urls, vec!["http://a:1/metrics".to_string()]);
    }

    #[test]
    fn thresholds_and_tiers_come_from_the_file() {
        let c = cfg(
            "[thresholds.scale_up]\ncpu_percent = 60\n[policy]\nscale_up_tiers = [{ cpu_above = 95, delta = 5 }]\nmin_up_conditions = 1\n",
        );
        let m = Cli::command()
            .try_get_matches_from(["rizk-scale", "replay"])
            .unwrap();
        let mut r = Resolver::command(&m, Some(&c));
        let p = r.threshold_policy().unwrap();
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
        let rows = r.into_rows();
        assert_eq!(row(&rows, "thresholds.scale_up.cpu_percent").value, "60");
        assert_eq!(
            row(&rows, "thresholds.scale_up.memory_percent").source,
            Source::Default
        );
        let mut none = Resolver::command(&m, None);
        assert_eq!(none.threshold_policy().unwrap(), ThresholdPolicy::default());
    }

    #[test]
    fn prometheus_queries_layer_flags_over_the_file_over_the_defaults() {
        let c = cfg("[prometheus.queries]\n\nrequests_per_second = \"sum(rate(reqs[5m]))\"\n");
        let m = Cli::command()
            .try_get_matches_from(["rizk-scale", "collect"])
            .unwrap();
        let mut r = Resolver::command(&m, Some(&c));
        let q = r.prometheus_queries(&[(Metric::ErrorRate, "errs".to_string())]);
        assert_eq!(
            q,
            BTreeMap::from([
                (Metric::RequestsPerSecond, "sum(rate(reqs[5m]))".to_string()),
                (Metric::ErrorRate, "errs".to_string()),
            ])
        );
        let rows = r.into_rows();
        let rps = row(&rows, "prometheus.queries.requests_per_second");
        assert_eq!(rps.source, Source::Config("c.toml:3".into()));
        assert_eq!(
            row(&rows, "prometheus.queries.error_rate").source,
            Source::Flag
        );
        let cpu = row(&rows, "prometheus.queries.cpu_percent");
        assert!(
            cpu.value.contains("node_cpu_seconds_total"),
            "{}",
            cpu.value
        );
        assert_eq!(cpu.source, Source::Default);
        let conns = row(&rows, "prometheus.queries.active_connections");
        assert_eq!(
            (conns.value.as_str(), &conns.source),
            ("", &Source::Default)
        );
    }

    #[test]
    fn config_show_lists_what_monitor_and_validate_resolve() {
        let c = cfg("[replicas]\n\nmax = 20\n[validate]\nredis = \"redis://:pw@127.0.0.1:1\"\n");
        let m = Cli::command()
            .try_get_matches_from(["rizk-scale", "--history", "/h", "config", "show"])
            .unwrap();
        let rows = effective(&m, Some(&c)).unwrap();
        let max = row(&rows, "replicas.max");
        assert_eq!(
            (max.value.as_str(), &max.source),
            ("20", &Source::Config("c.toml:3".into()))
        );
        let min = row(&rows, "replicas.min");
        assert_eq!((min.value.as_str(), &min.source), ("3", &Source::Default));
        assert_eq!(row(&rows, "history.path").source, Source::Flag);
        assert_eq!(
            row(&rows, "validate.redis").value,
            "redis://***@127.0.0.1:1"
        );
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "a key listed twice: {keys:?}");
    }

    #[test]
    fn validate_takes_one_redis_source_and_flags_win() {
        let c = cfg(
            "[validate]\nredis_sentinel = \"redis://127.0.0.1:26379\"\nsentinel_master = \"m\"\ntimeout = \"9s\"\n",
        );
        let run = |argv: &[&str]| {
            let (cli, m) = resolved(argv);
            let Command::Validate(cmd) = &cli.command else {
                panic!("not validate")
            };
            Resolver::command(&m, Some(&c)).validate(cmd).unwrap()
        };
        let v = run(&["rizk-scale", "validate"]);
        assert_eq!(
            v.redis,
            Some(RedisTarget::Sentinel {
                sentinels: vec!["redis://127.0.0.1:26379".into()],
                master: "m".into()
            })
        );
        assert_eq!(v.options.timeout, Duration::from_secs(9));
        let v = run(&[
            "rizk-scale",
            "validate",
            "--redis",
            "redis://127.0.0.1:1",
            "--timeout",
            "1s",
        ]);
        assert_eq!(
            v.redis,
            Some(RedisTarget::from_url_list("redis://127.0.0.1:1"))
        );
        assert_eq!(v.options.timeout, Duration::from_secs(1));
    }
}
