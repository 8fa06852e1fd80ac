//! The validate library on the fixtures in `tests/fixtures/validate/`: the seed's own manifests
//! and nginx.conf as a ready set, and one fixture per rule that makes its check fail or warn.

use std::path::PathBuf;

use rizk_scale::sample::Sample;
use rizk_scale::validate::{
    Inputs, Report, Status, ValidateOptions, ids, render_json, render_table, run,
};

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/validate")
        .join(path)
}

fn options() -> ValidateOptions {
    ValidateOptions {
        today: Some(jiff::civil::date(2026, 11, 23)),
        ..ValidateOptions::default()
    }
}

fn history(name: &str) -> Vec<Sample> {
    let path = fixture(&format!("history/{name}"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .map(|l| Sample::from_line(l).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
}

async fn validate(opts: ValidateOptions) -> Report {
    run(&opts, Inputs::default())
        .await
        .unwrap_or_else(|e| panic!("validate failed: {e:#}"))
}

async fn manifests(dir: &str) -> Report {
    validate(ValidateOptions {
        manifests: vec![fixture(dir)],
        ..options()
    })
    .await
}

async fn nginx(conf: &str) -> Report {
    validate(ValidateOptions {
        nginx_conf: Some(fixture(conf)),
        ..options()
    })
    .await
}

use crate::common::verdict::expect;

#[tokio::test]
async fn the_seed_set_is_ready_with_two_warnings() {
    let report = validate(ValidateOptions {
        manifests: vec![fixture("seed")],
        nginx_conf: Some(fixture("seed/nginx.conf")),
        ..options()
    })
    .await;
    let statuses: Vec<(&str, Status)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    use Status::*;
    assert_eq!(
        statuses,
        [
            (ids::REDIS_HA, Skip),
            (ids::LOAD_BALANCER, Pass),
            (ids::AUTOSCALING_POLICY, Pass),
            (ids::RESOURCES, Pass),
            (ids::PDB, Pass),
            (ids::INSTANCE_CACHE_PREFIX, Pass),
            (ids::SHARED_CACHE, Pass),
            (ids::REGIONAL_ENDPOINTS, Manual),
            (ids::CROSS_REGION_SYNC, Manual),
            (ids::MONITORING, Pass),
            (ids::CACHE_HIT_RATE, Skip),
            (ids::RESPONSE_TIME, Skip),
            (ids::ERROR_RATE, Skip),
            (ids::CPU_UTILIZATION, Skip),
            (ids::MEMORY_UTILIZATION, Skip),
            (ids::MULTI_AZ, Warn),
            // The seed has no preStop hook: the endpoints-removal race.
            (ids::GRACEFUL_SHUTDOWN, Warn),
            (ids::HEALTH_PROBES, Pass),
            (ids::CIRCUIT_BREAKERS, Pass),
            (ids::RETRY_LOGIC, Pass),
            (ids::BACKUP_RECOVERY, Manual),
        ]
    );
    assert!(report.ready);
    assert_eq!(report.exit_code(), 0);
    expect(
        &report,
        ids::AUTOSCALING_POLICY,
        Pass,
        &["HPA rizk-app-hpa → Deployment rizk-app: minReplicas 3, maxReplicas 50, 3 metrics"],
    );
    expect(
        &report,
        ids::LOAD_BALANCER,
        Pass,
        &[
            "upstream rizk_backend: 3 servers with max_fails=3 fail_timeout=30s",
            "least_conn, ip_hash all set; nginx uses ip_hash",
            "location /health (nginx.conf:",
        ],
    );
    expect(
        &report,
        ids::PDB,
        Pass,
        &["allows 1 disruption at HPA minReplicas 3"],
    );
    expect(
        &report,
        ids::SHARED_CACHE,
        Pass,
        &["REDIS_URL=redis://redis-cluster:6379"],
    );
    expect(
        &report,
        ids::INSTANCE_CACHE_PREFIX,
        Pass,
        &["INSTANCE_ID from metadata.name"],
    );
    expect(
        &report,
        ids::MULTI_AZ,
        Warn,
        &["kubernetes.io/hostname only"],
    );
    expect(&report, ids::REDIS_HA, Skip, &["needs --redis"]);
    expect(&report, ids::CACHE_HIT_RATE, Skip, &["needs a history"]);

    let strict = validate(ValidateOptions {
        manifests: vec![fixture("seed")],
        nginx_conf: Some(fixture("seed/nginx.conf")),
        strict: true,
        ..options()
    })
    .await;
    assert!(!strict.ready);
    assert_eq!(strict.exit_code(), 1);

    let table = render_table(&report, false, 120);
    assert!(
        table.ends_with("ready: yes — 2 warnings, 3 manual, 6 skipped, 10 passed\n"),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&render_json(&report).unwrap()).unwrap();
    assert_eq!(json["ready"], true);
    assert_eq!(json["checks"].as_array().unwrap().len(), 21);
    assert_eq!(json["summary"]["warn"], 2);
}

#[tokio::test]
async fn zone_spread_passes_multi_az() {
    let r = manifests("zone-spread").await;
    expect(
        &r,
        ids::MULTI_AZ,
        Status::Pass,
        &["topologySpreadConstraint on topology.kubernetes.io/zone"],
    );
}

#[tokio::test]
async fn hpa_fixtures() {
    let r = manifests("hpa-missing").await;
    expect(
        &r,
        ids::AUTOSCALING_POLICY,
        Status::Fail,
        &["no HorizontalPodAutoscaler targets Deployment rizk-app"],
    );
    assert!(!r.ready);
    // Without an HPA the PDB is judged against spec.replicas.
    expect(&r, ids::PDB, Status::Pass, &["at replicas 3"]);

    let r = manifests("hpa-min-replicas-1").await;
    expect(
        &r,
        ids::AUTOSCALING_POLICY,
        Status::Fail,
        &["HPA rizk-app-hpa: minReplicas 1 (< 2"],
    );

    let r = manifests("hpa-no-behavior").await;
    expect(
        &r,
        ids::AUTOSCALING_POLICY,
        Status::Warn,
        &["HPA rizk-app-hpa: no behavior"],
    );
}

#[tokio::test]
async fn resources_fixture() {
    let r = manifests("no-limits").await;
    expect(
        &r,
        ids::RESOURCES,
        Status::Fail,
        &["Deployment rizk-app: container rizk-app has no cpu limit, memory limit"],
    );
}

#[tokio::test]
async fn pdb_fixtures() {
    let r = manifests("pdb-selector-mismatch").await;
    expect(
        &r,
        ids::PDB,
        Status::Fail,
        &[
            "PDB rizk-app-pdb selector app=rizk-api does not match pods of Deployment rizk-app (app=rizk-app)",
        ],
    );
    let r = manifests("pdb-min-available").await;
    expect(
        &r,
        ids::PDB,
        Status::Fail,
        &["PDB rizk-app-pdb: minAvailable 3 ≥ HPA minReplicas 3"],
    );
}

#[tokio::test]
async fn configuration_fixtures() {
    let r = manifests("instance-id-literal").await;
    expect(
        &r,
        ids::INSTANCE_CACHE_PREFIX,
        Status::Fail,
        &["INSTANCE_ID is the literal 'rizk-app'"],
    );
    let r = manifests("no-redis-url").await;
    expect(
        &r,
        ids::SHARED_CACHE,
        Status::Fail,
        &["no REDIS_URL (or equivalent) env"],
    );
    let r = manifests("no-monitoring").await;
    expect(
        &r,
        ids::MONITORING,
        Status::Warn,
        &["no prometheus.io/scrape annotation"],
    );
}

#[tokio::test]
async fn graceful_shutdown_fixture() {
    let r = manifests("no-prestop-grace-10").await;
    expect(
        &r,
        ids::GRACEFUL_SHUTDOWN,
        Status::Warn,
        &[
            "no preStop hook (terminationGracePeriodSeconds 10): SIGTERM races the removal from the Service endpoints",
        ],
    );
}

#[tokio::test]
async fn malformed_yaml_names_file_and_line() {
    let opts = ValidateOptions {
        manifests: vec![fixture("malformed/bad.yaml")],
        ..options()
    };
    let err = run(&opts, Inputs::default()).await.unwrap_err().to_string();
    let expected = format!(
        "{}:7:2: did not find expected key",
        fixture("malformed/bad.yaml").display()
    );
    assert!(err.starts_with(&expected), "{err}");
}

#[tokio::test]
async fn nginx_fixtures() {
    let r = nginx("nginx/single-server.conf").await;
    expect(
        &r,
        ids::LOAD_BALANCER,
        Status::Fail,
        &[
            "upstream rizk_backend (single-server.conf:2) has 1 active server (rizk-instance-1:8000)",
        ],
    );

    let r = nginx("nginx/no-max-fails.conf").await;
    expect(
        &r,
        ids::LOAD_BALANCER,
        Status::Warn,
        &["without explicit max_fails/fail_timeout"],
    );
    expect(
        &r,
        ids::CIRCUIT_BREAKERS,
        Status::Warn,
        &["without explicit max_fails/fail_timeout (nginx defaults: 1 failure / 10s)"],
    );

    let r = nginx("nginx/max-fails-zero.conf").await;
    expect(&r, ids::CIRCUIT_BREAKERS, Status::Fail, &["max_fails=0"]);

    let r = nginx("nginx/no-next-upstream.conf").await;
    expect(
        &r,
        ids::RETRY_LOGIC,
        Status::Warn,
        &[
            "location / (no-next-upstream.conf:",
            "no proxy_next_upstream",
        ],
    );

    let r = nginx("nginx/next-upstream-off.conf").await;
    expect(
        &r,
        ids::RETRY_LOGIC,
        Status::Fail,
        &["proxy_next_upstream off"],
    );

    let r = nginx("nginx/no-health-location.conf").await;
    expect(
        &r,
        ids::LOAD_BALANCER,
        Status::Warn,
        &["no health location in nginx.conf"],
    );
}

#[tokio::test]
async fn nginx_include_chain() {
    let r = nginx("nginx/include/nginx.conf").await;
    expect(
        &r,
        ids::LOAD_BALANCER,
        Status::Pass,
        &[
            "upstream rizk_backend: 3 servers",
            "location /health (health.conf:1)",
        ],
    );
    // proxy_next_upstream is inherited from the server block, two includes away.
    expect(
        &r,
        ids::RETRY_LOGIC,
        Status::Pass,
        &[
            "location / (app.conf:1): proxy_next_upstream error timeout http_502 http_503, proxy_next_upstream_tries 2",
        ],
    );
    expect(
        &r,
        ids::CIRCUIT_BREAKERS,
        Status::Pass,
        &["(10-upstream.conf:2)"],
    );
}

#[tokio::test]
async fn nginx_errors_name_file_and_line() {
    let opts = ValidateOptions {
        nginx_conf: Some(fixture("nginx/cycle/nginx.conf")),
        ..options()
    };
    let err = run(&opts, Inputs::default()).await.unwrap_err().to_string();
    assert!(
        err.contains("servers.conf:3: include cycle: nginx.conf → servers.conf → nginx.conf"),
        "{err}"
    );

    let opts = ValidateOptions {
        nginx_conf: Some(fixture("nginx/syntax-error.conf")),
        ..options()
    };
    let err = run(&opts, Inputs::default()).await.unwrap_err().to_string();
    assert!(
        err.ends_with(
            "syntax-error.conf:2: upstream server: invalid parameter 'server' (a missing ';'?)"
        ),
        "{err}"
    );

    let opts = ValidateOptions {
        nginx_conf: Some(fixture("nginx/unclosed.conf")),
        ..options()
    };
    let err = run(&opts, Inputs::default()).await.unwrap_err().to_string();
    assert!(err.ends_with("unclosed.conf:10: unexpected end of file, expecting '}' (for 'server' opened at line 6)"), "{err}");
}

#[tokio::test]
async fn history_fixtures() {
    let healthy = run(
        &options(),
        Inputs {
            history: Some(history("healthy.jsonl")),
            ..Inputs::default()
        },
    )
    .await
    .unwrap();
    for id in [
        ids::CACHE_HIT_RATE,
        ids::RESPONSE_TIME,
        ids::ERROR_RATE,
        ids::CPU_UTILIZATION,
        ids::MEMORY_UTILIZATION,
    ] {
        expect(&healthy, id, Status::Pass, &["mean of 10 samples"]);
    }
    expect(
        &healthy,
        ids::CPU_UTILIZATION,
        Status::Pass,
        &["CPU 69.5% (mean of 10 samples, latest 74.0%) within 60–80%"],
    );

    let degraded = run(
        &options(),
        Inputs {
            history: Some(history("degraded.jsonl")),
            ..Inputs::default()
        },
    )
    .await
    .unwrap();
    expect(
        &degraded,
        ids::CACHE_HIT_RATE,
        Status::Warn,
        &["cache hit rate 65.0% (mean of 4 samples", "low (< 70%)"],
    );
    expect(&degraded, ids::RESPONSE_TIME, Status::Warn, &["820.0ms"]);
    expect(&degraded, ids::ERROR_RATE, Status::Warn, &["2.5%"]);
    expect(
        &degraded,
        ids::CPU_UTILIZATION,
        Status::Warn,
        &["above the 60–80% band"],
    );
    expect(&degraded, ids::MEMORY_UTILIZATION, Status::Warn, &["88.0%"]);
    // Performance warns, it does not block.
    assert!(degraded.ready);
}

#[tokio::test]
async fn attestations_and_filters() {
    let opts = ValidateOptions {
        attestations: vec![
            "backup_recovery_tested=2026-10-01".parse().unwrap(),
            "regional_endpoints=2026-01-01".parse().unwrap(),
        ],
        only: vec!["configuration".into(), "reliability.backup_recovery".into()],
        skip: vec!["monitoring".into()],
        ..options()
    };
    let r = validate(opts).await;
    let ids_seen: Vec<&str> = r.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids_seen,
        [
            ids::INSTANCE_CACHE_PREFIX,
            ids::SHARED_CACHE,
            ids::REGIONAL_ENDPOINTS,
            ids::CROSS_REGION_SYNC,
            ids::BACKUP_RECOVERY
        ]
    );
    expect(
        &r,
        ids::BACKUP_RECOVERY,
        Status::Pass,
        &["backup_recovery_tested attested 2026-10-01 (53 days ago)"],
    );
    expect(
        &r,
        ids::REGIONAL_ENDPOINTS,
        Status::Warn,
        &["326 days ago (older than 90 days)"],
    );
    expect(
        &r,
        ids::CROSS_REGION_SYNC,
        Status::Manual,
        &["not attested"],
    );
    expect(&r, ids::SHARED_CACHE, Status::Skip, &["needs --manifests"]);
}
