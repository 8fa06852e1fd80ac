//! The Kubernetes HPA's own table tests (tests/fixtures/k8s-hpa/, transcribed as data from
//! kubernetes/kubernetes pkg/controller/podautoscaler), run through the real binary:
//! `rizk-scale recommend --hpa hpa.yaml --history history.jsonl --json`.
//!
//! Each case becomes a manifest (bounds, behavior) and a history: the replica count recorded
//! in `replicas` (its changes are the scale events), earlier samples for the recommendations a
//! stabilization window remembers, and a newest sample whose metric makes the HPA's proportional
//! step propose exactly the test's pre-normalized desired count (a Pods `AverageValue` metric
//! with target 100 and value desired/current × 100, tolerance 0). The test's expected count is
//! compared with `target_replicas`. Prints "N of M agree" and the cases that cannot be expressed.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::{Value, json};

const T0: i64 = 1_800_000_000;

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/k8s-hpa")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ts(offset: i64) -> String {
    jiff::Timestamp::from_second(T0 + offset)
        .unwrap()
        .to_string()
}

fn int(v: &Value, key: &str) -> i64 {
    v[key].as_i64().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// `generateEventsUniformDistribution(changes, period)`: event i is at
/// −trunc(period − seg·(i+1) + seg/2) seconds, seg = period / len.
fn uniform_events(spec: &Value, sign: i64) -> Vec<(i64, i64)> {
    if spec.is_null() {
        return Vec::new();
    }
    let changes: Vec<i64> = spec[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_i64().unwrap())
        .collect();
    let period = spec[1].as_f64().unwrap();
    let seg = period / changes.len() as f64;
    changes
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let ago = (period - seg * (i as f64 + 1.0) + seg / 2.0).trunc() as i64;
            (-ago, sign * c)
        })
        .collect()
}

/// `generateScalingRules(pods, podsPeriod, percent, percentPeriod, window)` as YAML.
fn rules_yaml(rules: &Value) -> Option<String> {
    let r: Vec<i64> = rules
        .as_array()?
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect();
    let mut y = format!(
        "      stabilizationWindowSeconds: {}\n      selectPolicy: Max\n      policies:\n",
        r[4]
    );
    if r[0] != 0 {
        let _ = writeln!(
            y,
            "      - {{type: Pods, value: {}, periodSeconds: {}}}",
            r[0], r[1]
        );
    }
    if r[2] != 0 {
        let _ = writeln!(
            y,
            "      - {{type: Percent, value: {}, periodSeconds: {}}}",
            r[2], r[3]
        );
    }
    Some(y)
}

/// The metric the horizontal_test.go cases are expressed with: a per-pod average, target 100.
const PER_POD_100: &str = "  - type: Pods\n    pods:\n      metric: {name: response_time_ms}\n      target: {type: AverageValue, averageValue: \"100\"}\n";

fn manifest(min: i64, max: i64, up: Option<String>, down: Option<String>) -> String {
    manifest_with(PER_POD_100, min, max, up, down)
}

fn manifest_with(
    metrics: &str,
    min: i64,
    max: i64,
    up: Option<String>,
    down: Option<String>,
) -> String {
    let mut y = format!(
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: test-hpa\n\
         spec:\n  minReplicas: {min}\n  maxReplicas: {max}\n  metrics:\n{metrics}"
    );
    if up.is_some() || down.is_some() {
        y.push_str("  behavior:\n");
        if let Some(u) = up {
            y.push_str("    scaleUp:\n");
            y.push_str(&u);
        }
        if let Some(d) = down {
            y.push_str("    scaleDown:\n");
            y.push_str(&d);
        }
    }
    y
}

fn rules_of(window: i64, select: &str, policies: &[(&str, i64, i64)]) -> String {
    let mut y = format!(
        "      stabilizationWindowSeconds: {window}\n      selectPolicy: {select}\n      policies:\n"
    );
    for (kind, value, period) in policies {
        let _ = writeln!(
            y,
            "      - {{type: {kind}, value: {value}, periodSeconds: {period}}}"
        );
    }
    y
}

/// A sample line at `offset` seconds.
fn sample(offset: i64, replicas: i64, metric: Option<f64>) -> Value {
    json!({"timestamp": ts(offset), "replicas": replicas, "response_time_ms": metric})
}

/// The value that makes ceil(current × value/100) = desired.
fn value_for(desired: i64, current: i64) -> f64 {
    desired as f64 / current as f64 * 100.0
}

/// History for a current count, scale events (offset, ±change) and the newest proposal.
fn history_with_events(
    current: i64,
    desired: i64,
    events: &[(i64, i64)],
) -> Result<Vec<Value>, String> {
    let mut by_time: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
    for &(t, c) in events {
        *by_time.entry(t).or_default() += c;
    }
    let total: i64 = by_time.values().sum();
    let mut count = current - total;
    if count < 0 {
        return Err(format!("the events need {count} replicas before them"));
    }
    let first = by_time.keys().next().copied().unwrap_or(0);
    let mut lines = vec![sample(first.min(0) - 1000, count, None)];
    for (&t, &c) in &by_time {
        count += c;
        if count < 0 {
            return Err("the events take the count below 0".to_string());
        }
        lines.push(sample(t, count, None));
    }
    lines.push(sample(0, current, Some(value_for(desired, current))));
    Ok(lines)
}

/// Recommendations (value, offset) remembered, each from `current`, then the newest proposal.
fn history_with_recommendations(current: i64, desired: i64, recs: &Value) -> Vec<Value> {
    let mut recs: Vec<(i64, i64)> = recs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[1].as_i64().unwrap(), r[0].as_i64().unwrap()))
        .collect();
    recs.sort();
    let mut lines: Vec<Value> = recs
        .iter()
        .map(|&(t, r)| sample(t, current, Some(value_for(r, current))))
        .collect();
    lines.push(sample(0, current, Some(value_for(desired, current))));
    lines
}

struct Built {
    manifest: String,
    history: Vec<Value>,
    extra: Vec<&'static str>,
    expected: i64,
}

/// The permissive rules of a stabilization-only case: nothing limits the rate.
fn free_rules(up_window: i64, down_window: i64) -> (String, String) {
    (
        rules_of(up_window, "Max", &[("Percent", 100_000, 15)]),
        rules_of(down_window, "Max", &[("Percent", 100, 15)]),
    )
}

fn build(case: &Value) -> Result<Built, String> {
    let mut built = build_kind(case)?;
    if case["kind"] != "replica_calc" {
        // horizontal_test.go hands the normalization a desired count: no tolerance applies.
        built.extra.extend(["--tolerance", "0"]);
    }
    Ok(built)
}

/// replica_calculator_test.go: one sample whose metric is the pods' aggregate, default
/// tolerance (0.1, the test's defaultTestingTolerance), nothing limiting the result.
fn replica_calc(case: &Value) -> Result<Built, String> {
    let cur = int(case, "current_replicas");
    let levels: Vec<i64> = case["levels_milli"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_i64().unwrap())
        .collect();
    let sum: i64 = levels.iter().sum();
    let (metrics, field, value, extra) = match case["metric"].as_str().unwrap() {
        "resource_cpu" => {
            let requests: i64 = case["requests_milli"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_i64().unwrap())
                .sum();
            // Above 100 % is normal against requests (the history keeps it, as the HPA does).
            let utilization = 100.0 * sum as f64 / requests as f64;
            let m = format!(
                "  - type: Resource\n    resource:\n      name: cpu\n      target: {{type: Utilization, averageUtilization: {}}}\n",
                int(case, "target_utilization")
            );
            (m, "cpu_percent", utilization, vec![])
        }
        // The test's custom metric "qps", as the per-pod average of requests_per_second.
        "pods" => (
            format!(
                "  - type: Pods\n    pods:\n      metric: {{name: requests_per_second}}\n      target: {{type: AverageValue, averageValue: \"{}m\"}}\n",
                int(case, "target_milli")
            ),
            "requests_per_second",
            sum as f64 / levels.len() as f64 / 1000.0,
            vec!["--rps-scope", "instance"],
        ),
        // An Object metric with an AverageValue target: the total, divided per replica.
        "object_per_pod" => (
            format!(
                "  - type: Object\n    object:\n      metric: {{name: requests_per_second}}\n      describedObject: {{apiVersion: apps/v1, kind: Deployment, name: some-deployment}}\n      target: {{type: AverageValue, averageValue: \"{}m\"}}\n",
                int(case, "per_pod_target_milli")
            ),
            "requests_per_second",
            sum as f64 / 1000.0,
            vec![],
        ),
        other => return Err(format!("metric '{other}' has no translation")),
    };
    let (up, down) = free_rules(0, 0);
    let mut line = json!({"timestamp": ts(0), "replicas": cur});
    line[field] = json!(value);
    let mut extra = extra;
    extra.extend(["--tolerance", "0.1"]);
    Ok(Built {
        manifest: manifest_with(&metrics, 1, 100_000, Some(up), Some(down)),
        history: vec![line],
        extra,
        expected: int(case, "expected_replicas"),
    })
}

fn build_kind(case: &Value) -> Result<Built, String> {
    let zero_windows = vec!["--scale-up-window", "0", "--scale-down-window", "0"];
    match case["kind"].as_str().unwrap() {
        "behavior_rate" => {
            let (cur, des) = (
                int(case, "current_replicas"),
                int(case, "prenormalized_desired_replicas"),
            );
            let mut events = uniform_events(&case["scale_up_events"], 1);
            events.extend(uniform_events(&case["scale_down_events"], -1));
            Ok(Built {
                manifest: manifest(
                    int(case, "min_replicas"),
                    int(case, "max_replicas"),
                    rules_yaml(&case["scale_up_rules"]),
                    rules_yaml(&case["scale_down_rules"]),
                ),
                history: history_with_events(cur, des, &events)?,
                // The test calls convertDesiredReplicasWithBehaviorRate alone: no windows.
                extra: zero_windows,
                expected: int(case, "expected_replicas"),
            })
        }
        "stabilization" => {
            let (cur, des) = (
                int(case, "current_replicas"),
                int(case, "prenormalized_desired_replicas"),
            );
            let (up, down) = free_rules(
                int(case, "scale_up_stabilization_window_seconds"),
                int(case, "scale_down_stabilization_window_seconds"),
            );
            Ok(Built {
                manifest: manifest(1, 100_000, Some(up), Some(down)),
                history: history_with_recommendations(cur, des, &case["recommendations"]),
                extra: vec![],
                expected: int(case, "expected_stabilized_replicas"),
            })
        }
        "legacy_stabilization" => {
            // stabilizeRecommendation takes no current count; the controller calls it with one
            // above every recommendation here (100), where the two algorithms coincide.
            let des = int(case, "prenormalized_desired_replicas");
            let (up, down) = free_rules(0, int(case, "downscale_stabilisation_window_seconds"));
            Ok(Built {
                manifest: manifest(1, 100_000, Some(up), Some(down)),
                history: history_with_recommendations(100, des, &case["recommendations"]),
                extra: vec![],
                expected: int(case, "expected_stabilized_replicas"),
            })
        }
        "legacy_limits" => {
            let (cur, des) = (
                int(case, "current_replicas"),
                int(case, "prenormalized_desired_replicas"),
            );
            if cur < 1 {
                return Err("max(factor × 0, minimum) has no Percent/Pods equivalent".to_string());
            }
            // max(8 × current, 4) for current ≥ 1 is a Percent policy of 700 %.
            let percent = (int(case, "scale_up_limit_factor") - 1) * 100;
            Ok(Built {
                manifest: manifest(
                    int(case, "min_replicas"),
                    int(case, "max_replicas"),
                    Some(rules_of(0, "Max", &[("Percent", percent, 15)])),
                    Some(rules_of(0, "Max", &[("Percent", 100, 15)])),
                ),
                history: history_with_events(cur, des, &[])?,
                extra: vec![],
                expected: int(case, "expected_replicas"),
            })
        }
        "limit_function" => {
            let cur = int(case, "current_replicas");
            let policies: Vec<(String, i64, i64)> = case["policies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap().to_string(),
                        p[1].as_i64().unwrap(),
                        p[2].as_i64().unwrap(),
                    )
                })
                .collect();
            let list: Vec<(&str, i64, i64)> = policies
                .iter()
                .map(|(k, v, p)| (k.as_str(), *v, *p))
                .collect();
            let rules = rules_of(
                int(case, "stabilization_window_seconds"),
                case["select_policy"].as_str().unwrap(),
                &list,
            );
            // Ask for far more (or fewer) than the limit, within bounds that do not bind.
            let (manifest, des) = if case["direction"] == "up" {
                (manifest(1, 1000, Some(rules), None), 1000)
            } else {
                (manifest(0, 1000, None, Some(rules)), 0)
            };
            Ok(Built {
                manifest,
                history: history_with_events(cur, des, &[])?,
                extra: zero_windows,
                expected: int(case, "expected_limit"),
            })
        }
        "replica_calc" => replica_calc(case),
        other => Err(format!("kind '{other}' has no translation")),
    }
}

fn run(dir: &Path, built: &Built) -> Result<i64, String> {
    std::fs::write(dir.join("hpa.yaml"), &built.manifest).unwrap();
    let lines: Vec<String> = built.history.iter().map(Value::to_string).collect();
    std::fs::write(dir.join("history.jsonl"), lines.join("\n") + "\n").unwrap();
    let out = Command::cargo_bin("rizk-scale")
        .unwrap()
        .env_clear()
        .current_dir(dir)
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args([
            "recommend",
            "--json",
            "--hpa",
            "hpa.yaml",
            "--history",
            "history.jsonl",
        ])
        .args(["--max-age", "0"])
        .args(&built.extra)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{e}: {text} {}", String::from_utf8_lossy(&out.stderr)))?;
    v["target_replicas"]
        .as_i64()
        .ok_or_else(|| format!("no target_replicas: {v}"))
}

#[test]
fn kubernetes_hpa_table_tests_agree() {
    let mut all = fixture("horizontal_test.json").as_array().unwrap().clone();
    all.extend(
        fixture("replica_calculator_test.json")
            .as_array()
            .unwrap()
            .iter()
            .cloned(),
    );
    let cases = &all;
    let dir = tempfile::tempdir().unwrap();
    let (mut agree, mut expressible) = (0, 0);
    let mut report = String::new();
    let mut disagreements = Vec::new();
    for case in cases {
        let name = format!(
            "{} / {}",
            case["test"].as_str().unwrap(),
            case["name"].as_str().unwrap()
        );
        match build(case) {
            Err(why) => {
                let _ = writeln!(report, "  not expressible: {name}: {why}");
            }
            Ok(built) => {
                expressible += 1;
                match run(dir.path(), &built) {
                    Ok(got) if got == built.expected => agree += 1,
                    Ok(got) => disagreements
                        .push(format!("{name}: expected {}, got {got}", built.expected)),
                    Err(e) => disagreements.push(format!("{name}: {e}")),
                }
            }
        }
    }
    let listed = fixture("not_expressible.json");
    for n in listed.as_array().unwrap() {
        let _ = writeln!(
            report,
            "  not expressible: {} / {}: {}",
            n["test"].as_str().unwrap(),
            n["name"].as_str().unwrap(),
            n["why"].as_str().unwrap()
        );
    }
    let behavior = cases
        .iter()
        .filter(|c| !matches!(c["kind"].as_str(), Some("legacy_limits" | "replica_calc")))
        .count();
    println!(
        "k8s HPA table tests: {agree} of {expressible} expressible cases agree ({} cases transcribed, {behavior} of them behavior cases: stabilization, rate limits, selectPolicy)\n{report}",
        cases.len()
    );
    for d in &disagreements {
        println!("  DISAGREES: {d}");
    }
    assert!(expressible >= 85, "only {expressible} cases expressed");
    assert_eq!(agree, expressible, "{disagreements:#?}");
}
