//! `validate` through the binary: exit codes, JSON shape, errors, redaction.

use crate::cli::util::*;

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate")
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportJson {
    schema_version: u32,
    ready: bool,
    checks: Vec<CheckJson>,
    #[serde(default)]
    notes: Vec<String>,
    summary: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckJson {
    id: String,
    category: String,
    status: String,
    message: String,
    hint: String,
}

fn run(env: &Env, args: &[&str]) -> std::process::Output {
    let mut cmd = env.cmd();
    cmd.arg("validate").args(args);
    cmd.output().unwrap()
}

#[test]
fn the_seed_deployment_is_ready_and_strict_counts_warnings() {
    let env = Env::new();
    let seed = fixtures().join("seed");
    let nginx = seed.join("nginx.conf");
    let base = [
        "--manifests",
        seed.to_str().unwrap(),
        "--nginx-conf",
        nginx.to_str().unwrap(),
    ];
    let out = run(&env, &[&base[..], &["--json"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r: ReportJson = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((r.schema_version, r.ready), (1, true));
    assert_eq!(r.checks.len(), 21);
    let status = |id: &str| {
        r.checks
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.status.clone())
            .unwrap()
    };
    assert_eq!(status("infrastructure.autoscaling_policy"), "pass");
    assert_eq!(status("infrastructure.redis_ha"), "skip");
    assert_eq!(status("reliability.multi_az"), "warn");
    assert!(
        r.checks
            .iter()
            .all(|c| c.id.starts_with(&format!("{}.", c.category)))
    );
    assert!(r.summary["warn"].as_u64().unwrap() >= 1);
    let out = run(&env, &[&base[..], &["--strict"]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("ready: no"), "{}", stdout(&out));
}

#[test]
fn a_failing_fixture_exits_1_and_only_selects() {
    let env = Env::new();
    let hpa = fixtures().join("hpa-min-replicas-1");
    let out = run(
        &env,
        &[
            "--manifests",
            hpa.to_str().unwrap(),
            "--only",
            "autoscaling_policy",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r: ReportJson = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r.checks.len(), 1);
    assert_eq!(r.checks[0].status, "fail");
    assert!(
        r.checks[0].message.contains("minReplicas 1"),
        "{}",
        r.checks[0].message
    );
    assert!(!r.checks[0].hint.is_empty());
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let env = Env::new();
    let bad = fixtures().join("malformed");
    let out = run(&env, &["--manifests", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("rizk-scale: error: ") && err.contains("bad.yaml:7:"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    let out = run(&env, &["--only", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("redis_ha"), "{}", stderr(&out));
    let out = run(&env, &["--attest", "backup_recovery_tested=soon"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn nothing_to_check_is_a_usage_error_naming_the_flags() {
    let env = Env::new();
    for (args, flags) in [
        (
            &[][..],
            &["--manifests", "--nginx-conf", "--redis", "--attest"][..],
        ),
        (&["--only", "pdb,health_probes"][..], &["--manifests"][..]),
        (
            &["--only", "retry_logic"][..],
            &["--nginx-conf", "--attest"][..],
        ),
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("rizk-scale: error: validate: nothing to check"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        for flag in flags {
            assert!(err.contains(flag), "{args:?}: {err} does not name {flag}");
        }
    }
}

#[test]
fn workload_selects_what_is_judged_and_notes_are_in_the_json() {
    let env = Env::new();
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/realworld/microservices-demo/kubernetes-manifests");
    let base = [
        "--manifests",
        demo.to_str().unwrap(),
        "--only",
        "shared_cache",
    ];
    let out = run(
        &env,
        &[&base[..], &["--workload", "cartservice", "--json"]].concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r: ReportJson = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r.checks[0].status, "pass");
    assert!(
        r.checks[0]
            .message
            .ends_with("REDIS_ADDR=redis-cart:6379; judged 1 workload: Deployment cartservice"),
        "{}",
        r.checks[0].message
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("kustomization.yaml: a kustomize Kustomization")),
        "{:?}",
        r.notes
    );
    let out = run(&env, &[&base[..], &["--workload", "shop/cart"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "rizk-scale: error: --workload 'shop/cart': no Deployment or StatefulSet of that name"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unreachable_redis_fails_fast_without_leaking_the_password() {
    let env = Env::new();
    let started = std::time::Instant::now();
    let out = run(
        &env,
        &["--redis", "redis://:hunter2secret@127.0.0.1:1", "--json"],
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("hunter2secret"), "{all}");
    let r: ReportJson = serde_json::from_slice(&out.stdout).unwrap();
    let ha = r
        .checks
        .iter()
        .find(|c| c.id == "infrastructure.redis_ha")
        .unwrap();
    assert_eq!(ha.status, "fail");
    assert!(
        ha.message.starts_with("Redis cluster not healthy"),
        "{}",
        ha.message
    );
}

#[test]
fn attestations_come_from_the_config_file() {
    let env = Env::new();
    let today = rizk_scale::validate::today_utc();
    std::fs::write(
        env.dir.path().join("rizk-scale.toml"),
        format!("[attest]\nbackup_recovery_tested = \"{today}\"\n"),
    )
    .unwrap();
    let out = run(&env, &["--only", "backup_recovery", "--json"]);
    let r: ReportJson = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r.checks[0].status, "pass", "{:?}", r.checks[0]);
}

#[test]
fn health_urls_and_metrics_endpoints_are_probed_for_real() {
    let env = Env::new();
    let healthy = serve(
        "200 OK",
        "text/plain; version=0.0.4",
        "# TYPE up gauge\nup 1\nhttp_requests_total 5\n",
    );
    let broken = serve("503 Service Unavailable", "text/plain", "down");
    let garbage = serve("200 OK", "text/plain; version=0.0.4", "up{ 1\n");
    let status = |out: &std::process::Output, id: &str| {
        let r: ReportJson = serde_json::from_slice(&out.stdout).unwrap();
        let c = r.checks.into_iter().find(|c| c.id == id).unwrap();
        (c.status, c.message)
    };
    let health = format!("{healthy}/health");
    let out = run(
        &env,
        &[
            "--health-url",
            &health,
            "--endpoint",
            &healthy,
            "--only",
            "load_balancer,monitoring",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(status(&out, "infrastructure.load_balancer").0, "pass");
    let (s, m) = status(&out, "configuration.monitoring");
    assert_eq!(s, "pass", "{m}");
    let bad_health = format!("{broken}/health");
    let out = run(
        &env,
        &[
            "--health-url",
            &bad_health,
            "--endpoint",
            &garbage,
            "--only",
            "load_balancer,monitoring",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let (s, m) = status(&out, "infrastructure.load_balancer");
    assert_eq!(s, "fail");
    assert!(m.contains("503"), "{m}");
    let (s, m) = status(&out, "configuration.monitoring");
    assert_eq!(s, "fail");
    assert!(m.contains("line 1"), "{m}");
}
