//! Configuration: precedence of every layer, error messages, init/check/show.

use std::os::unix::fs::PermissionsExt;

use crate::cli::util::*;

fn hot(env: &Env) {
    for _ in 0..3 {
        env.collect(&["cpu_percent=95", "memory_percent=85"]);
    }
}

fn target(env: &Env, extra_env: &[(&str, &str)], args: &[&str]) -> RecommendJson {
    let mut cmd = env.cmd();
    cmd.args(["recommend", "--json", "--current-replicas", "5"])
        .args(args);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    parse_recommend(&out)
}

#[test]
fn each_layer_overrides_the_next() {
    let env = Env::new();
    hot(&env); // scale_up +3 from 5 → 8 unless bounded
    assert_eq!(target(&env, &[], &[]).target_replicas, Some(8)); // default max 50
    std::fs::write(
        env.dir.path().join("rizk-scale.toml"),
        "[replicas]\nmax = 6\n",
    )
    .unwrap();
    assert_eq!(target(&env, &[], &[]).target_replicas, Some(6)); // file
    let e = [("RIZK_SCALE_MAX_REPLICAS", "7")];
    assert_eq!(target(&env, &e, &[]).target_replicas, Some(7)); // env over file
    assert_eq!(
        target(&env, &e, &["--max-replicas", "8"]).target_replicas,
        Some(8)
    ); // flag over env
}

#[test]
fn explicit_config_path_and_xdg_location() {
    let env = Env::new();
    hot(&env);
    let xdg = env.dir.path().join("xdg");
    std::fs::create_dir_all(xdg.join("rizk-scale")).unwrap();
    std::fs::write(xdg.join("rizk-scale/config.toml"), "[replicas]\nmax = 6\n").unwrap();
    let x = xdg.to_str().unwrap();
    assert_eq!(
        target(&env, &[("XDG_CONFIG_HOME", x)], &[]).target_replicas,
        Some(6)
    );
    let other = env.dir.path().join("other.toml");
    std::fs::write(&other, "[replicas]\nmax = 7\n").unwrap();
    let o = other.to_str().unwrap();
    assert_eq!(
        target(&env, &[("XDG_CONFIG_HOME", x)], &["--config", o]).target_replicas,
        Some(7)
    );
    assert_eq!(
        target(&env, &[("RIZK_SCALE_CONFIG", o)], &[]).target_replicas,
        Some(7)
    );
    let out = env
        .cmd()
        .args(["--config", "missing.toml", "recommend"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("rizk-scale: error: config 'missing.toml': "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn thresholds_from_the_file_change_the_decision() {
    let env = Env::new();
    for _ in 0..3 {
        env.collect(&["cpu_percent=50", "memory_percent=50"]);
    }
    assert_eq!(target(&env, &[], &[]).action, "maintain");
    std::fs::write(
        env.dir.path().join("rizk-scale.toml"),
        "[thresholds.scale_up]\ncpu_percent = 40\nmemory_percent = 45\n[thresholds.scale_down]\ncpu_percent = 20\n",
    )
    .unwrap();
    let r = target(&env, &[], &[]);
    assert_eq!((r.action.as_str(), r.replica_delta), ("scale_up", 1));
    assert_eq!(r.conditions[0].threshold, 40.0);
}

#[test]
fn config_errors_name_file_line_and_key() {
    let env = Env::new();
    let cases = [
        ("[history]\ncolour = 1\n", "rizk-scale.toml:2:1'", "colour"),
        (
            "[replicas]\nmin = 9\nmax = 3\n",
            "rizk-scale.toml:2:7'",
            "replicas.min: 9 is greater than replicas.max (3)",
        ),
        (
            "[thresholds.scale_down]\nerror_rate = 9\n",
            "rizk-scale.toml:2:14'",
            "thresholds.scale_down.error_rate",
        ),
        (
            "[thresholds.scale_up]\nerror_rate = 170\n",
            "rizk-scale.toml:2:14'",
            "percentage",
        ),
        (
            "[policy]\nmax_age = \"later\"\n",
            "rizk-scale.toml:2:11'",
            "policy.max_age",
        ),
        ("[replicas\n", "rizk-scale.toml:1:", ""),
    ];
    for (text, at, what) in cases {
        std::fs::write(env.dir.path().join("rizk-scale.toml"), text).unwrap();
        for args in [&["recommend"][..], &["config", "check"][..]] {
            let out = env.cmd().args(args).output().unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{text}: {err}");
            assert!(
                err.starts_with("rizk-scale: error: config '")
                    && err.contains(at)
                    && err.contains(what),
                "{text}: {err}"
            );
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
}

#[test]
fn init_show_and_check() {
    let env = Env::new();
    let out = env.cmd().args(["config", "init"]).output().unwrap();
    assert!(out.status.success());
    let path = env.dir.path().join("rizk-scale.toml");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let out = env.cmd().args(["config", "init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exists (use --force to overwrite)"));
    assert!(
        env.cmd()
            .args(["config", "init", "--force"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let out = env.cmd().args(["config", "check"]).output().unwrap();
    assert!(
        stdout(&out).ends_with("rizk-scale.toml: ok\n"),
        "{}",
        stdout(&out)
    );

    std::fs::write(&path, "[replicas]\nmin = 4\n").unwrap();
    let out = env
        .cmd()
        .args(["config", "show", "--json"])
        .env("RIZK_SCALE_CAPACITY", "9")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    let find = |key: &str| {
        v["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .unwrap()
            .clone()
    };
    assert_eq!(find("replicas.min")["value"], "4");
    assert_eq!(find("replicas.min")["source"]["kind"], "config");
    assert!(
        find("replicas.min")["source"]["from"]
            .as_str()
            .unwrap()
            .ends_with("rizk-scale.toml:2")
    );
    assert_eq!(
        find("history.capacity")["source"]["from"],
        "RIZK_SCALE_CAPACITY"
    );
    assert_eq!(find("history.path")["source"]["from"], "RIZK_SCALE_HISTORY");
    assert_eq!(find("replicas.max")["source"]["kind"], "default");
    let out = env.cmd().args(["config", "show"]).output().unwrap();
    assert!(stdout(&out).contains("env RIZK_SCALE_HISTORY"));
    let out = env
        .cmd()
        .args(["--capacity", "7", "config", "show", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cap = v["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "history.capacity")
        .unwrap()
        .clone();
    assert_eq!(
        (cap["value"].as_str(), cap["source"]["kind"].as_str()),
        (Some("7"), Some("flag"))
    );
}

#[test]
fn endpoints_and_mapping_come_from_the_file() {
    let env = Env::new();
    let base = serve(
        "200 OK",
        "text/plain; version=0.0.4",
        "# TYPE app_open gauge\napp_open{pool=\"a\"} 7\napp_open{pool=\"b\"} 9\nhttp_connections_active 100\n",
    );
    let url = format!("{base}/metrics");
    std::fs::write(
        env.dir.path().join("rizk-scale.toml"),
        format!(
            "[endpoints]\nurls = [\"{url}\"]\ntimeout = \"2s\"\n[endpoints.mapping]\nconnections = ['app_open{{pool=\"b\"}}']\n"
        ),
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["collect", "--no-host", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["targets"][0]["ok"], true, "{v}");
    // The configured selector, not the default gauge (100) and not pool "a" (7).
    assert_eq!(v["sample"]["active_connections"], 9);
}

#[test]
fn validate_sources_come_from_the_file_and_flags_win() {
    let env = Env::new();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate");
    std::fs::write(
        env.dir.path().join("rizk-scale.toml"),
        format!(
            "[validate]\nmanifests = [\"{}\"]\n",
            fixtures.join("hpa-min-replicas-1").display()
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = env
            .cmd()
            .args(["validate", "--only", "autoscaling_policy", "--json"])
            .args(args)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            out.status.code(),
            v["checks"][0]["status"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(run(&[]), (Some(1), "fail".to_string()));
    let seed = fixtures.join("seed");
    assert_eq!(
        run(&["--manifests", seed.to_str().unwrap()]),
        (Some(0), "pass".to_string())
    );
}
