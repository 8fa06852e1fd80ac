//! Every `--json` output is checked against its JSON Schema in `schema/`.
//!
//! No validator crate is available, so this holds a small one for the subset the schemas use:
//! `type` (one or a list, `null` for nullable), `const`, `enum`, `properties`, `required`,
//! `additionalProperties` (a boolean), `items`, `oneOf`, `$ref` to `#/$defs/…` and
//! `format: date-time`.
//! Any other keyword is an error, so a schema cannot silently rely on something unchecked.

use std::path::Path;

use serde_json::{Value, json};

use crate::cli::util::*;

use crate::common::schema::{schema, validate};

/// Run `args` and check its stdout against `schema/<name>.schema.json`.
fn assert_output_matches(env: &Env, args: &[&str], name: &str) -> Value {
    assert_output_matches_exiting(env, args, name, 0)
}

/// The same, for a command expected to exit with `code` (validate: 1 = not ready).
fn assert_output_matches_exiting(env: &Env, args: &[&str], name: &str, code: i32) -> Value {
    let out = env.cmd().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
    let value: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&out)));
    let errors = validate(&schema(name), &value);
    assert!(
        errors.is_empty(),
        "{args:?} does not match schema/{name}.schema.json:\n{}\n{value:#}",
        errors.join("\n")
    );
    value
}

fn filled_env() -> Env {
    let env = Env::new();
    for _ in 0..3 {
        env.collect(&[
            "cpu_percent=95",
            "memory_percent=85",
            "active_connections=4",
        ]);
    }
    // A hand-written line: no timestamp, no instance, an extra field.
    let mut history = env.read_history();
    history.insert_str(
        0,
        "{\"cpu_percent\":1,\"raw_counters\":{\"requests_total\":9}}\n",
    );
    env.write_history(&history);
    env
}

#[test]
fn recommend_json_matches_its_schema() {
    let env = Env::new();
    let v = assert_output_matches(&env, &["recommend", "--json"], "recommend");
    assert_eq!(v["action"], "wait");
    let env = filled_env();
    let v = assert_output_matches(
        &env,
        &["recommend", "--json", "--max-age", "0"],
        "recommend",
    );
    assert_eq!(v["action"], "scale_up");
    let v = assert_output_matches(
        &env,
        &["recommend", "--json", "--current-replicas", "49"],
        "recommend",
    );
    assert_eq!(v["clamped"], true);
}

#[test]
fn collect_json_matches_its_schema() {
    let env = Env::new();
    let v = assert_output_matches(
        &env,
        &["collect", "--json", "--instance", "web-1"],
        "collect",
    );
    assert!(v["sample"]["timestamp"].is_string());
    let v = assert_output_matches(
        &env,
        &[
            "collect",
            "--json",
            "--no-host",
            "--metric",
            "error_rate=0.5",
        ],
        "collect",
    );
    assert_eq!(v["sample"]["cpu_percent"], Value::Null);
}

#[test]
fn history_show_and_export_json_match_their_schema() {
    let env = Env::new();
    let v = assert_output_matches(&env, &["history", "show", "--json"], "history");
    assert_eq!(v["samples"], json!([]));
    let env = filled_env();
    let v = assert_output_matches(&env, &["history", "show", "--json", "-n", "2"], "history");
    assert_eq!(v["samples"].as_array().map(Vec::len), Some(2));
    let v = assert_output_matches(&env, &["history", "export", "--format", "json"], "history");
    assert_eq!(v["samples"][0]["raw_counters"]["requests_total"], 9);
    assert_eq!(v["samples"].as_array().map(Vec::len), Some(4));
}

#[test]
fn validate_json_matches_its_schema() {
    let env = Env::new();
    // Nothing to check is a usage error, not "ready".
    let out = env.cmd().args(["validate", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing to check"),
        "{}",
        stderr(&out)
    );
    // Real checks on the seed's manifests and nginx.conf, an attestation, and a failing fixture.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate");
    let seed = fixtures.join("seed");
    let nginx = seed.join("nginx.conf");
    let args = [
        "validate",
        "--json",
        "--manifests",
        seed.to_str().unwrap(),
        "--nginx-conf",
        nginx.to_str().unwrap(),
        "--attest-max-age",
        "100000",
        "--attest",
        "backup_recovery_tested=2026-01-01",
    ];
    let v = assert_output_matches(&env, &args, "validate");
    let statuses: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["status"].as_str())
        .collect();
    assert!(
        statuses.contains(&"pass") && statuses.contains(&"skip"),
        "{statuses:?}"
    );
    let broken = fixtures.join("no-limits");
    let v = assert_output_matches_exiting(
        &env,
        &[
            "validate",
            "--json",
            "--manifests",
            broken.to_str().unwrap(),
        ],
        "validate",
        1,
    );
    assert_eq!(v["ready"], false);
}

#[test]
fn config_show_json_matches_its_schema() {
    let env = Env::new();
    let v = assert_output_matches(&env, &["config", "show", "--json"], "config");
    assert_eq!(v["config_file"], Value::Null);
    let file = env.dir.path().join("rizk-scale.toml");
    std::fs::write(&file, "[replicas]\nmin = 4\n").unwrap();
    let out = env
        .cmd()
        .env("RIZK_SCALE_CAPACITY", "9")
        .args([
            "--config",
            file.to_str().unwrap(),
            "config",
            "show",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = validate(&schema("config"), &v);
    assert!(errors.is_empty(), "{errors:?}\n{v:#}");
    assert_eq!(v["config_file"], file.to_str().unwrap());
    let kinds: Vec<&str> = v["settings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["source"]["kind"].as_str())
        .collect();
    for kind in ["config", "env", "default"] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
}

/// The schemas are strict: real output changed in any of these ways no longer validates.
#[test]
fn schemas_reject_gained_lost_and_mistyped_fields() {
    let env = filled_env();
    let rec = assert_output_matches(
        &env,
        &["recommend", "--json", "--current-replicas", "5"],
        "recommend",
    );
    let broken = |path: &[&str], change: &dyn Fn(&mut Value)| {
        let mut v = rec.clone();
        let mut target = &mut v;
        for p in path {
            target = match p.parse::<usize>() {
                Ok(i) => &mut target[i],
                Err(_) => &mut target[*p],
            };
        }
        change(target);
        validate(&schema("recommend"), &v)
    };
    let gained = broken(&[], &|v| {
        v["advice"] = json!("x");
    });
    assert_eq!(gained, vec!["/: unexpected field 'advice'"]);
    let lost = broken(&[], &|v| {
        v.as_object_mut().unwrap().remove("reason");
    });
    assert_eq!(lost, vec!["/: missing required field 'reason'"]);
    assert_eq!(broken(&["action"], &|v| *v = json!("explode")).len(), 1);
    assert_eq!(broken(&["replica_delta"], &|v| *v = json!(1.5)).len(), 1);
    assert_eq!(broken(&["schema_version"], &|v| *v = json!(2)).len(), 1);
    assert_eq!(broken(&["clamped"], &|v| *v = json!("no")).len(), 1);
    assert_eq!(
        broken(&["conditions", "0", "state"], &|v| *v = json!("maybe")),
        vec!["/conditions/0/state: \"maybe\" is not one of [\"met\",\"not_met\",\"unknown\"]"]
    );
    assert_eq!(
        broken(&["conditions", "0"], &|v| v["extra"] = json!(1)).len(),
        1
    );
    assert_eq!(
        broken(&["conditions", "0", "value"], &|v| *v = Value::Null),
        Vec::<String>::new()
    );
    assert_eq!(
        broken(&["conditions", "0", "threshold"], &|v| *v = Value::Null).len(),
        1
    );

    let col = assert_output_matches(&env, &["collect", "--json", "--instance", "w"], "collect");
    let mut v = col.clone();
    v["sample"]["cpu_percent"] = json!("high");
    v["sample"]["timestamp"] = json!("yesterday");
    // A fractional count is valid (an average); a string is not.
    v["sample"]["active_connections"] = json!("3");
    v["history"].as_object_mut().unwrap().remove("path");
    assert_eq!(
        validate(&schema("collect"), &v).len(),
        4,
        "{:?}",
        validate(&schema("collect"), &v)
    );
    let mut v = col;
    v["sample"]
        .as_object_mut()
        .unwrap()
        .remove("memory_percent");
    assert_eq!(
        validate(&schema("collect"), &v),
        vec!["/sample: missing required field 'memory_percent'"]
    );

    let mut v = json!({"schema_version": 1, "samples": [{}]});
    assert_eq!(
        validate(&schema("history"), &v).len(),
        7,
        "all seven metrics are required"
    );
    v["samples"] = json!("none");
    assert_eq!(validate(&schema("history"), &v).len(), 1);
}

#[test]
fn the_sample_is_defined_the_same_way_everywhere() {
    assert_eq!(
        schema("collect")["$defs"]["sample"],
        schema("history")["$defs"]["sample"]
    );
    // And it names every field of the Rust type.
    let names: Vec<String> = schema("history")["$defs"]["sample"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut expected: Vec<String> = rizk_scale::history::csv::FIELDS
        .iter()
        .map(|f| f.to_string())
        .collect();
    // host_raw, the host's counters, is an object: CSV has no column for it.
    expected.push("host_raw".into());
    let mut names = names;
    names.sort();
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn the_validator_refuses_keywords_it_does_not_check() {
    let result = std::panic::catch_unwind(|| validate(&json!({"minimum": 0}), &json!(1)));
    assert!(result.is_err());
}

#[test]
fn recommend_json_policy_additions_match_its_schema() {
    let env = Env::new();
    let noisy = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replay/noisy.jsonl");
    env.write_history(&std::fs::read_to_string(noisy).unwrap());
    let base = [
        "recommend",
        "--json",
        "--max-age",
        "0",
        "--current-replicas",
        "5",
    ];
    let hpa = [&base[..], &["--policy", "hpa", "--window", "3"]].concat();
    let v = assert_output_matches(&env, &hpa, "recommend");
    assert_eq!(v["policy"], "hpa");
    assert_eq!(v["statistic"], "median");
    assert!(v["proposals"].as_array().is_some_and(|p| !p.is_empty()));
    // Four high samples, then two low ones: a scale-down window holds the scale-down back.
    let held_env = Env::new();
    let lines: Vec<String> = (0..6)
        .map(|i| {
            let v = if i < 4 { [95, 85, 150] } else { [10, 10, 5] };
            format!(
                "{{\"timestamp\":\"2026-11-23T18:00:{:02}Z\",\"cpu_percent\":{},\"memory_percent\":{},\"requests_per_second\":{},\"cache_hit_rate\":90,\"error_rate\":0.1,\"response_time_ms\":100,\"active_connections\":3}}\n",
                i * 10,
                v[0],
                v[1],
                v[2]
            )
        })
        .collect();
    held_env.write_history(&lines.concat());
    let held = [&base[..], &["--scale-down-window", "5m"]].concat();
    let v = assert_output_matches(&held_env, &held, "recommend");
    assert_eq!(v["held_by_window"]["direction"], "down", "{v:#}");
    // The HPA's limits: the bounds clamp a big scale-up.
    let capped = [&base[..], &["--policy", "hpa", "--target", "cpu_percent=5"]].concat();
    let v = assert_output_matches(&env, &capped, "recommend");
    assert!(
        v["limits"].as_array().is_some_and(|l| !l.is_empty()),
        "{v:#}"
    );
}

#[test]
fn replay_json_matches_its_schema() {
    let env = Env::new();
    let noisy = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replay/noisy.jsonl");
    env.write_history(&std::fs::read_to_string(noisy).unwrap());
    let v = assert_output_matches(&env, &["replay", "--json"], "replay");
    assert!(v["summary"].get("final_replicas").is_none());
    let v = assert_output_matches(
        &env,
        &["replay", "--json", "--current-replicas", "5"],
        "replay",
    );
    assert_eq!(v["timeline"].as_array().map(Vec::len), Some(100));
    let v = assert_output_matches(
        &env,
        &[
            "replay",
            "--json",
            "--current-replicas",
            "5",
            "--scale-down-window",
            "5m",
            "--compare",
            "policy=hpa,target=cpu_percent=5",
        ],
        "replay",
    );
    let timeline = v["timeline"].as_array().unwrap();
    assert!(timeline.iter().any(|s| s.get("held_by_window").is_some()));
    let compared = v["compare"]["timeline"].as_array().unwrap();
    assert!(compared.iter().any(|s| s.get("winner").is_some()));
    assert!(
        compared
            .iter()
            .any(|s| s["limits"].as_array().is_some_and(|l| !l.is_empty())),
        "{:#}",
        v["compare"]["summary"]
    );
}

/// Every NDJSON line of `monitor --json`, each checked against `schema/monitor.schema.json`.
fn monitor_lines(env: &Env, args: &[&str], code: i32) -> Vec<Value> {
    let out = env.cmd().arg("monitor").args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
    let schema = schema("monitor");
    stdout(&out)
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let errors = validate(&schema, &value);
            assert!(errors.is_empty(), "{line}\n{}", errors.join("\n"));
            value
        })
        .collect()
}

#[test]
fn monitor_json_ticks_and_errors_match_their_schema() {
    let env = Env::new();
    let page = env.dir.path().join("metrics.txt");
    std::fs::write(&page, "http_requests_total 5\nhttp_errors_total 1\n").unwrap();
    let file_url = format!("file://{}", page.display());
    let ticks = monitor_lines(
        &env,
        &[
            "--json",
            "--count",
            "4",
            "--interval",
            "0",
            "--no-host",
            "--metric",
            "cpu_percent=95",
            "--metric",
            "memory_percent=85",
            "--endpoint",
            &file_url,
            "--current-replicas",
            "5",
        ],
        0,
    );
    assert_eq!(ticks.len(), 4);
    assert_eq!(ticks[0]["recommendation"]["action"], "wait");
    assert_eq!(ticks[3]["recommendation"]["action"], "scale_up");
    assert_eq!(ticks[3]["targets"][0]["ok"], true);
    // Without --endpoint: no targets.
    let ticks = monitor_lines(
        &env,
        &[
            "--json",
            "--count",
            "1",
            "--interval",
            "0",
            "--no-host",
            "--metric",
            "cpu_percent=1",
        ],
        0,
    );
    assert!(ticks[0].get("targets").is_none());
    // A failed tick: the only endpoint refuses and the host is not sampled.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("http://127.0.0.1:{port}/metrics");
    let errors = monitor_lines(
        &env,
        &[
            "--json",
            "--count",
            "2",
            "--interval",
            "0",
            "--no-host",
            "--endpoint",
            &closed,
        ],
        2,
    );
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[1]["tick"], 2);
    assert!(errors[0]["error"].as_str().unwrap().contains(&closed));
    // The two shapes do not blur: a tick with an error field matches neither.
    let mut both = ticks[0].clone();
    both["error"] = json!("x");
    assert_eq!(validate(&schema("monitor"), &both).len(), 1);
}

#[test]
fn shared_definitions_agree_across_schemas() {
    let recommend = schema("recommend");
    let monitor = schema("monitor");
    let replay = schema("replay");
    assert_eq!(
        monitor["$defs"]["sample"],
        schema("collect")["$defs"]["sample"]
    );
    assert_eq!(
        monitor["$defs"]["target"],
        schema("collect")["properties"]["targets"]["items"]
    );
    // monitor's recommendation is the recommend document, definitions included.
    for key in ["type", "required", "properties", "additionalProperties"] {
        assert_eq!(
            monitor["$defs"]["recommendation"][key], recommend[key],
            "{key}"
        );
    }
    for (name, def) in recommend["$defs"].as_object().unwrap() {
        assert_eq!(&monitor["$defs"][name], def, "{name}");
    }
    for name in ["metric", "held", "limit"] {
        assert_eq!(replay["$defs"][name], recommend["$defs"][name], "{name}");
    }
}
