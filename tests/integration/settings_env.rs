//! `monitor` and `replay` honour `RIZK_SCALE_MIN_REPLICAS`, `RIZK_SCALE_MAX_REPLICAS` and (for
//! monitor) `RIZK_SCALE_MAX_AGE` as `recommend` does, and as `config show` reports them; a
//! flag still wins over the environment.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::process::{Command, Output};

/// The binary with a clean environment, a temp HOME and the given history file.
fn rizk(home: &std::path::Path, env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rizk-scale"));
    c.env_clear()
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["--history", &home.join("h.jsonl").display().to_string()]);
    c.envs(env.iter().copied());
    c
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const BOUNDS: [(&str, &str); 3] = [
    ("RIZK_SCALE_MIN_REPLICAS", "5"),
    ("RIZK_SCALE_MAX_REPLICAS", "7"),
    ("RIZK_SCALE_MAX_AGE", "1s"),
];

#[test]
fn monitor_takes_replica_bounds_and_max_age_from_the_environment() {
    let home = tempfile::tempdir().unwrap();
    let out = rizk(home.path(), &BOUNDS)
        .args([
            "-v",
            "monitor",
            "--json",
            "--count",
            "1",
            "--interval",
            "1s",
        ])
        .args(["--no-host", "--metric", "cpu_percent=50"])
        .args(["--current-replicas", "2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("replicas 5..7; max age 1s"),
        "{}",
        stderr(&out)
    );
    let tick: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    let target = tick["recommendation"]["target_replicas"].as_u64().unwrap();
    assert!(
        (5..=7).contains(&target),
        "target {target} outside 5..7: {tick}"
    );
}

#[test]
fn replay_takes_replica_bounds_from_the_environment_and_a_flag_wins() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("h.jsonl"),
        "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"cpu_percent\":50,\"memory_percent\":50}\n\
         {\"timestamp\":\"2026-01-01T00:01:00Z\",\"cpu_percent\":50,\"memory_percent\":50}\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = rizk(home.path(), &BOUNDS)
            .args(["-v", "replay", "--json", "--current-replicas", "2"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    let from_env = run(&[]);
    assert!(from_env.contains("replicas 5..7"), "{from_env}");
    let flag = run(&["--min-replicas", "4"]);
    assert!(flag.contains("replicas 4..7"), "{flag}");
}

#[test]
fn quiet_silences_monitor_warnings_on_the_one_diagnostics_path() {
    let home = tempfile::tempdir().unwrap();
    let run = |quiet: bool| {
        let mut c = rizk(home.path(), &[]);
        if quiet {
            c.arg("-q");
        }
        let out = c
            .args(["monitor", "--json", "--count", "1", "--interval", "1s"])
            .args(["--no-host", "--metric", "cpu_percent=50"])
            .args(["--exec-on-change", "false"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    assert!(run(false).contains("rizk-scale: warning: --exec-on-change 'false' failed"));
    let quiet = run(true);
    assert!(!quiet.contains("warning"), "{quiet}");
}
