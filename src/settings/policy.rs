//! Policy flags (`--policy`, windows, `--window`, HPA targets) and `--compare` overrides,
//! resolved into the engine's [`DecisionRules`]. The clap types stop here: [`PolicyFlags`] is
//! clap's `PolicyArgs` as plain values, converted once by the resolver.

use std::time::Duration;

use anyhow::{Result, bail};

use crate::cli::{CompareSpec, Override, PolicyArg, PolicyArgs, Preset, RpsScopeArg, StatisticArg};
use crate::policy::ReplicaBounds;
use crate::policy::engine::{DecisionRules, PolicyKind};
use crate::policy::hpa::{HpaPolicy, RpsScope};
use crate::policy::smoothing::{Smoothing, Statistic};
use crate::policy::stabilization::Windows;
use crate::policy::threshold::ThresholdPolicy;
use crate::sample::Metric;
use crate::sources::hpa_file::{self, HpaSpec};

/// The policy flags as plain values (what `--compare` changes).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyFlags {
    /// `--policy hpa` (else the threshold rules).
    pub hpa_policy: bool,
    /// `--scale-up-window`.
    pub scale_up_window: Option<Duration>,
    /// `--scale-down-window`.
    pub scale_down_window: Option<Duration>,
    /// `--window N` (1 = off).
    pub window: usize,
    /// `--statistic`.
    pub statistic: Statistic,
    /// `--tolerance` (both directions).
    pub tolerance: Option<f64>,
    /// `--tolerance-up`.
    pub tolerance_up: Option<f64>,
    /// `--tolerance-down`.
    pub tolerance_down: Option<f64>,
    /// `--rps-scope`.
    pub rps_scope: RpsScope,
    /// `--hpa FILE[:NAME]`.
    pub hpa: Option<String>,
    /// `--target NAME=VALUE|off`, in order.
    pub targets: Vec<(Metric, Option<f64>)>,
}

impl Default for PolicyFlags {
    /// No policy flag given: the threshold rules, windows and `--window` off.
    fn default() -> Self {
        PolicyFlags {
            hpa_policy: false,
            scale_up_window: None,
            scale_down_window: None,
            window: 1,
            statistic: Statistic::Median,
            tolerance: None,
            tolerance_up: None,
            tolerance_down: None,
            rps_scope: RpsScope::Fleet,
            hpa: None,
            targets: Vec::new(),
        }
    }
}

impl From<&PolicyArgs> for PolicyFlags {
    fn from(a: &PolicyArgs) -> Self {
        PolicyFlags {
            hpa_policy: a.policy == PolicyArg::Hpa,
            scale_up_window: a.scale_up_window,
            scale_down_window: a.scale_down_window,
            window: a.window,
            statistic: statistic(a.statistic),
            tolerance: a.tolerance,
            tolerance_up: a.tolerance_up,
            tolerance_down: a.tolerance_down,
            rps_scope: match a.rps_scope {
                RpsScopeArg::Fleet => RpsScope::Fleet,
                RpsScopeArg::Instance => RpsScope::Instance,
            },
            hpa: a.hpa.clone(),
            targets: a.targets.clone(),
        }
    }
}

/// The policy flags and the replica bounds: what `--compare` can change.
#[derive(Debug, Clone)]
pub struct PolicyChoice {
    /// The policy flags.
    pub flags: PolicyFlags,
    /// `--min-replicas` / `--max-replicas`.
    pub bounds: ReplicaBounds,
    /// The seed rules as the configuration file sets them (thresholds, tiers, steps).
    pub base: ThresholdPolicy,
    /// What set each bound when not its default (these win over an `--hpa` file).
    pub bounds_from: BoundsFrom,
}

/// Where the replica bounds were set explicitly (None: the built-in default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoundsFrom {
    /// `--min-replicas`: e.g. "--min-replicas", "RIZK_SCALE_MIN_REPLICAS", "replicas.min".
    pub min: Option<String>,
    /// `--max-replicas`.
    pub max: Option<String>,
}

impl PolicyChoice {
    /// The policy flags with the replica bounds (and what set them) over the configured seed
    /// rules.
    pub fn new(
        args: &PolicyArgs,
        bounds: ReplicaBounds,
        bounds_from: BoundsFrom,
        base: &ThresholdPolicy,
    ) -> PolicyChoice {
        PolicyChoice {
            flags: PolicyFlags::from(args),
            bounds,
            base: base.clone(),
            bounds_from,
        }
    }

    /// Resolve into engine settings; `max_age` is the staleness limit (None: never stale).
    pub fn resolve(&self, max_age: Option<Duration>) -> Result<DecisionRules> {
        let args = &self.flags;
        let file = self.hpa_file()?;
        let bounds = self.bounds_with(file.as_ref());
        if bounds.min > bounds.max {
            let from = &self.bounds_from;
            let file = |what: &str| match &args.hpa {
                Some(f) => format!("--hpa '{f}' {what}"),
                None => format!("--{what}"),
            };
            let min = from.min.clone().unwrap_or_else(|| file("min-replicas"));
            let max = from.max.clone().unwrap_or_else(|| file("max-replicas"));
            bail!(
                "{min} '{}' is greater than {max} '{}'",
                bounds.min,
                bounds.max
            );
        }
        let policy = if self.is_hpa() {
            let mut targets = file
                .as_ref()
                .map_or_else(|| HpaPolicy::default().targets, |f| f.targets.clone());
            for &(metric, value) in &args.targets {
                targets.retain(|&(m, _)| m != metric);
                if let Some(v) = value {
                    targets.push((metric, v));
                }
            }
            if targets.is_empty() {
                bail!("--target: every HPA target is off; keep at least one");
            }
            let both = args.tolerance;
            let up = args
                .tolerance_up
                .or(both)
                .or(file.as_ref().and_then(|f| f.tolerance_up))
                .unwrap_or(0.1);
            let down = args
                .tolerance_down
                .or(both)
                .or(file.as_ref().and_then(|f| f.tolerance_down))
                .unwrap_or(0.1);
            PolicyKind::Hpa(HpaPolicy {
                targets,
                tolerance_up: up,
                tolerance_down: down,
                rps_scope: args.rps_scope,
                max_age,
                behavior: file.map(|f| f.behavior).unwrap_or_default(),
            })
        } else {
            PolicyKind::Threshold(ThresholdPolicy {
                max_age,
                ..self.base.clone()
            })
        };
        let settings = DecisionRules {
            windows: windows(&policy, args),
            policy,
            smoothing: Smoothing {
                samples: args.window,
                statistic: args.statistic,
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

    /// Whether the HPA policy decides (`--policy hpa`, or `--hpa FILE`).
    pub fn is_hpa(&self) -> bool {
        self.flags.hpa_policy || self.flags.hpa.is_some()
    }

    /// The `--hpa` manifest, read and reported (metrics it cannot express are warned about).
    pub fn hpa_file(&self) -> Result<Option<HpaSpec>> {
        let Some(spec) = self.flags.hpa.as_deref() else {
            return Ok(None);
        };
        let file = hpa_file::read(spec)?;
        for why in &file.not_expressible {
            crate::diag::warn(&format!("--hpa '{spec}': {why}: not expressible, ignored"));
        }
        crate::diag_info!(
            "--hpa '{spec}': {} {} replicas {}..{}, {} targets, scale-up {}, scale-down {}",
            file.api_version,
            file.name,
            file.min_replicas,
            file.max_replicas,
            file.targets.len(),
            file.behavior.scale_up.describe(),
            file.behavior.scale_down.describe()
        );
        Ok(Some(file))
    }

    /// The bounds: the file's, where no flag, environment variable or config file set them.
    fn bounds_with(&self, file: Option<&HpaSpec>) -> ReplicaBounds {
        let (b, from) = (self.bounds, &self.bounds_from);
        match file {
            Some(f) => ReplicaBounds {
                min: if from.min.is_none() {
                    f.min_replicas
                } else {
                    b.min
                },
                max: if from.max.is_none() {
                    f.max_replicas
                } else {
                    b.max
                },
            },
            None => b,
        }
    }

    /// The same choice with `--compare`'s changes applied in order.
    pub fn with(&self, spec: &CompareSpec) -> PolicyChoice {
        let mut c = self.clone();
        for o in &spec.overrides {
            match o {
                Override::Preset(p) => {
                    // The defaults: windows off for the seed's rules, the Kubernetes
                    // behavior's for the HPA; no --hpa file, default tolerances and targets.
                    c.flags = PolicyFlags {
                        hpa_policy: *p == Preset::Hpa,
                        ..PolicyFlags::default()
                    };
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
                Override::Policy(p) => c.flags.hpa_policy = *p == PolicyArg::Hpa,
                Override::ScaleUpWindow(d) => c.flags.scale_up_window = Some(*d),
                Override::ScaleDownWindow(d) => c.flags.scale_down_window = Some(*d),
                Override::Window(n) => c.flags.window = *n,
                Override::Statistic(s) => c.flags.statistic = statistic(*s),
                Override::Tolerance(t) => c.flags.tolerance = Some(*t),
                Override::Target(m, v) => c.flags.targets.push((*m, *v)),
                Override::MinReplicas(n) => c.bounds.min = *n,
                Override::MaxReplicas(n) => c.bounds.max = *n,
            }
        }
        c
    }

    /// A short label: the policy and every setting that is not off, e.g.
    /// "threshold, scale-down-window=5m".
    pub fn label(&self) -> String {
        let a = &self.flags;
        let mut parts = vec![if a.hpa_policy { "hpa" } else { "threshold" }.to_string()];
        let dur = |d: Duration| humantime::format_duration(d).to_string();
        if let Some(w) = a.scale_up_window {
            parts.push(format!("scale-up-window={}", dur(w)));
        }
        if let Some(w) = a.scale_down_window {
            parts.push(format!("scale-down-window={}", dur(w)));
        }
        if a.window > 1 {
            parts.push(format!("window={} ({})", a.window, a.statistic.as_str()));
        }
        if !a.hpa_policy && a.hpa.is_none() {
            parts.extend(threshold_changes(&self.base));
        }
        if let Some(f) = &a.hpa {
            parts[0] = format!("hpa (--hpa {f})");
        }
        if self.is_hpa() {
            if let Some(t) = a.tolerance {
                parts.push(format!("tolerance={t}"));
            }
            if let Some(t) = a.tolerance_up {
                parts.push(format!("tolerance-up={t}"));
            }
            if let Some(t) = a.tolerance_down {
                parts.push(format!("tolerance-down={t}"));
            }
            if a.rps_scope == RpsScope::Instance {
                parts.push("rps-scope=instance".to_string());
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

/// The stabilization windows: the flags when given, else the HPA behavior's (Kubernetes
/// defaults: up 0, down 5m), else off for the seed's rules.
fn windows(policy: &PolicyKind, args: &PolicyFlags) -> Windows {
    let (up, down) = match policy {
        PolicyKind::Hpa(h) => (h.behavior.scale_up.window, h.behavior.scale_down.window),
        PolicyKind::Threshold(_) => (Duration::ZERO, Duration::ZERO),
    };
    Windows {
        scale_up: args.scale_up_window.unwrap_or(up),
        scale_down: args.scale_down_window.unwrap_or(down),
    }
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
        // What the resolver learns from clap's value sources: here, whether the flag was given.
        let given = |flag: &str| argv.contains(&flag).then(|| flag.to_string());
        PolicyChoice {
            flags: PolicyFlags::from(&cmd.policy),
            bounds: ReplicaBounds {
                min: cmd.min_replicas,
                max: cmd.max_replicas,
            },
            base: ThresholdPolicy::default(),
            bounds_from: BoundsFrom {
                min: given("--min-replicas"),
                max: given("--max-replicas"),
            },
        }
    }

    #[test]
    fn no_flags_resolve_to_the_seed_rules() {
        let s = choice(&[]).resolve(Some(Duration::from_secs(900))).unwrap();
        assert_eq!(s, DecisionRules::default());
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
        assert_eq!(
            (h.tolerance_up, h.tolerance_down, h.max_age),
            (0.2, 0.2, None)
        );
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

    #[test]
    fn an_hpa_file_sets_policy_bounds_targets_behavior_and_windows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hpa.yaml");
        std::fs::write(
            &path,
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n\
             spec:\n  minReplicas: 2\n  maxReplicas: 9\n  metrics:\n  - type: Resource\n    \
             resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}\n  \
             behavior:\n    scaleUp:\n      stabilizationWindowSeconds: 30\n      policies:\n      \
             - {type: Pods, value: 2, periodSeconds: 60}\n    scaleDown:\n      tolerance: 0.25\n",
        )
        .unwrap();
        let file = path.to_str().unwrap();
        let c = choice(&["--hpa", file]);
        let s = c.resolve(None).unwrap();
        let PolicyKind::Hpa(h) = &s.policy else {
            panic!("not hpa");
        };
        assert_eq!(h.targets, vec![(Metric::CpuPercent, 60.0)]);
        assert_eq!((h.tolerance_up, h.tolerance_down), (0.1, 0.25));
        assert_eq!(h.behavior.scale_up.describe(), "2 pods per 60s (Max)");
        assert_eq!(s.bounds, ReplicaBounds { min: 2, max: 9 });
        assert_eq!(
            (s.windows.scale_up, s.windows.scale_down),
            (Duration::from_secs(30), Duration::from_secs(300))
        );
        assert!(c.label().starts_with("hpa (--hpa "));
        // Explicit flags win over the file.
        let c = choice(&[
            "--hpa",
            file,
            "--max-replicas",
            "20",
            "--scale-up-window",
            "0",
            "--tolerance-down",
            "0.5",
            "--target",
            "memory_percent=70",
        ]);
        let s = c.resolve(None).unwrap();
        let PolicyKind::Hpa(h) = &s.policy else {
            panic!("not hpa");
        };
        assert_eq!(s.bounds, ReplicaBounds { min: 2, max: 20 });
        assert_eq!(s.windows.scale_up, Duration::ZERO);
        assert_eq!(h.tolerance_down, 0.5);
        assert_eq!(h.targets.len(), 2);
        // A file that does not parse is an error naming it.
        let e = choice(&["--hpa", "/nonexistent/hpa.yaml"])
            .resolve(None)
            .unwrap_err();
        assert!(
            e.to_string().starts_with("--hpa '/nonexistent/hpa.yaml'"),
            "{e}"
        );
    }
}
