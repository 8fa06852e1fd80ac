//! `--hpa FILE[:NAME]`: a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1) read
//! into what `--policy hpa` runs — bounds, metric targets and `behavior` with the Kubernetes
//! defaults (`SetDefaults_HorizontalPodAutoscalerBehavior`) for whatever the file leaves out.
//!
//! Metrics: `Resource` cpu/memory `Utilization` → cpu_percent / memory_percent; a `Pods` or
//! `Object` metric with an `AverageValue` target → the sample metric it names
//! (`rizk_requests_per_second` and `requests_per_second` → requests_per_second; a `rizk_` prefix
//! is dropped). Anything else (External metrics, `Value` targets, resource `AverageValue`,
//! ContainerResource, unknown names) is listed as not expressible, never silently dropped.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::policy::behavior::{Behavior, PolicyType, RatePolicy, Rules, Select};
use crate::sample::Metric;

/// What a manifest says, in the engine's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct HpaSpec {
    /// `metadata.name`.
    pub name: String,
    /// `apiVersion`.
    pub api_version: String,
    /// `spec.minReplicas` (Kubernetes default 1).
    pub min_replicas: u32,
    /// `spec.maxReplicas`.
    pub max_replicas: u32,
    /// The expressible metric targets, in the file's order.
    pub targets: Vec<(Metric, f64)>,
    /// The metrics that cannot be expressed, each with why.
    pub not_expressible: Vec<String>,
    /// `spec.behavior` with the defaults filled in.
    pub behavior: Behavior,
    /// `behavior.scaleUp.tolerance` (Kubernetes 1.33+), when set.
    pub tolerance_up: Option<f64>,
    /// `behavior.scaleDown.tolerance`, when set.
    pub tolerance_down: Option<f64>,
}

/// Why `--hpa FILE[:NAME]` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum HpaFileError {
    /// The file could not be read (the I/O error follows in the chain: `{e:#}`).
    #[error("--hpa '{file}'")]
    Read {
        /// The file named.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read, but holds no usable HorizontalPodAutoscaler.
    #[error("--hpa '{spec}': {message}")]
    Invalid {
        /// `FILE[:NAME]` as given.
        spec: String,
        /// What is wrong with it.
        message: String,
    },
}

/// Read `FILE[:NAME]` (NAME picks one HPA among several documents).
pub fn read(spec: &str) -> Result<HpaSpec, HpaFileError> {
    let (file, name) = split_spec(spec);
    let text = std::fs::read_to_string(Path::new(file)).map_err(|source| HpaFileError::Read {
        file: file.to_string(),
        source,
    })?;
    parse(&text, name).map_err(|message| HpaFileError::Invalid {
        spec: spec.to_string(),
        message,
    })
}

/// `FILE[:NAME]`: the part after the last ':' is a name only when the whole is not a file.
fn split_spec(spec: &str) -> (&str, Option<&str>) {
    match spec.rsplit_once(':') {
        Some((file, name)) if !name.is_empty() && !Path::new(spec).exists() => (file, Some(name)),
        _ => (spec, None),
    }
}

/// Parse a manifest's text (one or more YAML documents).
pub fn parse(text: &str, name: Option<&str>) -> Result<HpaSpec, String> {
    let mut hpas = Vec::new();
    for (i, doc) in serde_norway::Deserializer::from_str(text).enumerate() {
        let value = Value::deserialize(doc).map_err(|e| format!("document {}: {e}", i + 1))?;
        if value.get("kind").and_then(Value::as_str) == Some("HorizontalPodAutoscaler") {
            hpas.push(value);
        }
    }
    let name_of = |v: &Value| {
        v.pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let names: Vec<String> = hpas.iter().map(name_of).collect();
    let chosen = match name {
        Some(n) => hpas.iter().find(|v| name_of(v) == n).ok_or_else(|| {
            format!(
                "no HorizontalPodAutoscaler named '{n}' (found: {})",
                list(&names)
            )
        })?,
        None => match hpas.as_slice() {
            [one] => one,
            [] => return Err("no HorizontalPodAutoscaler in the file".to_string()),
            _ => {
                return Err(format!(
                    "{} HorizontalPodAutoscalers ({}): pick one with FILE:NAME",
                    hpas.len(),
                    list(&names)
                ));
            }
        },
    };
    from_value(chosen)
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

fn from_value(v: &Value) -> Result<HpaSpec, String> {
    let api_version = v
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let spec = v.get("spec").ok_or("no 'spec'")?;
    let count = |key: &str| -> Result<Option<u32>, String> {
        match spec.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(x) => x
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| format!("spec.{key} '{x}' is not a replica count")),
        }
    };
    let min_replicas = count("minReplicas")?.unwrap_or(1);
    let max_replicas = count("maxReplicas")?.ok_or("spec.maxReplicas is required")?;
    if min_replicas > max_replicas {
        return Err(format!(
            "spec.minReplicas '{min_replicas}' is greater than spec.maxReplicas '{max_replicas}'"
        ));
    }
    let mut targets = Vec::new();
    let mut not_expressible = Vec::new();
    match api_version.as_str() {
        "autoscaling/v1" => {
            // v1 has one target; without it the controller's default is 80 % CPU.
            let cpu = match spec.get("targetCPUUtilizationPercentage") {
                None | Some(Value::Null) => 80.0,
                Some(x) => x.as_f64().ok_or_else(|| {
                    format!("spec.targetCPUUtilizationPercentage '{x}' is not a number")
                })?,
            };
            targets.push((Metric::CpuPercent, cpu));
        }
        "autoscaling/v2" | "autoscaling/v2beta2" => {
            let metrics = spec
                .get("metrics")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for (i, m) in metrics.iter().enumerate() {
                match metric_target(m) {
                    Ok(t) => targets.push(t),
                    Err(why) => not_expressible.push(format!("spec.metrics[{i}]: {why}")),
                }
            }
            if metrics.is_empty() {
                // The API server's default for v2: 80 % CPU.
                targets.push((Metric::CpuPercent, 80.0));
            }
        }
        other => {
            return Err(format!(
                "apiVersion '{other}' is not supported (autoscaling/v2, v2beta2, v1)"
            ));
        }
    }
    let behavior = spec.get("behavior").filter(|b| !b.is_null());
    let up = behavior
        .and_then(|b| b.get("scaleUp"))
        .filter(|r| !r.is_null());
    let down = behavior
        .and_then(|b| b.get("scaleDown"))
        .filter(|r| !r.is_null());
    Ok(HpaSpec {
        name: v
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        api_version,
        min_replicas,
        max_replicas,
        targets,
        not_expressible,
        behavior: Behavior {
            scale_up: rules(up, Rules::default_up(), "scaleUp")?,
            scale_down: rules(down, Rules::default_down(), "scaleDown")?,
        },
        tolerance_up: tolerance(up, "scaleUp")?,
        tolerance_down: tolerance(down, "scaleDown")?,
    })
}

fn tolerance(rules: Option<&Value>, what: &str) -> Result<Option<f64>, String> {
    match rules.and_then(|r| r.get("tolerance")) {
        None | Some(Value::Null) => Ok(None),
        Some(t) => quantity(t)
            .filter(|t| *t >= 0.0)
            .map(Some)
            .ok_or_else(|| format!("behavior.{what}.tolerance '{t}' is not a quantity ≥ 0")),
    }
}

/// One direction's rules with the defaults for every field left out.
fn rules(v: Option<&Value>, default: Rules, what: &str) -> Result<Rules, String> {
    let Some(v) = v else {
        return Ok(default);
    };
    let window = match v.get("stabilizationWindowSeconds") {
        None | Some(Value::Null) => default.window,
        Some(w) => Duration::from_secs(w.as_u64().ok_or_else(|| {
            format!("behavior.{what}.stabilizationWindowSeconds '{w}' is not a number of seconds")
        })?),
    };
    let select = match v.get("selectPolicy").and_then(Value::as_str) {
        None => Select::Max,
        Some("Max") => Select::Max,
        Some("Min") => Select::Min,
        Some("Disabled") => Select::Disabled,
        Some(other) => {
            return Err(format!(
                "behavior.{what}.selectPolicy '{other}' is not Max, Min or Disabled"
            ));
        }
    };
    let policies = match v.get("policies").and_then(Value::as_array) {
        None => default.policies,
        Some(list) if list.is_empty() => default.policies,
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, p)| rate_policy(p).map_err(|e| format!("behavior.{what}.policies[{i}]: {e}")))
            .collect::<Result<_, _>>()?,
    };
    Ok(Rules {
        window,
        policies,
        select,
    })
}

fn rate_policy(p: &Value) -> Result<RatePolicy, String> {
    let kind = match p.get("type").and_then(Value::as_str) {
        Some("Pods") => PolicyType::Pods,
        Some("Percent") => PolicyType::Percent,
        other => {
            return Err(format!(
                "type '{}' is not Pods or Percent",
                other.unwrap_or("")
            ));
        }
    };
    let number = |key: &str| {
        p.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("{key} is not a positive number"))
    };
    Ok(RatePolicy {
        kind,
        value: number("value")?,
        period_seconds: number("periodSeconds")?,
    })
}

/// One v2 metric → (sample metric, target), or why it cannot be expressed.
fn metric_target(m: &Value) -> Result<(Metric, f64), String> {
    let kind = m.get("type").and_then(Value::as_str).unwrap_or("");
    match kind {
        "Resource" => {
            let r = m
                .get("resource")
                .ok_or("Resource metric without 'resource'")?;
            let name = r.get("name").and_then(Value::as_str).unwrap_or("");
            let metric = match name {
                "cpu" => Metric::CpuPercent,
                "memory" => Metric::MemoryPercent,
                other => return Err(format!("resource '{other}' has no sample metric")),
            };
            let target = r.get("target").ok_or("no target")?;
            match target.get("type").and_then(Value::as_str) {
                Some("Utilization") => target
                    .get("averageUtilization")
                    .and_then(Value::as_f64)
                    .filter(|t| *t > 0.0)
                    .map(|t| (metric, t))
                    .ok_or_else(|| {
                        format!("resource '{name}': averageUtilization is not a positive number")
                    }),
                Some(t) => Err(format!(
                    "resource '{name}' with a {t} target: samples hold utilization percentages only"
                )),
                None => Err(format!("resource '{name}' without a target type")),
            }
        }
        "Pods" | "Object" => {
            let key = if kind == "Pods" { "pods" } else { "object" };
            let body = m
                .get(key)
                .ok_or_else(|| format!("{kind} metric without '{key}'"))?;
            let name = body
                .pointer("/metric/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let metric = sample_metric(name)
                .ok_or_else(|| format!("{kind} metric '{name}' names no sample metric"))?;
            let target = body.get("target").ok_or("no target")?;
            match target.get("type").and_then(Value::as_str) {
                Some("AverageValue") => target
                    .get("averageValue")
                    .and_then(quantity)
                    .filter(|t| *t > 0.0)
                    .map(|t| (metric, t))
                    .ok_or_else(|| {
                        format!("{kind} metric '{name}': averageValue is not a positive quantity")
                    }),
                Some(t) => Err(format!(
                    "{kind} metric '{name}' with a {t} target: only AverageValue is expressible"
                )),
                None => Err(format!("{kind} metric '{name}' without a target type")),
            }
        }
        "External" => {
            Err("External metrics come from outside the cluster: not in a sample".to_string())
        }
        "ContainerResource" => {
            Err("ContainerResource metrics are per container: not in a sample".to_string())
        }
        other => Err(format!("metric type '{other}' is not known")),
    }
}

/// `rizk_requests_per_second`, `requests_per_second` → requests_per_second; any sample metric
/// name, with or without a `rizk_` prefix.
fn sample_metric(name: &str) -> Option<Metric> {
    name.strip_prefix("rizk_").unwrap_or(name).parse().ok()
}

/// A Kubernetes quantity ("100", "1.5", "500m", "2k", "1Mi"), or a plain YAML number.
pub fn quantity(v: &Value) -> Option<f64> {
    if let Some(n) = v.as_f64() {
        return Some(n);
    }
    let s = v.as_str()?.trim();
    let suffixes: [(&str, f64); 12] = [
        ("Ki", 1024.0),
        ("Mi", 1024f64.powi(2)),
        ("Gi", 1024f64.powi(3)),
        ("Ti", 1024f64.powi(4)),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
    ];
    for (suffix, factor) in suffixes {
        if let Some(num) = s.strip_suffix(suffix) {
            return num.parse::<f64>().ok().map(|n| n * factor);
        }
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed's hpa.yaml (scaling-guide.txt), re-indented.
    const SEED: &str = "\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: rizk-app-hpa
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: rizk-app
  minReplicas: 3
  maxReplicas: 50
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
  - type: Resource
    resource:
      name: memory
      target:
        type: Utilization
        averageUtilization: 80
  - type: Pods
    pods:
      metric:
        name: rizk_requests_per_second
      target:
        type: AverageValue
        averageValue: \"100\"
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
      - type: Percent
        value: 50
        periodSeconds: 60
    scaleUp:
      stabilizationWindowSeconds: 60
      policies:
      - type: Percent
        value: 100
        periodSeconds: 15
      - type: Pods
        value: 5
        periodSeconds: 15
      selectPolicy: Max
";

    #[test]
    fn a_missing_file_is_a_read_error_naming_it() {
        let e = read("/nonexistent/hpa.yaml").unwrap_err();
        assert!(matches!(&e, HpaFileError::Read { file, .. } if file == "/nonexistent/hpa.yaml"));
        let chain = format!("{:#}", anyhow::Error::new(e));
        assert_eq!(chain.matches("os error 2").count(), 1, "{chain}");
        assert!(
            chain.starts_with("--hpa '/nonexistent/hpa.yaml': "),
            "{chain}"
        );
    }

    #[test]
    fn the_seed_manifest_reads_completely() {
        let h = parse(SEED, None).unwrap();
        assert_eq!(
            (h.name.as_str(), h.min_replicas, h.max_replicas),
            ("rizk-app-hpa", 3, 50)
        );
        assert_eq!(
            h.targets,
            vec![
                (Metric::CpuPercent, 70.0),
                (Metric::MemoryPercent, 80.0),
                (Metric::RequestsPerSecond, 100.0)
            ]
        );
        assert!(h.not_expressible.is_empty());
        assert_eq!(h.behavior.scale_down.window, Duration::from_secs(300));
        assert_eq!(h.behavior.scale_up.window, Duration::from_secs(60));
        assert_eq!(h.behavior.scale_down.describe(), "50% per 60s (Max)");
        assert_eq!(
            h.behavior.scale_up.describe(),
            "100% per 15s or 5 pods per 15s (Max)"
        );
    }

    #[test]
    fn defaults_fill_what_is_left_out_and_v1_has_one_target() {
        let v1 = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\nspec:\n  maxReplicas: 10\n  targetCPUUtilizationPercentage: 50\n";
        let h = parse(v1, None).unwrap();
        assert_eq!(
            (h.min_replicas, h.targets.clone()),
            (1, vec![(Metric::CpuPercent, 50.0)])
        );
        assert_eq!(h.behavior, Behavior::default());
        let partial = "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: b}\nspec:\n  maxReplicas: 10\n  behavior:\n    scaleDown:\n      selectPolicy: Disabled\n";
        let h = parse(partial, None).unwrap();
        assert_eq!(h.behavior.scale_down.select, Select::Disabled);
        assert_eq!(h.behavior.scale_down.window, Duration::from_secs(300));
        assert_eq!(h.behavior.scale_up, Rules::default_up());
        assert_eq!(h.targets, vec![(Metric::CpuPercent, 80.0)]);
    }

    #[test]
    fn inexpressible_metrics_are_listed_with_why() {
        let text = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: c}\nspec:\n  maxReplicas: 10\n  metrics:\n  - type: External\n    external: {metric: {name: queue}, target: {type: Value, value: 3}}\n  - type: Pods\n    pods: {metric: {name: packets}, target: {type: AverageValue, averageValue: 1k}}\n  - type: Object\n    object: {metric: {name: requests_per_second}, target: {type: Value, value: 10}}\n  - type: Pods\n    pods: {metric: {name: response_time_ms}, target: {type: AverageValue, averageValue: 500m}}\n";
        let h = parse(text, None).unwrap();
        assert_eq!(h.targets, vec![(Metric::ResponseTimeMs, 0.5)]);
        assert_eq!(h.not_expressible.len(), 3);
        assert!(h.not_expressible[0].starts_with("spec.metrics[0]: External"));
        assert!(h.not_expressible[1].contains("'packets' names no sample metric"));
        assert!(h.not_expressible[2].contains("only AverageValue"));
    }

    #[test]
    fn names_pick_among_several_and_errors_say_what() {
        let two = format!("{SEED}---\n{}", SEED.replace("rizk-app-hpa", "other"));
        assert!(
            parse(&two, None)
                .unwrap_err()
                .contains("rizk-app-hpa, other")
        );
        assert_eq!(parse(&two, Some("other")).unwrap().name, "other");
        assert!(
            parse(&two, Some("x"))
                .unwrap_err()
                .contains("no HorizontalPodAutoscaler named 'x'")
        );
        assert!(
            parse("kind: Deployment\n", None)
                .unwrap_err()
                .contains("no HorizontalPodAutoscaler")
        );
        let bad = SEED.replace("selectPolicy: Max", "selectPolicy: Most");
        assert!(parse(&bad, None).unwrap_err().contains("'Most'"));
        assert_eq!(split_spec("hpa.yaml:web"), ("hpa.yaml", Some("web")));
        assert_eq!(split_spec("hpa.yaml"), ("hpa.yaml", None));
        assert_eq!(quantity(&Value::from("1500m")), Some(1.5));
        assert_eq!(quantity(&Value::from(7)), Some(7.0));
    }
}
