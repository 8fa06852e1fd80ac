//! Infrastructure rules: load balancer, autoscaling policy, resources, disruption budgets.
//! (`infrastructure.redis_ha` comes from `validate::redis`.)

use super::{Finding, for_workloads, hpas_for, merge, min_scale, scaled_objects_for, skip};
use crate::redact;
use crate::sources::manifests::{
    IntOrPercent, Manifests, ScaledObject, Workload, labels_display, parse_quantity,
};
use crate::sources::nginx::{Location, NginxConf, Upstream, UpstreamServer};
use crate::validate::check::Check;
use crate::validate::facts::ProbeResult;
use crate::validate::ids;

/// The upstreams the service's traffic goes through: those some `proxy_pass` names, or all of
/// them when none is named literally.
pub fn relevant_upstreams(conf: &NginxConf) -> Vec<&Upstream> {
    let named: Vec<&Upstream> = conf
        .upstreams
        .iter()
        .filter(|u| {
            conf.locations
                .iter()
                .any(|l| l.upstream_name() == Some(u.name.as_str()))
        })
        .collect();
    if named.is_empty() {
        conf.upstreams.iter().collect()
    } else {
        named
    }
}

/// The failure when nginx.conf has no upstream at all.
pub fn no_upstream(conf: &NginxConf) -> Finding {
    Finding::fail(
        format!(
            "no upstream block in nginx.conf ({} files read)",
            conf.files.len()
        ),
        "define an upstream with ≥ 2 servers and proxy_pass to it",
    )
}

/// Probe results as findings: 2xx passes, anything else fails.
pub fn probe_findings(probes: &[ProbeResult], hint: &str) -> Vec<Finding> {
    probes
        .iter()
        .map(|p| {
            let url = redact::url(&p.url);
            let ms = p.elapsed.as_millis();
            match &p.status {
                Ok(code) if p.ok() => Finding::pass(format!("{url} → {code} ({ms} ms)")),
                Ok(code) => Finding::fail(format!("{url} → {code}"), hint),
                Err(e) => Finding::fail(format!("{url} → {e}"), hint),
            }
        })
        .collect()
}

/// `infrastructure.load_balancer`: an upstream with ≥ 2 servers (or a reason they are only
/// known at run time), passive health checks (`max_fails`/`fail_timeout`), a location for the
/// pods' probe path (or a common health path) or an active `health_check`; every
/// `--health-url` answering 2xx.
pub fn load_balancer(
    nginx: Option<&NginxConf>,
    m: Option<&Manifests>,
    health: Option<&[ProbeResult]>,
) -> Check {
    let id = ids::LOAD_BALANCER;
    if nginx.is_none() && health.is_none() {
        return skip(id, "--nginx-conf or --health-url");
    }
    let mut findings = Vec::new();
    if let Some(conf) = nginx {
        findings.extend(nginx_findings(conf, &probe_paths(m)));
    }
    if let Some(probes) = health {
        findings.extend(probe_findings(
            probes,
            "make every --health-url answer 2xx (check the instances behind it)",
        ));
    }
    merge(id, findings)
}

/// Paths load balancers and orchestrators commonly probe.
pub const COMMON_HEALTH_PATHS: [&str; 10] = [
    "/health",
    "/healthz",
    "/healthcheck",
    "/health_check",
    "/_health",
    "/ready",
    "/readyz",
    "/livez",
    "/ping",
    "/metrics",
];

/// The HTTP paths the workloads' readiness and liveness probes ask (`httpGet.path`).
pub fn probe_paths(m: Option<&Manifests>) -> Vec<String> {
    let mut paths: Vec<String> = m
        .into_iter()
        .flat_map(|m| &m.workloads)
        .flat_map(|w| &w.object.spec.template.spec.containers)
        .flat_map(|c| [&c.readiness_probe, &c.liveness_probe])
        .flatten()
        .filter_map(|p| p.pointer("/httpGet/path").and_then(|v| v.as_str()))
        .map(|p| p.split('?').next().unwrap_or(p).to_string())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The health path location `l` serves, if any: a probe path of the workloads (first) or a
/// common one; exact and prefix locations match as nginx matches them, regex locations when
/// they name the path's last segment.
pub fn health_path(l: &Location, probes: &[String]) -> Option<String> {
    if l.stream {
        return None;
    }
    let candidates = probes.iter().map(String::as_str).chain(
        COMMON_HEALTH_PATHS
            .iter()
            .copied()
            .filter(|p| *p != "/metrics"),
    );
    for p in candidates {
        let hit = match l.modifier.as_deref() {
            Some("=") => l.path == p,
            Some("~" | "~*") => {
                let last = p.rsplit('/').find(|s| !s.is_empty()).unwrap_or(p);
                !last.is_empty() && l.path.contains(last)
            }
            _ => l.path.len() > 1 && p.starts_with(l.path.trim_end_matches('/')),
        };
        if hit {
            return Some(p.to_string());
        }
    }
    None
}

/// The place an active `health_check` (NGINX Plus) probes `up` from, if any.
pub fn active_check<'a>(conf: &'a NginxConf, up: &Upstream) -> Option<&'a Location> {
    conf.locations
        .iter()
        .find(|l| l.health_check && l.upstream_name() == Some(up.name.as_str()))
}

/// Health checking of `servers` of `up`: an active `health_check` passes (it takes failing
/// servers out whatever the passive settings), otherwise as [`passive_problem`].
pub fn health_checking(
    conf: &NginxConf,
    up: &Upstream,
    servers: &[&UpstreamServer],
    hint: &str,
) -> Option<Finding> {
    match active_check(conf, up) {
        Some(l) => Some(Finding::pass(format!(
            "upstream {}: active health_check in {}",
            up.name,
            l.describe()
        ))),
        None => passive_problem(up, servers, hint),
    }
}

/// Passive health checking (`max_fails`/`fail_timeout`) on `servers` of `up`: a failure when a
/// server turns it off (`max_fails=0` or `fail_timeout=0`), a warning when a server relies on
/// the defaults, `None` when every server sets both.
pub fn passive_problem(up: &Upstream, servers: &[&UpstreamServer], hint: &str) -> Option<Finding> {
    let off: Vec<String> = servers
        .iter()
        .filter_map(|s| {
            if s.max_fails == Some(0) {
                Some(format!("max_fails=0 on {}", s.address))
            } else if s
                .fail_timeout
                .as_deref()
                .is_some_and(|t| t.trim_end_matches(|c: char| c.is_ascii_alphabetic()) == "0")
            {
                Some(format!("fail_timeout=0 on {}", s.address))
            } else {
                None
            }
        })
        .collect();
    let unset: Vec<&str> = servers
        .iter()
        .filter(|s| s.max_fails.is_none() || s.fail_timeout.is_none())
        .map(|s| s.address.as_str())
        .collect();
    if !off.is_empty() {
        Some(Finding::fail(
            format!(
                "upstream {} ({}): {} disables passive health checks: a failing server is never taken out",
                up.name,
                up.origin,
                off.join(", ")
            ),
            hint,
        ))
    } else if !unset.is_empty() {
        Some(Finding::warn(
            format!(
                "upstream {}: {} without explicit max_fails/fail_timeout (nginx defaults: 1 failure / 10s)",
                up.name,
                unset.join(", ")
            ),
            hint,
        ))
    } else {
        None
    }
}

fn nginx_findings(conf: &NginxConf, probes: &[String]) -> Vec<Finding> {
    let ups = relevant_upstreams(conf);
    if ups.is_empty() {
        return vec![no_upstream(conf)];
    }
    let mut findings = Vec::new();
    let hint = "set max_fails=3 fail_timeout=30s on every upstream server (passive health checks)";
    for up in &ups {
        let active: Vec<_> = up.servers.iter().filter(|s| !s.down && !s.backup).collect();
        let names: Vec<&str> = active.iter().map(|s| s.address.as_str()).collect();
        if let Some(why) = up.runtime_servers() {
            findings.push(Finding::manual(
                format!("upstream {} ({}): {why}", up.name, up.origin),
                "check the live upstream has ≥ 2 healthy servers (NGINX Plus API, DNS records or the Lua balancer's backends)",
            ));
        } else if active.len() < 2 {
            findings.push(Finding::fail(
                format!(
                    "upstream {} ({}) has {} active server{}{}",
                    up.name,
                    up.origin,
                    active.len(),
                    if active.len() == 1 { "" } else { "s" },
                    if names.is_empty() { String::new() } else { format!(" ({})", names.join(", ")) }
                ),
                "list ≥ 2 servers in the upstream so one failing instance does not take the service down",
            ));
            continue;
        }
        if let Some(finding) = health_checking(conf, up, &active, hint) {
            findings.push(finding);
        } else if !active.is_empty() {
            let first = active[0];
            let mut msg = format!(
                "upstream {}: {} servers with max_fails={} fail_timeout={}",
                up.name,
                active.len(),
                first.max_fails.unwrap_or_default(),
                first.fail_timeout.as_deref().unwrap_or_default()
            );
            if up.methods.len() > 1 {
                let last = up.methods.last().map(String::as_str).unwrap_or_default();
                msg.push_str(&format!(
                    " (note: {} all set; nginx uses {last})",
                    up.methods.join(", ")
                ));
            }
            findings.push(Finding::pass(msg));
        }
    }
    let names: Vec<&str> = ups.iter().map(|u| u.name.as_str()).collect();
    let active = conf
        .locations
        .iter()
        .find(|l| l.health_check && l.upstream_name().is_some_and(|n| names.contains(&n)));
    let passive = conf
        .locations
        .iter()
        .find_map(|l| health_path(l, probes).map(|p| (l, p)));
    match (active, passive) {
        (Some(l), _) => findings.push(Finding::pass(format!(
            "active health_check in {}",
            l.describe()
        ))),
        (None, Some((l, p))) => {
            let source = if probes.contains(&p) {
                "the pods' probe path"
            } else {
                "a common health path"
            };
            findings.push(Finding::pass(format!(
                "{} serves {p} ({source})",
                l.describe()
            )))
        }
        (None, None) => {
            let wanted = if probes.is_empty() {
                "/health, /healthz or /ready".to_string()
            } else {
                probes.join(", ")
            };
            findings.push(Finding::warn(
                format!("no health location in nginx.conf (looked for {wanted})"),
                "add a location for the pods' readiness path (e.g. `location = /healthz { proxy_pass http://UPSTREAM; }`) or an active health_check",
            ))
        }
    }
    findings
}

/// `infrastructure.autoscaling_policy`: one HPA targets each workload, minReplicas ≥ 2 (warn
/// < 3), maxReplicas > minReplicas, metrics listed, utilization metrics backed by requests,
/// `behavior` defined.
pub fn autoscaling_policy(m: Option<&Manifests>) -> Check {
    let check = for_workloads(ids::AUTOSCALING_POLICY, m, hpa_findings);
    let Some(m) = m else { return check };
    let mut findings = vec![Finding {
        status: check.status,
        message: check.message,
        hint: check.hint,
    }];
    findings.extend(dangling_targets(m));
    merge(ids::AUTOSCALING_POLICY, findings)
}

/// HPAs and ScaledObjects whose target is not among the manifests' workloads.
fn dangling_targets(m: &Manifests) -> Vec<Finding> {
    let exists = |ns: &str, kind: &str, name: &str| {
        m.workloads.iter().any(|w| {
            let w = &w.object;
            w.metadata.ns() == ns && w.kind == kind && w.metadata.name == name
        })
    };
    let hpas = m.hpas.iter().map(|h| {
        let h = &h.object;
        (
            "HPA",
            &h.metadata,
            h.spec.scale_target_ref.kind.as_str(),
            &h.spec.scale_target_ref.name,
        )
    });
    let keda = m.scaled_objects.iter().map(|s| {
        let s = &s.object;
        let kind = s.spec.scale_target_ref.kind.as_str();
        let kind = if kind.is_empty() { "Deployment" } else { kind };
        (
            "ScaledObject",
            &s.metadata,
            kind,
            &s.spec.scale_target_ref.name,
        )
    });
    hpas.chain(keda)
        .filter(|(_, meta, kind, name)| !exists(meta.ns(), kind, name))
        .map(|(what, meta, kind, name)| {
            Finding::warn(
                format!(
                    "{what} {} targets {kind} {}/{name}, which is not in --manifests",
                    meta.name,
                    meta.ns()
                ),
                "fix scaleTargetRef, or include the target's manifest in --manifests",
            )
        })
        .collect()
}

fn keda_findings(so: &ScaledObject, w: &Workload) -> Vec<Finding> {
    let name = &so.metadata.name;
    let spec = &so.spec;
    let min = spec.min_replica_count.unwrap_or(0);
    let max = spec.max_replica_count.unwrap_or(100);
    let note = |set: bool| if set { "" } else { " (KEDA default)" };
    let summary = format!(
        "KEDA ScaledObject {name} → {}: minReplicaCount {min}{}, maxReplicaCount {max}{}, {} trigger{}",
        w.display(),
        note(spec.min_replica_count.is_some()),
        note(spec.max_replica_count.is_some()),
        spec.triggers.len(),
        if spec.triggers.len() == 1 { "" } else { "s" }
    );
    if spec.triggers.is_empty() {
        return vec![Finding::fail(
            format!("{summary}: nothing to scale on"),
            "add a trigger (cpu, prometheus, …) to the ScaledObject",
        )];
    }
    if max <= min {
        return vec![Finding::fail(
            format!("{summary}: maxReplicaCount ≤ minReplicaCount, it cannot scale"),
            "set maxReplicaCount above minReplicaCount",
        )];
    }
    if min < 2 {
        return vec![Finding::warn(
            format!(
                "{summary}: fewer than 2 replicas at the minimum (one pod, or none, serves the traffic)"
            ),
            "set minReplicaCount: 3 for a service behind a load balancer",
        )];
    }
    vec![Finding::pass(summary)]
}

fn hpa_findings(m: &Manifests, w: &Workload) -> Vec<Finding> {
    let hpas = hpas_for(m, w);
    let keda = scaled_objects_for(m, w);
    match (hpas.len(), keda.as_slice()) {
        (0, [so]) => return keda_findings(so, w),
        (0, []) | (1, []) => {}
        _ => {
            let names: Vec<String> = hpas
                .iter()
                .map(|h| format!("HPA {}", h.metadata.name))
                .chain(
                    keda.iter()
                        .map(|s| format!("ScaledObject {}", s.metadata.name)),
                )
                .collect();
            return vec![Finding::fail(
                format!(
                    "{} autoscalers target {} ({}): they fight over the replica count",
                    names.len(),
                    w.display(),
                    names.join(", ")
                ),
                "keep exactly one HPA (or one KEDA ScaledObject) per workload",
            )];
        }
    }
    let [hpa] = hpas.as_slice() else {
        if hpas.is_empty() {
            return vec![Finding::fail(
                format!("no HorizontalPodAutoscaler targets {}", w.display()),
                format!(
                    "add an autoscaling/v2 HPA with scaleTargetRef {} {}",
                    w.kind, w.metadata.name
                ),
            )];
        }
        let names: Vec<&str> = hpas.iter().map(|h| h.metadata.name.as_str()).collect();
        return vec![Finding::fail(
            format!(
                "{} HPAs target {} ({}): they fight over the replica count",
                hpas.len(),
                w.display(),
                names.join(", ")
            ),
            "keep exactly one HPA per workload",
        )];
    };
    let name = &hpa.metadata.name;
    let spec = &hpa.spec;
    let mut problems = Vec::new();
    let min = spec.min_replicas.unwrap_or(1);
    let min_note = if spec.min_replicas.is_none() {
        " (default)"
    } else {
        ""
    };
    if min < 2 {
        problems.push(Finding::fail(
            format!("HPA {name}: minReplicas {min}{min_note} (< 2: one pod is a single point of failure)"),
            "set minReplicas: 3",
        ));
    } else if min < 3 {
        problems.push(Finding::warn(
            format!("HPA {name}: minReplicas {min} (< 3 recommended)"),
            "set minReplicas: 3",
        ));
    }
    match spec.max_replicas {
        None => problems.push(Finding::fail(
            format!("HPA {name}: no maxReplicas"),
            "set maxReplicas above minReplicas",
        )),
        Some(max) if max <= min => problems.push(Finding::fail(
            format!("HPA {name}: maxReplicas {max} ≤ minReplicas {min}: it cannot scale"),
            "set maxReplicas above minReplicas",
        )),
        Some(_) => {}
    }
    let metric_count =
        spec.metrics.len() + usize::from(spec.target_cpu_utilization_percentage.is_some());
    if metric_count == 0 {
        problems.push(Finding::warn(
            format!("HPA {name}: no metrics (Kubernetes falls back to 80% CPU)"),
            "list the metrics to scale on (cpu, memory, requests per second)",
        ));
    }
    // Utilization targets are a share of the request: without one the HPA cannot compute it.
    let mut utilization: Vec<String> = spec
        .metrics
        .iter()
        .filter(|mt| mt.get("type").and_then(|t| t.as_str()) == Some("Resource"))
        .filter(|mt| {
            // v2/v2beta2: target.type Utilization; v2beta1: targetAverageUtilization.
            mt.pointer("/resource/target/type").and_then(|t| t.as_str()) == Some("Utilization")
                || mt.pointer("/resource/targetAverageUtilization").is_some()
        })
        .filter_map(|mt| {
            mt.pointer("/resource/name")
                .and_then(|n| n.as_str())
                .map(str::to_string)
        })
        .collect();
    if spec.target_cpu_utilization_percentage.is_some() {
        utilization.push("cpu".to_string());
    }
    for resource in utilization {
        for c in &w.spec.template.spec.containers {
            // A limit alone defaults the request to it.
            if !c.resources.requests.contains_key(&resource)
                && !c.resources.limits.contains_key(&resource)
            {
                problems.push(Finding::fail(
                    format!(
                        "HPA {name} scales on {resource} utilization but container {} has no {resource} request",
                        c.name
                    ),
                    format!("set resources.requests.{resource} on every container"),
                ));
            }
        }
    }
    if spec.behavior.is_none() {
        problems.push(Finding::warn(
            format!("HPA {name}: no behavior (defaults: scale down after a 300s window, up by 100% or 4 pods per 15s)"),
            "define spec.behavior scaleUp/scaleDown policies",
        ));
    }
    if !problems.is_empty() {
        return problems;
    }
    vec![Finding::pass(format!(
        "HPA {name} → {}: minReplicas {min}, maxReplicas {}, {metric_count} metric{}, behavior set",
        w.display(),
        spec.max_replicas.unwrap_or_default(),
        if metric_count == 1 { "" } else { "s" }
    ))]
}

/// `infrastructure.resources`: every container and init container has cpu and memory requests
/// and limits (a request left out is defaulted to its limit, as the API server does, and said
/// so), and no request exceeds its limit.
pub fn resources(m: Option<&Manifests>) -> Check {
    for_workloads(ids::RESOURCES, m, |_, w| resource_findings(w))
}

fn resource_findings(w: &Workload) -> Vec<Finding> {
    let pod = &w.spec.template.spec;
    if pod.containers.is_empty() {
        return vec![Finding::fail(
            format!("{} has no containers", w.display()),
            "add the application container",
        )];
    }
    let hint = "set resources.requests and resources.limits for cpu and memory on every container";
    let all = pod
        .containers
        .iter()
        .map(|c| ("container", c))
        .chain(pod.init_containers.iter().map(|c| ("init container", c)));
    let mut problems = Vec::new();
    let mut details = Vec::new();
    for (role, c) in all {
        let r = &c.resources;
        let mut missing = Vec::new();
        let mut defaulted = Vec::new();
        for (map, kind) in [(&r.requests, "request"), (&r.limits, "limit")] {
            for res in ["cpu", "memory"] {
                if let Some(q) = map.get(res).filter(|q| parse_quantity(q).is_none()) {
                    problems.push(Finding::fail(
                        format!(
                            "{}: {role} {} {res} {kind} '{q}' is not a quantity",
                            w.display(),
                            c.name
                        ),
                        hint,
                    ));
                }
            }
        }
        for res in ["cpu", "memory"] {
            match (r.requests.get(res), r.limits.get(res)) {
                (None, None) => {
                    missing.push(format!("{res} request"));
                    missing.push(format!("{res} limit"));
                }
                (Some(_), None) => missing.push(format!("{res} limit")),
                // The API server defaults a missing request to the limit.
                (None, Some(_)) => defaulted.push(res),
                (Some(req), Some(lim)) => {
                    if let (Some(a), Some(b)) = (parse_quantity(req), parse_quantity(lim))
                        && a > b
                    {
                        problems.push(Finding::fail(
                            format!(
                                "{}: {role} {} {res} request {req} > limit {lim}",
                                w.display(),
                                c.name
                            ),
                            "a request cannot exceed its limit",
                        ));
                    }
                }
            }
        }
        missing.sort_by_key(|m| m.ends_with("limit"));
        if !missing.is_empty() {
            problems.push(Finding::fail(
                format!(
                    "{}: {role} {} has no {}",
                    w.display(),
                    c.name,
                    missing.join(", ")
                ),
                hint,
            ));
        }
        let get = |m: &std::collections::BTreeMap<String, String>, k: &str| {
            m.get(k).cloned().unwrap_or_default()
        };
        let request = |res: &str| {
            r.requests
                .get(res)
                .or(r.limits.get(res))
                .cloned()
                .unwrap_or_default()
        };
        let note = if defaulted.is_empty() {
            String::new()
        } else {
            format!(
                " ({} request{} defaulted to the limit by the API server)",
                defaulted.join(" and "),
                if defaulted.len() == 1 { "" } else { "s" }
            )
        };
        details.push(format!(
            "{role} {}: requests cpu {} memory {}, limits cpu {} memory {}{note}",
            c.name,
            request("cpu"),
            request("memory"),
            get(&r.limits, "cpu"),
            get(&r.limits, "memory")
        ));
    }
    if !problems.is_empty() {
        return problems;
    }
    vec![Finding::pass(format!(
        "{}: {}",
        w.display(),
        details.join("; ")
    ))]
}

/// `infrastructure.pdb`: exactly one PDB selects the workload's pods, it allows at least one
/// disruption at the minimum scale (HPA minReplicas, else spec.replicas).
pub fn pdb(m: Option<&Manifests>) -> Check {
    for_workloads(ids::PDB, m, pdb_findings)
}

fn pdb_findings(m: &Manifests, w: &Workload) -> Vec<Finding> {
    let labels = &w.spec.template.metadata.labels;
    let same_ns: Vec<_> = m
        .pdbs
        .iter()
        .map(|p| &p.object)
        .filter(|p| p.metadata.ns() == w.metadata.ns())
        .collect();
    let matching: Vec<_> = same_ns
        .iter()
        .filter(|p| p.spec.selector.as_ref().is_some_and(|s| s.matches(labels)))
        .collect();
    let hint =
        "add a policy/v1 PodDisruptionBudget selecting the pod labels with maxUnavailable: 1";
    let pdb = match matching.as_slice() {
        [one] => *one,
        [] => {
            let others: Vec<String> = same_ns
                .iter()
                .map(|p| match &p.spec.selector {
                    Some(s) => format!("PDB {} selector {s}", p.metadata.name),
                    None => format!("PDB {} has no selector", p.metadata.name),
                })
                .collect();
            let message = if others.is_empty() {
                format!(
                    "no PodDisruptionBudget covers {} pods ({})",
                    w.display(),
                    labels_display(labels)
                )
            } else {
                format!(
                    "{} does not match pods of {} ({})",
                    others.join("; "),
                    w.display(),
                    labels_display(labels)
                )
            };
            return vec![Finding::fail(message, hint)];
        }
        many => {
            let names: Vec<&str> = many.iter().map(|p| p.metadata.name.as_str()).collect();
            return vec![Finding::fail(
                format!(
                    "{} pods are selected by {} PDBs ({}): evictions fail",
                    w.display(),
                    many.len(),
                    names.join(", ")
                ),
                "keep exactly one PDB per workload",
            )];
        }
    };
    let name = &pdb.metadata.name;
    let (floor, basis) = min_scale(m, w);
    let blocked_hint =
        "lower minAvailable below the minimum replica count, or use maxUnavailable: 1";
    let (allowed, setting) = match (pdb.spec.min_available, pdb.spec.max_unavailable) {
        (Some(_), Some(_)) => {
            return vec![Finding::fail(
                format!(
                    "PDB {name} sets both minAvailable and maxUnavailable (the API rejects it)"
                ),
                "keep one of minAvailable / maxUnavailable",
            )];
        }
        (None, None) => {
            return vec![Finding::warn(
                format!("PDB {name} sets neither minAvailable nor maxUnavailable"),
                "set maxUnavailable: 1",
            )];
        }
        (Some(min_available), None) => {
            let need = min_available.resolve(floor);
            if need >= floor {
                let shown = match min_available {
                    IntOrPercent::Int(_) => min_available.to_string(),
                    IntOrPercent::Percent(_) => format!("{min_available} (= {need} pods)"),
                };
                return vec![Finding::fail(
                    format!(
                        "PDB {name}: minAvailable {shown} ≥ {basis}: no pod can be evicted at minimum scale (node drains block)"
                    ),
                    blocked_hint,
                )];
            }
            if need == 0 {
                return vec![Finding::fail(
                    format!(
                        "PDB {name}: minAvailable {min_available} lets every pod of {} be evicted at once: it protects nothing",
                        w.display()
                    ),
                    "set maxUnavailable: 1 (or minAvailable one below the minimum replica count)",
                )];
            }
            (floor - need, format!("minAvailable {min_available}"))
        }
        (None, Some(max_unavailable)) => {
            let n = max_unavailable.resolve(floor);
            if n == 0 {
                return vec![Finding::fail(
                    format!(
                        "PDB {name}: maxUnavailable {max_unavailable} blocks every voluntary disruption"
                    ),
                    blocked_hint,
                )];
            }
            if n >= floor {
                let shown = match max_unavailable {
                    IntOrPercent::Int(_) => max_unavailable.to_string(),
                    IntOrPercent::Percent(_) => format!("{max_unavailable} (= {n} pods)"),
                };
                return vec![Finding::fail(
                    format!(
                        "PDB {name}: maxUnavailable {shown} ≥ {basis}: every pod of {} may be evicted at once, the PDB protects nothing",
                        w.display()
                    ),
                    "set maxUnavailable below the minimum replica count (maxUnavailable: 1)",
                )];
            }
            (n, format!("maxUnavailable {max_unavailable}"))
        }
    };
    vec![Finding::pass(format!(
        "PDB {name} ({setting}) covers {}; allows {allowed} disruption{} at {basis}",
        w.display(),
        if allowed == 1 { "" } else { "s" }
    ))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::manifests::parse_into;
    use crate::sources::nginx::parse_str;
    use crate::validate::check::Status;
    use std::path::Path;
    use std::time::Duration;

    const DEPLOY: &str = "kind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        resources:\n          requests: {cpu: 200m, memory: 256Mi}\n          limits: {cpu: '1', memory: 1Gi}\n";

    fn manifests(extra: &str) -> Manifests {
        let mut m = Manifests::default();
        parse_into(
            &mut m,
            Path::new("m.yaml"),
            &format!("{DEPLOY}---\n{extra}"),
        )
        .unwrap();
        m
    }

    fn hpa(spec: &str) -> String {
        format!(
            "kind: HorizontalPodAutoscaler\nmetadata: {{name: h}}\nspec:\n  scaleTargetRef: {{kind: Deployment, name: web}}\n{spec}"
        )
    }

    const GOOD_HPA: &str = "  minReplicas: 3\n  maxReplicas: 10\n  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n  behavior: {scaleDown: {stabilizationWindowSeconds: 300}}\n";

    #[test]
    fn autoscaling_policy_cases() {
        let c = autoscaling_policy(Some(&manifests(&hpa(GOOD_HPA))));
        assert_eq!(c.status, Status::Pass, "{c:?}");
        assert_eq!(
            c.message,
            "HPA h → Deployment web: minReplicas 3, maxReplicas 10, 1 metric, behavior set"
        );

        let c = autoscaling_policy(Some(&manifests("kind: Service\nmetadata: {name: s}\n")));
        assert_eq!(
            (c.status, c.message.as_str()),
            (
                Status::Fail,
                "no HorizontalPodAutoscaler targets Deployment web"
            )
        );

        let c = autoscaling_policy(Some(&manifests(&hpa(
            &GOOD_HPA.replace("minReplicas: 3", "minReplicas: 2")
        ))));
        assert_eq!(
            (c.status, c.message.as_str()),
            (Status::Warn, "HPA h: minReplicas 2 (< 3 recommended)")
        );

        let c = autoscaling_policy(Some(&manifests(&hpa("  maxReplicas: 1\n"))));
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message.contains("minReplicas 1 (default) (< 2"),
            "{}",
            c.message
        );
        assert!(
            c.message.contains("maxReplicas 1 ≤ minReplicas 1"),
            "{}",
            c.message
        );
        assert!(c.message.contains("no metrics"), "{}", c.message);
        assert!(c.message.contains("no behavior"), "{}", c.message);

        let no_behavior = GOOD_HPA.replace(
            "  behavior: {scaleDown: {stabilizationWindowSeconds: 300}}\n",
            "",
        );
        let c = autoscaling_policy(Some(&manifests(&hpa(&no_behavior))));
        assert_eq!(c.status, Status::Warn);
        assert!(c.message.starts_with("HPA h: no behavior"), "{}", c.message);

        let memory = GOOD_HPA.replace("name: cpu", "name: memory");
        let m = manifests(&hpa(&memory)).clone();
        let mut m2 = m.clone();
        let r = &mut m2.workloads[0].object.spec.template.spec.containers[0].resources;
        r.requests.remove("memory");
        // With a limit the API server defaults the request to it: still computable.
        assert_eq!(autoscaling_policy(Some(&m2)).status, Status::Pass);
        m2.workloads[0].object.spec.template.spec.containers[0]
            .resources
            .limits
            .remove("memory");
        let c = autoscaling_policy(Some(&m2));
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message
                .contains("scales on memory utilization but container web has no memory request")
        );

        let two = format!(
            "{}---\n{}",
            hpa(GOOD_HPA),
            hpa(GOOD_HPA).replace("name: h}", "name: h2}")
        );
        let c = autoscaling_policy(Some(&manifests(&two)));
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message
                .contains("2 autoscalers target Deployment web (HPA h, HPA h2)"),
            "{}",
            c.message
        );

        assert_eq!(autoscaling_policy(None).status, Status::Skip);
        assert_eq!(autoscaling_policy(None).message, "needs --manifests");
        let empty = Manifests::default();
        assert_eq!(autoscaling_policy(Some(&empty)).status, Status::Fail);
    }

    #[test]
    fn resources_cases() {
        let c = resources(Some(&manifests("kind: Service\n")));
        assert_eq!(c.status, Status::Pass, "{c:?}");
        let mut m = manifests("kind: Service\n");
        let r = &mut m.workloads[0].object.spec.template.spec.containers[0].resources;
        r.limits.remove("memory");
        let c = resources(Some(&m));
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.message,
            "Deployment web: container web has no memory limit"
        );
        let r = &mut m.workloads[0].object.spec.template.spec.containers[0].resources;
        r.limits.insert("memory".into(), "128Mi".into());
        let c = resources(Some(&m));
        assert_eq!(
            c.message,
            "Deployment web: container web memory request 256Mi > limit 128Mi"
        );
        let r = &mut m.workloads[0].object.spec.template.spec.containers[0].resources;
        r.limits.insert("memory".into(), "lots".into());
        assert!(
            resources(Some(&m))
                .message
                .contains("memory limit 'lots' is not a quantity")
        );
    }

    #[test]
    fn pdb_cases() {
        let pdb = |spec: &str| {
            format!(
                "{}---\nkind: PodDisruptionBudget\nmetadata: {{name: p}}\nspec:\n{spec}",
                hpa(GOOD_HPA)
            )
        };
        let c = super::pdb(Some(&manifests(&pdb(
            "  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n",
        ))));
        assert_eq!(c.status, Status::Pass, "{c:?}");
        assert_eq!(
            c.message,
            "PDB p (maxUnavailable 1) covers Deployment web; allows 1 disruption at HPA minReplicas 3"
        );

        let c = super::pdb(Some(&manifests(&pdb(
            "  minAvailable: 3\n  selector: {matchLabels: {app: web}}\n",
        ))));
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message
                .starts_with("PDB p: minAvailable 3 ≥ HPA minReplicas 3"),
            "{}",
            c.message
        );

        let c = super::pdb(Some(&manifests(&pdb(
            "  minAvailable: 67%\n  selector: {matchLabels: {app: web}}\n",
        ))));
        assert_eq!(c.status, Status::Fail, "{c:?}");
        assert!(
            c.message.contains("minAvailable 67% (= 3 pods)"),
            "{}",
            c.message
        );
        let c = super::pdb(Some(&manifests(&pdb(
            "  minAvailable: 50%\n  selector: {matchLabels: {app: web}}\n",
        ))));
        assert_eq!(c.status, Status::Pass, "{c:?}");

        let c = super::pdb(Some(&manifests(&pdb(
            "  maxUnavailable: 0\n  selector: {matchLabels: {app: web}}\n",
        ))));
        assert_eq!(c.status, Status::Fail);

        let c = super::pdb(Some(&manifests(&pdb(
            "  maxUnavailable: 1\n  selector: {matchLabels: {app: api}}\n",
        ))));
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.message,
            "PDB p selector app=api does not match pods of Deployment web (app=web)"
        );

        let c = super::pdb(Some(&manifests(&hpa(GOOD_HPA))));
        assert_eq!(
            c.message,
            "no PodDisruptionBudget covers Deployment web pods (app=web)"
        );

        // Without an HPA the floor is spec.replicas.
        let c = super::pdb(Some(&manifests(
            "kind: PodDisruptionBudget\nmetadata: {name: p}\nspec:\n  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n",
        )));
        assert_eq!(
            c.message,
            "PDB p (minAvailable 2) covers Deployment web; allows 1 disruption at replicas 3"
        );
    }

    fn probe(url: &str, status: Result<u16, String>) -> ProbeResult {
        ProbeResult {
            url: url.into(),
            status,
            elapsed: Duration::from_millis(12),
            parsed: None,
            violation: None,
        }
    }

    #[test]
    fn load_balancer_cases() {
        let good = "upstream b { server a:1 max_fails=3 fail_timeout=30s; server b:1 max_fails=3 fail_timeout=30s; }\n\
                    server { location / { proxy_pass http://b; } location /health { proxy_pass http://b/health; } }";
        let conf = parse_str(Path::new("nginx.conf"), good).unwrap();
        let c = load_balancer(Some(&conf), None, None);
        assert_eq!(c.status, Status::Pass, "{c:?}");
        assert_eq!(
            c.message,
            "upstream b: 2 servers with max_fails=3 fail_timeout=30s; location /health (nginx.conf:2) serves /health (a common health path)"
        );

        let single = parse_str(
            Path::new("nginx.conf"),
            &good.replace("server b:1 max_fails=3 fail_timeout=30s;", ""),
        )
        .unwrap();
        let c = load_balancer(Some(&single), None, None);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.message,
            "upstream b (nginx.conf:1) has 1 active server (a:1)"
        );

        let defaults = parse_str(
            Path::new("nginx.conf"),
            &good.replace(" max_fails=3 fail_timeout=30s", ""),
        )
        .unwrap();
        let c = load_balancer(Some(&defaults), None, None);
        assert_eq!(c.status, Status::Warn);
        assert!(
            c.message
                .starts_with("upstream b: a:1, b:1 without explicit max_fails/fail_timeout")
        );

        let zero = parse_str(
            Path::new("nginx.conf"),
            &good.replacen("max_fails=3", "max_fails=0", 1),
        )
        .unwrap();
        assert_eq!(load_balancer(Some(&zero), None, None).status, Status::Fail);

        let no_health = parse_str(
            Path::new("nginx.conf"),
            &good.replace("location /health", "location /status"),
        )
        .unwrap();
        let c = load_balancer(Some(&no_health), None, None);
        assert_eq!(
            (c.status, c.message.as_str()),
            (
                Status::Warn,
                "no health location in nginx.conf (looked for /health, /healthz or /ready)"
            )
        );

        let none = parse_str(Path::new("nginx.conf"), "server { listen 80; }").unwrap();
        assert_eq!(
            load_balancer(Some(&none), None, None).message,
            "no upstream block in nginx.conf (1 files read)"
        );

        let probes = [
            probe("http://u:pw@lb/health", Ok(200)),
            probe("http://lb2/health", Ok(503)),
        ];
        let c = load_balancer(None, None, Some(&probes));
        assert_eq!(
            (c.status, c.message.as_str()),
            (Status::Fail, "http://lb2/health → 503")
        );
        let c = load_balancer(None, None, Some(&probes[..1]));
        assert_eq!(
            (c.status, c.message.as_str()),
            (Status::Pass, "http://u:***@lb/health → 200 (12 ms)")
        );
        let refused = [probe("http://lb/health", Err("connection refused".into()))];
        assert_eq!(
            load_balancer(None, None, Some(&refused)).message,
            "http://lb/health → connection refused"
        );
        assert_eq!(
            load_balancer(None, None, None).message,
            "needs --nginx-conf or --health-url"
        );
    }
}
