//! `collect`: samples appended, `--metric` validation, `--json`.

use std::os::unix::fs::PermissionsExt;

use crate::cli::util::*;

#[test]
fn collect_json_prints_the_sample_written() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "collect",
            "--json",
            "--instance",
            "web-1",
            "--metric",
            "requests_per_second=140.5",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["sample"]["instance"], "web-1");
    assert_eq!(v["sample"]["requests_per_second"], 140.5);
    assert!(v["sample"]["cpu_percent"].as_f64().is_some());
    assert!(v["sample"]["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(v["history"]["samples"], 1);
    let mode = std::fs::metadata(env.history())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let line = env.read_history();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(line.trim()).unwrap(),
        v["sample"]
    );
}

#[test]
fn no_host_leaves_host_metrics_unknown() {
    let env = Env::new();
    env.collect(&["error_rate=2.5"]);
    let v: serde_json::Value = serde_json::from_str(env.read_history().trim()).unwrap();
    assert_eq!(v["cpu_percent"], serde_json::Value::Null);
    assert_eq!(v["error_rate"], 2.5);
}

#[test]
fn bad_metric_names_and_values_are_usage_errors() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["collect", "--no-host", "--metric", "rps=3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("unknown metric 'rps'") && err.contains("requests_per_second"),
        "{err}"
    );
    let out = env
        .cmd()
        .args(["collect", "--metric", "cpu_percent=lots"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'lots' is not a number"));
    let out = env.cmd().args(["collect", "--no-host"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("rizk-scale: error: nothing to collect"));
    assert!(!env.history().exists());
}

#[test]
fn capacity_keeps_the_newest() {
    let env = Env::new();
    for i in 0..5 {
        let mut cmd = env.cmd();
        cmd.args(["collect", "--no-host", "--capacity", "3", "--metric"])
            .arg(format!("cpu_percent={i}"));
        assert!(cmd.output().unwrap().status.success());
    }
    let cpus: Vec<f64> = env
        .read_history()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["cpu_percent"]
                .as_f64()
                .unwrap()
        })
        .collect();
    assert_eq!(cpus, vec![2.0, 3.0, 4.0]);
}
