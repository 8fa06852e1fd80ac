//! `config show` and the commands read their settings from one resolver: for each layer (config
//! file, environment, flag) the value and source `config show` reports are the values
//! `recommend`, `monitor` and `replay` run with (they say so on `-v`). A bad value from an
//! environment variable is an error naming the variable.

use std::path::Path;
use std::process::{Command, Output};

/// The binary with a clean environment, a temp HOME and history, and the given variables.
fn rizk(home: &Path, env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rizk-scale"));
    c.env_clear()
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["--history", &home.join("h.jsonl").display().to_string()]);
    c.envs(env.iter().copied());
    c
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `(value, source kind)` of `key` in `config show --json`.
fn shown(home: &Path, env: &[(&str, &str)], globals: &[&str], key: &str) -> (String, String) {
    let out = ok(rizk(home, env)
        .args(globals)
        .args(["config", "show", "--json"])
        .output()
        .unwrap());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = doc["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {doc}"));
    (
        row["value"].as_str().unwrap().to_string(),
        row["source"]["kind"].as_str().unwrap().to_string(),
    )
}

/// What `command` reports on `-v` about the policy it runs with.
fn used(home: &Path, env: &[(&str, &str)], command: &[&str]) -> String {
    let out = ok(rizk(home, env).arg("-v").args(command).output().unwrap());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const MONITOR: &[&str] = &[
    "monitor",
    "--json",
    "--count",
    "1",
    "--interval",
    "0",
    "--no-host",
    "--metric",
    "cpu_percent=50",
];

#[test]
fn config_show_and_the_commands_agree_for_the_file_and_the_environment() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::write(
        h.join("rizk-scale.toml"),
        "[replicas]\nmin = 4\nmax = 6\n[policy]\nmax_age = \"2m\"\n",
    )
    .unwrap();
    let env = [
        ("RIZK_SCALE_MIN_REPLICAS", "5"),
        ("RIZK_SCALE_MAX_REPLICAS", "9"),
        ("RIZK_SCALE_MAX_AGE", "1s"),
    ];
    // (environment, expected source kind, min, max, max age)
    let layers = [
        (&[][..], "config", "4", "6", "2m"),
        (&env[..], "env", "5", "9", "1s"),
    ];
    for (vars, kind, min, max, age) in layers {
        for (key, value) in [
            ("replicas.min", min),
            ("replicas.max", max),
            ("policy.max_age", age),
        ] {
            assert_eq!(
                shown(h, vars, &[], key),
                (value.to_string(), kind.to_string()),
                "{key} ({kind})"
            );
        }
        let expected = format!("replicas {min}..{max}; max age {age}");
        let recommend = used(h, vars, &["recommend", "--json"]);
        assert!(recommend.contains(&expected), "recommend: {recommend}");
        let monitor = used(h, vars, MONITOR);
        assert!(monitor.contains(&expected), "monitor: {monitor}");
        // A replay decides each sample at its own time: bounds apply, max age does not.
        let replay = used(h, vars, &["replay", "--json"]);
        assert!(
            replay.contains(&format!("replicas {min}..{max}; max age none")),
            "replay: {replay}"
        );
    }
}

#[test]
fn config_show_and_the_commands_agree_for_global_flags() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::write(h.join("rizk-scale.toml"), "[history]\ncapacity = 11\n").unwrap();
    let env = [("RIZK_SCALE_CAPACITY", "12")];
    for (vars, globals, value, kind) in [
        (&[][..], &[][..], "11", "config"),
        (&env[..], &[][..], "12", "env"),
        (&env[..], &["--capacity", "13"][..], "13", "flag"),
    ] {
        assert_eq!(
            shown(h, vars, globals, "history.capacity"),
            (value.to_string(), kind.to_string())
        );
        let mut command = globals.to_vec();
        command.extend(["recommend", "--json"]);
        let stderr = used(h, vars, &command);
        assert!(
            stderr.contains(&format!("capacity {value})")),
            "{kind}: {stderr}"
        );
    }
}

#[test]
fn a_bad_value_from_the_environment_names_the_variable() {
    let home = tempfile::tempdir().unwrap();
    for (var, value, command) in [
        ("RIZK_SCALE_MIN_REPLICAS", "three", "recommend"),
        ("RIZK_SCALE_MAX_AGE", "soon", "monitor"),
        ("RIZK_SCALE_CAPACITY", "0", "replay"),
    ] {
        let out = rizk(home.path(), &[(var, value)])
            .arg(command)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&format!("rizk-scale: error: {var} '{value}': ")),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // The same bad value typed as a flag is clap's usage error about the flag.
    let out = rizk(home.path(), &[])
        .args(["recommend", "--min-replicas", "three"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--min-replicas"));
}
