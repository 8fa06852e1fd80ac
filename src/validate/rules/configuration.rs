//! Configuration rules: instance identity, shared cache, regional items, monitoring.

use super::infrastructure::probe_findings;
use super::{Finding, attested, for_workloads, judged, merge, skip};
use crate::redact;
use crate::sources::manifests::{Container, EnvVar, Manifests, MonitorEndpoint, Service, Workload};
use crate::validate::attest::Attestations;
use crate::validate::check::{Check, Status};
use crate::validate::facts::ProbeResult;
use crate::validate::ids;

/// Downward-API fields that differ between pods.
const UNIQUE_FIELDS: [&str; 4] = [
    "metadata.name",
    "metadata.uid",
    "status.podIP",
    "status.podIPs",
];

fn is_identity_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["INSTANCE_ID", "INSTANCE_NAME", "POD_NAME", "POD_UID"]
        .iter()
        .any(|k| n.contains(k))
}

/// `configuration.instance_cache_prefix`: each pod gets a distinct identity (`INSTANCE_ID` from
/// `metadata.name` or equivalent), which the seed uses as its cache key prefix.
pub fn instance_cache_prefix(m: Option<&Manifests>) -> Check {
    with_judged(
        for_workloads(ids::INSTANCE_CACHE_PREFIX, m, |_, w| identity_findings(w)),
        m,
    )
}

/// The check with the workloads it judged named after its evidence.
fn with_judged(mut check: Check, m: Option<&Manifests>) -> Check {
    if let Some(j) = judged(m) {
        check.message = format!("{}; {j}", check.message);
    }
    check
}

fn identity_findings(w: &Workload) -> Vec<Finding> {
    let hint = "set env INSTANCE_ID from fieldRef metadata.name (Downward API) and use it in the cache key prefix";
    let containers = &w.spec.template.spec.containers;
    let mut problems = Vec::new();
    for c in containers {
        for e in c.env.iter().filter(|e| is_identity_name(&e.name)) {
            let field = e
                .value_from
                .as_ref()
                .and_then(|v| v.field_ref.as_ref())
                .map(|f| f.field_path.as_str());
            match (field, &e.value) {
                (Some(path), _) if UNIQUE_FIELDS.contains(&path) => {
                    return vec![Finding::pass(format!(
                        "{}: container {}: {} from {path} (unique per pod)",
                        w.display(),
                        c.name,
                        e.name
                    ))];
                }
                (Some(path), _) => problems.push(Finding::fail(
                    format!(
                        "{}: container {}: {} from {path} is shared by several pods",
                        w.display(),
                        c.name,
                        e.name
                    ),
                    hint,
                )),
                (None, Some(value)) if references_unique(c, value) => {
                    return vec![Finding::pass(format!(
                        "{}: container {}: {}={value} (unique per pod)",
                        w.display(),
                        c.name,
                        e.name
                    ))];
                }
                (None, Some(value)) => problems.push(Finding::fail(
                    format!(
                        "{}: container {}: {} is the literal '{value}': every replica gets the same cache prefix",
                        w.display(),
                        c.name,
                        e.name
                    ),
                    hint,
                )),
                (None, None) => problems.push(Finding::fail(
                    format!(
                        "{}: container {}: {} comes from a Secret/ConfigMap: the same for every replica",
                        w.display(),
                        c.name,
                        e.name
                    ),
                    hint,
                )),
            }
        }
    }
    if problems.is_empty() {
        problems.push(Finding::warn(
            format!(
                "{}: no INSTANCE_ID (or POD_NAME) env: the scaling guide's code then falls back to instance-<pid>, and the PID is often 1 in every container",
                w.display()
            ),
            hint,
        ));
    }
    problems
}

/// Whether a literal `value` interpolates `$(VAR)` where VAR is a per-pod field in `c`.
fn references_unique(c: &Container, value: &str) -> bool {
    c.env.iter().any(|e| {
        value.contains(&format!("$({})", e.name))
            && e.value_from
                .as_ref()
                .and_then(|v| v.field_ref.as_ref())
                .is_some_and(|f| UNIQUE_FIELDS.contains(&f.field_path.as_str()))
    })
}

/// Env names that hold the shared Redis's address: `REDIS_URL`, `REDIS_HOST`, `REDIS_ADDR`,
/// `REDIS_SERVER`, `SPRING_REDIS_HOST`, `CACHE_URL`, …
fn is_redis_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    (n.contains("REDIS")
        && [
            "URL", "URI", "HOST", "ADDR", "NODES", "ENDPOINT", "SERVER", "SENTINEL", "DSN",
        ]
        .iter()
        .any(|k| n.contains(k)))
        || n == "CACHE_URL"
}

/// `*_REDIS_*` names (e.g. `CART_REDIS_CONN`) count when the value is an address, not a
/// switch or a number.
fn is_redis_setting(name: &str, value: Option<&str>) -> bool {
    let n = name.to_ascii_uppercase();
    is_redis_name(name)
        || (n.contains("_REDIS_") || n.starts_with("REDIS_"))
            && value.is_none_or(|v| {
                let v = v.trim();
                !v.is_empty()
                    && !["true", "false", "yes", "no", "on", "off"]
                        .contains(&v.to_ascii_lowercase().as_str())
                    && v.parse::<f64>().is_err()
            })
}

/// A literal value that is a Redis URL, whatever the variable's name.
fn is_redis_url(value: &str) -> bool {
    let v = value.trim_start().to_ascii_lowercase();
    v.starts_with("redis://") || v.starts_with("rediss://") || v.contains("redis://")
}

fn is_local(value: &str) -> bool {
    let rest = value.split_once("://").map_or(value, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = host.trim_start_matches('[');
    host.starts_with("localhost") || host.starts_with("127.") || host.starts_with("::1")
}

fn literal_finding(w: &Workload, c: &Container, name: &str, value: &str, via: &str) -> Finding {
    let shown = redact::url(value);
    if is_local(value) {
        Finding::fail(
            format!(
                "{}: container {}: {name}={shown}{via} points at localhost: each pod would use its own cache",
                w.display(),
                c.name
            ),
            "point REDIS_URL at the shared Redis service (e.g. redis://redis-cluster:6379)",
        )
    } else {
        Finding::pass(format!(
            "{}: container {}: {name}={shown}{via}",
            w.display(),
            c.name
        ))
    }
}

/// `configuration.shared_cache` (manifest part): the workload points at a shared Redis
/// (`REDIS_URL` or equivalent, literal, from a Secret, or from a ConfigMap in the manifests).
/// Reachability is added from the Redis checks by the runner.
pub fn shared_cache(m: Option<&Manifests>) -> Check {
    with_judged(
        for_workloads(ids::SHARED_CACHE, m, shared_cache_findings),
        m,
    )
}

fn shared_cache_findings(m: &Manifests, w: &Workload) -> Vec<Finding> {
    let ns = w.metadata.ns();
    let config_map = |name: &str| {
        m.config_maps
            .iter()
            .map(|c| &c.object)
            .find(|c| c.metadata.name == name && c.metadata.ns() == ns)
    };
    let mut unsure = Vec::new();
    let mut broken = Vec::new();
    for c in &w.spec.template.spec.containers {
        for e in &c.env {
            let redis = is_redis_setting(&e.name, e.value.as_deref())
                || e.value.as_deref().is_some_and(is_redis_url);
            if !redis {
                continue;
            }
            match env_finding(w, c, e, &config_map) {
                Source::Evidence(f) => return vec![f],
                Source::Unsure(what) => unsure.push(what),
                Source::Missing(what) => broken.push(what),
                Source::Nothing => {}
            }
        }
        for from in &c.env_from {
            if let Some(r) = &from.config_map_ref {
                match config_map(&r.name) {
                    Some(cm) => {
                        let prefix = from.prefix.clone().unwrap_or_default();
                        if let Some((k, v)) = cm.data.iter().find(|(k, v)| {
                            is_redis_setting(&format!("{prefix}{k}"), Some(v)) || is_redis_url(v)
                        }) {
                            let via = format!(" (envFrom ConfigMap {})", r.name);
                            return vec![literal_finding(w, c, &format!("{prefix}{k}"), v, &via)];
                        }
                    }
                    None => unsure.push(format!("envFrom ConfigMap {}", r.name)),
                }
            }
            if let Some(r) = &from.secret_ref {
                unsure.push(format!("envFrom Secret {}", r.name));
            }
        }
    }
    let hint = "set REDIS_URL (or equivalent) to the shared Redis so instances share one cache";
    if !broken.is_empty() {
        return vec![Finding::fail(
            format!(
                "{}: {}: the variable would be unset, so instances would not share a cache",
                w.display(),
                broken.join("; ")
            ),
            "add the key to the ConfigMap, or point the env at the key that holds the Redis address",
        )];
    }
    if !unsure.is_empty() {
        return vec![Finding::warn(
            format!(
                "{}: no Redis address in the manifests; it may come from {} (not in --manifests)",
                w.display(),
                unsure.join(", ")
            ),
            "set REDIS_URL explicitly, or include the ConfigMap in --manifests",
        )];
    }
    vec![Finding::fail(
        format!(
            "{}: no REDIS_URL (or equivalent) env: instances would not share a cache",
            w.display()
        ),
        hint,
    )]
}

/// What an env entry says about the Redis address.
enum Source {
    /// It is (or is not) a shared Redis: judged.
    Evidence(Finding),
    /// From something the manifests do not hold.
    Unsure(String),
    /// From a ConfigMap key that does not exist.
    Missing(String),
    /// No value at all.
    Nothing,
}

fn env_finding<'a>(
    w: &Workload,
    c: &Container,
    e: &EnvVar,
    config_map: &impl Fn(&str) -> Option<&'a crate::sources::manifests::ConfigMap>,
) -> Source {
    if let Some(value) = &e.value {
        return Source::Evidence(literal_finding(w, c, &e.name, value, ""));
    }
    let Some(from) = e.value_from.as_ref() else {
        return Source::Nothing;
    };
    if let Some(s) = &from.secret_key_ref {
        return Source::Evidence(Finding::pass(format!(
            "{}: container {}: {} from Secret {} key {}",
            w.display(),
            c.name,
            e.name,
            s.name,
            s.key
        )));
    }
    if let Some(r) = &from.config_map_key_ref {
        let via = format!(" (ConfigMap {} key {})", r.name, r.key);
        return match config_map(&r.name) {
            Some(cm) => match cm.data.get(&r.key) {
                Some(v) => Source::Evidence(literal_finding(w, c, &e.name, v, &via)),
                None => Source::Missing(format!(
                    "container {}: {} from ConfigMap {} key {}, which the ConfigMap does not have",
                    c.name, e.name, r.name, r.key
                )),
            },
            None => Source::Unsure(format!(
                "ConfigMap {} key {} (for {})",
                r.name, r.key, e.name
            )),
        };
    }
    Source::Nothing
}

/// `configuration.regional_endpoints` / `configuration.cross_region_sync`: only a person can
/// vouch for these: `manual` unless attested.
pub fn attested_only(id: &str, key: &str, att: &Attestations) -> Check {
    let finding = attested(att, key).unwrap_or_else(|| {
        Finding::manual(
            "not machine-checkable; not attested",
            format!("verify it, then --attest {key}=YYYY-MM-DD"),
        )
    });
    merge(id, vec![finding])
}

/// `configuration.monitoring`: Prometheus scrape annotations on the pod template, or a
/// ServiceMonitor/PodMonitor that selects a Service of the workload (or its pods) on a port that
/// exists, and/or `/metrics` endpoints that answer and parse. Either kind of
/// evidence suffices; a probe that fails is a failure; a page that the Prometheus server reads
/// but its format forbids warns with the first violation.
pub fn monitoring(m: Option<&Manifests>, probes: Option<&[ProbeResult]>) -> Check {
    let id = ids::MONITORING;
    if m.is_none() && probes.is_none() {
        return skip(id, "--manifests or --endpoint (a /metrics probe)");
    }
    let mut findings = Vec::new();
    let mut violations = Vec::new();
    if let Some(m) = m {
        let annotations = for_workloads(id, Some(m), annotation_findings);
        findings.push(Finding {
            status: annotations.status,
            message: annotations.message,
            hint: annotations.hint,
        });
    }
    if let Some(probes) = probes {
        let hint = "make /metrics answer 2xx with a valid Prometheus exposition";
        for (p, f) in probes.iter().zip(probe_findings(probes, hint)) {
            findings.push(match (&p.parsed, f.status) {
                (Some(Ok(n)), Status::Pass) if p.violation.is_some() => {
                    let v = p.violation.as_deref().unwrap_or_default();
                    violations.push(Finding::warn(
                        format!("{}, {n} samples, but {v}", f.message),
                        "fix the exporter's output (Prometheus reads it; --strict-exposition rejects it)",
                    ));
                    Finding::pass(format!("{}, {n} samples", f.message))
                }
                (Some(Ok(n)), Status::Pass) => Finding::pass(format!("{}, {n} samples", f.message)),
                (Some(Err(e)), Status::Pass) => {
                    Finding::fail(format!("{} but does not parse: {e}", f.message), hint)
                }
                _ => f,
            });
        }
    }
    let any_fail = findings.iter().any(|f| f.status == Status::Fail);
    if !any_fail && findings.iter().any(|f| f.status == Status::Pass) {
        findings.retain(|f| f.status == Status::Pass);
    }
    if !any_fail {
        findings.extend(violations);
    }
    merge(id, findings)
}

fn annotation_findings(m: &Manifests, w: &Workload) -> Vec<Finding> {
    let pod = &w.spec.template.metadata.annotations;
    let hint = "annotate the pod template with prometheus.io/scrape: \"true\", prometheus.io/port and prometheus.io/path";
    match pod.get("prometheus.io/scrape").map(String::as_str) {
        Some("true") => {
            let port = pod.get("prometheus.io/port");
            let path = pod
                .get("prometheus.io/path")
                .map_or("/metrics", String::as_str);
            let containers = &w.spec.template.spec.containers;
            if let Some(port) = port {
                let exposed = containers.iter().flat_map(|c| &c.ports).any(|p| {
                    p.container_port.is_some_and(|n| n.to_string() == *port)
                        || p.name.as_deref() == Some(port.as_str())
                });
                if !exposed {
                    return vec![Finding::warn(
                        format!(
                            "{}: prometheus.io/port {port} is not a container port",
                            w.display()
                        ),
                        "expose the metrics port in the container's ports",
                    )];
                }
            }
            let port = port.map_or(String::new(), |p| format!(", port {p}"));
            vec![Finding::pass(format!(
                "{}: prometheus.io/scrape=true{port}, path {path}",
                w.display()
            ))]
        }
        Some(other) => vec![Finding::warn(
            format!("{}: prometheus.io/scrape is '{other}'", w.display()),
            hint,
        )],
        None => {
            if let Some(f) = monitor_finding(m, w) {
                return vec![f];
            }
            if w.metadata.annotations.contains_key("prometheus.io/scrape") {
                return vec![Finding::warn(
                    format!(
                        "{}: prometheus.io annotations are on the Deployment, not the pod template (Prometheus reads pod annotations)",
                        w.display()
                    ),
                    hint,
                )];
            }
            if !m.monitors.is_empty() {
                let names: Vec<String> = m
                    .monitors
                    .iter()
                    .map(|x| format!("{} {}", x.object.kind, x.object.metadata.name))
                    .collect();
                return vec![Finding::warn(
                    format!(
                        "{}: no prometheus.io/scrape annotation, and {} select{} none of its Services or pods",
                        w.display(),
                        names.join(", "),
                        if names.len() == 1 { "s" } else { "" }
                    ),
                    "make a ServiceMonitor select the workload's Service labels (in its namespace) on a named port",
                )];
            }
            vec![Finding::warn(
                format!(
                    "{}: no prometheus.io/scrape annotation and no ServiceMonitor/PodMonitor",
                    w.display()
                ),
                hint,
            )]
        }
    }
}

/// Whether a monitor endpoint's port exists: a named Service port (ServiceMonitor) or
/// container port (PodMonitor), or a `targetPort` naming/numbering a container port.
fn endpoint_exists(
    e: &MonitorEndpoint,
    names: &[&str],
    containers: &[&crate::sources::manifests::ContainerPort],
) -> bool {
    let container = |v: &serde_json::Value| {
        containers.iter().any(|p| match v {
            serde_json::Value::Number(n) => p.container_port.map(u64::from) == n.as_u64(),
            serde_json::Value::String(s) => p.name.as_deref() == Some(s.as_str()),
            _ => false,
        })
    };
    match (&e.port, &e.target_port) {
        (Some(p), _) => names.contains(&p.as_str()),
        (None, Some(t)) => container(t),
        (None, None) => false,
    }
}

/// The ServiceMonitor/PodMonitor evidence for `w`: a monitor that selects a Service of the
/// workload (or its pods) on a port that exists passes; one that selects it on a missing port
/// warns; `None` when no monitor selects it at all (then other monitors are not evidence).
fn monitor_finding(m: &Manifests, w: &Workload) -> Option<Finding> {
    let ns = w.metadata.ns();
    let pod_labels = &w.spec.template.metadata.labels;
    let ports: Vec<_> = w
        .spec
        .template
        .spec
        .containers
        .iter()
        .flat_map(|c| &c.ports)
        .collect();
    let container_names: Vec<&str> = ports.iter().filter_map(|p| p.name.as_deref()).collect();
    let services: Vec<&Service> = m
        .services
        .iter()
        .map(|s| &s.object)
        .filter(|s| s.metadata.ns() == ns && !s.spec.selector.is_empty())
        .filter(|s| {
            s.spec
                .selector
                .iter()
                .all(|(k, v)| pod_labels.get(k) == Some(v))
        })
        .collect();
    let mut wrong_port = None;
    for mon in m.monitors.iter().map(|x| &x.object) {
        if !mon.watches(ns) {
            continue;
        }
        let (endpoints, targets): (&[MonitorEndpoint], Vec<(String, Vec<&str>)>) =
            if mon.kind == "PodMonitor" {
                if !mon.spec.selector.matches(pod_labels) {
                    continue;
                }
                (
                    &mon.spec.pod_metrics_endpoints,
                    vec![("its pods".to_string(), container_names.clone())],
                )
            } else {
                let selected = services
                    .iter()
                    .filter(|s| mon.spec.selector.matches(&s.metadata.labels))
                    .map(|s| {
                        let names = s
                            .spec
                            .ports
                            .iter()
                            .filter_map(|p| p.name.as_deref())
                            .collect();
                        (format!("Service {}", s.metadata.name), names)
                    })
                    .collect();
                (&mon.spec.endpoints, selected)
            };
        for (target, names) in &targets {
            let hit = endpoints.iter().find(|e| endpoint_exists(e, names, &ports));
            match hit {
                Some(e) => {
                    let port = e
                        .port
                        .clone()
                        .or_else(|| e.target_port.as_ref().map(|t| t.to_string()))
                        .unwrap_or_default();
                    return Some(Finding::pass(format!(
                        "{}: {} {} scrapes {target} on port {port}",
                        w.display(),
                        mon.kind,
                        mon.metadata.name
                    )));
                }
                None => {
                    let wanted: Vec<String> = endpoints
                        .iter()
                        .map(|e| {
                            e.port.clone().unwrap_or_else(|| {
                                e.target_port.as_ref().map_or("?".into(), |t| t.to_string())
                            })
                        })
                        .collect();
                    wrong_port.get_or_insert_with(|| {
                        Finding::warn(
                            format!(
                                "{}: {} {} selects {target} but its port {} is not a port there",
                                w.display(),
                                mon.kind,
                                mon.metadata.name,
                                if wanted.is_empty() {
                                    "<none>".to_string()
                                } else {
                                    wanted.join(", ")
                                }
                            ),
                            "name the Service/container port the monitor's endpoint refers to",
                        )
                    });
                }
            }
        }
    }
    wrong_port
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::manifests::parse_into;
    use jiff::civil::date;
    use std::path::Path;
    use std::time::Duration;

    fn deploy(env: &str, extra: &str) -> Manifests {
        let text = format!(
            "kind: Deployment\nmetadata: {{name: web}}\nspec:\n  template:\n    metadata:\n      labels: {{app: web}}\n      annotations: {{prometheus.io/scrape: 'true', prometheus.io/port: '8080'}}\n    spec:\n      containers:\n      - name: web\n        ports: [{{containerPort: 8080, name: metrics}}]\n        env:\n{env}{extra}"
        );
        let mut m = Manifests::default();
        parse_into(&mut m, Path::new("m.yaml"), &text).unwrap();
        m
    }

    #[test]
    fn instance_identity() {
        let m = deploy(
            "        - {name: INSTANCE_ID, valueFrom: {fieldRef: {fieldPath: metadata.name}}}\n",
            "",
        );
        let c = instance_cache_prefix(Some(&m));
        assert_eq!(c.status, Status::Pass);
        assert_eq!(
            c.message,
            "Deployment web: container web: INSTANCE_ID from metadata.name (unique per pod); judged 1 workload: Deployment web"
        );

        let m = deploy("        - {name: INSTANCE_ID, value: web}\n", "");
        let c = instance_cache_prefix(Some(&m));
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message.contains("INSTANCE_ID is the literal 'web'"),
            "{}",
            c.message
        );

        let m = deploy(
            "        - {name: INSTANCE_ID, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}\n",
            "",
        );
        assert_eq!(instance_cache_prefix(Some(&m)).status, Status::Fail);

        let m = deploy(
            "        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}\n        - {name: CACHE_PREFIX, value: 'rizk:$(POD_NAME):'}\n",
            "",
        );
        assert_eq!(instance_cache_prefix(Some(&m)).status, Status::Pass);

        let m = deploy("        - {name: OTHER, value: x}\n", "");
        let c = instance_cache_prefix(Some(&m));
        assert_eq!(c.status, Status::Warn);
        assert!(c.message.contains("no INSTANCE_ID"), "{}", c.message);
    }

    #[test]
    fn shared_cache_sources() {
        let m = deploy(
            "        - {name: REDIS_URL, value: 'redis://:pw@redis-cluster:6379'}\n",
            "",
        );
        let c = shared_cache(Some(&m));
        assert_eq!(c.status, Status::Pass);
        assert_eq!(
            c.message,
            "Deployment web: container web: REDIS_URL=redis://***@redis-cluster:6379; judged 1 workload: Deployment web"
        );

        let m = deploy(
            "        - {name: REDIS_URL, value: 'redis://127.0.0.1:6379'}\n",
            "",
        );
        let c = shared_cache(Some(&m));
        assert_eq!(c.status, Status::Fail);
        assert!(c.message.contains("points at localhost"), "{}", c.message);

        let m = deploy(
            "        - {name: REDIS_URL, valueFrom: {secretKeyRef: {name: s, key: url}}}\n",
            "",
        );
        assert_eq!(
            shared_cache(Some(&m)).message,
            "Deployment web: container web: REDIS_URL from Secret s key url; judged 1 workload: Deployment web"
        );

        // A ConfigMap key that does not exist is not evidence.
        let m = deploy(
            "        - {name: REDIS_HOST, valueFrom: {configMapKeyRef: {name: cfg, key: redis}}}\n",
            "---\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {other: x}\n",
        );
        let c = shared_cache(Some(&m));
        assert_eq!(c.status, Status::Fail, "{c:?}");
        assert!(
            c.message.contains(
                "REDIS_HOST from ConfigMap cfg key redis, which the ConfigMap does not have"
            ),
            "{}",
            c.message
        );
        // Common names and redis:// in any value are evidence; a switch is not.
        for env in [
            "        - {name: REDIS_SERVER, value: 'cache.prod:6379'}\n",
            "        - {name: SPRING_REDIS_HOST, value: cache.prod}\n",
            "        - {name: APP_REDIS_CONN, value: 'cache.prod:6379'}\n",
            "        - {name: SESSION_STORE, value: 'rediss://cache.prod:6380/0'}\n",
        ] {
            let c = shared_cache(Some(&deploy(env, "")));
            assert_eq!(c.status, Status::Pass, "{env}: {c:?}");
            assert!(c.message.contains("cache.prod"), "{}", c.message);
        }
        let c = shared_cache(Some(&deploy(
            "        - {name: USE_REDIS_CACHE, value: 'true'}\n",
            "",
        )));
        assert_eq!(c.status, Status::Fail, "{c:?}");

        let m = deploy(
            "        - {name: X, value: y}\n        envFrom: [{configMapRef: {name: cfg}}]\n",
            "---\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {REDIS_HOST: localhost}\n",
        );
        let c = shared_cache(Some(&m));
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message
                .contains("REDIS_HOST=localhost (envFrom ConfigMap cfg)"),
            "{}",
            c.message
        );

        let m = deploy(
            "        - {name: X, value: y}\n        envFrom: [{configMapRef: {name: gone}}]\n",
            "",
        );
        assert_eq!(shared_cache(Some(&m)).status, Status::Warn);

        let m = deploy("        - {name: X, value: y}\n", "");
        let c = shared_cache(Some(&m));
        assert_eq!(c.status, Status::Fail);
        assert!(c.message.contains("no REDIS_URL"), "{}", c.message);
    }

    #[test]
    fn attested_or_manual() {
        let today = date(2026, 11, 23);
        let none = Attestations::none(today);
        let c = attested_only(ids::REGIONAL_ENDPOINTS, "regional_endpoints", &none);
        assert_eq!(c.status, Status::Manual);
        assert_eq!(
            c.hint,
            "verify it, then --attest regional_endpoints=YYYY-MM-DD"
        );
        let atts = Attestations::new(
            &["regional_endpoints=2026-11-01".parse().unwrap()],
            today,
            90,
        )
        .unwrap();
        let c = attested_only(ids::REGIONAL_ENDPOINTS, "regional_endpoints", &atts);
        assert_eq!(
            (c.status, c.message.as_str()),
            (
                Status::Pass,
                "regional_endpoints attested 2026-11-01 (22 days ago)"
            )
        );
    }

    #[test]
    fn monitoring_sources() {
        let m = deploy("        - {name: X, value: y}\n", "");
        let c = monitoring(Some(&m), None);
        assert_eq!(c.status, Status::Pass, "{c:?}");
        assert_eq!(
            c.message,
            "Deployment web: prometheus.io/scrape=true, port 8080, path /metrics"
        );

        let mut bare = m.clone();
        bare.workloads[0]
            .object
            .spec
            .template
            .metadata
            .annotations
            .clear();
        assert_eq!(monitoring(Some(&bare), None).status, Status::Warn);

        let probe = |status, parsed| ProbeResult {
            url: "http://web:8080/metrics".into(),
            status,
            elapsed: Duration::from_millis(3),
            parsed,
            violation: None,
        };
        let ok = [probe(Ok(200), Some(Ok(154)))];
        let c = monitoring(Some(&bare), Some(&ok));
        assert_eq!(
            (c.status, c.message.as_str()),
            (
                Status::Pass,
                "http://web:8080/metrics → 200 (3 ms), 154 samples"
            )
        );
        let garbage = [probe(Ok(200), Some(Err("line 1: bad".into())))];
        assert_eq!(monitoring(None, Some(&garbage)).status, Status::Fail);
        let down = [probe(Err("connection refused".into()), None)];
        assert_eq!(monitoring(Some(&m), Some(&down)).status, Status::Fail);
        assert_eq!(monitoring(None, None).status, Status::Skip);
        let lax = [ProbeResult {
            violation: Some("OpenMetrics 1.0 forbids it: line 4, column 1: x".into()),
            ..probe(Ok(200), Some(Ok(2)))
        }];
        let c = monitoring(Some(&m), Some(&lax));
        assert_eq!(c.status, Status::Warn, "{c:?}");
        assert!(
            c.message
                .contains("2 samples, but OpenMetrics 1.0 forbids it: line 4"),
            "{c:?}"
        );
    }
}
