//! Coherent decisions through the real binary: with the current count known, `action`,
//! `replica_delta` and the `--exit-code` follow `target − current` after every limit, what the
//! policy wanted stays in `proposed`, the limits are named in `limited_by`, and the reason says
//! what decided. Also `--hpa FILE` (the seed's hpa.yaml) in recommend and replay.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::{Value, json};

/// The seed's hpa.yaml (scaling-guide.txt), re-indented.
const SEED_HPA: &str = "\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: rizk-app-hpa
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: rizk-app}
  minReplicas: 3
  maxReplicas: 50
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
  - type: Resource
    resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}
  - type: Pods
    pods: {metric: {name: rizk_requests_per_second}, target: {type: AverageValue, averageValue: \"100\"}}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
      - {type: Percent, value: 50, periodSeconds: 60}
    scaleUp:
      stabilizationWindowSeconds: 60
      policies:
      - {type: Percent, value: 100, periodSeconds: 15}
      - {type: Pods, value: 5, periodSeconds: 15}
      selectPolicy: Max
";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new(lines: &[Value]) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(dir.path().join("history.jsonl"), text).unwrap();
        std::fs::write(dir.path().join("hpa.yaml"), SEED_HPA).unwrap();
        Env { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("rizk-scale").unwrap();
        c.env_clear()
            .current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("RIZK_SCALE_HISTORY", self.path("history.jsonl"));
        c
    }

    /// `recommend --json --exit-code --max-age 0 ARGS`: (exit code, document).
    fn recommend(&self, args: &[&str]) -> (Option<i32>, Value) {
        let out = self
            .cmd()
            .args(["recommend", "--json", "--exit-code", "--max-age", "0"])
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), parse(&out))
    }
}

fn parse(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The document of a command that must have succeeded.
fn parse_ok(out: &Output) -> Value {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    parse(out)
}

fn at(i: i64) -> String {
    jiff::Timestamp::from_second(1_800_000_000 + 10 * i)
        .unwrap()
        .to_string()
}

fn hot(i: i64) -> Value {
    json!({"timestamp": at(i), "cpu_percent": 95, "memory_percent": 85, "requests_per_second": 150})
}

fn cold(i: i64) -> Value {
    json!({"timestamp": at(i), "cpu_percent": 10, "memory_percent": 20, "requests_per_second": 5,
           "response_time_ms": 50, "error_rate": 0})
}

fn decision(v: &Value) -> (&str, i64, u64) {
    (
        v["action"].as_str().unwrap(),
        v["replica_delta"].as_i64().unwrap(),
        v["target_replicas"].as_u64().unwrap(),
    )
}

fn reason(v: &Value) -> &str {
    v["reason"].as_str().unwrap()
}

#[test]
fn at_max_and_wanting_more_is_maintain_exit_0() {
    let env = Env::new(&[hot(0), hot(1), hot(2)]);
    let (code, v) = env.recommend(&["--current-replicas", "50"]);
    assert_eq!(code, Some(0));
    assert_eq!(decision(&v), ("maintain", 0, 50));
    assert_eq!(
        v["proposed"],
        json!({"action": "scale_up", "replica_delta": 3})
    );
    assert_eq!(v["limited_by"], json!(["max_replicas"]));
    assert!(
        reason(&v).starts_with("at max replicas 50: the policy wanted +3"),
        "{}",
        reason(&v)
    );
    // The table says it too.
    let out = env
        .cmd()
        .args(["recommend", "--max-age", "0", "--current-replicas", "50"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "Recommendation: maintain (50 → 50 replicas, clamped to bounds)\n\
             Limited by: max_replicas (the policy wanted scale_up +3)\n\
             Reason: at max replicas 50"
        ),
        "{text}"
    );
}

#[test]
fn above_max_is_scale_down_to_it_exit_11() {
    let env = Env::new(&[hot(0), hot(1), hot(2)]);
    let (code, v) = env.recommend(&["--current-replicas", "60"]);
    assert_eq!(code, Some(11));
    assert_eq!(decision(&v), ("scale_down", -10, 50));
    assert_eq!(v["limited_by"], json!(["max_replicas"]));
    assert!(
        reason(&v).starts_with("60 replicas running, above max replicas 50"),
        "{}",
        reason(&v)
    );
}

#[test]
fn below_min_is_scale_up_even_on_a_short_history_exit_10() {
    let env = Env::new(&[hot(0)]);
    let (code, v) = env.recommend(&["--current-replicas", "2"]);
    assert_eq!(code, Some(10));
    assert_eq!(decision(&v), ("scale_up", 1, 3));
    assert_eq!(v["proposed"]["action"], "wait");
    assert_eq!(v["limited_by"], json!(["min_replicas"]));
    assert!(
        reason(&v).contains("below min replicas 3"),
        "{}",
        reason(&v)
    );
    assert!(reason(&v).contains("Insufficient metrics history: 1 of 3 samples"));
    // Metrics unknown, HPA policy: the same.
    let env = Env::new(&[json!({"timestamp": at(0)})]);
    let (code, v) = env.recommend(&["--policy", "hpa", "--current-replicas", "2"]);
    assert_eq!((code, decision(&v)), (Some(10), ("scale_up", 1, 3)));
}

#[test]
fn hpa_with_zero_replicas_is_disabled_maintain_target_0() {
    let env = Env::new(&[hot(0), hot(1), hot(2)]);
    let (code, v) = env.recommend(&["--policy", "hpa", "--current-replicas", "0"]);
    assert_eq!(code, Some(0));
    assert_eq!(decision(&v), ("maintain", 0, 0));
    assert_eq!(v["limited_by"], json!(["scaling_disabled"]));
    assert!(
        reason(&v).starts_with("Autoscaling disabled: 0 replicas running"),
        "{}",
        reason(&v)
    );
}

#[test]
fn wait_says_what_it_waits_for_exit_12() {
    let env = Env::new(&[hot(0), hot(1)]);
    let (code, v) = env.recommend(&["--current-replicas", "5"]);
    assert_eq!(code, Some(12));
    assert_eq!(decision(&v), ("wait", 0, 5));
    assert_eq!(
        reason(&v),
        "Insufficient metrics history: 2 of 3 samples; waiting for 1 more sample"
    );
}

#[test]
fn a_window_and_a_policy_are_named_in_limited_by() {
    // Cold for a minute, then cold again with one warm sample 20 s before: the 5m scale-down
    // window holds the scale-down (maintain, exit 0).
    let mut lines: Vec<Value> = (0..6).map(cold).collect();
    lines[4]["cpu_percent"] = json!(50);
    let env = Env::new(&lines);
    let (code, v) = env.recommend(&["--current-replicas", "6", "--scale-down-window", "5m"]);
    assert_eq!(code, Some(0));
    assert_eq!(decision(&v), ("maintain", 0, 6));
    assert_eq!(v["limited_by"], json!(["stabilization_window"]));
    assert_eq!(
        v["proposed"],
        json!({"action": "scale_down", "replica_delta": -1})
    );
    assert!(
        reason(&v).starts_with("scale_down held: 1 of 4 samples in the last 5m"),
        "{}",
        reason(&v)
    );
    // The seed's hpa.yaml: CPU 98 % from 10 replicas wants 14; 5 pods were added 10 s ago
    // (replicas 5 → 10): Percent 100 % of 5 = 10, Pods 5 + 5 = 10 — no further scale-up yet.
    let lines = vec![
        json!({"timestamp": at(0), "replicas": 5, "cpu_percent": 60, "memory_percent": 40, "requests_per_second": 100}),
        json!({"timestamp": at(1), "replicas": 10, "cpu_percent": 98, "memory_percent": 40, "requests_per_second": 100}),
    ];
    let env = Env::new(&lines);
    let (code, v) = env.recommend(&["--hpa", "hpa.yaml", "--scale-up-window", "0"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(decision(&v), ("maintain", 0, 10));
    assert_eq!(v["current_replicas"], 10, "the newest sample's replicas");
    assert_eq!(v["limited_by"], json!(["scale_up_policy"]));
    assert_eq!(
        v["proposed"],
        json!({"action": "scale_up", "replica_delta": 4})
    );
    assert!(
        reason(&v).contains(
            "14 limited to 10 by the scale-up policy 100% per 15s or 5 pods per 15s (Max) from 10"
        ),
        "{}",
        reason(&v)
    );
    // Without the window override, the seed's 60 s scale-up window holds it first (the
    // sample before proposed ceil(5 × 60/70) = 5, fewer than 10 running).
    let (_, v) = env.recommend(&["--hpa", "hpa.yaml"]);
    assert_eq!(v["limited_by"][0], "stabilization_window");
}

#[test]
fn hpa_file_sets_bounds_and_flags_override_it() {
    let env = Env::new(&[hot(0)]);
    // 2 running, the file's minimum is 3.
    let (_, v) = env.recommend(&["--hpa", "hpa.yaml", "--current-replicas", "2"]);
    assert_eq!(decision(&v), ("scale_up", 1, 3));
    assert_eq!(v["policy"], "hpa");
    let (_, v) = env.recommend(&[
        "--hpa",
        "hpa.yaml",
        "--current-replicas",
        "2",
        "--min-replicas",
        "1",
    ]);
    assert_ne!(v["limited_by"], json!(["min_replicas"]), "{v}");
    // A metric the file cannot express is reported, not silently dropped.
    let text = SEED_HPA.replace(
        "  behavior:",
        "  - type: External\n    external: {metric: {name: queue}, target: {type: Value, value: \"3\"}}\n  behavior:",
    );
    std::fs::write(env.path("other.yaml"), text).unwrap();
    let out = env
        .cmd()
        .args([
            "recommend",
            "--json",
            "--max-age",
            "0",
            "--hpa",
            "other.yaml:rizk-app-hpa",
            "--current-replicas",
            "5",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: --hpa 'other.yaml:rizk-app-hpa': spec.metrics[3]: External metrics come from outside the cluster"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(0));
    // A missing file is an error naming it, exit 2.
    let out = env
        .cmd()
        .args(["recommend", "--hpa", "nope.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("rizk-scale: error: --hpa 'nope.yaml': "),
        "{err}"
    );
}

#[test]
fn replay_with_the_seed_hpa_shows_its_rate_limits() {
    // Load doubles every sample for a minute: the HPA would want ever more, the policies
    // (100 % or 5 pods per 15 s) and the 60 s window hold it back.
    let lines: Vec<Value> = (0..12)
        .map(|i| json!({"timestamp": at(i), "cpu_percent": 99, "memory_percent": 50, "requests_per_second": 2000}))
        .collect();
    let env = Env::new(&lines);
    let out = env
        .cmd()
        .args([
            "replay",
            "--json",
            "--hpa",
            "hpa.yaml",
            "--current-replicas",
            "3",
        ])
        .output()
        .unwrap();
    let v = parse_ok(&out);
    let timeline = v["timeline"].as_array().unwrap();
    let limited: Vec<&Value> = timeline
        .iter()
        .filter(|s| {
            s["limited_by"]
                .as_array()
                .is_some_and(|l| l.contains(&json!("scale_up_policy")))
        })
        .collect();
    assert!(!limited.is_empty(), "{v}");
    // No step ever adds more than max(100 %, 5 pods) of its own count.
    for s in timeline {
        let (c, t) = (
            s["current_replicas"].as_u64().unwrap(),
            s["target_replicas"].as_u64().unwrap(),
        );
        assert!(t <= (2 * c).max(c + 5), "{s}");
    }
    // Two minutes are not enough to reach the 50 the metrics ask for.
    let last = v["summary"]["final_replicas"].as_u64().unwrap();
    assert!((9..50).contains(&last), "{last}");
    assert!(
        v["settings"]
            .as_str()
            .unwrap()
            .starts_with("hpa (--hpa hpa.yaml)")
    );
}

#[test]
fn ci_script_scales_down_from_above_the_maximum() {
    let env = Env::new(&[hot(0), hot(1), hot(2)]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci-scale.sh");
    let out = Command::new("bash")
        .env_clear()
        .current_dir(env.dir.path())
        .env("HOME", env.dir.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RIZK_SCALE", env!("CARGO_BIN_EXE_rizk-scale"))
        .arg(script)
        .args(["--no-collect", "--current-replicas", "60", "--"])
        .args([
            "--history",
            env.path("history.jsonl").to_str().unwrap(),
            "--max-age",
            "0",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("scale_down: -10 replicas: 60 replicas running, above max replicas 50"),
        "{text}"
    );
    assert!(
        text.ends_with("dry run: would run: kubectl scale deployment/rizk-app --replicas=50\n"),
        "{text}"
    );
}

#[test]
fn collect_records_replicas_and_recommend_reads_the_newest() {
    let env = Env::new(&[]);
    for n in ["4", "6"] {
        let out = env
            .cmd()
            .args([
                "collect",
                "--no-host",
                "--metric",
                "cpu_percent=95",
                "--metric",
                "memory_percent=85",
            ])
            .args(["--current-replicas", n])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = std::fs::read_to_string(env.path("history.jsonl")).unwrap();
    let recorded: Vec<u64> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["replicas"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(recorded, [4, 6]);
    // No --current-replicas: the newest sample's 6 is the current count (the HPA needs one).
    let (_, v) = env.recommend(&["--policy", "hpa"]);
    assert_eq!(v["current_replicas"], 6, "{v}");
}

#[test]
fn errors_caused_by_an_environment_variable_name_it() {
    let env = Env::new(&[hot(0)]);
    let run = |vars: &[(&str, &str)], args: &[&str]| {
        let out = env
            .cmd()
            .envs(vars.iter().copied())
            .args(["recommend", "--max-age", "0"])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(&[("RIZK_SCALE_MIN_REPLICAS", "abc")], &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("rizk-scale: error: RIZK_SCALE_MIN_REPLICAS 'abc': invalid digit"),
        "{err}"
    );
    let (code, err) = run(
        &[
            ("RIZK_SCALE_MIN_REPLICAS", "9"),
            ("RIZK_SCALE_MAX_REPLICAS", "5"),
        ],
        &[],
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "rizk-scale: error: RIZK_SCALE_MIN_REPLICAS '9' is greater than RIZK_SCALE_MAX_REPLICAS '5'\n"
    );
    // A flag is named as a flag, and the --hpa file's bounds as the file's.
    let (_, err) = run(
        &[("RIZK_SCALE_MAX_REPLICAS", "5")],
        &["--min-replicas", "9"],
    );
    assert!(
        err.contains("--min-replicas '9' is greater than RIZK_SCALE_MAX_REPLICAS '5'"),
        "{err}"
    );
    let (_, err) = run(&[("RIZK_SCALE_MIN_REPLICAS", "60")], &["--hpa", "hpa.yaml"]);
    assert!(
        err.contains(
            "RIZK_SCALE_MIN_REPLICAS '60' is greater than --hpa 'hpa.yaml' max-replicas '50'"
        ),
        "{err}"
    );
}

#[test]
fn an_environment_variable_also_wins_over_the_hpa_file() {
    let env = Env::new(&[hot(0), hot(1), hot(2)]);
    let out = env
        .cmd()
        .env("RIZK_SCALE_MAX_REPLICAS", "20")
        .args([
            "recommend",
            "--json",
            "--max-age",
            "0",
            "--hpa",
            "hpa.yaml",
            "--current-replicas",
            "30",
        ])
        .output()
        .unwrap();
    let v = parse(&out);
    assert_eq!(decision(&v), ("scale_down", -10, 20));
    assert!(
        reason(&v).contains("above max replicas 20"),
        "{}",
        reason(&v)
    );
}

#[test]
fn config_show_names_the_hpa_file_as_the_source() {
    let env = Env::new(&[]);
    let out = env
        .cmd()
        .env("RIZK_SCALE_MAX_REPLICAS", "20")
        .args(["config", "show", "--json", "--hpa", "hpa.yaml"])
        .output()
        .unwrap();
    let v = parse_ok(&out);
    let errors = crate::common::schema::validate(&crate::common::schema::schema("config"), &v);
    assert!(errors.is_empty(), "{errors:?}");
    let row = |key: &str| {
        v["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .cloned()
            .unwrap_or_else(|| panic!("no {key} in {v}"))
    };
    assert_eq!(row("replicas.min")["value"], "3");
    assert_eq!(
        row("replicas.min")["source"],
        json!({"kind": "hpa", "from": "hpa.yaml"})
    );
    // The environment wins over the file, and says so.
    assert_eq!(row("replicas.max")["value"], "20");
    assert_eq!(row("replicas.max")["source"]["kind"], "env");
    assert_eq!(
        row("hpa.scale_up")["value"],
        "100% per 15s or 5 pods per 15s (Max), window 1m"
    );
    assert_eq!(
        row("hpa.scale_down")["value"],
        "50% per 60s (Max), window 5m"
    );
}
