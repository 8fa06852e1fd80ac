//! `validate` on the real-world corpus in `tests/fixtures/realworld/` (files written by others,
//! listed in its SOURCES.md): every valid manifest and nginx configuration is read, files that
//! are not Kubernetes objects are skipped with a note, Helm templates are a one-line error, and
//! the verdicts on real files are the ones an SRE would sign.

use std::path::{Path, PathBuf};

use rizk_scale::sources::{manifests, nginx};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realworld")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(&corpus(), &mut out);
    out
}

fn is_yaml(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "yaml" || x == "yml")
}

/// nginx files: `*.conf`, and the parameter/type files nginx ships in its `conf/`.
fn is_nginx(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "conf") || p.starts_with(corpus().join("nginx/conf"))
}

fn rel(p: &Path) -> String {
    p.strip_prefix(corpus()).unwrap_or(p).display().to_string()
}

/// Files that are not valid as they are, and the error each must give.
const EXPECTED_ERRORS: [(&str, &str); 10] = [
    (
        "kube-linter/mychart/templates/deployment.yaml",
        "deployment.yaml:4: a Helm template",
    ),
    (
        "kube-linter/mychart/templates/hpa.yaml",
        "hpa.yaml:1: a Helm template",
    ),
    (
        "kube-linter/mychart/templates/ingress.yaml",
        "ingress.yaml:1: a Helm template",
    ),
    (
        "kube-linter/mychart/templates/service.yaml",
        "service.yaml:4: a Helm template",
    ),
    (
        "kube-linter/mychart/templates/serviceaccount.yaml",
        "serviceaccount.yaml:1: a Helm template",
    ),
    (
        "kube-linter/mychart/templates/tests/test-connection.yaml",
        "test-connection.yaml:4: a Helm template",
    ),
    // kube-score's parser test: `port: ${PORT_EXPOSE}` is an envsubst placeholder.
    (
        "kube-score/testdata/invalid-yaml.yaml",
        "invalid-yaml.yaml:9:11: spec.ports[0].port: invalid type",
    ),
    (
        "nginx-demos/consul-template-demo/nginx/nginx.conf",
        "nginx.conf:1: a template ('{{ … }}'), not nginx syntax",
    ),
    // ingress-nginx's whitespace-cleaner inputs are cut off before `http {` closes (15 '{', 14 '}').
    (
        "ingress-nginx/test/data/cleanConf.expected.conf",
        "cleanConf.expected.conf:135: unexpected end of file, expecting '}' (for 'http' opened at line 20)",
    ),
    (
        "ingress-nginx/test/data/cleanConf.src.conf",
        "cleanConf.src.conf:182: unexpected end of file, expecting '}' (for 'http' opened at line 37)",
    ),
];

fn read_one(f: &Path) -> Result<Vec<String>, String> {
    if is_yaml(f) {
        manifests::read(std::slice::from_ref(&f.to_path_buf()))
            .map(|m| m.notes)
            .map_err(|e| e.to_string())
    } else {
        nginx::read(f).map(|c| c.notes).map_err(|e| e.to_string())
    }
}

#[test]
fn every_valid_file_is_read_and_every_invalid_one_names_its_line() {
    let all: Vec<PathBuf> = files()
        .into_iter()
        .filter(|f| is_yaml(f) || is_nginx(f))
        .collect();
    let sources: std::collections::BTreeSet<String> = all
        .iter()
        .filter_map(|f| rel(f).split('/').next().map(str::to_string))
        .collect();
    assert!(all.len() >= 150, "{} files", all.len());
    assert!(sources.len() >= 8, "{sources:?}");
    let mut rejected = Vec::new();
    let mut notes = Vec::new();
    for f in &all {
        let name = rel(f);
        let expected = EXPECTED_ERRORS.iter().find(|(p, _)| *p == name);
        match (read_one(f), expected) {
            (Ok(n), None) => notes.extend(n),
            (Err(e), None) => rejected.push(e),
            (Ok(_), Some((_, want))) => {
                rejected.push(format!("{name}: read, but should fail with {want:?}"))
            }
            (Err(e), Some((_, want))) => {
                assert!(e.contains(want), "{name}: {e:?} does not contain {want:?}");
                assert!(!e.contains('\n'), "{name}: {e:?} is not one line");
            }
        }
    }
    eprintln!(
        "{} files from {} sources; {} notes",
        all.len(),
        sources.len(),
        notes.len()
    );
    assert!(
        rejected.is_empty(),
        "{} of {} files rejected:\n{}",
        rejected.len(),
        all.len(),
        rejected.join("\n")
    );
    // Files that are not Kubernetes objects are named in a note, not refused.
    for skipped in [
        "kube-linter/mychart/Chart.yaml",
        "kube-linter/mychart/values.yaml",
        "microservices-demo/kubernetes-manifests/kustomization.yaml",
    ] {
        assert!(
            notes
                .iter()
                .any(|n| n.contains(skipped) && n.contains("skipped")),
            "no note for {skipped}: {notes:#?}"
        );
    }
    // Includes of the machine the file came from are noted, not fatal.
    assert!(
        notes
            .iter()
            .any(|n| n.contains("include '/etc/nginx/mime.types' not found")),
        "{notes:#?}"
    );
}

// ---- verdicts on real files ----------------------------------------------------------------

use rizk_scale::validate::{Inputs, Report, Status, ValidateOptions, ids, render_table, run};

fn real(path: &str) -> PathBuf {
    corpus().join(path)
}

/// Hand-made inputs for what no public file shows (tests/fixtures/validate/realworld-gaps/).
fn gap(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/validate/realworld-gaps")
        .join(path)
}

async fn report(manifests: &[PathBuf], nginx: Option<PathBuf>, workloads: &[&str]) -> Report {
    let opts = ValidateOptions {
        manifests: manifests.to_vec(),
        nginx_conf: nginx,
        workloads: workloads.iter().map(|w| w.to_string()).collect(),
        today: Some(jiff::civil::date(2026, 11, 23)),
        ..ValidateOptions::default()
    };
    run(&opts, Inputs::default())
        .await
        .unwrap_or_else(|e| panic!("validate failed: {e:#}"))
}

use crate::common::verdict::expect;

fn demo() -> Vec<PathBuf> {
    vec![real("microservices-demo/kubernetes-manifests")]
}

#[tokio::test]
async fn a_kubectl_list_is_judged_like_its_items() {
    let r = report(&[real("kube-score/list.yaml")], None, &[]).await;
    expect(
        &r,
        ids::RESOURCES,
        Status::Fail,
        &["Deployment list-deployment-test: container nginx has no cpu request"],
    );
    expect(
        &r,
        ids::AUTOSCALING_POLICY,
        Status::Fail,
        &["no HorizontalPodAutoscaler targets Deployment list-deployment-test"],
    );
}

#[tokio::test]
async fn a_base_and_its_rendered_copy_are_counted_once() {
    let both = [demo(), vec![real("microservices-demo/release")]].concat();
    let r = report(&both, None, &[]).await;
    let once = report(&demo(), None, &[]).await;
    assert_eq!(r.get(ids::RESOURCES), once.get(ids::RESOURCES));
    assert!(
        r.notes.iter().any(|n| n
            .contains("release/kubernetes-manifests.yaml: Deployment default/")
            && n.contains("already read from another file or document: counted once")),
        "{:#?}",
        r.notes
    );
    expect(
        &r,
        ids::SHARED_CACHE,
        Status::Fail,
        &["judged 12 workloads: Deployment adservice, Deployment cartservice"],
    );
}

#[tokio::test]
async fn workload_restricts_the_checks_and_the_app_checks_name_it() {
    let r = report(&demo(), None, &["cartservice"]).await;
    expect(
        &r,
        ids::SHARED_CACHE,
        Status::Pass,
        &[
            "Deployment cartservice: container server: REDIS_ADDR=redis-cart:6379",
            "judged 1 workload: Deployment cartservice",
        ],
    );
    expect(
        &r,
        ids::INSTANCE_CACHE_PREFIX,
        Status::Warn,
        &["judged 1 workload: Deployment cartservice"],
    );
    let r = report(&demo(), None, &["default/frontend", "adservice"]).await;
    expect(
        &r,
        ids::SHARED_CACHE,
        Status::Fail,
        &["judged 2 workloads: Deployment adservice, Deployment frontend"],
    );
    let opts = ValidateOptions {
        manifests: demo(),
        workloads: vec!["shop/frontend".into()],
        ..ValidateOptions::default()
    };
    let e = run(&opts, Inputs::default()).await.unwrap_err().to_string();
    assert!(e.starts_with("--workload 'shop/frontend': no Deployment or StatefulSet of that name in --manifests (found: default/adservice, "), "{e}");
}

#[tokio::test]
async fn the_table_groups_a_dozen_workloads() {
    let r = report(&demo(), None, &[]).await;
    let table = render_table(&r, false, 160);
    // Each workload is named once in the graceful_shutdown row, its evidence indented under it.
    let rows: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.contains("graceful_shutdown"))
        .take_while(|l| !l.contains("health_probes"))
        .collect();
    let rows = rows.join("\n");
    for w in ["adservice", "cartservice", "frontend", "redis-cart"] {
        assert_eq!(
            rows.matches(&format!("Deployment {w}:")).count(),
            1,
            "{rows}"
        );
    }
    assert!(
        rows.contains("· no preStop hook (terminationGracePeriodSeconds 5)"),
        "{rows}"
    );
}

#[tokio::test]
async fn fail_timeout_zero_disables_passive_health_checks() {
    let r = report(&[], Some(real("mastodon/dist/nginx.conf")), &[]).await;
    expect(
        &r,
        ids::CIRCUIT_BREAKERS,
        Status::Fail,
        &[
            "upstream backend (nginx.conf:6): fail_timeout=0 on 127.0.0.1:3000 disables passive health checks",
        ],
    );
    expect(
        &r,
        ids::LOAD_BALANCER,
        Status::Fail,
        &["upstream backend (nginx.conf:6) has 1 active server (127.0.0.1:3000)"],
    );
}

#[tokio::test]
async fn upstreams_filled_at_run_time_are_not_counted() {
    let r = report(
        &[],
        Some(real("nginx-demos/consul-api-demo/nginxplus/app.conf")),
        &[],
    )
    .await;
    expect(
        &r,
        ids::LOAD_BALANCER,
        Status::Manual,
        &[
            "upstream backend (app.conf:1): servers are kept in state file /tmp/upstream.conf (NGINX Plus API)",
        ],
    );
    let r = report(
        &[],
        Some(real("nginx-demos/consul-dns-srv-demo/nginxplus/app.conf")),
        &[],
    )
    .await;
    let lb = r.get(ids::LOAD_BALANCER).unwrap();
    assert!(!lb.message.contains("active server"), "{lb:?}");
    let r = report(
        &[],
        Some(real("nginx-demos/nginx-gcp-meetup-demo/nginxplus/udp.conf")),
        &[],
    )
    .await;
    expect(
        &r,
        ids::CIRCUIT_BREAKERS,
        Status::Manual,
        &["upstream udp_backend (udp.conf:2): zone without servers: they are added at run time"],
    );
}

#[tokio::test]
async fn dns_servers_are_judged_on_what_dns_returns() {
    let conf = real("nginx-demos/consul-dns-srv-demo/nginxplus/app.conf");
    let r = report(&[], Some(conf), &[]).await;
    expect(
        &r,
        ids::LOAD_BALANCER,
        Status::Manual,
        &[
            "upstream backend (app.conf:4): service.consul resolved at run time (resolve/service=): the server count is what DNS returns",
        ],
    );
}

#[tokio::test]
async fn stream_proxies_and_active_health_checks() {
    let r = report(
        &[],
        Some(real(
            "nginx-demos/mysql-galera-demo/nginxplus/conf/nginx.conf",
        )),
        &[],
    )
    .await;
    expect(
        &r,
        ids::RETRY_LOGIC,
        Status::Warn,
        &[
            "stream server 3306 (nginx.conf:43): proxy_next_upstream on (the stream default) without a proxy_next_upstream_tries bound",
        ],
    );
    let cb = r.get(ids::CIRCUIT_BREAKERS).unwrap();
    // tcp_backend has an active health_check; hc_backend relies on the passive defaults.
    assert!(!cb.message.contains("tcp_backend"), "{cb:?}");
    assert!(cb.message.contains("upstream hc_backend: 172.17.0.1:9201, 172.17.0.1:9202 without explicit max_fails/fail_timeout"), "{cb:?}");
}

#[tokio::test]
async fn the_health_location_is_the_pods_probe_path() {
    let frontend = vec![real(
        "microservices-demo/kubernetes-manifests/frontend.yaml",
    )];
    let r = report(&frontend, Some(gap("frontend-lb.conf")), &[]).await;
    expect(
        &r,
        ids::LOAD_BALANCER,
        Status::Pass,
        &["location /_healthz (frontend-lb.conf:9) serves /_healthz (the pods' probe path)"],
    );
    // The probe location is not retried; the traffic location is.
    expect(
        &r,
        ids::RETRY_LOGIC,
        Status::Pass,
        &[
            "location / (frontend-lb.conf:10): proxy_next_upstream error timeout http_502, proxy_next_upstream_tries 2",
        ],
    );
    // A location whose name merely contains "health" is not a health check.
    let r = report(&frontend, Some(gap("frontend-lb-no-probe-path.conf")), &[]).await;
    expect(
        &r,
        ids::LOAD_BALANCER,
        Status::Warn,
        &["no health location in nginx.conf (looked for /_healthz)"],
    );
}

#[tokio::test]
async fn a_pdb_allowing_every_pod_out_protects_nothing() {
    // Polaris lists this as a success of its own check; at HPA minReplicas 5 it lets all 5 go.
    let r = report(
        &[real(
            "polaris/pdbMinAvailableGreaterThanHPAMinReplicas/success-maxUnavailable.yaml",
        )],
        None,
        &[],
    )
    .await;
    expect(
        &r,
        ids::PDB,
        Status::Fail,
        &[
            "PDB zookeeper-pdb: maxUnavailable 5 ≥ HPA minReplicas 5: every pod of Deployment zookeeper may be evicted at once",
        ],
    );
}

#[tokio::test]
async fn anti_affinity_counts_only_the_namespaces_it_names() {
    let r = report(&[gap("anti-affinity-namespaces.yaml")], None, &[]).await;
    expect(
        &r,
        ids::MULTI_AZ,
        Status::Fail,
        &[
            "Deployment api: pod anti-affinity (required) on topology.kubernetes.io/zone (it counts only pods in staging) do not select its pods",
        ],
    );
    let r = report(&[gap("anti-affinity-namespaces.yaml")], None, &["shop/web"]).await;
    expect(
        &r,
        ids::MULTI_AZ,
        Status::Pass,
        &["Deployment web: pod anti-affinity (preferred) on topology.kubernetes.io/zone"],
    );
}

#[tokio::test]
async fn a_monitor_counts_only_for_the_workload_it_selects() {
    let vllm = real("kubernetes-examples/AI/vllm-deployment");
    let monitors = real("kubernetes-examples/AI/vllm-deployment/hpa");
    let only = ["vllm-gemma-deployment"];
    let r = report(&[vllm.clone(), monitors.clone()], None, &only).await;
    // The example's ServiceMonitor selects Services labelled app=gemma-server; its Service has no labels.
    expect(
        &r,
        ids::MONITORING,
        Status::Warn,
        &[
            "Deployment vllm-gemma-deployment: no prometheus.io/scrape annotation, and ServiceMonitor nvidia-dcgm-exporter-servicemonitor, ServiceMonitor vllm-gemma-servicemonitor select none of its Services or pods",
        ],
    );
    let r = report(
        &[vllm, monitors, gap("vllm-monitor-fixed.yaml")],
        None,
        &only,
    )
    .await;
    expect(
        &r,
        ids::MONITORING,
        Status::Pass,
        &[
            "Deployment vllm-gemma-deployment: ServiceMonitor vllm-gemma-metrics scrapes Service vllm-service-metrics on port http",
        ],
    );
    // One monitor for the frontend does not pass the eleven other workloads, and is said once.
    let r = report(
        &[demo(), vec![gap("frontend-only-monitor.yaml")]].concat(),
        None,
        &[],
    )
    .await;
    let c = r.get(ids::MONITORING).unwrap();
    assert_eq!(c.status, Status::Warn, "{c:?}");
    assert!(c.message.contains("Deployment cartservice: no prometheus.io/scrape annotation, and ServiceMonitor frontend selects none"), "{}", c.message);
    let r = report(&demo(), None, &["frontend"]).await;
    assert_eq!(r.get(ids::MONITORING).unwrap().status, Status::Warn);
    let r = report(
        &[demo(), vec![gap("frontend-only-monitor.yaml")]].concat(),
        None,
        &["frontend"],
    )
    .await;
    expect(
        &r,
        ids::MONITORING,
        Status::Pass,
        &["Deployment frontend: ServiceMonitor frontend scrapes Service frontend on port http"],
    );
    assert_eq!(
        r.get(ids::MONITORING)
            .unwrap()
            .message
            .matches("ServiceMonitor frontend")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_configmap_key_that_does_not_exist_is_not_a_cache() {
    let r = report(&[gap("configmap-key-missing.yaml")], None, &[]).await;
    expect(
        &r,
        ids::SHARED_CACHE,
        Status::Fail,
        &[
            "Deployment app: container app: REDIS_HOST from ConfigMap app-config key redis_host, which the ConfigMap does not have",
        ],
    );
}

#[tokio::test]
async fn init_containers_and_defaulted_requests() {
    let r = report(&demo(), None, &["loadgenerator"]).await;
    expect(
        &r,
        ids::RESOURCES,
        Status::Fail,
        &[
            "Deployment loadgenerator: init container frontend-check has no cpu request, memory request, cpu limit, memory limit",
        ],
    );
    let r = report(&[gap("limits-only.yaml")], None, &[]).await;
    expect(
        &r,
        ids::RESOURCES,
        Status::Pass,
        &[
            "container worker: requests cpu 1 memory 512Mi, limits cpu 1 memory 512Mi (cpu and memory requests defaulted to the limit by the API server)",
            "init container migrate: requests cpu 500m memory 256Mi",
        ],
    );
}

#[tokio::test]
async fn v2beta1_keda_and_dangling_autoscalers() {
    // autoscaling/v2beta1 targetAverageUtilization needs a cpu request too.
    let r = report(
        &[real(
            "kube-score/hpa-autoscalingv2beta1-targets-deployment.yaml",
        )],
        None,
        &[],
    )
    .await;
    expect(
        &r,
        ids::AUTOSCALING_POLICY,
        Status::Fail,
        &["HPA php-apache scales on cpu utilization but container foo has no cpu request"],
    );
    let r = report(
        &[real(
            "kube-score/hpa-autoscalingv2beta2-targets-deployment.yaml",
        )],
        None,
        &[],
    )
    .await;
    assert!(
        r.get(ids::AUTOSCALING_POLICY)
            .unwrap()
            .message
            .contains("HPA "),
        "{:?}",
        r.get(ids::AUTOSCALING_POLICY)
    );
    let r = report(&[real("kube-score/hpa-has-no-target.yaml")], None, &[]).await;
    expect(
        &r,
        ids::AUTOSCALING_POLICY,
        Status::Fail,
        &["HPA php-apache targets Deployment default/php-apache, which is not in --manifests"],
    );
    let keda = real("keda/samples/keda_v1alpha1_scaledobject.yaml");
    let r = report(&[keda.clone(), gap("keda-target.yaml")], None, &[]).await;
    expect(
        &r,
        ids::AUTOSCALING_POLICY,
        Status::Warn,
        &[
            "KEDA ScaledObject example-scaledobject → Deployment example-deployment: minReplicaCount 0, maxReplicaCount 100, 1 trigger",
        ],
    );
    expect(
        &r,
        ids::PDB,
        Status::Fail,
        &["no PodDisruptionBudget covers Deployment example-deployment"],
    );
    let r = report(&[keda], None, &[]).await;
    expect(
        &r,
        ids::AUTOSCALING_POLICY,
        Status::Fail,
        &[
            "ScaledObject example-scaledobject targets Deployment default/example-deployment, which is not in --manifests",
        ],
    );
}

#[tokio::test]
async fn graceful_shutdown_needs_a_prestop_hook() {
    let r = report(&demo(), None, &["cartservice"]).await;
    expect(
        &r,
        ids::GRACEFUL_SHUTDOWN,
        Status::Warn,
        &["Deployment cartservice: no preStop hook (terminationGracePeriodSeconds 5)"],
    );
    let r = report(
        &[real(
            "ingress-nginx/deploy/static/provider/cloud/deploy.yaml",
        )],
        None,
        &["ingress-nginx-controller"],
    )
    .await;
    expect(
        &r,
        ids::GRACEFUL_SHUTDOWN,
        Status::Pass,
        &[
            "Deployment ingress-nginx-controller: container controller preStop hook; terminationGracePeriodSeconds 300",
        ],
    );
}

#[tokio::test]
async fn health_probes_on_serving_containers() {
    let r = report(&demo(), None, &["adservice"]).await;
    expect(
        &r,
        ids::HEALTH_PROBES,
        Status::Warn,
        &[
            "Deployment adservice: container server: livenessProbe identical to readinessProbe (grpc port 9555)",
        ],
    );
    let r = report(&demo(), None, &["cartservice"]).await;
    expect(
        &r,
        ids::HEALTH_PROBES,
        Status::Pass,
        &["container server: readiness grpc port 7070, liveness grpc port 7070"],
    );
    let r = report(&demo(), None, &["loadgenerator"]).await;
    expect(
        &r,
        ids::HEALTH_PROBES,
        Status::Pass,
        &["serves no traffic (no container ports, no Service selects it)"],
    );
    let r = report(&[real("kube-score/list.yaml")], None, &[]).await;
    expect(
        &r,
        ids::HEALTH_PROBES,
        Status::Fail,
        &["Deployment list-deployment-test: container nginx has no readinessProbe"],
    );
}
