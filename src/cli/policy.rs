//! Policy flags shared by `recommend` and `replay`, and the `replay` subcommand (clap types).

use std::time::Duration;

use clap::{Args, ValueEnum};

use super::parse_duration;
use crate::sample::{Metric, check_value};

/// `--policy`, `--scale-up-window`, `--scale-down-window`, `--window`, `--statistic`,
/// `--tolerance`, `--target`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Policy")]
pub struct PolicyArgs {
    /// Who decides: the scaling guide's default rules (threshold), or the Kubernetes HPA
    /// algorithm (hpa; needs
    /// --current-replicas; requests_per_second is read as the fleet total and divided by the
    /// current replicas)
    #[arg(long, value_enum, default_value_t = PolicyArg::Threshold, value_name = "POLICY")]
    pub policy: PolicyArg,
    /// Scale up only as far as every sample in this window agrees, HPA-style (0 = off) [default:
    /// 0; under --policy hpa the behavior's window, Kubernetes default 0; the scaling guide's hpa.yaml 60s]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub scale_up_window: Option<Duration>,
    /// Scale down only when every sample in this window recommended it, HPA-style (0 = off)
    /// [default: 0; under --policy hpa the behavior's window, Kubernetes default 5m]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub scale_down_window: Option<Duration>,
    /// Decide on a statistic of the last N samples per metric instead of the newest (1 = off)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = parse_window)]
    pub window: usize,
    /// The statistic --window uses
    #[arg(long, value_enum, default_value_t = StatisticArg::Median, value_name = "STAT")]
    pub statistic: StatisticArg,
    /// hpa: a metric/target ratio within this distance of 1 changes nothing, both ways
    /// [default: 0.1, or the --hpa file's]
    #[arg(long, value_name = "F", value_parser = parse_tolerance)]
    pub tolerance: Option<f64>,
    /// hpa: the tolerance above 1 (a ratio up to 1 + F changes nothing) [default: --tolerance]
    #[arg(long, value_name = "F", value_parser = parse_tolerance)]
    pub tolerance_up: Option<f64>,
    /// hpa: the tolerance below 1 (a ratio down to 1 − F changes nothing) [default: --tolerance]
    #[arg(long, value_name = "F", value_parser = parse_tolerance)]
    pub tolerance_down: Option<f64>,
    /// hpa: whether requests_per_second is the service total (fleet: divided by the current
    /// replicas) or already per pod (instance: as a sidecar measures it)
    #[arg(long, value_enum, default_value_t = RpsScopeArg::Fleet, value_name = "SCOPE")]
    pub rps_scope: RpsScopeArg,
    /// Read a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1; NAME picks one of
    /// several): its bounds, metric targets and behavior; implies --policy hpa. Flags given
    /// explicitly override the file
    #[arg(long, value_name = "FILE[:NAME]")]
    pub hpa: Option<String>,
    /// hpa: the target of a metric, e.g. cpu_percent=60, or NAME=off to drop one (repeatable)
    /// [default: cpu_percent=70 memory_percent=80 requests_per_second=100 (per replica)]
    #[arg(long = "target", value_name = "NAME=VALUE", value_parser = parse_target)]
    pub targets: Vec<(Metric, Option<f64>)>,
}

/// `--policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyArg {
    /// The scaling guide's threshold rules (the default)
    Threshold,
    /// The Kubernetes HPA's proportional algorithm
    Hpa,
}

/// `--rps-scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RpsScopeArg {
    /// requests_per_second is the service total
    Fleet,
    /// requests_per_second is already per pod
    Instance,
}

/// `--statistic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatisticArg {
    Median,
    Mean,
    P90,
}

/// `rizk-scale replay`.
#[derive(Debug, Args)]
pub struct ReplayCmd {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Start from this many replicas and apply every decision (required by --policy hpa)
    #[arg(help_heading = "Replicas", long, value_name = "N", allow_negative_numbers = true, value_parser = super::parse_replicas)]
    pub current_replicas: Option<u32>,
    /// Never go below this many replicas
    #[arg(
        help_heading = "Replicas",
        long,
        value_name = "N",
        default_value_t = super::DEFAULT_MIN_REPLICAS,
        env = "RIZK_SCALE_MIN_REPLICAS"
    )]
    pub min_replicas: u32,
    /// Never go above this many replicas
    #[arg(
        help_heading = "Replicas",
        long,
        value_name = "N",
        default_value_t = super::DEFAULT_MAX_REPLICAS,
        env = "RIZK_SCALE_MAX_REPLICAS"
    )]
    pub max_replicas: u32,
    /// Also replay this policy and show the runs side by side (repeatable, any number): a spec
    /// is an optional starting point — guide (the scaling guide's default rules, exactly; also
    /// 'seed'), threshold (the rules as configured) or hpa (the HPA's defaults), windows off —
    /// then KEY=VALUE changes, e.g. --compare guide --compare hpa --compare
    /// 'guide,scale-up-cpu=60' --compare
    /// 'scale-down-window=5m'; without a starting point the changes apply to this command's
    /// flags (keys: policy, scale-up-window, scale-down-window, window, statistic, tolerance,
    /// target, min-replicas, max-replicas, scale-up-METRIC, scale-down-METRIC)
    #[arg(help_heading = "Policy", long, value_name = "[BASE,]KEY=VALUE,…", value_parser = parse_compare)]
    pub compare: Vec<CompareSpec>,
    #[command(flatten)]
    pub whatif: super::whatif::WhatIfArgs,
    /// Print the whole timeline as JSON (schema_version 1)
    #[arg(help_heading = "Output", long)]
    pub json: bool,
}

/// `--compare`: settings to change for the second run, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareSpec {
    /// The text as given, for the label.
    pub text: String,
    /// The changes.
    pub overrides: Vec<Override>,
}

/// Where a `--compare` spec starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The seed's rules exactly (DESIGN.md's thresholds), windows and `--window` off.
    Seed,
    /// The threshold rules as the configuration sets them, windows and `--window` off.
    Threshold,
    /// The HPA's defaults (targets, tolerance), windows and `--window` off.
    Hpa,
}

/// One `KEY=VALUE` of `--compare`.
#[derive(Debug, Clone, PartialEq)]
pub enum Override {
    /// A leading `seed`, `threshold` or `hpa`.
    Preset(Preset),
    /// `scale-up-METRIC=V` (`up`) or `scale-down-METRIC=V`: a threshold of the seed's rules.
    Threshold {
        up: bool,
        metric: Metric,
        value: f64,
    },
    Policy(PolicyArg),
    ScaleUpWindow(Duration),
    ScaleDownWindow(Duration),
    Window(usize),
    Statistic(StatisticArg),
    Tolerance(f64),
    Target(Metric, Option<f64>),
    MinReplicas(u32),
    MaxReplicas(u32),
}

const COMPARE_KEYS: &str = "policy, scale-up-window, scale-down-window, window, statistic, \
                            tolerance, target, min-replicas, max-replicas, scale-up-METRIC, \
                            scale-down-METRIC";

/// The metric of a `scale-up-…`/`scale-down-…` key: a sample field name or a short name
/// (cpu, memory, rps, response-time, error-rate).
fn threshold_metric(name: &str) -> Result<Metric, String> {
    match name {
        "cpu" => Ok(Metric::CpuPercent),
        "memory" => Ok(Metric::MemoryPercent),
        "rps" | "requests" => Ok(Metric::RequestsPerSecond),
        "response-time" | "latency" => Ok(Metric::ResponseTimeMs),
        "error-rate" | "errors" => Ok(Metric::ErrorRate),
        other => other
            .replace('-', "_")
            .parse()
            .map_err(|e| format!("{e} (or cpu, memory, rps, response-time, error-rate)")),
    }
}

/// Parse `--compare`: an optional starting point (`seed`, `threshold`, `hpa`), then
/// comma-separated `KEY=VALUE` pairs with the flags' names and values.
pub fn parse_compare(s: &str) -> Result<CompareSpec, String> {
    let mut overrides = Vec::new();
    for (i, pair) in s.split(',').map(str::trim).enumerate() {
        let preset = match pair {
            "guide" | "seed" => Some(Preset::Seed),
            "threshold" => Some(Preset::Threshold),
            "hpa" => Some(Preset::Hpa),
            _ => None,
        };
        if let Some(p) = preset {
            if i > 0 {
                return Err(format!(
                    "'{pair}' is a starting point: give it first, e.g. '{pair},{}'",
                    s.split(',').next().unwrap_or_default().trim()
                ));
            }
            overrides.push(Override::Preset(p));
            continue;
        }
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("expected KEY=VALUE, got '{pair}' (keys: {COMPARE_KEYS})"))?;
        let value = value.trim();
        overrides.push(match key.trim() {
            "policy" => Override::Policy(
                PolicyArg::from_str(value, false)
                    .map_err(|_| format!("'{value}' is not a policy (threshold, hpa)"))?,
            ),
            "scale-up-window" => Override::ScaleUpWindow(parse_duration(value)?),
            "scale-down-window" => Override::ScaleDownWindow(parse_duration(value)?),
            "window" => Override::Window(parse_window(value)?),
            "statistic" => Override::Statistic(
                StatisticArg::from_str(value, false)
                    .map_err(|_| format!("'{value}' is not a statistic (median, mean, p90)"))?,
            ),
            "tolerance" => Override::Tolerance(parse_tolerance(value)?),
            "target" => {
                let (m, v) = parse_target(value)?;
                Override::Target(m, v)
            }
            "min-replicas" => Override::MinReplicas(parse_count(value)?),
            "max-replicas" => Override::MaxReplicas(parse_count(value)?),
            k if k.starts_with("scale-up-") || k.starts_with("scale-down-") => {
                let up = k.starts_with("scale-up-");
                let name = k
                    .trim_start_matches("scale-up-")
                    .trim_start_matches("scale-down-");
                let metric = threshold_metric(name)?;
                let value: f64 = value
                    .parse()
                    .map_err(|_| format!("'{value}' is not a number for {k}"))?;
                check_value(metric, value)?;
                Override::Threshold { up, metric, value }
            }
            other => return Err(format!("unknown setting '{other}' (keys: {COMPARE_KEYS})")),
        });
    }
    Ok(CompareSpec {
        text: s.trim().to_string(),
        overrides,
    })
}

fn parse_count(s: &str) -> Result<u32, String> {
    s.parse()
        .map_err(|_| format!("'{s}' is not a replica count"))
}

/// Parse `--window` (1 to 100,000 samples).
pub fn parse_window(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n),
        _ => Err(format!("'{s}' is not a window of 1 to 100000 samples")),
    }
}

/// Parse `--tolerance` (any finite value ≥ 0; Kubernetes allows above 1).
pub fn parse_tolerance(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if t.is_finite() && t >= 0.0 => Ok(t),
        _ => Err(format!("'{s}' is not a tolerance ≥ 0 (e.g. 0.1)")),
    }
}

/// Parse `--target NAME=VALUE` (VALUE > 0, or `off`).
pub fn parse_target(s: &str) -> Result<(Metric, Option<f64>), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, got '{s}'"))?;
    let metric: Metric = name.trim().parse()?;
    let value = value.trim();
    if value == "off" {
        return Ok((metric, None));
    }
    let target: f64 = value
        .parse()
        .map_err(|_| format!("'{value}' is not a number for {metric}"))?;
    check_value(metric, target)?;
    if target <= 0.0 {
        return Err(format!(
            "the target of {metric} must be above 0, got {target}"
        ));
    }
    Ok((metric, Some(target)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_specs_parse_into_overrides() {
        let c = parse_compare("policy=hpa, scale-down-window=5m,target=cpu_percent=60").unwrap();
        assert_eq!(
            c.overrides,
            vec![
                Override::Policy(PolicyArg::Hpa),
                Override::ScaleDownWindow(Duration::from_secs(300)),
                Override::Target(Metric::CpuPercent, Some(60.0)),
            ]
        );
        assert_eq!(
            c.text,
            "policy=hpa, scale-down-window=5m,target=cpu_percent=60"
        );
        assert!(parse_compare("window=5,statistic=p90,tolerance=0.2,min-replicas=1").is_ok());
        let c = parse_compare("guide, scale-up-cpu=60,scale-down-requests_per_second=10").unwrap();
        assert_eq!(
            c.overrides,
            vec![
                Override::Preset(Preset::Seed),
                Override::Threshold {
                    up: true,
                    metric: Metric::CpuPercent,
                    value: 60.0
                },
                Override::Threshold {
                    up: false,
                    metric: Metric::RequestsPerSecond,
                    value: 10.0
                },
            ]
        );
        assert_eq!(
            parse_compare("hpa").unwrap().overrides,
            vec![Override::Preset(Preset::Hpa)]
        );
    }

    #[test]
    fn compare_spec_errors_name_the_bad_part() {
        let e = parse_compare("polcy=hpa").unwrap_err();
        assert!(e.starts_with("unknown setting 'polcy'") && e.contains("scale-down-window"));
        assert!(parse_compare("policy=k8s").unwrap_err().contains("'k8s'"));
        assert!(parse_compare("window").unwrap_err().contains("KEY=VALUE"));
        assert!(parse_compare("window=0").unwrap_err().contains("'0'"));
        assert!(parse_compare("window=3,hpa").unwrap_err().contains("first"));
        assert!(
            parse_compare("scale-up-cpux=3")
                .unwrap_err()
                .contains("cpux")
        );
        assert!(parse_compare("scale-up-error-rate=130").is_err());
        assert!(
            parse_compare("max-replicas=-1")
                .unwrap_err()
                .contains("'-1'")
        );
    }

    #[test]
    fn targets_and_tolerances_are_checked() {
        assert_eq!(
            parse_target("requests_per_second=250").unwrap(),
            (Metric::RequestsPerSecond, Some(250.0))
        );
        assert_eq!(
            parse_target("memory_percent=off").unwrap(),
            (Metric::MemoryPercent, None)
        );
        assert!(
            parse_target("cpu_percent=0")
                .unwrap_err()
                .contains("above 0")
        );
        // Utilization targets may exceed 100 (as HPA targets do); rates may not.
        assert_eq!(
            parse_target("cpu_percent=150").unwrap(),
            (Metric::CpuPercent, Some(150.0))
        );
        assert!(parse_target("error_rate=120").is_err());
        assert!(
            parse_target("cpu=70")
                .unwrap_err()
                .contains("unknown metric")
        );
        assert_eq!(parse_tolerance("0.1"), Ok(0.1));
        assert_eq!(parse_tolerance("1.5"), Ok(1.5));
        assert_eq!(parse_tolerance("0"), Ok(0.0));
        assert!(parse_tolerance("-0.1").is_err());
        assert!(parse_tolerance("inf").is_err());
    }
}
