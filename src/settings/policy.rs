//! Policy flags (`--policy`, windows, `--window`, HPA targets) and `--compare` overrides,
//! resolved into the engine's [`Settings`]. The clap types stop here.

use std::time::Duration;

use anyhow::{Result, bail};

use crate::cli::{CompareSpec, Override, PolicyArg, PolicyArgs, Preset, StatisticArg};
use crate::policy::ReplicaBounds;
use crate::policy::engine::{PolicyKind, Settings};
use crate::policy::hpa::HpaPolicy;
use crate::policy::smoothing::{Smoothing, Statistic};
use crate::policy::stabilization::Windows;
use crate::policy::threshold::ThresholdPolicy;

/// The policy flags and the replica bounds: what `--compare` can change.
#[derive(Debug, Clone)]
pub struct PolicyChoice {
    /// The policy flags.
    pub args: PolicyArgs,
    /// `--min-replicas` / `--max-replicas`.
    pub bounds: ReplicaBounds,
    /// The seed rules as the configuration file sets them (thresholds, tiers, steps).
    pub base: ThresholdPolicy,
}

impl PolicyChoice {
    /// The policy flags with `--min-replicas`/`--max-replicas` over the configured seed rules.
    pub fn new(args: &PolicyArgs, min: u32, max: u32, base: &ThresholdPolicy) -> PolicyChoice {
        PolicyChoice {
            args: args.clone(),
            bounds: ReplicaBounds { min, max },
            base: base.clone(),
        }
    }

    /// Resolve into engine settings; `max_age` is the staleness limit (None: never stale).
    pub fn resolve(&self, max_age: Option<Duration>) -> Result<Settings> {
        let (args, bounds) = (&self.args, self.bounds);
        if bounds.min > bounds.max {
            bail!(
                "--min-replicas '{}' is greater than --max-replicas '{}'",
                bounds.min,
                bounds.max
            );
        }
        let policy = match args.policy {
            PolicyArg::Threshold => PolicyKind::Threshold(ThresholdPolicy {
                max_age,
                ..self.base.clone()
            }),
            PolicyArg::Hpa => {
                let mut targets = HpaPolicy::default().targets;
                for &(metric, value) in &args.targets {
                    targets.retain(|&(m, _)| m != metric);
                    if let Some(v) = value {
                        targets.push((metric, v));
                    }
                }
                if targets.is_empty() {
                    bail!("--target: every HPA target is off; keep at least one");
                }
                PolicyKind::Hpa(HpaPolicy {
                    targets,
                    tolerance: args.tolerance,
                    max_age,
                })
            }
        };
        let settings = Settings {
            policy,
            smoothing: Smoothing {
                samples: args.window,
                statistic: statistic(args.statistic),
            },
            windows: Windows {
                scale_up: args.scale_up_window,
                scale_down: args.scale_down_window,
            },
            bounds,
        };
        crate::diag_info!(
            "policy: {}; replicas {}..{}; max age {}",
            self.label(),
            bounds.min,
            bounds.max,
            max_age.map_or("none".to_string(), |d| humantime::format_duration(d)
                .to_string())
        );
        crate::diag_debug!("policy settings: {settings:?}");
        Ok(settings)
    }

    /// The same choice with `--compare`'s changes applied in order.
    pub fn with(&self, spec: &CompareSpec) -> PolicyChoice {
        let mut c = self.clone();
        for o in &spec.overrides {
            match o {
                Override::Preset(p) => {
                    c.args.policy = match p {
                        Preset::Seed | Preset::Threshold => PolicyArg::Threshold,
                        Preset::Hpa => PolicyArg::Hpa,
                    };
                    c.args.scale_up_window = Duration::ZERO;
                    c.args.scale_down_window = Duration::ZERO;
                    c.args.window = 1;
                    c.args.statistic = StatisticArg::Median;
                    c.args.tolerance = HpaPolicy::default().tolerance;
                    c.args.targets.clear();
                    if *p == Preset::Seed {
                        c.base = ThresholdPolicy::default();
                    }
                }
                Override::Threshold { up, metric, value } => {
                    let list = if *up {
                        &mut c.base.scale_up
                    } else {
                        &mut c.base.scale_down
                    };
                    match list.iter_mut().find(|(m, _)| m == metric) {
                        Some(entry) => entry.1 = *value,
                        None => list.push((*metric, *value)),
                    }
                }
                Override::Policy(p) => c.args.policy = *p,
                Override::ScaleUpWindow(d) => c.args.scale_up_window = *d,
                Override::ScaleDownWindow(d) => c.args.scale_down_window = *d,
                Override::Window(n) => c.args.window = *n,
                Override::Statistic(s) => c.args.statistic = *s,
                Override::Tolerance(t) => c.args.tolerance = *t,
                Override::Target(m, v) => c.args.targets.push((*m, *v)),
                Override::MinReplicas(n) => c.bounds.min = *n,
                Override::MaxReplicas(n) => c.bounds.max = *n,
            }
        }
        c
    }

    /// A short label: the policy and every setting that is not off, e.g.
    /// "threshold, scale-down-window=5m".
    pub fn label(&self) -> String {
        let a = &self.args;
        let mut parts = vec![
            match a.policy {
                PolicyArg::Threshold => "threshold",
                PolicyArg::Hpa => "hpa",
            }
            .to_string(),
        ];
        let dur = |d: Duration| humantime::format_duration(d).to_string();
        if !a.scale_up_window.is_zero() {
            parts.push(format!("scale-up-window={}", dur(a.scale_up_window)));
        }
        if !a.scale_down_window.is_zero() {
            parts.push(format!("scale-down-window={}", dur(a.scale_down_window)));
        }
        if a.window > 1 {
            parts.push(format!(
                "window={} ({})",
                a.window,
                statistic(a.statistic).as_str()
            ));
        }
        if a.policy == PolicyArg::Threshold {
            parts.extend(threshold_changes(&self.base));
        }
        if a.policy == PolicyArg::Hpa {
            if a.tolerance != 0.1 {
                parts.push(format!("tolerance={}", a.tolerance));
            }
            for (m, v) in &a.targets {
                let v = v.map_or("off".to_string(), |v| v.to_string());
                parts.push(format!("target={m}={v}"));
            }
        }
        if self.bounds != ReplicaBounds::default() {
            parts.push(format!("replicas {}..{}", self.bounds.min, self.bounds.max));
        }
        parts.join(", ")
    }
}

/// The thresholds that differ from the seed's, as `--compare` keys (`scale-up-cpu_percent=60`).
fn threshold_changes(base: &ThresholdPolicy) -> Vec<String> {
    let seed = ThresholdPolicy::default();
    let mut out = Vec::new();
    for (dir, mine, theirs) in [
        ("up", &base.scale_up, &seed.scale_up),
        ("down", &base.scale_down, &seed.scale_down),
    ] {
        for (m, v) in mine {
            if !theirs.contains(&(*m, *v)) {
                out.push(format!("scale-{dir}-{m}={v}"));
            }
        }
    }
    out
}

fn statistic(s: StatisticArg) -> Statistic {
    match s {
        StatisticArg::Median => Statistic::Median,
        StatisticArg::Mean => Statistic::Mean,
        StatisticArg::P90 => Statistic::P90,
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};
    use crate::sample::Metric;

    fn choice(argv: &[&str]) -> PolicyChoice {
        let mut all = vec!["rizk-scale", "replay"];
        all.extend_from_slice(argv);
        let Command::Replay(cmd) = Cli::try_parse_from(all).unwrap().command else {
            panic!("not replay");
        };
        PolicyChoice {
            args: cmd.policy,
            bounds: ReplicaBounds {
                min: cmd.min_replicas,
                max: cmd.max_replicas,
            },
            base: ThresholdPolicy::default(),
        }
    }

    #[test]
    fn no_flags_resolve_to_the_seed_rules() {
        let s = choice(&[]).resolve(Some(Duration::from_secs(900))).unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(choice(&[]).label(), "threshold");
    }

    #[test]
    fn hpa_targets_replace_add_and_drop_defaults() {
        let c = choice(&[
            "--policy",
            "hpa",
            "--target",
            "cpu_percent=60",
            "--target",
            "memory_percent=off",
            "--target",
            "response_time_ms=400",
            "--tolerance",
            "0.2",
        ]);
        let PolicyKind::Hpa(h) = c.resolve(None).unwrap().policy else {
            panic!("not hpa");
        };
        assert_eq!(
            h.targets,
            vec![
                (Metric::RequestsPerSecond, 100.0),
                (Metric::CpuPercent, 60.0),
                (Metric::ResponseTimeMs, 400.0)
            ]
        );
        assert_eq!((h.tolerance, h.max_age), (0.2, None));
        assert_eq!(
            c.label(),
            "hpa, tolerance=0.2, target=cpu_percent=60, target=memory_percent=off, target=response_time_ms=400"
        );
    }

    #[test]
    fn compare_overrides_apply_on_top() {
        let base = choice(&["--scale-up-window", "1m"]);
        let spec =
            crate::cli::policy::parse_compare("policy=hpa,scale-down-window=5m,window=3").unwrap();
        let other = base.with(&spec);
        assert_eq!(
            other.label(),
            "hpa, scale-up-window=1m, scale-down-window=5m, window=3 (median)"
        );
        let s = other.resolve(None).unwrap();
        assert_eq!(s.windows.scale_down, Duration::from_secs(300));
        assert_eq!(s.smoothing.samples, 3);
        // The base is unchanged.
        assert_eq!(base.label(), "threshold, scale-up-window=1m");
        let bad =
            base.with(&crate::cli::policy::parse_compare("min-replicas=9,max-replicas=5").unwrap());
        assert!(bad.resolve(None).unwrap_err().to_string().contains("'9'"));
        let seed = base.with(
            &crate::cli::policy::parse_compare("seed,scale-up-cpu=60,scale-down-memory=35")
                .unwrap(),
        );
        assert_eq!(
            seed.label(),
            "threshold, scale-up-cpu_percent=60, scale-down-memory_percent=35"
        );
        let PolicyKind::Threshold(t) = seed.resolve(None).unwrap().policy else {
            panic!("not threshold");
        };
        assert_eq!(t.scale_up[0], (Metric::CpuPercent, 60.0));
        assert_eq!(t.scale_down[1], (Metric::MemoryPercent, 35.0));
        let hpa = base.with(&crate::cli::policy::parse_compare("hpa").unwrap());
        assert_eq!(hpa.label(), "hpa");
        let none = choice(&[
            "--policy",
            "hpa",
            "--target",
            "cpu_percent=off",
            "--target",
            "memory_percent=off",
            "--target",
            "requests_per_second=off",
        ]);
        assert!(none.resolve(None).is_err());
    }
}
