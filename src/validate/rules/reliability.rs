//! Reliability rules: zone spreading, graceful shutdown, circuit breakers and retries (from
//! nginx, or attested), backup and recovery (attested; Redis persistence added by the runner).

use super::infrastructure::{
    health_checking, health_path, no_upstream, probe_paths, relevant_upstreams,
};
use super::{Finding, attested, for_workloads, merge, skip};
use crate::sources::manifests::{LabelSelector, Manifests, PodAffinityTerm, Workload};
use crate::sources::nginx::{Location, NginxConf};
use crate::validate::attest::Attestations;
use crate::validate::check::{Check, Status};
use crate::validate::ids;

fn is_zone_key(key: &str) -> bool {
    key.contains("zone")
}

/// `reliability.multi_az`: topologySpreadConstraints or pod anti-affinity on a zone key that
/// select the workload's own pods; spreading on hostname only warns.
pub fn multi_az(m: Option<&Manifests>) -> Check {
    for_workloads(ids::MULTI_AZ, m, |_, w| multi_az_findings(w))
}

fn multi_az_findings(w: &Workload) -> Vec<Finding> {
    let labels = &w.spec.template.metadata.labels;
    let pod = &w.spec.template.spec;
    let selects = |s: &Option<LabelSelector>| s.as_ref().is_some_and(|s| s.matches(labels));
    // (description, topology key) of every effective spreading rule.
    let mut effective: Vec<(String, String)> = Vec::new();
    let mut ignored: Vec<String> = Vec::new();
    for t in &pod.topology_spread_constraints {
        let what = format!(
            "topologySpreadConstraint on {} (maxSkew {}, {})",
            t.topology_key, t.max_skew, t.when_unsatisfiable
        );
        if selects(&t.label_selector) {
            effective.push((what, t.topology_key.clone()));
        } else {
            ignored.push(what);
        }
    }
    if let Some(anti) = pod
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
    {
        let terms = anti
            .required_during_scheduling_ignored_during_execution
            .iter()
            .map(|t| ("required", t))
            .chain(
                anti.preferred_during_scheduling_ignored_during_execution
                    .iter()
                    .map(|w| ("preferred", &w.pod_affinity_term)),
            );
        for (kind, t) in terms {
            let what = format!("pod anti-affinity ({kind}) on {}", t.topology_key);
            if !own_namespace(t, w.metadata.ns()) {
                ignored.push(format!(
                    "{what} (it counts only pods in {})",
                    namespaces_display(t)
                ));
            } else if selects(&t.label_selector) {
                effective.push((what, t.topology_key.clone()));
            } else {
                ignored.push(what);
            }
        }
    }
    let hint = "add a topologySpreadConstraint on topology.kubernetes.io/zone selecting the pods";
    let zoned: Vec<&String> = effective
        .iter()
        .filter(|(_, k)| is_zone_key(k))
        .map(|(d, _)| d)
        .collect();
    if !zoned.is_empty() {
        let list: Vec<&str> = zoned.iter().map(|s| s.as_str()).collect();
        return vec![Finding::pass(format!(
            "{}: {}",
            w.display(),
            list.join(", ")
        ))];
    }
    if !effective.is_empty() {
        let list: Vec<&str> = effective.iter().map(|(d, _)| d.as_str()).collect();
        return vec![Finding::warn(
            format!(
                "{}: {} only: spreads across nodes, not zones",
                w.display(),
                list.join(", ")
            ),
            hint,
        )];
    }
    let mut message = format!(
        "{}: no topologySpreadConstraints or pod anti-affinity: all replicas may land in one zone",
        w.display()
    );
    if !ignored.is_empty() {
        message = format!(
            "{}: {} do not select its pods ({}): all replicas may land in one zone",
            w.display(),
            ignored.join(", "),
            crate::sources::manifests::labels_display(labels)
        );
    }
    vec![Finding::fail(message, hint)]
}

/// Whether an affinity term counts pods of namespace `ns`: by default its own namespace; with
/// `namespaces` those; with `namespaceSelector` the namespaces it selects (`{}`: all; otherwise
/// judged on the `kubernetes.io/metadata.name` label every namespace carries).
fn own_namespace(t: &PodAffinityTerm, ns: &str) -> bool {
    let listed = t.namespaces.iter().any(|n| n == ns);
    match &t.namespace_selector {
        None => t.namespaces.is_empty() || listed,
        Some(sel) => {
            let labels = [("kubernetes.io/metadata.name".to_string(), ns.to_string())].into();
            listed || sel.matches(&labels)
        }
    }
}

fn namespaces_display(t: &PodAffinityTerm) -> String {
    let mut parts: Vec<String> = t.namespaces.clone();
    if let Some(sel) = &t.namespace_selector {
        parts.push(format!("namespaceSelector {sel}"));
    }
    parts.join(", ")
}

/// Seconds a preStop hook sleeps (`sleep: {seconds: N}` or an exec running `sleep N`).
fn pre_stop_sleep(pre_stop: &serde_json::Value) -> Option<i64> {
    if let Some(s) = pre_stop.pointer("/sleep/seconds").and_then(|v| v.as_i64()) {
        return Some(s);
    }
    let command = pre_stop.pointer("/exec/command")?.as_array()?;
    let words: Vec<&str> = command
        .iter()
        .filter_map(|v| v.as_str())
        .flat_map(|s| s.split_whitespace())
        .collect();
    let at = words.iter().position(|w| w.ends_with("sleep"))?;
    words.get(at + 1)?.trim_end_matches(';').parse().ok()
}

/// `reliability.graceful_shutdown`: a preStop hook (without one, warn whatever the grace period:
/// the endpoints-removal race drops in-flight requests); a preStop sleep that outlasts
/// terminationGracePeriodSeconds, or a grace period of 0, fails.
pub fn graceful_shutdown(m: Option<&Manifests>) -> Check {
    for_workloads(ids::GRACEFUL_SHUTDOWN, m, |_, w| shutdown_findings(w))
}

fn shutdown_findings(w: &Workload) -> Vec<Finding> {
    let pod = &w.spec.template.spec;
    let grace = pod.termination_grace_period_seconds.unwrap_or(30);
    let grace_text = match pod.termination_grace_period_seconds {
        Some(g) => format!("terminationGracePeriodSeconds {g}"),
        None => "terminationGracePeriodSeconds 30 (default)".to_string(),
    };
    let hint = "add a preStop sleep of 5–10s so endpoints drain, and keep terminationGracePeriodSeconds ≥ 30";
    let hooks: Vec<(&str, Option<i64>)> = pod
        .containers
        .iter()
        .filter_map(|c| {
            c.lifecycle
                .as_ref()?
                .pre_stop
                .as_ref()
                .map(|p| (c.name.as_str(), pre_stop_sleep(p)))
        })
        .collect();
    if grace <= 0 {
        return vec![Finding::fail(
            format!("{}: {grace_text}: pods are killed at once", w.display()),
            hint,
        )];
    }
    if let Some((name, Some(sleep))) = hooks.iter().find(|(_, s)| s.is_some_and(|s| s >= grace)) {
        return vec![Finding::fail(
            format!(
                "{}: container {name} preStop sleeps {sleep}s but {grace_text}: the pod is killed before the app gets SIGTERM",
                w.display()
            ),
            "make terminationGracePeriodSeconds exceed the preStop sleep plus the app's drain time",
        )];
    }
    match hooks.first() {
        Some((name, sleep)) => {
            let sleep = sleep.map_or(String::new(), |s| format!(", sleep {s}s"));
            vec![Finding::pass(format!(
                "{}: container {name} preStop hook{sleep}; {grace_text}",
                w.display()
            ))]
        }
        None => vec![Finding::warn(
            format!(
                "{}: no preStop hook ({grace_text}): SIGTERM races the removal from the Service endpoints, so requests still routed to a stopping pod are dropped",
                w.display()
            ),
            hint,
        )],
    }
}

/// A probe in a few words: "httpGet /ready port 8080", "tcpSocket port 80", "exec", "grpc".
fn probe_text(p: &serde_json::Value) -> String {
    let port = |v: Option<&serde_json::Value>| {
        v.map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .map_or(String::new(), |p| format!(" port {p}"))
    };
    if let Some(h) = p.get("httpGet") {
        let path = h.get("path").and_then(|v| v.as_str()).unwrap_or("/");
        format!("httpGet {path}{}", port(h.get("port")))
    } else if let Some(t) = p.get("tcpSocket") {
        format!("tcpSocket{}", port(t.get("port")))
    } else if p.get("grpc").is_some() {
        format!("grpc{}", port(p.pointer("/grpc/port")))
    } else {
        "exec".to_string()
    }
}

/// `reliability.health_probes`: every serving container (one with ports; else the first, when a
/// Service selects the pods) has a
/// readiness probe — without one the pod gets traffic before it can serve and keeps it when it
/// cannot, so the load balancer's health checking has nothing to go on (fail); a liveness probe
/// (warn when absent); and a liveness probe that is not the readiness probe (identical ones
/// restart pods that should only be taken out of rotation: warn).
pub fn health_probes(m: Option<&Manifests>) -> Check {
    for_workloads(ids::HEALTH_PROBES, m, probe_findings)
}

fn probe_findings(m: &Manifests, w: &Workload) -> Vec<Finding> {
    let containers = &w.spec.template.spec.containers;
    let labels = &w.spec.template.metadata.labels;
    let mut serving: Vec<_> = containers.iter().filter(|c| !c.ports.is_empty()).collect();
    if serving.is_empty() {
        // No declared ports: serving only if a Service sends it traffic.
        let behind_service = m.services.iter().map(|s| &s.object).any(|s| {
            s.metadata.ns() == w.metadata.ns()
                && !s.spec.selector.is_empty()
                && s.spec
                    .selector
                    .iter()
                    .all(|(k, v)| labels.get(k) == Some(v))
        });
        if !behind_service {
            return vec![Finding::pass(format!(
                "{}: serves no traffic (no container ports, no Service selects it): probes not required",
                w.display()
            ))];
        }
        serving.extend(containers.first());
    }
    let mut problems = Vec::new();
    let mut fine = Vec::new();
    for c in serving {
        let at = format!("{}: container {}", w.display(), c.name);
        match (&c.readiness_probe, &c.liveness_probe) {
            (None, _) => problems.push(Finding::fail(
                format!("{at} has no readinessProbe: it gets traffic before it is ready and keeps it while it cannot serve"),
                "add a readinessProbe (httpGet on the app's health path) to every serving container",
            )),
            (Some(r), None) => problems.push(Finding::warn(
                format!("{at}: readiness {} but no livenessProbe: a hung process is never restarted", probe_text(r)),
                "add a livenessProbe that checks the process only (not its dependencies)",
            )),
            (Some(r), Some(l)) if r == l => problems.push(Finding::warn(
                format!("{at}: livenessProbe identical to readinessProbe ({}): a slow dependency restarts pods instead of taking them out of rotation", probe_text(r)),
                "make the liveness probe cheaper or more tolerant than the readiness probe (other path, higher failureThreshold)",
            )),
            (Some(r), Some(l)) => fine.push(format!(
                "container {}: readiness {}, liveness {}",
                c.name,
                probe_text(r),
                probe_text(l)
            )),
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    vec![Finding::pass(format!(
        "{}: {}",
        w.display(),
        fine.join("; ")
    ))]
}

/// Attestation and nginx evidence together: a fresh attestation stands in for nginx warnings
/// (the breaker or retry may live in the application), but not for nginx failures.
fn with_attestation(id: &str, key: &str, nginx: Option<Vec<Finding>>, att: &Attestations) -> Check {
    let a = attested(att, key);
    match (nginx, a) {
        (None, None) => skip(id, &format!("--nginx-conf or --attest {key}=YYYY-MM-DD")),
        (None, Some(a)) => merge(id, vec![a]),
        (Some(n), None) => merge(id, n),
        (Some(n), Some(a)) if a.status == Status::Pass => {
            let mut findings = vec![a];
            findings.extend(n.into_iter().filter(|f| f.status == Status::Fail));
            merge(id, findings)
        }
        (Some(mut n), Some(a)) => {
            n.push(a);
            merge(id, n)
        }
    }
}

/// `reliability.circuit_breakers`: an active `health_check` on the upstream, or nginx's passive
/// breaker (`max_fails`/`fail_timeout` on every upstream server; `max_fails=0` or
/// `fail_timeout=0` turns it off), or attested.
pub fn circuit_breakers(nginx: Option<&NginxConf>, att: &Attestations) -> Check {
    let findings = nginx.map(|conf| {
        let ups = relevant_upstreams(conf);
        if ups.is_empty() {
            return vec![no_upstream(conf)];
        }
        let hint = "set max_fails=3 fail_timeout=30s on every upstream server";
        ups.into_iter()
            .map(|up| {
                let live: Vec<_> = up.servers.iter().filter(|s| !s.down).collect();
                if let Some(finding) = health_checking(conf, up, &live, hint) {
                    return finding;
                }
                let Some(s) = live.first() else {
                    return match up.runtime_servers() {
                        Some(why) => Finding::manual(
                            format!("upstream {} ({}): {why}", up.name, up.origin),
                            "check max_fails/fail_timeout on the servers added at run time",
                        ),
                        None => Finding::fail(
                            format!("upstream {} ({}) has no servers", up.name, up.origin),
                            hint,
                        ),
                    };
                };
                Finding::pass(format!(
                    "upstream {}: max_fails={} fail_timeout={} on {} server{} ({})",
                    up.name,
                    s.max_fails.unwrap_or_default(),
                    s.fail_timeout.as_deref().unwrap_or_default(),
                    live.len(),
                    if live.len() == 1 { "" } else { "s" },
                    s.origin
                ))
            })
            .collect()
    });
    with_attestation(ids::CIRCUIT_BREAKERS, "circuit_breakers", findings, att)
}

/// `reliability.retry_logic`: every place that passes traffic to an upstream (HTTP locations
/// with `proxy_pass`, `grpc_pass`, `fastcgi_pass`, …, and `stream` servers) retries on the next
/// server (`<module>_next_upstream`, not `off`) a bounded number of times
/// (`<module>_next_upstream_tries` ≥ 1), or attested. Health and metrics locations are left out:
/// retrying a probe would hide a failing instance.
pub fn retry_logic(nginx: Option<&NginxConf>, m: Option<&Manifests>, att: &Attestations) -> Check {
    let probes = probe_paths(m);
    let findings = nginx.map(|conf| {
        let ups = relevant_upstreams(conf);
        if ups.is_empty() {
            return vec![no_upstream(conf)];
        }
        let names: Vec<&str> = ups.iter().map(|u| u.name.as_str()).collect();
        let traffic: Vec<_> = conf
            .locations
            .iter()
            .filter(|l| l.upstream_name().is_some_and(|n| names.contains(&n)))
            .filter(|l| health_path(l, &probes).is_none() && !l.path.contains("metrics"))
            .collect();
        if traffic.is_empty() {
            return vec![Finding::fail(
                format!(
                    "no location proxies traffic to upstream {}",
                    names.join(", ")
                ),
                "proxy_pass the application's locations to the upstream",
            )];
        }
        traffic.into_iter().map(retry_finding).collect()
    });
    with_attestation(ids::RETRY_LOGIC, "retry_logic", findings, att)
}

fn retry_finding(l: &Location) -> Finding {
    let module = l.module();
    let at = l.describe();
    let next = format!("{module}_next_upstream");
    let tries_name = format!("{next}_tries");
    let hint = if l.stream {
        format!("set {tries_name} 3")
    } else {
        format!("set {next} error timeout http_502 http_503 and {tries_name} 3")
    };
    let tries = l
        .next_upstream_tries
        .as_ref()
        .and_then(|t| t.value.parse::<u32>().ok());
    let setting = match (&l.next_upstream, l.stream) {
        (Some(n), _) if n.value.iter().any(|v| v == "off") => {
            return Finding::fail(
                format!(
                    "{at}: {next} off ({}): failed requests are not retried",
                    n.origin
                ),
                hint,
            );
        }
        (Some(n), _) => format!("{next} {}", n.value.join(" ")),
        (None, true) => format!("{next} on (the stream default)"),
        (None, false) => {
            return Finding::warn(
                format!("{at}: no {next} (nginx default: error timeout, unlimited tries)"),
                hint,
            );
        }
    };
    match tries {
        Some(n) if n >= 1 => Finding::pass(format!("{at}: {setting}, {tries_name} {n}")),
        _ => Finding::warn(
            format!("{at}: {setting} without a {tries_name} bound: retries can amplify an outage"),
            format!("set {tries_name} 3"),
        ),
    }
}

/// `reliability.backup_recovery` (attestation part): a restore test attested recently;
/// otherwise manual. The Redis persistence part is combined in by the runner.
pub fn backup_recovery(att: &Attestations) -> Check {
    let finding = attested(att, "backup_recovery_tested").unwrap_or_else(|| {
        Finding::manual(
            "no backup/restore test attested",
            "test a restore, then --attest backup_recovery_tested=YYYY-MM-DD",
        )
    });
    merge(ids::BACKUP_RECOVERY, vec![finding])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::manifests::parse_into;
    use crate::sources::nginx::parse_str;
    use jiff::civil::date;
    use std::path::Path;

    fn deploy(pod_spec: &str) -> Manifests {
        let text = format!(
            "kind: Deployment\nmetadata: {{name: web}}\nspec:\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n{pod_spec}      containers:\n      - name: web\n"
        );
        let mut m = Manifests::default();
        parse_into(&mut m, Path::new("m.yaml"), &text).unwrap();
        m
    }

    #[test]
    fn multi_az_cases() {
        let zone = "      topologySpreadConstraints:\n      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}\n";
        let c = multi_az(Some(&deploy(zone)));
        assert_eq!(c.status, Status::Pass, "{c:?}");
        assert_eq!(
            c.message,
            "Deployment web: topologySpreadConstraint on topology.kubernetes.io/zone (maxSkew 1, ScheduleAnyway)"
        );
        let host = "      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n          - weight: 100\n            podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}}\n";
        let c = multi_az(Some(&deploy(host)));
        assert_eq!(c.status, Status::Warn);
        assert_eq!(
            c.message,
            "Deployment web: pod anti-affinity (preferred) on kubernetes.io/hostname only: spreads across nodes, not zones"
        );
        let c = multi_az(Some(&deploy(&zone.replace("app: web", "app: other"))));
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message.contains("do not select its pods (app=web)"),
            "{}",
            c.message
        );
        let c = multi_az(Some(&deploy("")));
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message
                .contains("no topologySpreadConstraints or pod anti-affinity")
        );
    }

    #[test]
    fn graceful_shutdown_cases() {
        // No preStop hook warns whatever the grace period: the endpoints-removal race.
        for (grace, text) in [
            ("", "terminationGracePeriodSeconds 30 (default)"),
            (
                "      terminationGracePeriodSeconds: 10\n",
                "terminationGracePeriodSeconds 10",
            ),
            (
                "      terminationGracePeriodSeconds: 120\n",
                "terminationGracePeriodSeconds 120",
            ),
        ] {
            let c = graceful_shutdown(Some(&deploy(grace)));
            assert_eq!(c.status, Status::Warn, "{c:?}");
            assert!(
                c.message.starts_with(&format!(
                    "Deployment web: no preStop hook ({text}): SIGTERM races"
                )),
                "{}",
                c.message
            );
        }

        let with_hook = |grace: &str, hook: &str| {
            let mut m = deploy(grace);
            let v: serde_json::Value = serde_norway::from_str(hook).unwrap();
            m.workloads[0].object.spec.template.spec.containers[0].lifecycle =
                Some(crate::sources::manifests::Lifecycle { pre_stop: Some(v) });
            graceful_shutdown(Some(&m))
        };
        let c = with_hook(
            "      terminationGracePeriodSeconds: 20\n",
            "exec: {command: [sh, -c, 'sleep 5']}",
        );
        assert_eq!(c.status, Status::Pass);
        assert_eq!(
            c.message,
            "Deployment web: container web preStop hook, sleep 5s; terminationGracePeriodSeconds 20"
        );
        let c = with_hook(
            "      terminationGracePeriodSeconds: 10\n",
            "sleep: {seconds: 15}",
        );
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message
                .contains("preStop sleeps 15s but terminationGracePeriodSeconds 10"),
            "{}",
            c.message
        );
        let c = with_hook(
            "      terminationGracePeriodSeconds: 0\n",
            "httpGet: {path: /quit, port: 80}",
        );
        assert_eq!(c.status, Status::Fail);
    }

    const GOOD: &str = "upstream b { server a:1 max_fails=3 fail_timeout=30s; server b:1 max_fails=3 fail_timeout=30s; }\n\
        server {\n location / {\n proxy_pass http://b;\n proxy_next_upstream error timeout http_502;\n proxy_next_upstream_tries 3;\n }\n location /health { proxy_pass http://b/health; }\n}\n";

    fn conf(text: &str) -> NginxConf {
        parse_str(Path::new("nginx.conf"), text).unwrap()
    }

    #[test]
    fn circuit_breakers_cases() {
        let none = Attestations::none(date(2026, 11, 23));
        let c = circuit_breakers(Some(&conf(GOOD)), &none);
        assert_eq!(c.status, Status::Pass);
        assert_eq!(
            c.message,
            "upstream b: max_fails=3 fail_timeout=30s on 2 servers (nginx.conf:1)"
        );
        let defaults = conf(&GOOD.replace(" max_fails=3 fail_timeout=30s", ""));
        let c = circuit_breakers(Some(&defaults), &none);
        assert_eq!(c.status, Status::Warn);
        assert_eq!(
            c.message,
            "upstream b: a:1, b:1 without explicit max_fails/fail_timeout (nginx defaults: 1 failure / 10s)"
        );
        let zero = conf(&GOOD.replace("max_fails=3", "max_fails=0"));
        assert_eq!(circuit_breakers(Some(&zero), &none).status, Status::Fail);
        let c = circuit_breakers(None, &none);
        assert_eq!(
            (c.status, c.message.as_str()),
            (
                Status::Skip,
                "needs --nginx-conf or --attest circuit_breakers=YYYY-MM-DD"
            )
        );

        let atts = Attestations::new(
            &["circuit_breakers=2026-11-01".parse().unwrap()],
            date(2026, 11, 23),
            90,
        )
        .unwrap();
        assert_eq!(circuit_breakers(None, &atts).status, Status::Pass);
        // A fresh attestation covers nginx defaults, not a disabled breaker.
        assert_eq!(
            circuit_breakers(Some(&defaults), &atts).status,
            Status::Pass
        );
        assert_eq!(circuit_breakers(Some(&zero), &atts).status, Status::Fail);
    }

    #[test]
    fn retry_logic_cases() {
        let none = Attestations::none(date(2026, 11, 23));
        let c = retry_logic(Some(&conf(GOOD)), None, &none);
        assert_eq!(c.status, Status::Pass, "{c:?}");
        assert_eq!(
            c.message,
            "location / (nginx.conf:3): proxy_next_upstream error timeout http_502, proxy_next_upstream_tries 3"
        );
        let c = retry_logic(
            Some(&conf(&GOOD.replace(" proxy_next_upstream_tries 3;\n", ""))),
            None,
            &none,
        );
        assert_eq!(c.status, Status::Warn);
        assert!(
            c.message
                .contains("without a proxy_next_upstream_tries bound"),
            "{}",
            c.message
        );
        let c = retry_logic(
            Some(&conf(&GOOD.replace(
                " proxy_next_upstream error timeout http_502;\n",
                "",
            ))),
            None,
            &none,
        );
        assert_eq!(c.status, Status::Warn);
        assert!(
            c.message.contains("no proxy_next_upstream"),
            "{}",
            c.message
        );
        let c = retry_logic(
            Some(&conf(&GOOD.replace("error timeout http_502", "off"))),
            None,
            &none,
        );
        assert_eq!(c.status, Status::Fail);
        let c = retry_logic(
            Some(&conf(&GOOD.replace(
                "location / {\n proxy_pass http://b;",
                "location / {\n return 200;",
            ))),
            None,
            &none,
        );
        assert_eq!(
            (c.status, c.message.as_str()),
            (Status::Fail, "no location proxies traffic to upstream b")
        );
    }

    #[test]
    fn backup_recovery_is_manual_unless_attested() {
        let today = date(2026, 11, 23);
        assert_eq!(
            backup_recovery(&Attestations::none(today)).status,
            Status::Manual
        );
        let old = Attestations::new(
            &["backup_recovery_tested=2026-01-01".parse().unwrap()],
            today,
            90,
        )
        .unwrap();
        let c = backup_recovery(&old);
        assert_eq!(c.status, Status::Warn);
        assert_eq!(
            c.hint,
            "re-verify, then --attest backup_recovery_tested=YYYY-MM-DD"
        );
    }
}
