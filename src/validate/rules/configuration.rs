//! Configuration rules: instance identity, shared cache, regional items, monitoring.

use super::infrastructure::probe_findings;
use super::{Finding, attested, for_workloads, merge, skip};
use crate::redact;
use crate::sources::manifests::{Container, EnvVar, Manifests, Workload};
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
    for_workloads(ids::INSTANCE_CACHE_PREFIX, m, |_, w| identity_findings(w))
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

fn is_redis_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    (n.contains("REDIS")
        && ["URL", "URI", "HOST", "ADDR", "NODES", "ENDPOINT"]
            .iter()
            .any(|k| n.contains(k)))
        || n == "CACHE_URL"
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
    for_workloads(ids::SHARED_CACHE, m, shared_cache_findings)
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
    for c in &w.spec.template.spec.containers {
        for e in c.env.iter().filter(|e| is_redis_name(&e.name)) {
            if let Some(f) = env_finding(w, c, e, &config_map) {
                return vec![f];
            }
        }
        for from in &c.env_from {
            if let Some(r) = &from.config_map_ref {
                match config_map(&r.name) {
                    Some(cm) => {
                        let prefix = from.prefix.clone().unwrap_or_default();
                        if let Some((k, v)) = cm
                            .data
                            .iter()
                            .find(|(k, _)| is_redis_name(&format!("{prefix}{k}")))
                        {
                            let via = format!(" (envFrom ConfigMap {})", r.name);
                            return vec![literal_finding(w, c, &format!("{prefix}{k}"), v, &via)];
                        }
                    }
                    None => unsure.push(format!("ConfigMap {}", r.name)),
                }
            }
            if let Some(r) = &from.secret_ref {
                unsure.push(format!("Secret {}", r.name));
            }
        }
    }
    let hint = "set REDIS_URL (or equivalent) to the shared Redis so instances share one cache";
    if !unsure.is_empty() {
        return vec![Finding::warn(
            format!(
                "{}: no REDIS_URL env; it may come from envFrom {} (not in the manifests)",
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

fn env_finding<'a>(
    w: &Workload,
    c: &Container,
    e: &EnvVar,
    config_map: &impl Fn(&str) -> Option<&'a crate::sources::manifests::ConfigMap>,
) -> Option<Finding> {
    if let Some(value) = &e.value {
        return Some(literal_finding(w, c, &e.name, value, ""));
    }
    let from = e.value_from.as_ref()?;
    if let Some(s) = &from.secret_key_ref {
        return Some(Finding::pass(format!(
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
        return Some(
            match config_map(&r.name).and_then(|cm| cm.data.get(&r.key)) {
                Some(v) => literal_finding(w, c, &e.name, v, &via),
                None => Finding::pass(format!(
                    "{}: container {}: {} from{via}",
                    w.display(),
                    c.name,
                    e.name
                )),
            },
        );
    }
    None
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

/// `configuration.monitoring`: Prometheus scrape annotations on the pod template (or a
/// ServiceMonitor/PodMonitor), and/or `/metrics` endpoints that answer and parse. Either kind of
/// evidence suffices; a probe that fails is a failure.
pub fn monitoring(m: Option<&Manifests>, probes: Option<&[ProbeResult]>) -> Check {
    let id = ids::MONITORING;
    if m.is_none() && probes.is_none() {
        return skip(id, "--manifests or --endpoint (a /metrics probe)");
    }
    let mut findings = Vec::new();
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
                    p.container_port.to_string() == *port
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
            let operator: Vec<String> = ["ServiceMonitor", "PodMonitor"]
                .iter()
                .filter_map(|k| m.kinds.get(*k).map(|n| format!("{n} {k}")))
                .collect();
            if !operator.is_empty() {
                return vec![Finding::pass(format!(
                    "{} in the manifests",
                    operator.join(", ")
                ))];
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
            "Deployment web: container web: INSTANCE_ID from metadata.name (unique per pod)"
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
            "Deployment web: container web: REDIS_URL=redis://***@redis-cluster:6379"
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
            "Deployment web: container web: REDIS_URL from Secret s key url"
        );

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
    }
}
